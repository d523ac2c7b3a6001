"""Convolution and pooling without torch: gradcheck and gradgradcheck on every op, vectorised == loop
kernels (property tests), clear errors for bad arguments, the modules' shapes, init and state."""
import math

import numpy
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad import nn
from minigrad.kernels import conv_loops as L
from minigrad.nn import functional as F
from minigrad.testing.gradcheck import gradcheck, gradgradcheck


def t64(rng, *shape):
    return minigrad.tensor(rng.standard_normal(shape), dtype=minigrad.float64, requires_grad=True)


# ------------------------------------------------------------------------------------ gradcheck
GRADCHECK = {
    'conv2d': (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2),
               [(2, 4, 6, 7), (4, 2, 3, 2), (4,)]),
    'conv2d same': (lambda x, w: F.conv2d(x, w, padding='same'), [(1, 2, 5, 4), (3, 2, 2, 3)]),
    'conv2d 1x1': (lambda x, w: F.conv2d(x, w), [(2, 3, 3, 3), (2, 3, 1, 1)]),
    'conv1d': (lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [(2, 3, 7), (2, 3, 3), (2,)]),
    'conv_transpose2d': (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
                         [(2, 3, 3, 4), (3, 2, 3, 3), (2,)]),
    'conv_transpose2d groups dilation': (
        lambda x, w: F.conv_transpose2d(x, w, stride=(1, 2), groups=2, dilation=2), [(1, 4, 3, 3), (4, 1, 2, 2)]),
    'max_pool2d': (lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), [(2, 2, 7, 6)]),
    'max_pool2d overlapping dilated': (lambda x: F.max_pool2d(x, 2, 1, dilation=2), [(1, 2, 6, 5)]),
    'avg_pool2d': (lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [(2, 2, 7, 6)]),
    'adaptive_avg_pool2d': (lambda x: F.adaptive_avg_pool2d(x, (3, 2)), [(2, 2, 7, 5)]),
    'adaptive_max_pool2d': (lambda x: F.adaptive_max_pool2d(x, (3, 4)), [(2, 2, 7, 6)]),
    'pad reflect': (lambda x: F.pad(x, (1, 2, 2, 0), mode='reflect'), [(2, 2, 4, 4)]),
    'pad replicate': (lambda x: F.pad(x, (3, 1), mode='replicate'), [(2, 2, 3)]),
    'pad circular': (lambda x: F.pad(x, (1, 1, 2, 1, 1, 0), mode='circular'), [(1, 2, 3, 3, 3)]),
    'pad constant': (lambda x: F.pad(x, (1, -1, 0, 2), value=0.5), [(2, 3, 4)]),
    'interpolate bilinear': (lambda x: F.interpolate(x, scale_factor=1.5, mode='bilinear'), [(1, 2, 3, 4)]),
    'interpolate nearest': (lambda x: F.interpolate(x, size=(5, 3)), [(1, 2, 3, 4)]),
}


@pytest.mark.parametrize('name', sorted(GRADCHECK))
def test_gradcheck(name):
    fn, shapes = GRADCHECK[name]
    rng = numpy.random.default_rng(0)
    inputs = [t64(rng, *s) for s in shapes]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize('name', ['conv2d', 'conv1d', 'conv_transpose2d', 'conv2d 1x1'])
def test_gradgradcheck_convolutions(name):
    fn, shapes = GRADCHECK[name]
    rng = numpy.random.default_rng(1)
    inputs = [t64(rng, *s) for s in shapes]
    assert gradgradcheck(lambda *t: fn(*t) ** 2, inputs)


def test_gradgradcheck_pool_and_pad_through_a_nonlinearity():
    rng = numpy.random.default_rng(2)
    x = t64(rng, 1, 2, 5, 5)
    assert gradgradcheck(lambda t: F.max_pool2d(t * t, 2, 1), [x])
    assert gradgradcheck(lambda t: F.avg_pool2d(t * t, 2), [x])
    assert gradgradcheck(lambda t: F.pad(t * t, (1, 1, 1, 1), mode='reflect'), [x])


