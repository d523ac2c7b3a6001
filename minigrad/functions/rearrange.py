"""Rearranging ops: flip, roll, rot90, repeat, tile, repeat_interleave, chunk, split, tensor_split,
unbind, movedim, narrow, tril/triu, diag, diagonal, diag_embed, trace, broadcast_tensors, atleast_*d,
ravel, unflatten, view_as/reshape_as and the stacks (hstack, vstack, dstack, column_stack).

All are compositions of the differentiable shape ops (indexing, reshape, permute, expand, cat), so
their gradients and second derivatives come from those. ``chunk``/``split``/``unbind``/``narrow``/
``movedim`` are views, as in PyTorch; ``flip``/``roll``/``repeat`` copy. ``diagonal`` copies (PyTorch
returns a view: writing into it does not change the input here; docs/semantics.md).
"""
import builtins

from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..backend import array_module
from ..outputs import write_out
from .elementwise import Clone, Where
from .shape import GetItem, IndexAdd, diagonal, narrow  # views (the shape family's), re-exported

__all__ = ['flip', 'fliplr', 'flipud', 'roll', 'rot90', 'repeat_interleave', 'tile', 'chunk', 'split',
           'tensor_split', 'hsplit', 'vsplit', 'unbind', 'movedim', 'moveaxis', 'narrow', 'tril', 'triu',
           'diag', 'diagonal', 'diag_embed', 'diagflat', 'trace', 'broadcast_tensors', 'broadcast_shapes',
           'atleast_1d', 'atleast_2d', 'atleast_3d', 'ravel', 'unflatten', 'hstack', 'vstack', 'dstack',
           'column_stack', 'row_stack', 'swapdims', 'tril_indices', 'triu_indices']

_pyint = builtins.int


def _dims_list(dims, ndim, op):
    if isinstance(dims, _pyint) or hasattr(dims, '__index__'):
        dims = (dims,)
    return [ops._dim(d, ndim, op) for d in dims]


def flip(input, dims):
    """``input`` with the order of ``dims`` reversed (a copy)."""
    input = ops.as_tensor(input)
    if input.ndim == 0:
        return Clone.apply(input)
    index = [slice(None)] * input.ndim
    for d in _dims_list(dims, input.ndim, 'flip'):
        index[d] = slice(None, None, -1)
    return Clone.apply(GetItem.apply(input, tuple(index)))


def fliplr(input):
    input = ops.as_tensor(input)
    if input.ndim < 2:
        raise RuntimeError(f"fliplr(): input must be at least 2-dimensional, got {input.ndim}")
    return flip(input, 1)


def flipud(input):
    input = ops.as_tensor(input)
    if input.ndim < 1:
        raise RuntimeError("flipud(): input must be at least 1-dimensional")
    return flip(input, 0)


def roll(input, shifts, dims=None):
    """Elements shifted by ``shifts`` along ``dims`` (wrapping around); flattened when ``dims`` is None."""
    input = ops.as_tensor(input)
    if dims is None:
        if not isinstance(shifts, _pyint):
            shifts, = shifts
        shape = input._array.shape
        return ops.reshape(roll(ops.reshape(input, (-1,)), shifts, 0), shape)
    shifts = (shifts,) if isinstance(shifts, _pyint) else tuple(shifts)
    dims = _dims_list(dims, max(input.ndim, 1), 'roll')
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll(): shifts ({len(shifts)}) and dims ({len(dims)}) must have the same length")
    xp = input._xp()
    out = input
    for s, d in zip(shifts, dims):
        n = out._array.shape[d]
        if n == 0 or s % n == 0:
            continue
        order = (xp.arange(n) - s) % n
        out = GetItem.apply(out, (slice(None),) * d + (order,))
    return out if out is not input else Clone.apply(input)


def rot90(input, k=1, dims=(0, 1)):
    """Rotation by 90 degrees ``k`` times in the plane of ``dims`` (from the first toward the second)."""
    input = ops.as_tensor(input)
    if len(dims) != 2:
        raise RuntimeError(f"rot90(): expected 2 dims, got {len(dims)}")
    a, b = _dims_list(dims, input.ndim, 'rot90')
    if a == b:
        raise RuntimeError(f"rot90(): the two dims must differ, got {dims}")
    k %= 4
    if k == 0:
        return Clone.apply(input)
    if k == 2:
        return flip(input, (a, b))
    if k == 1:
        return ops.transpose(flip(input, b), a, b)
    return flip(ops.transpose(input, a, b), b)


