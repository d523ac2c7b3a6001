"""Reference kernels: plain-Python loop versions of what minigrad vectorises (:mod:`.reference`), used by
the property tests (vectorised == loop) and by ``minigrad bench loop-vs-vectorized``; convolution and
pooling loops in :mod:`.conv_loops`."""
from . import conv_loops, reference

__all__ = ['conv_loops', 'reference']
