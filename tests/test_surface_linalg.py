"""minigrad.linalg against torch.linalg: values, dtypes and gradients of inv, det (singular too),
slogdet, solve (vectors, batches, left=False), cholesky, qr, svd/svdvals, eigh/eigvalsh, pinv, lstsq,
matrix_rank, matrix_power, multi_dot, cross, vector/matrix norms, matrix_exp. Singular vectors and
eigenvectors are compared through sign-free quantities (they are defined up to sign)."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
A = rng.standard_normal((4, 4))
Ab = rng.standard_normal((2, 3, 3))
B = rng.standard_normal((4, 2))
v = rng.standard_normal(4)
SPD = A @ A.T + 4 * numpy.eye(4)
SPDb = Ab @ Ab.transpose(0, 2, 1) + 3 * numpy.eye(3)
R = rng.standard_normal((5, 3))
W = rng.standard_normal((3, 5))
Sing = A.copy()
Sing[3] = Sing[0] + Sing[1]


def sym(m, x):
    return (x + x.mT) / 2



def svd_invariants(m, u, s, vh):
    # singular vectors are defined up to sign: compare what does not depend on it
    return s, u * u, vh * vh, (u * s.unsqueeze(-2)) @ vh, u[..., :, :1] * vh[..., :1, :]


def eigh_invariants(m, w, v):
    return w, v * v, (v * w.unsqueeze(-2)) @ v.mT, v[..., :, :1] * v[..., :, :1].mT


CASES = {
 'inv':(lambda m,a: m.linalg.inv(a),[A]),
 'inv batched':(lambda m,a: (m.linalg.inv(a), m.inverse(a), a.inverse()),[Ab]),
 'det':(lambda m,a: (m.linalg.det(a), m.det(a), a.det()),[A]),
 'det batched':(lambda m,a: m.linalg.det(a),[Ab]),
 'det singular':(lambda m,a: m.linalg.det(a),[Sing]),
 'slogdet':(lambda m,a: (m.linalg.slogdet(a).logabsdet, m.logdet(a@a.mT), m.slogdet(a)[1], m.linalg.slogdet(a).sign.detach()),[Ab]),
 'solve':(lambda m,a,b: (m.linalg.solve(a,b), m.linalg.solve(a,b[:,0])),[A,B]),
 'solve batched broadcast':(lambda m,a,b: m.linalg.solve(a,b),[Ab, rng.standard_normal((3,2))]),
 'solve left false':(lambda m,a,b: m.linalg.solve(a,b,left=False),[A,B.T]),
 'cholesky':(lambda m,a: (m.linalg.cholesky(sym(m,a)), m.linalg.cholesky(sym(m,a), upper=True)),[SPD]),
 'cholesky batched':(lambda m,a: m.linalg.cholesky(sym(m,a)),[SPDb]),
 'qr':(lambda m,a: m.linalg.qr(a),[R]),
 'qr square batched':(lambda m,a: m.linalg.qr(a),[Ab]),
 'svd':(lambda m,a: svd_invariants(m, *m.linalg.svd(a, full_matrices=False)),[R]),
 'svd wide':(lambda m,a: svd_invariants(m, *m.linalg.svd(a, full_matrices=False)),[W]),
 'svd batched':(lambda m,a: svd_invariants(m, *m.linalg.svd(a, full_matrices=False)),[Ab]),
 'svd full matrices values':(lambda m,a: m.linalg.svd(a)[1],[R]),
 'svdvals':(lambda m,a: (m.linalg.svdvals(a), m.linalg.svdvals(a.mT)),[R]),
 'torch.svd':(lambda m,a: (lambda u, s_, v: svd_invariants(m, u, s_, v.mT))(*m.svd(a)),[R]),
 'eigh':(lambda m,a: eigh_invariants(m, *m.linalg.eigh(sym(m,a))),[A]),
 'eigh batched':(lambda m,a: eigh_invariants(m, *m.linalg.eigh(sym(m,a))),[Ab]),
 'eigvalsh':(lambda m,a: m.linalg.eigvalsh(sym(m,a)),[A]),
 'pinv':(lambda m,a: (m.linalg.pinv(a), m.linalg.pinv(a.mT), m.pinverse(a)),[R]),
 'lstsq':(lambda m,a,b: m.linalg.lstsq(a,b).solution,[R, rng.standard_normal((5,2))]),
 'matrix_rank':(lambda m,a,b: (m.linalg.matrix_rank(a), m.linalg.matrix_rank(b)),[A, Sing]),
 'matrix_power':(lambda m,a: (m.linalg.matrix_power(a,3), m.linalg.matrix_power(a,0).detach(), m.linalg.matrix_power(a,-2), m.matrix_power(a,2)),[A]),
 'multi_dot':(lambda m,a,b,c: (m.linalg.multi_dot([a,b,c]), m.linalg.multi_dot([a[0],b,c[:,0]])),[R.T, R, W]),
 'linalg cross':(lambda m,a,b: m.linalg.cross(a,b),[R,R[::-1].copy()]),
 'vector_norm':(lambda m,a: (m.linalg.vector_norm(a), m.linalg.vector_norm(a,1,dim=1), m.linalg.vector_norm(a, float('inf'), dim=(0,1)), m.linalg.vector_norm(a,0)),[R]),
 'matrix_norm':(lambda m,a: tuple(m.linalg.matrix_norm(a, o) for o in ('fro','nuc',1,-1,2,-2,float('inf'),-float('inf'))),[R]),
 'matrix_norm batched keepdim':(lambda m,a: (m.linalg.matrix_norm(a, keepdim=True), m.linalg.matrix_norm(a, 1, dim=(0,2))),[Ab]),
 'linalg.norm':(lambda m,a,v: (m.linalg.norm(a), m.linalg.norm(v), m.linalg.norm(a,'fro'), m.linalg.norm(a,2), m.linalg.norm(v,1), m.linalg.norm(a, dim=1), m.linalg.norm(a, 3, dim=0)),[R, v]),
 'norm nuc':(lambda m,a: (m.norm(a, 'nuc'), a.norm(p='nuc')),[R]),
 'matrix_exp':(lambda m,a: m.matrix_exp(a*0.3),[A]),
 'matrix_exp big':(lambda m,a: m.linalg.matrix_exp(a*2),[A]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    check(fn, *arrays, atol=1e-8, rtol=1e-6)


def test_inv_and_det_second_derivatives():
    from minigrad.testing import gradgradcheck
    a = minigrad.tensor(A, requires_grad=True)
    gradgradcheck(lambda x: minigrad.linalg.inv(x), [a])
    gradgradcheck(lambda x: minigrad.linalg.det(x), [a])
    gradgradcheck(lambda x: minigrad.linalg.solve(x, minigrad.tensor(B)), [a])


def test_return_types():
    out = minigrad.linalg.slogdet(minigrad.tensor(A))
    assert out._fields == ('sign', 'logabsdet')
    assert minigrad.linalg.svd(minigrad.tensor(R))._fields == ('U', 'S', 'Vh')
    assert minigrad.svd(minigrad.tensor(R))._fields == ('U', 'S', 'V')
    assert minigrad.linalg.qr(minigrad.tensor(R))._fields == ('Q', 'R')
    assert minigrad.linalg.eigh(minigrad.tensor(SPD))._fields == ('eigenvalues', 'eigenvectors')
    assert minigrad.linalg.lstsq(minigrad.tensor(R), minigrad.tensor(R))._fields == (
        'solution', 'residuals', 'rank', 'singular_values')


def test_errors():
    with pytest.raises(minigrad.linalg.LinAlgError, match='singular'):
        minigrad.linalg.inv(minigrad.zeros(3, 3))
    with pytest.raises(minigrad.linalg.LinAlgError):
        minigrad.linalg.cholesky(-minigrad.eye(3))
    with pytest.raises(RuntimeError, match='square'):
        minigrad.linalg.det(minigrad.tensor(R))
    with pytest.raises(RuntimeError, match='floating'):
        minigrad.linalg.inv(minigrad.eye(2, dtype=minigrad.int64))
