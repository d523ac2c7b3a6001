"""Convolution, pooling, padding and resampling against PyTorch: forward, first and second derivatives
on random shapes (hypothesis), including stride/dilation/groups/padding corners and odd sizes."""
import math

import numpy
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
from minigrad import autograd
from minigrad.nn import functional as F

torch = pytest.importorskip('torch')
TF = torch.nn.functional
pytestmark = pytest.mark.torch

ATOL, RTOL = 1e-9, 1e-7


def _pair(array):
    return (minigrad.tensor(array, requires_grad=array.dtype.kind == 'f'),
            torch.tensor(array, requires_grad=array.dtype.kind == 'f'))


def _first(out):
    return out[0] if isinstance(out, tuple) else out


def check(ours, theirs, arrays, second=False, seed=0):
    """Forward values, gradients (and with ``second``, gradients of gradients) of ``ours`` (minigrad) and
    ``theirs`` (torch) on the same float64 inputs, projected on the same random weights."""
    rng = numpy.random.default_rng(seed)
    pairs = [_pair(numpy.asarray(a, dtype=numpy.float64)) for a in arrays]
    mine, yours = [p[0] for p in pairs], [p[1] for p in pairs]
    out_m, out_t = ours(*mine), theirs(*yours)
    if isinstance(out_t, tuple):  # (values, indices)
        numpy.testing.assert_array_equal(out_m[1].numpy(), out_t[1].numpy(), err_msg='indices')
    out_m, out_t = _first(out_m), _first(out_t)
    assert tuple(out_m.shape) == tuple(out_t.shape)
    numpy.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), atol=ATOL, rtol=RTOL,
                                  err_msg='forward')
    weight = rng.standard_normal(tuple(out_t.shape))
    loss_m = (out_m * minigrad.tensor(weight)).sum()
    loss_t = (out_t * torch.tensor(weight)).sum()
    g_m = autograd.grad(loss_m, mine, create_graph=second)
    g_t = torch.autograd.grad(loss_t, yours, create_graph=second)
    for i, (a, b) in enumerate(zip(g_m, g_t)):
        numpy.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-8, rtol=1e-7,
                                      err_msg=f'gradient of input {i}')
    if second:
        vs = [rng.standard_normal(tuple(a.shape)) for a in arrays]
        s_m = sum((g * minigrad.tensor(v)).sum() for g, v in zip(g_m, vs))
        s_t = sum((g * torch.tensor(v)).sum() for g, v in zip(g_t, vs))
        gg_t = torch.autograd.grad(s_t, yours, allow_unused=True) if s_t.requires_grad else [None] * len(vs)
        if not s_m.requires_grad:   # the gradient is constant in the inputs (a linear op): zero
            for b in gg_t:
                assert b is None or not numpy.any(b.numpy()), 'torch has a second derivative, minigrad none'
            return
        gg_m = autograd.grad(s_m, mine, allow_unused=True)
        for i, (a, b) in enumerate(zip(gg_m, gg_t)):
            if b is None:
                assert a is None or not numpy.any(a.numpy()), f'second derivative of input {i}'
                continue
            numpy.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-8, rtol=1e-7,
                                          err_msg=f'second derivative of input {i}')


def normal(rng, *shape):
    return rng.standard_normal(shape)


# ------------------------------------------------------------------------------------------- conv2d
@st.composite
def conv2d_cases(draw):
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kind = draw(st.sampled_from(['numbers', 'numbers', 'same', 'valid']))
    if kind == 'numbers':
        stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    else:
        stride, padding = (1, 1), kind
    pads = padding if kind == 'numbers' else (0, 0)
    H = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * pads[0]), 7))
    W = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pads[1]), 7))
    N = draw(st.integers(1, 2))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2 ** 16))
    return dict(shape_x=(N, cg * groups, H, W), shape_w=(og * groups, cg, kh, kw), bias=bias,
                kwargs=dict(stride=stride, padding=padding, dilation=(dh, dw), groups=groups), seed=seed)


