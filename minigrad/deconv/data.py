"""Data for deconvolution without downloads: seeded synthetic camera-shake kernels, sharp grey test
images from the PNGs that ship inside scikit-image's wheel, the synthetic set built from both, and
PNG reading/writing through matplotlib.

Host-side data: NumPy, taken from the backend like every host-side module.
"""
import collections
import math
import os
import tempfile

from .. import backend

numpy = backend.module_for('cpu')

#: the bundled scikit-image pictures used by default (all are in the wheel: no download)
TEST_IMAGES = ('camera', 'astronaut', 'brick', 'grass', 'gravel', 'coffee', 'chelsea', 'coins')


# ------------------------------------------------------------------------------------------ images
def to_grey(image):
    """Luminance of an RGB(A) image (ITU-R BT.601 weights, as ``skimage.color.rgb2gray`` uses 709); grey
    images pass through. Values in [0, 1] stay in [0, 1]."""
    image = numpy.asarray(image)
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[-1] in (3, 4):
        return image[..., :3] @ numpy.array([0.2125, 0.7154, 0.0721], dtype=image.dtype)
    raise ValueError(f"to_grey: expected (H, W) or (H, W, 3|4), got shape {image.shape}")


def check_grey(name, image):
    """Raise a helpful error unless ``image`` is one grey image (H, W)."""
    shape = tuple(getattr(image, 'shape', ()))
    if len(shape) == 3 and shape[-1] in (3, 4):
        raise ValueError(f"{name}: expects a grey image (H, W), got a colour image of shape {shape}; convert "
                         "it with minigrad.deconv.to_grey(image) (or read it with read_png(path, grey=True))")
    if len(shape) != 2:
        raise ValueError(f"{name}: expects a grey image (H, W), got shape {shape}")


def read_png(path, grey=True):
    """Read an image file (PNG through matplotlib) as float64 in [0, 1]: (H, W) for grey pictures (also
    those stored as equal RGB channels), (H, W, 3) for colour unless ``grey=True`` converts it."""
    import matplotlib.image
    image = numpy.asarray(matplotlib.image.imread(path))
    if image.dtype.kind in 'ui':
        image = image / float(numpy.iinfo(image.dtype).max)
    image = image.astype(numpy.float64)
    if image.ndim == 3 and image.shape[-1] == 4:
        image = image[..., :3]
    if image.ndim == 3 and (image == image[..., :1]).all():
        image = image[..., 0]   # a grey picture stored as RGB (matplotlib writes RGBA)
    return to_grey(image) if grey else image


def write_png(path, image, scale=1):
    """Write a grey image (clipped to [0, 1]) as an 8-bit PNG, each pixel ``scale`` x ``scale`` pixels
    (to show a small kernel). Written atomically (temporary file, then rename)."""
    import matplotlib.image
    image = numpy.clip(numpy.asarray(backend.to_host(getattr(image, '_array', image)), dtype=float), 0, 1)
    if scale > 1:
        image = numpy.kron(image, numpy.ones((scale, scale)))
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix='.png', dir=folder)
    os.close(fd)
    try:
        matplotlib.image.imsave(tmp, (image * 255 + 0.5).astype(numpy.uint8), cmap='gray', vmin=0, vmax=255)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def _skimage_data_dir():
    try:
        import skimage.data
    except ImportError:
        raise ImportError("the test images are the PNGs inside scikit-image's wheel: pip install "
                          "'minigrad[deconv]' (or scikit-image)") from None
    return os.path.dirname(skimage.data.__file__)


def test_image(name, size=255):
    """Bundled scikit-image picture ``name`` as a grey float64 array in [0, 1], its central ``size`` x
    ``size`` crop (``size=None``: whole)."""
    path = os.path.join(_skimage_data_dir(), f'{name}.png')
    if not os.path.exists(path):
        raise ValueError(f"test_image: no bundled picture {name!r}; choose one of {', '.join(TEST_IMAGES)}")
    image = read_png(path, grey=True)
    return image if size is None else center_crop(image, size)


test_image.__test__ = False  # not a pytest test, whatever its name


def center_crop(image, size):
    """The central ``size`` x ``size`` (or ``(h, w)``) part of the last two dimensions."""
    h, w = (size, size) if isinstance(size, int) else size
    H, W = image.shape[-2:]
    if h > H or w > W:
        raise ValueError(f"center_crop: cannot crop {h}x{w} from an image of {H}x{W}")
    top, left = (H - h) // 2, (W - w) // 2
    return image[..., top:top + h, left:left + w]


