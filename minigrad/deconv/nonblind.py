"""Non-blind deconvolution with a known kernel, on arrays (NumPy or CuPy; Tensors are read as
arrays): the circular ``wiener`` filter, ``richardson_lucy`` and ``deconv_valid``, a deconvolution
whose forward model is the valid convolution (the unknown image is larger than the observation by the
kernel, so nothing is assumed about what lies beyond the border) with a hyper-Laplacian prior on the
image's derivatives, solved by iteratively reweighted least squares and conjugate gradients.
"""
from ..backend import array_module
from .blur import correlate_valid, pad_widths
from .data import check_grey


def _array(a):
    array = getattr(a, '_array', None)
    return a if array is None else array


def conv(x, k, mode='valid'):
    """``blur`` on arrays, without the graph (the non-blind solvers' inner loop)."""
    xp = array_module(x)
    kh, kw = k.shape[-2:]
    t, b, l, r = pad_widths(mode, kh, kw)
    if t or b or l or r:
        x = xp.pad(x, [(0, 0)] * (x.ndim - 2) + [(t, b), (l, r)],
                   mode='wrap' if mode == 'circular' else 'constant')
    return correlate_valid(x, k[..., ::-1, ::-1])


def _inputs(name, y, k, odd=False):
    y, k = _array(y), _array(k)
    check_grey(name, y)
    if k.ndim != 2:
        raise ValueError(f"{name}: the kernel must be 2-D (kh, kw), got shape {tuple(k.shape)}")
    if k.shape[0] > y.shape[0] or k.shape[1] > y.shape[1]:
        raise ValueError(f"{name}: the kernel {k.shape[0]}x{k.shape[1]} is larger than the image "
                         f"{y.shape[0]}x{y.shape[1]}")
    if odd and (k.shape[0] % 2 == 0 or k.shape[1] % 2 == 0):
        raise ValueError(f"{name}: the kernel size must be odd (centred on its middle pixel), got "
                         f"{k.shape[0]}x{k.shape[1]}; pad it with a row/column of zeros")
    xp = array_module(y)
    return y.astype(xp.float64), k.astype(xp.float64), xp


