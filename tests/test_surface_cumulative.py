"""The cumulative family against PyTorch: cumsum/cumprod (integer promotion, exact gradients with
zeros), cummax/cummin (ties take the latest index, NaN propagates), logcumsumexp, diff."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
X = rng.standard_normal((3, 5))
T = rng.integers(0, 3, (3, 6)).astype(float)
I = rng.integers(0, 3, (4, 7))
Z = X.copy()
Z[0, 1] = 0
Z[1, [0, 3]] = 0
N = X.copy()
N[0, 2] = numpy.nan
CASES = {
 'cumsum':(lambda m,x: m.cumsum(x,1),[X]),
 'cumsum dim0 method':(lambda m,x: x.cumsum(dim=0),[X]),
 'cumsum int':(lambda m,x: m.cumsum(x,1),[I]),
 'cumsum bool':(lambda m,x: m.cumsum(x>0,1),[X]),
 'cumsum dtype':(lambda m,x: m.cumsum(x,1,dtype=m.float32),[X], {'rtol': 1e-6}),
 'cumprod':(lambda m,x: m.cumprod(x,1),[X]),
 'cumprod zeros':(lambda m,x: m.cumprod(x,1),[Z]),
 'cumprod zeros dim0':(lambda m,x: x.cumprod(0),[Z]),
 'cummax':(lambda m,x: m.cummax(x,1),[X]),
 'cummax ties':(lambda m,x: m.cummax(x,1),[T]),
 'cummin ties':(lambda m,x: x.cummin(0),[T]),
 'cummax nan':(lambda m,x: x.cummax(1),[N]),
 'cummin int':(lambda m,x: x.cummin(1),[I]),
 'logcumsumexp':(lambda m,x: m.logcumsumexp(x,1),[X*30]),
 'diff':(lambda m,x: m.diff(x),[X]),
 'diff n2 dim0':(lambda m,x: x.diff(n=2,dim=0),[X]),
 'diff prepend append':(lambda m,x,p,a: m.diff(x,dim=1,prepend=p,append=a),[X, rng.standard_normal((3,1)), rng.standard_normal((3,2))]),
 'diff bool':(lambda m,x: m.diff(x>0),[X]),
 'diff int':(lambda m,x: m.diff(x),[I]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *options = CASES[name]
    check(fn, *arrays, **(options[0] if options else {}))


def test_cumsum_second_derivative_and_in_place():
    from minigrad.testing import gradgradcheck
    x = minigrad.tensor(X, requires_grad=True)
    gradgradcheck(lambda t: minigrad.cumsum(t * t, 1), [x])
    y = minigrad.tensor(X.copy())
    assert y.cumsum_(0) is y
    numpy.testing.assert_allclose(y.numpy(), numpy.cumsum(X, 0))