# ------------------------------------------------------------------------------ loops == vectorised
def _close(loop, array):
    numpy.testing.assert_allclose(numpy.asarray(loop, dtype=numpy.float64), array, rtol=1e-10, atol=1e-10)


@settings(max_examples=25)
@given(st.integers(1, 2), st.sampled_from([1, 2]), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2),
       st.integers(0, 2), st.integers(1, 2), st.booleans(), st.integers(0, 2 ** 16))
def test_conv2d_loops_equal_im2col(N, groups, k, stride, dilation, padding, cg, bias, seed):
    rng = numpy.random.default_rng(seed)
    H = W = max(dilation * (k - 1) + 1 - 2 * padding, 1) + int(rng.integers(0, 4))
    x = rng.standard_normal((N, cg * groups, H, W))
    w = rng.standard_normal((2 * groups, cg, k, k))
    b = rng.standard_normal(2 * groups) if bias else None
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    xt, wt = minigrad.tensor(x, requires_grad=True), minigrad.tensor(w, requires_grad=True)
    bt = minigrad.tensor(b, requires_grad=True) if bias else None
    out = F.conv2d(xt, wt, bt, **kw)
    _close(L.conv2d(x.tolist(), w.tolist(), None if b is None else b.tolist(), **kw), out.detach().numpy())
    g = rng.standard_normal(out.shape)
    (out * minigrad.tensor(g)).sum().backward()
    dx, dw, db = L.conv2d_backward(g.tolist(), x.tolist(), w.tolist(), **kw)
    _close(dx, xt.grad.numpy())
    _close(dw, wt.grad.numpy())
    if bias:
        _close(db, bt.grad.numpy())


@settings(max_examples=25)
@given(st.integers(1, 3), st.one_of(st.none(), st.integers(1, 3)), st.integers(0, 1), st.integers(0, 2 ** 16))
def test_pool_loops_equal_vectorised(k, stride, padding, seed):
    rng = numpy.random.default_rng(seed)
    padding = min(padding, k // 2)
    x = rng.standard_normal((2, 2, 5 + int(rng.integers(0, 3)), 6))
    for loop, loop_bwd, vec in ((lambda *a: L.max_pool2d(*a)[0], L.max_pool2d_backward, F.max_pool2d),
                                (L.avg_pool2d, L.avg_pool2d_backward, F.avg_pool2d)):
        xt = minigrad.tensor(x, requires_grad=True)
        out = vec(xt, k, stride, padding)
        _close(loop(x.tolist(), k, stride, padding), out.detach().numpy())
        g = rng.standard_normal(out.shape)
        (out * minigrad.tensor(g)).sum().backward()
        _close(loop_bwd(g.tolist(), x.tolist(), k, stride, padding), xt.grad.numpy())
    _, index = F.max_pool2d(minigrad.tensor(x), k, stride, padding, return_indices=True)
    numpy.testing.assert_array_equal(L.max_pool2d(x.tolist(), k, stride, padding)[1], index.numpy())


def test_corr2d_is_the_books_example_and_matches_conv2d():
    X = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]
    K = [[0.0, 1.0], [2.0, 3.0]]
    assert L.corr2d(X, K) == [[19.0, 25.0], [37.0, 43.0]]
    rng = numpy.random.default_rng(3)
    X, K = rng.standard_normal((6, 8)), rng.standard_normal((2, 3))
    expected = F.conv2d(minigrad.tensor(X[None, None]), minigrad.tensor(K[None, None]))[0, 0]
    _close(L.corr2d(X.tolist(), K.tolist()), expected.numpy())


