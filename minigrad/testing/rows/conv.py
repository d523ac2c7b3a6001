"""Rows of the conv and pooling families: conv1d, conv2d (stride, padding, dilation, groups, bias),
conv_transpose2d, max/avg pooling, the adaptive pools, pad. The NumPy references are the loop kernels
of :mod:`minigrad.kernels.conv_loops` (plain Python over the arrays' values) and ``numpy.pad``."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec
from ...kernels import conv_loops as L


def _as(result, like):
    return numpy.asarray(result, dtype=like.dtype)


def distinct(shape):
    """Arrays of ``shape`` with distinct values 0.37 apart (no ties: max pooling's gradient is defined)."""
    n = int(numpy.prod(shape))
    return st.permutations(range(n)).map(
        lambda p: (numpy.asarray(p, dtype=numpy.float64).reshape(shape) - n / 2) * 0.37)


@st.composite
def conv2d_case(draw, bias=True):
    groups = draw(st.sampled_from([1, 1, 2]))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    H = draw(st.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 5))
    W = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 5))
    arrays = [draw(mgst.arrays((draw(st.integers(1, 2)), cg * groups, H, W))),
              draw(mgst.arrays((og * groups, cg, kh, kw)))]
    if bias and draw(st.booleans()):
        arrays.append(draw(mgst.arrays((og * groups,))))
    return Case(tuple(arrays), {'stride': stride, 'padding': padding, 'dilation': dilation, 'groups': groups})


def _np_conv2d(x, w, b=None, **kw):
    return _as(L.conv2d(x.tolist(), w.tolist(), None if b is None else b.tolist(), **kw), x)


@st.composite
def conv1d_case(draw):
    c = draw(conv2d_case())
    x, w = c.arrays[0][:, :, :1], c.arrays[1][:, :, :1]   # height 1: a 1-D convolution
    kw = {k: v[1] if isinstance(v, tuple) else v for k, v in c.kwargs.items()}
    return Case((x[:, :, 0], w[:, :, 0]) + c.arrays[2:], kw)


def _np_conv1d(x, w, b=None, **kw):
    kw2 = {k: (1 if k in ('stride', 'dilation') else 0, v) if k != 'groups' else v for k, v in kw.items()}
    return _np_conv2d(x[:, :, None], w[:, :, None], b, **kw2)[:, :, 0]


