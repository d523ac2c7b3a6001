"""The functional API: ``minigrad.exp(x)``, ``minigrad.sum(x, dim=1)``, ... and the Tensor methods.

Each function here normalises its arguments the way PyTorch does (``dim``/``keepdim`` with NumPy's
``axis``/``keepdims`` as aliases, negative dims, sizes given as ``f(2, 3)`` or ``f((2, 3))``), applies the
dtype rules, then hands the arrays to one ``Function`` of :mod:`minigrad.functions`. The Tensor class
uses these same functions as its methods, so ``x.sum(1)`` and ``minigrad.sum(x, 1)`` are one code path.
"""
import builtins
import collections

from . import backend
from .autograd import function as _fn
from .functions.activation import LogSoftmax, Relu, Sigmoid, Softmax, Tanh
from .functions.elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Exp, Log, Maximum, Minimum,
                                    Mul, Neg, Pow, PowScalar, RPowScalar, Sin, Sqrt, Sub, Where)
from .functions.linalg import Linear, Matmul
from .functions.reduction import Amax, Amin, Logsumexp, Mean, Sum, TakeAlongDim, Var
from .functions.shape import Cat, Expand, GetItem, Permute, Reshape, Stack, ToDevice, is_basic_index

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool
Tensor = None  # the Tensor class, registered by minigrad.tensor (this module sits below it)
_SCALARS = (_pyint, _pyfloat, _pybool)

max_result = collections.namedtuple('max', ['values', 'indices'])
min_result = collections.namedtuple('min', ['values', 'indices'])


def as_tensor(data, dtype=None, device=None):
    """A Tensor for ``data``; a Tensor of the right dtype and device is returned as it is (no copy)."""
    Tensor = _fn.Tensor
    if isinstance(data, Tensor):
        out = data
        if dtype is not None:
            out = cast(out, dtype)
        if device is not None:
            out = to_device(out, device)
        return out
    return Tensor(data, dtype=dtype, device=device)


constant = _fn.wrap  # an array as a Tensor that does not require grad (no copy)


# --------------------------------------------------------------------------------------- dtype rules
def _scalar_of(x):
    """Python scalars pass through; 0-d arrays and NumPy scalars become Python scalars (so that, as in
    PyTorch, ``float32_tensor * numpy.float64(2)`` stays float32)."""
    if type(x) in _SCALARS:  # exactly: numpy.float64 subclasses float but is not a weak scalar
        return x
    if getattr(x, 'ndim', None) == 0 and not isinstance(x, _fn.Tensor):
        return x.item()
    return x


def _cast_array_operand(x, dtype):
    return x.astype(dtype) if x.dtype != dtype else x


def _check_devices(op, a, b):
    if backend.device_of(a._array) != backend.device_of(b._array):
        raise backend.mixed_devices_error(op, a.device, b.device)


def promote(a, b, op='op'):
    """Cast ``a`` and ``b`` (Tensors, arrays or scalars) so that NumPy computes PyTorch's result dtype."""
    Tensor = _fn.Tensor
    a_t, b_t = isinstance(a, Tensor), isinstance(b, Tensor)
    if a_t and b_t:
        da, db = a._array.dtype, b._array.dtype
        if type(a._array) is not type(b._array):
            _check_devices(op, a, b)
        if da is db or da == db:
            return a, b
        want = backend.result_dtype(a._array, b._array)
        return cast(a, want), cast(b, want)
    if not a_t:
        b, a = promote(b, a, op)
        return a, b
    da = a._array.dtype
    if type(b) is _pyfloat and da.kind == 'f':  # NumPy already keeps the tensor's dtype
        return a, b
    b = _scalar_of(b)
    if isinstance(b, _SCALARS):
        if da.kind in 'biu' and (isinstance(b, _pyfloat) or (da.kind == 'b' and not isinstance(b, _pybool))):
            a = cast(a, backend.result_dtype(a._array, b))
        return a, b
    if not hasattr(b, 'dtype'):  # a nested list or other array-like
        b = backend.asarray(b, dtype=backend.infer_dtype(b), dev=a.device)
    want = backend.result_dtype(a._array, b)
    return cast(a, want), _cast_array_operand(b, want)


