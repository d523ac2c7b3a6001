"""Reference kernels: plain-Python loop versions of what minigrad vectorises (:mod:`.reference`), used by
the property tests (vectorised == loop) and by ``minigrad bench loop-vs-vectorized``."""
from . import reference

__all__ = ['reference']