def _repeat(input, *sizes):
    """PyTorch's ``Tensor.repeat``: the tensor tiled ``sizes`` times (as many sizes as dimensions or more)."""
    input = ops.as_tensor(input)
    sizes = ops._sizes(sizes, 'repeat')
    if len(sizes) < input.ndim:
        raise RuntimeError(f"repeat(): the number of repeats ({len(sizes)}) can not be smaller than the number "
                           f"of dimensions of the tensor ({input.ndim})")
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input._array.shape)
    spread, target, final = [], [], []
    for r, n in zip(sizes, shape):
        spread += [1, n]
        target += [r, n]
        final.append(r * n)
    x = ops.reshape(input, tuple(spread))
    x = ops.expand(x, tuple(target))
    return Clone.apply(ops.reshape(x, tuple(final)))


def tile(input, dims):
    """``input`` repeated ``dims`` times; fewer dims than dimensions are padded with ones in front."""
    input = ops.as_tensor(input)
    dims = tuple(dims) if not isinstance(dims, _pyint) else (dims,)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return _repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (each slice along ``dim``) repeated ``repeats`` times in a row; ``dim=None``
    flattens first. ``repeat_interleave(counts)`` gives ``0`` counts[0] times, ``1`` counts[1] times, ..."""
    input = ops.as_tensor(input)
    xp = input._xp()
    if repeats is None:
        counts = input._array
        if counts.ndim != 1 or counts.dtype.kind not in 'iu':
            raise RuntimeError("repeat_interleave(repeats): repeats must be a 1-D integer tensor")
        return ops.constant(xp.repeat(xp.arange(counts.shape[0], dtype=backend.int64), counts))
    if dim is None:
        input = ops.reshape(input, (-1,))
        d = 0
    else:
        d = ops._dim(dim, max(input.ndim, 1), 'repeat_interleave')
        if input.ndim == 0:
            input = ops.reshape(input, (1,))
    n = input._array.shape[d]
    if isinstance(repeats, Tensor):
        reps = backend.to_device(repeats._array, input.device)
        if reps.ndim == 0:
            reps = reps.reshape(1)
    else:
        reps = xp.asarray([repeats] if isinstance(repeats, _pyint) else repeats, dtype=backend.int64)
    if reps.shape[0] == 1:
        reps = xp.broadcast_to(reps, (n,))
    elif reps.shape[0] != n:
        raise RuntimeError(f"repeat_interleave(): repeats must have the same size as input along dim ({n}), "
                           f"got {reps.shape[0]}")
    if bool((reps < 0).any()):
        raise RuntimeError("repeat_interleave(): repeats can not be negative")
    order = xp.repeat(xp.arange(n), reps)
    return GetItem.apply(input, (slice(None),) * d + (order,))


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes (views)."""
    tensor = ops.as_tensor(tensor)
    d = ops._dim(dim, tensor.ndim, 'split')
    n = tensor._array.shape[d]
    if isinstance(split_size_or_sections, _pyint) or hasattr(split_size_or_sections, '__index__') and \
            not isinstance(split_size_or_sections, (list, tuple)):
        size = _pyint(split_size_or_sections)
        if size <= 0 and n:
            raise RuntimeError(f"split(): split_size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if n else [0]
    else:
        sizes = [_pyint(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split(): split sizes {sizes} must sum to the size of dimension {d} ({n})")
    out, start = [], 0
    lead = (slice(None),) * d
    for s in sizes:
        out.append(ops.getitem(tensor, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(input, chunks, dim=0):
    """At most ``chunks`` pieces of equal size ``ceil(n / chunks)`` along ``dim`` (views)."""
    input = ops.as_tensor(input)
    if chunks <= 0:
        raise RuntimeError(f"chunk(): chunks must be positive, got {chunks}")
    d = ops._dim(dim, input.ndim, 'chunk')
    n = input._array.shape[d]
    size = max(-(-n // chunks), 1)
    return split(input, size, d)


def tensor_split(input, indices_or_sections, dim=0):
    """``sections`` pieces whose sizes differ by at most one (the first ones larger), or pieces cut at
    the given ``indices`` (NumPy's array_split)."""
    input = ops.as_tensor(input)
    d = ops._dim(dim, input.ndim, 'tensor_split')
    n = input._array.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    lead = (slice(None),) * d
    if isinstance(indices_or_sections, _pyint):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"tensor_split(): number of sections must be positive, got {k}")
        base, extra = divmod(n, k)
        bounds, start = [], 0
        for i in range(k):
            size = base + (1 if i < extra else 0)
            bounds.append((start, start + size))
            start += size
    else:
        cuts = [0] + [builtins.min(max(c if c >= 0 else c + n, 0), n) for c in indices_or_sections] + [n]
        bounds = [(cuts[i], max(cuts[i], cuts[i + 1])) for i in range(len(cuts) - 1)]
    return tuple(ops.getitem(input, lead + (slice(a, b),)) for a, b in bounds)


def hsplit(input, sections):
    input = ops.as_tensor(input)
    return tensor_split(input, sections, 1 if input.ndim > 1 else 0)


def vsplit(input, sections):
    return tensor_split(input, sections, 0)


def unbind(input, dim=0):
    """The slices along ``dim``, as a tuple (views)."""
    input = ops.as_tensor(input)
    d = ops._dim(dim, input.ndim, 'unbind')
    lead = (slice(None),) * d
    return tuple(ops.getitem(input, lead + (i,)) for i in range(input._array.shape[d]))


def movedim(input, source, destination):
    """Dimensions ``source`` moved to positions ``destination`` (the others keep their order)."""
    input = ops.as_tensor(input)
    n = input.ndim
    src = _dims_list(source, n, 'movedim')
    dst = _dims_list(destination, n, 'movedim')
    if len(src) != len(dst):
        raise RuntimeError(f"movedim(): source ({len(src)}) and destination ({len(dst)}) must have the same "
                           "number of dims")
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError("movedim(): repeated dims in source or destination")
    rest = [i for i in range(n) if i not in src]
    order = [None] * n
    for s, t in zip(src, dst):
        order[t] = s
    it = iter(rest)
    order = [o if o is not None else next(it) for o in order]
    return ops.permute(input, tuple(order))


moveaxis = movedim
swapdims = ops.transpose


def _triangle(input, diagonal, lower, op):
    input = ops.as_tensor(input)
    if input.ndim < 2:
        raise RuntimeError(f"{op}(): input tensor must have at least 2 dimensions, got {input.ndim}")
    xp = input._xp()
    rows, cols = input._array.shape[-2:]
    keep = (xp.tril if lower else xp.triu)(xp.ones((rows, cols), dtype=bool), diagonal)
    return Where.apply(keep, input, xp.zeros((), dtype=input._array.dtype))


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below ``diagonal``) of the last two dimensions; the rest zero."""
    return write_out(_triangle(input, diagonal, True, 'tril'), out, 'tril')


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above ``diagonal``) of the last two dimensions; the rest zero."""
    return write_out(_triangle(input, diagonal, False, 'triu'), out, 'triu')


def _diag_positions(xp, rows, cols, offset):
    """Row and column indices of the ``offset`` diagonal of a rows x cols matrix."""
    if offset >= 0:
        n = max(builtins.min(rows, cols - offset), 0)
        r = xp.arange(n)
        return r, r + offset
    n = max(builtins.min(rows + offset, cols), 0)
    r = xp.arange(n)
    return r - offset, r


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices (in dims ``dim1``, ``dim2`` of the result) with the last dimension of ``input`` on their
    ``offset`` diagonal, zero elsewhere."""
    input = ops.as_tensor(input)
    n = input._array.shape[-1]
    size = n + abs(offset)
    xp = input._xp()
    r, c = _diag_positions(xp, size, size, offset)
    lead = tuple(input._array.shape[:-1])
    out = IndexAdd.apply(input, lead + (size, size), (Ellipsis, r, c))
    nd = len(lead) + 2
    a, b = ops._dim(dim1, nd, 'diag_embed'), ops._dim(dim2, nd, 'diag_embed')
    if (a, b) == (nd - 2, nd - 1):
        return out
    return movedim(out, (nd - 2, nd - 1), (a, b))


def diag(input, diagonal=0, *, out=None):
    """A 1-D input: the square matrix with it on the ``diagonal``; a 2-D input: that diagonal."""
    input = ops.as_tensor(input)
    if input.ndim == 1:
        result = diag_embed(input, diagonal)
    elif input.ndim == 2:
        result = globals()['diagonal'](input, diagonal)
    else:
        raise RuntimeError(f"diag(): expected a 1-D or 2-D tensor, got {input.ndim} dimensions")
    return write_out(result, out, 'diag')


def diagflat(input, offset=0):
    return diag_embed(ops.reshape(ops.as_tensor(input), (-1,)), offset)


def trace(input):
    """The sum of the main diagonal of a 2-D tensor."""
    input = ops.as_tensor(input)
    if input.ndim != 2:
        raise RuntimeError(f"trace(): expected a matrix, got {input.ndim} dimensions")
    return ops.sum(diagonal(input))


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The ``(2, N)`` indices of the lower triangle of a row x col matrix (row-major order)."""
    xp = backend.module_for(backend.as_device(device or 'cpu'))
    keep = xp.tril(xp.ones((row, col), dtype=bool), offset)
    return ops.constant(xp.stack(xp.nonzero(keep)).astype(backend.as_dtype(dtype) or backend.int64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The ``(2, N)`` indices of the upper triangle of a row x col matrix (row-major order)."""
    xp = backend.module_for(backend.as_device(device or 'cpu'))
    keep = xp.triu(xp.ones((row, col), dtype=bool), offset)
    return ops.constant(xp.stack(xp.nonzero(keep)).astype(backend.as_dtype(dtype) or backend.int64))


def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (a Size)."""
    from ..tensor import Size
    shapes = [(s,) if isinstance(s, _pyint) else tuple(s) for s in shapes]
    try:
        return Size(backend.broadcast_shapes(*shapes))
    except ValueError:
        raise RuntimeError(f"broadcast_shapes(): shapes {shapes} cannot be broadcast together") from None


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = [ops.as_tensor(t) for t in tensors]
    shape = tuple(broadcast_shapes(*[t.shape for t in tensors]))
    return tuple(ops.expand(t, shape) for t in tensors)


def _atleast(tensors, n, shape_of):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(tuple(tensors[0]), n, shape_of))
    out = []
    for t in tensors:
        t = ops.as_tensor(t)
        out.append(t if t.ndim >= n else ops.reshape(t, shape_of(tuple(t.shape))))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    return _atleast(tensors, 1, lambda s: (1,))


def atleast_2d(*tensors):
    return _atleast(tensors, 2, lambda s: (1,) + s if s else (1, 1))


def atleast_3d(*tensors):
    return _atleast(tensors, 3, lambda s: (1, 1, 1) if not s else (1,) + s + (1,) if len(s) == 1 else s + (1,))


def ravel(input):
    return ops.reshape(ops.as_tensor(input), (-1,))


def unflatten(input, dim, sizes):
    """Dimension ``dim`` split into ``sizes`` (one of them may be -1)."""
    input = ops.as_tensor(input)
    d = ops._dim(dim, input.ndim, 'unflatten')
    shape = tuple(input._array.shape)
    sizes = tuple(sizes)
    n = shape[d]
    if sizes.count(-1) == 1:
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    total = 1
    for s in sizes:
        total *= s
    if total != n:
        raise RuntimeError(f"unflatten(): sizes {sizes} do not multiply to the size of dimension {d} ({n})")
    return ops.reshape(input, shape[:d] + sizes + shape[d + 1:])


def hstack(tensors, *, out=None):
    tensors = atleast_1d(*tensors) if len(tensors) > 1 else (atleast_1d(tensors[0]),)
    tensors = tensors if isinstance(tensors, tuple) else (tensors,)
    return write_out(ops.cat(tensors, 0 if tensors[0].ndim == 1 else 1), out, 'hstack')


def vstack(tensors, *, out=None):
    tensors = atleast_2d(*tensors) if len(tensors) > 1 else (atleast_2d(tensors[0]),)
    tensors = tensors if isinstance(tensors, tuple) else (tensors,)
    return write_out(ops.cat(tensors, 0), out, 'vstack')


row_stack = vstack


def dstack(tensors, *, out=None):
    tensors = atleast_3d(*tensors) if len(tensors) > 1 else (atleast_3d(tensors[0]),)
    tensors = tensors if isinstance(tensors, tuple) else (tensors,)
    return write_out(ops.cat(tensors, 2), out, 'dstack')


def column_stack(tensors, *, out=None):
    cols = []
    for t in tensors:
        t = ops.as_tensor(t)
        cols.append(ops.reshape(t, (-1, 1)) if t.ndim <= 1 else t)
    return write_out(ops.cat(cols, 1), out, 'column_stack')


def _view_as(input, other):
    return ops.view(input, tuple(other.shape))


def _reshape_as(input, other):
    return ops.reshape(input, tuple(other.shape))


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


METHODS = {
    'flip': flip, 'fliplr': fliplr, 'flipud': flipud, 'roll': roll, 'rot90': rot90, 'repeat': _repeat,
    'tile': tile, 'repeat_interleave': repeat_interleave, 'chunk': chunk, 'split': _split_method,
    'tensor_split': tensor_split, 'hsplit': hsplit, 'vsplit': vsplit, 'unbind': unbind,
    'movedim': movedim, 'moveaxis': moveaxis, 'narrow': narrow, 'tril': tril, 'triu': triu, 'diag': diag,
    'diagonal': diagonal, 'diag_embed': diag_embed, 'diagflat': diagflat, 'trace': trace,
    'ravel': ravel, 'unflatten': unflatten, 'view_as': _view_as, 'reshape_as': _reshape_as,
    'broadcast_to': ops.broadcast_to,
}


def _tril_(self, diagonal=0):
    from .indexing import _assign
    return _assign(self, tril(self, diagonal))


def _triu_(self, diagonal=0):
    from .indexing import _assign
    return _assign(self, triu(self, diagonal))


METHODS.update({'tril_': _tril_, 'triu_': _triu_})