@settings(max_examples=25)
@given(conv2d_cases())
def test_conv2d_matches_torch(case):
    rng = numpy.random.default_rng(case['seed'])
    arrays = [normal(rng, *case['shape_x']), normal(rng, *case['shape_w'])]
    if case['bias']:
        arrays.append(normal(rng, case['shape_w'][0]))
    kw = case['kwargs']
    check(lambda *t: F.conv2d(*t, **kw), lambda *t: TF.conv2d(*t, **kw), arrays)


@settings(max_examples=12)
@given(conv2d_cases())
def test_conv2d_second_derivatives_match_torch(case):
    rng = numpy.random.default_rng(case['seed'])
    arrays = [normal(rng, *case['shape_x']), normal(rng, *case['shape_w']), normal(rng, case['shape_w'][0])]
    kw = case['kwargs']
    # square the output so that the second derivative in x and w is not zero (conv is bilinear)
    check(lambda *t: F.conv2d(*t, **kw) ** 2, lambda *t: TF.conv2d(*t, **kw) ** 2, arrays, second=True)


def test_conv2d_large_batch_goes_through_several_im2col_bands(monkeypatch):
    """A column buffer larger than IM2COL_BYTES is built in bands of output rows: same numbers."""
    from minigrad.functions import conv
    monkeypatch.setattr(conv, 'IM2COL_BYTES', 2000)
    rng = numpy.random.default_rng(0)
    arrays = [normal(rng, 3, 4, 9, 8), normal(rng, 6, 2, 3, 3), normal(rng, 6)]
    kw = dict(stride=(2, 1), padding=1, groups=2)
    check(lambda *t: F.conv2d(*t, **kw), lambda *t: TF.conv2d(*t, **kw), arrays)
    check(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
          lambda x, w: TF.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
          [normal(rng, 2, 3, 5, 6), normal(rng, 3, 2, 3, 3)])


def test_conv2d_depthwise_pointwise_and_unbatched():
    rng = numpy.random.default_rng(1)
    check(lambda x, w: F.conv2d(x, w, groups=4, padding=1), lambda x, w: TF.conv2d(x, w, groups=4, padding=1),
          [normal(rng, 2, 4, 5, 5), normal(rng, 8, 1, 3, 3)], second=False)
    check(lambda x, w, b: F.conv2d(x, w, b), lambda x, w, b: TF.conv2d(x, w, b),
          [normal(rng, 2, 3, 4, 5), normal(rng, 5, 3, 1, 1), normal(rng, 5)], second=True)
    check(lambda x, w: F.conv2d(x, w, padding='same'), lambda x, w: TF.conv2d(x, w, padding='same'),
          [normal(rng, 3, 5, 4), normal(rng, 2, 3, 2, 3)])


def test_conv2d_chained_keeps_its_memory_layout_consistent():
    """Outputs are (N, C, H, W) views of (C, H, W, N) memory; chains and reshapes give torch's numbers."""
    rng = numpy.random.default_rng(2)

    def net(lib_f, x, w1, w2, w3):
        h = lib_f.conv2d(x, w1, padding=1).relu()
        h = lib_f.max_pool2d(h, 2)
        h = lib_f.conv2d(h, w2, stride=2) + lib_f.conv2d(h, w3, stride=2)
        return h.reshape(h.shape[0], -1)
    check(lambda *t: net(F, *t), lambda *t: net(TF, *t),
          [normal(rng, 3, 2, 8, 8), normal(rng, 4, 2, 3, 3), normal(rng, 2, 4, 1, 1), normal(rng, 2, 4, 1, 1)])


