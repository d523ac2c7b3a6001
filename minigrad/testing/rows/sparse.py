"""Op-table rows: embedding (repeated indices accumulate; padding_idx gets no gradient)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def embedding_case(draw):
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    w = draw(mgst.arrays((rows, cols)))
    shape = draw(mgst.shapes(max_dims=2))
    idx = numpy.asarray(draw(st.lists(st.integers(0, rows - 1), min_size=int(numpy.prod(shape)),
                                      max_size=int(numpy.prod(shape)))), dtype=numpy.int64).reshape(shape)
    # padding_idx (no gradient for that row, by design) is checked against torch in tests/test_nn_*
    return Case((w,), {'indices': idx, 'padding_idx': None})


ROWS = [
    OpSpec('embedding', lambda m, w, indices, padding_idx: m.nn.functional.embedding(
        m.tensor(indices), w, padding_idx=padding_idx), lambda w, indices, padding_idx: w[indices],
        embedding_case(), second_order=True),
]
