"""The normalisation, activation, embedding, loss and container modules, module hooks and buffers, and
nn.utils against PyTorch: values, gradients, running statistics, state_dict keys and reprs."""
import collections
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn

torch = pytest.importorskip('torch')
tnn = torch.nn
pytestmark = pytest.mark.torch

rng = np.random.default_rng(7)


def arr(t):
    return t.detach().cpu().numpy()


def close(ours, theirs, rtol=1e-6, atol=1e-7):
    np.testing.assert_allclose(arr(ours), arr(theirs), rtol=rtol, atol=atol)


def copy_state(ours, theirs):
    """Give the torch module the minigrad module's parameters and buffers (same names)."""
    state = {k: torch.from_numpy(np.array(arr(v))) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state)


def pair(array, requires_grad=True):
    return (minigrad.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


# ---------------------------------------------------------------------------------------- batch norm
@pytest.mark.parametrize('cls,shape', [('BatchNorm1d', (8, 3)), ('BatchNorm1d', (4, 3, 5)),
                                       ('BatchNorm2d', (4, 3, 5, 2))])
@pytest.mark.parametrize('momentum', [0.1, None])
def test_batch_norm_running_stats_over_steps_then_eval(cls, shape, momentum):
    ours = getattr(nn, cls)(3, momentum=momentum).double()
    theirs = getattr(tnn, cls)(3, momentum=momentum).double()
    with minigrad.no_grad():
        ours.weight.copy_(minigrad.tensor(rng.standard_normal(3)))
        ours.bias.copy_(minigrad.tensor(rng.standard_normal(3)))
    copy_state(ours, theirs)
    for step in range(4):
        x = rng.standard_normal(shape) * (step + 1) + step
        a, b = pair(x)
        ya, yb = ours(a), theirs(b)
        close(ya, yb, 1e-10, 1e-12)
        g = rng.standard_normal(shape)
        (ya * minigrad.tensor(g)).sum().backward()
        (yb * torch.tensor(g)).sum().backward()
        close(a.grad, b.grad, 1e-9, 1e-11)
    for name in ('running_mean', 'running_var'):
        close(getattr(ours, name), getattr(theirs, name), 1e-10, 1e-12)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 4
    assert ours.num_batches_tracked.dtype == minigrad.int64
    close(ours.weight.grad, theirs.weight.grad, 1e-9, 1e-11)
    close(ours.bias.grad, theirs.bias.grad, 1e-9, 1e-11)
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    a, b = pair(x)
    ya, yb = ours(a), theirs(b)
    close(ya, yb, 1e-10, 1e-12)
    ya.sum().backward(), yb.sum().backward()
    close(a.grad, b.grad, 1e-10, 1e-12)
    assert int(ours.num_batches_tracked) == 4  # eval does not count


@pytest.mark.parametrize('affine,track', [(False, True), (True, False), (False, False)])
def test_batch_norm_options(affine, track):
    ours = nn.BatchNorm2d(2, affine=affine, track_running_stats=track)
    theirs = tnn.BatchNorm2d(2, affine=affine, track_running_stats=track)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)
    x = rng.standard_normal((3, 2, 4, 4)).astype(np.float32)
    close(ours(minigrad.tensor(x)), theirs(torch.tensor(x)), 1e-5, 1e-6)
    ours.eval(), theirs.eval()
    close(ours(minigrad.tensor(x)), theirs(torch.tensor(x)), 1e-5, 1e-6)