_scalar_arrays = {}


def _scalar_array(value, like):
    """A Python float as a cached read-only 0-d array of ``like``'s dtype (CPU only). NumPy works out a
    Python scalar's dtype on every call, which costs about as much as a small multiply; a 0-d array of
    the tensor's own dtype gives the same result without it, in forward and again in backward."""
    if type(like) is not backend.ndarray or value != value or value == 0:  # NaN; keep the sign of 0
        return value
    key = (value, like.dtype)
    array = _scalar_arrays.get(key)
    if array is None:
        if len(_scalar_arrays) > 4096:
            _scalar_arrays.clear()
        array = backend.as_array(value, dtype=like.dtype)
        array.flags.writeable = False
        _scalar_arrays[key] = array
    return array


def _binary(cls, a, b):
    # The common cases first, kept short: two tensors of one dtype, or a floating tensor and a float.
    if type(a) is Tensor:
        if type(b) is Tensor:
            if a._array.dtype is b._array.dtype:
                return cls.apply(a, b)
        elif type(b) is _pyfloat and a._array.dtype.kind == 'f':
            return cls.apply(a, _scalar_array(b, a._array))
    elif type(a) is _pyfloat and type(b) is Tensor and b._array.dtype.kind == 'f':
        return cls.apply(_scalar_array(a, b._array), b)
    a, b = promote(a, b, cls.__name__.lower())
    return cls.apply(a, b)


def add(input, other, *, alpha=1):
    return _binary(Add, input, other if alpha == 1 else other * alpha)


def sub(input, other, *, alpha=1):
    return _binary(Sub, input, other if alpha == 1 else other * alpha)


def mul(input, other):
    return _binary(Mul, input, other)


def _to_float(x):
    """Integer and bool tensors become the default float dtype (true division, exp, log, ...)."""
    return x if backend.is_floating(x._array.dtype) else cast(x, backend.get_default_dtype())


def div(input, other, *, rounding_mode=None):
    Tensor = _fn.Tensor
    if rounding_mode is not None:
        return floor_divide(input, other) if rounding_mode == 'floor' else _raw_binary(
            lambda x, y: backend.array_module(x).trunc(x / y).astype(backend.result_dtype(x, y)),
            input, other)
    input, other = promote(input, other, 'div')
    if isinstance(input, Tensor) and input._array.dtype.kind != 'f':
        input = _to_float(input)
        if isinstance(other, Tensor):
            other = _to_float(other)
        elif hasattr(other, 'dtype'):
            other = other.astype(input._array.dtype)
    elif isinstance(other, Tensor) and other._array.dtype.kind != 'f':
        other = _to_float(other)
    return Div.apply(input, other)


true_divide = divide = div
multiply = mul
subtract = sub


def neg(input):
    return Neg.apply(input)


negative = neg


def pow(input, exponent):
    Tensor = _fn.Tensor
    if not isinstance(input, Tensor):
        base = _scalar_of(input)
        if isinstance(base, _SCALARS):
            exponent = _to_float(exponent) if isinstance(base, _pyfloat) else exponent
            return RPowScalar.apply(exponent, base)
        input = as_tensor(input)
    exponent = _scalar_of(exponent)
    if isinstance(exponent, _SCALARS):
        if isinstance(exponent, _pyfloat) and input._array.dtype.kind != 'f':
            input = _to_float(input)
        return PowScalar.apply(input, exponent)
    input, exponent = promote(input, exponent, 'pow')
    return Pow.apply(input, exponent)


