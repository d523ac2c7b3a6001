"""Op-table rows of minigrad.linalg: inv, det, slogdet, solve, cholesky, pinv, matrix norms (inputs kept
well-conditioned, so that finite differences are accurate). The decompositions with sign-ambiguous
factors (svd, eigh, qr) are checked in tests/test_surface_linalg.py through sign-free quantities."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def square_case(draw, spd=False):
    n = draw(st.integers(1, 4))
    batch = draw(st.sampled_from([(), (2,)]))
    a = draw(mgst.arrays(batch + (n, n)))
    a = a + numpy.eye(n) * (n + 3.0)   # diagonally dominant: invertible, well conditioned
    if spd:
        a = a @ numpy.swapaxes(a, -1, -2)
    return Case((numpy.asarray(a),))


@st.composite
def solve_case(draw):
    case = draw(square_case())
    a, = case.arrays
    k = draw(st.integers(1, 3))
    return Case((a, draw(mgst.arrays(a.shape[:-1] + (k,)))))


@st.composite
def matrix_case(draw):
    """Distinct values away from 0, nudged by irrational amounts so that no two row or column sums of
    |x| tie (the 1- and inf-norms pick the largest; a tie has no derivative)."""
    shape = draw(mgst.shapes(min_dims=2, max_dims=3))
    x, = draw(mgst.distinct_arrays(shape, offset=0.125))
    x = x + 0.01 * numpy.sqrt(numpy.arange(x.size) + 2.0).reshape(shape)
    return Case((numpy.asarray(x),), {'ord': draw(st.sampled_from(['fro', 1, numpy.inf]))})


@st.composite
def tall_case(draw):
    """A full-column-rank matrix with well separated singular values (about 3, 6, 9, 12): the SVD's
    gradient has 1 / (s_j² - s_i²) terms, which finite differences only follow away from ties."""
    m = draw(st.integers(1, 4))
    n = draw(st.integers(1, m))
    a = draw(mgst.arrays((m, n))) * 0.1
    a[:n, :n] += numpy.diag(3.0 * numpy.arange(1, n + 1))
    return Case((numpy.asarray(a),))


@st.composite
def spectrum_case(draw):
    """A square matrix whose symmetric part has eigenvalues about 3, 6, 9, 12 (well separated)."""
    n = draw(st.integers(1, 4))
    a = draw(mgst.arrays((n, n))) * 0.1 + numpy.diag(3.0 * numpy.arange(1, n + 1))
    return Case((numpy.asarray(a),))


def _np_sv_invariants(a):
    u, s, vh = numpy.linalg.svd(a, full_matrices=False)
    return numpy.concatenate([s, (u * u).sum(0) * s, (vh * vh).sum(1)])


def _np_matrix_norm(x, ord):
    return numpy.asarray(numpy.linalg.norm(x, ord=ord, axis=(-2, -1)))


ROWS = [
    OpSpec('linalg.inv', lambda m, a: m.linalg.inv(a), numpy.linalg.inv, square_case(), second_order=True),
    OpSpec('linalg.det', lambda m, a: m.linalg.det(a), lambda a: numpy.asarray(numpy.linalg.det(a)),
           square_case(), second_order=True),
    OpSpec('linalg.slogdet', lambda m, a: m.linalg.slogdet(a).logabsdet,
           lambda a: numpy.asarray(numpy.linalg.slogdet(a)[1]), square_case()),
    OpSpec('linalg.solve', lambda m, a, b: m.linalg.solve(a, b), numpy.linalg.solve, solve_case(),
           second_order=True),
    OpSpec('linalg.cholesky', lambda m, a: m.linalg.cholesky((a + a.mT) / 2), numpy.linalg.cholesky,
           square_case(spd=True)),
    OpSpec('linalg.qr', lambda m, a: m.linalg.qr(a).R ** 2 + m.linalg.qr(a).Q[:a.shape[1]] ** 2,
           lambda a: numpy.linalg.qr(a)[1] ** 2 + numpy.linalg.qr(a)[0][:a.shape[1]] ** 2, tall_case()),
    OpSpec('linalg.svdvals', lambda m, a: m.linalg.svdvals(a), lambda a: numpy.linalg.svd(a, compute_uv=False),
           tall_case()),
    OpSpec('linalg.svd', lambda m, a: m.cat([m.linalg.svd(a, full_matrices=False).S,
                                            (m.linalg.svd(a, full_matrices=False).U ** 2).sum(0)
                                            * m.linalg.svd(a, full_matrices=False).S,
                                            (m.linalg.svd(a, full_matrices=False).Vh ** 2).sum(1)]),
           _np_sv_invariants, tall_case()),
    OpSpec('linalg.eigh', lambda m, a: m.linalg.eigh((a + a.mT) / 2).eigenvalues,
           lambda a: numpy.linalg.eigvalsh((a + numpy.swapaxes(a, -1, -2)) / 2), spectrum_case()),
    OpSpec('linalg.eigh.vectors', lambda m, a: m.linalg.eigh((a + a.mT) / 2).eigenvectors ** 2,
           lambda a: numpy.linalg.eigh((a + numpy.swapaxes(a, -1, -2)) / 2)[1] ** 2, spectrum_case()),
    OpSpec('linalg.pinv', lambda m, a: m.linalg.pinv(a), numpy.linalg.pinv, tall_case()),
    OpSpec('linalg.matrix_norm', lambda m, x, ord: m.linalg.matrix_norm(x, ord), _np_matrix_norm, matrix_case()),
]