def test_batch_norm_state_dict_round_trip_and_to():
    bn = nn.BatchNorm1d(4)
    bn(minigrad.randn(6, 4) * 3 + 1)
    other = nn.BatchNorm1d(4)
    other.load_state_dict(bn.state_dict())
    for name in ('running_mean', 'running_var', 'num_batches_tracked'):
        np.testing.assert_array_equal(arr(getattr(other, name)), arr(getattr(bn, name)))
    other.double()
    assert other.running_mean.dtype == minigrad.float64 and other.weight.dtype == minigrad.float64
    assert other.num_batches_tracked.dtype == minigrad.int64
    saved = minigrad.load_state = None  # noqa: F841 (state dicts are plain tensors: torch loads them)
    theirs = tnn.BatchNorm1d(4)
    copy_state(bn, theirs)
    close(theirs.running_var, bn.running_var)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match='expected 4D input'):
        nn.BatchNorm2d(3)(minigrad.randn(2, 3))
    with pytest.raises(ValueError, match='more than 1 value per channel'):
        nn.BatchNorm1d(3)(minigrad.randn(1, 3))
    with pytest.raises(RuntimeError, match='num_features=3'):
        nn.BatchNorm1d(3)(minigrad.randn(4, 5))


def test_lazy_batch_norm():
    ours = nn.LazyBatchNorm2d()
    params = list(ours.parameters())
    x = rng.standard_normal((2, 5, 3, 3)).astype(np.float32)
    out = ours(minigrad.tensor(x))
    assert type(ours) is nn.BatchNorm2d and ours.num_features == 5
    assert params[0] is ours.weight and tuple(ours.weight.shape) == (5,)
    theirs = tnn.BatchNorm2d(5)
    close(out, theirs(torch.tensor(x)), 1e-5, 1e-6)
    close(ours.running_var, theirs.running_var, 1e-5, 1e-6)
    assert repr(ours) == repr(theirs)
    fresh = nn.LazyBatchNorm1d()
    fresh.load_state_dict(nn.BatchNorm1d(7).state_dict())
    assert type(fresh) is nn.BatchNorm1d and fresh.num_features == 7


@pytest.mark.parametrize('cls,shape,kwargs', [('InstanceNorm1d', (3, 4, 6), {}),
                                              ('InstanceNorm2d', (2, 4, 3, 3), {'affine': True}),
                                              ('InstanceNorm2d', (2, 4, 3, 3), {'track_running_stats': True}),
                                              ('InstanceNorm1d', (4, 6), {})])