def transfer_function(k, shape, xp):
    """The kernel's 2-D real FFT on an image of ``shape``, its centre moved to the origin (circular)."""
    kh, kw = k.shape
    padded = xp.zeros(shape, dtype=k.dtype)
    padded[:kh, :kw] = k
    padded = xp.roll(padded, (-(kh // 2), -(kw // 2)), axis=(0, 1))
    return xp.fft.rfft2(padded)


def wiener(y, k, nsr=1e-2, regulariser='identity', clip=False):
    """Circular Wiener deconvolution: ``X = conj(K) Y / (|K|^2 + nsr |R|^2)``.

    ``nsr``: the noise-to-signal power ratio (the regularisation weight); ``regulariser``: ``'identity'``
    (R = 1, the classic filter) or ``'laplacian'`` (R the discrete Laplacian, as
    ``skimage.restoration.wiener`` by default, with ``balance = nsr``). The image is taken as periodic,
    so a non-periodic picture rings at its borders. Odd kernels, centred. Returns y's shape."""
    y, k, xp = _inputs('wiener', y, k, odd=True)
    K = transfer_function(k, y.shape, xp)
    if regulariser == 'identity':
        R2 = 1.0
    elif regulariser == 'laplacian':
        lap = xp.array([[0., -1., 0.], [-1., 4., -1.], [0., -1., 0.]])
        R2 = xp.abs(transfer_function(lap, y.shape, xp)) ** 2
    else:
        raise ValueError(f"wiener: regulariser must be 'identity' or 'laplacian', not {regulariser!r}")
    x = xp.fft.irfft2(xp.conj(K) * xp.fft.rfft2(y) / (xp.abs(K) ** 2 + nsr * R2), s=y.shape)
    return xp.clip(x, 0, 1) if clip else x


def richardson_lucy(y, k, iterations=30, clip=True, eps=1e-12):
    """Richardson-Lucy deconvolution (the maximum-likelihood iteration for Poisson noise), as
    ``skimage.restoration.richardson_lucy``: start from 0.5 everywhere, ``x <- x * (k~ * (y / (k * x)))``
    with 'same' zero-padded convolutions; ``clip`` limits the result to [-1, 1] as scikit-image does."""
    y, k, xp = _inputs('richardson_lucy', y, k)
    x = xp.full(y.shape, 0.5)
    flipped = k[::-1, ::-1]
    for _ in range(iterations):
        x = x * conv(y / (conv(x, k, 'same') + eps), flipped, 'same')
    return xp.clip(x, -1, 1) if clip else x


# Derivative filters of the prior (Levin et al.'s deconvSps): first differences with weight 1, second
# differences with weight 1/4; applied as valid convolutions, so they too assume nothing at the border.
def _prior_filters(xp, second_order=True):
    filters = [(xp.array([[1., -1.]]), 1.0), (xp.array([[1.], [-1.]]), 1.0)]
    if second_order:
        filters += [(xp.array([[-1., 2., -1.]]), 0.25), (xp.array([[-1.], [2.], [-1.]]), 0.25),
                    (xp.array([[1., -1.], [-1., 1.]]), 0.25)]
    return filters


#: the prior weight used when none is given, for 1 % noise (tuned on the synthetic set)
DEFAULT_WEIGHTS = {'sparse': 3e-4, 'gaussian': 2e-3}


def _cg(apply_a, b, x, iterations, tol=1e-8):
    """Conjugate gradients for ``A x = b`` (A symmetric positive definite), from ``x``."""
    r = b - apply_a(x)
    p = r.copy()
    rr = float((r * r).sum())
    stop = tol * float((b * b).sum())
    for _ in range(iterations):
        if rr <= stop:
            break
        ap = apply_a(p)
        alpha = rr / float((p * ap).sum())
        x = x + alpha * p
        r = r - alpha * ap
        rr_new = float((r * r).sum())
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def deconv_valid(y, k, prior='sparse', weight=None, exponent=0.8, irls_iterations=6, cg_iterations=60,
                 eps=1e-2, x0=None):
    """Non-blind deconvolution with the valid forward model ``y = valid(k * x) + n``:

        x = argmin ||valid(k * x) - y||^2 + weight * sum_f w_f sum |f * x|^exponent

    over an image x larger than y by the kernel ((H + kh - 1, W + kw - 1)), the sum over derivative
    filters f (first differences, and second with weight 1/4). ``prior='gaussian'`` is the exponent-2
    (least squares) version, one linear solve; ``'sparse'`` the hyper-Laplacian (exponent 0.8, Levin et
    al.), by IRLS: each pass solves the least squares problem weighted by ``max(|f * x|, eps)^(exponent
    - 2)`` with conjugate gradients, warm-started. ``weight`` (None: 3e-4 sparse, 2e-3 gaussian) suits
    1 % noise on [0, 1] images (tuned on the synthetic set); lower it for less noise. Returns the
    (H + kh - 1, W + kw - 1) estimate; the part aligned with y is its centre (``center_crop(x, y.shape)``).
    """
    if prior not in ('sparse', 'gaussian'):
        raise ValueError(f"deconv_valid: prior must be 'sparse' or 'gaussian', not {prior!r}")
    y, k, xp = _inputs('deconv_valid', y, k)
    if weight is None:
        weight = DEFAULT_WEIGHTS[prior]
    kh, kw = k.shape
    flipped = k[::-1, ::-1]
    filters = _prior_filters(xp)
    rhs = conv(y, flipped, 'full')          # K^T y
    if x0 is None:
        x = xp.pad(y, ((kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2)), mode='edge')
    else:
        x = _array(x0).astype(xp.float64)
    weights = [None] * len(filters)

    def apply_a(v):
        out = conv(conv(v, k), flipped, 'full')
        for (f, fw), w in zip(filters, weights):
            d = conv(v, f)
            if w is not None:
                d = d * w
            out = out + (weight * fw) * conv(d, f[::-1, ::-1], 'full')
        return out

    x = _cg(apply_a, rhs, x, cg_iterations)
    if prior == 'gaussian':
        return x
    for _ in range(irls_iterations):
        weights = [xp.maximum(xp.abs(conv(x, f)), eps) ** (exponent - 2) for f, _ in filters]
        x = _cg(apply_a, rhs, x, cg_iterations)
    return x
