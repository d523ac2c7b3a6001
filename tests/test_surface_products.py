"""The products family against PyTorch: einsum (implicit output, ellipsis, diagonals, sums over one
operand), mm/bmm/mv/dot/inner/outer/tensordot/kron/cross/cdist, norm/dist (zero and tied norms), prod
(zeros), count_nonzero, aminmax, nansum/nanmean, var/std(correction=), logical and bitwise ops, any/all,
new_* factories, type_as/clone/contiguous, mT/mH/H, max/min of int64 tensors."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 5))
V = rng.standard_normal(4)
W = rng.standard_normal(4)
Bt = rng.standard_normal((2, 3, 4))
Bu = rng.standard_normal((2, 4, 5))
Q = rng.standard_normal((4, 4))
Z = A.copy()
Z[0, 1] = 0
Z[1, [0, 2]] = 0
I = rng.integers(-3, 4, (3, 4))
J = rng.integers(0, 4, (3, 4))
C3 = rng.standard_normal((4, 3))
D3 = rng.standard_normal((4, 3))
T = rng.integers(0, 3, (3, 4)).astype(float)
CASES = {
 'einsum matmul':(lambda m,a,b: m.einsum('ij,jk->ik',a,b),[A,B]),
 'einsum implicit':(lambda m,a,b: m.einsum('ij,jk',a,b),[A,B]),
 'einsum batched':(lambda m,a,b: m.einsum('bij,bjk->bik',a,b),[Bt,Bu]),
 'einsum ellipsis':(lambda m,a,b: m.einsum('...ij,...jk->...ik',a,b),[Bt,Bu]),
 'einsum sum only':(lambda m,a: m.einsum('ij->i',a),[A]),
 'einsum trace':(lambda m,a: m.einsum('ii',a),[Q]),
 'einsum diag':(lambda m,a: m.einsum('ii->i',a),[Q]),
 'einsum outer':(lambda m,a,b: m.einsum('i,j->ij',a,b),[V,W]),
 'einsum three':(lambda m,a,b,c: m.einsum('ij,jk,k->i',a,b,c),[A,B,rng.standard_normal(5)]),
 'einsum list':(lambda m,a,b: m.einsum('i,i->',[a,b]),[V,W]),
 'einsum transpose':(lambda m,a: m.einsum('ij->ji',a),[A]),
 'einsum bilinear':(lambda m,a,b,c: m.einsum('bn,anm,bm->ba',a,b,c),[rng.standard_normal((2,3)), rng.standard_normal((4,3,5)), rng.standard_normal((2,5))]),
 'mm bmm mv dot':(lambda m,a,b,bt,bu,v,w: (m.mm(a,b), m.bmm(bt,bu), m.mv(a,v), m.dot(v,w), a.mm(b), bt.bmm(bu), m.vdot(v,w), v.dot(w)),[A,B,Bt,Bu,V,W]),
 'inner outer':(lambda m,a,b,v,w: (m.inner(v,w), m.inner(a,b.T), m.outer(v,w), m.ger(v,w), v.outer(w)),[A,B,V,W]),
 'tensordot':(lambda m,a,b: (m.tensordot(a,b,dims=1), m.tensordot(a,b.T,dims=([1],[1])), m.tensordot(a, a, 2)),[A,B]),
 'tensordot 3d':(lambda m,a,b: m.tensordot(a,b,dims=([0,2],[0,1])),[Bt,Bu]),
 'kron':(lambda m,a,b: (m.kron(a,b), m.kron(a[0],b)),[A,B[:2,:2]]),
 'cross':(lambda m,a,b: (m.cross(a,b,dim=1), m.cross(a,b,dim=-1)),[C3,D3]),
 'cdist':(lambda m,a,b: (m.cdist(a,b), m.cdist(a,b,p=1), m.cdist(a, b, p=float('inf'))),[C3,D3[:2]]),
 'cdist zero':(lambda m,a: m.cdist(a,a),[C3]),
 'norm':(lambda m,a: (m.norm(a), a.norm(), a.norm(dim=1), a.norm(p=1,dim=0,keepdim=True), a.norm(p=float('inf')), a.norm(3), a.norm(p='fro', dim=(0,1)), a.norm(0.5, dim=1)),[A]),
 'norm zero':(lambda m,a: (a*0).norm(),[A]),
 'norm zero row':(lambda m,a: a.norm(dim=1),[Z*(numpy.arange(3)[:,None]!=0)]),
 'norm inf ties':(lambda m,a: (a.norm(p=float('inf'),dim=1), a.norm(p=-float('inf'))),[T]),
 'dist':(lambda m,a,b: (m.dist(a,b), m.dist(a,b,1), a.dist(b, float('inf'))),[A,A[::-1].copy()]),
 'prod':(lambda m,a: (m.prod(a), a.prod(1), a.prod(0, keepdim=True)),[A]),
 'prod zeros':(lambda m,a: (m.prod(a), a.prod(1), a.prod(0)),[Z]),
 'prod int':(lambda m,a: (m.prod(a), a.prod(1), (a>0).prod(0)),[I]),
 'count_nonzero':(lambda m,a: (m.count_nonzero(a), a.count_nonzero(dim=1), m.count_nonzero(a, dim=(0,1))),[J]),
 'aminmax':(lambda m,a: (m.aminmax(a), a.aminmax(dim=1), m.aminmax(a, dim=0, keepdim=True)),[A]),
 'nansum nanmean':(lambda m,a: (m.nansum(a), a.nansum(1), m.nanmean(a), a.nanmean(dim=0, keepdim=True)),[numpy.where(A>1, numpy.nan, A)]),
 'var std correction':(lambda m,a: (a.var(correction=0), a.std(1, correction=2), m.var(a, 0, unbiased=False), m.std(a, dim=1, keepdim=True, unbiased=True), a.var(dim=(0,1))),[A]),
 'var_mean std_mean':(lambda m,a: (m.var_mean(a, 1), m.std_mean(a, dim=0, correction=0), m.var_mean(a)),[A]),
 'logical':(lambda m,a,b: (m.logical_and(a,b), m.logical_or(a>0,b), m.logical_xor(a,b), m.logical_not(a), a.logical_xor(b)),[I,J]),
 'bitwise int':(lambda m,a,b: (a & b, a | b, a ^ b, ~a, m.bitwise_and(a,b), m.bitwise_xor(a, 3), 5 & a, a | 2),[I,J]),
 'bitwise bool':(lambda m,a,b: ((a>0) & (b>1), (a>0) | (b>1), (a>0) ^ (b>1), ~(a>0), (a>0) & True),[I,J]),
 'any all':(lambda m,a: (m.any(a), a.all(), a.any(dim=1), a.all(dim=0, keepdim=True), (a>0).any(1), m.all(a>-5)),[J]),
 'any float':(lambda m,a: (a.any(), a.all(1)),[Z]),
 'new_*':(lambda m,a: (a.new_zeros(2,3), a.new_ones((2,)), a.new_full((2,2), 3.5), a.new_empty(3).shape, a.new_tensor([1,2]), a.float().new_zeros(2), a.new_ones(2, dtype=m.int64)),[A]),
 'type_as clone contiguous':(lambda m,a,b: (a.type_as(b), a.clone(memory_format=m.contiguous_format), a.contiguous(), m.clone(a)),[A, I]),
 'mT mH H':(lambda m,a,b: (a.mT, b.mH, a.H, a.mH),[A,Bt]),
 'max int':(lambda m,a: (a.max(), a.min(), a.max(dim=1), m.max(a, 0).indices, a.amax(1), a.amin()),[I]),
 'element_size':(lambda m,a: (a.element_size(), a.float().element_size(), a.long().element_size()),[A]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    check(fn, *arrays)


def test_einsum_second_derivative():
    from minigrad.testing import gradgradcheck
    a = minigrad.tensor(A, requires_grad=True)
    b = minigrad.tensor(B, requires_grad=True)
    gradgradcheck(lambda x, y: minigrad.einsum('ij,jk->ik', x * x, y), [a, b])


@pytest.mark.parametrize('call, message', [
    (lambda: minigrad.mm(minigrad.tensor(A), minigrad.tensor(A)), 'cannot be multiplied'),
    (lambda: minigrad.bmm(minigrad.tensor(A), minigrad.tensor(B)), '3-D'),
    (lambda: minigrad.dot(minigrad.tensor(V), minigrad.tensor(V[:3])), 'same number'),
    (lambda: minigrad.einsum('ij,jk', minigrad.tensor(A)), 'operands'),
    (lambda: minigrad.tensor(A) & minigrad.tensor(A), 'bool and integer'),
    (lambda: minigrad.tensor(A).norm(p='bad'), 'unknown norm'),
])
def test_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()