def matmul(input, other):
    input, other = promote(as_tensor(input), other, 'matmul')
    return Matmul.apply(input, other)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, as ``torch.nn.functional.linear``."""
    dtype = weight._array.dtype
    if not (isinstance(input, Tensor) and input._array.dtype is dtype):
        input, weight = promote(as_tensor(input), weight, 'linear')
        dtype = weight._array.dtype
    if bias is not None and bias._array.dtype is not dtype:
        bias = cast(bias, dtype)
    return Linear.apply(input, weight, bias)


# --------------------------------------------------------------------------------- unary elementwise
def exp(input):
    return Exp.apply(_to_float(as_tensor(input)))


def log(input):
    return Log.apply(_to_float(as_tensor(input)))


def sqrt(input):
    return Sqrt.apply(_to_float(as_tensor(input)))


def sin(input):
    return Sin.apply(_to_float(as_tensor(input)))


def cos(input):
    return Cos.apply(_to_float(as_tensor(input)))


def tanh(input):
    return Tanh.apply(_to_float(as_tensor(input)))


def sigmoid(input):
    return Sigmoid.apply(_to_float(as_tensor(input)))


def relu(input):
    return Relu.apply(as_tensor(input))


def abs(input):
    return Abs.apply(as_tensor(input))


absolute = abs


def square(input):
    return pow(input, 2)


def maximum(input, other):
    input, other = promote(as_tensor(input), other, 'maximum')
    return Maximum.apply(input, other)


def minimum(input, other):
    input, other = promote(as_tensor(input), other, 'minimum')
    return Minimum.apply(input, other)


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    input = as_tensor(input)
    if input._array.dtype.kind in 'biu' and (isinstance(min, _pyfloat) or isinstance(max, _pyfloat)):
        input = _to_float(input)
    return Clamp.apply(input, _scalar_of(min), _scalar_of(max))


clip = clamp


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other`` (tensors or scalars)."""
    Tensor = _fn.Tensor
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = as_tensor(input)
    if isinstance(input, Tensor):
        input, other = promote(input, other, 'where')
        xp = input._xp()
    else:
        other, input = promote(other, input, 'where')
        xp = other._xp()
    cond = condition._array if isinstance(condition, Tensor) else xp.asarray(condition)
    if cond.dtype != bool:
        cond = cond.astype(bool)
    return Where.apply(cond, input, other)


