"""Op-table rows of the products family: einsum, tensordot, kron, cross, outer, norm, prod, cdist."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec

_EQUATIONS = [('ij,jk->ik', [(3, 4), (4, 2)]), ('bij,bjk->bik', [(2, 3, 4), (2, 4, 2)]),
              ('ij->j', [(3, 4)]), ('ii->i', [(3, 3)]), ('i,j->ij', [(3,), (4,)]),
              ('...ij,jk->...ik', [(2, 3, 4), (4, 2)]), ('ij,ij->', [(2, 3), (2, 3)]),
              ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]), ('ijk->kji', [(2, 3, 4)]), ('ii', [(3, 3)])]


@st.composite
def einsum_case(draw):
    eq, shapes = draw(st.sampled_from(_EQUATIONS))
    return Case(tuple(draw(mgst.arrays(s)) for s in shapes), {'equation': eq})


@st.composite
def norm_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    p = draw(st.sampled_from([2, 1, 3, float('inf'), 'fro']))
    dim = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    x = draw(mgst.distinct_arrays(shape))[0] if p == float('inf') else draw(mgst.arrays(shape, domain='nonzero'))
    return Case((x,), {'p': p, 'dim': dim, 'keepdim': draw(st.booleans()) and dim is not None})


def _np_norm(x, p, dim, keepdim):
    axis = dim if dim is not None else None
    a = numpy.abs(x)
    if p in (2, 'fro'):
        out = numpy.sqrt((x * x).sum(axis=axis, keepdims=keepdim))
    elif p == float('inf'):
        out = a.max(axis=axis, keepdims=keepdim)
    else:
        out = (a ** p).sum(axis=axis, keepdims=keepdim) ** (1.0 / p)
    return numpy.asarray(out, dtype=x.dtype)


@st.composite
def prod_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    dim = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    return Case((draw(mgst.arrays(shape, domain='nonzero')),), {'dim': dim})


@st.composite
def tensordot_case(draw):
    a_shape = draw(mgst.shapes(min_dims=1))
    k = draw(st.integers(0, len(a_shape)))
    b_shape = a_shape[len(a_shape) - k:] + draw(mgst.shapes(max_dims=2))
    return Case((draw(mgst.arrays(a_shape)), draw(mgst.arrays(b_shape))), {'dims': k})


@st.composite
def kron_case(draw):
    return Case((draw(mgst.arrays(draw(mgst.shapes(min_dims=1, max_dims=2)))),
                 draw(mgst.arrays(draw(mgst.shapes(min_dims=1, max_dims=2))))))


@st.composite
def cross_case(draw):
    lead = draw(mgst.shapes(max_dims=2))
    return Case((draw(mgst.arrays(lead + (3,))), draw(mgst.arrays(lead + (3,)))))


@st.composite
def cdist_case(draw):
    p, r, m = (draw(st.integers(1, 4)) for _ in range(3))
    a, b = draw(mgst.distinct_arrays((p, m), (r, m)))
    return Case((a, b), {'p': draw(st.sampled_from([1.0, 2.0]))})


def _np_cdist(a, b, p):
    d = numpy.abs(a[:, None, :] - b[None, :, :])
    return (d ** p).sum(-1) ** (1 / p)


def _np_kron(a, b):
    return numpy.kron(a, b)


ROWS = [
    OpSpec('einsum', lambda m, *xs, equation: m.einsum(equation, *xs),
           lambda *xs, equation: numpy.asarray(numpy.einsum(equation, *xs)), einsum_case(), second_order=True),
    OpSpec('tensordot', lambda m, a, b, dims: m.tensordot(a, b, dims=dims),
           lambda a, b, dims: numpy.asarray(numpy.tensordot(a, b, axes=dims)), tensordot_case()),
    OpSpec('kron', lambda m, a, b: m.kron(a, b), _np_kron, kron_case()),
    OpSpec('cross', lambda m, a, b: m.cross(a, b, dim=-1), lambda a, b: numpy.cross(a, b), cross_case(),
           second_order=True),
    OpSpec('norm', lambda m, x, p, dim, keepdim: m.norm(x, p, dim, keepdim), _np_norm, norm_case()),
    OpSpec('prod', lambda m, x, dim: m.prod(x) if dim is None else m.prod(x, dim),
           lambda x, dim: numpy.asarray(numpy.prod(x, axis=dim)), prod_case()),
    OpSpec('cdist', lambda m, a, b, p: m.cdist(a, b, p=p), _np_cdist, cdist_case()),
]
