"""Reductions: sum, mean, var, amax/amin, max/min along a dim (values of the (values, indices) pair),
logsumexp.

``axis`` is None (all elements), an int or a tuple of ints, already normalised to be non-negative.
Tie rules (docs/semantics.md): ``amax``/``amin`` and the full ``max()``/``min()`` share the gradient
equally among tied elements; ``max(dim)``/``min(dim)`` give it all to the returned index (the first
occurrence).
"""
import builtins
import collections

from .. import backend
from ..arguments import dim as _dim, dims as _dims, reduction_args
from ..autograd.function import Function
from ..backend import array_module
from ..conversion import as_tensor, cast, constant, to_float
from ..tensor import Tensor
from .activation import log_sum_exp_parts
from .elementwise import Exp, maximum, minimum, sqrt
from .shape import Expand, Reshape


def _kept_shape(in_shape, axis):
    """The shape a reduction over ``axis`` has with keepdims=True."""
    if axis is None:
        return (1,) * len(in_shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(1 if i in axes else n for i, n in enumerate(in_shape))


def _reduced_shape(in_shape, axis):
    """The shape a reduction over ``axis`` has with keepdims=False."""
    if axis is None:
        return ()
    axes = (axis,) if isinstance(axis, int) else axis
    return tuple(n for i, n in enumerate(in_shape) if i not in axes)


def _spread(grad, in_shape, axis, keepdims):
    """Broadcast the gradient of a reduction back over the reduced dimensions."""
    if not keepdims:
        grad = grad.reshape(_kept_shape(in_shape, axis))
    return Expand.call(grad, in_shape)


def _count(in_shape, axis):
    if axis is None:
        axes = range(len(in_shape))
    else:
        axes = (axis,) if isinstance(axis, int) else axis
    n = 1
    for a in axes:
        n *= in_shape[a]
    return n


class Sum(Function):
    """The sum over ``axis`` (the array method named ``kernel``); the gradient spreads back evenly."""
    kernel = 'sum'

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.in_shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return getattr(x, ctx.kernel)(axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.in_shape, ctx.axis, ctx.keepdims), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return type(ctx).call(t, ctx.axis, ctx.keepdims)   # sum or mean of the tangent


class Mean(Sum):
    kernel = 'mean'

    @staticmethod
    def backward(ctx, grad):
        n = _count(ctx.in_shape, ctx.axis)
        return _spread(grad / n, ctx.in_shape, ctx.axis, ctx.keepdims), None, None


class Var(Function):
    """Variance with ``correction`` (1: the unbiased estimator, PyTorch's default)."""

    @staticmethod
    def forward(ctx, x, axis, correction, keepdims):
        ctx.save_for_backward(x)
        ctx.axis, ctx.correction, ctx.keepdims = axis, correction, keepdims
        return x.var(axis=axis, ddof=correction, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        n = _count(x.shape, ctx.axis)
        centred = x - x.mean(axis=ctx.axis, keepdims=True)
        spread = _spread(grad, x.shape, ctx.axis, ctx.keepdims)
        return spread * centred * (2 / builtins.max(n - ctx.correction, 0)), None, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        x = ctx.inputs[0]
        n = _count(x.shape, ctx.axis)
        centred = x - x.mean(axis=ctx.axis, keepdims=True)
        return Sum.call(t * centred, ctx.axis, ctx.keepdims) * (2 / builtins.max(n - ctx.correction, 0))


class Amax(Function):
    """Largest value over ``axis``; tied maxima share the gradient equally."""
    largest = True

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = array_module(x)
        pick = x.max if ctx.largest else x.min
        kept = pick(axis=axis, keepdims=True)
        hits = xp.asarray(x == kept, dtype=x.dtype if x.dtype.kind == 'f' else 'float64')  # ints: no grad
        hits /= hits.sum(axis=axis, keepdims=True)
        ctx.share, ctx.in_shape, ctx.axis, ctx.keepdims = hits, x.shape, axis, keepdims
        return kept if keepdims else kept.reshape(_reduced_shape(x.shape, axis))

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.in_shape, ctx.axis, ctx.keepdims) * ctx.share, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return Sum.call(t * ctx.share, ctx.axis, ctx.keepdims)


class Amin(Amax):
    """Smallest value over ``axis``; tied minima share the gradient equally."""
    largest = False


class TakeAlongDim(Function):
    """Values at ``indices`` along ``axis`` (the values of ``max(dim)``/``min(dim)``); the gradient goes
    to those positions only. ``indices`` lacks ``axis``, as ``argmax(axis=axis)`` returns it."""
    torch_name = 'MaxBackward0'

    @staticmethod
    def forward(ctx, x, indices, axis, keepdims):
        xp = array_module(x)
        kept = xp.expand_dims(indices, axis)
        ctx.kept_indices, ctx.in_shape, ctx.axis, ctx.keepdims, ctx.dtype = kept, x.shape, axis, keepdims, x.dtype
        out = xp.take_along_axis(x, kept, axis=axis)
        return out if keepdims else out.squeeze(axis)

    @staticmethod
    def backward(ctx, grad):
        xp = array_module(ctx.kept_indices)
        onehot = xp.zeros(ctx.in_shape, dtype=ctx.dtype)
        xp.put_along_axis(onehot, ctx.kept_indices, 1, axis=ctx.axis)
        return _spread(grad, ctx.in_shape, ctx.axis, ctx.keepdims) * onehot, None, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return TakeAlongDim.call(t, ctx.kept_indices.squeeze(ctx.axis), ctx.axis, ctx.keepdims)


class Logsumexp(Function):
    """``log(sum(exp(x)))`` over ``axis``, shifted by the maximum so it never overflows."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.axis, ctx.keepdims = axis, keepdims
        _, log_sum, top = log_sum_exp_parts(x, axis)
        out = log_sum + top
        if not keepdims:
            out = out.reshape(_reduced_shape(x.shape, axis))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        # d/dx logsumexp(x) = softmax(x) = exp(x - logsumexp(x))
        lse = out.reshape(_kept_shape(x.shape, ctx.axis))
        return _spread(grad, x.shape, ctx.axis, ctx.keepdims) * Exp.call(x - lse), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        x = ctx.inputs[0]
        lse = ctx.output.reshape(_kept_shape(x.shape, ctx.axis))
        return Sum.call(t * Exp.call(x - lse), ctx.axis, ctx.keepdims)


# ------------------------------------------------------------------------------- public functions
max_result = collections.namedtuple('max', ['values', 'indices'])
min_result = collections.namedtuple('min', ['values', 'indices'])


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dim, keepdim = reduction_args('sum', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    elif input._array.dtype.kind in 'bu' or input._array.dtype in (backend.int8, backend.int16,
                                                                    backend.int32):
        input = cast(input, backend.int64)  # PyTorch sums bools and small ints as int64
    return Sum.apply(input, _dims(dim, input.ndim, 'sum'), keepdim)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dim, keepdim = reduction_args('mean', dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    if not backend.is_floating(input._array.dtype):
        raise RuntimeError(f"mean() of a {input.dtype} tensor: the mean needs a floating dtype; convert "
                           "first with .float() or pass dtype=minigrad.float32")
    return Mean.apply(input, _dims(dim, input.ndim, 'mean'), keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    """Variance over ``dim``; ``correction=1`` (default) divides by N - 1, as PyTorch."""
    if isinstance(unbiased, builtins.bool) or unbiased is None:
        pass
    elif dim is None:  # var(x, dim) called positionally with dim in the unbiased slot is not PyTorch's order
        dim, unbiased = unbiased, None
    dim, keepdim = reduction_args('var', dim, keepdim, axis, keepdims)
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    input = to_float(as_tensor(input))
    return Var.apply(input, _dims(dim, input.ndim, 'var'), correction, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
    return sqrt(var(input, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims))


def _check_not_empty(t, op):
    if t._array.size == 0:
        raise RuntimeError(f"{op}() of an empty tensor has no value; check the shape {tuple(t.shape)}")


def _extremes(cls, op):
    def reduce(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
        dim, keepdim = reduction_args(op, dim, keepdim, axis, keepdims)
        input = as_tensor(input)
        _check_not_empty(input, op)
        return cls.apply(input, _dims(dim if dim != () else None, input.ndim, op), keepdim)
    reduce.__name__ = reduce.__qualname__ = op
    reduce.__doc__ = (f"The {'largest' if cls.largest else 'smallest'} values over ``dim`` (all dims when "
                      "None or ``()``); ties share the gradient equally.")
    return reduce


amax, amin = _extremes(Amax, 'amax'), _extremes(Amin, 'amin')


def _extreme(op, input, dim, keepdim, axis, keepdims, largest):
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
        return maximum(input, dim) if largest else minimum(input, dim)
    dim, keepdim = reduction_args(op, dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    _check_not_empty(input, op)
    if dim is None:
        return (Amax if largest else Amin).apply(input, None, False)
    d = _dim(dim, input.ndim, op)
    arr = input._array
    result = max_result if largest else min_result
    if arr.ndim == 0:
        indices = array_module(arr).zeros((), dtype=backend.int64)
        return result(Reshape.apply(input, ()), constant(indices))
    indices = (arr.argmax if largest else arr.argmin)(axis=d)
    values = TakeAlongDim.apply(input, indices, d, keepdim)
    if keepdim:
        indices = array_module(arr).expand_dims(indices, d)
    return result(values, constant(indices))


def max(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """``max(x)``: the largest value (ties share the gradient). ``max(x, dim)``: ``(values, indices)``
    with the gradient going to the first maximal index. ``max(x, y)``: elementwise maximum."""
    return _extreme('max', input, dim, keepdim, axis, keepdims, True)


def min(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """``min(x)``, ``min(x, dim)`` -> ``(values, indices)``, or ``min(x, y)``; see :func:`max`."""
    return _extreme('min', input, dim, keepdim, axis, keepdims, False)


def _arg_extreme(op, input, dim, keepdim, axis, keepdims, largest):
    dim, keepdim = reduction_args(op, dim, keepdim, axis, keepdims)
    input = as_tensor(input)
    _check_not_empty(input, op)
    arr = input._array
    xp = array_module(arr)
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
    return _arg_extreme('argmax', input, dim, keepdim, axis, keepdims, True)


def argmin(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    return _arg_extreme('argmin', input, dim, keepdim, axis, keepdims, False)


def logsumexp(input, dim=None, keepdim=False, *, axis=None, keepdims=None):
    dim, keepdim = reduction_args('logsumexp', dim, keepdim, axis, keepdims)
    input = to_float(as_tensor(input))
    return Logsumexp.apply(input, _dims(dim, input.ndim, 'logsumexp'), keepdim)


def _truth(op, largest):
    def method(self, dim=None, keepdim=False):
        a = self._array
        out = (a.any if largest else a.all)() if dim is None else \
            (a.any if largest else a.all)(axis=_dim(dim, a.ndim, op), keepdims=keepdim)
        return constant(self._xp().asarray(out))
    method.__name__ = method.__qualname__ = op
    return method


__all__ = ['sum', 'mean', 'var', 'std', 'amax', 'amin', 'max', 'min', 'argmax', 'argmin', 'logsumexp']

METHODS = {'sum': sum, 'mean': mean, 'var': var, 'std': std, 'amax': amax, 'amin': amin, 'max': max,
           'min': min, 'argmax': argmax, 'argmin': argmin, 'logsumexp': logsumexp,
           'any': _truth('any', True), 'all': _truth('all', False)}
