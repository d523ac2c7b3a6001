"""Image deconvolution on minigrad: the forward model ``y = k * x + n``, metrics, non-blind baselines
and a blind method (see docs/deconv.md)."""
from .blur import blur
