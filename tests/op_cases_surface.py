"""Cases of tests/op_cases.py for the tensor-op surface families (indexing, sorting, cumulative,
rearrange, rounding, products, linalg): every Function they define meets the guarded device here."""
import numpy

import minigrad

from op_cases import index_of, mask, normal, positive, with_ties  # noqa: F401


def _ix(*rows):
    return ('index', numpy.array(rows))


SURFACE_CASES = {
    'gather scatter': (lambda a, s, i: a.gather(1, i) * 2 + minigrad.scatter(a, 1, i, s).sum(1, keepdim=True)
                       + a.scatter_add(1, i, s).sum(), [normal(3, 4), normal(3, 2), _ix([0, 1], [3, 3], [2, 0])]),
    'scatter_reduce amax prod': (lambda a, s, i: a.scatter_reduce(0, i, s, 'amax')
                                 + a.scatter_reduce(0, i, s, 'prod', include_self=False)
                                 + a.scatter_reduce(0, i, s, 'mean'),
                                 [with_ties(3, 2), with_ties(2, 2), _ix([0, 1], [0, 0])]),
    'index ops': (lambda a, s, i: a.index_select(0, i).sum(0) + a.index_add(0, i, s).sum(0)
                  + a.index_copy(0, i, s).sum(0) + a.index_fill(1, i, 2.0).sum(0),
                  [normal(3, 3), normal(2, 3), index_of(2, 0)]),
    'masked ops': (lambda a, m, v: a.masked_fill(m, 0.5) + a.masked_fill(~m, v).sum()
                   + minigrad.masked_select(a, m).sum() + a.masked_scatter(m, a * 2),
                   [normal(3, 4), mask(3, 4), normal()]),
    'take take_along_dim': (lambda a, i: minigrad.take(a, i) + minigrad.take_along_dim(a, i.unsqueeze(0), 1)
                            .sum(), [normal(3, 4), index_of(0, 3, 1)]),
    'in place masked_fill_ scatter_': (lambda a, i: (a * 1).masked_fill_(a > 0, 0.5).scatter_(1, i, a[:, :1]),
                                       [normal(3, 4), _ix([1], [0], [3])]),
}

SURFACE_CASES.update({
    'sort topk median': (lambda a: a.sort(dim=1, descending=True).values + a.topk(4, dim=1).values
                         + a.median() + a.median(dim=1, keepdim=True).values + a.nanmedian(),
                         [with_ties(3, 4)]),
})

SURFACE_CASES.update({
    'cumsum cumprod cummax': (lambda a: a.cumsum(1) * a.cumprod(0) + a.cummax(1).values + a.cummin(0).values
                              + minigrad.logcumsumexp(a, 1) + minigrad.diff(a, prepend=a[:, :1]),
                              [with_ties(3, 4)]),
    'cumprod with zeros': (lambda a: (a - 1).cumprod(1), [with_ties(3, 4)]),
})

SURFACE_CASES.update({
    'rearrange': (lambda a: minigrad.flip(a, [0]).roll(1, 1).tril() + a.repeat(1, 1).triu(1)
                  + minigrad.diag_embed(a.diagonal()).sum() + a.repeat_interleave(2, dim=1)[:, ::2]
                  + minigrad.cat(a.chunk(2, 1), 1) + minigrad.rot90(a, 2), [normal(4, 4)]),
})

SURFACE_CASES.update({
    'rounding steps fmod remainder': (lambda a, b: minigrad.floor(a) + a.round(decimals=1) + a.sign()
                                      + minigrad.fmod(a, b) + minigrad.remainder(a, b) + a % 0.75,
                                      [normal(3, 4), positive(3, 4)]),
    'clamp tensors lerp hypot logaddexp xlogy': (
        lambda a, b: minigrad.clamp(a, -b, b) + minigrad.lerp(a, b, 0.25) + minigrad.hypot(a, b)
        + minigrad.logaddexp(a, b) + minigrad.logaddexp2(a, b) + minigrad.xlogy(a, b), [normal(3, 4), positive(3, 4)]),
})
SURFACE_CASES['copysign'] = (lambda a, b: minigrad.copysign(a, b), [normal(3, 4), normal(3, 4)])

SURFACE_CASES.update({
    'einsum norm prod': (lambda a, b: minigrad.einsum('ij,jk->ik', a, b).sum(1) + minigrad.einsum('ii->i', a[:, :3])
                         + a.norm(dim=1) + a.norm(p=1, dim=1) + a.norm(p=float('inf'), dim=1) + a.norm(p=3, dim=1)
                         + a.norm(p=0, dim=1) + a.prod(1) + minigrad.einsum('ij->i', a), [normal(3, 4), normal(4, 2)]),
})


def _spd(rng):
    a = rng.standard_normal((3, 3))
    return a @ a.T + 3 * numpy.eye(3)


def _sym(x):
    return (x + x.mT) / 2


SURFACE_CASES.update({
    'linalg inv det solve slogdet': (lambda a, b: minigrad.linalg.inv(a).sum(0) + minigrad.linalg.det(a)
                                     + minigrad.linalg.solve(a, b) + minigrad.linalg.slogdet(a).logabsdet,
                                     [_spd, normal(3)]),
    'linalg cholesky qr': (lambda a, r: minigrad.linalg.cholesky(_sym(a)).sum(0) + minigrad.linalg.qr(r).R.sum(0)
                           + minigrad.linalg.qr(r).Q.sum(0), [_spd, normal(4, 3)]),
    'linalg svd eigh pinv': (lambda a, r: minigrad.linalg.svdvals(r) + (minigrad.linalg.svd(r, full_matrices=False).U ** 2).sum(0)
                             + minigrad.linalg.eigvalsh(_sym(a)) + (minigrad.linalg.eigh(_sym(a)).eigenvectors ** 2).sum(0)
                             + minigrad.linalg.pinv(r).sum(1), [_spd, normal(4, 3)]),
    'linalg det singular': (lambda a: minigrad.linalg.det(a * minigrad.tensor([1.0, 1.0, 0.0], device=a.device)),
                            [normal(3, 3)]),
})


def _unit(*shape):
    return lambda rng: rng.uniform(-0.8, 0.8, shape)


SURFACE_CASES.update({
    'transcendental': (lambda a, p: minigrad.log1p(a) + minigrad.expm1(a) + minigrad.log2(p) + minigrad.log10(p)
                       + minigrad.exp2(a) + minigrad.tan(a) + minigrad.asin(a) + minigrad.acos(a) + minigrad.atan(a)
                       + minigrad.sinh(a) + minigrad.cosh(a) + minigrad.asinh(a) + minigrad.acosh(p + 1)
                       + minigrad.atanh(a) + minigrad.reciprocal(p) + minigrad.deg2rad(a) + minigrad.rad2deg(a)
                       + minigrad.atan2(a, p), [_unit(3, 4), positive(3, 4)]),
})
