"""Op-table rows of the cumulative family: cumsum, cumprod, cummax/cummin values, logcumsumexp, diff."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def dim_case(draw, distinct=False, domain='real'):
    shape = draw(mgst.shapes(min_dims=1))
    d = draw(st.integers(-len(shape), len(shape) - 1))
    x = draw(mgst.distinct_arrays(shape))[0] if distinct else draw(mgst.arrays(shape, domain=domain))
    return Case((x,), {'dim': d})


def _np_running(ufunc):
    return lambda x, dim: ufunc.accumulate(x, axis=dim)


def _np_logcumsumexp(x, dim):
    return numpy.logaddexp.accumulate(x, axis=dim)


ROWS = [
    OpSpec('cumsum', lambda m, x, dim: m.cumsum(x, dim), lambda x, dim: numpy.cumsum(x, axis=dim), dim_case(),
           second_order=True),
    OpSpec('cumprod', lambda m, x, dim: m.cumprod(x, dim), lambda x, dim: numpy.cumprod(x, axis=dim),
           dim_case(domain='nonzero')),
    OpSpec('cummax', lambda m, x, dim: m.cummax(x, dim).values, _np_running(numpy.maximum),
           dim_case(distinct=True)),
    OpSpec('cummin', lambda m, x, dim: m.cummin(x, dim).values, _np_running(numpy.minimum),
           dim_case(distinct=True)),
    OpSpec('logcumsumexp', lambda m, x, dim: m.logcumsumexp(x, dim), _np_logcumsumexp, dim_case(),
           second_order=True),
    OpSpec('diff', lambda m, x, dim: m.diff(x, dim=dim), lambda x, dim: numpy.diff(x, axis=dim), dim_case(),
           second_order=True),
]
