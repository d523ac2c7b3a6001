"""Statistics and counting against PyTorch: quantile/nanquantile (interpolations, NaN), cov, corrcoef,
bincount, histc, isin, block_diag, cartesian_prod, select, index_put, fill_diagonal_."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(3)
X = rng.standard_normal((3, 5))
N = X.copy()
N[0, 1] = numpy.nan
I = rng.integers(0, 6, 10)


def _q(m, values):
    return m.tensor(values, dtype=m.float64)


CASES = {
    'quantile scalar': (lambda m, x: (m.quantile(x, 0.3), x.quantile(0.5, dim=1), m.quantile(x, 0.25, 0, True)), [X]),
    'quantile tensor q': (lambda m, x: (m.quantile(x, _q(m, [0.1, 0.5, 0.9]), dim=1), x.quantile(_q(m, [0.0, 1.0]))),
                          [X]),
    'quantile interpolations': (lambda m, x: tuple(m.quantile(x, 0.4, dim=1, interpolation=i)
                                                   for i in ('linear', 'lower', 'higher', 'midpoint', 'nearest')),
                                [X]),
    'quantile nan': (lambda m, x: m.quantile(x, 0.5, dim=1), [N]),
    'nanquantile': (lambda m, x: (m.nanquantile(x, 0.5, dim=1), m.nanquantile(x, 0.2)), [N]),
    'cov corrcoef': (lambda m, x: (m.cov(x), m.cov(x, correction=0), m.corrcoef(x), x.cov()), [X]),
    'cov vector': (lambda m, x: m.cov(x[0]), [X]),
    'bincount': (lambda m, i, w: (m.bincount(i), m.bincount(i, minlength=9), m.bincount(i, weights=w)),
                 [I, rng.standard_normal(10)], {'grad': False}),
    'histc': (lambda m, x: (m.histc(x, bins=4), m.histc(x, bins=5, min=-1, max=1)), [X]),
    'isin': (lambda m, i: (m.isin(i, m.tensor([1, 3])), m.isin(i, m.tensor([1, 3]), invert=True)), [I]),
    'block_diag': (lambda m, a, b, c: m.block_diag(a, b, c), [X[:2, :3], X[2:, :2], numpy.array(1.5)]),
    'cartesian_prod': (lambda m, a, b: m.cartesian_prod(a, b), [X[0, :3], X[1, :2]]),
    'select': (lambda m, x: (m.select(x, 1, 2), x.select(0, -1)), [X]),
    'index_put': (lambda m, x, v: (x.index_put((m.tensor([0, 2]), m.tensor([1, 1])), v),
                                   x.index_put((m.tensor([0, 0]), m.tensor([1, 1])), v, accumulate=True)),
                  [X, numpy.array([2.0, 3.0])]),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *options = CASES[name]
    check(fn, *arrays, rtol=1e-6, atol=1e-9, **(options[0] if options else {}))


def test_fill_diagonal_():
    import torch
    for shape, wrap in (((3, 3), False), ((5, 2), True), ((5, 2), False), ((2, 2, 2), False)):
        a, b = minigrad.zeros(*shape), torch.zeros(*shape)
        assert a.fill_diagonal_(2.0, wrap=wrap) is a
        b.fill_diagonal_(2.0, wrap=wrap)
        numpy.testing.assert_array_equal(a.numpy(), b.numpy())


def test_errors():
    with pytest.raises(RuntimeError, match='q values'):
        minigrad.quantile(minigrad.tensor(X), 1.5)
    with pytest.raises(RuntimeError, match='bincount'):
        minigrad.bincount(minigrad.tensor([-1, 2]))
