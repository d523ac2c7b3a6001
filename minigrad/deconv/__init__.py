"""Image deconvolution on minigrad: the forward model ``y = k * x + n``, metrics, non-blind baselines
and a blind method (see docs/deconv.md)."""
from .blur import blur
from .data import (TEST_IMAGES, Sample, center_crop, make_sample, read_png, shake_kernel, synthetic_set,
                   test_image, to_grey, write_png)
from .metrics import align, error_ratio, psnr, psnr_aligned, ssim, ssim_aligned
from .nonblind import deconv_valid, richardson_lucy, wiener
from .blind import blind_deconv