# ----------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize('call, pattern', [
    (lambda: F.conv2d(minigrad.ones(1, 1, 2, 2), minigrad.ones(1, 1, 3, 3)),
     r"conv2d: the kernel \(3 x 3.*larger than the padded input \(2 x 2"),
    (lambda: F.conv2d(minigrad.ones(1, 3, 5, 5), minigrad.ones(4, 2, 3, 3), groups=2),
     r"conv2d: the input has 3 channels but the weight \(4, 2, 3, 3\) with groups=2 expects 4"),
    (lambda: F.conv2d(minigrad.ones(1, 4, 5, 5), minigrad.ones(3, 2, 3, 3), groups=2),
     r"conv2d: out_channels \(3\) must be divisible by groups \(2\)"),
    (lambda: F.conv2d(minigrad.ones(5, 5), minigrad.ones(1, 1, 3, 3)),
     r"conv2d: expected a 4-D input \(N, C, H, W\) or 3-D unbatched input, got shape \(5, 5\)"),
    (lambda: F.conv2d(minigrad.ones(1, 1, 5, 5), minigrad.ones(1, 1, 3)), r"conv2d: expected a 4-D weight"),
    (lambda: F.conv2d(minigrad.ones(1, 1, 5, 5), minigrad.ones(1, 1, 3, 3), stride=2, padding='same'),
     r"padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(minigrad.ones(1, 1, 5, 5), minigrad.ones(1, 1, 3, 3), stride=0),
     r"conv2d: stride must be positive"),
    (lambda: F.conv2d(minigrad.ones(1, 1, 5, 5), minigrad.ones(2, 1, 3, 3), minigrad.ones(3)),
     r"conv2d: bias must have shape \(2,\)"),
    (lambda: F.conv2d(minigrad.ones(1, 1, 5, 5), minigrad.ones(1, 1, 3, 3, dtype=minigrad.float64)),
     r"conv2d: input type \(float32\) and weight type \(float64\) should be the same"),
    (lambda: F.conv_transpose2d(minigrad.ones(1, 2, 3, 3), minigrad.ones(2, 1, 3, 3), stride=2,
                                output_padding=2), r"output_padding \(2, 2\) must be smaller than"),
    (lambda: F.conv_transpose2d(minigrad.ones(1, 3, 3, 3), minigrad.ones(2, 1, 3, 3)),
     r"conv_transpose2d: the input has 3 channels but the weight"),
    (lambda: F.max_pool2d(minigrad.ones(1, 1, 4, 4), 2, padding=2),
     r"max_pool2d: padding \(2\) should be at most half of the kernel size \(2\)"),
    (lambda: F.max_pool2d(minigrad.ones(1, 1, 2, 2), 3), r"max_pool2d: the output size along H is 0"),
    (lambda: F.avg_pool2d(minigrad.ones(2, 2), 1), r"avg_pool2d: expected a 4-D input"),
    (lambda: F.pad(minigrad.ones(1, 3, 3), (3, 3), mode="reflect"),
     r"pad: reflect padding \(3, 3\) must be smaller than the dimension it pads \(size 3"),
    (lambda: F.pad(minigrad.ones(3, 3), (1, 1, 1, 1, 1, 1)), r"pad: padding of length 6 pads 3 dimensions"),
    (lambda: F.pad(minigrad.ones(1, 3, 3), (1,)), r"pad: the padding must be a tuple of an even number"),
    (lambda: F.pad(minigrad.ones(1, 3, 3), (1, 1), mode='wrap'), r"pad: mode must be one of"),
    (lambda: F.interpolate(minigrad.ones(1, 1, 3, 3), size=4, scale_factor=2), r"exactly one of size"),
    (lambda: F.interpolate(minigrad.ones(1, 1, 3), size=4, mode='bilinear'), r"'bilinear' needs a 4-D input"),
    (lambda: F.adaptive_avg_pool2d(minigrad.ones(1, 1, 3, 3), 0), r"output_size must be positive"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), r"Conv2d: in_channels \(3\) must be divisible by groups \(2\)"),
    (lambda: nn.Conv2d(2, 4, 3, padding_mode='mirror'), r"Conv2d: padding_mode must be one of"),
    (lambda: nn.ConvTranspose2d(2, 4, 3, padding_mode='reflect'), r'Only "zeros" padding mode'),
])
def test_bad_arguments_are_refused_with_clear_errors(call, pattern):
    with pytest.raises((RuntimeError, ValueError, TypeError, NotImplementedError), match=pattern):
        call()


