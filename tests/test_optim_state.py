"""Optimiser state: tensors under PyTorch's keys, state_dict / load_state_dict structure, resuming
exactly, saving through minigrad.save, add_param_group, editable param_groups, zero_grad."""
import copy

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim

torch = pytest.importorskip('torch')


def make_model(seed=0):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2)).double()


def batches(n, seed=1):
    rng = np.random.default_rng(seed)
    return [(minigrad.tensor(rng.standard_normal((16, 4))), minigrad.tensor(rng.standard_normal((16, 2))))
            for _ in range(n)]


def train(model, opt, data):
    for X, y in data:
        opt.zero_grad()
        ((model(X) - y) ** 2).mean().backward()
        opt.step()


def weights(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


OPTIMISERS = [(optim.Adam, dict(lr=0.01, amsgrad=True)), (optim.SGD, dict(lr=0.05, momentum=0.9)),
              (optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.5)), (optim.NAdam, dict(lr=0.01)),
              (optim.Adagrad, dict(lr=0.05)), (optim.RAdam, dict(lr=0.01)), (optim.Adadelta, dict()),
              (optim.Adamax, dict(lr=0.01))]


@pytest.mark.parametrize('cls,kwargs', OPTIMISERS, ids=[c.__name__ for c, _ in OPTIMISERS])
@pytest.mark.parametrize('through_file', [False, True])
def test_resume_from_state_dict_is_identical(cls, kwargs, through_file, tmp_path):
    data = batches(20)
    straight = make_model()
    train(straight, cls(straight.parameters(), **kwargs), data)

    first = make_model()
    opt = cls(first.parameters(), **kwargs)
    train(first, opt, data[:10])
    saved_model, saved_opt = first.state_dict(), opt.state_dict()
    if through_file:
        minigrad.save({'model': saved_model, 'optimizer': saved_opt, 'epoch': 10}, tmp_path / 'ckpt.npz')
        checkpoint = minigrad.load(tmp_path / 'ckpt.npz')
        saved_model, saved_opt = checkpoint['model'], checkpoint['optimizer']
        assert checkpoint['epoch'] == 10
        assert sorted(saved_opt['state']) == list(range(4))  # integer keys survive the file
    resumed = make_model(seed=123)
    opt2 = cls(resumed.parameters(), **kwargs)
    resumed.load_state_dict(saved_model)
    opt2.load_state_dict(saved_opt)
    train(resumed, opt2, data[10:])
    for a, b in zip(weights(straight), weights(resumed)):
        if cls is optim.NAdam:
            # PyTorch casts NAdam's float32 'mu_product' to a float64 parameter's dtype on load (only
            # 'step' is exempt), so its resumed run differs in the last bits too; minigrad does the same.
            assert opt2.state[next(resumed.parameters())]['mu_product'].dtype == minigrad.float64
            np.testing.assert_allclose(a, b, rtol=1e-9)
        else:
            np.testing.assert_array_equal(a, b)


def test_state_dict_structure_matches_torch():
    model = make_model()
    opt = optim.Adam([{'params': model[0].parameters()}, {'params': model[2].parameters(), 'lr': 0.1}], lr=0.01)
    train(model, opt, batches(2))
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)).double()
    topt = torch.optim.Adam([{'params': tmodel[0].parameters()}, {'params': tmodel[2].parameters(), 'lr': 0.1}],
                            lr=0.01)
    for p in tmodel.parameters():
        p.grad = torch.ones_like(p)
    topt.step()
    mine, theirs = opt.state_dict(), topt.state_dict()
    assert list(mine) == list(theirs) == ['state', 'param_groups']
    assert mine['param_groups'] == theirs['param_groups']
    assert list(mine['state']) == list(theirs['state']) == [0, 1, 2, 3]
    for i in range(4):
        assert list(mine['state'][i]) == list(theirs['state'][i])
        assert all(isinstance(v, minigrad.Tensor) for v in mine['state'][i].values())
    assert mine['state'][0]['step'].shape == () and float(mine['state'][0]['step']) == 2


def test_state_dict_shares_state_but_load_copies():
    w = nn.Parameter(minigrad.ones(3))
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = minigrad.ones(3)
    opt.step()
    sd = opt.state_dict()
    assert sd['state'][0]['momentum_buffer'] is opt.state[w]['momentum_buffer']  # as PyTorch
    opt2 = optim.SGD([w], lr=0.1, momentum=0.9)
    opt2.load_state_dict(sd)
    assert opt2.state[w]['momentum_buffer'] is not sd['state'][0]['momentum_buffer']
    sd['param_groups'][0]['lr'] = 99.0
    assert opt2.param_groups[0]['lr'] == 0.1  # groups were copied on load
    deep = copy.deepcopy(opt.state_dict())
    opt.step()
    assert not np.allclose(deep['state'][0]['momentum_buffer'].numpy(),
                           opt.state[w]['momentum_buffer'].numpy())


