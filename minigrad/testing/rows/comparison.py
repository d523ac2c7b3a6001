"""Rows of the comparison family (forward only): lt le gt ge eq ne."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def comparison_case(draw):
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa, domain='small_int')), draw(mgst.arrays(sb, domain='small_int'))))


ROWS = [
    OpSpec('lt', lambda m, a, b: a < b, numpy.less, comparison_case(), differentiable=False),
    OpSpec('le', lambda m, a, b: a <= b, numpy.less_equal, comparison_case(), differentiable=False),
    OpSpec('gt', lambda m, a, b: a > b, numpy.greater, comparison_case(), differentiable=False),
    OpSpec('ge', lambda m, a, b: a >= b, numpy.greater_equal, comparison_case(), differentiable=False),
    OpSpec('eq', lambda m, a, b: a == b, numpy.equal, comparison_case(), differentiable=False),
    OpSpec('ne', lambda m, a, b: a != b, numpy.not_equal, comparison_case(), differentiable=False),
]
