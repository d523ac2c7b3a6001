"""Every learning-rate scheduler against torch.optim.lr_scheduler: the lr (and momentum) of each group
over 40 steps, get_last_lr, state_dict round trips, resuming with last_epoch, and the call-order warning."""
import math
import warnings

import pytest

import minigrad
from minigrad import nn, optim
from minigrad.optim import lr_scheduler as mine

torch = pytest.importorskip('torch')
theirs = torch.optim.lr_scheduler
STEPS = 40


def optimisers(kind='SGD', **kwargs):
    a, b = nn.Parameter(minigrad.ones(2)), nn.Parameter(minigrad.ones(3))
    ta, tb = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))
    kwargs.setdefault('lr', 0.1)
    groups = lambda x, y: [{'params': [x]}, {'params': [y], 'lr': kwargs['lr'] * 3}]
    return (getattr(optim, kind)(groups(a, b), **kwargs), getattr(torch.optim, kind)(groups(ta, tb), **kwargs))


def lam(epoch):
    return 0.95 ** epoch + 0.01 * (epoch % 3)


def build(module, name, opt, **kwargs):
    cls = getattr(module, name)
    if name in ('SequentialLR', 'ChainedScheduler'):
        subs = [module.LinearLR(opt, start_factor=0.2, total_iters=4), module.ExponentialLR(opt, gamma=0.9),
                module.StepLR(opt, step_size=3, gamma=0.5)]
        if name == 'SequentialLR':
            return cls(opt, schedulers=subs, milestones=[5, 12])
        return cls(subs)
    return cls(opt, **kwargs)


CASES = [
    ('StepLR', dict(step_size=7, gamma=0.5)),
    ('MultiStepLR', dict(milestones=[3, 10, 10, 25], gamma=0.3)),
    ('ExponentialLR', dict(gamma=0.9)),
    ('CosineAnnealingLR', dict(T_max=12, eta_min=0.001)),
    ('LambdaLR', dict(lr_lambda=lam)),
    ('LambdaLR', dict(lr_lambda=[lam, lambda e: 1 / (e + 1)])),
    ('MultiplicativeLR', dict(lr_lambda=lambda e: 0.97)),
    ('LinearLR', dict(start_factor=0.25, end_factor=0.9, total_iters=10)),
    ('ConstantLR', dict(factor=0.5, total_iters=6)),
    ('PolynomialLR', dict(total_iters=25, power=2.0)),
    ('OneCycleLR', dict(max_lr=1.0, total_steps=STEPS + 1)),
    ('OneCycleLR', dict(max_lr=[1.0, 2.0], epochs=4, steps_per_epoch=11, anneal_strategy='linear',
                        three_phase=True)),
    ('CosineAnnealingWarmRestarts', dict(T_0=5, T_mult=2, eta_min=0.01)),
    ('CosineAnnealingWarmRestarts', dict(T_0=7)),
    ('CyclicLR', dict(base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=3)),
    ('CyclicLR', dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode='triangular2')),
    ('CyclicLR', dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode='exp_range', gamma=0.95)),
    ('SequentialLR', {}),
    ('ChainedScheduler', {}),
]


def close(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15), (a, b)


def groups_match(opt_m, opt_t):
    close([g['lr'] for g in opt_m.param_groups], [g['lr'] for g in opt_t.param_groups])
    for gm, gt in zip(opt_m.param_groups, opt_t.param_groups):
        for key in ('momentum', 'betas', 'initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'):
            if key in gt:
                value_m, value_t = gm[key], gt[key]
                close(list(value_m) if key == 'betas' else [value_m], list(value_t) if key == 'betas' else [value_t])


# the optimiser matters only for the momentum-cycling schedules (beta1 for Adam, momentum for SGD)
RUNS = [('SGD', n, kw) for n, kw in CASES] + [('Adam', n, kw) for n, kw in CASES if n in ('OneCycleLR', 'CyclicLR')]


