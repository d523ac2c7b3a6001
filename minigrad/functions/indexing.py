"""Indexing ops: gather, scatter (and its reductions), index_select/add/copy/fill, take, masked_fill,
masked_select, masked_scatter, nonzero and the one-argument ``where(condition)``.

Most are built from the differentiable indexing of :mod:`.shape` (``GetItem``, whose backward
scatter-adds, and ``IndexAdd``/``SetItem``): ``gather`` is an advanced index made of the index tensor and
broadcast ranges over the other dimensions, so its gradient scatter-adds (repeated indices accumulate) and
second derivatives come for free. Integer indices are checked against the sizes (PyTorch raises for
out-of-range and, in gather/scatter, for negative indices; NumPy would wrap them silently).
"""
from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import write_out
from .elementwise import Add, Where
from .shape import GetItem, IndexAdd, Reshape, SetItem

__all__ = ['gather', 'scatter', 'scatter_add', 'scatter_reduce', 'index_select', 'index_add', 'index_copy',
           'index_fill', 'take', 'take_along_dim', 'masked_fill', 'masked_select', 'masked_scatter',
           'nonzero', 'argwhere', 'where']


# ------------------------------------------------------------------------------------------- helpers
def _index_array(index, input, op, *, allow_negative=False, size=None):
    """An integer index (Tensor, array or list) as an int64 array on ``input``'s device, checked."""
    arr = index._array if isinstance(index, Tensor) else index
    if not hasattr(arr, 'dtype'):
        arr = backend.asarray(arr, dev=input.device)
    if arr.dtype.kind not in 'iu':
        raise RuntimeError(f"{op}(): expected an integer (int64) index tensor, got {arr.dtype}; convert it "
                           "with .long()")
    arr = backend.to_device(arr, input.device)
    if size is not None and arr.size:
        low, high = int(arr.min()), int(arr.max())
        if high >= size or low < (-size if allow_negative else 0):
            bad = high if high >= size else low
            raise IndexError(f"{op}(): index {bad} is out of bounds for a dimension of size {size}")
    return arr.astype(backend.int64, copy=False)


def _along(index, d, ndim):
    """The advanced index that picks ``index[i..., j, k...]`` along dimension ``d`` (gather's rule)."""
    xp = array_module(index)
    parts = []
    for k in range(ndim):
        if k == d:
            parts.append(index)
        else:
            shape = [1] * ndim
            shape[k] = index.shape[k]
            parts.append(xp.arange(index.shape[k]).reshape(shape))
    return tuple(parts)


def _check_gather_shapes(op, input, index, d, src=None):
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError(f"{op}(): index has {index.ndim} dimensions but the input has {input.ndim}; they "
                           "must have the same number of dimensions")
    for k in range(index.ndim):
        if k != d and index.shape[k] > input._array.shape[k]:
            raise RuntimeError(f"{op}(): index of shape {tuple(index.shape)} is larger than the input of "
                               f"shape {tuple(input.shape)} in dimension {k}")
        if src is not None and index.shape[k] > src._array.shape[k]:
            raise RuntimeError(f"{op}(): index of shape {tuple(index.shape)} is larger than src of shape "
                               f"{tuple(src.shape)} in dimension {k}")


def _prepare(op, input, dim, index):
    input = ops.as_tensor(input)
    if input.ndim == 0:
        d = ops._dim(dim, 1, op)
        idx = _index_array(index, input, op, size=1).reshape(())
        return input, d, idx, ()
    d = ops._dim(dim, input.ndim, op)
    idx = _index_array(index, input, op, size=input._array.shape[d])
    _check_gather_shapes(op, input, idx, d)
    return input, d, idx, _along(idx, d, input.ndim)


def _src_part(src, index):
    """``src`` cut to the shape of ``index`` (scatter reads only that corner of it)."""
    if tuple(src._array.shape) == tuple(index.shape):
        return src
    return GetItem.apply(src, tuple(slice(0, n) for n in index.shape))


def _same_dtype(op, input, src):
    if src._array.dtype != input._array.dtype:
        raise RuntimeError(f"{op}(): expected self.dtype to be equal to src.dtype, got {input.dtype} and "
                           f"{src.dtype}; convert src with .to(input.dtype)")


