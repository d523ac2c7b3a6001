"""Op-table rows of the indexing family: gather, scatter and its reductions, index_*, take, masked_*,
nonzero. Index arrays travel in ``kwargs`` as NumPy int64/bool arrays; ``call`` turns them into tensors
of the library it is given (``lib.as_tensor``)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, unary


@st.composite
def gather_case(draw, distinct=False, index_like_input=False):
    """An array, a dim and an int64 index of the same rank, no larger than the array outside ``dim``."""
    shape = draw(mgst.shapes(min_dims=1))
    d = draw(st.integers(0, len(shape) - 1))
    if index_like_input:
        ishape = shape
    else:
        ishape = tuple(draw(st.integers(1, 4)) if k == d else draw(st.integers(1, n))
                       for k, n in enumerate(shape))
    index = draw(mgst.arrays(ishape, dtype=numpy.int64).map(lambda a: numpy.abs(a) % shape[d]))
    x = draw(mgst.distinct_arrays(shape))[0] if distinct else draw(mgst.arrays(shape))
    dim = d - len(shape) if draw(st.booleans()) else d
    return Case((x,), {'dim': dim, 'index': index})


@st.composite
def scatter_case(draw, unique=True, distinct=False):
    """An array, a dim, an index and a src of the index's shape. ``unique``: no two index entries
    write the same place (plain scatter's result is then defined)."""
    case = draw(gather_case(index_like_input=False))
    x, = case.arrays
    d, index = case.kwargs['dim'] % x.ndim, case.kwargs['index']
    if unique:
        # a permutation of positions along d for every other coordinate: distinct writes
        n = x.shape[d]
        ishape = list(index.shape)
        ishape[d] = min(ishape[d], n)
        full = tuple(ishape[:d]) + (n,) + tuple(ishape[d + 1:])
        perm = numpy.argsort(draw(mgst.arrays(full)), axis=d, kind='stable')
        index = numpy.take(perm, numpy.arange(ishape[d]), axis=d)
    if distinct:
        x, src = draw(mgst.distinct_arrays(x.shape, index.shape))
    else:
        src = draw(mgst.arrays(index.shape))
    return Case((x, src), {'dim': case.kwargs['dim'], 'index': index})


@st.composite
def reduce_case(draw, reduce):
    case = draw(scatter_case(unique=False, distinct=reduce in ('amax', 'amin')))
    x, src = case.arrays
    if reduce == 'prod':  # keep factors away from 0 (the gradient divides by them)
        x, src = numpy.sign(x) * (numpy.abs(x) + 0.5), numpy.sign(src) * (numpy.abs(src) + 0.5)
        x[x == 0], src[src == 0] = 0.5, 0.5
    return Case((x, src), dict(case.kwargs, reduce=reduce, include_self=draw(st.booleans())))


@st.composite
def index_dim_case(draw, source=False, repeats=True):
    shape = draw(mgst.shapes(min_dims=1))
    d = draw(st.integers(0, len(shape) - 1))
    n = shape[d]
    if repeats:
        index = numpy.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)), dtype=numpy.int64)
    else:
        index = numpy.array(draw(st.permutations(range(n)))[:draw(st.integers(1, n))], dtype=numpy.int64)
    arrays = (draw(mgst.arrays(shape)),)
    if source:
        sshape = shape[:d] + (len(index),) + shape[d + 1:]
        arrays += (draw(mgst.arrays(sshape)),)
    return Case(arrays, {'dim': d, 'index': index})


@st.composite
def mask_case(draw, broadcast=True):
    shape = draw(mgst.shapes())
    mshape = shape[draw(st.integers(0, len(shape))):] if broadcast else shape
    mask = draw(mgst.arrays(mshape, dtype=numpy.bool_))
    return Case((draw(mgst.arrays(shape)),), {'mask': mask})


@st.composite
def masked_scatter_case(draw):
    case = draw(mask_case())
    x, = case.arrays
    count = int(numpy.broadcast_to(case.kwargs['mask'], x.shape).sum())
    source = draw(mgst.arrays((count + draw(st.integers(0, 2)),)))
    return Case((x, source), case.kwargs)


@st.composite
def take_case(draw):
    shape = draw(mgst.shapes())
    n = int(numpy.prod(shape))
    index = numpy.array(draw(st.lists(st.integers(-n, n - 1), min_size=0, max_size=6)), dtype=numpy.int64)
    return Case((draw(mgst.arrays(shape)),), {'index': index})


def _np_gather(x, dim, index):
    d = dim % x.ndim
    corner = tuple(slice(None) if k == d else slice(0, n) for k, n in enumerate(index.shape))
    return numpy.take_along_axis(x[corner], index, axis=d)


def _np_scatter_target(x, dim, index):
    d = dim % x.ndim
    parts = tuple(index if k == d else numpy.arange(index.shape[k]).reshape(
        [index.shape[k] if j == k else 1 for j in range(x.ndim)]) for k in range(x.ndim))
    return parts


def _np_scatter(x, src, dim, index):
    out = x.copy()
    out[_np_scatter_target(x, dim, index)] = src
    return out


