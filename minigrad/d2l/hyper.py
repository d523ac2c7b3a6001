"""The book's two utilities: ``add_to_class`` and ``HyperParameters.save_hyperparameters``."""
import inspect


def add_to_class(Class):
    """Register the decorated function as a method of ``Class`` (so a class can be written in pieces).

    >>> class A:
    ...     b = 1
    >>> @add_to_class(A)
    ... def do(self):
    ...     return self.b
    >>> A().do()
    1
    """
    def wrapper(obj):
        setattr(Class, obj.__name__, obj)
        return obj  # the book returns None, which left the decorated name bound to None
    return wrapper


class HyperParameters:
    """Base class whose ``save_hyperparameters()`` stores the caller's arguments as attributes.

    >>> class B(HyperParameters):
    ...     def __init__(self, a, b, c):
    ...         self.save_hyperparameters(ignore=['c'])
    >>> B(1, 2, 3).hparams
    {'a': 1, 'b': 2}
    """

    def save_hyperparameters(self, ignore=[]):
        """Set every argument of the calling function (``__init__``) as an attribute, except ``self``,
        names in ``ignore`` and names starting with ``_``; they are also collected in ``self.hparams``."""
        frame = inspect.currentframe().f_back
        try:
            _, _, _, local_vars = inspect.getargvalues(frame)
            skip = set(ignore) | {'self'}
            self.hparams = {k: v for k, v in local_vars.items() if k not in skip and not k.startswith('_')}
        finally:
            del frame  # break the frame reference cycle
        for k, v in self.hparams.items():
            setattr(self, k, v)