def _value_array(value, input, op):
    """A fill value as something Where/SetItem accept: a 0-d tensor stays a tensor (it gets a gradient);
    a number becomes a 0-d array of the input's dtype (PyTorch keeps the input's dtype)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{op}() only supports a 0-dimensional value tensor, but got a tensor with "
                               f"{value.ndim} dimensions")
        return ops.cast(value, input.dtype) if value._array.dtype != input._array.dtype else value
    return input._xp().asarray(value, dtype=input._array.dtype)


# ------------------------------------------------------------------------------------------- gather
def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``out[i][j][k] = input[i][index[i][j][k]][k]`` for ``dim=1``; the gradient scatter-adds."""
    input, d, idx, parts = _prepare('gather', input, dim, index)
    result = GetItem.apply(input, parts) if parts else ops.clone(input)
    return write_out(result, out, 'gather')


def take_along_dim(input, indices, dim=None, *, out=None):
    """``input`` picked at ``indices`` along ``dim`` (flattened when None); the shapes broadcast."""
    input = ops.as_tensor(input)
    if dim is None:
        flat = Reshape.apply(input, (-1,))
        idx = _index_array(indices, input, 'take_along_dim', allow_negative=True, size=flat._array.shape[0])
        return write_out(GetItem.apply(flat, idx.reshape(-1)), out, 'take_along_dim')
    d = ops._dim(dim, input.ndim, 'take_along_dim')
    idx = _index_array(indices, input, 'take_along_dim', allow_negative=True, size=input._array.shape[d])
    if idx.ndim != input.ndim:
        raise RuntimeError(f"take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} and {idx.ndim}")
    xp = array_module(idx)
    shape_in, shape_idx = list(input._array.shape), list(idx.shape)
    shape_in[d] = shape_idx[d] = 1
    common = backend.broadcast_shapes(tuple(shape_in), tuple(shape_idx))
    target_in = tuple(input._array.shape[d] if k == d else n for k, n in enumerate(common))
    target_idx = tuple(idx.shape[d] if k == d else n for k, n in enumerate(common))
    if target_in != input._array.shape:
        input = ops.expand(input, target_in)
    idx = xp.broadcast_to(idx, target_idx)
    idx = xp.where(idx < 0, idx + input._array.shape[d], idx)
    return write_out(GetItem.apply(input, _along(idx, d, input.ndim)), out, 'take_along_dim')