def test_instance_norm(cls, shape, kwargs):
    ours, theirs = getattr(nn, cls)(4, **kwargs), getattr(tnn, cls)(4, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal(shape).astype(np.float32)
    close(ours(minigrad.tensor(x)), theirs(torch.tensor(x)), 1e-5, 1e-6)
    if kwargs.get('track_running_stats'):
        close(ours.running_mean, theirs.running_mean, 1e-5, 1e-6)
        close(ours.running_var, theirs.running_var, 1e-5, 1e-6)
        ours.eval(), theirs.eval()
        close(ours(minigrad.tensor(x)), theirs(torch.tensor(x)), 1e-5, 1e-6)


# --------------------------------------------------------------------------- layer and group norm
@pytest.mark.parametrize('make', [lambda m: m.LayerNorm(6), lambda m: m.LayerNorm([3, 6], eps=1e-3),
                                  lambda m: m.LayerNorm(6, elementwise_affine=False),
                                  lambda m: m.LayerNorm(6, bias=False),
                                  lambda m: m.GroupNorm(2, 4), lambda m: m.GroupNorm(1, 4, affine=False)])
def test_layer_and_group_norm_modules(make):
    ours, theirs = make(nn).double(), make(tnn).double()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for p in ours.parameters():
        with minigrad.no_grad():
            p.copy_(minigrad.tensor(rng.standard_normal(tuple(p.shape))))
    copy_state(ours, theirs)
    shape = (2, 4, 3, 6) if isinstance(ours, nn.GroupNorm) else (2, 3, 6)
    a, b = pair(rng.standard_normal(shape))
    ya, yb = ours(a), theirs(b)
    close(ya, yb, 1e-10, 1e-12)
    (ya ** 2).sum().backward(), (yb ** 2).sum().backward()
    close(a.grad, b.grad, 1e-9, 1e-11)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        close(p.grad, q.grad, 1e-9, 1e-11)


def test_group_norm_refuses_indivisible_channels():
    with pytest.raises(ValueError, match='divisible'):
        nn.GroupNorm(3, 4)


# ------------------------------------------------------------------------------------- activations
ACTIVATION_MODULES = [
    lambda m: m.LeakyReLU(), lambda m: m.LeakyReLU(0.2, inplace=True), lambda m: m.ELU(0.5),
    lambda m: m.CELU(), lambda m: m.SELU(), lambda m: m.GELU(), lambda m: m.GELU(approximate='tanh'),
    lambda m: m.SiLU(), lambda m: m.Mish(), lambda m: m.Softplus(beta=2, threshold=10),
    lambda m: m.ReLU6(), lambda m: m.Hardtanh(-2.0, 2.0), lambda m: m.Hardsigmoid(),
    lambda m: m.Hardswish(), lambda m: m.LogSigmoid(), lambda m: m.Softsign(), lambda m: m.Tanhshrink(),
    lambda m: m.Threshold(0.1, 20.0), lambda m: m.Hardshrink(), lambda m: m.Softshrink(0.2),
    lambda m: m.GLU(), lambda m: m.Softmin(dim=1), lambda m: m.Softmax(dim=-1),
    lambda m: m.LogSoftmax(dim=1), lambda m: m.PReLU(), lambda m: m.PReLU(4, init=0.1),
    lambda m: m.Identity(), lambda m: m.Unflatten(1, (2, 2)),
]


@pytest.mark.parametrize('index', range(len(ACTIVATION_MODULES)))
def test_activation_modules(index):
    make = ACTIVATION_MODULES[index]
    ours, theirs = make(nn), make(tnn)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = (rng.standard_normal((3, 4, 2)) * 3).astype(np.float32)
    a, b = pair(x)
    ya, yb = ours(a * 1), theirs(b * 1)
    close(ya, yb, 1e-5, 1e-6)
    ya.sum().backward(), yb.sum().backward()
    close(a.grad, b.grad, 1e-5, 1e-6)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        close(p.grad, q.grad, 1e-5, 1e-6)


# -------------------------------------------------------------------------------------- embedding
def test_embedding_module():
    minigrad.manual_seed(0)
    ours = nn.Embedding(10, 4, padding_idx=2)
    theirs = tnn.Embedding(10, 4, padding_idx=2)
    assert repr(ours) == repr(theirs)
    assert np.all(arr(ours.weight)[2] == 0)
    assert abs(float(arr(ours.weight).std()) - 1) < 0.5
    copy_state(ours, theirs)
    idx = np.array([[1, 2, 2], [9, 1, 0]])
    ya, yb = ours(minigrad.tensor(idx)), theirs(torch.tensor(idx))
    close(ya, yb)
    (ya * ya).sum().backward(), (yb * yb).sum().backward()
    close(ours.weight.grad, theirs.weight.grad)
    table = minigrad.randn(3, 2)
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad and frozen.weight.shape == (3, 2)
    assert repr(nn.Embedding(5, 2, max_norm=1.0)) == repr(tnn.Embedding(5, 2, max_norm=1.0))


# ------------------------------------------------------------------------------------------ losses
LOSSES = [
    ('NLLLoss', {}, 'logp'), ('NLLLoss', {'ignore_index': 1, 'reduction': 'sum'}, 'logp'),
    ('CrossEntropyLoss', {'label_smoothing': 0.1}, 'index'),
    ('CrossEntropyLoss', {'ignore_index': 0, 'reduction': 'none'}, 'index'),
    ('BCELoss', {}, 'prob'), ('BCEWithLogitsLoss', {}, 'binary'),
    ('L1Loss', {}, 'real'), ('SmoothL1Loss', {'beta': 0.5}, 'real'), ('HuberLoss', {'delta': 0.5}, 'real'),
    ('KLDivLoss', {'reduction': 'batchmean'}, 'dist'), ('KLDivLoss', {'log_target': True}, 'logdist'),
    ('MSELoss', {'reduction': 'sum'}, 'real'), ('SoftMarginLoss', {}, 'sign'),
    ('HingeEmbeddingLoss', {'margin': 0.5}, 'sign'), ('PoissonNLLLoss', {}, 'count'),
]


def _loss_inputs(kind):
    x = rng.standard_normal((6, 4))
    if kind == 'logp':
        return np.log(rng.dirichlet(np.ones(4), 6)), rng.integers(0, 4, 6)
    if kind == 'index':
        return x, rng.integers(0, 4, 6)
    if kind == 'prob':
        return rng.uniform(0.05, 0.95, (6, 4)), rng.uniform(0, 1, (6, 4))
    if kind == 'binary':
        return x, (rng.uniform(0, 1, (6, 4)) > 0.5).astype(float)
    if kind == 'dist':
        return np.log(rng.dirichlet(np.ones(4), 6)), rng.dirichlet(np.ones(4), 6)
    if kind == 'logdist':
        return np.log(rng.dirichlet(np.ones(4), 6)), np.log(rng.dirichlet(np.ones(4), 6))
    if kind == 'sign':
        return x, np.where(rng.uniform(size=(6, 4)) > 0.5, 1.0, -1.0)
    if kind == 'count':
        return x, rng.poisson(2.0, (6, 4)).astype(float)
    return x, rng.standard_normal((6, 4))


@pytest.mark.parametrize('name,kwargs,kind', LOSSES)
def test_loss_modules(name, kwargs, kind):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(tnn, name)(**kwargs)
    x, t = _loss_inputs(kind)
    a, b = pair(x)
    la = ours(a, minigrad.tensor(t))
    lb = theirs(b, torch.tensor(t))
    close(la, lb, 1e-10, 1e-12)
    la.sum().backward(), lb.sum().backward()
    close(a.grad, b.grad, 1e-10, 1e-12)


def test_weighted_loss_modules_keep_weights_as_buffers():
    w = rng.uniform(0.5, 2, 4)
    pw = rng.uniform(0.5, 2, 4)
    for make in (lambda m, lib: m.CrossEntropyLoss(weight=lib.tensor(w)),
                 lambda m, lib: m.NLLLoss(weight=lib.tensor(w)),
                 lambda m, lib: m.BCELoss(weight=lib.tensor(w)),
                 lambda m, lib: m.BCEWithLogitsLoss(pos_weight=lib.tensor(pw)),
                 lambda m, lib: m.BCEWithLogitsLoss()):
        ours, theirs = make(nn, minigrad), make(tnn, torch)
        assert list(ours.state_dict()) == list(theirs.state_dict())
    x, t = _loss_inputs('binary')
    a, b = pair(x)
    la = nn.BCEWithLogitsLoss(pos_weight=minigrad.tensor(pw))(a, minigrad.tensor(t))
    lb = tnn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw))(b, torch.tensor(t))
    close(la, lb, 1e-10, 1e-12)
    la.backward(), lb.backward()
    close(a.grad, b.grad, 1e-10, 1e-12)


