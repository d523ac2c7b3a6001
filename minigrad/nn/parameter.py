"""``nn.Parameter``: a tensor that a Module registers as learnable when assigned as its attribute."""
from .. import backend
from ..runtime import resolve_device
from ..tensor import Tensor, init_leaf


class Parameter(Tensor):
    """A leaf tensor that requires grad (by default) and that ``Module`` collects in ``parameters()``.

    As in PyTorch, ``Parameter(t)`` shares ``t``'s memory (no copy); the Parameter is always a leaf,
    even when ``t`` came out of an op.

    >>> w = nn.Parameter(minigrad.zeros(2, 3))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """
    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            array = backend.module_for('cpu').zeros((0,), dtype=backend.get_default_dtype())
        elif isinstance(data, Tensor):
            array = data._array
        else:
            array = Tensor(data)._array
        init_leaf(self, array)
        self.requires_grad = requires_grad

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()

    __str__ = __repr__

    def __reduce__(self):
        return _rebuild_parameter, (backend.to_host(self._array), self._requires_grad, str(self.device),
                                    type(self) is UninitializedParameter)

    def __deepcopy__(self, memo):
        out = type(self).__new__(type(self))
        init_leaf(out, self._array.copy())
        out._requires_grad = self._requires_grad
        out.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        memo[id(self)] = out
        return out


def _rebuild_parameter(array, requires_grad, device, uninitialized=False):
    out = Parameter(Tensor(array, device=device), requires_grad)
    if uninitialized:
        out.__class__ = UninitializedParameter
    return out


class UninitializedParameter(Parameter):
    """The placeholder a lazy layer holds before its first call, when its shape is not yet known.

    It is already the object that ``parameters()`` returns, so an optimiser built before the first
    forward keeps working: ``materialize`` fills it in place and turns it into a plain ``Parameter``.
    Its (empty) array carries the dtype and device the parameter will have, so ``module.to(...)``
    before the first call is honoured.
    """
    __slots__ = ()

    def __init__(self, requires_grad=True, device=None, dtype=None):
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        super().__init__(Tensor(backend.module_for(resolve_device(device)).zeros((0,), dtype=dtype)), requires_grad)

    def materialize(self, shape):
        """Give the parameter an (uninitialised) array of ``shape``; the caller initialises it."""
        xp = backend.array_module(self._array)
        self._array = xp.empty(shape, dtype=self._array.dtype)
        self.__class__ = Parameter

    def _uninitialized_error(self, *args, **kwargs):
        raise RuntimeError("this parameter belongs to a lazy layer that has not been called yet, so it "
                           "has no shape; run one forward pass first (e.g. net(X)) to create it")

    __add__ = __mul__ = __sub__ = __truediv__ = __matmul__ = __getitem__ = _uninitialized_error

    def __repr__(self):
        return '<UninitializedParameter>'

    __str__ = __repr__
