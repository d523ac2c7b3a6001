"""Rows of the grid family: ``meshgrid`` in both indexings (the first output; the gradient sums over
the grid)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def two_vectors(draw):
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 4))
    return Case((draw(mgst.arrays((n,))), draw(mgst.arrays((k,)))),
                {'indexing': draw(st.sampled_from(['ij', 'xy']))})


ROWS = [
    OpSpec('meshgrid', lambda m, x, y, indexing: m.meshgrid(x, y, indexing=indexing)[0] * 2
           + m.meshgrid(x, y, indexing=indexing)[1],
           lambda x, y, indexing: (lambda g: g[0] * 2 + g[1])(numpy.meshgrid(x, y, indexing=indexing)),
           two_vectors()),
]
