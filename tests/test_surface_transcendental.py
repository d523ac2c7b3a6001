"""The extra elementwise math against PyTorch (values, dtypes, gradients) and its in-place forms."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(2)
X = rng.uniform(-0.9, 0.9, (3, 4))
P = rng.uniform(0.1, 0.9, (3, 4))
G = rng.uniform(1.1, 3.0, (3, 4))

CASES = {
    'log1p expm1': (lambda m, x: (m.log1p(x), m.expm1(x), x.log1p(), x.expm1()), [X]),
    'log2 log10 exp2': (lambda m, p, x: (m.log2(p), m.log10(p), m.exp2(x), p.log2()), [P, X]),
    'trigonometry': (lambda m, x: (m.tan(x), m.asin(x), m.acos(x), m.atan(x), m.arcsin(x), x.atan(), x.tan()), [X]),
    'hyperbolic': (lambda m, x, g: (m.sinh(x), m.cosh(x), m.asinh(x), m.acosh(g), m.atanh(x), m.arctanh(x)), [X, G]),
    'atan2': (lambda m, y, x: (m.atan2(y, x), y.atan2(x), m.arctan2(y, x * 2)), [X, X[::-1].copy()]),
    'reciprocal rsqrt': (lambda m, p: (m.reciprocal(p), m.rsqrt(p), p.reciprocal(), p.rsqrt()), [P]),
    'logit': (lambda m, p: (m.logit(p), p.logit(eps=0.2)), [P]),
    'sinc': (lambda m, x: m.sinc(x), [numpy.array([0.0, 0.5, -1.5, 2.25])]),
    'deg2rad rad2deg': (lambda m, x: (m.deg2rad(x), m.rad2deg(x)), [X]),
    'integer input': (lambda m, x: (m.log1p(x), m.tan(x), m.rsqrt(x + 1)), [numpy.arange(4)]),
    'float32': (lambda m, x: (m.log1p(x.float()), m.atan2(x.float(), x.float())), [X]),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    check(fn, *arrays, rtol=1e-6, atol=1e-9)


def test_second_derivatives():
    from minigrad.testing import gradgradcheck
    x = minigrad.tensor(X, requires_grad=True)
    gradgradcheck(lambda t: minigrad.log1p(t) * minigrad.tan(t) + minigrad.atan2(t, t + 2) + minigrad.sinh(t), [x])


def test_in_place_forms_and_constants():
    import torch
    for name in ('abs_', 'neg_', 'exp_', 'sqrt_', 'sigmoid_', 'tanh_', 'relu_', 'log1p_', 'reciprocal_', 'square_'):
        a, b = minigrad.tensor(numpy.abs(X) + 0.1), torch.tensor(numpy.abs(X) + 0.1)
        assert getattr(a, name)() is a
        getattr(b, name)()
        numpy.testing.assert_allclose(a.numpy(), b.numpy(), err_msg=name)
    assert minigrad.inf == torch.inf and minigrad.pi == torch.pi and minigrad.e == torch.e
    assert minigrad.nan != minigrad.nan and minigrad.newaxis is None
