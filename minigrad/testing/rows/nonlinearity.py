"""Op-table rows: the pointwise activations of functions/nonlinearity.py (inputs kept away from kinks)."""
import math

import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec

_erf = numpy.vectorize(math.erf, otypes=[numpy.float64])


def _f(x, values):
    return numpy.asarray(values, dtype=x.dtype)


@st.composite
def unary_avoiding(draw, avoid=(), domain='real'):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape, domain=domain, avoid=avoid)),))


def _softplus(z):
    return numpy.maximum(z, 0) + numpy.log1p(numpy.exp(-numpy.abs(z)))


def _sigmoid(x):
    return 1 / (1 + numpy.exp(-x))


@st.composite
def glu_case(draw):
    shape = list(draw(mgst.shapes(min_dims=1)))
    d = draw(st.integers(0, len(shape) - 1))
    shape[d] *= 2
    return Case((draw(mgst.arrays(tuple(shape))),), {'dim': d - len(shape) if draw(st.booleans()) else d})


def _np_glu(x, dim):
    a, b = numpy.split(x, 2, axis=dim)
    return a * _sigmoid(b)


@st.composite
def prelu_case(draw):
    shape = draw(mgst.shapes(min_dims=2))
    per_channel = draw(st.booleans())
    x = draw(mgst.arrays(shape, domain='nonzero'))
    w = draw(mgst.arrays((shape[1] if per_channel else 1,)))
    return Case((x, w))


def _np_prelu(x, w):
    w = w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w.reshape(())
    return numpy.where(x > 0, x, w * x)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_K = math.sqrt(2 / math.pi)

ROWS = [
    OpSpec('leaky_relu', lambda m, x: m.nn.functional.leaky_relu(x, 0.2),
           lambda x: numpy.where(x > 0, x, 0.2 * x), unary_avoiding((0.0,)), second_order=True),
    OpSpec('elu', lambda m, x: m.nn.functional.elu(x, 0.7),
           lambda x: numpy.where(x > 0, x, 0.7 * numpy.expm1(numpy.minimum(x, 0))), unary_avoiding((0.0,)),
           second_order=True),
    OpSpec('celu', lambda m, x: m.nn.functional.celu(x, 1.5),
           lambda x: numpy.where(x > 0, x, 1.5 * numpy.expm1(numpy.minimum(x, 0) / 1.5)),
           unary_avoiding((0.0,))),
    OpSpec('selu', lambda m, x: m.nn.functional.selu(x),
           lambda x: SELU_SCALE * numpy.where(x > 0, x, SELU_ALPHA * numpy.expm1(numpy.minimum(x, 0))),
           unary_avoiding((0.0,))),
    OpSpec('gelu', lambda m, x: m.nn.functional.gelu(x),
           lambda x: _f(x, 0.5 * x * (1 + _erf(x / math.sqrt(2)))), unary_avoiding(), second_order=True),
    OpSpec('gelu.tanh', lambda m, x: m.nn.functional.gelu(x, approximate='tanh'),
           lambda x: 0.5 * x * (1 + numpy.tanh(_K * (x + 0.044715 * x ** 3))), unary_avoiding(),
           second_order=True),
    OpSpec('silu', lambda m, x: m.nn.functional.silu(x), lambda x: x * _sigmoid(x), unary_avoiding(),
           second_order=True),
    OpSpec('mish', lambda m, x: m.nn.functional.mish(x), lambda x: x * numpy.tanh(_softplus(x)),
           unary_avoiding(), second_order=True),
    OpSpec('softplus', lambda m, x: m.nn.functional.softplus(x, beta=2.0, threshold=3.0),
           lambda x: numpy.where(2 * x > 3, x, _softplus(2 * x) / 2), unary_avoiding((1.5,)),
           second_order=True),
    OpSpec('hardtanh', lambda m, x: m.nn.functional.hardtanh(x, -1.0, 2.0),
           lambda x: numpy.clip(x, -1.0, 2.0), unary_avoiding((-1.0, 2.0))),
    OpSpec('relu6', lambda m, x: m.nn.functional.relu6(x * 3), lambda x: numpy.clip(x * 3, 0, 6),
           unary_avoiding((0.0, 2.0))),
    OpSpec('hardswish', lambda m, x: m.nn.functional.hardswish(x * 2),
           lambda x: 2 * x * numpy.clip(2 * x / 6 + 0.5, 0, 1), unary_avoiding((-1.5, 1.5))),
    OpSpec('logsigmoid', lambda m, x: m.nn.functional.logsigmoid(x), lambda x: -_softplus(-x),
           unary_avoiding(), second_order=True),
    OpSpec('threshold', lambda m, x: m.nn.functional.threshold(x, 0.5, -1.0),
           lambda x: numpy.where(x > 0.5, x, _f(x, -1.0)), unary_avoiding((0.5,))),
    OpSpec('softshrink', lambda m, x: m.nn.functional.softshrink(x, 0.5),
           lambda x: numpy.where(numpy.abs(x) > 0.5, x - 0.5 * numpy.sign(x), _f(x, 0.0)),
           unary_avoiding((-0.5, 0.5))),
    OpSpec('hardshrink', lambda m, x: m.nn.functional.hardshrink(x, 0.5),
           lambda x: numpy.where(numpy.abs(x) > 0.5, x, _f(x, 0.0)), unary_avoiding((-0.5, 0.5))),
    OpSpec('softsign', lambda m, x: m.nn.functional.softsign(x), lambda x: x / (1 + numpy.abs(x)),
           unary_avoiding((0.0,))),
    OpSpec('tanhshrink', lambda m, x: m.nn.functional.tanhshrink(x), lambda x: x - numpy.tanh(x),
           unary_avoiding(), second_order=True),
    OpSpec('glu', lambda m, x, dim: m.nn.functional.glu(x, dim), _np_glu, glu_case(), second_order=True),
    OpSpec('prelu', lambda m, x, w: m.nn.functional.prelu(x, w), _np_prelu, prelu_case()),
]
