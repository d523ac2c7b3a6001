"""The closed-form least-squares solver against numpy.linalg.lstsq, and its errors."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.linalg import LinAlgError, lstsq_normal


@st.composite
def full_rank_problem(draw):
    d = draw(st.integers(1, 6))
    n = draw(st.integers(d + 2, 40))
    k = draw(st.sampled_from([None, 1, 3]))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    scale = draw(st.sampled_from([1e-2, 1.0, 1e2]))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * scale + rng.standard_normal(d)
    y = rng.standard_normal(n if k is None else (n, k))
    return X, y


@given(full_rank_problem(), st.booleans())
def test_matches_numpy_lstsq_on_full_rank_problems(problem, bias):
    X, y = problem
    design = np.hstack([X, np.ones((len(X), 1))]) if bias else X
    expected = np.linalg.lstsq(design, y, rcond=None)[0]
    for method in ('solve', 'lstsq', 'pinv'):
        w, b = lstsq_normal(minigrad.tensor(X), minigrad.tensor(y), bias=bias, method=method)
        got = np.concatenate([w.numpy(), b.numpy()[None]]) if bias else w.numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-9 * np.abs(expected).max())
        assert w.shape == ((X.shape[1],) if y.ndim == 1 else (X.shape[1], y.shape[1]))
        assert (b is None) == (not bias)
        # X @ w + b has y's shape
        pred = minigrad.tensor(X) @ w + (b if bias else 0)
        assert pred.shape == y.shape


def test_recovers_the_seed_style_synthetic_regression():
    minigrad.manual_seed(0)
    X = minigrad.randn(1000, 2, dtype=minigrad.float64)
    true_w = minigrad.tensor([2.0, -3.4], dtype=minigrad.float64)
    y = X @ true_w + 4.2 + minigrad.randn(1000, dtype=minigrad.float64) * 0.01
    w, b = lstsq_normal(X, y)
    np.testing.assert_allclose(w.numpy(), [2.0, -3.4], atol=2e-3)
    assert abs(b.item() - 4.2) < 2e-3
    assert not w.requires_grad


def test_rank_deficient_design_raises_naming_the_rank_and_the_fix():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    X[:, 2] = X[:, 0] + 2 * X[:, 1]        # a dependent feature
    with pytest.raises(LinAlgError, match=r"4 columns but rank 3.*method='lstsq'"):
        lstsq_normal(X, rng.standard_normal(20))
    constant = np.hstack([X[:, :2], np.ones((20, 1))])  # a constant column next to the bias
    with pytest.raises(LinAlgError, match='rank 3'):
        lstsq_normal(constant, rng.standard_normal(20))
    with pytest.raises(LinAlgError, match=r'fewer examples \(2\) than unknowns \(4\)'):
        lstsq_normal(rng.standard_normal((2, 3)), rng.standard_normal(2))


def test_fallback_methods_solve_rank_deficient_problems_with_the_minimum_norm():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 3))
    X[:, 2] = X[:, 0]
    y = rng.standard_normal(20)
    design = np.hstack([X, np.ones((20, 1))])
    expected = np.linalg.lstsq(design, y, rcond=None)[0]
    for method in ('lstsq', 'pinv'):
        w, b = lstsq_normal(X, y, method=method)
        np.testing.assert_allclose(np.append(w.numpy(), b.item()), expected, rtol=1e-8, atol=1e-10)


def test_argument_errors():
    with pytest.raises(ValueError, match='method must be one of'):
        lstsq_normal(np.ones((3, 1)), np.ones(3), method='inv')
    with pytest.raises(ValueError, match='3 rows .* y has 4'):
        lstsq_normal(np.ones((3, 1)), np.ones(4))
    with pytest.raises(ValueError, match='1-D or 2-D'):
        lstsq_normal(np.ones((3, 1, 1)), np.ones(3))


def test_one_dimensional_x_is_one_feature_and_dtype_follows_the_inputs():
    x = minigrad.tensor([0.0, 1.0, 2.0, 3.0])
    y = 3 * x - 1
    w, b = lstsq_normal(x, y)
    assert w.dtype == minigrad.float32 and w.shape == (1,)
    assert abs(w.item() - 3) < 1e-4 and abs(b.item() + 1) < 1e-4


def test_lstsq_and_pinv_give_the_minimum_norm_solution_for_float32_collinear_features():
    # A copy of a feature scaled by 3 is exactly collinear, but float32 rounding makes it look like a
    # new direction to a float64 cutoff; the cutoff follows the data's own precision.
    minigrad.manual_seed(0)
    X = minigrad.randn(200, 1)
    y = 2 * X + 4.2 + 0.5 * minigrad.randn(200, 1)
    for method in ('lstsq', 'pinv'):
        w, b = minigrad.linalg.lstsq_normal(minigrad.cat([X, 3 * X], 1), y, method=method)
        assert w.dtype == minigrad.float32
        # minimum norm: the fitted slope s splits as s/10 * (1, 3)
        slope = w[0, 0].item() + 3 * w[1, 0].item()
        assert abs(w[1, 0].item() - 3 * w[0, 0].item()) < 1e-3 * abs(slope)
        assert abs(slope - 2) < 0.2
