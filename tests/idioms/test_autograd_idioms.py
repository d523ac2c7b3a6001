"""Autograd as the tutorials use it: "A gentle introduction to torch.autograd" and "Autograd mechanics"."""
import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def idiom_gentle_intro(lib):
    a = lib.tensor([2., 3.], requires_grad=True)
    b = lib.tensor([6., 4.], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    external_grad = lib.tensor([1., 1.])
    Q.backward(gradient=external_grad)
    return a.grad, b.grad, 9 * a ** 2 == a.grad, -2 * b == b.grad


def idiom_dag_requires_grad(lib):
    x = lib.rand(5, 5)
    y = lib.rand(5, 5)
    z = lib.rand((5, 5), requires_grad=True)
    a = x + y
    b = x + z
    return a.requires_grad, b.requires_grad


def idiom_frozen_finetune(lib):
    nn, optim = lib.nn, lib.optim
    model = set_params(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), lib)
    for param in model.parameters():
        param.requires_grad = False
    model[2] = set_params(nn.Linear(8, 5), lib, seed=1)
    optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    out = model(lib.tensor(data(0, 2, 4))).sum()
    out.backward()
    optimizer.step()
    return [p.grad is None for p in model.parameters()], model[2].weight, [p.requires_grad for p in model.parameters()]


def idiom_grad_function(lib):
    x = lib.tensor(data(1, 3), requires_grad=True)
    y = (x ** 3).sum()
    g, = lib.autograd.grad(y, x, create_graph=True)
    g2, = lib.autograd.grad(g.sum(), x)
    z = x * 2
    gz = lib.autograd.grad(z, x, grad_outputs=lib.ones_like(z))
    u = lib.tensor(1.0, requires_grad=True)
    v = lib.tensor(2.0, requires_grad=True)
    guv = lib.autograd.grad(u * v, [u, v])
    unused = lib.autograd.grad((u * 2), [u, v], allow_unused=True)
    return g, g2, gz, guv, unused[0], unused[1] is None


def idiom_retain_grad_and_hooks(lib):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    seen = []
    h = y.register_hook(lambda g: seen.append(g.clone()))
    x.register_hook(lambda g: g * 10)
    (y ** 2).sum().backward()
    h.remove()
    return y.grad, x.grad, seen, y.is_leaf, x.is_leaf


def idiom_no_grad_family(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.no_grad():
        y = x * 2
    with lib.set_grad_enabled(False):
        z = x * 2
    with lib.enable_grad():
        w = x * 2
    with lib.inference_mode():
        v = x * 2

    @lib.no_grad()
    def doubler(t):
        return t * 2

    @lib.no_grad
    def doubler2(t):
        return t * 2
    lib.set_grad_enabled(False)
    off = lib.is_grad_enabled()
    lib.set_grad_enabled(True)
    return (y.requires_grad, z.requires_grad, w.requires_grad, v.requires_grad, doubler(x).requires_grad,
            doubler2(x).requires_grad, off, lib.is_grad_enabled())


def idiom_grad_accumulation_and_zero(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        (w * w).sum().backward()
    acc = w.grad.clone()
    w.grad.zero_()
    (w * 3).sum().backward()
    w.grad = None
    (w ** 3).sum().backward()
    return acc, w.grad


def idiom_retain_graph_error(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    first = x.grad.clone()
    z = (x.exp()).sum()
    z.backward()
    try:
        z.backward()
        raised = False
    except RuntimeError:
        raised = True
    return first, raised


def idiom_nonscalar_backward_error(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    try:
        (x * 2).backward()
        raised = None
    except RuntimeError as e:
        raised = 'grad can be implicitly created only for scalar outputs' in str(e)
    return raised


def idiom_detach_and_data(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.detach()
    d = x.data
    return (y.requires_grad, d.requires_grad, y, x.detach().numpy(), x.clone().requires_grad,
            x.clone().is_leaf, x.requires_grad_(False).requires_grad)


def idiom_numpy_needs_detach(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    try:
        x.numpy()
        raised = False
    except RuntimeError:
        raised = True
    return raised


def idiom_leaf_inplace_error(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    try:
        x.add_(1)
        raised = False
    except RuntimeError:
        raised = True
    return raised


def idiom_grad_of_nonleaf_is_none(lib):
    import warnings
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return y.grad is None, x.grad


def idiom_functional_jacobian(lib):
    F = lib.autograd.functional

    def exp_reducer(x):
        return x.exp().sum(dim=1)

    def exp_adder(x, y):
        return 2 * x.exp() + 3 * y

    def pow_reducer(x):
        return x.pow(3).sum()

    def two_out(x, y):
        return (x * y).sum(), x ** 2
    inputs = lib.tensor(data(3, 2, 2))
    pair = (lib.tensor(data(4, 2)), lib.tensor(data(5, 2)))
    v2 = lib.ones(2)
    return dict(jac=F.jacobian(exp_reducer, inputs), jac_pair=F.jacobian(exp_adder, pair),
                jac_two=F.jacobian(two_out, pair),
                hess=F.hessian(pow_reducer, lib.tensor(data(6, 2, 2))),
                hess_pair=F.hessian(lambda x, y: (x ** 2 * y).sum(), pair),
                vjp=F.vjp(exp_reducer, inputs, v2), jvp=F.jvp(exp_reducer, inputs, lib.ones(2, 2)),
                hvp=F.hvp(pow_reducer, inputs, lib.ones(2, 2)), vhp=F.vhp(pow_reducer, inputs, lib.ones(2, 2)),
                vjp_scalar=F.vjp(pow_reducer, inputs), create=F.jacobian(exp_reducer, inputs, create_graph=True).requires_grad)


def idiom_set_grad_enabled_in_loop(lib):
    model = set_params(lib.nn.Linear(3, 1), lib)
    x = lib.tensor(data(4, 5, 3))
    outs = []
    for phase in ['train', 'val']:
        if phase == 'train':
            model.train()
        else:
            model.eval()
        with lib.set_grad_enabled(phase == 'train'):
            out = model(x).sum()
            outs.append(out.requires_grad)
            if phase == 'train':
                out.backward()
    return outs, model.weight.grad


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
