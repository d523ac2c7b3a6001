"""Cumulative ops: cumsum, cumprod, cummax, cummin, logcumsumexp, diff.

``cumsum``'s backward is a reversed cumulative sum of the gradient (itself differentiable, so second
derivatives work). ``cumprod``'s gradient handles zeros exactly (no division by an element that is 0).
``cummax``/``cummin`` give the gradient to the index each running extreme came from; with ties that is the
last occurrence, as PyTorch.
"""
from .. import backend
from . import surface_base as ops
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import named, write_out
from .shape import GetItem

__all__ = ['cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp', 'diff']

_cummax_result = named('cummax', ['values', 'indices'])
_cummin_result = named('cummin', ['values', 'indices'])


def _reverse(axis, ndim):
    return (slice(None),) * axis + (slice(None, None, -1),)


class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return array_module(x).cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        rev = _reverse(ctx.axis, grad.ndim)
        return Cumsum.call(grad[rev], ctx.axis)[rev], None


class Cumprod(Function):
    @staticmethod
    def forward(ctx, x, axis):
        out = array_module(x).cumprod(x, axis=axis)
        ctx.save_for_backward(x, out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        x = getattr(x, '_array', x)
        out = getattr(out, '_array', out)
        axis = ctx.axis
        xp = array_module(x)
        rev = _reverse(axis, x.ndim)
        if not bool((x == 0).any()):
            # d out_j / d x_k = out_j / x_k for k <= j
            return Cumsum.call((grad * out)[rev], axis)[rev] / x, None
        # With zeros: move the axis last and build, for every k, the products with x_k left out.
        g = grad._array if hasattr(grad, '_array') else grad
        xm = xp.moveaxis(x, axis, -1)
        gm = xp.moveaxis(g, axis, -1)
        n = xm.shape[-1]
        eye = xp.eye(n, dtype=bool)
        left_out = xp.where(eye, xp.ones((), x.dtype), xm[..., None, :])   # [..., k, i]
        partial = xp.cumprod(left_out, axis=-1)                              # prod_{i<=j, i!=k} x_i
        upper = xp.triu(xp.ones((n, n), dtype=x.dtype))                     # j >= k
        gx = (partial * upper * gm[..., None, :]).sum(axis=-1)
        result = xp.moveaxis(gx, -1, axis)
        if hasattr(grad, '_array'):
            result = ops.constant(result)
        return result, None


class RunningExtreme(Function):
    """Values of ``cummax``/``cummin``; the gradient goes to the recorded source indices."""

    @staticmethod
    def forward(ctx, x, axis, largest):
        xp = array_module(x)
        xm = xp.moveaxis(x, axis, 0)
        n = xm.shape[0]
        values = xm.copy()
        index = xp.zeros(xm.shape, dtype=backend.int64)
        for i in range(1, n):
            prev = values[i - 1]
            cur = xm[i]
            take_new = (cur >= prev) if largest else (cur <= prev)
            if xm.dtype.kind == 'f':
                take_new = take_new | xp.isnan(cur)
                take_new = take_new & ~(xp.isnan(prev) & ~xp.isnan(cur))
            values[i] = xp.where(take_new, cur, prev)
            index[i] = xp.where(take_new, i, index[i - 1])
        ctx.axis = axis
        ctx.index = xp.moveaxis(index, 0, axis)
        ctx.in_shape = x.shape
        return xp.moveaxis(values, 0, axis)

    @staticmethod
    def backward(ctx, grad):
        from .indexing import _along
        from .shape import IndexAdd
        return IndexAdd.call(grad, ctx.in_shape, _along(ctx.index, ctx.axis, len(ctx.in_shape))), None, None


def _axis(input, dim, op):
    return ops._dim(dim, max(input.ndim, 1), op)


def _cast_dtype(input, dtype):
    if dtype is not None:
        return ops.cast(input, dtype)
    if input._array.dtype.kind in 'bui' and input._array.dtype != backend.int64:
        return ops.cast(input, backend.int64)  # PyTorch accumulates integers and bools in int64
    return input


def _dim_or_axis(dim, axis, op):
    """PyTorch takes NumPy's ``axis=`` for ``dim`` (d2l writes ``A.cumsum(axis=0)``)."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: give dim or axis, not both")
        return axis
    if dim is None:
        raise TypeError(f"{op}() missing required argument 'dim' (the dimension to accumulate along)")
    return dim


def cumsum(input, dim=None, *, dtype=None, out=None, axis=None):
    """Running sums along ``dim`` (integer and bool inputs give int64, as PyTorch)."""
    dim = _dim_or_axis(dim, axis, 'cumsum')
    input = _cast_dtype(ops.as_tensor(input), dtype)
    if input.ndim == 0:
        return write_out(ops.clone(input), out, 'cumsum')
    return write_out(Cumsum.apply(input, _axis(input, dim, 'cumsum')), out, 'cumsum')


def cumprod(input, dim=None, *, dtype=None, out=None, axis=None):
    """Running products along ``dim``; the gradient is exact with zeros in the input."""
    dim = _dim_or_axis(dim, axis, 'cumprod')
    input = _cast_dtype(ops.as_tensor(input), dtype)
    if input.ndim == 0:
        return write_out(ops.clone(input), out, 'cumprod')
    return write_out(Cumprod.apply(input, _axis(input, dim, 'cumprod')), out, 'cumprod')


def _running(input, dim, largest, result, op, out):
    input = ops.as_tensor(input)
    if input.ndim == 0:
        return write_out(result(ops.clone(input), ops.constant(input._xp().zeros((), backend.int64))), out, op)
    axis = _axis(input, dim, op)
    values = RunningExtreme.apply(input, axis, largest)
    node = values._ctx
    if node is None:  # not recorded: recompute the indices cheaply through a throwaway node
        ctx = RunningExtreme()
        RunningExtreme.forward(ctx, input._array, axis, largest)
        index = ctx.index
    else:
        index = node.index
    return write_out(result(values, ops.constant(index)), out, op)


def cummax(input, dim, *, out=None):
    """``(values, indices)`` of the running maximum along ``dim`` (ties: the latest index)."""
    return _running(input, dim, True, _cummax_result, 'cummax', out)


def cummin(input, dim, *, out=None):
    """``(values, indices)`` of the running minimum along ``dim`` (ties: the latest index)."""
    return _running(input, dim, False, _cummin_result, 'cummin', out)


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input)))`` along ``dim``, computed without overflow."""
    input = ops._to_float(ops.as_tensor(input))
    if input.ndim == 0:
        return write_out(ops.clone(input), out, 'logcumsumexp')
    axis = _axis(input, dim, 'logcumsumexp')
    xp = input._xp()
    top = input._array.max(axis=axis, keepdims=True)
    top = ops.constant(xp.where(xp.isfinite(top), top, 0))
    result = ops.log(cumsum(ops.exp(ops.sub(input, top)), axis)) + top
    return write_out(result, out, 'logcumsumexp')


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined first)."""
    input = ops.as_tensor(input)
    if input.ndim == 0:
        raise RuntimeError("diff(): expected at least a 1-dimensional input, got a scalar")
    axis = ops._dim(dim, input.ndim, 'diff')
    parts = [t for t in (prepend, input, append) if t is not None]
    if len(parts) > 1:
        parts = [ops.as_tensor(p, device=input.device) for p in parts]
        parts = [p if p.ndim == input.ndim else ops.expand(p, tuple(
            1 if k == axis else s for k, s in enumerate(input.shape))) for p in parts]
        input = ops.cat(parts, axis)
    lead = (slice(None),) * axis
    for _ in range(n):
        if input._array.shape[axis] == 0:
            break
        upper = GetItem.apply(input, lead + (slice(1, None),))
        lower = GetItem.apply(input, lead + (slice(None, -1),))
        input = ops.ne(upper, lower) if input._array.dtype == backend.bool_ else ops.sub(upper, lower)
    return input


METHODS = {'cumsum': cumsum, 'cumprod': cumprod, 'cummax': cummax, 'cummin': cummin,
           'logcumsumexp': logcumsumexp, 'diff': diff}


def _inplace_cumsum(self, dim, *, dtype=None):
    from .indexing import _assign
    return _assign(self, cumsum(self, dim, dtype=dtype))


def _inplace_cumprod(self, dim, *, dtype=None):
    from .indexing import _assign
    return _assign(self, cumprod(self, dim, dtype=dtype))


METHODS.update({'cumsum_': _inplace_cumsum, 'cumprod_': _inplace_cumprod})
