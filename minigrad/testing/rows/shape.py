"""Rows of the shape family: reshape/view/flatten, transpose/permute, unsqueeze/squeeze, expand, cat,
stack, indexing (basic and advanced, with repeats), setitem, moves between devices."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, unary


@st.composite
def reshape_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'shape': draw(mgst.reshape_targets(shape))})


@st.composite
def flatten_case(draw):
    shape = draw(mgst.shapes())
    n = max(len(shape), 1)
    start, end = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2)))
    start = start - n if draw(st.booleans()) else start
    end = end - n if draw(st.booleans()) else end
    return Case((draw(mgst.arrays(shape)),), {'start_dim': start, 'end_dim': end})


@st.composite
def transpose_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    d0, d1 = (draw(mgst.dims(len(shape), allow_none=False, allow_tuple=False)) for _ in range(2))
    return Case((draw(mgst.arrays(shape)),), {'dim0': d0, 'dim1': d1})


@st.composite
def permute_case(draw):
    shape = draw(mgst.shapes())
    order = draw(st.permutations(range(len(shape))))
    order = tuple(d - len(shape) if draw(st.booleans()) else d for d in order)
    return Case((draw(mgst.arrays(shape)),), {'dims': order})


@st.composite
def unsqueeze_case(draw):
    shape = draw(mgst.shapes())
    n = len(shape) + 1
    return Case((draw(mgst.arrays(shape)),), {'dim': draw(st.integers(-n, n - 1))})


@st.composite
def squeeze_case(draw):
    shape = draw(mgst.shapes(max_dims=4, max_side=3))
    dim = draw(st.none() | mgst.dims(len(shape), allow_none=False))
    return Case((draw(mgst.arrays(shape)),), {'dim': dim})


@st.composite
def expand_case(draw):
    shape = draw(mgst.shapes(max_side=3))
    target = [draw(st.integers(1, 3)) if n == 1 else draw(st.sampled_from([n, -1])) for n in shape]
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    return Case((draw(mgst.arrays(shape)),), {'sizes': tuple(lead + target)})


@st.composite
def cat_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    dim = draw(mgst.dims(len(shape), allow_none=False, allow_tuple=False))
    count = draw(st.integers(1, 3))
    arrays = []
    for _ in range(count):
        s = list(shape)
        s[dim] = draw(st.integers(1, 3))
        arrays.append(draw(mgst.arrays(tuple(s))))
    return Case(tuple(arrays), {'dim': dim})


@st.composite
def stack_case(draw):
    shape = draw(mgst.shapes())
    n = len(shape) + 1
    arrays = tuple(draw(mgst.arrays(shape)) for _ in range(draw(st.integers(1, 3))))
    return Case(arrays, {'dim': draw(st.integers(-n, n - 1))})


@st.composite
def basic_index_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'index': draw(mgst.basic_indices(shape))})


@st.composite
def advanced_index_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    return Case((draw(mgst.arrays(shape)),), {'index': draw(mgst.advanced_indices(shape, repeats=True))})


@st.composite
def setitem_case(draw, advanced):
    shape = draw(mgst.shapes(min_dims=1 if advanced else 0))
    index = draw(mgst.advanced_indices(shape, repeats=False) if advanced else mgst.basic_indices(shape))
    target = numpy.empty(shape)[index].shape
    value_shape = target[draw(st.integers(0, len(target))):]  # a suffix: broadcast over the rest
    return Case((draw(mgst.arrays(shape)), draw(mgst.arrays(value_shape))), {'index': index})


def _np_flatten(x, start_dim, end_dim):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


def _np_squeeze(x, dim):
    if dim is None:
        return numpy.squeeze(x)
    dims = {d % max(x.ndim, 1) for d in (dim if isinstance(dim, tuple) else (dim,))}
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))


def _np_expand(x, sizes):
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return numpy.broadcast_to(x, target)


def _np_setitem(x, value, index):
    out = x.copy()
    out[index] = value
    return out


def _setitem(m, x, value, index):
    out = x.clone()
    out[index] = value
    return out


@st.composite
def mask_index_case(draw):
    """An array and a bool mask of its shape (the mask is an input array: a bool tensor)."""
    shape = draw(mgst.shapes(min_dims=1))
    return Case((draw(mgst.arrays(shape)), draw(mgst.arrays(shape, dtype=numpy.bool_))))


@st.composite
def narrow_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    size = shape[dim]
    start = draw(st.integers(0, size - 1))
    length = draw(st.integers(1, size - start))
    start = start - size if draw(st.booleans()) else start  # negative: from the end
    return Case((draw(mgst.arrays(shape)),), {'dim': dim, 'start': start, 'length': length})


def _np_narrow(x, dim, start, length):
    start = start % x.shape[dim]
    return numpy.take(x, numpy.arange(start, start + length), axis=dim)


@st.composite
def select_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return Case((draw(mgst.arrays(shape)),), {'dim': dim, 'index': draw(st.integers(-shape[dim], shape[dim] - 1))})


@st.composite
def diagonal_case(draw):
    shape = draw(mgst.shapes(min_dims=2))
    dim1, dim2 = draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=2, max_size=2,
                               unique_by=lambda d: d % len(shape)))
    offset = draw(st.integers(-2, 2))
    return Case((draw(mgst.arrays(shape)),), {'offset': offset, 'dim1': dim1, 'dim2': dim2})


def _write_through_view(m, x, index):
    """An in-place op through a view of a non-leaf: the base's history is rewritten (CopySlices)."""
    y = x.clone()
    y[index].mul_(2.5)
    return y


