"""Rows of the elementwise family: arithmetic with tensors and with Python scalars, powers, exp/log,
trigonometry, abs, maximum/minimum, clamp, where, casts, clone."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, binary, unary


@st.composite
def distinct_binary(draw):
    """Two broadcast-compatible arrays with no equal elements anywhere (maximum, minimum)."""
    return Case(draw(mgst.distinct_arrays(*draw(mgst.broadcastable_shapes(2)))))


@st.composite
def with_scalar(draw, domain='real', scalars=(2, -3, 0.5, 2.5)):
    """An array and a Python scalar (``other``), for ``x op s`` and ``s op x``."""
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape, domain=domain)),), {'other': draw(st.sampled_from(scalars))})


@st.composite
def power_scalar(draw):
    """``x ** c``: the domain of ``x`` depends on the exponent (fractional powers need x > 0)."""
    c = draw(st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5]))
    domain = 'real' if isinstance(c, int) and c >= 0 else 'nonzero' if isinstance(c, int) else 'positive'
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape, domain=domain)),), {'exponent': c})


@st.composite
def clamp_case(draw):
    """Values on a quarter lattice shifted by 1/8, bounds on the lattice: never on a bound."""
    shape = draw(mgst.shapes())
    x, = draw(mgst.distinct_arrays(shape, offset=0.125))
    low = draw(st.none() | st.integers(-8, 4).map(lambda k: k * 0.25))
    high = draw((st.none() if low is not None else st.nothing()) |
                st.integers(0, 8).map(lambda k: k * 0.25 + (low if low is not None else 0.0)))
    return Case((x,), {'min': low, 'max': high})


@st.composite
def where_case(draw):
    sc, sa, sb = draw(mgst.broadcastable_shapes(3))
    return Case((draw(mgst.arrays(sc, dtype=numpy.bool_)), draw(mgst.arrays(sa)), draw(mgst.arrays(sb))))


ROWS = [
    OpSpec('add', lambda m, a, b: m.add(a, b), numpy.add, binary(), second_order=True),
    OpSpec('sub', lambda m, a, b: m.sub(a, b), numpy.subtract, binary(), second_order=True),
    OpSpec('mul', lambda m, a, b: m.mul(a, b), numpy.multiply, binary(), second_order=True),
    OpSpec('div', lambda m, a, b: m.div(a, b), numpy.divide, binary('real', 'nonzero'), second_order=True),
    OpSpec('pow', lambda m, a, b: m.pow(a, b), numpy.power, binary('positive', 'nonzero'), second_order=True),
    OpSpec('maximum', lambda m, a, b: m.maximum(a, b), numpy.maximum, distinct_binary(), second_order=True),
    OpSpec('minimum', lambda m, a, b: m.minimum(a, b), numpy.minimum, distinct_binary(), second_order=True),
    OpSpec('where', lambda m, c, a, b: m.where(c, a, b), numpy.where, where_case(), second_order=True),
    OpSpec('add.scalar', lambda m, x, other: x + other, lambda x, other: x + other, with_scalar()),
    OpSpec('rsub.scalar', lambda m, x, other: other - x, lambda x, other: other - x, with_scalar()),
    OpSpec('rmul.scalar', lambda m, x, other: other * x, lambda x, other: other * x, with_scalar()),
    OpSpec('div.scalar', lambda m, x, other: x / other, lambda x, other: x / other, with_scalar()),
    OpSpec('rdiv.scalar', lambda m, x, other: other / x, lambda x, other: other / x,
           with_scalar('nonzero'), second_order=True),
    OpSpec('pow.scalar', lambda m, x, exponent: x ** exponent, lambda x, exponent: x ** exponent,
           power_scalar(), second_order=True),
    OpSpec('rpow.scalar', lambda m, x, other: other ** x, lambda x, other: other ** x,
           with_scalar(scalars=(0.5, 2, 3.5)), second_order=True),
    OpSpec('neg', lambda m, x: m.neg(x), numpy.negative, unary(), second_order=True),
    OpSpec('exp', lambda m, x: m.exp(x), numpy.exp, unary(), second_order=True),
    OpSpec('log', lambda m, x: m.log(x), numpy.log, unary('positive'), second_order=True),
    OpSpec('sqrt', lambda m, x: m.sqrt(x), numpy.sqrt, unary('positive'), second_order=True),
    OpSpec('abs', lambda m, x: m.abs(x), numpy.abs, unary('nonzero'), second_order=True),
    OpSpec('sin', lambda m, x: m.sin(x), numpy.sin, unary(), second_order=True),
    OpSpec('cos', lambda m, x: m.cos(x), numpy.cos, unary(), second_order=True),
    OpSpec('clamp', lambda m, x, min, max: m.clamp(x, min=min, max=max),
           lambda x, min, max: numpy.clip(x, min, max), clamp_case(), second_order=True),
    OpSpec('cast', lambda m, x: x.float().double() * x,
           lambda x: x.astype(numpy.float32).astype(numpy.float64) * x, unary(), finite_differences=False),
    OpSpec('clone', lambda m, x: m.clone(x) * x, lambda x: x * x, unary(), second_order=True),
]
