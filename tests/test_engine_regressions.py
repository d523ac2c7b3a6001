"""Regression tests for core bugs found by the property-based op suite (each with its minimal repro)."""
import numpy
import pytest

import minigrad


def test_max_along_dim_with_keepdim():
    # was: ValueError from take_along_axis (the indices lost their kept dimension)
    x = minigrad.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    values, indices = minigrad.max(x, 1, keepdim=True)
    assert values.shape == (2, 1) and indices.shape == (2, 1)
    assert values.tolist() == [[5.0], [7.0]] and indices.tolist() == [[1], [0]]
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert minigrad.min(x, 0, keepdim=True).indices.tolist() == [[0, 1, 0]]


@pytest.mark.parametrize('op', ['sum', 'mean', 'amax', 'amin', 'logsumexp'])
@pytest.mark.parametrize('dim', [0, -1, (0,)])
def test_reducing_a_0d_tensor_over_dim_0(op, dim):
    # was: AxisError for mean/amax/...: a 0-d tensor accepts dim 0 and -1, as in PyTorch
    x = minigrad.tensor(2.5, requires_grad=True)
    out = getattr(minigrad, op)(x, dim=dim)
    assert out.shape == () and out.item() == 2.5
    out.backward()
    assert x.grad.item() == 1.0
    with pytest.raises(IndexError, match='out of range'):
        getattr(minigrad, op)(x, dim=1)


@pytest.mark.parametrize('fn, second', [
    (minigrad.exp, lambda x: numpy.exp(x)),
    (minigrad.tanh, lambda x: -2 * numpy.tanh(x) * (1 - numpy.tanh(x) ** 2)),
    (minigrad.sqrt, lambda x: -0.25 * x ** -1.5),
    (lambda t: minigrad.logsumexp(t, dim=0), lambda x: 0.0),
])
def test_second_derivative_through_a_saved_0d_output(fn, second):
    # was: NumPy returns a scalar for a 0-d result, the op saved that scalar while the tensor got a
    # new array, so create_graph treated the saved output as a constant
    x = minigrad.tensor(0.7, dtype=minigrad.float64, requires_grad=True)
    (d1,) = minigrad.autograd.grad(fn(x), x, create_graph=True)
    (d2,) = minigrad.autograd.grad(d1, x, allow_unused=True)
    assert (0.0 if d2 is None else d2.item()) == pytest.approx(second(0.7))


def test_inplace_change_of_a_saved_0d_output_is_detected():
    x = minigrad.tensor(0.7, requires_grad=True)
    y = x.exp()
    y.mul_(2)
    with pytest.raises(RuntimeError, match='saved by Exp'):
        y.backward()


def test_numpy_float64_scalar_does_not_widen_a_float32_tensor():
    # was: float64 (numpy.float64 subclasses float, but NumPy 2 does not treat it as a weak scalar)
    x = minigrad.ones(2, requires_grad=True)
    for out in (x * numpy.float64(2.0), numpy.float64(2.0) * x, x + numpy.float64(1.0),
                minigrad.maximum(x, numpy.float64(0.5)), x.clamp(numpy.float64(0.0), numpy.float64(2.0))):
        assert out.dtype == minigrad.float32


@pytest.mark.filterwarnings('ignore:divide by zero', 'ignore:invalid value')
def test_pow_gradient_for_the_base_at_zero_to_the_zero():
    # was: nan (the formula b * a ** (b - 1) is 0 * inf there, and multiplying by a mask kept the nan)
    a = minigrad.tensor([0.0, 0.0, 2.0], requires_grad=True)
    b = minigrad.tensor([0.0, 2.0, 0.0], requires_grad=True)
    (a ** b).sum().backward()
    assert a.grad.tolist() == [0.0, 0.0, 0.0]
    assert b.grad.tolist() == pytest.approx([0.0, 0.0, numpy.log(2.0)])