# ------------------------------------------------------------------------------------------ modules
def test_conv_modules_shapes_init_and_lazy():
    minigrad.manual_seed(0)
    conv = nn.Conv2d(3, 8, 3, padding=1)
    bound = 1 / math.sqrt(3 * 9)
    assert conv.weight.shape == (8, 3, 3, 3) and conv.bias.shape == (8,)
    assert float(conv.weight.abs().max()) <= bound and float(conv.bias.abs().max()) <= bound
    assert float(conv.weight.abs().max()) > 0.5 * bound
    assert conv(minigrad.rand(2, 3, 10, 10)).shape == (2, 8, 10, 10)
    assert conv(minigrad.rand(3, 10, 10)).shape == (8, 10, 10)
    lazy = nn.LazyConv2d(8, 3, stride=2)
    opt = minigrad.optim.SGD(lazy.parameters(), lr=0.1)
    out = lazy(minigrad.rand(2, 5, 9, 9))
    assert type(lazy) is nn.Conv2d and lazy.in_channels == 5 and out.shape == (2, 8, 4, 4)
    out.sum().backward()
    opt.step()
    t = nn.LazyConvTranspose2d(4, 3, stride=2)
    assert t(minigrad.rand(1, 6, 4, 4)).shape == (1, 4, 9, 9) and type(t) is nn.ConvTranspose2d
    assert t.weight.shape == (6, 4, 3, 3)
    assert nn.Conv1d(2, 4, 3)(minigrad.rand(2, 2, 9)).shape == (2, 4, 7)
    state = nn.Conv2d(3, 8, 3).state_dict()
    fresh = nn.LazyConv2d(8, 3)
    fresh.load_state_dict(state)
    assert type(fresh) is nn.Conv2d and fresh.weight.shape == (8, 3, 3, 3)


def test_pool_pad_upsample_dropout_modules():
    x = minigrad.rand(2, 3, 8, 8)
    assert nn.MaxPool2d(2)(x).shape == (2, 3, 4, 4)
    values, index = nn.MaxPool2d(2, return_indices=True)(x)
    assert index.dtype == minigrad.int64 and index.shape == (2, 3, 4, 4)
    assert nn.AvgPool2d(3, 1, 1)(x).shape == (2, 3, 8, 8)
    assert nn.AdaptiveAvgPool2d(1)(x).shape == (2, 3, 1, 1)
    assert nn.AdaptiveMaxPool2d((2, 3))(x).shape == (2, 3, 2, 3)
    assert nn.Upsample(scale_factor=2, mode='bilinear')(x).shape == (2, 3, 16, 16)
    assert nn.ZeroPad2d((1, 2, 0, 1))(x).shape == (2, 3, 9, 11)
    assert nn.ReflectionPad2d(2)(x).shape == nn.ReplicationPad2d(2)(x).shape == (2, 3, 12, 12)
    assert float(nn.ConstantPad2d(1, 3.5)(x)[0, 0, 0, 0]) == 3.5
    drop = nn.Dropout2d(0.5)
    minigrad.manual_seed(1)
    y = drop(minigrad.ones(8, 16, 3, 3)).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert numpy.all((per_channel == 0).all(axis=2) | (per_channel == 2.0).all(axis=2))
    assert 0.2 < (per_channel[:, :, 0] == 0).mean() < 0.8
    assert drop.eval()(x) is x


def test_conv_padding_modes_pad_before_the_convolution():
    minigrad.manual_seed(2)
    x = minigrad.rand(1, 2, 5, 5)
    for mode in ('reflect', 'replicate', 'circular'):
        conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode=mode)
        expected = F.conv2d(F.pad(x, (1, 1, 1, 1), mode=mode), conv.weight, conv.bias)
        numpy.testing.assert_allclose(conv(x).detach().numpy(), expected.detach().numpy(), rtol=1e-6)


def test_bench_conv_runs_end_to_end(tmp_path):
    import json
    from minigrad import bench
    assert bench.main(['conv', '--quick', '--no-memory', '--models', 'lenet', '--out', str(tmp_path)]) == 0
    record = json.load(open(tmp_path / 'conv.json'))
    row, = record['rows']
    assert row['model'] == 'lenet' and row['minigrad_ms'] > 0 and 0 < row['conv_gemm_share'] < 1
    assert {k['kernel'] for k in record['kernels']} == {'conv2d 3x3 pad 1', 'max_pool2d 2x2', 'avg_pool2d 2x2'}
    assert (tmp_path / 'conv.png').exists()
