"""``out=`` on the functional forms of the core ops (``minigrad.add(a, b, out=c)``), as PyTorch takes
it. Each is the op itself with :func:`minigrad.outputs.write_out` applied to its result; the Tensor
methods and operators keep calling the op directly (no wrapper on their path). The ops of the other
families take ``out=`` in their own signatures."""
import functools

from ..outputs import write_out
from . import activation, comparison, elementwise, linalg, reduction, shape

_NAMES = ('add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'matmul', 'neg',
          'negative', 'pow', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'abs', 'absolute',
          'square', 'maximum', 'minimum', 'sum', 'mean', 'std', 'var', 'amax', 'amin', 'argmax', 'argmin',
          'logsumexp', 'cat', 'concat', 'concatenate', 'stack', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
          'floor_divide', 'max', 'min')


def _with_out(fn, name):
    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        return write_out(fn(*args, **kwargs), out, name)
    return op


_CORE = (elementwise, activation, comparison, reduction, shape, linalg)
_FOUND = {name: getattr(family, name) for family in _CORE for name in family.__all__ if name in _NAMES}
__all__ = sorted(_FOUND)
globals().update({name: _with_out(fn, name) for name, fn in _FOUND.items()})
METHODS = {}
