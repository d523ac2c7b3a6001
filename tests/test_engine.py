"""The engine: deep graphs, graph freeing, accumulation, hooks, retain_grad, autograd.grad, grad mode
and the version counter."""
import gc
import sys
import weakref

import numpy
import pytest

import minigrad
from minigrad.testing import gradcheck


def leaf(values, dtype=minigrad.float64):
    return minigrad.tensor(values, dtype=dtype, requires_grad=True)


# ------------------------------------------------------------------------------------- deep graphs
def test_a_chain_of_100000_ops_back_propagates():
    assert sys.getrecursionlimit() < 100000
    x = leaf([1.0, 2.0])
    y = x
    for _ in range(100000):
        y = y * 1.00001
    y.sum().backward()
    factor = 1.00001 ** 100000
    numpy.testing.assert_allclose(x.grad.numpy(), [factor, factor], rtol=1e-9)
    del y  # dropping a 100,000-node graph must not overflow the stack either
    gc.collect()


def test_a_wide_fan_in_accumulates_every_path():
    x = leaf(2.0)
    total = x * 0
    for k in range(1000):
        total = total + x * k
    total.backward()
    assert x.grad.item() == sum(range(1000))


# ------------------------------------------------------------------------------------ graph freeing
def _saved_exp_output(loss):
    """The array Exp saved (its output), reached through the graph: loss = (x.exp() * 3).sum()."""
    mul = loss.grad_fn.parents[0]
    exp = mul.parents[0]
    return exp.saved_tensors[0]


def test_intermediate_arrays_are_released_after_backward():
    x = leaf(numpy.random.default_rng(0).standard_normal(1000))
    loss = (x.exp() * 3).sum()
    ref = weakref.ref(_saved_exp_output(loss))
    gc.collect()
    assert ref() is not None  # the graph holds it until backward
    loss.backward()
    gc.collect()
    assert ref() is None      # freed although `loss` (and so the nodes) is still alive
    numpy.testing.assert_allclose(x.grad.numpy(), 3 * numpy.exp(x.detach().numpy()))


def test_retain_graph_keeps_them_and_allows_a_second_backward():
    x = leaf(numpy.random.default_rng(0).standard_normal(10))
    loss = (x.exp() * 3).sum()
    ref = weakref.ref(_saved_exp_output(loss))
    loss.backward(retain_graph=True)
    gc.collect()
    assert ref() is not None
    loss.backward()  # the second pass accumulates
    numpy.testing.assert_allclose(x.grad.numpy(), 6 * numpy.exp(x.detach().numpy()))
    gc.collect()
    assert ref() is None


# ----------------------------------------------------------------------------- accumulation
def test_gradients_accumulate_across_graphs_until_zeroed():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [3 + 2, 3 + 4]
    x.grad.zero_()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3, 3]
    x.grad = None
    x.sum().backward()
    assert x.grad.tolist() == [1, 1]


def test_a_gradient_handed_to_one_leaf_is_not_shared_with_another():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.mul_(10)
    assert b.grad.tolist() == [1, 1]


def test_broadcast_gradients_are_summed_back_to_the_input_shape():
    a, b = leaf(numpy.ones((2, 1, 3))), leaf(numpy.ones(4)[:, None])
    (a * b).sum().backward()
    assert a.grad.shape == (2, 1, 3) and numpy.all(a.grad.numpy() == 4)
    assert b.grad.shape == (4, 1) and numpy.all(b.grad.numpy() == 6)


def test_only_leaves_keep_grad_unless_retain_grad():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * 3
    y.retain_grad()
    (z * z).sum().backward()
    assert y.retains_grad and not z.retains_grad
    assert y.grad.tolist() == (2 * 3 * (3 * y.detach())).tolist()
    assert z.grad is None
    assert x.grad.tolist() == [72.0, 144.0]


# ------------------------------------------------------------------------------------------- hooks
def test_leaf_hook_sees_the_gradient_and_may_replace_it():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0]]
    assert x.grad.tolist() == [20.0, 40.0]


def test_non_leaf_hook_replaces_the_gradient_flowing_on():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []

    def hook(g):
        seen.append(g.tolist())
        return g * 0 + 1

    y.register_hook(hook)
    (y * y).sum().backward()
    assert seen == [[6.0, 12.0]]
    assert x.grad.tolist() == [3.0, 3.0]


def test_removed_hooks_are_not_called():
    x = leaf([1.0])
    handle = x.register_hook(lambda g: g * 100)
    handle.remove()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0]


def test_a_hook_returning_something_else_than_a_tensor_is_an_error():
    x = leaf([1.0])
    x.register_hook(lambda g: 5)
    with pytest.raises(TypeError, match='hook must return None or a Tensor'):
        (x * 2).sum().backward()


# ---------------------------------------------------------------------------------- autograd.grad
def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    gx, gw = minigrad.autograd.grad((x * w).sum(), [x, w])
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None


def test_autograd_grad_create_graph_gives_second_and_third_derivatives():
    x = leaf(2.0)
    (d1,) = minigrad.autograd.grad(x ** 4, x, create_graph=True)
    (d2,) = minigrad.autograd.grad(d1, x, create_graph=True)
    (d3,) = minigrad.autograd.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == (32.0, 48.0, 48.0)


def test_hessian_vector_product_through_a_network():
    rng = numpy.random.default_rng(1)
    x = leaf(rng.standard_normal((4, 3)))
    w = leaf(rng.standard_normal((3, 2)))
    v = minigrad.tensor(rng.standard_normal((3, 2)))

    @minigrad.enable_grad()  # gradcheck evaluates fn under no_grad; this fn differentiates inside
    def grad_dot_v(w_):
        loss = (minigrad.tanh(x @ w_) ** 2).sum()
        (g,) = minigrad.autograd.grad(loss, w_, create_graph=True)
        return (g * v).sum()

    gradcheck(grad_dot_v, [w])


