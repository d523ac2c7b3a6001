"""Rows of the extra_math family: hyperbolic and inverse trigonometric functions, log1p/expm1, log2,
log10, exp2, rsqrt, reciprocal, erf, erfc; each on a domain inside the function's (and away from its
poles), against NumPy (``math.erf`` for erf), finite differences (first and second order) and PyTorch."""
import math

import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, unary


@st.composite
def scaled(draw, scale, shift=0.0, domain='real'):
    """An array of ``domain`` times ``scale`` plus ``shift`` (e.g. inside (-0.9, 0.9) for asin)."""
    shape = draw(mgst.shapes())
    return Case((numpy.asarray(draw(mgst.arrays(shape, domain=domain)) * scale + shift),))


@st.composite
def atan2_case(draw):
    """y and x broadcast together, x kept away from the origin (atan2 is singular there)."""
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa)), numpy.asarray(draw(mgst.arrays(sb, domain="positive")) + 0.2)))


def _erf(x):
    return numpy.vectorize(math.erf, otypes=[numpy.float64])(x).astype(x.dtype)


def _erfc(x):
    return numpy.vectorize(math.erfc, otypes=[numpy.float64])(x).astype(x.dtype)


def _row(name, reference, cases):
    return OpSpec(name, lambda m, x, _n=name: getattr(m, _n)(x), reference, cases, second_order=True)


ROWS = [
    _row('tan', numpy.tan, scaled(0.4)),
    _row('sinh', numpy.sinh, unary()),
    _row('cosh', numpy.cosh, unary()),
    _row('asin', numpy.arcsin, scaled(0.3)),
    _row('acos', numpy.arccos, scaled(0.3)),
    _row('atan', numpy.arctan, unary()),
    _row('asinh', numpy.arcsinh, unary()),
    _row('acosh', numpy.arccosh, scaled(1.0, 1.1, 'positive')),
    _row('atanh', numpy.arctanh, scaled(0.3)),
    _row('log1p', numpy.log1p, scaled(0.3)),
    _row('expm1', numpy.expm1, unary()),
    _row('log2', numpy.log2, unary('positive')),
    _row('log10', numpy.log10, unary('positive')),
    _row('exp2', numpy.exp2, unary()),
    _row('rsqrt', lambda x: 1 / numpy.sqrt(x), unary('positive')),
    _row('reciprocal', numpy.reciprocal, unary('nonzero')),
    _row('erf', _erf, scaled(1.5)),
    _row('erfc', _erfc, scaled(1.5)),
    OpSpec('atan2', lambda m, y, x: m.atan2(y, x), numpy.arctan2, atan2_case(), second_order=True),
]
