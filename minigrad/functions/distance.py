"""Norms and distances between vectors: normalize, cosine_similarity, pairwise_distance, pdist.

:class:`PNorm` is the p-norm along one axis with a gradient that is 0 (not NaN) where the norm is 0,
as PyTorch's; the rest are compositions of ops.
"""
import math

from ..autograd import function as _fn
from ..autograd.function import Function
from ..backend import array_module
from .elementwise import Abs, PowScalar
from .. import conversion
from .. import arguments
from . import elementwise as _elementwise, reduction as _reduction, shape as _shape

__all__ = ['cosine_similarity', 'pairwise_distance', 'pdist']
METHODS = {}


def _raw(x):
    return x._array if isinstance(x, _fn.Tensor) else x


class PNorm(Function):
    """``(sum |x|^p) ** (1/p)`` along ``axis`` (kept); ``p`` in (0, inf]; p=inf is ``max |x|``."""

    @staticmethod
    def forward(ctx, x, p, axis):
        xp = array_module(x)
        a = xp.abs(x)
        if p == math.inf:
            out = a.max(axis=axis, keepdims=True) if x.shape[axis] else xp.zeros(
                x.shape[:axis] + (1,) + x.shape[axis + 1:], dtype=x.dtype)
        elif p == 2:
            out = xp.sqrt((x * x).sum(axis=axis, keepdims=True))
        elif p == 1:
            out = a.sum(axis=axis, keepdims=True)
        else:
            out = (a ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axis = p, axis
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, axis = ctx.p, ctx.axis
        raw_x, raw_out = _raw(x), _raw(out)
        zero = (raw_out == 0).astype(raw_x.dtype)
        sign = array_module(raw_x).sign(raw_x)
        if p == 1:
            return grad * sign, None, None
        if p == math.inf:
            hits = (array_module(raw_x).abs(raw_x) == raw_out) * (1 - zero)
            share = hits / array_module(raw_x).maximum(hits.sum(axis=axis, keepdims=True), 1)
            return grad * (sign * share).astype(raw_x.dtype), None, None
        safe = out + zero  # 1 where the norm is 0 (the gradient there is 0)
        if p == 2:
            return grad * x / safe * (1 - zero), None, None
        scale = PowScalar.call(Abs.call(x), p - 2) * x if p >= 2 else sign * PowScalar.call(Abs.call(x), p - 1)
        return grad * scale / PowScalar.call(safe, p - 1) * (1 - zero), None, None


def _norm(x, p, dim):
    p = float(p)
    if not p > 0:
        raise ValueError(f"norm: p must be positive (or inf), got {p}")
    return PNorm.apply(x, p, arguments.dim(dim, x.ndim, 'norm'))


def _float(x, op):
    if not isinstance(x, _fn.Tensor):
        x = conversion.as_tensor(x)
    if x._array.dtype.kind != 'f':
        x = conversion.cast(x, 'float32' if x._array.dtype.kind != 'f' else x.dtype)
    return x


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim`` (rows of unit norm for the default dim=1 of an
    (N, D) input)."""
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    input = _float(input, 'normalize')
    if input.ndim == 0:
        raise IndexError("normalize: a 0-d tensor has no dimension to normalise along")
    return input / _elementwise.clamp(_norm(input, p, dim), min=eps)


def _clamped_norm(x, dim, eps):
    """The 2-norm along ``dim`` (kept), raised to ``eps`` where smaller, with the clamp invisible to the
    gradient (PyTorch's cosine_similarity clamps it in place under no_grad)."""
    n = _norm(x, 2, dim)
    a = n._array
    return n + conversion.constant(array_module(a).maximum(a, eps) - a)


def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    """``sum(x1 / ||x1|| * x2 / ||x2||)`` along ``dim``, the norms clamped below at ``eps``; x1 and x2
    broadcast together."""
    x1, x2 = conversion.promote(_float(x1, 'cosine_similarity'), _float(x2, 'cosine_similarity'),
                         'cosine_similarity')
    shape = tuple(_shape.broadcast_to(conversion.constant(x1._array), _bshape(x1, x2)).shape)
    x1, x2 = _shape.broadcast_to(x1, shape), _shape.broadcast_to(x2, shape)
    d = arguments.dim(dim, len(shape), 'cosine_similarity')
    return _reduction.sum((x1 / _clamped_norm(x1, d, eps)) * (x2 / _clamped_norm(x2, d, eps)), d)


def _bshape(a, b):
    from ..backend import broadcast_shapes
    try:
        return broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise RuntimeError(f"cosine_similarity: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be "
                           "broadcast together") from None


def _cosine_for_embedding_loss(x1, x2):
    """cosine_embedding_loss's cosine along the last dim: ``x1.x2 / sqrt((|x1|^2 + e)(|x2|^2 + e))``,
    e = 1e-12 (PyTorch's EPSILON there)."""
    d = x1.ndim - 1
    prod = _reduction.sum(x1 * x2, d)
    m1 = _reduction.sum(x1 * x1, d) + 1e-12
    m2 = _reduction.sum(x2 * x2, d) + 1e-12
    return prod / _elementwise.sqrt(m1 * m2)


def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    """``||x1 - x2 + eps||_p`` along the last dimension (x1, x2 (N, D) or (D,), broadcasting)."""
    x1, x2 = conversion.promote(_float(x1, 'pairwise_distance'), _float(x2, 'pairwise_distance'),
                         'pairwise_distance')
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        diff = _shape.reshape(diff, (1,))
    out = _norm(diff, p, -1)
    return out if keepdim else _shape.squeeze(out, -1)


def pdist(input, p=2):
    """The p-norm distances between the rows of an (N, M) input, for every pair i < j, in row-major
    order: N * (N - 1) / 2 values."""
    input = _float(input, 'pdist')
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    xp = array_module(input._array)
    i, j = xp.triu_indices(input.shape[0], 1)
    out = _norm(input[i] - input[j], p, -1)
    return _shape.reshape(out, (-1,))