def test_conv1d_matches_torch():
    rng = numpy.random.default_rng(3)
    for kw in [dict(), dict(stride=2, padding=1), dict(dilation=2, groups=2), dict(padding='same')]:
        check(lambda x, w, b: F.conv1d(x, w, b, **kw), lambda x, w, b: TF.conv1d(x, w, b, **kw),
              [normal(rng, 2, 4, 9), normal(rng, 6, 4 // kw.get('groups', 1), 3), normal(rng, 6)],
              second=True)
    check(lambda x, w: F.conv1d(x, w), lambda x, w: TF.conv1d(x, w), [normal(rng, 4, 9), normal(rng, 2, 4, 3)])


# ---------------------------------------------------------------------------------- conv_transpose
@st.composite
def conv_transpose_cases(draw):
    groups = draw(st.sampled_from([1, 2]))
    cin, cout = draw(st.integers(1, 2)) * groups, draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    extra = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation))
    H, W = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    for k, (n, kk) in enumerate(((H, kh), (W, kw))):  # keep the output size positive
        if (n - 1) * stride[k] - 2 * padding[k] + dilation[k] * (kk - 1) + extra[k] + 1 < 1:
            padding = tuple(0 if j == k else p for j, p in enumerate(padding))
    return dict(x=(draw(st.integers(1, 2)), cin, H, W), w=(cin, cout, kh, kw), groups=groups,
                kwargs=dict(stride=stride, padding=padding, output_padding=extra, groups=groups,
                            dilation=dilation), seed=draw(st.integers(0, 2 ** 16)))


@settings(max_examples=20)
@given(conv_transpose_cases())
def test_conv_transpose2d_matches_torch(case):
    rng = numpy.random.default_rng(case['seed'])
    arrays = [normal(rng, *case['x']), normal(rng, *case['w']), normal(rng, case['w'][1] * case['groups'])]
    kw = case['kwargs']
    check(lambda *t: F.conv_transpose2d(*t, **kw) ** 2, lambda *t: TF.conv_transpose2d(*t, **kw) ** 2,
          arrays, second=case['seed'] % 3 == 0)


def test_conv_transpose1d_matches_torch():
    rng = numpy.random.default_rng(4)
    check(lambda x, w: F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1),
          lambda x, w: TF.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1),
          [normal(rng, 2, 3, 5), normal(rng, 3, 2, 3)])


# -------------------------------------------------------------------------------------------- pooling
@st.composite
def pool_cases(draw, dilation=True):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = (draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2)))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    H = draw(st.integers(max(1, d[0] * (kh - 1) + 1 - 2 * padding[0]), 7))
    W = draw(st.integers(max(1, d[1] * (kw - 1) + 1 - 2 * padding[1]), 7))
    return dict(x=(draw(st.integers(1, 2)), draw(st.integers(1, 3)), H, W), kernel=(kh, kw), stride=stride,
                padding=padding, dilation=d, ceil_mode=draw(st.booleans()), seed=draw(st.integers(0, 2 ** 16)))


@settings(max_examples=25)
@given(pool_cases())
def test_max_pool2d_matches_torch(case):
    rng = numpy.random.default_rng(case['seed'])
    kw = dict(kernel_size=case['kernel'], stride=case['stride'], padding=case['padding'],
              dilation=case['dilation'], ceil_mode=case['ceil_mode'], return_indices=True)
    check(lambda x: F.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), [normal(rng, *case['x'])],
          second=case['seed'] % 4 == 0)


def test_max_pool2d_ties_nan_and_unbatched_follow_torch():
    x = numpy.array([[[[1., 1., 0.], [1., 1., 2.], [0., 2., 2.]]]])
    check(lambda t: F.max_pool2d(t, 2, 1, return_indices=True),
          lambda t: TF.max_pool2d(t, 2, 1, return_indices=True), [x])
    y = x.copy()
    y[0, 0, 0, 1] = y[0, 0, 1, 0] = numpy.nan
    ours, i_ours = F.max_pool2d(minigrad.tensor(y), 2, 1, return_indices=True)
    theirs, i_theirs = TF.max_pool2d(torch.tensor(y), 2, 1, return_indices=True)
    numpy.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    numpy.testing.assert_array_equal(i_ours.numpy(), i_theirs.numpy())
    check(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), [numpy.arange(48.).reshape(3, 4, 4)])