def _np_write_through_view(x, index):
    out = x.copy()
    out[index] *= 2.5
    return out


ROWS = [
    OpSpec('reshape', lambda m, x, shape: m.reshape(x, shape), numpy.reshape, reshape_case()),
    OpSpec('view', lambda m, x, shape: x.view(shape), numpy.reshape, reshape_case()),
    OpSpec('flatten', lambda m, x, start_dim, end_dim: m.flatten(x, start_dim, end_dim), _np_flatten,
           flatten_case()),
    OpSpec('transpose', lambda m, x, dim0, dim1: m.transpose(x, dim0, dim1),
           lambda x, dim0, dim1: numpy.swapaxes(x, dim0, dim1),
           transpose_case()),
    OpSpec('permute', lambda m, x, dims: m.permute(x, dims), lambda x, dims: numpy.transpose(x, dims),
           permute_case()),
    OpSpec('unsqueeze', lambda m, x, dim: m.unsqueeze(x, dim), lambda x, dim: numpy.expand_dims(x, dim),
           unsqueeze_case()),
    OpSpec('squeeze', lambda m, x, dim: m.squeeze(x) if dim is None else m.squeeze(x, dim), _np_squeeze,
           squeeze_case()),
    OpSpec('expand', lambda m, x, sizes: x.expand(sizes), _np_expand, expand_case()),
    OpSpec('cat', lambda m, *xs, dim: m.cat(xs, dim=dim), lambda *xs, dim: numpy.concatenate(xs, axis=dim),
           cat_case()),
    OpSpec('stack', lambda m, *xs, dim: m.stack(xs, dim=dim), lambda *xs, dim: numpy.stack(xs, axis=dim),
           stack_case()),
    OpSpec('getitem.basic', lambda m, x, index: x[index], lambda x, index: x[index], basic_index_case(),
           second_order=True),
    OpSpec('getitem.advanced', lambda m, x, index: x[index], lambda x, index: x[index],
           advanced_index_case(), second_order=True),
    OpSpec('setitem.basic', _setitem, _np_setitem, setitem_case(advanced=False)),
    OpSpec('setitem.advanced', _setitem, _np_setitem, setitem_case(advanced=True)),
    OpSpec('getitem.mask', lambda m, x, mask: x[mask], lambda x, mask: x[mask], mask_index_case(),
           second_order=True),
    OpSpec('to', lambda m, x: (x.to('cpu') * 2).to(x.device) * x, lambda x: 2 * x * x, unary(),
           second_order=True),
    OpSpec('narrow.negative_start', lambda m, x, dim, start, length: m.narrow(x, dim, start, length),
           _np_narrow, narrow_case(), second_order=True),
    OpSpec('select', lambda m, x, dim, index: m.select(x, dim, index),
           lambda x, dim, index: numpy.take(x, index, axis=dim), select_case(), second_order=True),
    OpSpec('diagonal.dims', lambda m, x, offset, dim1, dim2: m.diagonal(x, offset, dim1, dim2),
           lambda x, offset, dim1, dim2: numpy.diagonal(x, offset, dim1, dim2), diagonal_case(),
           second_order=True),
    OpSpec('inplace.view', _write_through_view, _np_write_through_view, basic_index_case(), second_order=True),
]
