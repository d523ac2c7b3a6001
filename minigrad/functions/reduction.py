"""Reductions: sum, mean, var, amax/amin, max/min along a dim (values of the (values, indices) pair),
logsumexp.

``axis`` is None (all elements), an int or a tuple of ints, already normalised to be non-negative.
Tie rules (docs/semantics.md): ``amax``/``amin`` and the full ``max()``/``min()`` share the gradient
equally among tied elements; ``max(dim)``/``min(dim)`` give it all to the returned index (the first
occurrence).
"""
from ..autograd.function import Function
from ..backend import array_module
from .elementwise import Exp
from .shape import Expand


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
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.in_shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.in_shape, ctx.axis, ctx.keepdims), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return Sum.call(t, ctx.axis, ctx.keepdims)


class Mean(Function):
    @staticmethod
    def forward(ctx, x, axis, keepdims):
        ctx.in_shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return x.mean(axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        n = _count(ctx.in_shape, ctx.axis)
        return _spread(grad / n, ctx.in_shape, ctx.axis, ctx.keepdims), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return Mean.call(t, ctx.axis, ctx.keepdims)


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
        return spread * centred * (2 / max(n - ctx.correction, 0)), None, None, None

    @staticmethod
    def jvp(ctx, t, *_):
        x = ctx.inputs[0]
        n = _count(x.shape, ctx.axis)
        centred = x - x.mean(axis=ctx.axis, keepdims=True)
        return Sum.call(t * centred, ctx.axis, ctx.keepdims) * (2 / max(n - ctx.correction, 0))


class Amax(Function):
    """Largest value over ``axis``; tied maxima share the gradient equally."""
    largest = True

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = array_module(x)
        pick = x.max if ctx.largest else x.min
        kept = pick(axis=axis, keepdims=True)
        hits = xp.asarray(x == kept, dtype=x.dtype)
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
        xp = array_module(x)
        top = x.max(axis=axis, keepdims=True)
        top = xp.where(xp.isfinite(top), top, 0)
        out = xp.log(xp.exp(x - top).sum(axis=axis, keepdims=True)) + top
        if not keepdims:
            out = out.reshape(_reduced_shape(x.shape, axis))
        ctx.save_for_backward(x, out)
        ctx.axis, ctx.keepdims = axis, keepdims
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
