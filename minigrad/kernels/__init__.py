"""Plain-Python loop versions of what minigrad vectorises (:mod:`.loops`; convolution and pooling in
:mod:`.conv_loops`), used by the property tests (vectorised == loop) and by ``minigrad bench
loop-vs-vectorized``."""
from . import conv_loops, loops

__all__ = ['conv_loops', 'loops']
