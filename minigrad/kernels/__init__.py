"""Plain-Python loop versions of what minigrad vectorises (:mod:`.loops`), used by the property tests
(vectorised == loop) and by ``minigrad bench loop-vs-vectorized``."""
from . import loops

__all__ = ['loops']
