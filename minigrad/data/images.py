"""Image helpers for the datasets: bilinear resizing of a batch, as two matrix products.

Partial on purpose: this is bilinear interpolation with half-pixel centres and no antialiasing.
Enlarging (28 -> 32, 28 -> 224) matches torchvision's ``Resize`` closely; shrinking differs slightly,
because torchvision (through PIL) low-pass filters first.
"""
import numpy

from .. import backend


def _interpolation_matrix(n_out, n_in, dtype):
    """The (n_out, n_in) matrix of bilinear weights mapping a line of n_in pixels to n_out."""
    centres = (numpy.arange(n_out) + 0.5) * (n_in / n_out) - 0.5   # half-pixel centres, as PIL
    centres = numpy.clip(centres, 0, n_in - 1)
    left = numpy.floor(centres).astype(numpy.int64)
    right = numpy.minimum(left + 1, n_in - 1)
    frac = centres - left
    m = numpy.zeros((n_out, n_in), dtype=numpy.float64)
    rows = numpy.arange(n_out)
    m[rows, left] += 1 - frac
    m[rows, right] += frac
    return m.astype(dtype)


def resize_bilinear(images, size):
    """Resize a batch ``images`` of shape (..., H, W) to (..., h, w) with ``size = (h, w)``.

    >>> resize_bilinear(numpy.ones((2, 1, 28, 28), numpy.float32), (32, 32)).shape
    (2, 1, 32, 32)
    """
    h, w = size
    H, W = images.shape[-2:]
    if (h, w) == (H, W):
        return images
    xp = backend.array_module(images)  # CuPy batches are resized on the GPU
    rows = xp.asarray(_interpolation_matrix(h, H, images.dtype))
    cols = xp.asarray(_interpolation_matrix(w, W, images.dtype))
    return rows @ images @ cols.T
