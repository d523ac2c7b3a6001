"""The forward model of deconvolution: ``blur(x, k, mode)``, a true 2-D convolution ``y = k * x``,
differentiable in the image and in the kernel.

Convolution, not correlation: ``y[i, j] = sum_ab k[a, b] x[i - a, j - b]`` (up to the offset the mode
sets), as ``scipy.signal.convolve2d`` and the deconvolution literature write it. PyTorch's ``conv2d``
is a correlation, so ``blur(x, k, 'valid') == F.conv2d(x, k.flip(-2, -1)[None, None])``.

Shapes: ``x`` is ``(..., H, W)``; ``k`` is ``(kh, kw)`` (one kernel for every image) or
``(..., kh, kw)`` with the same leading dimensions as ``x``.

=============  ===========================================================================
``valid``      only the points where the kernel fits inside ``x``: ``(H - kh + 1, W - kw + 1)``
``same``       ``x`` zero-padded, output ``(H, W)``, centred as ``scipy.signal.convolve2d``
``full``       every overlap: ``(H + kh - 1, W + kw - 1)``
``circular``   periodic ``x``, output ``(H, W)``, kernel centred at ``(kh // 2, kw // 2)``; odd sizes
=============  ===========================================================================

Two algorithms compute the same correlation: ``direct`` (one shifted slice of ``x`` per kernel tap, or
per output point when the output is the smaller) and ``fft`` (real FFTs of the size of ``x``). ``auto``
picks by a cost model whose crossover is measured in docs/deconv.md.
"""
from ..autograd.function import Function
from ..tensor import Tensor
from ..backend import array_module

MODES = ('valid', 'same', 'full', 'circular')
METHODS = ('auto', 'direct', 'fft')

# Cost model of ``auto`` (see docs/deconv.md, measured by ``minigrad bench deconv --crossover``): the
# direct method costs about taps * outputs multiply-adds plus a per-tap Python overhead; the FFT about
# FFT_COST * N log2 N for the N points of x (padded to a fast size), three transforms, plus a fixed
# overhead. Measured with one thread: 64x64 outputs cross over at 7x7 kernels, 255x255 at 9x9-11x11.
DIRECT_TAP_OVERHEAD = 4000   # multiply-adds that one Python-level slice operation costs (~1 us)
FFT_COST = 2.0
FFT_OVERHEAD = 100_000


def _use_fft(x_shape, w_shape, out_shape, method):
    if method != 'auto':
        return method == 'fft'
    import math
    taps = w_shape[-1] * w_shape[-2]
    outs = out_shape[-1] * out_shape[-2]
    loops = min(taps, outs)
    direct = taps * outs + loops * DIRECT_TAP_OVERHEAD
    n = fast_length(x_shape[-1]) * fast_length(x_shape[-2])
    fft = FFT_COST * 3 * n * max(math.log2(n), 1) + FFT_OVERHEAD
    return fft < direct


def fast_length(n):
    """The smallest 2-3-5-smooth integer >= n (FFTs of such sizes are fast; a prime size is not)."""
    best = 1
    while best < n:
        best *= 2
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            q = p35
            while q < n:
                q *= 2
            best = min(best, q)
            p35 *= 3
        p5 *= 5
    return best


def correlate_valid(x, w, method='auto'):
    """Valid cross-correlation of arrays: ``out[..., i, j] = sum_ab w[..., a, b] x[..., i + a, j + b]``.

    ``x``: ``(..., H, W)``; ``w``: ``(n, m)`` or batched like ``x``; out ``(..., H - n + 1, W - m + 1)``.
    """
    xp = array_module(x)
    n, m = w.shape[-2:]
    H, W = x.shape[-2:]
    oh, ow = H - n + 1, W - m + 1
    lead = _broadcast_lead(x.shape[:-2], w.shape[:-2])
    dtype = xp.result_type(x.dtype, w.dtype)
    if _use_fft(x.shape, w.shape, (oh, ow), method):
        # Circular correlation of the size of x: no wrap-around reaches the valid points.
        size = (fast_length(H), fast_length(W))
        fx = xp.fft.rfft2(x, s=size)
        fw = xp.fft.rfft2(w, s=size)
        out = xp.fft.irfft2(fx * xp.conj(fw), s=size)[..., :oh, :ow]
        return xp.ascontiguousarray(out.astype(dtype, copy=False))
    out = xp.zeros(lead + (oh, ow), dtype=dtype)
    if n * m <= oh * ow:      # loop over the kernel's taps: one scaled, shifted slice each
        batched = w.ndim > 2
        for a in range(n):
            for b in range(m):
                tap = w[..., a, b, None, None] if batched else w[a, b]
                out += tap * x[..., a:a + oh, b:b + ow]
    else:                     # the kernel is the larger (a kernel's gradient): loop over the outputs
        for i in range(oh):
            for j in range(ow):
                out[..., i, j] = (w * x[..., i:i + n, j:j + m]).sum(axis=(-2, -1))
    return out


