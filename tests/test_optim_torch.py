"""Every optimiser against torch.optim, step by step in float64: the same parameters and gradients go in,
the same parameters and state come out, over many steps, for each flag that changes the rule."""
import numpy as np
import pytest

import minigrad
from minigrad import optim

torch = pytest.importorskip('torch')

STEPS = 40

CASES = [
    ('SGD', dict(lr=0.1)),
    ('SGD', dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ('SGD', dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ('Adam', dict(lr=0.01)),
    ('Adam', dict(lr=0.02, betas=(0.3, 0.95), amsgrad=True, weight_decay=0.1)),
    ('Adam', dict(lr=0.02, maximize=True, decoupled_weight_decay=True, weight_decay=0.05)),
    ('AdamW', dict(lr=0.02, amsgrad=True)),
    ('RMSprop', dict(lr=0.01)),
    ('RMSprop', dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True)),
    ('RMSprop', dict(lr=0.01, centered=True, maximize=True, alpha=0.3)),
    ('Adagrad', dict(lr=0.1)),
    ('Adagrad', dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-6)),
    ('Adadelta', dict()),
    ('Adadelta', dict(lr=0.5, rho=0.6, eps=1e-4, weight_decay=0.1, maximize=True)),
    ('Adamax', dict()),
    ('Adamax', dict(lr=0.05, betas=(0.7, 0.9), eps=1e-6, weight_decay=0.1)),
    ('NAdam', dict()),
    ('NAdam', dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ('NAdam', dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ('RAdam', dict(lr=0.01)),
    ('RAdam', dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.1)),
    ('RAdam', dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
]


def fake_grad(p, k, step, sign=1, bounded=False):
    """A gradient that depends on the parameter nonlinearly and changes sign (exercises every branch);
    ``sign=-1`` for maximize, so that the trajectory stays bounded either way."""
    rng = np.random.default_rng(1000 * k + step)
    growth = np.tanh(p) if bounded else 0.3 * p ** 3  # bounded: any learning rate stays finite
    return sign * (np.cos(3 * p) + growth + rng.standard_normal(p.shape))


def run_both(name, kwargs, steps=STEPS, skip=None, bounded=False):
    rng = np.random.default_rng(0)
    inits = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    mine = [minigrad.nn.Parameter(minigrad.tensor(a, dtype=minigrad.float64)) for a in inits]
    theirs = [torch.nn.Parameter(torch.tensor(a, dtype=torch.float64)) for a in inits]
    opt_m = getattr(optim, name)([{'params': [mine[0]]}, {'params': [mine[1]], 'lr': kwargs.get('lr', 1.0) / 2}],
                                 **kwargs)
    opt_t = getattr(torch.optim, name)([{'params': [theirs[0]]},
                                        {'params': [theirs[1]], 'lr': kwargs.get('lr', 1.0) / 2}], **kwargs)
    for step in range(steps):
        for k, (m, t) in enumerate(zip(mine, theirs)):
            if skip is not None and skip(k, step):
                m.grad = t.grad = None
                continue
            g = fake_grad(t.detach().numpy(), k, step, -1 if kwargs.get('maximize') else 1, bounded)
            m.grad = minigrad.tensor(g, dtype=minigrad.float64)
            t.grad = torch.tensor(g, dtype=torch.float64)
        opt_m.step()
        opt_t.step()
        for m, t in zip(mine, theirs):
            np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-11, atol=1e-13,
                                       err_msg=f'{name}{kwargs} step {step}')
    for m, t in zip(mine, theirs):
        assert np.isfinite(t.detach().numpy()).all()
        assert not np.allclose(t.detach().numpy(), inits[0] if t.dim() == 2 else inits[1])  # it moved
    return mine, theirs, opt_m, opt_t


@pytest.mark.parametrize('name,kwargs', CASES, ids=[f'{n}-{i}' for i, (n, _) in enumerate(CASES)])
def test_trajectory_and_state_match_torch(name, kwargs):
    mine, theirs, opt_m, opt_t = run_both(name, kwargs)
    for m, t in zip(mine, theirs):
        sm, st = opt_m.state[m], opt_t.state[t]
        assert list(sm) == list(st)
        for key in st:
            assert isinstance(sm[key], minigrad.Tensor), key
            assert str(sm[key].dtype).replace('minigrad.', '') == str(st[key].dtype).replace('torch.', '')
            np.testing.assert_allclose(sm[key].numpy(), st[key].numpy(), rtol=1e-11, atol=1e-14, err_msg=key)
    sd_m, sd_t = opt_m.state_dict(), opt_t.state_dict()
    assert sd_m['param_groups'] == sd_t['param_groups']
    assert sorted(sd_m['state']) == sorted(sd_t['state'])


def test_parameters_without_gradient_are_skipped_like_torch():
    run_both('Adam', dict(lr=0.01), skip=lambda k, step: k == 1 and step % 3 == 0)
    run_both('RMSprop', dict(lr=0.01, momentum=0.5), skip=lambda k, step: k == 0 and step < 5)
    run_both('Adagrad', dict(lr=0.1), skip=lambda k, step: k == 1 and step < 4)


def test_default_arguments_match_torch():
    import inspect
    for name in ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam']:
        mine = inspect.signature(getattr(optim, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, name)).parameters
        assert list(mine) == list(theirs), name
        for arg, p in theirs.items():
            if arg != 'params':
                assert mine[arg].default == p.default, (name, arg)
                assert mine[arg].kind == p.kind, (name, arg)


def test_float32_state_follows_the_parameter():
    w = minigrad.nn.Parameter(minigrad.ones(3))
    opt = optim.NAdam([w])
    w.grad = minigrad.ones(3)
    opt.step()
    state = opt.state[w]
    assert state['exp_avg'].dtype == minigrad.float32
    assert state['step'].dtype == minigrad.float32 and state['step'].shape == ()
    assert state['mu_product'].dtype == minigrad.float32
    assert float(state['step']) == 1.0


def test_unsupported_implementation_flags_are_refused():
    w = minigrad.nn.Parameter(minigrad.ones(3))
    with pytest.raises(ValueError, match='capturable'):
        optim.Adam([w], capturable=True)
    with pytest.raises(ValueError, match='differentiable'):
        optim.RMSprop([w], differentiable=True)
    optim.Adam([w], foreach=True)  # chooses an implementation only: accepted


def test_invalid_hyperparameters_raise_like_torch():
    w = minigrad.nn.Parameter(minigrad.ones(3))
    for name, kwargs in [('RMSprop', dict(alpha=-1)), ('Adagrad', dict(lr_decay=-1)), ('Adadelta', dict(rho=2)),
                         ('Adamax', dict(betas=(1.0, 0.9))), ('NAdam', dict(momentum_decay=-1)),
                         ('RAdam', dict(eps=-1))]:
        with pytest.raises(ValueError, match='Invalid'):
            getattr(optim, name)([w], **kwargs)


from hypothesis import given, settings, strategies as st  # noqa: E402

unit = st.floats(0.05, 0.95)
flag = st.booleans()
HYPER = {
    'SGD': st.fixed_dictionaries({'lr': unit, 'momentum': unit, 'dampening': st.floats(0, 0.5),
                                  'weight_decay': st.floats(0, 0.2), 'maximize': flag}),
    'Adam': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.1), 'betas': st.tuples(unit, unit), 'amsgrad': flag,
                                   'weight_decay': st.floats(0, 0.2), 'decoupled_weight_decay': flag}),
    'RMSprop': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.05), 'alpha': unit, 'momentum': st.floats(0, 0.9),
                                      'centered': flag, 'eps': st.floats(1e-8, 1e-3)}),
    'Adagrad': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.5), 'lr_decay': st.floats(0, 0.5),
                                      'initial_accumulator_value': st.floats(0, 1)}),
    'Adadelta': st.fixed_dictionaries({'lr': st.floats(0.1, 2), 'rho': unit, 'eps': st.floats(1e-6, 1e-2)}),
    'Adamax': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.1), 'betas': st.tuples(unit, unit)}),
    'NAdam': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.1), 'betas': st.tuples(unit, unit),
                                    'momentum_decay': st.floats(0, 0.05), 'weight_decay': st.floats(0, 0.2),
                                    'decoupled_weight_decay': flag}),
    'RAdam': st.fixed_dictionaries({'lr': st.floats(1e-3, 0.1), 'betas': st.tuples(unit, unit),
                                    'weight_decay': st.floats(0, 0.2), 'decoupled_weight_decay': flag}),
}


@pytest.mark.parametrize('name', sorted(HYPER))
def test_random_hyperparameters_follow_torch(name):
    """Property: for any valid hyperparameters, 12 steps give PyTorch's parameters (float64)."""
    @settings(max_examples=8, deadline=None)
    @given(HYPER[name])
    def check(kwargs):
        run_both(name, kwargs, steps=12, bounded=True)
    check()
