"""Rows of the linalg family: matmul (2-D, batched, broadcast, 1-D operands) and the fused linear."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def matmul_case(draw):
    sa, sb = draw(mgst.matmul_shapes())
    return Case((draw(mgst.arrays(sa)), draw(mgst.arrays(sb))))


@st.composite
def linear_case(draw):
    """``x`` (..., in), ``weight`` (out, in) and, drawn or not, ``bias`` (out,)."""
    lead = draw(mgst.shapes(max_dims=2))
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    arrays = [draw(mgst.arrays(lead + (n_in,))), draw(mgst.arrays((n_out, n_in)))]
    if draw(st.booleans()):
        arrays.append(draw(mgst.arrays((n_out,))))
    return Case(tuple(arrays))


def _np_linear(x, weight, bias=None):
    out = x @ weight.T
    return out if bias is None else out + bias


ROWS = [
    OpSpec('matmul', lambda m, a, b: m.matmul(a, b), numpy.matmul, matmul_case(), second_order=True),
    OpSpec('linear', lambda m, *xs: m.nn.functional.linear(*xs), _np_linear, linear_case(),
           second_order=True),
]
