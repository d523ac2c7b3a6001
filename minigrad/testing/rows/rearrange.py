"""Op-table rows of the rearranging family (flip, roll, repeat, tile, repeat_interleave, chunk, split,
movedim, narrow, tril/triu, diagonal, diag_embed, trace)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def shaped(draw, min_dims=1, max_dims=3):
    shape = draw(mgst.shapes(min_dims=min_dims, max_dims=max_dims))
    return shape, draw(mgst.arrays(shape))


@st.composite
def flip_case(draw):
    shape, x = draw(shaped())
    dims = draw(st.lists(st.integers(0, len(shape) - 1), unique=True, min_size=1))
    return Case((x,), {'dims': tuple(dims)})


@st.composite
def roll_case(draw):
    shape, x = draw(shaped())
    d = draw(st.integers(0, len(shape) - 1))
    return Case((x,), {'shifts': draw(st.integers(-5, 5)), 'dims': d})


@st.composite
def repeat_case(draw):
    shape, x = draw(shaped(min_dims=0))
    sizes = tuple(draw(st.lists(st.integers(1, 3), min_size=max(len(shape), 1), max_size=len(shape) + 2)))
    return Case((x,), {'sizes': sizes})


@st.composite
def interleave_case(draw):
    shape, x = draw(shaped())
    d = draw(st.integers(0, len(shape) - 1))
    repeats = draw(st.integers(0, 3) | st.lists(st.integers(0, 3), min_size=shape[d], max_size=shape[d]))
    return Case((x,), {'repeats': repeats, 'dim': d})


@st.composite
def dim_case(draw, extra=None, min_dims=1):
    shape, x = draw(shaped(min_dims=min_dims))
    d = draw(st.integers(-len(shape), len(shape) - 1))
    kwargs = {'dim': d}
    if extra:
        kwargs.update(draw(extra(shape[d])))
    return Case((x,), kwargs)


@st.composite
def narrow_args(draw, n):
    start = draw(st.integers(0, n - 1))
    return {'start': start, 'length': draw(st.integers(0, n - start))}


@st.composite
def matrix_case(draw, batched=True):
    shape = draw(mgst.shapes(min_dims=2, max_dims=3 if batched else 2))
    return Case((draw(mgst.arrays(shape)),), {'k': draw(st.integers(-3, 3))})


def _np_repeat_interleave(x, repeats, dim):
    return numpy.repeat(x, repeats, axis=dim)


def _np_diag_embed(x, k):
    n = x.shape[-1] + abs(k)
    out = numpy.zeros(x.shape[:-1] + (n, n), dtype=x.dtype)
    r = numpy.arange(x.shape[-1])
    rows, cols = (r, r + k) if k >= 0 else (r - k, r)
    out[..., rows, cols] = x
    return out


def _t(m, a):
    return m.as_tensor(numpy.asarray(a)) if isinstance(a, list) else a


ROWS = [
    OpSpec('flip', lambda m, x, dims: m.flip(x, dims), lambda x, dims: numpy.flip(x, dims), flip_case(),
           second_order=True),
    OpSpec('roll', lambda m, x, shifts, dims: m.roll(x, shifts, dims),
           lambda x, shifts, dims: numpy.roll(x, shifts, dims), roll_case()),
    OpSpec('repeat', lambda m, x, sizes: x.repeat(*sizes), lambda x, sizes: numpy.tile(x, sizes),
           repeat_case(), second_order=True),
    OpSpec('tile', lambda m, x, sizes: m.tile(x, sizes), lambda x, sizes: numpy.tile(x, sizes), repeat_case()),
    OpSpec('repeat_interleave', lambda m, x, repeats, dim: m.repeat_interleave(x, _t(m, repeats), dim=dim),
           _np_repeat_interleave, interleave_case()),
    OpSpec('chunk', lambda m, x, dim, chunks: m.cat(m.chunk(x, chunks, dim)[::-1], dim),
           lambda x, dim, chunks: numpy.concatenate(
               numpy.split(x, range(-(-x.shape[dim] // chunks), x.shape[dim], -(-x.shape[dim] // chunks)),
                           axis=dim)[::-1], axis=dim),
           dim_case(lambda n: st.fixed_dictionaries({'chunks': st.integers(1, 5)}))),
    OpSpec('unbind', lambda m, x, dim: m.stack(m.unbind(x, dim)[::-1], dim),
           lambda x, dim: numpy.flip(x, dim), dim_case()),
    OpSpec('narrow', lambda m, x, dim, start, length: m.narrow(x, dim, start, length),
           lambda x, dim, start, length: numpy.take(x, numpy.arange(start, start + length), axis=dim),
           dim_case(narrow_args)),
    OpSpec('movedim', lambda m, x, dim: m.movedim(x, dim, 0), lambda x, dim: numpy.moveaxis(x, dim, 0),
           dim_case()),
    OpSpec('tril', lambda m, x, k: m.tril(x, k), lambda x, k: numpy.tril(x, k), matrix_case(), second_order=True),
    OpSpec('triu', lambda m, x, k: m.triu(x, k), lambda x, k: numpy.triu(x, k), matrix_case()),
    OpSpec('diagonal', lambda m, x, k: m.diagonal(x, k, -2, -1),
           lambda x, k: numpy.diagonal(x, k, -2, -1), matrix_case()),
    OpSpec('diag_embed', lambda m, x, k: m.diag_embed(x, k), _np_diag_embed, matrix_case(), second_order=True),
    OpSpec('trace', lambda m, x, k: m.trace(x), lambda x, k: numpy.asarray(numpy.trace(x)),
           matrix_case(batched=False)),
]
