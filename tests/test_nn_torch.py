"""Cross-checks against PyTorch: layers, losses and optimisers give PyTorch's numbers for the same
weights and inputs; Linear's initial weights follow PyTorch's distribution."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F

torch = pytest.importorskip('torch')
pytestmark = pytest.mark.torch

f64 = minigrad.float64


def arr(t):
    return t.detach().numpy()


def tarr(t):
    return t.detach().cpu().numpy()


def pair(array, requires_grad=True):
    """The same float64 values as a minigrad tensor and a torch tensor."""
    array = np.asarray(array)
    ours = minigrad.tensor(array, requires_grad=requires_grad and array.dtype.kind == 'f')
    theirs = torch.tensor(array, requires_grad=requires_grad and array.dtype.kind == 'f')
    return ours, theirs


def copy_linear(ours, theirs):
    """Give a torch Linear the weights of a minigrad Linear."""
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(arr(ours.weight)))
        if ours.bias is not None:
            theirs.bias.copy_(torch.from_numpy(arr(ours.bias)))


def assert_close(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(arr(ours), tarr(theirs), rtol=rtol, atol=atol)


# -------------------------------------------------------------------------------------------- layers
@pytest.mark.parametrize('bias', [True, False])
@pytest.mark.parametrize('shape', [(5, 4), (2, 3, 4)])
def test_linear_forward_and_gradients(bias, shape):
    rng = np.random.default_rng(0)
    ours = nn.Linear(4, 3, bias=bias, dtype=f64)
    theirs = torch.nn.Linear(4, 3, bias=bias, dtype=torch.float64)
    copy_linear(ours, theirs)
    x, xt = pair(rng.standard_normal(shape))
    g = rng.standard_normal(shape[:-1] + (3,))
    (ours(x) * minigrad.tensor(g)).sum().backward()
    (theirs(xt) * torch.tensor(g)).sum().backward()
    assert_close(ours(x), theirs(xt))
    assert_close(x.grad, xt.grad)
    assert_close(ours.weight.grad, theirs.weight.grad)
    if bias:
        assert_close(ours.bias.grad, theirs.bias.grad)


@pytest.mark.parametrize('name', ['ReLU', 'Sigmoid', 'Tanh', 'Flatten', 'Identity'])
def test_parameter_free_layers(name):
    rng = np.random.default_rng(1)
    data = rng.standard_normal((3, 2, 4))
    data[0, 0, 0] = 0.0  # the kink of relu: both give gradient 0 there
    x, xt = pair(data)
    ours, theirs = getattr(nn, name)(), getattr(torch.nn, name)()
    g = rng.standard_normal(tuple(theirs(xt).shape))
    (ours(x) * minigrad.tensor(g)).sum().backward()
    (theirs(xt) * torch.tensor(g)).sum().backward()
    assert_close(ours(x), theirs(xt))
    assert_close(x.grad, xt.grad)


@pytest.mark.parametrize('name,dim', [('Softmax', 1), ('Softmax', -1), ('LogSoftmax', 1), ('LogSoftmax', 0)])
def test_softmax_layers(name, dim):
    rng = np.random.default_rng(2)
    x, xt = pair(rng.standard_normal((4, 5)) * 3)
    g = rng.standard_normal((4, 5))
    ours, theirs = getattr(nn, name)(dim=dim), getattr(torch.nn, name)(dim=dim)
    (ours(x) * minigrad.tensor(g)).sum().backward()
    (theirs(xt) * torch.tensor(g)).sum().backward()
    assert_close(ours(x), theirs(xt))
    assert_close(x.grad, xt.grad)


def test_dropout_in_eval_and_train_mode():
    x, xt = pair(np.ones((50, 40)))
    assert_close(nn.Dropout(0.3).eval()(x), torch.nn.Dropout(0.3).eval()(xt))
    # In training the masks differ (different generators); the surviving values must agree.
    ours, theirs = arr(nn.Dropout(0.3)(x)), tarr(torch.nn.Dropout(0.3)(xt))
    np.testing.assert_allclose(np.unique(ours), np.unique(theirs))


def test_sequential_mlp_end_to_end():
    rng = np.random.default_rng(3)
    ours = nn.Sequential(nn.Flatten(), nn.Linear(12, 8, dtype=f64), nn.ReLU(), nn.Linear(8, 3, dtype=f64))
    theirs = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 8), torch.nn.ReLU(),
                                 torch.nn.Linear(8, 3)).double()
    copy_linear(ours[1], theirs[1])
    copy_linear(ours[3], theirs[3])
    x, xt = pair(rng.standard_normal((6, 3, 4)), requires_grad=False)
    y, yt = pair(rng.integers(0, 3, 6), requires_grad=False)
    F.cross_entropy(ours(x), y).backward()
    torch.nn.functional.cross_entropy(theirs(xt), yt).backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)
    assert list(ours.state_dict()) == list(theirs.state_dict())


# -------------------------------------------------------------------------------------------- losses
@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_mse_loss(reduction):
    rng = np.random.default_rng(4)
    a, at = pair(rng.standard_normal((5, 3)))
    b, bt = pair(rng.standard_normal((5, 3)))
    ours = nn.MSELoss(reduction=reduction)(a, b)
    theirs = torch.nn.MSELoss(reduction=reduction)(at, bt)
    assert_close(ours, theirs)
    g = rng.standard_normal(tuple(theirs.shape))
    (ours * minigrad.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    assert_close(a.grad, at.grad)
    assert_close(b.grad, bt.grad)


CE_CASES = {
    'plain': {},
    'weight': {'weight': [0.2, 1.0, 3.0, 0.7]},
    'ignore': {'ignore_index': 1},
    'smoothing': {'label_smoothing': 0.15},
    'everything': {'weight': [0.2, 1.0, 3.0, 0.7], 'ignore_index': 2, 'label_smoothing': 0.3},
}


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
@pytest.mark.parametrize('case', sorted(CE_CASES))
def test_cross_entropy_with_class_indices(case, reduction):
    rng = np.random.default_rng(5)
    kwargs = dict(CE_CASES[case])
    logits, lt = pair(rng.standard_normal((7, 4)) * 2)
    labels = rng.integers(0, 4, 7)
    labels[0] = kwargs.get('ignore_index', labels[0])
    y, yt = pair(labels, requires_grad=False)
    ours_kwargs, torch_kwargs = dict(kwargs), dict(kwargs)
    if 'weight' in kwargs:
        ours_kwargs['weight'] = minigrad.tensor(kwargs['weight'], dtype=f64)
        torch_kwargs['weight'] = torch.tensor(kwargs['weight'], dtype=torch.float64)
    ours = nn.CrossEntropyLoss(reduction=reduction, **ours_kwargs)(logits, y)
    theirs = torch.nn.CrossEntropyLoss(reduction=reduction, **torch_kwargs)(lt, yt)
    assert_close(ours, theirs)
    g = rng.standard_normal(tuple(theirs.shape))
    (ours * minigrad.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    assert_close(logits.grad, lt.grad)


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
@pytest.mark.parametrize('smoothing', [0.0, 0.2])
def test_cross_entropy_with_probabilities_differentiates_the_target_too(reduction, smoothing):
    rng = np.random.default_rng(6)
    logits, lt = pair(rng.standard_normal((5, 3)))
    q = rng.random((5, 3))
    probs, pt = pair(q / q.sum(1, keepdims=True))
    w = [1.0, 0.5, 2.0]
    ours = F.cross_entropy(logits, probs, weight=minigrad.tensor(w, dtype=f64), reduction=reduction,
                           label_smoothing=smoothing)
    theirs = torch.nn.functional.cross_entropy(lt, pt, weight=torch.tensor(w, dtype=torch.float64),
                                               reduction=reduction, label_smoothing=smoothing)
    assert_close(ours, theirs)
    g = rng.standard_normal(tuple(theirs.shape))
    (ours * minigrad.tensor(g)).sum().backward()
    (theirs * torch.tensor(g)).sum().backward()
    assert_close(logits.grad, lt.grad)
    assert_close(probs.grad, pt.grad)


def test_cross_entropy_spatial_and_one_dimensional_inputs():
    rng = np.random.default_rng(7)
    logits, lt = pair(rng.standard_normal((2, 4, 3, 2)))
    y, yt = pair(rng.integers(0, 4, (2, 3, 2)), requires_grad=False)
    assert_close(F.cross_entropy(logits, y, reduction='none'),
                 torch.nn.functional.cross_entropy(lt, yt, reduction='none'))
    F.cross_entropy(logits, y).backward()
    torch.nn.functional.cross_entropy(lt, yt).backward()
    assert_close(logits.grad, lt.grad)
    single, st = pair(rng.standard_normal(5))
    assert_close(F.cross_entropy(single, minigrad.tensor(3)), torch.nn.functional.cross_entropy(st, torch.tensor(3)))


def test_cross_entropy_huge_logits_match_torch_in_float32():
    data = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=np.float32)
    x, xt = pair(data)
    y, yt = pair(np.array([1, 0]), requires_grad=False)
    F.cross_entropy(x, y).backward()
    loss_t = torch.nn.functional.cross_entropy(xt, yt)
    loss_t.backward()
    assert F.cross_entropy(x, y).item() == pytest.approx(loss_t.item(), rel=1e-6)
    np.testing.assert_allclose(arr(x.grad), tarr(xt.grad), atol=1e-7)


# ---------------------------------------------------------------------------------------- optimisers
def _make_problem():
    rng = np.random.default_rng(8)
    X = rng.standard_normal((32, 5))
    y = rng.integers(0, 3, 32)
    w1, b1 = rng.standard_normal((6, 5)) * 0.5, rng.standard_normal(6) * 0.1
    w2, b2 = rng.standard_normal((3, 6)) * 0.5, rng.standard_normal(3) * 0.1
    return X, y, [w1, b1, w2, b2]


def _run_ours(make_opt, steps=50):
    X, y, init = _make_problem()
    params = [nn.Parameter(minigrad.tensor(a)) for a in init]
    opt = make_opt(minigrad.optim, params)
    Xm, ym = minigrad.tensor(X), minigrad.tensor(y)
    trajectory = []
    for _ in range(steps):
        h = F.relu(F.linear(Xm, params[0], params[1]))
        loss = F.cross_entropy(F.linear(h, params[2], params[3]), ym)
        opt.zero_grad()
        loss.backward()
        opt.step()
        trajectory.append([arr(p).copy() for p in params])
    return trajectory


def _run_torch(make_opt, steps=50):
    X, y, init = _make_problem()
    params = [torch.nn.Parameter(torch.tensor(a)) for a in init]
    opt = make_opt(torch.optim, params)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    trajectory = []
    for _ in range(steps):
        h = torch.nn.functional.relu(torch.nn.functional.linear(Xt, params[0], params[1]))
        loss = torch.nn.functional.cross_entropy(torch.nn.functional.linear(h, params[2], params[3]), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        trajectory.append([tarr(p).copy() for p in params])
    return trajectory


OPTIMISERS = {
    'sgd': lambda o, p: o.SGD(p, lr=0.1),
    'sgd-momentum': lambda o, p: o.SGD(p, lr=0.05, momentum=0.9),
    'sgd-dampening': lambda o, p: o.SGD(p, lr=0.05, momentum=0.8, dampening=0.3),
    'sgd-weight-decay': lambda o, p: o.SGD(p, lr=0.1, weight_decay=0.01),
    'sgd-momentum-weight-decay': lambda o, p: o.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.05),
    'sgd-nesterov': lambda o, p: o.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    'sgd-maximize': lambda o, p: o.SGD(p, lr=0.01, momentum=0.5, maximize=True),
    'sgd-groups': lambda o, p: o.SGD([{'params': p[:2], 'lr': 0.2}, {'params': p[2:], 'weight_decay': 0.1}],
                                     lr=0.05, momentum=0.5),
    'adam': lambda o, p: o.Adam(p, lr=0.01),
    'adam-betas-eps': lambda o, p: o.Adam(p, lr=0.02, betas=(0.5, 0.9), eps=1e-6),
    'adam-weight-decay': lambda o, p: o.Adam(p, lr=0.01, weight_decay=0.1),
    'adam-amsgrad': lambda o, p: o.Adam(p, lr=0.01, amsgrad=True),
    'adam-decoupled': lambda o, p: o.Adam(p, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    'adamw': lambda o, p: o.AdamW(p, lr=0.01),
    'adamw-amsgrad': lambda o, p: o.AdamW(p, lr=0.01, weight_decay=0.05, amsgrad=True),
}


@pytest.mark.parametrize('name', sorted(OPTIMISERS))
def test_fifty_steps_follow_pytorchs_trajectory(name):
    ours, theirs = _run_ours(OPTIMISERS[name]), _run_torch(OPTIMISERS[name])
    assert np.abs(ours[-1][0] - _make_problem()[2][0]).max() > 1e-3, 'the weights should have moved'
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for p, q in zip(a, b):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-6, err_msg=f'{name}: step {step + 1}')


def test_state_dict_layout_matches_torch():
    X, y, init = _make_problem()
    ours = minigrad.optim.Adam([nn.Parameter(minigrad.tensor(a)) for a in init], lr=0.01)
    theirs = torch.optim.Adam([torch.nn.Parameter(torch.tensor(a)) for a in init], lr=0.01)
    a, b = ours.state_dict(), theirs.state_dict()
    assert a['param_groups'][0]['params'] == b['param_groups'][0]['params']
    shared = {'lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize', 'decoupled_weight_decay'}
    assert {k: a['param_groups'][0][k] for k in shared} == {k: b['param_groups'][0][k] for k in shared}


# ------------------------------------------------------------------------------------ initialisation
def _ks_statistic(sample, cdf):
    """Kolmogorov-Smirnov distance between a sample and a continuous CDF."""
    x = np.sort(sample)
    n = len(x)
    f = cdf(x)
    return max((np.arange(1, n + 1) / n - f).max(), (f - np.arange(n) / n).max())


def _ks_two_sample(a, b):
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    return np.abs(np.searchsorted(a, grid, side='right') / len(a) -
                  np.searchsorted(b, grid, side='right') / len(b)).max()


def test_linear_init_matches_pytorchs_distribution():
    # KS tests at the 0.1% level (critical value 1.95 / sqrt(n_eff)): a wrong bound (e.g. sqrt(6/fan_in),
    # Kaiming for relu) or a normal instead of a uniform distribution fails them by a wide margin.
    minigrad.manual_seed(1234)
    torch.manual_seed(1234)
    in_features, out_features = 300, 200
    ours = arr(nn.Linear(in_features, out_features).weight).ravel().astype(np.float64)
    theirs = tarr(torch.nn.Linear(in_features, out_features).weight).ravel().astype(np.float64)
    bound = 1 / math.sqrt(in_features)
    assert np.abs(ours).max() <= bound and np.abs(ours).max() > 0.99 * bound
    n = len(ours)
    uniform_cdf = lambda x: np.clip((x + bound) / (2 * bound), 0, 1)  # noqa: E731
    assert _ks_statistic(ours, uniform_cdf) < 1.95 / math.sqrt(n)
    assert _ks_two_sample(ours, theirs) < 1.95 * math.sqrt(2 / n)
    # the same test rejects a distribution with a different bound, so it can fail
    wrong = np.random.default_rng(0).uniform(-math.sqrt(6 / in_features), math.sqrt(6 / in_features), n)
    assert _ks_two_sample(wrong, theirs) > 1.95 * math.sqrt(2 / n)


def test_bias_init_matches_pytorchs_bounds():
    minigrad.manual_seed(0)
    biases = np.concatenate([arr(nn.Linear(50, 400).bias) for _ in range(20)]).astype(np.float64)
    bound = 1 / math.sqrt(50)
    assert np.abs(biases).max() <= bound
    assert _ks_statistic(biases, lambda x: np.clip((x + bound) / (2 * bound), 0, 1)) < 1.95 / math.sqrt(len(biases))


@pytest.mark.parametrize('fn,kwargs', [('xavier_uniform_', {}), ('xavier_normal_', {'gain': 2.0}),
                                       ('kaiming_uniform_', {'a': math.sqrt(5)}),
                                       ('kaiming_normal_', {'mode': 'fan_out', 'nonlinearity': 'relu'}),
                                       ('uniform_', {'a': -0.5, 'b': 2.0}), ('normal_', {'mean': 1.0, 'std': 0.3})])
def test_init_functions_match_pytorchs_distributions(fn, kwargs):
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    ours = getattr(nn.init, fn)(minigrad.empty(200, 150, 2), **kwargs)
    theirs = getattr(torch.nn.init, fn)(torch.empty(200, 150, 2), **kwargs)
    n = ours.numel()
    assert _ks_two_sample(arr(ours).ravel(), tarr(theirs).ravel()) < 1.95 * math.sqrt(2 / n)


@pytest.mark.parametrize('args', [('linear',), ('sigmoid',), ('tanh',), ('relu',), ('leaky_relu',),
                                  ('leaky_relu', 0.2), ('selu',)])
def test_calculate_gain_matches(args):
    assert nn.init.calculate_gain(*args) == pytest.approx(torch.nn.init.calculate_gain(*args))


def test_module_reprs_match_torch():
    assert repr(nn.Linear(3, 4)) == repr(torch.nn.Linear(3, 4))
    for ours, theirs in [(nn.ReLU(), torch.nn.ReLU()), (nn.Flatten(), torch.nn.Flatten()),
                         (nn.Dropout(0.1), torch.nn.Dropout(0.1)), (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
                         (nn.LazyLinear(5), torch.nn.LazyLinear(5))]:
        assert repr(ours) == repr(theirs)
    a = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    b = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(3, 1)))
    assert repr(a) == repr(b)
