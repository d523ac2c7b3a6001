"""Everyday nn, optim and lr_scheduler code: containers, buffers, hooks, state dicts, modes, losses,
functional forms, optimisers with param groups, schedulers, gradient clipping."""
import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def idiom_module_bookkeeping(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(2)])
            self.heads = nn.ModuleDict({'a': nn.Linear(3, 1), 'b': nn.Linear(3, 2)})
            self.register_buffer('running', lib.zeros(3))
            self.register_buffer('tmp', lib.ones(1), persistent=False)
            self.scale = nn.Parameter(lib.ones(1))

        def forward(self, x):
            for layer in self.layers:
                x = lib.relu(layer(x))
            return self.heads['a'](x) * self.scale, self.heads['b'](x)
    net = set_params(Net(), lib)
    x = lib.tensor(data(0, 4, 3))
    a, b = net(x)
    (a.sum() + b.sum()).backward()
    net.zero_grad()
    grads_after_zero = [p.grad is None for p in net.parameters()]
    net.requires_grad_(False)
    rg = [p.requires_grad for p in net.parameters()]
    net.eval()
    modes = [m.training for m in net.modules()]
    net.train()
    return dict(a=a, b=b, names=[n for n, _ in net.named_parameters()], buffers=[n for n, _ in net.named_buffers()],
                sd=list(net.state_dict().keys()), children=[n for n, _ in net.named_children()],
                n=sum(p.numel() for p in net.parameters() if p.requires_grad is False), zero=grads_after_zero,
                rg=rg, modes=modes, train=net.training, len=len(net.layers), keys=list(net.heads.keys()),
                getattr_buf=net.running, in_list=isinstance(net.layers[0], nn.Linear))


def idiom_state_dict_roundtrip(lib):
    nn = lib.nn
    net = set_params(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)), lib)
    x = lib.tensor(data(1, 8, 3))
    net(x)
    sd = net.state_dict()
    net2 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    net2.load_state_dict(sd)
    net.eval()
    net2.eval()
    missing = net2.load_state_dict({k: v for k, v in sd.items() if k != '3.bias'}, strict=False)
    try:
        net2.load_state_dict({'bogus': lib.zeros(1)})
        raised = False
    except RuntimeError:
        raised = True
    return (net(x), net2(x), list(sd.keys()), sd['1.running_mean'], sd['1.num_batches_tracked'],
            list(missing.missing_keys), list(missing.unexpected_keys), raised)


def idiom_hooks(lib):
    nn = lib.nn
    lin = set_params(nn.Linear(2, 2), lib)
    seen = []
    h1 = lin.register_forward_hook(lambda m, inp, out: seen.append(('fwd', out.shape)))
    h2 = lin.register_forward_pre_hook(lambda m, inp: seen.append(('pre', inp[0].shape)))
    h3 = lin.register_full_backward_hook(lambda m, gin, gout: seen.append(('bwd', gout[0].shape)))
    x = lib.tensor(data(2, 3, 2), requires_grad=True)
    lin(x).sum().backward()
    for h in (h1, h2, h3):
        h.remove()
    lin(x)
    lin2 = set_params(nn.Linear(2, 2), lib)
    lin2.register_forward_hook(lambda m, inp, out: out * 2)
    return seen, lin2(x), x.grad


