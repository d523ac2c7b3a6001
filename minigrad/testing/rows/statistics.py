"""Op-table rows of the statistics family: quantile, cov, corrcoef, block_diag, cartesian_prod."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def quantile_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    x, = draw(mgst.distinct_arrays(shape))
    dim = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    return Case((x,), {'q': draw(st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0])), 'dim': dim})


@st.composite
def observations(draw):
    n, k = draw(st.integers(1, 3)), draw(st.integers(3, 6))
    return Case((draw(mgst.arrays((n, k))),))


@st.composite
def blocks(draw):
    shapes = draw(st.lists(mgst.shapes(min_dims=2, max_dims=2, max_side=3), min_size=1, max_size=3))
    return Case(tuple(draw(mgst.arrays(s)) for s in shapes))


@st.composite
def vectors(draw):
    return Case(tuple(draw(mgst.arrays((draw(st.integers(1, 3)),))) for _ in range(draw(st.integers(2, 3)))))


def _np_block_diag(*xs):
    rows, cols = sum(x.shape[0] for x in xs), sum(x.shape[1] for x in xs)
    out = numpy.zeros((rows, cols), dtype=xs[0].dtype)
    r = c = 0
    for x in xs:
        out[r:r + x.shape[0], c:c + x.shape[1]] = x
        r, c = r + x.shape[0], c + x.shape[1]
    return out


def _np_cartesian(*xs):
    grids = numpy.meshgrid(*xs, indexing='ij')
    return numpy.stack([g.reshape(-1) for g in grids], axis=1)


def _np_corrcoef(x):
    return numpy.asarray(numpy.clip(numpy.corrcoef(x), -1, 1), dtype=x.dtype)


ROWS = [
    OpSpec('quantile', lambda m, x, q, dim: m.quantile(x, q, dim=dim),
           lambda x, q, dim: numpy.asarray(numpy.quantile(x, q, axis=dim), dtype=x.dtype), quantile_case()),
    OpSpec('cov', lambda m, x: m.cov(x), lambda x: numpy.asarray(numpy.cov(x), dtype=x.dtype), observations(),
           second_order=True),
    OpSpec('corrcoef', lambda m, x: m.corrcoef(x), _np_corrcoef,
           observations().filter(lambda c: bool((c.arrays[0].std(axis=1) > 0.3).all()))),
    OpSpec('block_diag', lambda m, *xs: m.block_diag(*xs), _np_block_diag, blocks(), second_order=True),
    OpSpec('cartesian_prod', lambda m, *xs: m.cartesian_prod(*xs), _np_cartesian, vectors()),
]
