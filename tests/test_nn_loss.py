"""Losses: values against NumPy formulas, reductions, stability, label checks, and property-based
gradient checks (first and second derivatives) in float64."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.testing.gradcheck import gradcheck, gradgradcheck

f64 = minigrad.float64


def arr(t):
    return t.detach().numpy()


def np_log_softmax(x):
    z = x - x.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


# ----------------------------------------------------------------------------------------------- MSE
def test_mse_values_for_each_reduction():
    a = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = minigrad.tensor([[1.0, 0.0], [5.0, 4.5]])
    sq = (arr(a) - arr(b)) ** 2
    assert F.mse_loss(a, b).item() == pytest.approx(sq.mean())
    assert nn.MSELoss(reduction='sum')(a, b).item() == pytest.approx(sq.sum())
    np.testing.assert_allclose(arr(F.mse_loss(a, b, reduction='none')), sq)


def test_mse_gradient_for_input_and_target():
    a = minigrad.tensor([1.0, 2.0, 4.0], requires_grad=True)
    b = minigrad.tensor([0.0, 2.0, 1.0], requires_grad=True)
    F.mse_loss(a, b).backward()
    np.testing.assert_allclose(arr(a.grad), 2 * (arr(a) - arr(b)) / 3, rtol=1e-6)
    np.testing.assert_allclose(arr(b.grad), -2 * (arr(a) - arr(b)) / 3, rtol=1e-6)


def test_mse_warns_on_shape_mismatch_and_validates_reduction():
    with pytest.warns(UserWarning, match='broadcast'):
        F.mse_loss(minigrad.zeros(4, 1), minigrad.zeros(4))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        F.mse_loss(minigrad.zeros(4, 1), minigrad.zeros(4, 1))
    with pytest.raises(ValueError, match="'mean', 'sum' or 'none'"):
        F.mse_loss(minigrad.zeros(2), minigrad.zeros(2), reduction='avg')
    with pytest.raises(ValueError, match="'mean', 'sum' or 'none'"):
        nn.MSELoss(reduction='avg')


def test_seed_squared_loss_is_half_the_mse():
    y_hat = minigrad.tensor([[1.0], [3.0]])
    y = minigrad.tensor([[0.0], [1.0]])
    seed_loss = ((y_hat - y) ** 2 / 2).mean()
    assert seed_loss.item() == pytest.approx(F.mse_loss(y_hat, y).item() / 2)


# --------------------------------------------------------------------------------------- cross-entropy
def test_cross_entropy_values_for_each_reduction():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    per = -np_log_softmax(x)[np.arange(5), y]
    logits, labels = minigrad.tensor(x, dtype=f64), minigrad.tensor(y)
    assert F.cross_entropy(logits, labels).item() == pytest.approx(per.mean())
    assert nn.CrossEntropyLoss(reduction='sum')(logits, labels).item() == pytest.approx(per.sum())
    np.testing.assert_allclose(arr(F.cross_entropy(logits, labels, reduction='none')), per)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 3))
    y = np.array([0, 1, 2, 2, 1, 0])
    logits = minigrad.tensor(x, dtype=f64, requires_grad=True)
    F.cross_entropy(logits, minigrad.tensor(y)).backward()
    p = np.exp(np_log_softmax(x))
    p[np.arange(6), y] -= 1
    np.testing.assert_allclose(arr(logits.grad), p / 6, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize('dtype', [minigrad.float32, minigrad.float64])
def test_cross_entropy_is_finite_for_huge_logits(dtype):
    x = minigrad.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=dtype, requires_grad=True)
    y = minigrad.tensor([1, 0])
    loss = F.cross_entropy(x, y)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(arr(x.grad)).all()
    # row 0: the true class is 2e4 below the top logit; row 1: 2e4 below two tied top logits
    assert loss.item() == pytest.approx((2e4 + (2e4 + np.log(2))) / 2, rel=1e-6)


def test_cross_entropy_rejects_labels_out_of_range_naming_label_and_classes():
    x = minigrad.zeros(3, 10)
    with pytest.raises(IndexError, match=r'label 12 is out of range for 10 classes.*\[0, 10\)'):
        F.cross_entropy(x, minigrad.tensor([1, 12, 3]))
    with pytest.raises(IndexError, match='label -1'):
        F.cross_entropy(x, minigrad.tensor([1, -1, 3]))


def test_cross_entropy_shape_and_dtype_errors():
    with pytest.raises(ValueError, match=r'expected \(3,\)'):
        F.cross_entropy(minigrad.zeros(3, 4), minigrad.tensor([1, 2]))
    with pytest.raises(ValueError, match='long'):
        F.cross_entropy(minigrad.zeros(3, 4), minigrad.tensor([1.0, 2.0, 0.0]))
    with pytest.raises(TypeError, match='floating'):
        F.cross_entropy(minigrad.tensor([[1, 2]]), minigrad.tensor([0]))


def test_cross_entropy_probability_targets_and_one_dimensional_input():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3))
    q = rng.random((4, 3))
    q /= q.sum(1, keepdims=True)
    expected = -(q * np_log_softmax(x)).sum(1).mean()
    assert F.cross_entropy(minigrad.tensor(x), minigrad.tensor(q)).item() == pytest.approx(expected)
    single = F.cross_entropy(minigrad.tensor(x[0]), minigrad.tensor(2))
    assert single.item() == pytest.approx(-np_log_softmax(x[:1])[0, 2])


def test_cross_entropy_ignore_index_weight_and_smoothing_against_the_formula():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4))
    y = np.array([0, 3, -100, 1, 2, 3])
    w = np.array([1.0, 2.0, 0.5, 3.0])
    eps = 0.2
    logp = np_log_softmax(x)
    valid = y != -100
    ys = np.where(valid, y, 0)
    nll = -w[ys] * logp[np.arange(6), ys] * valid
    smooth = -(logp * w).sum(1) * valid
    expected = ((1 - eps) * nll.sum() + eps / 4 * smooth.sum()) / (w[ys] * valid).sum()
    got = F.cross_entropy(minigrad.tensor(x, dtype=f64), minigrad.tensor(y), weight=minigrad.tensor(w),
                          label_smoothing=eps)
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_spatial_layout():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 5))   # (N, C, d)
    y = rng.integers(0, 3, (2, 5))
    per = -np.take_along_axis(np_log_softmax(x.transpose(0, 2, 1).reshape(-1, 3)),
                              y.reshape(-1, 1), 1).reshape(2, 5)
    out = F.cross_entropy(minigrad.tensor(x), minigrad.tensor(y), reduction='none')
    assert out.shape == (2, 5)
    np.testing.assert_allclose(arr(out), per, rtol=1e-12)


# -------------------------------------------------------------------------- property-based gradients
def _logits(draw, n, c):
    seed = draw(st.integers(0, 2 ** 31 - 1))
    scale = draw(st.sampled_from([0.1, 1.0, 5.0]))
    return np.random.default_rng(seed).standard_normal((n, c)) * scale, seed


@st.composite
def ce_problem(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    x, seed = _logits(draw, n, c)
    rng = np.random.default_rng(seed + 1)
    kind = draw(st.sampled_from(['index', 'probs', 'weighted', 'smoothed', 'ignored']))
    reduction = draw(st.sampled_from(['mean', 'sum', 'none']))
    return x, rng, kind, reduction


@given(ce_problem())
def test_cross_entropy_gradcheck(problem):
    x, rng, kind, reduction = problem
    n, c = x.shape
    kwargs = {'reduction': reduction}
    if kind == 'probs':
        q = rng.random((n, c))
        target = minigrad.tensor(q / q.sum(1, keepdims=True), dtype=f64, requires_grad=True)
    else:
        labels = rng.integers(0, c, n)
        if kind == 'ignored':
            labels[0] = -100
            if n == 1 and reduction == 'mean':
                kwargs['reduction'] = 'sum'  # the mean over zero examples is NaN
        target = minigrad.tensor(labels)
        if kind == 'weighted':
            kwargs['weight'] = minigrad.tensor(rng.random(c) + 0.5, dtype=f64)
        if kind == 'smoothed':
            kwargs['label_smoothing'] = 0.3
    logits = minigrad.tensor(x, dtype=f64, requires_grad=True)
    gradcheck(lambda a, t: F.cross_entropy(a, t, **kwargs), [logits, target])


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2 ** 31 - 1),
       st.sampled_from(['mean', 'sum', 'none']))
def test_mse_gradcheck(rows, cols, seed, reduction):
    rng = np.random.default_rng(seed)
    a = minigrad.tensor(rng.standard_normal((rows, cols)), dtype=f64, requires_grad=True)
    b = minigrad.tensor(rng.standard_normal((rows, cols)), dtype=f64, requires_grad=True)
    gradcheck(lambda u, v: F.mse_loss(u, v, reduction=reduction), [a, b])


@given(st.integers(0, 2 ** 31 - 1), st.sampled_from(['mean', 'none']))
def test_losses_second_derivatives(seed, reduction):
    rng = np.random.default_rng(seed)
    logits = minigrad.tensor(rng.standard_normal((3, 4)), dtype=f64, requires_grad=True)
    labels = minigrad.tensor(rng.integers(0, 4, 3))
    gradgradcheck(lambda a: F.cross_entropy(a, labels, reduction=reduction), [logits])
    q = rng.random((3, 4))
    probs = minigrad.tensor(q / q.sum(1, keepdims=True), dtype=f64, requires_grad=True)
    gradgradcheck(lambda a, t: F.cross_entropy(a, t, reduction=reduction, label_smoothing=0.1),
                  [logits, probs])
    a = minigrad.tensor(rng.standard_normal((2, 3)), dtype=f64, requires_grad=True)
    b = minigrad.tensor(rng.standard_normal((2, 3)), dtype=f64, requires_grad=True)
    gradgradcheck(lambda u, v: F.mse_loss(u, v, reduction=reduction), [a, b])