# ----------------------------------------------------------------------------------------- comparisons
def _raw_binary(fn, a, b):
    Tensor = _fn.Tensor
    a, b = promote(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else (a, b)
    x = a._array if isinstance(a, Tensor) else a
    y = b._array if isinstance(b, Tensor) else b
    return constant(backend.array_module(x if hasattr(x, 'dtype') else y).asarray(fn(x, y)))


def eq(a, b):
    return _raw_binary(lambda x, y: x == y, a, b)


def ne(a, b):
    return _raw_binary(lambda x, y: x != y, a, b)


def lt(a, b):
    return _raw_binary(lambda x, y: x < y, a, b)


def le(a, b):
    return _raw_binary(lambda x, y: x <= y, a, b)


def gt(a, b):
    return _raw_binary(lambda x, y: x > y, a, b)


def ge(a, b):
    return _raw_binary(lambda x, y: x >= y, a, b)


def logical_and(a, b):
    return _raw_binary(lambda x, y: x & y if x.dtype == bool and getattr(y, 'dtype', bool) == bool
                       else backend.array_module(x).logical_and(x, y), a, b)


def logical_or(a, b):
    return _raw_binary(lambda x, y: x | y if x.dtype == bool and getattr(y, 'dtype', bool) == bool
                       else backend.array_module(x).logical_or(x, y), a, b)


def logical_not(a):
    x = as_tensor(a)._array
    return constant(backend.array_module(x).logical_not(x))


def floor_divide(a, b):
    return _raw_binary(lambda x, y: x // y, a, b)


def remainder(a, b):
    return _raw_binary(lambda x, y: x % y, a, b)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = as_tensor(a)._array, as_tensor(b)._array
    return builtins.bool(backend.array_module(x).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(a, b):
    x, y = as_tensor(a)._array, as_tensor(b)._array
    return x.shape == y.shape and builtins.bool((x == y).all())


# ------------------------------------------------------------------------------------------ reductions
def _dims(dim, ndim, op):
    """Normalise ``dim`` (None, int, or sequence of ints; negative allowed) against ``ndim``."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        axes = tuple(sorted({_dim(d, ndim, op) for d in dim}))
        axes = axes if axes else None
    else:
        axes = _dim(dim, ndim, op)
    return None if ndim == 0 else axes  # a 0-d tensor takes dim 0 or -1 (as PyTorch): reduce it all


def _dim(d, ndim, op, extra=0):
    if not isinstance(d, (_pyint,)) and not hasattr(d, '__index__'):
        raise TypeError(f"{op}: dim must be an int, got {d!r}")
    d = d.__index__()
    n = builtins.max(ndim + extra, 1)
    if not -n <= d < n:
        raise IndexError(f"{op}: dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {d})")
    return d + n if d < 0 else d


def _reduction_args(op, dim, keepdim, axis, keepdims):
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give dim or its alias axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, builtins.bool(keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dim, keepdim = _reduction_args('sum', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    elif input._array.dtype.kind in 'bu' or input._array.dtype in (backend.int8, backend.int16,
                                                                    backend.int32):
        input = cast(input, backend.int64)  # PyTorch sums bools and small ints as int64
    return Sum.apply(input, _dims(dim, input.ndim, 'sum'), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dim, keepdim = _reduction_args('mean', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    if not backend.is_floating(input._array.dtype):
        raise RuntimeError(f"mean() of a {input.dtype} tensor: the mean needs a floating dtype; convert "
                           "first with .float() or pass dtype=minigrad.float32")
    return Mean.apply(input, _dims(dim, input.ndim, 'mean'), keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Variance over ``dim``; ``correction=1`` (default) divides by N - 1, as PyTorch."""
    if isinstance(unbiased, _pybool) or unbiased is None:
        pass
    elif dim is None:  # var(x, dim) called positionally with dim in the unbiased slot is not PyTorch's order
        dim, unbiased = unbiased, None
    dim, keepdim = _reduction_args('var', dim, keepdim, axis, keepdims)
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    input = _to_float(as_tensor(input))
    return Var.apply(input, _dims(dim, input.ndim, 'var'), correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims))


def amax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Largest values over ``dim`` (all dims when None or ``()``); ties share the gradient equally."""
    dim, keepdim = _reduction_args('amax', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    _check_not_empty(input, 'amax')
    return Amax.apply(input, _dims(dim if dim != () else None, input.ndim, 'amax'), keepdim)


def amin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """Smallest values over ``dim`` (all dims when None or ``()``); ties share the gradient equally."""
    dim, keepdim = _reduction_args('amin', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    _check_not_empty(input, 'amin')
    return Amin.apply(input, _dims(dim if dim != () else None, input.ndim, 'amin'), keepdim)


def _check_not_empty(t, op):
    if t._array.size == 0:
        raise RuntimeError(f"{op}() of an empty tensor has no value; check the shape {tuple(t.shape)}")


def _extreme(op, input, dim, keepdim, axis, keepdims, largest):
    Tensor = _fn.Tensor
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    dim, keepdim = _reduction_args(op, dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    _check_not_empty(input, op)
    if dim is None:
        return (Amax if largest else Amin).apply(input, None, False)
    d = _dim(dim, input.ndim, op)
    arr = input._array
    if arr.ndim == 0:
        indices = backend.array_module(arr).zeros((), dtype=backend.int64)
        values = Reshape.apply(input, ())
        return (max_result if largest else min_result)(values, constant(indices))
    indices = (arr.argmax if largest else arr.argmin)(axis=d)
    values = TakeAlongDim.apply(input, indices, d, keepdim)
    if keepdim:
        indices = backend.array_module(arr).expand_dims(indices, d)
    return (max_result if largest else min_result)(values, constant(indices))


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """``max(x)``: the largest value (ties share the gradient). ``max(x, dim)``: ``(values, indices)``
    with the gradient going to the first maximal index. ``max(x, y)``: elementwise maximum."""
    return _extreme('max', input, dim, keepdim, axis, keepdims, True)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """``min(x)``, ``min(x, dim)`` -> ``(values, indices)``, or ``min(x, y)``; see :func:`max`."""
    return _extreme('min', input, dim, keepdim, axis, keepdims, False)


def _arg_extreme(op, input, dim, keepdim, largest):
    input = as_tensor(input)
    _check_not_empty(input, op)
    arr = input._array
    xp = backend.array_module(arr)
    if dim is None:
        idx = (arr.argmax if largest else arr.argmin)()
        out = xp.asarray(idx, dtype=backend.int64)
        if keepdim:
            out = out.reshape((1,) * arr.ndim)
        return constant(out)
    d = _dim(dim, arr.ndim, op)
    out = (arr.argmax if largest else arr.argmin)(axis=d, keepdims=keepdim) if arr.ndim else \
        xp.zeros((), dtype=backend.int64)
    return constant(xp.asarray(out, dtype=backend.int64))


def argmax(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = _reduction_args('argmax', dim, keepdim, axis, keepdims)
    return _arg_extreme('argmax', input, dim, keepdim, True)


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = _reduction_args('argmin', dim, keepdim, axis, keepdims)
    return _arg_extreme('argmin', input, dim, keepdim, False)


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = _reduction_args('logsumexp', dim, keepdim, axis, keepdims)
    input = _to_float(as_tensor(input))
    return Logsumexp.apply(input, _dims(dim, input.ndim, 'logsumexp'), keepdim)


def _softmax_dim(op, input, dim, axis):
    if axis is not None:
        dim = axis
    if dim is None:
        raise TypeError(f"{op}() needs dim: the dimension that sums to one (e.g. dim=1 for a batch of "
                        "logits of shape (N, C))")
    return _dim(dim, input.ndim, op)


def softmax(input, dim=None, *, dtype=None, axis=None):
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    input = _to_float(input)
    return Softmax.apply(input, _softmax_dim('softmax', input, dim, axis))


def log_softmax(input, dim=None, *, dtype=None, axis=None):
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    input = _to_float(input)
    return LogSoftmax.apply(input, _softmax_dim('log_softmax', input, dim, axis))


# --------------------------------------------------------------------------------------- shape ops
def _view(result, source):
    """A result sharing memory with ``source`` shares its version cell, so that an in-place change made
    through either one is seen by the nodes that saved the other (PyTorch's rule for views)."""
    if result._array.base is not None and result is not source:
        if source._version is None:
            source._version = [0]
        result._version = source._version
    return result


def _sizes(args, op):
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))`` (or a Size/list) -> a tuple of ints."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    try:
        return tuple(a.__index__() for a in args)
    except (AttributeError, TypeError):
        raise TypeError(f"{op}: sizes must be ints, got {args!r}") from None


def reshape(input, *shape):
    input = as_tensor(input)
    shape = _sizes(shape, 'reshape')
    if shape == input._array.shape:
        return input if not input.requires_grad else Reshape.apply(input, shape)
    try:
        return _view(Reshape.apply(input, shape), input)
    except ValueError:
        raise RuntimeError(f"reshape: shape {shape} is invalid for a tensor of shape {tuple(input.shape)} "
                           f"({input._array.size} elements)") from None


def view(input, *shape):
    """As ``reshape`` (NumPy decides whether a copy is needed; minigrad has no strides of its own)."""
    Tensor = _fn.Tensor
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, _pyint)) and not hasattr(shape[0],
                                                                                          '__index__'):
        return cast(input, shape[0])  # view(dtype)
    if len(shape) == 1 and isinstance(shape[0], Tensor):
        return reshape(input, shape[0].shape)
    return reshape(input, *shape)


