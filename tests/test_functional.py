"""minigrad.autograd.functional against torch.autograd.functional, and activation checkpointing."""
import numpy
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad import nn
from minigrad.autograd import functional as F
from minigrad.testing import strategies as mgst
from minigrad.utils.checkpoint import checkpoint, checkpoint_sequential

torch = pytest.importorskip('torch')
TF = torch.autograd.functional


def fs(lib):
    """Test functions written once for both libraries: one input or two, one output or two."""
    return {
        'one_one': lambda x: (x.sin() * x).sum(0) if x.ndim else x.sin() * x,
        'one_two': lambda x: (x.exp(), (x * x).sum()),
        'two_one': lambda x, y: (x * y.tanh()).sum() + (x * x).sum(),
        'two_two': lambda x, y: (x * y, (x - y).exp().sum()),
    }


def scalars(lib):
    return {
        'one': lambda x: (x.sin() * x.exp()).sum() + (x ** 3).sum(),
        'two': lambda x, y: (x * y.sin()).sum() + (x * x * y).sum(),
    }


def _np(value):
    if isinstance(value, (tuple, list)):
        return [_np(v) for v in value]
    return value.detach().numpy() if hasattr(value, 'detach') else value


def assert_same(a, b):
    if isinstance(b, (tuple, list)):
        assert isinstance(a, tuple) and len(a) == len(b), (type(a), a)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert tuple(a.shape) == tuple(b.shape)
        numpy.testing.assert_allclose(_np(a), _np(b), rtol=1e-9, atol=1e-12)


def inputs_for(name, arrays):
    n = 2 if name.startswith('two') else 1
    m = tuple(minigrad.tensor(a) for a in arrays[:n])
    t = tuple(torch.tensor(a) for a in arrays[:n])
    return (m, t) if n > 1 else (m[0], t[0])


shape = mgst.shapes(min_dims=0, max_dims=2, max_side=3)


@pytest.mark.torch
@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(['one_one', 'one_two', 'two_one', 'two_two']), data=st.data())
def test_jacobian_vjp_jvp_match_torch(name, data):
    s = data.draw(shape)
    arrays = [data.draw(mgst.arrays(s, dtype=numpy.float64)) for _ in range(2)]
    m, t = inputs_for(name, arrays)
    fm, ft = fs(minigrad)[name], fs(torch)[name]
    assert_same(F.jacobian(fm, m), TF.jacobian(ft, t))
    outs = ft(*t) if isinstance(t, tuple) else ft(t)
    vt = tuple(torch.ones_like(o) * 0.5 for o in outs) if isinstance(outs, tuple) else torch.ones_like(outs) * 0.5
    vm = tuple(minigrad.tensor(v.numpy()) for v in vt) if isinstance(vt, tuple) else minigrad.tensor(vt.numpy())
    assert_same(F.vjp(fm, m, vm), TF.vjp(ft, t, vt))
    ut = tuple(torch.full_like(x, 0.25) for x in t) if isinstance(t, tuple) else torch.full_like(t, 0.25)
    um = tuple(minigrad.tensor(u.numpy()) for u in ut) if isinstance(ut, tuple) else minigrad.tensor(ut.numpy())
    assert_same(F.jvp(fm, m, um), TF.jvp(ft, t, ut))


@pytest.mark.torch
@settings(max_examples=15, deadline=None)
@given(name=st.sampled_from(['one', 'two']), data=st.data())
def test_hessian_and_products_match_torch(name, data):
    s = data.draw(shape)
    arrays = [data.draw(mgst.arrays(s, dtype=numpy.float64)) for _ in range(3)]
    m, t = inputs_for('two' if name == 'two' else 'one', arrays)
    fm, ft = scalars(minigrad)[name], scalars(torch)[name]
    assert_same(F.hessian(fm, m), TF.hessian(ft, t))
    vt = tuple(torch.tensor(arrays[2]) for _ in range(2)) if name == 'two' else torch.tensor(arrays[2])
    vm = tuple(minigrad.tensor(arrays[2]) for _ in range(2)) if name == 'two' else minigrad.tensor(arrays[2])
    assert_same(F.hvp(fm, m, vm), TF.hvp(ft, t, vt))
    assert_same(F.vhp(fm, m, vm), TF.vhp(ft, t, vt))


@pytest.mark.torch
def test_create_graph_and_strict():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    (j,) = [F.jacobian(lambda z: z ** 3, x, create_graph=True)]
    assert j.requires_grad
    (g,) = minigrad.autograd.grad(j.sum(), x)
    numpy.testing.assert_allclose(g.numpy(), 6 * x.detach().numpy())
    xt = torch.tensor([1.0, 2.0], dtype=torch.float64)
    unused = lambda a, b: a * 2
    assert_same(F.jacobian(unused, (minigrad.tensor(xt.numpy()), minigrad.tensor(xt.numpy()))),
                TF.jacobian(unused, (xt, xt)))
    with pytest.raises(RuntimeError, match='strict'):
        F.jacobian(unused, (minigrad.tensor(xt.numpy()), minigrad.tensor(xt.numpy())), strict=True)
    with pytest.raises(RuntimeError, match='single Tensor with one element'):
        F.hessian(lambda a: a * 2, minigrad.tensor(xt.numpy()))
    with pytest.raises(RuntimeError, match='shape'):
        F.vjp(lambda a: a * 2, minigrad.tensor(xt.numpy()), minigrad.ones(3, dtype=minigrad.float64))
    with pytest.raises(NotImplementedError, match='vectorize=True'):
        F.jacobian(lambda a: a * 2, minigrad.tensor(xt.numpy()), strategy='forward-mode')
    with pytest.raises(TypeError, match='Tensor'):
        F.jacobian(lambda a: a * 2, [1.0, 2.0])


def _deep_mlp(depth=12, width=64):
    minigrad.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    return nn.Sequential(*layers).double()


def test_checkpoint_gives_identical_gradients_and_less_memory():
    import tracemalloc
    net = _deep_mlp()
    x = minigrad.randn(256, 64, dtype=minigrad.float64)

    def run(segments):
        net.zero_grad()
        tracemalloc.start()
        y = net(x) if segments is None else checkpoint_sequential(net, segments, x)
        y.square().sum().backward()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak, [p.grad.numpy().copy() for p in net.parameters()]

    full_peak, full = run(None)
    ck_peak, ck = run(4)
    for a, b in zip(full, ck):
        numpy.testing.assert_array_equal(a, b)
    assert ck_peak < 0.6 * full_peak, (ck_peak, full_peak)


def test_checkpoint_tuple_outputs_kwargs_and_rng():
    x = minigrad.randn(5, dtype=minigrad.float64, requires_grad=True)
    a, b = checkpoint(lambda t, scale=1.0: (t.sin() * scale, t * t), x, scale=3.0)
    (a.sum() + b.sum()).backward()
    v = x.detach().numpy()
    numpy.testing.assert_allclose(x.grad.numpy(), 3 * numpy.cos(v) + 2 * v)
    drop = nn.Dropout(0.5)
    minigrad.manual_seed(1)
    y = minigrad.ones(1000, dtype=minigrad.float64, requires_grad=True)
    out = checkpoint(drop, y)
    out.sum().backward()
    # the recomputation drew the same mask: the gradient is exactly the mask used in the forward
    numpy.testing.assert_array_equal(y.grad.numpy(), out.detach().numpy())
    with minigrad.no_grad():
        assert not checkpoint(lambda t: t * 2, x).requires_grad