@settings(max_examples=25)
@given(pool_cases(dilation=False), st.booleans(), st.sampled_from([None, None, 1, 3]))
def test_avg_pool2d_matches_torch(case, count_include_pad, divisor):
    rng = numpy.random.default_rng(case['seed'])
    kw = dict(kernel_size=case['kernel'], stride=case['stride'], padding=case['padding'],
              ceil_mode=case['ceil_mode'], count_include_pad=count_include_pad, divisor_override=divisor)
    check(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), [normal(rng, *case['x'])],
          second=case['seed'] % 4 == 0)


def test_pool1d_matches_torch():
    rng = numpy.random.default_rng(5)
    x = normal(rng, 2, 3, 9)
    check(lambda t: F.max_pool1d(t, 3, 2, 1, return_indices=True),
          lambda t: TF.max_pool1d(t, 3, 2, 1, return_indices=True), [x])
    check(lambda t: F.avg_pool1d(t, 3, 2, 1, ceil_mode=True), lambda t: TF.avg_pool1d(t, 3, 2, 1, ceil_mode=True),
          [x])
    check(lambda t: F.adaptive_avg_pool1d(t, 4), lambda t: TF.adaptive_avg_pool1d(t, 4), [x])
    check(lambda t: F.adaptive_max_pool1d(t, 4, True), lambda t: TF.adaptive_max_pool1d(t, 4, True), [x])


@settings(max_examples=20)
@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 5), st.one_of(st.none(), st.integers(1, 5)),
       st.integers(0, 2 ** 16))
def test_adaptive_pools_match_torch(H, W, oh, ow, seed):
    rng = numpy.random.default_rng(seed)
    x = normal(rng, 2, 2, H, W)
    size = (oh, ow)
    check(lambda t: F.adaptive_avg_pool2d(t, size), lambda t: TF.adaptive_avg_pool2d(t, size), [x],
          second=seed % 3 == 0)
    check(lambda t: F.adaptive_max_pool2d(t, size, return_indices=True),
          lambda t: TF.adaptive_max_pool2d(t, size, return_indices=True), [x], second=seed % 3 == 0)


# ---------------------------------------------------------------------------------- pad, interpolate
@settings(max_examples=25)
@given(st.sampled_from(['constant', 'reflect', 'replicate', 'circular']), st.integers(1, 3),
       st.integers(0, 2 ** 16), st.booleans())
