"""nn.Module's less-travelled API as tutorials and libraries use it, and nn.init's fan rules."""
import math

import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def idiom_module_api(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.register_parameter('alpha', nn.Parameter(lib.ones(1)))
            self.plain = lib.zeros(1)  # a plain tensor attribute: neither parameter nor buffer

        def forward(self, x, scale=1.0):
            return self.fc(x) * self.alpha * scale

        def extra_repr(self):
            return 'custom=1'
    net = nn.Sequential(Block(), nn.ReLU(), Block())
    set_params(net, lib)
    x = lib.tensor(data(0, 3, 2))
    out = net[0](x, scale=2.0)
    sub = net.get_submodule('2.fc')
    top = [n for n, _ in net.named_parameters(prefix='model')]
    local = [n for n, _ in net[0].named_parameters(recurse=False)]
    sd = net.state_dict(prefix='p.')
    half = nn.Linear(2, 2).to(lib.float64)
    mods = [n for n, _ in net.named_modules()]
    del net[0].alpha
    after_del = [n for n, _ in net[0].named_parameters()]
    return (out, type(sub).__name__, top, local, list(sd.keys())[:3], half.weight.dtype, mods, after_del,
            repr(Block()), 'plain' in dict(net[2].named_buffers()), net[2].plain)


def idiom_init_fans(lib):
    nn = lib.nn
    out = {}
    for shape in [(8, 4), (6, 3, 5, 5), (10,)]:
        w = lib.empty(*shape)
        if len(shape) >= 2:
            for name, f in [('xu', lambda t: nn.init.xavier_uniform_(t, gain=2.0)),
                            ('ku', lambda t: nn.init.kaiming_uniform_(t, a=math.sqrt(5))),
                            ('ku_out', lambda t: nn.init.kaiming_uniform_(t, mode='fan_out', nonlinearity='relu'))]:
                f(w)
                out[(name, shape)] = float(w.abs().max()) <= _bound(name, shape)
        nn.init.constant_(w, 0.25)
        out[('const', shape)] = w
        nn.init.zeros_(w)
        out[('zeros', shape)] = w.sum()
    out['eye'] = nn.init.eye_(lib.empty(3, 4))
    out['dirac'] = nn.init.dirac_(lib.empty(2, 2, 3)) if hasattr(nn.init, 'dirac_') else None
    out['gain'] = [nn.init.calculate_gain(n) for n in ('linear', 'conv2d', 'sigmoid', 'tanh', 'relu', 'selu')]
    return [(str(k), v) for k, v in out.items()]


def _bound(name, shape):
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if name == 'xu':
        return 2.0 * math.sqrt(6.0 / (fan_in + fan_out)) + 1e-6
    if name == 'ku':
        return math.sqrt(2.0 / (1 + 5)) * math.sqrt(3.0 / fan_in) + 1e-6
    return math.sqrt(2.0) * math.sqrt(3.0 / fan_out) + 1e-6


def idiom_default_init_ranges(lib):
    nn = lib.nn
    lin = nn.Linear(50, 20)
    bound = 1 / math.sqrt(50)
    emb = nn.Embedding(100, 8)
    ln = nn.LayerNorm(8)
    return (float(lin.weight.abs().max()) <= bound, float(lin.bias.abs().max()) <= bound,
            abs(float(emb.weight.std()) - 1) < 0.2, ln.weight, ln.bias, float(lin.weight.abs().max()) > bound / 2)


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
