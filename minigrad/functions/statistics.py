"""Statistics and counting: quantile, nanquantile, cov, corrcoef (differentiable, built from sort,
gather and arithmetic), bincount, histc, isin (counts and predicates, no gradient), and block_diag,
cartesian_prod, select, index_put, fill_diagonal_.
"""
import builtins

from .. import backend
from ..outputs import write_out
from ..tensor import Tensor
from . import surface_base as ops
from .shape import GetItem, IndexAdd, SetItem, select  # a view (the shape family's), re-exported

__all__ = ['quantile', 'nanquantile', 'cov', 'corrcoef', 'bincount', 'histc', 'isin', 'block_diag',
           'cartesian_prod', 'select', 'index_put']

_INTERPOLATIONS = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, op):
    from .indexing import _along
    from .sorting import sort
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}(): interpolation must be one of {', '.join(_INTERPOLATIONS)}, got "
                           f"{interpolation!r}")
    input = ops.as_tensor(input)
    if not backend.is_floating(input._array.dtype):
        raise RuntimeError(f"{op}(): input tensor must be either float or double dtype, got {input.dtype}")
    scalar_q = not isinstance(q, Tensor) and not isinstance(q, (list, tuple))
    qs = q._array if isinstance(q, Tensor) else input._xp().asarray(q, dtype=input._array.dtype)
    qs = backend.to_device(qs, input.device)
    if qs.ndim > 1:
        raise RuntimeError(f"{op}(): q must be a scalar or a 1-D tensor, got shape {tuple(qs.shape)}")
    if qs.size and (bool((qs < 0).any()) or bool((qs > 1).any())):
        raise RuntimeError(f"{op}(): q values must be in the range [0, 1]")
    qs = qs.reshape(-1)
    if dim is None:
        x = ops.reshape(input, (-1,))
        d = 0
    else:
        x = input if input.ndim else ops.reshape(input, (1,))
        d = ops._dim(dim, x.ndim, op)
    xp = input._xp()
    values = sort(x, d).values                         # NaN last
    a = values._array
    n = a.shape[d]
    nans = xp.isnan(a)
    if ignore_nan:
        count = (~nans).sum(axis=d, keepdims=True)
    else:
        count = xp.full(a.shape[:d] + (1,) + a.shape[d + 1:], n)
    has_nan = nans.any(axis=d, keepdims=True)
    outs = []
    for qv in qs.tolist():
        pos = qv * (xp.maximum(count, 1) - 1)
        lo = xp.floor(pos)
        hi = xp.ceil(pos)
        frac = (pos - lo).astype(a.dtype)
        if interpolation == 'lower':
            hi, frac = lo, frac * 0
        elif interpolation == 'higher':
            lo, frac = hi, frac * 0
        elif interpolation == 'nearest':
            lo = hi = xp.round(pos)
            frac = frac * 0
        elif interpolation == 'midpoint':
            frac = xp.where(hi > lo, 0.5, 0).astype(a.dtype)
        if not ignore_nan:  # a row holding NaN: its quantiles are NaN (the first NaN, sorted last)
            lo = xp.where(has_nan, n - 1, lo)
            hi = xp.where(has_nan, n - 1, hi)
        empty = count == 0
        lo = lo.astype(backend.int64)
        hi = hi.astype(backend.int64)
        low = GetItem.apply(values, _along(lo, d, a.ndim))
        high = GetItem.apply(values, _along(hi, d, a.ndim))
        result = ops.add(low, ops.mul(ops.sub(high, low), ops.constant(frac)))
        if bool(empty.any()):
            result = ops.where(ops.constant(empty), ops.constant(xp.asarray(xp.nan, dtype=a.dtype)), result)
        if not keepdim:
            result = ops.squeeze(result, d)
        elif dim is None:
            result = ops.reshape(result, (1,) * input.ndim)
        outs.append(result)
    return outs[0] if scalar_q else _stack(outs)


def _stack(tensors):
    from .shape import stack
    return stack(tensors, 0)


def quantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """The ``q``-quantiles (a number or a 1-D tensor, in [0, 1]) over ``dim`` (flattened when None);
    NaN propagates. With a tensor ``q`` the quantiles come first in the result's shape."""
    return write_out(_quantile(input, q, dim, keepdim, interpolation, False, 'quantile'), out, 'quantile')


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """As :func:`quantile`, ignoring NaN (NaN where a row has nothing else)."""
    return write_out(_quantile(input, q, dim, keepdim, interpolation, True, 'nanquantile'), out, 'nanquantile')


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in columns)."""
    if fweights is not None or aweights is not None:
        raise NotImplementedError("cov(): fweights/aweights are not supported; weight the observations "
                                  "first")
    x = ops._to_float(ops.as_tensor(input))
    if x.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got {x.ndim}")
    if x.ndim < 2:
        x = ops.reshape(x, (1, -1))
    n = x.shape[1]
    centred = ops.sub(x, ops.mean(x, 1, keepdim=True))
    result = ops.div(ops.matmul(centred, ops.transpose(centred, 0, 1)), float(max(n - correction, 0)))
    return ops.reshape(result, ()) if tuple(result.shape) == (1, 1) else result  # one variable: a scalar


def corrcoef(input):
    """Pearson correlation coefficients of the rows of ``input``, clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return ops.div(c, c)
    d = ops.sqrt(ops.reshape(GetItem.apply(c, (c._xp().arange(c.shape[0]),) * 2), (-1,)))
    result = ops.div(ops.div(c, ops.unsqueeze(d, 1)), ops.unsqueeze(d, 0))
    return ops.clamp(result, -1.0, 1.0)


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs in the 1-D ``input`` (summing ``weights`` instead)."""
    input = ops.as_tensor(input)
    a = input._array
    if a.ndim != 1 or a.dtype.kind not in 'iu':
        raise RuntimeError("bincount(): only 1-D non-negative integer tensors are supported")
    if a.size and int(a.min()) < 0:
        raise RuntimeError("bincount(): input must contain non-negative values")
    xp = input._xp()
    w = weights._array if isinstance(weights, Tensor) else weights
    out = xp.bincount(a, weights=w, minlength=minlength)
    out = out.astype(backend.int64 if w is None else w.dtype if w.dtype.kind == 'f' else backend.float64)
    return ops.constant(out)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """A histogram of ``bins`` equal bins over [min, max] (the data's range when both are 0)."""
    input = ops.as_tensor(input)
    a = input._array
    if not backend.is_floating(a.dtype):
        raise RuntimeError(f"histc(): expected a floating tensor, got {input.dtype}")
    xp = input._xp()
    lo, hi = float(min), float(max)
    if lo == hi:
        if a.size:
            lo, hi = float(a.min()), float(a.max())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
    counts, _ = xp.histogram(a.reshape(-1), bins=bins, range=(lo, hi))
    return write_out(ops.constant(counts.astype(a.dtype)), out, 'histc')


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` occurs in ``test_elements``."""
    e = elements._array if isinstance(elements, Tensor) else None
    t = test_elements._array if isinstance(test_elements, Tensor) else None
    ref = elements if isinstance(elements, Tensor) else test_elements
    xp = ref._xp()
    e = xp.asarray(elements) if e is None else e
    t = xp.asarray(test_elements) if t is None else t
    return ops.constant(xp.isin(e, t, invert=invert))


def block_diag(*tensors):
    """The block-diagonal matrix of the given matrices (scalars and vectors count as 1 x n)."""
    mats = []
    for t in tensors:
        t = ops.as_tensor(t)
        mats.append(ops.reshape(t, (1, 1)) if t.ndim == 0 else ops.reshape(t, (1, -1)) if t.ndim == 1 else t)
    if not mats:
        return ops.constant(backend.module_for('cpu').zeros((0, 0)))
    dtype = mats[0]._array.dtype
    for m in mats[1:]:
        dtype = backend.result_dtype(mats[0]._xp().zeros(1, dtype), m._array)
    mats = [ops.cast(m, dtype) for m in mats]
    rows = builtins.sum(m.shape[0] for m in mats)
    cols = builtins.sum(m.shape[1] for m in mats)
    xp = mats[0]._xp()
    result, r0, c0 = None, 0, 0
    for m in mats:
        r, c = m.shape
        rr, cc = xp.meshgrid(xp.arange(r0, r0 + r), xp.arange(c0, c0 + c), indexing='ij')
        part = IndexAdd.apply(m, (rows, cols), (rr, cc))
        result = part if result is None else ops.add(result, part)
        r0, c0 = r0 + r, c0 + c
    return result


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows (a 1-D input is returned as is)."""
    tensors = [ops.as_tensor(t) for t in tensors]
    if len(tensors) == 1:
        return tensors[0]
    sizes = [t.shape[0] for t in tensors]
    cols = []
    for i, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[i] = sizes[i]
        cols.append(ops.reshape(ops.expand(ops.reshape(t, tuple(shape)), tuple(sizes)), (-1,)))
    return _stack_columns(cols)


def _stack_columns(cols):
    from .shape import stack
    return stack(cols, 1)


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` written (``accumulate=True``: added) at the advanced index ``indices``
    (a tuple of index tensors)."""
    input = ops.as_tensor(input)
    index = tuple(i._array if isinstance(i, Tensor) else i for i in indices)
    index = tuple(backend.to_device(i, input.device) if hasattr(i, 'shape') else i for i in index)
    values = values if isinstance(values, Tensor) else ops.constant(input._xp().asarray(values,
                                                                                        dtype=input._array.dtype))
    if values._array.dtype != input._array.dtype:
        values = ops.cast(values, input.dtype)
    if accumulate:
        target = input._array[index].shape
        v = ops.expand(values, target) if tuple(values.shape) != tuple(target) else values
        return ops.add(input, IndexAdd.apply(v, input._array.shape, index))
    return SetItem.apply(input, values, index)


def _index_put_(self, indices, values, accumulate=False):
    from .indexing import _assign
    return _assign(self, index_put(self, indices, values, accumulate))


def _fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal (all dimensions equal, or a tall matrix with ``wrap``)."""
    from .indexing import _assign
    a = self._array
    if a.ndim < 2 or (a.ndim > 2 and len(set(a.shape)) != 1):
        raise RuntimeError("fill_diagonal_(): all dimensions of the input must be of equal length (or 2-D)")
    xp = self._xp()
    n = builtins.min(a.shape)
    if a.ndim == 2 and wrap and a.shape[0] > a.shape[1]:
        step = a.shape[1] + 1
        flat = xp.arange(0, a.shape[0] * a.shape[1], step)
        rows, cols = flat // a.shape[1], flat % a.shape[1]
        index = (rows, cols)
    else:
        index = (xp.arange(n),) * a.ndim
    return _assign(self, SetItem.apply(self, xp.asarray(fill_value, dtype=a.dtype), index))


METHODS = {'quantile': quantile, 'nanquantile': nanquantile, 'cov': cov, 'corrcoef': corrcoef,
           'bincount': bincount, 'histc': histc, 'isin': isin, 'select': select, 'index_put': index_put,
           'index_put_': _index_put_, 'fill_diagonal_': _fill_diagonal_}