def _broadcast_lead(a, b):
    if not b:
        return tuple(a)
    if not a:
        return tuple(b)
    if len(a) != len(b) or any(p != q and 1 not in (p, q) for p, q in zip(a, b)):
        raise ValueError(f"blur: leading dimensions {tuple(a)} of the image and {tuple(b)} of the kernel "
                         "do not match; give one (kh, kw) kernel or one kernel per image")
    return tuple(max(p, q) for p, q in zip(a, b))


def _flip(a):
    return a[..., ::-1, ::-1]


def pad_widths(mode, kh, kw):
    """(top, bottom, left, right) zero or periodic padding that turns ``mode`` into a valid convolution."""
    if mode == 'valid':
        return 0, 0, 0, 0
    if mode == 'full':
        return kh - 1, kh - 1, kw - 1, kw - 1
    return kh // 2, (kh - 1) // 2, kw // 2, (kw - 1) // 2   # same and circular


class Pad2d(Function):
    """Pad the last two dimensions with zeros (``wrap=False``) or periodically (``wrap=True``)."""

    @staticmethod
    def forward(ctx, x, widths, wrap):
        xp = array_module(x)
        t, b, l, r = widths
        ctx.widths, ctx.wrap, ctx.shape = widths, wrap, x.shape
        spec = [(0, 0)] * (x.ndim - 2) + [(t, b), (l, r)]
        return xp.pad(x, spec, mode='wrap' if wrap else 'constant')

    @staticmethod
    def backward(ctx, grad):
        t, b, l, r = ctx.widths
        H, W = ctx.shape[-2:]
        if not ctx.wrap:   # slicing: differentiable again for create_graph
            return grad[..., t:t + H, l:l + W], None, None
        return Fold2d.call(grad, ctx.widths), None, None


class Fold2d(Function):
    """The adjoint of periodic padding: add the padded borders back onto the opposite sides (its own
    adjoint is the periodic padding, so second derivatives work)."""

    @staticmethod
    def forward(ctx, grad, widths):
        xp = array_module(grad)
        t, b, l, r = widths
        ctx.widths = widths
        H, W = grad.shape[-2] - t - b, grad.shape[-1] - l - r
        g = xp.array(grad[..., t:t + H, :])
        g[..., H - t:, :] += grad[..., :t, :]
        g[..., :b, :] += grad[..., t + H:, :]
        out = xp.array(g[..., l:l + W])
        out[..., W - l:] += g[..., :l]
        out[..., :r] += g[..., l + W:]
        return out

    @staticmethod
    def backward(ctx, grad):
        return Pad2d.call(grad, ctx.widths, True), None


class Blur(Function):
    """Valid true convolution ``y = k * x`` (see the module docstring); both inputs differentiable.

    Its gradients are convolutions too: ``dL/dx = blur(g, flip(k), 'full')`` and
    ``dL/dk = flip(correlate(x, g))``, written with ``Blur.call`` so ``create_graph=True`` works."""

    @staticmethod
    def forward(ctx, x, k, method='auto'):
        ctx.save_for_backward(x, k)
        ctx.method = method
        return correlate_valid(x, _flip(k), method)

    @staticmethod
    def backward(ctx, grad):
        x, k = ctx.saved_tensors
        need_x, need_k = ctx.needs_input_grad[:2]
        kh, kw = k.shape[-2:]
        gx = gk = None
        if need_x:
            gx = Blur.call(Pad2d.call(grad, pad_widths('full', kh, kw), False), _flip(k), ctx.method)
        if need_k:
            gk = _flip(Blur.call(x, _flip(grad), ctx.method))
        return gx, gk, None


def _as_tensor(a):
    return a if isinstance(a, Tensor) else Tensor(a)


def blur(x, k, mode='valid', method='auto'):
    """``k * x`` (true convolution) over the last two dimensions; see the module docstring.

    >>> y = blur(x, k, 'valid')        # x (H, W), k (13, 13): y (H - 12, W - 12)
    """
    if mode not in MODES:
        raise ValueError(f"blur: mode must be one of {', '.join(map(repr, MODES))}, not {mode!r}")
    if method not in METHODS:
        raise ValueError(f"blur: method must be one of {', '.join(map(repr, METHODS))}, not {method!r}")
    x, k = _as_tensor(x), _as_tensor(k)
    if x.ndim < 2 or k.ndim < 2:
        raise ValueError(f"blur: the image and the kernel need at least 2 dimensions (..., H, W), got "
                         f"shapes {tuple(x.shape)} and {tuple(k.shape)}")
    if x.dtype != k.dtype:
        k = k.to(x.dtype)
    kh, kw = k.shape[-2:]
    H, W = x.shape[-2:]
    if mode == 'circular' and (kh % 2 == 0 or kw % 2 == 0):
        raise ValueError(f"blur: mode 'circular' needs an odd kernel size (the kernel is centred on its "
                         f"middle pixel), got {kh}x{kw}; pad the kernel with a row/column of zeros")
    if mode in ('valid', 'circular') and (kh > H or kw > W):
        raise ValueError(f"blur: the kernel ({kh}x{kw}) is larger than the image ({H}x{W}) in mode "
                         f"{mode!r}; use a smaller kernel or mode 'full'/'same'")
    widths = pad_widths(mode, kh, kw)
    if any(widths):
        x = Pad2d.apply(x, widths, mode == 'circular')
    return Blur.apply(x, k, method)
