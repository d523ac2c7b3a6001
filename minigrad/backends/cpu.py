"""``minigrad.backends.cpu``."""
from .. import backend


def get_cpu_capability():
    """The widest SIMD instruction set NumPy's kernels use on this CPU: ``'AVX512'``, ``'AVX2'`` or
    ``'DEFAULT'`` (PyTorch's names; on ARM ``'DEFAULT'`` unless SVE is found)."""
    return backend.cpu_capability()
