"""PyTorch's argument rules, shared by every family of ops: a ``dim`` (negative allowed, range-checked),
several dims, ``dim``/``keepdim`` with NumPy's ``axis``/``keepdims`` as aliases, sizes given as
``f(2, 3)`` or ``f((2, 3))``, and indices holding Tensors or arrays."""
import builtins

from . import backend
from .tensor import Tensor

__all__ = ['dim', 'dims', 'reduction_args', 'sizes', 'normalise_index']

_pyint = builtins.int


def dim(d, ndim, op, extra=0):
    """``d`` as a non-negative dimension of a tensor with ``ndim`` dimensions (``extra``: dimensions the
    op adds, as unsqueeze and stack do); a 0-d tensor takes 0 and -1, as in PyTorch."""
    if not isinstance(d, _pyint) and not hasattr(d, '__index__'):
        raise TypeError(f"{op}: dim must be an int, got {d!r}")
    d = d.__index__()
    n = builtins.max(ndim + extra, 1)
    if not -n <= d < n:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d + n if d < 0 else d


def dims(d, ndim, op):
    """Normalise ``d`` (None, an int, or a sequence of ints; negative allowed) against ``ndim``: None, an
    int, or a sorted tuple without repeats. A 0-d tensor reduces it all."""
    if d is None:
        return None
    if isinstance(d, (list, tuple)):
        axes = tuple(sorted({dim(k, ndim, op) for k in d}))
        axes = axes if axes else None
    else:
        axes = dim(d, ndim, op)
    return None if ndim == 0 else axes


def reduction_args(op, dim, keepdim, axis, keepdims):
    """``dim`` and ``keepdim``, taking NumPy's ``axis``/``keepdims`` as aliases."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give dim or its alias axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, builtins.bool(keepdim)


def sizes(args, op):
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))`` (or a Size/list) -> a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    try:
        return tuple(a.__index__() for a in args)
    except (AttributeError, TypeError):
        raise TypeError(f"{op}: sizes must be ints, got {args!r}") from None


def _index_part(part, device):
    if isinstance(part, Tensor):
        arr = part._array
        if arr.dtype.kind == 'f':
            raise IndexError("tensors used as indices must be integer or bool tensors, got "
                             f"{part.dtype}; convert with .long()")
        return backend.to_device(arr, device)
    if getattr(part, 'ndim', 0):  # a NumPy index array indexing a CUDA tensor: the backward
        return backend.to_device(part, device)  # scatter-adds with it, on the device
    return part


def normalise_index(index, device):
    """Turn Tensors and arrays inside an index into arrays on ``device``."""
    if isinstance(index, Tensor) or getattr(index, 'ndim', 0):
        return _index_part(index, device)
    if type(index) is tuple:
        if any(isinstance(p, Tensor) or getattr(p, 'ndim', 0) for p in index):
            return tuple(_index_part(p, device) for p in index)
    return index


def int_tuple(value, n, name, op, minimum=0):
    """``value`` (an int, or a tuple/list of ``n`` ints or of one) as a tuple of ``n`` ints, each at least
    ``minimum``; errors name the op and the argument (the sizes, strides and paddings of conv and pooling)."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * n
        if len(value) != n:
            raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    else:
        value = (value,) * n
    try:
        value = tuple(v.__index__() for v in value)
    except (AttributeError, TypeError):
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if any(v < minimum for v in value):
        rule = 'positive' if minimum == 1 else 'non-negative'
        raise ValueError(f"{op}: {name} must be {rule}, got {value}")
    return value