def flatten(input, start_dim=0, end_dim=-1):
    input = as_tensor(input)
    shape = input._array.shape
    if not shape:
        return reshape(input, (1,))
    s = _dim(start_dim, len(shape), 'flatten')
    e = _dim(end_dim, len(shape), 'flatten')
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim})")
    n = 1
    for k in shape[s:e + 1]:
        n *= k
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def permute(input, *dims):
    input = as_tensor(input)
    dims = _sizes(dims, 'permute')
    axes = tuple(_dim(d, input.ndim, 'permute') for d in dims)
    if sorted(axes) != list(range(input.ndim)):
        raise RuntimeError(f"permute: dims {dims} are not a permutation of the {input.ndim} dimensions "
                           f"of a tensor of shape {tuple(input.shape)}")
    return _view(Permute.apply(input, axes), input)


def transpose(input, dim0, dim1):
    input = as_tensor(input)
    n = input.ndim
    a, b = _dim(dim0, n, 'transpose'), _dim(dim1, n, 'transpose')
    if n < 2:
        return input
    axes = list(range(n))
    axes[a], axes[b] = axes[b], axes[a]
    return _view(Permute.apply(input, tuple(axes)), input)


swapaxes = swapdims = transpose


def t(input):
    input = as_tensor(input)
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got {input.ndim}; use "
                           "transpose(dim0, dim1) or .mT")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def unsqueeze(input, dim):
    input = as_tensor(input)
    d = _dim(dim, input.ndim, 'unsqueeze', extra=1)
    shape = input._array.shape
    return _view(Reshape.apply(input, shape[:d] + (1,) + shape[d:]), input)


