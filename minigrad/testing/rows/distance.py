"""Op-table rows: normalize, cosine_similarity, pairwise_distance (values spaced apart and away from
0, so that no norm is 0 and no difference vanishes)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def vectors_case(draw, count=1):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    arrays = draw(mgst.distinct_arrays(*([shape] * count), spacing=0.25, offset=0.125))
    d = draw(st.integers(0, len(shape) - 1))
    return Case(arrays, {'dim': d - len(shape) if draw(st.booleans()) else d})


def _np_norm(x, p, axis):
    if p == numpy.inf:
        return numpy.abs(x).max(axis=axis, keepdims=True)
    return (numpy.abs(x) ** p).sum(axis=axis, keepdims=True) ** (1 / p)


def _np_cosine(a, b, dim):
    na = numpy.maximum(numpy.sqrt((a * a).sum(axis=dim, keepdims=True)), 1e-8)
    nb = numpy.maximum(numpy.sqrt((b * b).sum(axis=dim, keepdims=True)), 1e-8)
    return ((a / na) * (b / nb)).sum(axis=dim)


ROWS = [
    OpSpec('normalize', lambda m, x, dim: m.nn.functional.normalize(x, p=2.0, dim=dim),
           lambda x, dim: x / numpy.maximum(_np_norm(x, 2, dim), 1e-12), vectors_case(), second_order=True),
    OpSpec('normalize.p3', lambda m, x, dim: m.nn.functional.normalize(x, p=3.0, dim=dim),
           lambda x, dim: x / numpy.maximum(_np_norm(x, 3, dim), 1e-12), vectors_case(), second_order=True),
    OpSpec('normalize.p1', lambda m, x, dim: m.nn.functional.normalize(x, p=1.0, dim=dim),
           lambda x, dim: x / numpy.maximum(_np_norm(x, 1, dim), 1e-12), vectors_case()),
    OpSpec('cosine_similarity', lambda m, a, b, dim: m.nn.functional.cosine_similarity(a, b, dim=dim),
           _np_cosine, vectors_case(2), second_order=True),
    OpSpec('pairwise_distance', lambda m, a, b, dim: m.nn.functional.pairwise_distance(a, b),
           lambda a, b, dim: numpy.sqrt(((a - b + 1e-6) ** 2).sum(axis=-1)), vectors_case(2),
           second_order=True),
]
