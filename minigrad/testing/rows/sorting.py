"""Op-table rows of the sorting family: sort, argsort, topk, kthvalue, median, cummax-free order
statistics. Inputs are tie-free (``distinct_arrays``), where the order and the gradient are defined."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def dim_case(draw, k=False, min_dims=1):
    shape = draw(mgst.shapes(min_dims=min_dims))
    d = draw(st.integers(-len(shape), len(shape) - 1)) if shape else 0
    x, = draw(mgst.distinct_arrays(shape))
    kwargs = {'dim': d, 'descending': draw(st.booleans())}
    if k:
        kwargs = {'dim': d, 'k': draw(st.integers(1, shape[d])), 'flag': draw(st.booleans())}
    return Case((x,), kwargs)


def _np_sort(x, dim, descending):
    s = numpy.sort(x, axis=dim)
    return numpy.flip(s, axis=dim) if descending else s


def _np_topk(x, dim, k, flag):
    s = _np_sort(x, dim, flag)
    return numpy.take(s, numpy.arange(k), axis=dim)


def _np_kth(x, dim, k, flag):
    return numpy.take(numpy.sort(x, axis=dim), k - 1, axis=dim)


def _np_median(x, dim, descending):
    n = x.shape[dim]
    return numpy.take(numpy.sort(x, axis=dim), (n - 1) // 2, axis=dim)


ROWS = [
    OpSpec('sort', lambda m, x, dim, descending: m.sort(x, dim=dim, descending=descending).values, _np_sort,
           dim_case(), second_order=True),
    OpSpec('argsort', lambda m, x, dim, descending: m.argsort(x, dim=dim, descending=descending),
           lambda x, dim, descending: numpy.argsort(-x if descending else x, axis=dim), dim_case(),
           differentiable=False),
    OpSpec('topk', lambda m, x, dim, k, flag: m.topk(x, k, dim=dim, largest=flag).values, _np_topk,
           dim_case(k=True), second_order=True),
    OpSpec('kthvalue', lambda m, x, dim, k, flag: m.kthvalue(x, k, dim=dim, keepdim=flag).values,
           lambda x, dim, k, flag: (numpy.expand_dims(_np_kth(x, dim, k, flag), dim) if flag
                                    else _np_kth(x, dim, k, flag)), dim_case(k=True)),
    OpSpec('median.dim', lambda m, x, dim, descending: m.median(x, dim).values, _np_median, dim_case()),
    OpSpec('median', lambda m, x, dim, descending: m.median(x),
           lambda x, dim, descending: _np_median(x.reshape(-1), 0, False), dim_case(min_dims=0)),
]