@st.composite
def conv_transpose2d_case(draw):
    groups = draw(st.sampled_from([1, 2]))
    cin, cout = draw(st.integers(1, 2)) * groups, draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    extra = tuple(draw(st.integers(0, s - 1)) for s in stride)
    H, W = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    padding = tuple(min(draw(st.integers(0, 1)), (n - 1) * s // 2 + d * (k - 1) // 2)
                    for n, s, d, k in ((H, stride[0], dilation[0], kh), (W, stride[1], dilation[1], kw)))
    arrays = [draw(mgst.arrays((draw(st.integers(1, 2)), cin, H, W))), draw(mgst.arrays((cin, cout, kh, kw)))]
    if draw(st.booleans()):
        arrays.append(draw(mgst.arrays((cout * groups,))))
    return Case(tuple(arrays), {'stride': stride, 'padding': padding, 'output_padding': extra,
                                'groups': groups, 'dilation': dilation})


def _np_conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of the loop conv2d: its input gradient, for an input of the transposed output size."""
    N, _, H, W = x.shape
    kh, kw = w.shape[2:]
    size = [(n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in
            zip((H, W), stride, padding, dilation, (kh, kw), output_padding)]
    zeros = numpy.zeros((N, w.shape[1] * groups, *size)).tolist()
    dx = numpy.asarray(L.conv2d_backward(x.tolist(), zeros, w.tolist(), stride, padding, dilation, groups)[0])
    if b is not None:
        dx = dx + b.reshape(1, -1, 1, 1)
    return _as(dx, x)


@st.composite
def pool_case(draw, values=mgst.arrays):
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    H, W = draw(st.integers(max(1, k[0] - 2 * padding[0]), 5)), draw(st.integers(max(1, k[1] - 2 * padding[1]), 5))
    x = draw(values((draw(st.integers(1, 2)), draw(st.integers(1, 2)), H, W)))
    return Case((x,), {'kernel_size': k, 'stride': stride, 'padding': padding})


def _np_max_pool2d(x, kernel_size, stride=None, padding=0):
    return _as(L.max_pool2d(x.tolist(), kernel_size, stride, padding)[0], x)


def _np_max_pool2d_grad(x, kernel_size, stride=None, padding=0):
    out = numpy.asarray(L.max_pool2d(x.tolist(), kernel_size, stride, padding)[0])
    return _as(L.max_pool2d_backward((3 * out ** 2).tolist(), x.tolist(), kernel_size, stride, padding), x)


def _max_pool2d_grad(m, x, **kw):
    """The gradient of ``sum(max_pool2d(x) ** 3)`` as an op: its own derivative is the third order of
    max pooling (WindowScatter differentiated, i.e. WindowGather)."""
    return m.autograd.grad((m.nn.functional.max_pool2d(x, **kw) ** 3).sum(), x, create_graph=True)[0]


def _np_avg_pool2d(x, kernel_size, stride=None, padding=0):
    return _as(L.avg_pool2d(x.tolist(), kernel_size, stride, padding), x)


def _bins(n_in, n_out):
    return [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]


@st.composite
def adaptive_case(draw, values=mgst.arrays):
    H, W = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    x = draw(values((draw(st.integers(1, 2)), draw(st.integers(1, 2)), H, W)))
    return Case((x,), {'output_size': (draw(st.integers(1, 4)), draw(st.integers(1, 4)))})


def _np_adaptive(reduce):
    def reference(x, output_size):
        oh, ow = output_size
        out = numpy.empty(x.shape[:2] + (oh, ow), dtype=x.dtype)
        for i, (r0, r1) in enumerate(_bins(x.shape[2], oh)):
            for j, (c0, c1) in enumerate(_bins(x.shape[3], ow)):
                out[:, :, i, j] = reduce(x[:, :, r0:r1, c0:c1], axis=(2, 3))
        return out
    return reference


_NUMPY_PAD = {'reflect': 'reflect', 'replicate': 'edge', 'circular': 'wrap'}


@st.composite
def pad_case(draw, mode=None):
    """``mode`` None draws one; 'constant' alone pads by 1-2 (no crop) so that every example pads."""
    fixed = mode
    mode = mode or draw(st.sampled_from(['constant', 'reflect', 'replicate', 'circular']))
    dims = draw(st.integers(1, 2))
    shape = tuple(draw(st.lists(st.integers(2, 4), min_size=dims + 1, max_size=dims + 2)))
    pads = []
    for k in range(dims):
        n = shape[-1 - k]
        top = n - 1 if mode == 'reflect' else n if mode == 'circular' else 2
        low = 1 if fixed else -1 if mode == 'constant' else 0
        pads += [draw(st.integers(low, top)) for _ in range(2)]
    kwargs = {'pad': tuple(pads), 'mode': mode}
    if mode == 'constant':
        kwargs['value'] = draw(st.sampled_from([0.0, 1.5]))
    return Case((draw(mgst.arrays(shape)),), kwargs)


def _np_pad(x, pad, mode='constant', value=0.0):
    dims = len(pad) // 2
    widths = [(0, 0)] * (x.ndim - dims) + [(pad[2 * k], pad[2 * k + 1]) for k in reversed(range(dims))]
    crop = tuple(slice(-a if a < 0 else 0, n + b if b < 0 else n) for n, (a, b) in zip(x.shape, widths))
    x = x[crop]
    widths = [(max(a, 0), max(b, 0)) for a, b in widths]
    if mode == 'constant':
        return numpy.pad(x, widths, mode='constant', constant_values=value)
    return numpy.pad(x, widths, mode=_NUMPY_PAD[mode])


def _f(m):
    return m.nn.functional


ROWS = [
    OpSpec('conv2d', lambda m, *xs, **kw: _f(m).conv2d(*xs, **kw), _np_conv2d, conv2d_case(),
           second_order=True),
    OpSpec('conv1d', lambda m, *xs, **kw: _f(m).conv1d(*xs, **kw), _np_conv1d, conv1d_case(),
           second_order=True),
    OpSpec('conv_transpose2d', lambda m, *xs, **kw: _f(m).conv_transpose2d(*xs, **kw), _np_conv_transpose2d,
           conv_transpose2d_case(), second_order=True),
    OpSpec('max_pool2d', lambda m, x, **kw: _f(m).max_pool2d(x, **kw), _np_max_pool2d,
           pool_case(values=distinct), second_order=True),
    OpSpec('max_pool2d.grad', _max_pool2d_grad, _np_max_pool2d_grad, pool_case(values=distinct),
           finite_differences=False),   # it calls autograd.grad, which finite differences cannot run
    OpSpec('avg_pool2d', lambda m, x, **kw: _f(m).avg_pool2d(x, **kw), _np_avg_pool2d, pool_case()),
    OpSpec('adaptive_avg_pool2d', lambda m, x, **kw: _f(m).adaptive_avg_pool2d(x, **kw),
           _np_adaptive(numpy.mean), adaptive_case()),
    OpSpec('adaptive_max_pool2d', lambda m, x, **kw: _f(m).adaptive_max_pool2d(x, **kw),
           _np_adaptive(numpy.max), adaptive_case(values=distinct), second_order=True),
    OpSpec('pad', lambda m, x, **kw: _f(m).pad(x, **kw), _np_pad, pad_case(), second_order=True),
    OpSpec('pad.constant', lambda m, x, **kw: _f(m).pad(x, **kw), _np_pad, pad_case('constant'),
           second_order=True),
]