def squeeze(input, dim=None):
    input = as_tensor(input)
    shape = input._array.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
    else:
        dims = _dims(dim, len(shape), 'squeeze')
        dims = (dims,) if isinstance(dims, _pyint) else dims or ()
        new = tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1))
    return input if new == shape else _view(Reshape.apply(input, new), input)


def expand(input, *sizes):
    input = as_tensor(input)
    sizes = _sizes(sizes, 'expand')
    shape = input._array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the target {sizes} has fewer dimensions than the tensor {shape}")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError(f"expand: -1 is not allowed for the new leading dimension {i}")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"expand: the size of dimension {i} is {old} and cannot become {s} "
                               f"(only dimensions of size 1 can be expanded); shapes {shape} -> {sizes}")
        target.append(s)
    target = tuple(target)
    return input if target == shape else _view(Expand.apply(input, target), input)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, shape)


def _same_kind(tensors, op):
    Tensor = _fn.Tensor
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}() needs a non-empty sequence of tensors")
    dtype = tensors[0]._array.dtype
    for t in tensors[1:]:
        if type(t._array) is not type(tensors[0]._array):
            _check_devices(op, tensors[0], t)
        if t._array.dtype != dtype:
            dtype = backend.result_dtype(tensors[0]._array if dtype == tensors[0]._array.dtype
                                         else backend.array_module(t._array).zeros(1, dtype), t._array)
    return [cast(t, dtype) if isinstance(t, Tensor) else t for t in tensors]


def cat(tensors, dim=0, *, axis=None):
    tensors = _same_kind(tensors, 'cat')
    if axis is not None:
        dim = axis
    d = _dim(dim, tensors[0].ndim, 'cat')
    ref = tensors[0]._array.shape
    for i, t in enumerate(tensors):
        s = t._array.shape
        if len(s) != len(ref) or s[:d] + s[d + 1:] != ref[:d] + ref[d + 1:]:
            raise RuntimeError(f"cat: tensor {i} has shape {s}, which does not match {ref} outside "
                               f"dimension {d}")
    return Cat.apply(d, *tensors)


concat = concatenate = cat


def stack(tensors, dim=0, *, axis=None):
    tensors = _same_kind(tensors, 'stack')
    if axis is not None:
        dim = axis
    d = _dim(dim, tensors[0].ndim, 'stack', extra=1)
    ref = tensors[0]._array.shape
    for i, t in enumerate(tensors):
        if t._array.shape != ref:
            raise RuntimeError(f"stack: every tensor must have the same shape, but tensor 0 has {ref} "
                               f"and tensor {i} has {t._array.shape}")
    return Stack.apply(d, *tensors)


def _index_part(part, device):
    Tensor = _fn.Tensor
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
    Tensor = _fn.Tensor
    if isinstance(index, Tensor) or getattr(index, 'ndim', 0):
        return _index_part(index, device)
    if type(index) is tuple:
        if any(isinstance(p, Tensor) or getattr(p, 'ndim', 0) for p in index):
            return tuple(_index_part(p, device) for p in index)
    return index


def getitem(input, index):
    index = normalise_index(index, input.device)
    try:
        out = GetItem.apply(input, index)
        return _view(out, input) if is_basic_index(index) else out
    except IndexError as exc:
        raise IndexError(f"{exc} (indexing a tensor of shape {tuple(input.shape)} with {index!r})") from None


# ------------------------------------------------------------------------------------ dtype / device
def cast(input, dtype):
    dtype = backend.as_dtype(dtype)
    if input._array.dtype == dtype:
        return input
    return Cast.apply(input, dtype)


def to_device(input, device):
    device = backend.as_device(device)
    if backend.device_of(input._array) == device:
        return input
    return ToDevice.apply(input, device)


def clone(input):
    return Clone.apply(input)