def test_three_input_losses():
    x1, x2, x3 = (rng.standard_normal((5, 3)) for _ in range(3))
    y = np.where(rng.uniform(size=5) > 0.5, 1.0, -1.0)
    for name, kwargs in (('CosineEmbeddingLoss', {'margin': 0.2}), ('MarginRankingLoss', {'margin': 0.1})):
        ours, theirs = getattr(nn, name)(**kwargs), getattr(tnn, name)(**kwargs)
        args = (x1, x2) if name == 'CosineEmbeddingLoss' else (x1[:, 0], x2[:, 0])
        close(ours(*map(minigrad.tensor, args), minigrad.tensor(y)),
              theirs(*map(torch.tensor, args), torch.tensor(y)), 1e-10, 1e-12)
    close(nn.TripletMarginLoss(margin=0.5)(*map(minigrad.tensor, (x1, x2, x3))),
          tnn.TripletMarginLoss(margin=0.5)(*map(torch.tensor, (x1, x2, x3))), 1e-10, 1e-12)
    v = rng.uniform(0.5, 2, (5, 3))
    close(nn.GaussianNLLLoss()(*map(minigrad.tensor, (x1, x2, v))),
          tnn.GaussianNLLLoss()(*map(torch.tensor, (x1, x2, v))), 1e-10, 1e-12)