def idiom_losses(lib):
    nn, F = lib.nn, lib.nn.functional
    logits = lib.tensor(data(3, 4, 5), requires_grad=True)
    target = lib.tensor([1, 0, 4, 2])
    probs_t = lib.softmax(lib.tensor(data(4, 4, 5)), dim=1)
    y = lib.tensor(data(5, 4, 5))
    b = lib.tensor([[1.0, 0.0, 1.0, 0.0, 1.0]] * 4)
    out = dict(
        ce=nn.CrossEntropyLoss()(logits, target), ce_sum=F.cross_entropy(logits, target, reduction='sum'),
        ce_smooth=F.cross_entropy(logits, target, label_smoothing=0.1),
        ce_weight=F.cross_entropy(logits, target, weight=lib.tensor([1.0, 2, 3, 4, 5])),
        ce_ignore=F.cross_entropy(logits, lib.tensor([1, -100, 4, 2])),
        ce_probs=F.cross_entropy(logits, probs_t),
        nll=F.nll_loss(F.log_softmax(logits, dim=1), target), mse=F.mse_loss(logits, y),
        l1=nn.L1Loss()(logits, y), huber=F.huber_loss(logits, y), smooth=F.smooth_l1_loss(logits, y, beta=0.5),
        bce=F.binary_cross_entropy(lib.sigmoid(logits), b), bcel=nn.BCEWithLogitsLoss(pos_weight=lib.ones(5) * 2)(logits, b),
        kl=F.kl_div(F.log_softmax(logits, 1), probs_t, reduction='batchmean'))
    total = sum(v for v in out.values())
    total.backward()
    out['grad'] = logits.grad
    return out


def idiom_functional_forms(lib):
    F = lib.nn.functional
    x = lib.tensor(data(6, 2, 6), requires_grad=True)
    w = lib.tensor(data(7, 3, 6))
    outs = dict(linear=F.linear(x, w, lib.ones(3)), relu=F.relu(x), lrelu=F.leaky_relu(x, 0.1), gelu=F.gelu(x),
                gelu_tanh=F.gelu(x, approximate='tanh'), silu=F.silu(x), elu=F.elu(x), softplus=F.softplus(x),
                sm=F.softmax(x, dim=-1), lsm=F.log_softmax(x, dim=1), tanh=F.tanh(x), sig=F.sigmoid(x),
                norm=F.normalize(x, dim=1), ln=F.layer_norm(x, (6,)), one_hot=F.one_hot(lib.tensor([0, 2]), 4),
                hardtanh=F.hardtanh(x), relu6=F.relu6(x * 4), cos=F.cosine_similarity(x, x + 1, dim=1),
                emb=F.embedding(lib.tensor([1, 0]), w), drop_eval=F.dropout(x, 0.3, training=False))
    sum(v.sum() for k, v in outs.items() if v.dtype == lib.float32).backward()
    outs['grad'] = x.grad
    return outs


def idiom_sequential_api(lib):
    nn = lib.nn
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    net.append(nn.Linear(3, 1))
    net.add_module('act', nn.Sigmoid())
    sub = net[1:3]
    from collections import OrderedDict
    named = nn.Sequential(OrderedDict([('fc', nn.Linear(2, 2)), ('relu', nn.ReLU())]))
    return (len(net), [type(m).__name__ for m in net], type(sub).__name__, len(sub), named.fc.in_features,
            [n for n, _ in named.named_children()], type(net[-1]).__name__)


def idiom_optimisers(lib):
    nn, optim = lib.nn, lib.optim
    results = {}
    for name, make in [('sgd', lambda p: optim.SGD(p, lr=0.1)),
                       ('sgd_nesterov', lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
                       ('adam', lambda p: optim.Adam(p, lr=0.01)),
                       ('adam_amsgrad', lambda p: optim.Adam(p, lr=0.01, amsgrad=True, weight_decay=0.1)),
                       ('adamw', lambda p: optim.AdamW(p, lr=0.01)),
                       ('rmsprop', lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5)),
                       ('adagrad', lambda p: optim.Adagrad(p, lr=0.1)),
                       ('adadelta', lambda p: optim.Adadelta(p)),
                       ('adamax', lambda p: optim.Adamax(p)),
                       ('nadam', lambda p: optim.NAdam(p)),
                       ('radam', lambda p: optim.RAdam(p))]:
        net = set_params(nn.Linear(3, 2), lib)
        opt = make(net.parameters())
        x = lib.tensor(data(8, 5, 3))
        for _ in range(4):
            opt.zero_grad()
            loss = (net(x) ** 2).mean()
            loss.backward()
            opt.step()
        results[name] = (net.weight, net.bias, sorted(opt.state_dict()['state'].get(0, {}).keys()))
    return results