def test_pad_matches_torch(mode, dims, seed, batched):
    rng = numpy.random.default_rng(seed)
    shape = tuple(rng.integers(2, 5, dims + (2 if batched else 1)))
    if mode == 'constant':
        pad = tuple(int(v) for v in rng.integers(-1, 3, 2 * dims))
    elif mode == 'reflect':
        pad = tuple(int(rng.integers(0, shape[-1 - k // 2])) for k in range(2 * dims))
    else:
        pad = tuple(int(rng.integers(0, shape[-1 - k // 2] + 1)) for k in range(2 * dims))
    kw = dict(mode=mode) if mode != 'constant' else dict(mode=mode, value=float(rng.integers(-2, 3)))
    check(lambda t: F.pad(t, pad, **kw), lambda t: TF.pad(t, pad, **kw), [normal(rng, *shape)],
          second=seed % 4 == 0)


@settings(max_examples=20)
@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from(['nearest', 'bilinear']),
       st.one_of(st.tuples(st.integers(1, 9), st.integers(1, 9)),
                 st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.7, (1.3, 0.7)])),
       st.booleans(), st.integers(0, 2 ** 16))
def test_interpolate_matches_torch(H, W, mode, target, align, seed):
    rng = numpy.random.default_rng(seed)
    x = normal(rng, 2, 2, H, W)
    kw = dict(mode=mode)
    if mode == 'bilinear':
        kw['align_corners'] = align
    if isinstance(target, tuple) and isinstance(target[0], int):
        kw['size'] = target
    else:
        if min(int(H * (target[0] if isinstance(target, tuple) else target)),
               int(W * (target[1] if isinstance(target, tuple) else target))) < 1:
            return
        kw['scale_factor'] = target
    check(lambda t: F.interpolate(t, **kw), lambda t: TF.interpolate(t, **kw), [x], second=seed % 4 == 0)


def test_interpolate_linear_and_nearest_3d():
    rng = numpy.random.default_rng(6)
    x = normal(rng, 2, 3, 5)
    check(lambda t: F.interpolate(t, size=8, mode='linear'), lambda t: TF.interpolate(t, size=8, mode='linear'), [x])
    check(lambda t: F.interpolate(t, scale_factor=3), lambda t: TF.interpolate(t, scale_factor=3), [x])


# -------------------------------------------------------------------------------------------- modules
def _copy_parameters(ours, theirs):
    with torch.no_grad():
        for (name, p), (tname, q) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname and tuple(p.shape) == tuple(q.shape)
            q.copy_(torch.from_numpy(p.detach().numpy()))


@pytest.mark.parametrize('make', [
    lambda nn: nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
    lambda nn: nn.Conv2d(4, 3, (3, 2), padding=(1, 2), padding_mode='reflect', bias=False),
    lambda nn: nn.Conv2d(4, 3, 3, padding='same', dilation=2, padding_mode='circular'),
    lambda nn: nn.Conv2d(4, 3, 3, padding=2, padding_mode='replicate'),
    lambda nn: nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1),
    lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), lambda nn: nn.AvgPool2d(2, count_include_pad=False),
    lambda nn: nn.AdaptiveAvgPool2d((2, 3)), lambda nn: nn.AdaptiveMaxPool2d(3),
    lambda nn: nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True),
    lambda nn: nn.ReflectionPad2d((1, 2, 0, 1)), lambda nn: nn.ReplicationPad2d(2),
    lambda nn: nn.ZeroPad2d(1), lambda nn: nn.ConstantPad2d((1, 0, 2, 1), -1.5),
])
def test_modules_match_torch(make):
    ours, theirs = make(minigrad.nn).double(), make(torch.nn).double()
    assert repr(ours) == repr(theirs)
    _copy_parameters(ours, theirs)
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((2, 4, 7, 6))
    params_m = list(ours.parameters())
    params_t = list(theirs.parameters())
    xm, xt = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_m, out_t = ours(xm), theirs(xt)
    numpy.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), atol=1e-10)
    g = rng.standard_normal(tuple(out_t.shape))
    (out_m * minigrad.tensor(g)).sum().backward()
    (out_t * torch.tensor(g)).sum().backward()
    numpy.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    for p, q in zip(params_m, params_t):
        numpy.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-9)


def test_conv_transpose_output_size_and_default_init_match_torch():
    ours, theirs = minigrad.nn.ConvTranspose2d(3, 2, 3, stride=2), torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    x = numpy.random.default_rng(8).standard_normal((1, 3, 4, 4)).astype(numpy.float32)
    assert ours(minigrad.tensor(x), output_size=(10, 10)).shape == \
        tuple(theirs(torch.tensor(x), output_size=(10, 10)).shape)
    for m in (ours, minigrad.nn.Conv2d(3, 8, 5)):
        fan_in = m.weight.shape[1] * 5 * 5 if m.weight.shape[-1] == 5 else m.weight.shape[1] * 9
        bound = 1 / math.sqrt(fan_in)
        assert float(m.weight.abs().max()) <= bound and float(m.bias.abs().max()) <= bound
