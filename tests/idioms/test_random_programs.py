"""Random programs, run with both libraries: a seeded generator draws a chain of ops over a few live
tensors (unary math, binary ops with broadcasting, reductions with keepdim, reshapes, indexing,
in-place updates on non-leaf values, tensor reuse), then backpropagates a random cotangent. Values
and gradients of every input are compared with PyTorch."""
import random

import numpy as np
import pytest

from idiomcheck import check_idiom, data

pytestmark = pytest.mark.torch

UNARY = [
    lambda t, a: a.clamp(-5, 5).exp(),
    lambda t, a: a.tanh(), lambda t, a: a.sigmoid(), lambda t, a: a.relu(), lambda t, a: a * a,
    lambda t, a: (a.abs() + 0.5).log(), lambda t, a: (a.abs() + 0.1).sqrt(), lambda t, a: -a,
    lambda t, a: a.sin(), lambda t, a: t.nn.functional.gelu(a), lambda t, a: t.nn.functional.softplus(a),
    lambda t, a: a.softmax(dim=-1), lambda t, a: a.log_softmax(dim=0), lambda t, a: a.clamp(-1, 1),
    lambda t, a: a.abs(), lambda t, a: a * 0.5 + 1, lambda t, a: 1 / (a.abs() + 1), lambda t, a: a ** 2 / 3,
    lambda t, a: t.nn.functional.leaky_relu(a, 0.1), lambda t, a: a.cumsum(-1), lambda t, a: a.flip(-1),
    lambda t, a: a - a.mean(dim=-1, keepdim=True), lambda t, a: a / (a.norm(dim=-1, keepdim=True) + 1),
    lambda t, a: a.max(dim=-1, keepdim=True).values + a, lambda t, a: a.sum(0, keepdim=True) * a,
    lambda t, a: a.std(dim=-1, keepdim=True) * a, lambda t, a: t.where(a > 0, a, a * 0.1),
]

BINARY = [
    lambda t, a, b: a + b, lambda t, a, b: a - b, lambda t, a, b: a * b, lambda t, a, b: a / (b.abs() + 1),
    lambda t, a, b: t.maximum(a, b), lambda t, a, b: t.minimum(a, b), lambda t, a, b: (a + b) * a,
    lambda t, a, b: t.where(a > b, a, b * 2), lambda t, a, b: a * b.sigmoid(), lambda t, a, b: t.atan2(a, b.abs() + 1),
]

SHAPE = [
    lambda t, a: a.T.contiguous().T, lambda t, a: a.reshape(-1).reshape(a.shape), lambda t, a: a.flip(0),
    lambda t, a: t.cat([a[1:], a[:1]], 0), lambda t, a: t.stack([a, a * 2]).sum(0), lambda t, a: a.roll(1, 1),
    lambda t, a: a.unsqueeze(0).expand(2, *a.shape).mean(0), lambda t, a: a[:, [1, 0, 2, 3]],
    lambda t, a: a.transpose(0, 1).transpose(0, 1),
]


def _inplace(t, a):
    b = a * 1  # a non-leaf copy, updated in place as user code does
    b += 1
    b.mul_(0.5)
    b[0] = b[0] * 2
    return b


def _build(seed):
    rnd = random.Random(seed)
    steps = []
    for _ in range(rnd.randint(3, 8)):
        kind = rnd.choice(['u', 'u', 'b', 'b', 's', 'i'])
        if kind == 'u':
            steps.append(('u', rnd.randrange(len(UNARY)), rnd.randrange(8)))
        elif kind == 'b':
            steps.append(('b', rnd.randrange(len(BINARY)), rnd.randrange(8), rnd.randrange(8), rnd.random() < 0.3))
        elif kind == 's':
            steps.append(('s', rnd.randrange(len(SHAPE)), rnd.randrange(8)))
        else:
            steps.append(('i', 0, rnd.randrange(8)))
    return steps


def _program(seed):
    steps = _build(seed)

    def run(lib):
        inputs = [lib.tensor(data(seed * 10 + k, 3, 4), requires_grad=True) for k in range(3)]
        bias = lib.tensor(data(seed * 10 + 5, 4), requires_grad=True)
        live = list(inputs) + [bias]
        for step in steps:
            if step[0] == 'u':
                a = live[step[2] % len(live)]
                if a.dim() < 2 and step[1] in (12,):
                    a = a.unsqueeze(0)
                live.append(UNARY[step[1]](lib, a))
            elif step[0] == 'b':
                a, b = live[step[2] % len(live)], live[step[3] % len(live)]
                if step[4]:
                    b = bias
                live.append(BINARY[step[1]](lib, a, b))
            elif step[0] == 's':
                a = live[step[2] % len(live)]
                if a.dim() == 2 and a.shape == (3, 4):
                    live.append(SHAPE[step[1]](lib, a))
            else:
                live.append(_inplace(lib, live[step[2] % len(live)]))
        outs = live[4:] or live[:1]
        total = sum((o * lib.tensor(data(seed + 99, *o.shape))).sum() for o in outs)
        total.backward()
        return [o.detach() for o in outs], [x.grad for x in inputs], bias.grad
    return run


@pytest.mark.parametrize('seed', range(150))
def test_random_program(seed):
    check_idiom(_program(seed), rtol=2e-4, atol=2e-5)