def idiom_param_groups_and_lr_change(lib):
    nn, optim = lib.nn, lib.optim
    net = set_params(nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1)), lib)
    opt = optim.SGD([{'params': net[0].parameters()}, {'params': net[1].parameters(), 'lr': 0.01}], lr=0.1, momentum=0.9)
    x = lib.tensor(data(9, 4, 3))
    for step in range(3):
        opt.zero_grad()
        net(x).pow(2).mean().backward()
        opt.step()
        for g in opt.param_groups:
            g['lr'] *= 0.5
    opt.add_param_group({'params': [nn.Parameter(lib.ones(2))], 'lr': 1.0})
    sd = opt.state_dict()
    return (net[0].weight, net[1].weight, [g['lr'] for g in opt.param_groups], len(opt.param_groups),
            sorted(sd['param_groups'][0].keys()), sd['param_groups'][1]['params'])


def idiom_schedulers(lib):
    nn, optim = lib.nn, lib.optim
    sched = optim.lr_scheduler
    out = {}
    for name, make in [('step', lambda o: sched.StepLR(o, step_size=2, gamma=0.5)),
                       ('multistep', lambda o: sched.MultiStepLR(o, milestones=[2, 4], gamma=0.1)),
                       ('exp', lambda o: sched.ExponentialLR(o, gamma=0.9)),
                       ('cos', lambda o: sched.CosineAnnealingLR(o, T_max=5)),
                       ('lambda', lambda o: sched.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e)),
                       ('onecycle', lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=7)),
                       ('linear', lambda o: sched.LinearLR(o, start_factor=0.5, total_iters=3)),
                       ('warm', lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=3))]:
        p = nn.Parameter(lib.ones(1))
        opt = optim.SGD([p], lr=0.1)
        s = make(opt)
        lrs = []
        for epoch in range(6):
            opt.step()
            s.step()
            lrs.append(round(s.get_last_lr()[0], 10))
        out[name] = lrs
    p = nn.Parameter(lib.ones(1))
    opt = optim.SGD([p], lr=0.1)
    plateau = sched.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    lrs = []
    for v in [1.0, 0.9, 0.9, 0.9, 0.9, 0.8]:
        plateau.step(v)
        lrs.append(opt.param_groups[0]['lr'])
    out['plateau'] = lrs
    return out


def idiom_clip_grad(lib):
    nn = lib.nn
    net = set_params(nn.Linear(4, 3), lib, scale=3.0)
    net(lib.tensor(data(10, 2, 4))).pow(2).sum().backward()
    total = nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
    after = [p.grad.clone() for p in net.parameters()]
    nn.utils.clip_grad_value_(net.parameters(), clip_value=0.1)
    vec = nn.utils.parameters_to_vector(net.parameters())
    return total, after, [p.grad for p in net.parameters()], vec.shape


def idiom_batchnorm_layernorm(lib):
    nn = lib.nn
    bn = nn.BatchNorm1d(3)
    x = lib.tensor(data(11, 6, 3)) * 2 + 1
    y_train = bn(x)
    bn.eval()
    y_eval = bn(x)
    ln = nn.LayerNorm(3)
    gn = nn.GroupNorm(1, 3)
    return y_train, y_eval, bn.running_mean, bn.running_var, bn.num_batches_tracked, ln(x), gn(x)


def idiom_embedding_and_init(lib):
    nn = lib.nn
    emb = set_params(nn.Embedding(10, 4, padding_idx=0), lib)
    idx = lib.tensor([[0, 2, 9], [1, 1, 0]])
    out = emb(idx)
    out.sum().backward()
    return out, emb.weight.grad, emb.embedding_dim, emb.num_embeddings


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn, rtol=1e-4, atol=1e-5)