def test_autograd_grad_unused_input():
    x, y = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match='allow_unused=True'):
        minigrad.autograd.grad((x * 2).sum(), [x, y])
    gx, gy = minigrad.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    assert gx.tolist() == [2.0] and gy is None


def test_autograd_grad_with_grad_outputs():
    x = leaf([1.0, 2.0, 3.0])
    (g,) = minigrad.autograd.grad(x * x, x, grad_outputs=minigrad.tensor([1.0, 0.0, 2.0], dtype=x.dtype))
    assert g.tolist() == [2.0, 0.0, 12.0]


def test_backward_with_create_graph_makes_dot_grad_differentiable():
    x = leaf(3.0)
    (x ** 3).backward(create_graph=True)
    assert x.grad.item() == 27.0 and x.grad.requires_grad
    (g2,) = minigrad.autograd.grad(x.grad, x)
    assert g2.item() == 18.0


# --------------------------------------------------------------------------------------- grad mode
def test_no_grad_records_nothing_and_restores_the_mode():
    x = leaf([1.0])
    with minigrad.no_grad():
        y = x * 2
        assert not minigrad.is_grad_enabled()
        with minigrad.enable_grad():
            z = x * 2
    assert minigrad.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad


def test_no_grad_as_a_decorator():
    @minigrad.no_grad()
    def evaluate(t):
        return t * 2

    @minigrad.enable_grad()
    def train(t):
        return t * 2

    x = leaf([1.0])
    assert not evaluate(x).requires_grad
    with minigrad.no_grad():
        assert train(x).requires_grad
    assert minigrad.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ValueError):
        with minigrad.no_grad():
            raise ValueError
    assert minigrad.is_grad_enabled()


def test_set_grad_enabled_as_call_and_context():
    with minigrad.set_grad_enabled(False):
        assert not minigrad.is_grad_enabled()
    assert minigrad.is_grad_enabled()
    minigrad.set_grad_enabled(False)
    try:
        assert not (leaf([1.0]) * 2).requires_grad
    finally:
        minigrad.set_grad_enabled(True)


def test_parameter_update_under_no_grad_changes_the_parameter_in_place():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    before = w.array
    with minigrad.no_grad():
        w -= 0.5 * w.grad
    assert w.array is before and w.tolist() == [0.0, 0.0]
    assert w.is_leaf and w.requires_grad


# --------------------------------------------------------------------------------- version counter
def test_inplace_ops_bump_the_version_and_detach_shares_it():
    x = minigrad.tensor([1.0, 2.0])
    d = x.detach()
    v0 = x._version[0]
    x.add_(1)
    assert x._version[0] > v0 and d._version is x._version


def test_inplace_on_a_non_leaf_is_recorded():
    x = leaf([1.0, 2.0])
    y = x * 3
    y += x        # y = 3x + x
    y *= y        # y = (4x)^2
    y.sum().backward()
    assert x.grad.tolist() == [32.0, 64.0]


def test_setitem_on_a_non_leaf_is_recorded():
    x, v = leaf([1.0, 2.0, 3.0]), leaf(10.0)
    y = x * 1
    y[1] = v * 2
    (y * y).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 6.0]
    assert v.grad.item() == 2 * 2 * 20.0


def _seed_forward(lib, X, W):
    """The seed's FixedHiddenMLP pattern: halve X in place inside the forward pass until it is small."""
    X = X @ W
    X = lib.relu(X + 1)
    X = X @ W
    while X.abs().sum() > 1:
        X /= 2
    return X.sum()


def test_seed_pattern_inplace_halving_in_forward_back_propagates():
    rng = numpy.random.default_rng(0)
    X = minigrad.tensor(rng.standard_normal((2, 4)), dtype=minigrad.float64)
    W = leaf(rng.standard_normal((4, 4)))
    loss = _seed_forward(minigrad, X, W)
    loss.backward()
    # The loop ran k times, so the loss is (relu(X W + 1) W).sum() / 2**k: check against that.
    unhalved = (minigrad.relu(X @ W.detach() + 1) @ W.detach()).sum().item()
    k = round(numpy.log2(unhalved / loss.item()))
    assert k >= 1
    gradcheck(lambda w: (minigrad.relu(X @ w + 1) @ w).sum() / 2 ** k, [W.detach().requires_grad_()])
    W2 = W.detach().requires_grad_()
    ((minigrad.relu(X @ W2 + 1) @ W2).sum() / 2 ** k).backward()
    numpy.testing.assert_allclose(W.grad.numpy(), W2.grad.numpy(), rtol=1e-12)


@pytest.mark.torch
def test_seed_pattern_matches_torch():
    import torch
    rng = numpy.random.default_rng(3)
    X, W = rng.standard_normal((3, 5)), rng.standard_normal((5, 5))
    w_mg, w_th = leaf(W), torch.tensor(W, requires_grad=True)
    loss_mg = _seed_forward(minigrad, minigrad.tensor(X), w_mg)
    loss_th = _seed_forward(torch, torch.tensor(X), w_th)
    loss_mg.backward()
    loss_th.backward()
    assert loss_mg.item() == pytest.approx(loss_th.item(), rel=1e-12)
    numpy.testing.assert_allclose(w_mg.grad.numpy(), w_th.grad.numpy(), rtol=1e-10)


def test_data_writes_are_not_tracked():
    x = leaf([1.0, 2.0])
    y = x * x
    x.data.mul_(0)  # like PyTorch's .data: no version bump, the graph sees the new values
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
