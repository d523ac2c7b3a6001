"""Rows of the deconvolution forward model: ``minigrad.deconv.blur`` (a true convolution, differentiable
in the image and the kernel) in its four modes; on torch the same through ``conv2d`` with the kernel
flipped and ``F.pad``. The rows use the direct algorithm (the FFT one, which the guarded NumPy of the
device checks lacks, is checked against it and on a guarded NumPy with ``fft`` in tests/test_deconv.py)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


@st.composite
def blur_case(draw):
    mode = draw(st.sampled_from(('valid', 'same', 'full', 'circular')))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if mode == 'circular':
        kh, kw = 2 * (kh // 2) + 1, 2 * (kw // 2) + 1
    lead = draw(mgst.shapes(max_dims=1, max_side=2))
    h, w = draw(st.integers(kh, kh + 3)), draw(st.integers(kw, kw + 3))
    return Case((draw(mgst.arrays(lead + (h, w))), draw(mgst.arrays((kh, kw)))), {'mode': mode})


def _widths(mode, kh, kw):
    from ...deconv.blur import pad_widths
    return pad_widths(mode, kh, kw)


def _blur(m, x, k, mode):
    if getattr(m, '__name__', '') == 'torch':
        F = m.nn.functional
        kh, kw = k.shape
        t, b, l, r = _widths(mode, kh, kw)
        x4 = x.reshape(-1, 1, *x.shape[-2:])
        if t or b or l or r:
            x4 = F.pad(x4, (l, r, t, b), mode='circular' if mode == 'circular' else 'constant')
        y = F.conv2d(x4, k.flip(-2, -1)[None, None])
        return y.reshape(*x.shape[:-2], *y.shape[-2:])
    from ...deconv import blur
    return blur(x, k, mode, 'direct')


def _np_blur(x, k, mode):
    kh, kw = k.shape
    t, b, l, r = _widths(mode, kh, kw)
    spec = [(0, 0)] * (x.ndim - 2) + [(t, b), (l, r)]
    x = numpy.pad(x, spec, mode='wrap' if mode == 'circular' else 'constant')
    oh, ow = x.shape[-2] - kh + 1, x.shape[-1] - kw + 1
    out = numpy.zeros(x.shape[:-2] + (oh, ow), dtype=numpy.result_type(x, k))
    for a in range(kh):
        for c in range(kw):
            out += k[kh - 1 - a, kw - 1 - c] * x[..., a:a + oh, c:c + ow]
    return out


ROWS = [
    OpSpec('deconv.blur', _blur, _np_blur, blur_case(), second_order=True),
]
