"""Image-quality measures on arrays (NumPy or CuPy; Tensors are read as arrays): ``psnr``, ``ssim``
(scikit-image's Gaussian-window SSIM), their aligned versions after Levin et al.'s protocol, and
Levin's error ratio.

Levin, Weiss, Durand, Freeman, "Understanding and evaluating blind deconvolution algorithms" (CVPR
2009): a blind estimate may come out shifted by a fraction of a pixel (the kernel and the image trade a
translation), so the estimate is compared with the truth after cropping ``crop`` = 15 pixels of border
and taking the best of the shifts in ``[-maxshift, maxshift]`` by 0.25 px in each direction (bilinear
interpolation), the one of smallest sum of squared differences (their ``comp_upto_shift.m``).
"""
import collections

from ..backend import array_module
from .blur import correlate_valid


def _array(a):
    array = getattr(a, '_array', None)
    if array is not None:
        return array
    return a


def _pair(name, x, ref):
    x, ref = _array(x), _array(ref)
    if x.shape != ref.shape:
        raise ValueError(f"{name}: the image {tuple(x.shape)} and the reference {tuple(ref.shape)} differ "
                         "in shape; crop one to the other (blind estimates are larger by the kernel: see "
                         "minigrad.deconv.center_crop)")
    xp = array_module(x)
    return x.astype(xp.float64), ref.astype(xp.float64), xp


def psnr(x, ref, data_range=1.0):
    """Peak signal-to-noise ratio in dB: ``10 log10(data_range^2 / mean((x - ref)^2))``, as
    ``skimage.metrics.peak_signal_noise_ratio(ref, x, data_range=data_range)``."""
    x, ref, xp = _pair('psnr', x, ref)
    mse = float(((x - ref) ** 2).mean())
    if mse == 0:
        return float('inf')
    import math
    return 10 * math.log10(data_range ** 2 / mse)


def gaussian_window(sigma=1.5, truncate=3.5, xp=None):
    """The 1-D Gaussian of scipy.ndimage.gaussian_filter (radius ``int(truncate * sigma + 0.5)``),
    normalised; the window SSIM uses."""
    radius = int(truncate * sigma + 0.5)
    t = xp.arange(-radius, radius + 1, dtype=xp.float64)
    g = xp.exp(-0.5 * (t / sigma) ** 2)
    return g / g.sum()


def _filter_valid(a, g):
    """Separable Gaussian filter, valid part only (the border where the window sticks out is dropped)."""
    return correlate_valid(correlate_valid(a, g[None, :]), g[:, None])


def ssim(x, ref, data_range=1.0, sigma=1.5):
    """Mean structural similarity with a Gaussian window, the numbers of
    ``skimage.metrics.structural_similarity(ref, x, data_range=data_range, gaussian_weights=True,
    sigma=1.5, use_sample_covariance=False)``: K1 = 0.01, K2 = 0.03, the window truncated at 3.5 sigma,
    and the mean taken over the pixels whose window lies inside the image (scikit-image crops that
    border too, so its padding never counts)."""
    x, ref, xp = _pair('ssim', x, ref)
    if x.ndim != 2:
        raise ValueError(f"ssim: expects one grey image (H, W), got shape {tuple(x.shape)}; convert colour "
                         "with minigrad.deconv.to_grey")
    g = gaussian_window(sigma, xp=xp)
    if min(x.shape) < g.size:
        raise ValueError(f"ssim: the image {tuple(x.shape)} is smaller than the {g.size}x{g.size} window")
    mx, my = _filter_valid(x, g), _filter_valid(ref, g)
    vx = _filter_valid(x * x, g) - mx * mx
    vy = _filter_valid(ref * ref, g) - my * my
    vxy = _filter_valid(x * ref, g) - mx * my
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


Alignment = collections.namedtuple('Alignment', ['aligned', 'reference', 'shift', 'ssd'])


def _shifted(a, dy, dx, h, w, margin):
    """Bilinear sample of ``a`` (the crop enlarged by ``margin``) at the crop's grid moved by (dy, dx)."""
    import math
    iy, ix = math.floor(dy), math.floor(dx)
    fy, fx = dy - iy, dx - ix
    y0, x0 = margin + iy, margin + ix
    p = a[y0:y0 + h + 1, x0:x0 + w + 1]
    top = (1 - fx) * p[:h, :w] + fx * p[:h, 1:w + 1]
    bottom = (1 - fx) * p[1:h + 1, :w] + fx * p[1:h + 1, 1:w + 1]
    return (1 - fy) * top + fy * bottom


def align(x, ref, crop=15, maxshift=5, step=0.25):
    """Levin et al.'s comparison up to a shift: crop ``crop`` pixels from ``ref``, try every shift of
    ``x`` in ``[-maxshift, maxshift]`` (``step`` apart, bilinear) and keep the one with the smallest sum
    of squared differences. Returns ``Alignment(aligned, reference, shift=(dy, dx), ssd)``."""
    x, ref, xp = _pair('align', x, ref)
    if crop < maxshift + 1:
        raise ValueError(f"align: the crop ({crop}) must exceed maxshift ({maxshift}) by a pixel")
    H, W = ref.shape
    h, w = H - 2 * crop, W - 2 * crop
    if h <= 0 or w <= 0:
        raise ValueError(f"align: the image {H}x{W} is too small to crop {crop} pixels from each side")
    target = ref[crop:crop + h, crop:crop + w]
    margin = crop  # the estimate keeps the border so that shifted samples stay inside it
    n = int(round(maxshift / step))
    shifts = [i * step for i in range(-n, n + 1)]
    best = None
    for dy in shifts:
        for dx in shifts:
            s = _shifted(x, dy, dx, h, w, margin)
            ssd = float(((s - target) ** 2).sum())
            if best is None or ssd < best[0]:
                best = (ssd, dy, dx)
    ssd, dy, dx = best
    return Alignment(_shifted(x, dy, dx, h, w, margin), target, (dy, dx), ssd)


def psnr_aligned(x, ref, data_range=1.0, crop=15, maxshift=5):
    """PSNR after :func:`align` (Levin et al.'s protocol)."""
    a = align(x, ref, crop, maxshift)
    return psnr(a.aligned, a.reference, data_range)


def ssim_aligned(x, ref, data_range=1.0, crop=15, maxshift=5):
    """SSIM after :func:`align` (the shift of smallest SSD)."""
    a = align(x, ref, crop, maxshift)
    return ssim(a.aligned, a.reference, data_range)


def error_ratio(estimate, known_kernel_estimate, ref, crop=15, maxshift=5):
    """Levin et al.'s error ratio: the aligned sum of squared differences of the blind ``estimate``
    divided by that of the deconvolution with the true kernel (``known_kernel_estimate``), both against
    the sharp ``ref``. This is the SSD ratio of their paper (not the ratio of L2 norms, its square root);
    1 means the blind result is as good as knowing the kernel; Levin et al. count <= 2 as a success."""
    return align(estimate, ref, crop, maxshift).ssd / align(known_kernel_estimate, ref, crop, maxshift).ssd
