"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique,
unique_consecutive, searchsorted, bucketize.

Every sort here is stable (equal elements keep their order, ascending and descending alike), which is
what PyTorch's CPU sort does and what ``stable=True`` promises; NaN sorts as the largest value. Values
are gathered from the input with the sorted indices (``GetItem``), so their gradient scatters back to
where each value came from.
"""
import builtins

from .. import backend
from . import surface_base as ops
from ..autograd.function import Function
from ..tensor import Tensor
from ..backend import array_module
from ..outputs import named, write_out
from .shape import GetItem, Reshape

__all__ = ['sort', 'argsort', 'msort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode', 'unique',
           'unique_consecutive', 'searchsorted', 'bucketize']

_sort_result = named('sort', ['values', 'indices'])
_topk_result = named('topk', ['values', 'indices'])
_kthvalue_result = named('kthvalue', ['values', 'indices'])
_median_result = named('median', ['values', 'indices'])
_nanmedian_result = named('nanmedian', ['values', 'indices'])
_mode_result = named('mode', ['values', 'indices'])


def _order(arr, axis, descending):
    """Stable argsort along ``axis``; descending keeps equal elements in their original order too, and
    puts NaN first (NaN is the largest value, as in PyTorch)."""
    xp = array_module(arr)
    if arr.dtype == backend.bool_:
        arr = arr.astype(backend.uint8)
    if not descending:
        return xp.argsort(arr, axis=axis, kind='stable')
    n = arr.shape[axis]
    flipped = xp.flip(arr, axis=axis)
    order = xp.argsort(flipped, axis=axis, kind='stable')
    return n - 1 - xp.flip(order, axis=axis)


def _take(input, indices, d):
    """``input`` gathered at ``indices`` along ``d`` (differentiable)."""
    from .indexing import _along
    if input.ndim == 0:
        return ops.clone(input)
    return GetItem.apply(input, _along(indices, d, input.ndim))


def _dim_of(input, dim, op):
    return ops._dim(dim, max(input.ndim, 1), op)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """``(values, indices)`` sorted along ``dim`` (always stable, see the module docstring)."""
    input = ops.as_tensor(input)
    d = _dim_of(input, dim, 'sort')
    arr = input._array
    if arr.ndim == 0:
        result = _sort_result(ops.clone(input), ops.constant(array_module(arr).zeros((), backend.int64)))
    else:
        idx = _order(arr, d, descending).astype(backend.int64, copy=False)
        result = _sort_result(_take(input, idx, d), ops.constant(idx))
    return write_out(result, out, 'sort')


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (stable)."""
    return sort(input, dim, descending, stable).indices


def msort(input):
    """``sort(input, dim=0).values``."""
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (``largest=False``: smallest) elements along ``dim`` and their indices; among
    equal elements the earlier one comes first."""
    input = ops.as_tensor(input)
    d = _dim_of(input, dim, 'topk')
    n = input._array.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk(): k ({k}) is out of range for a dimension of size {n}")
    if input.ndim == 0:
        return write_out(_topk_result(*sort(input)), out, 'topk')
    idx = _order(input._array, d, largest)
    idx = idx[(slice(None),) * d + (slice(0, k),)].astype(backend.int64, copy=False)
    return write_out(_topk_result(_take(input, idx, d), ops.constant(idx)), out, 'topk')


def _pick(input, dim, keepdim, position, op, result, arr=None):
    """The element at sorted ``position`` along ``dim`` (a per-row array or an int) and its index."""
    input = ops.as_tensor(input)
    d = _dim_of(input, dim, op)
    a = input._array if arr is None else arr
    if a.ndim == 0:
        return result(ops.clone(input), ops.constant(array_module(a).zeros((), backend.int64)))
    xp = array_module(a)
    order = _order(a, d, False)
    if isinstance(position, int):
        idx = order[(slice(None),) * d + (slice(position, position + 1),)]
    else:
        idx = xp.take_along_axis(order, xp.expand_dims(position, d), axis=d)
    idx = idx.astype(backend.int64, copy=False)
    values = _take(input, idx, d)
    if not keepdim:
        values = Reshape.apply(values, tuple(n for i, n in enumerate(values.shape) if i != d))
        idx = idx.squeeze(d)
    return result(values, ops.constant(idx))


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element (1-based) along ``dim`` and its index."""
    input = ops.as_tensor(input)
    n = input._array.shape[_dim_of(input, dim, 'kthvalue')] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): k ({k}) must be between 1 and the size of the dimension ({n})")
    return write_out(_pick(input, dim, keepdim, k - 1, 'kthvalue', _kthvalue_result), out, 'kthvalue')


