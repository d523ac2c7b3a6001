"""Optimisers: update rules against hand-written NumPy, parameter groups, zero_grad, state dicts, errors.
(The 50-step trajectories against PyTorch are in test_nn_torch.py.)"""
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim

f64 = minigrad.float64


def arr(t):
    return t.detach().numpy()


def quadratic_setup(seed=0):
    rng = np.random.default_rng(seed)
    target = rng.standard_normal(5)
    w = nn.Parameter(minigrad.tensor(rng.standard_normal(5), dtype=f64))
    return w, target


def grad_of(w, target):
    """Set w.grad to the gradient of sum((w - target)^2 * (1..5)) and return it."""
    scale = np.arange(1, 6)
    w.grad = None
    ((w - minigrad.tensor(target)) ** 2 * minigrad.tensor(scale, dtype=f64)).sum().backward()
    return arr(w.grad).copy()


def test_plain_sgd_is_p_minus_lr_g():
    w, target = quadratic_setup()
    opt = optim.SGD([w], lr=0.1)
    before = arr(w).copy()
    g = grad_of(w, target)
    opt.step()
    np.testing.assert_allclose(arr(w), before - 0.1 * g, rtol=0, atol=0)


def test_sgd_momentum_weight_decay_nesterov_follow_the_formula():
    w, target = quadratic_setup(1)
    opt = optim.SGD([w], lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True)
    p = arr(w).copy()
    buf = None
    for _ in range(5):
        g = grad_of(w, target) + 0.01 * p
        buf = g.copy() if buf is None else 0.9 * buf + g
        p = p - 0.05 * (g + 0.9 * buf)
        opt.step()
    np.testing.assert_allclose(arr(w), p, rtol=1e-12)


def test_adam_follows_the_formula():
    w, target = quadratic_setup(2)
    opt = optim.Adam([w], lr=0.1, betas=(0.8, 0.9), eps=1e-6)
    p = arr(w).copy()
    m = v = 0
    for t in range(1, 6):
        g = grad_of(w, target)
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        p = p - 0.1 / (1 - 0.8 ** t) * m / (np.sqrt(v) / math.sqrt(1 - 0.9 ** t) + 1e-6)
        opt.step()
    np.testing.assert_allclose(arr(w), p, rtol=1e-12)


def test_step_changes_the_version_so_a_stale_graph_refuses_backward():
    w, target = quadratic_setup()
    opt = optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    w.grad = minigrad.ones(5, dtype=f64)
    opt.step()
    with pytest.raises(RuntimeError, match='modified by an in-place operation'):
        loss.backward()


def test_parameter_groups_take_their_own_settings():
    a = nn.Parameter(minigrad.ones(2))
    b = nn.Parameter(minigrad.ones(2))
    opt = optim.SGD([{'params': [a]}, {'params': b, 'lr': 1.0, 'weight_decay': 0.5}], lr=0.1)
    assert opt.param_groups[0]['lr'] == 0.1 and opt.param_groups[1]['weight_decay'] == 0.5
    a.grad = minigrad.ones(2)
    b.grad = minigrad.ones(2)
    opt.step()
    np.testing.assert_allclose(arr(a), 0.9)
    np.testing.assert_allclose(arr(b), 1 - 1.0 * (1 + 0.5))


def test_parameters_without_grad_are_skipped_and_zero_grad_resets():
    a = nn.Parameter(minigrad.ones(2))
    opt = optim.Adam([a])
    opt.step()
    np.testing.assert_array_equal(arr(a), 1)
    a.grad = minigrad.ones(2)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(arr(a.grad), 0)
    opt.zero_grad()
    assert a.grad is None


def test_bad_arguments_are_clear_errors():
    p = nn.Parameter(minigrad.ones(2))
    with pytest.raises(ValueError, match='learning rate'):
        optim.SGD([p], lr=-1)
    with pytest.raises(ValueError, match='Nesterov'):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match='beta'):
        optim.Adam([p], betas=(1.0, 0.9))
    with pytest.raises(ValueError, match='empty parameter list'):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match='wrap it in a list'):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match='non-leaf'):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match='more than one parameter group'):
        optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)
    with pytest.raises(TypeError, match='ordered collections'):
        optim.SGD({p}, lr=0.1)


def test_a_parameter_listed_twice_is_updated_once():
    shared = nn.Linear(2, 2)
    params = list(shared.parameters()) + list(shared.parameters())
    opt = optim.SGD(params, lr=1.0)
    assert len(opt.param_groups[0]['params']) == 2


def test_closure_is_called_with_grad_enabled():
    w, target = quadratic_setup()
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = ((w - minigrad.tensor(target)) ** 2).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():
        loss = opt.step(closure)
    assert loss.item() > 0 and w.grad is not None


@pytest.mark.parametrize('make', [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1, amsgrad=True),
                                  lambda ps: optim.AdamW(ps, lr=0.1)])
def test_state_dict_round_trip_continues_the_same_trajectory(make):
    w1, target = quadratic_setup(3)
    w2 = nn.Parameter(w1.detach().clone())
    opt1, opt2 = make([w1]), make([w2])
    for _ in range(3):
        grad_of(w1, target)
        opt1.step()
    saved = opt1.state_dict()
    assert list(saved['state']) == [0] and saved['param_groups'][0]['params'] == [0]
    opt2.load_state_dict(saved)
    w2.data.copy_(w1.detach())
    for _ in range(3):
        grad_of(w1, target)
        grad_of(w2, target)
        opt1.step()
        opt2.step()
    np.testing.assert_array_equal(arr(w1), arr(w2))


def test_load_state_dict_checks_group_sizes():
    a, b = nn.Parameter(minigrad.ones(1)), nn.Parameter(minigrad.ones(1))
    saved = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match"):
        optim.SGD([a], lr=0.1).load_state_dict(saved)


def test_repr_lists_groups():
    opt = optim.SGD([nn.Parameter(minigrad.ones(1))], lr=0.1)
    assert repr(opt).startswith('SGD (\nParameter Group 0\n') and '    lr: 0.1' in repr(opt)
