"""PyTorch's "Learning PyTorch with Examples": the polynomial fit of sin(x), six ways."""
import math

import numpy as np
import pytest

from idiomcheck import check_idiom, idioms, set_params

pytestmark = pytest.mark.torch

STEPS = 60


def _xy(lib, dtype=None):
    dtype = dtype or lib.float
    x = lib.linspace(-math.pi, math.pi, 200, dtype=dtype)
    return x, lib.sin(x)


def idiom_tensors_by_hand(lib):
    dtype = lib.float
    device = lib.device("cpu")
    x, y = _xy(lib)
    a = lib.tensor(0.1, device=device, dtype=dtype)
    b, c, d = lib.tensor(-0.2), lib.tensor(0.05), lib.tensor(0.01)
    learning_rate = 1e-6
    losses = []
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        losses.append(loss)
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x ** 2).sum()
        grad_d = (grad_y_pred * x ** 3).sum()
        a -= learning_rate * grad_a
        b -= learning_rate * grad_b
        c -= learning_rate * grad_c
        d -= learning_rate * grad_d
    return losses, a.item(), b.item(), c.item(), d.item(), f'Result: y = {a.item():.3f} + {b.item():.3f} x'


def idiom_autograd(lib):
    x, y = _xy(lib)
    gen = np.random.default_rng(0).standard_normal(4)
    a = lib.tensor(gen[0], dtype=lib.float, requires_grad=True)
    b = lib.tensor(gen[1], dtype=lib.float, requires_grad=True)
    c = lib.tensor(gen[2], dtype=lib.float, requires_grad=True)
    d = lib.tensor(gen[3], dtype=lib.float, requires_grad=True)
    learning_rate = 1e-6
    losses = []
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return losses, a, b, c, d, a.requires_grad, a.is_leaf


def _legendre(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def idiom_custom_function(lib):
    x, y = _xy(lib)
    a = lib.full((), 0.0, dtype=lib.float, requires_grad=True)
    b = lib.full((), -1.0, dtype=lib.float, requires_grad=True)
    c = lib.full((), 0.0, dtype=lib.float, requires_grad=True)
    d = lib.full((), 0.3, dtype=lib.float, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for t in range(STEPS):
        P3 = _legendre(lib).apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    return losses, a, b, c, d


def idiom_custom_function_types(lib):
    seen = {}

    class Probe(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input, k):
            seen['forward_input'] = type(input).__name__
            ctx.save_for_backward(input)
            ctx.k = k
            return input * k

        @staticmethod
        def backward(ctx, grad_output):
            seen['backward_grad'] = type(grad_output).__name__
            input, = ctx.saved_tensors
            seen['saved'] = type(input).__name__
            return grad_output * ctx.k, None

    x = lib.tensor([1.0, 2.0], requires_grad=True)
    Probe.apply(x, 3.0).sum().backward()
    return {k: v.replace('Tensor', 'T').replace('ndarray', 'T?ndarray') for k, v in seen.items()}, x.grad


def idiom_nn_module(lib):
    x, y = _xy(lib)
    p = lib.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1))
    set_params(model, lib)
    loss_fn = lib.nn.MSELoss(reduction='sum')
    learning_rate = 1e-6
    losses = []
    for t in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    return losses, xx.shape, linear_layer.bias, linear_layer.weight[:, 0], linear_layer.weight[:, 1]


def idiom_optim_rmsprop(lib):
    x, y = _xy(lib)
    p = lib.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = set_params(lib.nn.Sequential(lib.nn.Linear(3, 1), lib.nn.Flatten(0, 1)), lib)
    loss_fn = lib.nn.MSELoss(reduction='sum')
    optimizer = lib.optim.RMSprop(model.parameters(), lr=1e-3)
    losses = []
    for t in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, list(model.parameters())


def _polynomial3(lib):
    class Polynomial3(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Parameter(lib.tensor(0.1))
            self.b = lib.nn.Parameter(lib.tensor(-0.3))
            self.c = lib.nn.Parameter(lib.tensor(0.2))
            self.d = lib.nn.Parameter(lib.tensor(0.05))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'
    return Polynomial3


def idiom_custom_module(lib):
    x, y = _xy(lib)
    model = _polynomial3(lib)()
    criterion = lib.nn.MSELoss(reduction='sum')
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-6)
    losses = []
    for t in range(STEPS):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, [n for n, _ in model.named_parameters()], model.a, model.d


def idiom_dynamic_net(lib):
    import random

    class DynamicNet(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Parameter(lib.tensor(0.1))
            self.b = lib.nn.Parameter(lib.tensor(-0.3))
            self.c = lib.nn.Parameter(lib.tensor(0.2))
            self.d = lib.nn.Parameter(lib.tensor(0.05))
            self.e = lib.nn.Parameter(lib.tensor(0.01))

        def forward(self, x, n):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, n):
                y = y + self.e * x ** exp
            return y

    rnd = random.Random(0)
    x, y = _xy(lib)
    model = DynamicNet()
    criterion = lib.nn.MSELoss(reduction='sum')
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    losses = []
    for t in range(STEPS):
        y_pred = model(x, rnd.randint(4, 6))
        loss = criterion(y_pred, y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses, list(model.parameters())


def idiom_custom_function_exp_docs(lib):
    # the "Extending torch.autograd" example: forward calls a Tensor method on its input
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            result, = ctx.saved_tensors
            return grad_output * result
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    return y, x.grad


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn, rtol=1e-4, atol=1e-5)
