"""Rows of the activation family: relu, sigmoid, tanh, softmax, log_softmax."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, unary


@st.composite
def softmax_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'dim': draw(mgst.dims(len(shape), allow_none=False,
                                                                  allow_tuple=False))})


def _np_softmax(x, dim):
    e = numpy.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + numpy.exp(-x))


ROWS = [
    OpSpec('tanh', lambda m, x: m.tanh(x), numpy.tanh, unary(), second_order=True),
    OpSpec('sigmoid', lambda m, x: m.sigmoid(x), _sigmoid, unary(), second_order=True),
    OpSpec('relu', lambda m, x: m.relu(x), lambda x: numpy.maximum(x, 0), unary('nonzero'),
           second_order=True),
    OpSpec('softmax', lambda m, x, dim: m.softmax(x, dim=dim), _np_softmax, softmax_case(),
           second_order=True),
    OpSpec('log_softmax', lambda m, x, dim: m.log_softmax(x, dim=dim),
           lambda x, dim: numpy.log(_np_softmax(x, dim)), softmax_case(), second_order=True),
]