def take(input, index):
    """Elements of the flattened ``input`` at ``index`` (negative indices count from the end)."""
    input = ops.as_tensor(input)
    n = input._array.size
    idx = _index_array(index, input, 'take', allow_negative=True, size=n)
    return GetItem.apply(Reshape.apply(input, (-1,)), idx)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` at the 1-D ``index`` along ``dim``."""
    input = ops.as_tensor(input)
    nd = max(input.ndim, 1)
    d = ops._dim(dim, nd, 'index_select')
    if input.ndim == 0:
        input = Reshape.apply(input, (1,))
    idx = _index_array(index, input, 'index_select', size=input._array.shape[d])
    if idx.ndim > 1:
        raise IndexError(f"index_select(): index must be 0- or 1-dimensional, got shape {tuple(idx.shape)}")
    result = GetItem.apply(input, (slice(None),) * d + (idx.reshape(-1),))
    return write_out(result, out, 'index_select')


# ------------------------------------------------------------------------------------------ scatter
def _scatter_value(op, input, d, idx, src, value):
    if src is None and value is None:
        raise TypeError(f"{op}() needs src (a tensor) or value (a number)")
    if src is not None and not isinstance(src, Tensor):
        value, src = src, None
    if src is not None:
        _same_dtype(op, input, src)
        _check_gather_shapes(op, input, idx, d, src)
        return _src_part(src, idx)
    return _value_array(value, input, op)


def _scatter_args(op, input, dim, index, src, value, reduce):
    input, d, idx, parts = _prepare(op, input, dim, index)
    if not parts:
        parts = ()
    v = _scatter_value(op, input, d, idx, src, value)
    if reduce is not None and reduce not in ('add', 'multiply'):
        raise RuntimeError(f"{op}(): reduce must be 'add' or 'multiply', got {reduce!r}")
    return input, d, idx, parts, v


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """``input`` with ``src`` (or ``value``) written at ``index`` along ``dim``; ``reduce='add'`` or
    ``'multiply'`` combines instead. With repeated indices one of the writes wins (PyTorch leaves which
    one unspecified)."""
    input, d, idx, parts, v = _scatter_args('scatter', input, dim, index, src, value, reduce)
    if reduce == 'add':
        result = _scatter_sum(input, idx, parts, v)
    elif reduce == 'multiply':
        result = ScatterProd.apply(input, v, parts, True)
    else:
        result = SetItem.apply(input, v, parts)
    return write_out(result, out, 'scatter')


def _scatter_sum(input, idx, parts, v):
    if not isinstance(v, Tensor):
        v = ops.constant(array_module(idx).broadcast_to(v, idx.shape).copy())
    return Add.apply(input, IndexAdd.apply(v, input._array.shape, parts))


def scatter_add(input, dim, index, src, *, out=None):
    """``input`` plus ``src`` added at ``index`` along ``dim`` (repeated indices accumulate)."""
    input, d, idx, parts, v = _scatter_args('scatter_add', input, dim, index, src, None, None)
    return write_out(_scatter_sum(input, idx, parts, v), out, 'scatter_add')


_REDUCTIONS = ('sum', 'prod', 'mean', 'amax', 'amin')


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """``src`` reduced into ``input`` at ``index`` along ``dim`` with ``reduce`` (``'sum'``, ``'prod'``,
    ``'mean'``, ``'amax'``, ``'amin'``); ``include_self=False`` leaves ``input``'s own values out where
    something is scattered. ``amax``/``amin`` share the gradient equally among tied elements, as PyTorch."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"scatter_reduce(): reduce must be one of {', '.join(_REDUCTIONS)}, got {reduce!r}")
    input, d, idx, parts = _prepare('scatter_reduce', input, dim, index)
    src = ops.as_tensor(src)
    _same_dtype('scatter_reduce', input, src)
    _check_gather_shapes('scatter_reduce', input, idx, d, src)
    v = _src_part(src, idx)
    xp = array_module(idx)
    hit = xp.zeros(input._array.shape, dtype=backend.int64)
    backend.scatter_add(hit, parts, xp.ones(idx.shape, dtype=backend.int64))
    touched = hit > 0
    if reduce in ('sum', 'mean'):
        base = input if include_self else Where.apply(touched, ops.constant(xp.zeros((), input._array.dtype)),
                                                      input)
        total = Add.apply(base, IndexAdd.apply(v, input._array.shape, parts))
        if reduce == 'sum':
            result = total
        else:
            count = hit + (1 if include_self else 0)
            count = xp.where(count == 0, 1, count)
            if input._array.dtype.kind in 'biu':
                result = ops.constant(total._array // count.astype(input._array.dtype))
            else:
                result = ops.div(total, ops.constant(count.astype(input._array.dtype)))
    elif reduce == 'prod':
        result = ScatterProd.apply(input, v, parts, include_self)
    else:
        result = ScatterExtreme.apply(input, v, parts, include_self, reduce == 'amax')
    return write_out(result, out, 'scatter_reduce')


class ScatterExtreme(Function):
    """``amax``/``amin`` of ``src`` into ``x`` at ``index``; ties share the gradient equally."""

    @staticmethod
    def forward(ctx, x, src, index, include_self, largest):
        xp = array_module(x)
        out = x.copy()
        if not include_self:
            touched = xp.zeros(x.shape, dtype=bool)
            touched[index] = True
            fill = src.min() if largest else src.max()
            out[touched] = fill if src.size else 0
        backend.scatter_extreme(out, index, src, largest)
        self_in = out == x
        if not include_self:
            self_in &= ~touched
        from_src = src == out[index]
        count = xp.asarray(self_in, dtype=x.dtype if x.dtype.kind == 'f' else backend.float32)
        backend.scatter_add(count, index, xp.asarray(from_src, dtype=count.dtype))
        count = xp.where(count == 0, 1, count)
        ctx.index, ctx.self_in, ctx.from_src, ctx.count = index, self_in, from_src, count
        return out

    @staticmethod
    def backward(ctx, grad):
        shared = grad / ctx.count
        needs = ctx.needs_input_grad
        grad_x = shared * ctx.self_in if needs[0] else None
        grad_src = shared[ctx.index] * ctx.from_src if needs[1] else None
        return grad_x, grad_src, None, None, None


class ScatterProd(Function):
    """The product of ``src`` into ``x`` at ``index``. The gradient of each factor is the product of the
    others (zeros included: a lone zero gets the product of the rest, anything beside a zero gets 0).
    First derivatives only (the factors are taken as constants in a second differentiation)."""

    @staticmethod
    def forward(ctx, x, src, index, include_self):
        xp = array_module(x)
        if not hasattr(src, 'shape') or src.ndim == 0:
            src = xp.broadcast_to(xp.asarray(src, dtype=x.dtype), index[0].shape)
        one = xp.ones((), x.dtype)
        touched = _touched(x, index)
        base = x if include_self else xp.where(touched, one, x)
        prod_nonzero = xp.where(base == 0, one, base)
        zeros = xp.asarray(base == 0, dtype=backend.int64)
        backend.scatter_multiply(prod_nonzero, index, xp.where(src == 0, one, src))
        backend.scatter_add(zeros, index, xp.asarray(src == 0, dtype=backend.int64))
        out = xp.where(zeros > 0, xp.zeros((), x.dtype), prod_nonzero)

        def others(values, at_out, at_pnz, at_zeros):
            safe = xp.where(values == 0, one, values)
            return xp.where(values == 0, xp.where(at_zeros == 1, at_pnz, 0), at_out / safe)

        ctx.index = index
        ctx.factor_x = others(x, out, prod_nonzero, zeros) * (~touched if not include_self else True)
        ctx.factor_src = others(src, out[index], prod_nonzero[index], zeros[index])
        return out

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        grad_x = grad * ctx.factor_x if needs[0] else None
        grad_src = grad[ctx.index] * ctx.factor_src if needs[1] else None
        return grad_x, grad_src, None, None


def _touched(x, index):
    touched = array_module(x).zeros(x.shape, dtype=bool)
    touched[index] = True
    return touched


# -------------------------------------------------------------------------------------- index_* ops
def _index_dim_args(op, input, dim, index, source=None):
    input = ops.as_tensor(input)
    d = ops._dim(dim, max(input.ndim, 1), op)
    size = input._array.shape[d] if input.ndim else 1
    idx = _index_array(index, input, op, size=size, allow_negative=False)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): index must be 0- or 1-dimensional, got shape {tuple(idx.shape)}")
    parts = (slice(None),) * d + (idx.reshape(-1),) if input.ndim else (idx.reshape(-1)[0],)
    if source is not None:
        source = ops.as_tensor(source)
        _same_dtype(op, input, source)
        want = input._array[parts].shape if input.ndim else ()
        if tuple(source._array.shape) != tuple(want) and source._array.size == int(_prod(want)):
            source = ops.reshape(source, want)
    return input, d, parts, source


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """``input`` plus ``alpha * source`` added into the slices at ``index`` along ``dim``."""
    input, d, parts, source = _index_dim_args('index_add', input, dim, index, source)
    if alpha != 1:
        source = ops.mul(source, alpha)
    result = Add.apply(input, IndexAdd.apply(source, input._array.shape, parts))
    return write_out(result, out, 'index_add')


def index_copy(input, dim, index, source, *, out=None):
    """``input`` with the slices at ``index`` along ``dim`` replaced by ``source``."""
    input, d, parts, source = _index_dim_args('index_copy', input, dim, index, source)
    return write_out(SetItem.apply(input, source, parts), out, 'index_copy')


def index_fill(input, dim, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    input, d, parts, _ = _index_dim_args('index_fill', input, dim, index)
    return SetItem.apply(input, _value_array(value, input, 'index_fill'), parts)


# -------------------------------------------------------------------------------------- masked ops
def _mask_array(mask, input, op, *, broadcast_input=False):
    arr = mask._array if isinstance(mask, Tensor) else mask
    if not hasattr(arr, 'dtype'):
        arr = backend.asarray(arr, dev=input.device)
    if arr.dtype != backend.bool_:
        raise RuntimeError(f"{op}(): expected a bool mask, got {arr.dtype}; compare first (x > 0) or "
                           "convert with .bool()")
    arr = backend.to_device(arr, input.device)
    if not broadcast_input:
        try:
            shape = backend.broadcast_shapes(arr.shape, input._array.shape)
        except ValueError:
            shape = None
        if shape != tuple(input._array.shape):
            raise RuntimeError(f"{op}(): the mask of shape {tuple(arr.shape)} must be broadcastable to the "
                               f"input's shape {tuple(input.shape)}")
        arr = array_module(arr).broadcast_to(arr, input._array.shape)
    return arr


class MaskedFill(Function):
    """``x`` with ``value`` where ``mask`` holds; the value (a 0-d tensor) gets the sum of those
    gradients."""

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return array_module(x).where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        mask = ctx.mask
        grad_x = grad * ~mask if needs[0] else None
        grad_value = (grad * mask).sum() if needs[1] else None
        return grad_x, grad_value, None


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` (a bool tensor broadcastable to it) is True."""
    input = ops.as_tensor(input)
    m = _mask_array(mask, input, 'masked_fill')
    return MaskedFill.apply(input, _value_array(value, input, 'masked_fill'), m)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` holds, as a 1-D tensor (the two broadcast together)."""
    input = ops.as_tensor(input)
    m = _mask_array(mask, input, 'masked_select', broadcast_input=True)
    shape = backend.broadcast_shapes(m.shape, input._array.shape)
    if tuple(input._array.shape) != shape:
        input = ops.expand(input, shape)
    m = array_module(m).broadcast_to(m, shape)
    return write_out(GetItem.apply(input, m), out, 'masked_select')