@pytest.mark.parametrize('kind,name,kwargs', RUNS, ids=[f'{k}-{n}-{i}' for i, (k, n, _) in enumerate(RUNS)])
def test_lr_sequence_matches_torch(kind, name, kwargs):
    extra = dict(momentum=0.9) if kind == 'SGD' else {}
    opt_m, opt_t = optimisers(kind, **extra)
    sched_m, sched_t = build(mine, name, opt_m, **kwargs), build(theirs, name, opt_t, **kwargs)
    close(sched_m.get_last_lr(), sched_t.get_last_lr())
    groups_match(opt_m, opt_t)
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # the right call order warns about nothing
        for _ in range(STEPS):
            opt_m.step()
            opt_t.step()
            sched_m.step()
            sched_t.step()
            close(sched_m.get_last_lr(), sched_t.get_last_lr())
            groups_match(opt_m, opt_t)
            assert getattr(sched_m, "last_epoch", None) == getattr(sched_t, "last_epoch", None)


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.92, 0.5, 0.6, 0.6, 0.6, 0.6, 0.4, 0.41] * 3
    for kwargs in [dict(patience=2), dict(mode='max', factor=0.5, patience=1, threshold_mode='abs',
                                          threshold=0.01, cooldown=2, min_lr=[0.01, 0.05])]:
        opt_m, opt_t = optimisers()
        sm, st = mine.ReduceLROnPlateau(opt_m, **kwargs), theirs.ReduceLROnPlateau(opt_t, **kwargs)
        for value in metrics:
            opt_m.step()
            opt_t.step()
            sm.step(minigrad.tensor(value, dtype=minigrad.float64))
            st.step(value)
            close(sm.get_last_lr(), st.get_last_lr())
            assert (sm.num_bad_epochs, sm.cooldown_counter, sm.best) == \
                (st.num_bad_epochs, st.cooldown_counter, st.best)


def test_state_dict_round_trip_resumes_the_schedule():
    opt_m, opt_t = optimisers()
    a = mine.CosineAnnealingLR(opt_m, T_max=10)
    t = theirs.CosineAnnealingLR(opt_t, T_max=10)
    for _ in range(4):
        opt_m.step()
        a.step()
        opt_t.step()
        t.step()
    state = a.state_dict()
    assert 'optimizer' not in state
    assert set(state) == set(t.state_dict())
    opt2, _ = optimisers()
    b = mine.CosineAnnealingLR(opt2, T_max=10)
    b.load_state_dict(state)
    opt2.load_state_dict(opt_m.state_dict())
    for _ in range(8):
        opt2.step()
        b.step()
        opt_t.step()
        t.step()
        close(b.get_last_lr(), t.get_last_lr())


def test_composite_and_lambda_state_dicts():
    opt_m, _ = optimisers()
    seq = build(mine, 'SequentialLR', opt_m)
    state = seq.state_dict()
    assert len(state['_schedulers']) == 3 and 'optimizer' not in state['_schedulers'][0]
    seq.load_state_dict(state)

    class Scale:
        def __init__(self):
            self.factor = 0.5

        def __call__(self, epoch):
            return self.factor ** epoch
    opt_m, _ = optimisers()
    s = mine.LambdaLR(opt_m, [Scale(), lam])
    sd = s.state_dict()
    assert sd['lr_lambdas'] == [{'factor': 0.5}, None]
    s.lr_lambdas[0].factor = 0.1
    s.load_state_dict(sd)
    assert s.lr_lambdas[0].factor == 0.5


def test_resuming_with_last_epoch_matches_torch():
    opt_m, opt_t = optimisers()
    for group in opt_m.param_groups + opt_t.param_groups:
        group['initial_lr'] = group['lr']
    sm = mine.StepLR(opt_m, step_size=3, last_epoch=5)
    st = theirs.StepLR(opt_t, step_size=3, last_epoch=5)
    close(sm.get_last_lr(), st.get_last_lr())
    with pytest.raises(KeyError, match='initial_lr'):
        mine.StepLR(optimisers()[0], step_size=3, last_epoch=5)


def test_wrong_call_order_warns_like_torch():
    opt_m, _ = optimisers()
    sched = mine.StepLR(opt_m, step_size=2)
    with pytest.warns(UserWarning, match='before `optimizer.step\\(\\)`'):
        sched.step()
    with pytest.warns(UserWarning, match='get_last_lr'):
        sched.get_lr()
    with pytest.warns(UserWarning, match='epoch parameter'):
        opt_m.step()
        sched.step(4)
    assert sched.last_epoch == 4
    close(sched.get_last_lr(), [0.1 * 0.1 ** 2, 0.3 * 0.1 ** 2])  # the closed form