def _np_scatter_add(x, src, dim, index):
    out = x.copy()
    numpy.add.at(out, _np_scatter_target(x, dim, index), src)
    return out


def _np_scatter_reduce(x, src, dim, index, reduce, include_self):
    parts = _np_scatter_target(x, dim, index)
    touched = numpy.zeros(x.shape, bool)
    touched[parts] = True
    if reduce in ('sum', 'mean'):
        out = numpy.where(touched & (not include_self), 0.0, x)
        numpy.add.at(out, parts, src)
        if reduce == 'mean':
            count = numpy.zeros(x.shape)
            numpy.add.at(count, parts, 1.0)
            count = count + (1 if include_self else 0)
            out = out / numpy.where(count == 0, 1, count)
        return out.astype(x.dtype)
    ufunc = {'prod': numpy.multiply, 'amax': numpy.maximum, 'amin': numpy.minimum}[reduce]
    start = {'prod': 1.0, 'amax': -numpy.inf, 'amin': numpy.inf}[reduce]
    out = numpy.where(touched & (not include_self), start, x)
    ufunc.at(out, parts, src)
    return out


def _np_index_add(x, src, dim, index, alpha=1):
    out = x.copy()
    numpy.add.at(out, (slice(None),) * dim + (index,), src * alpha)
    return out


def _np_index_copy(x, src, dim, index):
    out = x.copy()
    out[(slice(None),) * dim + (index,)] = src
    return out


def _np_masked_scatter(x, source, mask):
    out = x.copy()
    m = numpy.broadcast_to(mask, x.shape)
    out[m] = source[:int(m.sum())]
    return out


def _t(m, a):
    return m.as_tensor(a)


ROWS = [
    OpSpec('gather', lambda m, x, dim, index: m.gather(x, dim, _t(m, index)), _np_gather, gather_case(),
           second_order=True),
    OpSpec('take_along_dim', lambda m, x, dim, index: m.take_along_dim(x, _t(m, index), dim=dim),
           lambda x, dim, index: numpy.take_along_axis(x, index, axis=dim),
           gather_case(index_like_input=True)),
    OpSpec('scatter', lambda m, x, src, dim, index: m.scatter(x, dim, _t(m, index), src), _np_scatter,
           scatter_case(), second_order=True),
    OpSpec('scatter_add', lambda m, x, src, dim, index: m.scatter_add(x, dim, _t(m, index), src),
           _np_scatter_add, scatter_case(unique=False), second_order=True),
    *[OpSpec(f'scatter_reduce.{r}', lambda m, x, src, dim, index, reduce, include_self: m.scatter_reduce(
        x, dim, _t(m, index), src, reduce, include_self=include_self), _np_scatter_reduce, reduce_case(r))
      for r in ('sum', 'mean', 'amax', 'amin', 'prod')],
    OpSpec('index_select', lambda m, x, dim, index: m.index_select(x, dim, _t(m, index)),
           lambda x, dim, index: numpy.take(x, index, axis=dim), index_dim_case(), second_order=True),
    OpSpec('index_add', lambda m, x, src, dim, index: m.index_add(x, dim, _t(m, index), src, alpha=2),
           lambda x, src, dim, index: _np_index_add(x, src, dim, index, 2), index_dim_case(source=True)),
    OpSpec('index_copy', lambda m, x, src, dim, index: x.index_copy(dim, _t(m, index), src), _np_index_copy,
           index_dim_case(source=True, repeats=False)),
    OpSpec('index_fill', lambda m, x, dim, index: x.index_fill(dim, _t(m, index), -1.5),
           lambda x, dim, index: _np_index_copy(x, -1.5, dim, index), index_dim_case()),
    OpSpec('take', lambda m, x, index: m.take(x, _t(m, index)), lambda x, index: x.reshape(-1)[index],
           take_case()),
    OpSpec('masked_fill', lambda m, x, mask: x.masked_fill(_t(m, mask), 0.25),
           lambda x, mask: numpy.where(mask, 0.25, x), mask_case(), second_order=True),
    OpSpec('masked_fill_', lambda m, x, mask: (x * 1).masked_fill_(_t(m, mask), 0.25),
           lambda x, mask: numpy.where(mask, 0.25, x), mask_case()),
    OpSpec('masked_select', lambda m, x, mask: m.masked_select(x, _t(m, mask)),
           lambda x, mask: numpy.broadcast_to(x, numpy.broadcast_shapes(x.shape, mask.shape))[
               numpy.broadcast_to(mask, numpy.broadcast_shapes(x.shape, mask.shape))], mask_case()),
    OpSpec('masked_scatter', lambda m, x, source, mask: x.masked_scatter(_t(m, mask), source),
           _np_masked_scatter, masked_scatter_case()),
    OpSpec('nonzero', lambda m, x: m.nonzero(x > 0),
           lambda x: numpy.argwhere(x > 0) if x.ndim else numpy.zeros((int(x > 0), 0), numpy.int64),
           unary('nonzero'), differentiable=False),
]