def masked_scatter(input, mask, source):
    """``input`` with the elements where ``mask`` holds replaced, in order, by the first elements of
    ``source``."""
    input = ops.as_tensor(input)
    source = ops.as_tensor(source)
    _same_dtype('masked_scatter', input, source)
    m = _mask_array(mask, input, 'masked_scatter')
    count = int(m.sum())
    if source._array.size < count:
        raise RuntimeError(f"masked_scatter(): the mask selects {count} elements but source has only "
                           f"{source._array.size}")
    values = GetItem.apply(Reshape.apply(source, (-1,)), slice(0, count))
    return SetItem.apply(input, values, m)


# ------------------------------------------------------------------------------------------ nonzero
def nonzero(input, *, as_tuple=False, out=None):
    """Indices of the non-zero elements: an ``(n, ndim)`` int64 tensor, or one 1-D tensor per
    dimension with ``as_tuple=True``."""
    input = ops.as_tensor(input)
    arr = input._array
    xp = array_module(arr)
    found = xp.nonzero(arr.reshape(1) if arr.ndim == 0 else arr)
    if as_tuple:
        return tuple(ops.constant(f.astype(backend.int64, copy=False)) for f in found)
    if arr.ndim == 0:
        return write_out(ops.constant(xp.zeros((int(found[0].shape[0]), 0), dtype=backend.int64)), out,
                         'nonzero')
    stacked = xp.stack(found, axis=1).astype(backend.int64, copy=False) if found else \
        xp.zeros((0, 0), dtype=backend.int64)
    return write_out(ops.constant(stacked), out, 'nonzero')


