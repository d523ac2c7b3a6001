"""Op-table rows of the rounding family: rounding steps, fmod/remainder, clamp with tensor bounds, lerp,
addcmul/addcdiv, addmm, hypot, logaddexp, xlogy, copysign, nan_to_num."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec, binary, unary


@st.composite
def off_lattice(draw):
    """Values k/2 + 1/4: a quarter away from every integer and half-integer (no rounding jump near)."""
    shape = draw(mgst.shapes())
    x, = draw(mgst.distinct_arrays(shape, spacing=0.5, offset=0.25))
    return Case((x,))


@st.composite
def modulo_case(draw):
    """``a = b * (k + f)`` with ``f`` in [0.2, 0.8]: the quotient is never near a jump."""
    sa, sb = draw(mgst.broadcastable_shapes(2))
    shape = numpy.broadcast_shapes(sa, sb)
    b = draw(mgst.arrays(sb, domain='nonzero'))
    k = draw(mgst.arrays(shape, dtype=numpy.int64))
    f = draw(mgst.arrays(shape, domain='positive')) / 3.0 * 0.6 / 1.0 + 0.2
    f = numpy.clip(f, 0.2, 0.8)
    a = numpy.asarray(numpy.broadcast_to(b, shape) * (k + f))
    if a.shape != sa:  # a takes the broadcast shape; keep b's own
        a = numpy.asarray(a)
    return Case((a, numpy.asarray(b)))


@st.composite
def clamp_tensor_case(draw):
    shape = draw(mgst.shapes())
    x, lo, hi = draw(mgst.distinct_arrays(shape, shape, shape))
    lo, hi = numpy.asarray(numpy.minimum(lo, hi)), numpy.asarray(numpy.maximum(lo, hi))
    return Case((x, lo, hi))


@st.composite
def ternary(draw, third='real'):
    sa, sb, sc = draw(mgst.broadcastable_shapes(3))
    return Case((draw(mgst.arrays(sa)), draw(mgst.arrays(sb)), draw(mgst.arrays(sc, domain=third))))


@st.composite
def addmm_case(draw):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    bias_shape = draw(st.sampled_from([(n, m), (m,), (1, m), ()]))
    return Case((draw(mgst.arrays(bias_shape)), draw(mgst.arrays((n, k))), draw(mgst.arrays((k, m)))),
                {'beta': draw(st.sampled_from([1, 0.5])), 'alpha': draw(st.sampled_from([1, -2.0]))})


@st.composite
def positive_second(draw):
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa)), draw(mgst.arrays(sb, domain='positive'))))


def _np_xlogy(x, y):
    return numpy.where(x == 0, 0.0, x * numpy.log(y)).astype(numpy.result_type(x, y))


ROWS = [
    *[OpSpec(name, (lambda n: lambda m, x: getattr(m, n)(x))(name), getattr(numpy, name), off_lattice())
      for name in ('floor', 'ceil', 'round', 'trunc', 'sign')],
    OpSpec('frac', lambda m, x: m.frac(x), lambda x: x - numpy.trunc(x), off_lattice()),
    OpSpec('fmod', lambda m, a, b: m.fmod(a, b), numpy.fmod, modulo_case()),
    OpSpec('remainder', lambda m, a, b: m.remainder(a, b), numpy.remainder, modulo_case()),
    OpSpec('clamp.tensor', lambda m, x, lo, hi: m.clamp(x, lo, hi),
           lambda x, lo, hi: numpy.minimum(numpy.maximum(x, lo), hi), clamp_tensor_case(), second_order=True),
    OpSpec('lerp', lambda m, a, b, w: m.lerp(a, b, w), lambda a, b, w: a + w * (b - a), ternary(),
           second_order=True),
    OpSpec('addcmul', lambda m, a, b, c: m.addcmul(a, b, c, value=0.5), lambda a, b, c: a + 0.5 * b * c,
           ternary()),
    OpSpec('addcdiv', lambda m, a, b, c: m.addcdiv(a, b, c, value=-2), lambda a, b, c: a - 2 * b / c,
           ternary('positive')),
    OpSpec('addmm', lambda m, c, a, b, beta, alpha: m.addmm(c, a, b, beta=beta, alpha=alpha),
           lambda c, a, b, beta, alpha: beta * c + alpha * (a @ b), addmm_case(), second_order=True),
    OpSpec('hypot', lambda m, a, b: m.hypot(a, b), numpy.hypot, binary('nonzero', 'nonzero'),
           second_order=True),
    OpSpec('logaddexp', lambda m, a, b: m.logaddexp(a, b), numpy.logaddexp, binary(), second_order=True),
    OpSpec('logaddexp2', lambda m, a, b: m.logaddexp2(a, b), numpy.logaddexp2, binary()),
    OpSpec('xlogy', lambda m, a, b: m.xlogy(a, b), _np_xlogy, positive_second()),
    OpSpec('copysign', lambda m, a, b: m.copysign(a, b), numpy.copysign, binary('nonzero', 'nonzero')),
    OpSpec('nan_to_num', lambda m, x: m.nan_to_num(x), numpy.nan_to_num, unary()),
]