def test_loss_reduction_is_checked_at_construction():
    with pytest.raises(ValueError, match='reduction'):
        nn.L1Loss(reduction='average')
    with pytest.raises(TypeError, match='deprecated'):
        nn.NLLLoss(size_average=True)


# -------------------------------------------------------------------------------------- containers
class Net(object):
    """The same architecture built with either library, for comparing state_dict keys."""

    @staticmethod
    def build(m):
        net = m.Sequential(collections.OrderedDict([
            ('embed', m.Embedding(10, 6)),
            ('norm', m.LayerNorm(6)),
            ('body', m.ModuleDict({'lin': m.Linear(6, 6), 'bn': m.BatchNorm1d(6), 'act': m.GELU()})),
            ('head', m.Linear(6, 10)),
        ]))
        net.scales = m.ParameterList([m.Parameter(torch.ones(2) if m is tnn else minigrad.ones(2))
                                      for _ in range(2)])
        net.extra = m.ParameterDict({'alpha': m.Parameter(torch.zeros(3) if m is tnn else
                                                          minigrad.zeros(3))})
        net.gate = m.PReLU()
        return net


def test_state_dict_keys_match_torch_for_the_same_architecture():
    ours, theirs = Net.build(nn), Net.build(tnn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert ours.get_parameter('body.lin.weight') is ours.body['lin'].weight
    assert ours.get_buffer('body.bn.running_mean') is ours.body['bn'].running_mean
    with pytest.raises(AttributeError):
        ours.get_parameter('body.lin.nothing')


def test_tied_weights_state_dict_lists_both_names_parameters_once():
    def build(m):
        net = m.Sequential(m.Embedding(5, 3), m.Linear(3, 5, bias=False))
        net[1].weight = net[0].weight
        return net
    ours, theirs = build(nn), build(tnn)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ['0.weight', '1.weight']
    assert len(list(ours.parameters())) == len(list(theirs.parameters())) == 1


def test_containers_behave_like_torch():
    d = nn.ModuleDict({'a': nn.ReLU()})
    d['b'] = nn.Tanh()
    d.update([('c', nn.GELU())])
    assert list(d) == ['a', 'b', 'c'] and 'b' in d and len(d) == 3
    assert isinstance(d.pop('a'), nn.ReLU) and list(d.keys()) == ['b', 'c']
    plist = nn.ParameterList([minigrad.zeros(2)])
    plist.append(minigrad.ones(3))
    assert all(isinstance(p, nn.Parameter) for p in plist) and len(plist) == 2
    assert [n for n, _ in plist.named_parameters()] == ['0', '1']
    pdict = nn.ParameterDict({'w': minigrad.ones(2)})
    pdict['b'] = nn.Parameter(minigrad.zeros(1))
    assert list(pdict) == ['w', 'b'] and isinstance(pdict['w'], nn.Parameter)
    with pytest.raises(TypeError):
        plist.append(3)
    seq = nn.Sequential(collections.OrderedDict([('first', nn.Linear(2, 3)), ('act', nn.ReLU())]))
    assert list(dict(seq.named_children())) == ['first', 'act'] and seq.first is seq[0]


# ---------------------------------------------------------------------------------------- buffers
def test_buffers_persistent_and_not():
    class WithBuffers(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer('kept', minigrad.ones(2))
            self.register_buffer('scratch', minigrad.zeros(3), persistent=False)

    m = WithBuffers()
    assert [n for n, _ in m.named_buffers()] == ['kept', 'scratch']
    assert list(m.state_dict()) == ['kept']
    m.to(minigrad.float64)
    assert m.kept.dtype == minigrad.float64 and m.scratch.dtype == minigrad.float64
    with pytest.raises(KeyError, match='already exists'):
        m.register_buffer('training', minigrad.zeros(1))
    m.kept = minigrad.zeros(2)
    assert 'kept' in dict(m.named_buffers())
    with pytest.raises(TypeError):
        m.kept = 3.0
    del m.kept
    assert 'kept' not in m.state_dict()


def test_zero_grad_and_requires_grad_():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    net(minigrad.randn(4, 2)).sum().backward()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(minigrad.randn(4, 2)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


# ------------------------------------------------------------------------------------------- hooks
def _hooked(m, lib, log):
    layer = m.Linear(3, 2).double()
    with lib.no_grad():
        layer.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 7))
        layer.bias.copy_(lib.tensor([0.5, -0.5], dtype=lib.float64))
    handles = [layer.register_forward_pre_hook(lambda mod, args: (args[0] * 2,)),
               layer.register_forward_hook(lambda mod, args, out: out + 1),
               layer.register_full_backward_hook(
                   lambda mod, gin, gout: log.append(('hook', arr(gin[0]).copy(), arr(gout[0]).copy()))),
               layer.register_full_backward_pre_hook(lambda mod, gout: log.append(('pre', arr(gout[0]))))]
    return layer, handles


def test_module_hooks_match_torch():
    results = []
    for m, lib in ((nn, minigrad), (tnn, torch)):
        log = []
        layer, handles = _hooked(m, lib, log)
        x = lib.tensor(rng.standard_normal((4, 3)) if lib is minigrad else results[0][3], requires_grad=True)
        y = layer(x)
        (y * y).sum().backward()
        results.append((arr(y), arr(x.grad), log, arr(x)))
        for h in handles:
            h.remove()
        assert arr(layer(x)).shape == (4, 2)
    (ya, ga, loga, _), (yb, gb, logb, _) = results
    np.testing.assert_allclose(ya, yb)
    np.testing.assert_allclose(ga, gb)
    assert [e[0] for e in loga] == [e[0] for e in logb] == ['pre', 'hook']
    for ea, eb in zip(loga, logb):
        for u, v in zip(ea[1:], eb[1:]):
            np.testing.assert_allclose(u, v)


def test_backward_hook_can_replace_grad_input_and_sees_none_for_data():
    for m, lib in ((nn, minigrad), (tnn, torch)):
        layer = m.Linear(3, 2)
        layer.register_full_backward_hook(lambda mod, gin, gout: (gin[0] * 0,))
        x = lib.ones(2, 3, requires_grad=True)
        layer(x).sum().backward()
        assert float(x.grad.abs().sum()) == 0
        seen = []
        first = m.Linear(3, 2)
        first.register_full_backward_hook(lambda mod, gin, gout: seen.append(gin))
        first(lib.ones(2, 3)).sum().backward()
        assert seen == [(None,)]


def test_forward_hook_with_kwargs_and_handle_as_context():
    layer = nn.Linear(2, 2)
    calls = []
    with layer.register_forward_hook(lambda mod, args, kwargs, out: calls.append(kwargs), with_kwargs=True):
        layer(minigrad.ones(1, 2))
    layer(minigrad.ones(1, 2))
    assert calls == [{}]


# ------------------------------------------------------------------------------------------ utils
def _grads_pair():
    shapes = [(3, 4), (4,), (2, 2)]
    grads = [rng.standard_normal(s) * 3 for s in shapes]
    ours = [minigrad.zeros(*s, dtype=minigrad.float64, requires_grad=True) for s in shapes]
    theirs = [torch.zeros(*s, dtype=torch.float64, requires_grad=True) for s in shapes]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = minigrad.tensor(g.copy()), torch.tensor(g.copy())
    return ours, theirs


@pytest.mark.parametrize('norm_type', [2.0, 1, 3.5, math.inf])
@pytest.mark.parametrize('max_norm', [0.5, 1e6])
def test_clip_grad_norm(norm_type, max_norm):
    ours, theirs = _grads_pair()
    ta = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    tb = tnn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(ta, minigrad.Tensor) and ta.ndim == 0
    close(ta, tb, 1e-12)
    for p, q in zip(ours, theirs):
        close(p.grad, q.grad, 1e-12)


def test_clip_grad_norm_nonfinite_and_value():
    p = minigrad.zeros(2, requires_grad=True)
    p.grad = minigrad.tensor([float('inf'), 1.0])
    with pytest.raises(RuntimeError, match='non-finite'):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    ours, theirs = _grads_pair()
    nn.utils.clip_grad_value_(ours, 0.7)
    tnn.utils.clip_grad_value_(theirs, 0.7)
    for a, b in zip(ours, theirs):
        close(a.grad, b.grad)
    assert float(nn.utils.clip_grad_norm_([minigrad.zeros(2, requires_grad=True)], 1.0)) == 0.0


def test_parameters_vector_round_trip():
    net = nn.Sequential(nn.Linear(3, 2), nn.LayerNorm(2))
    vec = nn.utils.parameters_to_vector(net.parameters())
    assert tuple(vec.shape) == (sum(p.numel() for p in net.parameters()),)
    nn.utils.vector_to_parameters(vec * 0 + 2, net.parameters())
    assert all(np.all(arr(p) == 2) for p in net.parameters())
    (nn.utils.parameters_to_vector(net.parameters()) ** 2).sum().backward()
    assert all(np.allclose(arr(p.grad), 4) for p in net.parameters())
    with pytest.raises(TypeError):
        nn.utils.vector_to_parameters([1.0], net.parameters())


@pytest.mark.parametrize('batch_first', [False, True])
@pytest.mark.parametrize('side', ['right', 'left'])
def test_pad_sequence(batch_first, side):
    seqs = [rng.standard_normal((n, 2)) for n in (3, 1, 4)]
    ours = [minigrad.tensor(s, requires_grad=True) for s in seqs]
    theirs = [torch.tensor(s, requires_grad=True) for s in seqs]
    a = nn.utils.rnn.pad_sequence(ours, batch_first=batch_first, padding_value=-1.0, padding_side=side)
    b = tnn.utils.rnn.pad_sequence(theirs, batch_first=batch_first, padding_value=-1.0, padding_side=side)
    close(a, b)
    (a * a).sum().backward(), (b * b).sum().backward()
    for p, q in zip(ours, theirs):
        close(p.grad, q.grad)


@pytest.mark.parametrize('make', [lambda m: m.RMSNorm(6), lambda m: m.RMSNorm([3, 6], eps=1e-4),
                                  lambda m: m.RMSNorm(6, elementwise_affine=False)])
def test_rms_norm(make):
    ours, theirs = make(nn), make(tnn)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal((2, 3, 6)).astype(np.float32)
    a, b = pair(x)
    ya, yb = ours(a), theirs(b)
    close(ya, yb, 1e-5, 1e-6)
    (ya * ya).sum().backward(), (yb * yb).sum().backward()
    close(a.grad, b.grad, 1e-4, 1e-5)


def test_distance_and_softmax2d_modules():
    x1, x2 = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    for make in (lambda m: m.CosineSimilarity(), lambda m: m.CosineSimilarity(dim=0, eps=1e-3),
                 lambda m: m.PairwiseDistance(), lambda m: m.PairwiseDistance(p=1.0, keepdim=True)):
        ours, theirs = make(nn), make(tnn)
        assert repr(ours) == repr(theirs)
        close(ours(minigrad.tensor(x1), minigrad.tensor(x2)), theirs(torch.tensor(x1), torch.tensor(x2)),
              1e-10, 1e-12)
    img = rng.standard_normal((2, 3, 4, 4))
    close(nn.Softmax2d()(minigrad.tensor(img)), tnn.Softmax2d()(torch.tensor(img)), 1e-10, 1e-12)