def median(input, dim=None, keepdim=False, *, out=None):
    """The median (the lower of the two middle values for an even count, as PyTorch); with ``dim``,
    ``(values, indices)``. NaN propagates: a row holding NaN has median NaN."""
    input = ops.as_tensor(input)
    if input._array.size == 0:
        raise RuntimeError("median() of an empty tensor has no value")
    if dim is None:
        flat = ops.constant(input._array.reshape(-1))
        value = median(flat, 0).values._array
        return EvenShare.apply(input, value)
    d = _dim_of(input, dim, 'median')
    a = input._array
    n = a.shape[d] if a.ndim else 1
    position = (n - 1) // 2
    if a.dtype.kind == 'f' and a.ndim:
        xp = array_module(a)
        nans = xp.isnan(a)
        if bool(nans.any()):  # a row holding NaN has median NaN (its first NaN, as PyTorch)
            count = (~nans).sum(axis=d)
            position = xp.where(nans.any(axis=d), count, position).astype(backend.int64)
    return write_out(_pick(input, d, keepdim, position, 'median', _median_result), out, 'median')


class EvenShare(Function):
    """A value chosen among the elements of ``x`` (the median of all of them): the gradient is shared
    equally by the elements equal to it, as PyTorch does for ``median()`` and ``nanmedian()``."""

    @staticmethod
    def forward(ctx, x, value):
        xp = array_module(x)
        hits = xp.asarray(x == value, dtype=x.dtype if x.dtype.kind == 'f' else backend.float32)
        ctx.share = hits / xp.maximum(hits.sum(), 1)
        return value.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.share, None


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The median of the non-NaN values (NaN when a row has nothing else)."""
    input = ops.as_tensor(input)
    if dim is None:
        value = nanmedian(ops.constant(input._array.reshape(-1)), 0).values._array
        return EvenShare.apply(input, value)
    else:
        d = _dim_of(input, dim, 'nanmedian')
    a = input._array
    xp = array_module(a)
    if a.dtype.kind != 'f' or a.ndim == 0:
        result = median(input, d, keepdim) if a.ndim else _nanmedian_result(*median(input, 0, keepdim))
        return result.values if dim is None else write_out(_nanmedian_result(*result), out, 'nanmedian')
    count = (~xp.isnan(a)).sum(axis=d)
    position = xp.maximum(count - 1, 0) // 2
    result = _pick(input, d, keepdim, position.astype(backend.int64), 'nanmedian', _nanmedian_result)
    return result.values if dim is None else write_out(result, out, 'nanmedian')


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the index
    of its last occurrence."""
    input = ops.as_tensor(input)
    d = _dim_of(input, dim, 'mode')
    a = input._array
    if a.ndim == 0:
        return write_out(_mode_result(ops.clone(input), ops.constant(array_module(a).zeros((), backend.int64))),
                         out, 'mode')
    xp = array_module(a)
    moved = xp.moveaxis(a, d, -1)
    n = moved.shape[-1]
    # how often each element's value occurs in its row (n x n comparisons per row)
    counts = (moved[..., :, None] == moved[..., None, :]).sum(axis=-1)
    top = counts.max(axis=-1, keepdims=True)
    big = moved.max(axis=-1, keepdims=True)
    value = xp.where(counts == top, moved, big).min(axis=-1, keepdims=True)
    hits = moved == value
    last = n - 1 - xp.argmax(xp.flip(hits, axis=-1), axis=-1)
    idx = xp.expand_dims(last.astype(backend.int64), d)
    values = _take(input, idx, d)
    if not keepdim:
        values = Reshape.apply(values, tuple(k for i, k in enumerate(values.shape) if i != d))
        idx = idx.squeeze(d)
    return write_out(_mode_result(values, ops.constant(idx)), out, 'mode')


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted), with ``return_inverse`` the index of each input element in them and
    with ``return_counts`` how often each occurs. ``dim`` picks distinct slices instead."""
    input = ops.as_tensor(input)
    a = input._array
    xp = array_module(a)
    if dim is None:
        values, inverse, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        d = ops._dim(dim, a.ndim, 'unique')
        moved = xp.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        rows = [tuple(r) for r in backend.to_host(moved).tolist()]
        distinct = builtins.sorted(set(rows))
        where = {r: i for i, r in enumerate(distinct)}
        inverse_host = [where[r] for r in rows]
        inverse = xp.asarray(backend.as_array(inverse_host, dtype=backend.int64))
        counts = xp.asarray(backend.as_array([inverse_host.count(i) for i in range(len(distinct))],
                                             dtype=backend.int64))
        first = [inverse_host.index(i) for i in range(len(distinct))]
        picked = xp.take(a, xp.asarray(backend.as_array(first, dtype=backend.int64)), axis=d)
        values = picked
    out = [ops.constant(values)]
    if return_inverse:
        out.append(ops.constant(inverse.astype(backend.int64, copy=False)))
    if return_counts:
        out.append(ops.constant(counts.astype(backend.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """One element of each run of equal consecutive elements (flattened when ``dim`` is None)."""
    input = ops.as_tensor(input)
    a = input._array
    xp = array_module(a)
    if dim is None:
        flat = a.reshape(-1)
        d, moved = 0, flat
    else:
        d = ops._dim(dim, a.ndim, 'unique_consecutive')
        moved = xp.moveaxis(a, d, 0)
    n = moved.shape[0]
    if n == 0:
        change = xp.zeros(0, dtype=bool)
    else:
        differs = (moved[1:] != moved[:-1]).reshape(n - 1, -1).any(axis=1)
        change = xp.concatenate([xp.ones(1, dtype=bool), differs])
    starts = xp.nonzero(change)[0]
    values = moved[starts] if dim is None else xp.moveaxis(moved[starts], 0, d)
    result = [ops.constant(values)]
    if return_inverse:
        inverse = (xp.cumsum(change) - 1).astype(backend.int64)
        result.append(ops.constant(inverse.reshape(a.shape) if dim is None else inverse))
    if return_counts:
        ends = xp.concatenate([starts[1:], xp.asarray([n], dtype=starts.dtype)])
        result.append(ops.constant((ends - starts).astype(backend.int64)))
    return result[0] if len(result) == 1 else tuple(result)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value of ``input``, the index where it would be inserted into ``sorted_sequence`` (its
    last dimension, batched over the leading ones) to keep it sorted; ``right``/``side='right'`` puts
    it after equal elements."""
    seq = ops.as_tensor(sorted_sequence)
    scalar = not isinstance(input, Tensor) and not hasattr(input, 'shape')
    values = ops.as_tensor(input, device=seq.device) if not scalar else None
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"searchsorted(): side must be 'left' or 'right', got {side!r}")
        if right and side == 'left':
            raise RuntimeError("searchsorted(): side='left' and right=True contradict each other")
        right = side == 'right'
    s = seq._array
    xp = array_module(s)
    if sorter is not None:
        sorter = sorter._array if isinstance(sorter, Tensor) else sorter
        s = xp.take_along_axis(s, sorter, axis=-1)
    v = xp.asarray(input, dtype=s.dtype) if scalar else values._array
    which = 'right' if right else 'left'
    if s.ndim <= 1:
        found = xp.searchsorted(s, v, side=which)
    else:
        if v.shape[:-1] != s.shape[:-1]:
            raise RuntimeError(f"searchsorted(): the leading dimensions of the boundaries {tuple(s.shape)} "
                               f"and of the values {tuple(v.shape)} must match")
        lead = s.shape[:-1]
        s2, v2 = s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1])
        # compare every value with every boundary of its row: the count below (or at) it
        if right:
            found = (s2[:, None, :] <= v2[:, :, None]).sum(axis=-1)
        else:
            found = (s2[:, None, :] < v2[:, :, None]).sum(axis=-1)
        found = found.reshape(lead + (v.shape[-1],))
    result = ops.constant(xp.asarray(found, dtype=backend.int32 if out_int32 else backend.int64))
    return write_out(result, out, 'searchsorted')


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value among the 1-D ``boundaries``; ``right=True`` counts a value equal to a
    boundary in the bucket after it (PyTorch's convention, the opposite of searchsorted's ``right``)."""
    b = ops.as_tensor(boundaries)
    if b.ndim != 1:
        raise RuntimeError(f"bucketize(): boundaries must be 1-dimensional, got shape {tuple(b.shape)}")
    return searchsorted(b, input, out_int32=out_int32, right=right, out=out)


METHODS = {
    'sort': sort, 'argsort': argsort, 'msort': msort, 'topk': topk, 'kthvalue': kthvalue,
    'median': median, 'nanmedian': nanmedian, 'mode': mode, 'unique': unique,
    'unique_consecutive': unique_consecutive,
}