# ----------------------------------------------------------------------------------------- kernels
def check_kernel_size(name, kernel_size, image_shape=None, odd=True):
    """Validate a kernel size (int): positive, odd when ``odd``, not larger than the image."""
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, (int, numpy.integer)) or kernel_size < 1:
        raise ValueError(f"{name}: kernel_size must be a positive int, got {kernel_size!r}")
    if odd and kernel_size % 2 == 0:
        raise ValueError(f"{name}: kernel_size must be odd (the kernel has a centre pixel), got {kernel_size}; "
                         f"use {kernel_size + 1}")
    if image_shape is not None and kernel_size > min(image_shape[-2:]):
        raise ValueError(f"{name}: kernel_size {kernel_size} is larger than the image "
                         f"{image_shape[-2]}x{image_shape[-1]}; use a kernel smaller than the image")


def shake_kernel(size=None, seed=0, steps=300, inertia=0.95, sigma=0.5):
    """A synthetic camera-shake kernel: a seeded random walk with inertia (a hand's smooth wandering)
    rasterised with bilinear weights onto an odd ``size`` x ``size`` grid (``size=None``: drawn from
    13..27), lightly smoothed (``sigma`` px) and normalised to sum 1. Returns float64 (size, size)."""
    rng = numpy.random.default_rng(seed)
    if size is None:
        size = int(rng.choice(numpy.arange(13, 28, 2)))
    check_kernel_size('shake_kernel', size)
    velocity = rng.standard_normal(2)
    points = numpy.zeros((steps, 2))
    position = numpy.zeros(2)
    for t in range(steps):
        velocity = inertia * velocity + (1 - inertia) * rng.standard_normal(2) * 3.0
        position = position + velocity
        points[t] = position
    points -= (points.max(0) + points.min(0)) / 2        # centre the path
    extent = max(numpy.abs(points).max(), 1e-9)
    # the path fills 70-95 % of the grid's half-width, like recorded shake that nearly fills its box
    points *= (size // 2) * rng.uniform(0.7, 0.95) / extent
    points += size // 2
    kernel = numpy.zeros((size, size))
    for y, x in points:
        i, j = int(math.floor(y)), int(math.floor(x))
        fy, fx = y - i, x - j
        for di, dj, w in ((0, 0, (1 - fy) * (1 - fx)), (1, 0, fy * (1 - fx)), (0, 1, (1 - fy) * fx),
                          (1, 1, fy * fx)):
            if 0 <= i + di < size and 0 <= j + dj < size:
                kernel[i + di, j + dj] += w
    if sigma > 0:
        radius = max(1, int(3 * sigma + 0.5))
        t = numpy.arange(-radius, radius + 1)
        g = numpy.exp(-0.5 * (t / sigma) ** 2)
        g /= g.sum()
        padded = numpy.pad(kernel, radius)
        kernel = sum(g[a] * padded[a:a + size, radius:radius + size] for a in range(g.size))
        padded = numpy.pad(kernel, radius)
        kernel = sum(g[b] * padded[radius:radius + size, b:b + size] for b in range(g.size))
    return kernel / kernel.sum()


# ----------------------------------------------------------------------------------- synthetic set
Sample = collections.namedtuple('Sample', ['name', 'sharp', 'blurred', 'kernel', 'truth', 'noise'])
Sample.__doc__ = """One synthetic deconvolution problem. ``sharp``: the (size + K - 1)^2 scene; ``blurred``:
``blur(sharp, kernel, 'valid') + noise``, size^2; ``truth``: the part of ``sharp`` aligned with
``blurred`` (its central size^2), what estimates are scored against; ``noise``: the noise's std."""


def make_sample(image, kernel, noise=0.01, seed=0, name='image', size=None):
    """Blur the grey ``image`` with ``kernel`` (valid convolution) and add Gaussian noise of std
    ``noise``. With ``size``, the scene is first cropped to (size + K - 1)^2 so ``blurred`` is size^2."""
    from .blur import blur
    check_grey('make_sample', image)
    kh, kw = kernel.shape
    if size is not None:
        image = center_crop(image, (size + kh - 1, size + kw - 1))
    blurred = blur(image, kernel, 'valid').numpy()
    rng = numpy.random.default_rng(seed)
    blurred = blurred + noise * rng.standard_normal(blurred.shape)
    truth = image[kh // 2:kh // 2 + blurred.shape[0], kw // 2:kw // 2 + blurred.shape[1]]
    return Sample(name, image, blurred, kernel, truth, noise)


def synthetic_set(n=8, size=255, noise=0.01, seed=0, images=TEST_IMAGES, kernel_sizes=None):
    """``n`` problems: bundled pictures (cycled) blurred by seeded shake kernels of 13..27 px (or the
    sizes given, cycled) at ``noise`` std, each ``blurred`` size^2. Deterministic in ``seed``."""
    samples = []
    for i in range(n):
        name = images[i % len(images)]
        ksize = None if kernel_sizes is None else kernel_sizes[i % len(kernel_sizes)]
        kernel = shake_kernel(ksize, seed=seed * 1000 + i)
        picture = test_image(name, size=None)
        samples.append(make_sample(picture, kernel, noise, seed=seed * 1000 + i, name=name, size=size))
    return samples