def test_errors():
    opt_m, _ = optimisers()
    with pytest.raises(TypeError, match='is not an Optimizer'):
        mine.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match='Expected 2 lr_lambdas'):
        mine.LambdaLR(opt_m, [lam])
    with pytest.raises(ValueError, match='total_steps'):
        mine.OneCycleLR(opt_m, max_lr=0.1)
    with pytest.raises(ValueError, match='Factor should be < 1.0'):
        mine.ReduceLROnPlateau(opt_m, factor=2)
    one = mine.OneCycleLR(opt_m, max_lr=0.1, total_steps=2)
    opt_m.step()
    one.step()
    one.step()
    with pytest.raises(ValueError, match='Tried to step 3 times'):
        one.step()


from hypothesis import given, settings, strategies as st  # noqa: E402

RANDOM_SCHEDULES = {
    'StepLR': st.fixed_dictionaries({'step_size': st.integers(1, 10), 'gamma': st.floats(0.1, 0.99)}),
    'MultiStepLR': st.fixed_dictionaries({'milestones': st.lists(st.integers(1, 30), max_size=5),
                                          'gamma': st.floats(0.1, 0.99)}),
    'CosineAnnealingLR': st.fixed_dictionaries({'T_max': st.integers(1, 15), 'eta_min': st.floats(0, 0.05)}),
    'LinearLR': st.fixed_dictionaries({'start_factor': st.floats(0.05, 1), 'end_factor': st.floats(0, 1),
                                       'total_iters': st.integers(1, 20)}),
    'PolynomialLR': st.fixed_dictionaries({'total_iters': st.integers(1, 20), 'power': st.floats(0.5, 3)}),
    'CosineAnnealingWarmRestarts': st.fixed_dictionaries({'T_0': st.integers(1, 8), 'T_mult': st.integers(1, 3),
                                                          'eta_min': st.floats(0, 0.05)}),
    'OneCycleLR': st.fixed_dictionaries({'max_lr': st.floats(0.1, 2), 'total_steps': st.integers(26, 40),
                                         'pct_start': st.floats(0.1, 0.9),
                                         'anneal_strategy': st.sampled_from(['cos', 'linear']),
                                         'three_phase': st.booleans()}),
    'CyclicLR': st.fixed_dictionaries({'base_lr': st.floats(0.001, 0.05), 'max_lr': st.floats(0.1, 1),
                                       'step_size_up': st.integers(1, 8), 'step_size_down': st.integers(1, 8),
                                       'mode': st.sampled_from(['triangular', 'triangular2', 'exp_range']),
                                       'gamma': st.floats(0.9, 1.0)}),
}


@pytest.mark.parametrize('name', sorted(RANDOM_SCHEDULES))
def test_random_schedule_parameters_follow_torch(name):
    """Property: for any valid arguments, 25 steps give PyTorch's learning rates and momenta."""
    @settings(max_examples=10, deadline=None)
    @given(RANDOM_SCHEDULES[name])
    def check(kwargs):
        opt_m, opt_t = optimisers('SGD', momentum=0.9)
        sched_m, sched_t = build(mine, name, opt_m, **kwargs), build(theirs, name, opt_t, **kwargs)
        for _ in range(25):
            opt_m.step()
            opt_t.step()
            sched_m.step()
            sched_t.step()
            close(sched_m.get_last_lr(), sched_t.get_last_lr())
            groups_match(opt_m, opt_t)
    check()


def test_scheduler_state_survives_minigrad_save(tmp_path):
    opt_m, opt_t = optimisers()
    sm = mine.MultiStepLR(opt_m, milestones=[2, 4, 4], gamma=0.5)
    st_ = theirs.MultiStepLR(opt_t, milestones=[2, 4, 4], gamma=0.5)
    for _ in range(3):
        opt_m.step()
        sm.step()
        opt_t.step()
        st_.step()
    minigrad.save({'scheduler': sm.state_dict(), 'optimizer': opt_m.state_dict()}, tmp_path / 's.npz')
    saved = minigrad.load(tmp_path / 's.npz')
    opt2, _ = optimisers()
    s2 = mine.MultiStepLR(opt2, milestones=[1], gamma=0.5)
    opt2.load_state_dict(saved['optimizer'])
    s2.load_state_dict(saved['scheduler'])
    for epoch in range(3, 8):
        opt2.step()
        opt_t.step()
        s2.step()
        st_.step()
        close(s2.get_last_lr(), st_.get_last_lr())
    with pytest.warns(UserWarning):
        s2.step(6)  # the closed form needs the milestones as a Counter again
    with pytest.warns(UserWarning):
        st_.step(6)
    close(s2.get_last_lr(), st_.get_last_lr())