def test_load_casts_floating_state_to_the_parameter_dtype_but_keeps_step():
    w64 = nn.Parameter(minigrad.ones(3, dtype=minigrad.float64))
    opt = optim.Adam([w64])
    w64.grad = minigrad.ones(3, dtype=minigrad.float64)
    opt.step()
    w32 = nn.Parameter(minigrad.ones(3))
    opt32 = optim.Adam([w32])
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[w32]['exp_avg'].dtype == minigrad.float32
    assert opt32.state[w32]['step'].dtype == opt.state[w64]['step'].dtype


def test_load_state_dict_mismatch_errors():
    a, b = nn.Parameter(minigrad.ones(2)), nn.Parameter(minigrad.ones(2))
    sd = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match='number of parameter groups'):
        optim.SGD([{'params': [a]}, {'params': [b]}], lr=0.1).load_state_dict(sd)


def test_old_checkpoints_with_integer_step_still_load():
    w = nn.Parameter(minigrad.ones(3))
    opt = optim.Adam([w])
    sd = {'state': {0: {'step': 3, 'exp_avg': minigrad.zeros(3), 'exp_avg_sq': minigrad.zeros(3)}},
          'param_groups': opt.state_dict()['param_groups']}
    opt.load_state_dict(sd)
    assert isinstance(opt.state[w]['step'], minigrad.Tensor) and float(opt.state[w]['step']) == 3


def test_add_param_group_and_editable_groups():
    a, b = nn.Parameter(minigrad.ones(2)), nn.Parameter(minigrad.ones(2))
    opt = optim.SGD([a], lr=0.1, momentum=0.5)
    opt.add_param_group({'params': b, 'lr': 0.5})
    assert opt.param_groups[1]['momentum'] == 0.5 and opt.param_groups[1]['lr'] == 0.5
    with pytest.raises(ValueError, match='more than one parameter group'):
        opt.add_param_group({'params': [a]})
    for group in opt.param_groups:
        group['lr'] = 1.0  # takes effect at the next step
    opt.param_groups[1]['momentum'] = 0
    a.grad, b.grad = minigrad.ones(2), minigrad.ones(2)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0, 0])
    np.testing.assert_allclose(b.detach().numpy(), [0, 0])
    # Adagrad makes its state for every parameter, also for groups added later (as PyTorch does)
    ada = optim.Adagrad([a], initial_accumulator_value=0.5)
    ada.add_param_group({'params': [b]})
    assert float(ada.state[b]['sum'][0]) == 0.5


def test_named_parameters_are_accepted_and_named_in_the_state_dict():
    model = make_model()
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    topt = torch.optim.SGD(tmodel.named_parameters(), lr=0.1)
    assert opt.state_dict()['param_groups'] == topt.state_dict()['param_groups']


def test_zero_grad_sets_to_none_by_default():
    w = nn.Parameter(minigrad.ones(2))
    opt = optim.Adam([w])
    w.grad = minigrad.ones(2)
    opt.zero_grad()
    assert w.grad is None
    w.grad = minigrad.ones(2)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.numpy(), [0, 0])


@pytest.mark.parametrize('lib', ['minigrad', 'torch'])
def test_optimizer_hooks_behave_like_torch(lib):
    L = minigrad if lib == 'minigrad' else torch
    w = L.nn.Parameter(L.ones(2))
    opt = L.optim.SGD([w], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(('pre', o is opt)))
    post = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(('post', len(args))))
    import importlib
    module = importlib.import_module(L.__name__ + '.optim.optimizer')
    glob = module.register_optimizer_step_pre_hook(lambda o, a, k: calls.append(('global', 0)))
    w.grad = L.ones(2)
    opt.step()
    assert calls == [('global', 0), ('pre', True), ('post', 1)]  # args = (optimizer,) as in PyTorch
    pre.remove()
    post.remove()
    glob.remove()
    opt.step()
    assert len(calls) == 3
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, 'extra': 1})
    opt.register_state_dict_pre_hook(lambda o: calls.append('sd'))
    sd = opt.state_dict()
    assert sd['extra'] == 1 and calls[-1] == 'sd'
    loaded = []
    opt.register_load_state_dict_pre_hook(lambda o, d: {k: v for k, v in d.items() if k != 'extra'})
    opt.register_load_state_dict_post_hook(lambda o: loaded.append(True))
    opt.load_state_dict(sd)
    assert loaded == [True]
    # a scheduler still tells that step ran (it wraps the hooked step)
    sched = L.optim.lr_scheduler.StepLR(opt, 1)
    opt.step()
    sched.step()
