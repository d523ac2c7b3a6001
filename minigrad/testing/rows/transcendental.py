"""Op-table rows of the elementwise extras beside extra_math: logit, sinc, deg2rad, rad2deg, and an
in-place unary form."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, unary


@st.composite
def probabilities(draw):
    shape = draw(mgst.shapes())
    return Case((numpy.asarray(draw(mgst.arrays(shape, domain='positive')) / 3.2 + 0.02),))


ROWS = [
    OpSpec('logit', lambda m, p: m.logit(p), lambda p: numpy.log(p / (1 - p)), probabilities(), second_order=True),
    OpSpec('sinc', lambda m, x: m.sinc(x), numpy.sinc, unary('nonzero'), second_order=True),
    OpSpec('deg2rad', lambda m, x: m.deg2rad(x), numpy.deg2rad, unary()),
    OpSpec('rad2deg', lambda m, x: m.rad2deg(x), numpy.rad2deg, unary()),
    OpSpec('tanh_', lambda m, x: (x * 1).tanh_(), numpy.tanh, unary()),
]
