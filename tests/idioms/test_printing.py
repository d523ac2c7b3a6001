"""What `print` shows: tensor reprs (PyTorch's formatting rules), Size, dtypes, devices, Parameters,
modules, optimisers. The library's name is the only allowed difference (minigrad.float64)."""
import numpy as np
import pytest

from idiomcheck import check_idiom, idioms

pytestmark = pytest.mark.torch


def idiom_repr_ints_floats(lib):
    return [repr(lib.tensor(v)) for v in (
        [1, 2, 3], [[1, 2], [3, 4]], [1.0, 2.0, 3.0], [1.5, -2.25, 3.125], [0.1, 0.2], 3.5, 3, -0.0, True,
        [True, False], [1e-5, 1.0], [1e10, 1.0], [123456.789, 1.0], [1e-10, 1e10], [float('nan'), 1.0, float('inf')],
        [[1.0, -1.0], [1e3, 1e-3]], [100.0, 200.0], [1.0, 2.5, 1000000.0], [-5, 10, 300])]


def idiom_repr_dtypes_and_flags(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return [repr(lib.tensor([1.0, 2.0], dtype=lib.float64)), repr(lib.tensor([1, 2], dtype=lib.int32)),
            repr(lib.tensor([1.0], dtype=lib.float16)), repr(lib.tensor([1, 2], dtype=lib.uint8)),
            repr(x), repr(lib.tensor(2.0, requires_grad=True)), repr(lib.zeros(0)), repr(lib.zeros(2, 0)),
            repr(lib.tensor([], dtype=lib.int64)), repr(lib.tensor(5, dtype=lib.float64)),
            repr(lib.tensor([1, 2], dtype=lib.int8)), repr(lib.tensor([1.0, 2.0], dtype=lib.float64) * 1.5),
            str(lib.tensor([1.0, 2.0]))]


def idiom_repr_grad_fn_line(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    return [repr(x * 2).split('grad_fn=')[0], repr(x.sum()).split('grad_fn=')[0], 'grad_fn=<' in repr(x * 2)]


def idiom_repr_shapes(lib):
    return [repr(lib.arange(12.0).reshape(3, 4)), repr(lib.arange(24).reshape(2, 3, 4)),
            repr(lib.arange(8.0).reshape(2, 2, 2) / 3), repr(lib.ones(1, 1, 1)), repr(lib.arange(30.0) / 7)]


def idiom_repr_summarised(lib):
    return [repr(lib.arange(2000)), repr(lib.arange(2000.0).reshape(40, 50)), repr(lib.arange(1001))]


def idiom_repr_scalars_misc(lib):
    return [repr(lib.Size([2, 3])), str(lib.Size([])), repr(lib.float32), str(lib.int64), repr(lib.device('cpu')),
            repr(lib.tensor([1.0, 2.0]).shape), str(lib.tensor([1.0]).dtype), repr(lib.bool), repr(lib.float16),
            lib.float32 == lib.float, lib.int64 == lib.long, lib.tensor([1.0]).dtype == lib.float32,
            lib.tensor([1.0]).dtype is lib.float32, lib.tensor([1]).dtype == lib.int64]


def idiom_repr_parameter_and_modules(lib):
    nn = lib.nn
    lin = nn.Linear(2, 2)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]]))
        lin.bias.fill_(0.5)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.2), nn.Linear(4, 2), nn.Softmax(dim=1))
    seq_dict = nn.Sequential()
    seq_dict.add_module('block', nn.Sequential(nn.Tanh(), nn.Sigmoid()))
    return [repr(lin.weight), repr(lin.bias), repr(net), repr(seq_dict), repr(nn.ModuleList([nn.ReLU(), nn.Identity()])),
            repr(nn.Flatten()), repr(nn.LeakyReLU(0.2)), repr(nn.BatchNorm1d(4)), repr(nn.LayerNorm(4)),
            repr(nn.Embedding(10, 3)), repr(nn.CrossEntropyLoss()), repr(nn.MSELoss()), repr(nn.GELU()),
            repr(nn.ELU()), repr(nn.Softplus()), repr(nn.LazyLinear(3)).split('(')[0], repr(nn.Unflatten(1, (2, 2)))]


def idiom_repr_optimisers(lib):
    p = [lib.nn.Parameter(lib.ones(2))]
    return [repr(lib.optim.SGD(p, lr=0.1)), repr(lib.optim.Adam(p, lr=1e-3)),
            repr(lib.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4))]


def idiom_format_and_scalars(lib):
    t = lib.tensor(3.14159)
    return [f'{t.item():.3f}', f'{float(t):.2f}', '{:.4f}'.format(t.item()), int(lib.tensor(7)),
            bool(lib.tensor(1)), float(lib.tensor([2.5])), lib.tensor([1.0, 2.0]).tolist(), lib.tensor(2).item(),
            type(lib.tensor(2).item()).__name__, type(lib.tensor(2.0).item()).__name__,
            type(lib.tensor(True).item()).__name__, len(lib.ones(4, 2)), f'{t:.2f}' if True else None]


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