def argwhere(input):
    """Indices of the non-zero elements, as ``nonzero(input)``."""
    return nonzero(input)


def where(condition, input=None, other=None, *, out=None):
    """``where(condition, input, other)``: elements of ``input`` where ``condition`` holds, else of
    ``other``; ``where(condition)``: ``nonzero(condition, as_tuple=True)``."""
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes either one argument (the condition) or three (condition, input, "
                        "other)")
    return write_out(ops.where(condition, input, other), out, 'where')


# --------------------------------------------------------------------------------- in-place forms
def _inplace_from(out_of_place):
    """An in-place method ``x.op_(...)``: the out-of-place result written into ``x`` (recorded in the
    graph through the engine's in-place rule when a gradient is involved)."""
    def method(self, *args, **kwargs):
        result = out_of_place(self, *args, **kwargs)
        return _assign(self, result)
    method.__name__ = out_of_place.__name__ + '_'
    method.__doc__ = f"In-place :func:`{out_of_place.__name__}`."
    return method


class _Result(Function):
    """Stands for an already computed result when writing it into a tensor in place: forward returns
    it, the gradient goes to it (not to the tensor's previous values)."""

    @staticmethod
    def forward(ctx, previous, result):
        return result

    @staticmethod
    def backward(ctx, grad):
        return None, grad


def _assign(self, result):
    if self._recording(result):
        return self._inplace(_Result, result)
    self._write(result._array if isinstance(result, Tensor) else result)
    self._bump_version()
    return self


METHODS = {
    'gather': gather, 'take_along_dim': take_along_dim, 'take': take, 'index_select': index_select,
    'scatter': scatter, 'scatter_add': scatter_add, 'scatter_reduce': scatter_reduce,
    'index_add': index_add, 'index_copy': index_copy, 'index_fill': index_fill,
    'masked_fill': masked_fill, 'masked_select': masked_select, 'masked_scatter': masked_scatter,
    'nonzero': nonzero, 'argwhere': argwhere,
}
METHODS.update({name + '_': _inplace_from(fn) for name, fn in list(METHODS.items())
                if name in ('scatter', 'scatter_add', 'scatter_reduce', 'index_add', 'index_copy',
                            'index_fill', 'masked_fill', 'masked_scatter')})
