"""``minigrad.backends``: what PyTorch's ``torch.backends`` answers, for minigrad's devices.

``cpu.get_cpu_capability()``, ``cuda.is_built()`` and ``cuda.matmul.allow_tf32``, ``cudnn.is_available()``
and its flags (``benchmark``, ``deterministic``, ``enabled``, ``allow_tf32``), ``mps.is_available()``
(always False: minigrad has no Metal backend), ``mkldnn`` and ``openmp``. Flags that choose among
PyTorch's kernels can be set, as scripts do, and are kept; minigrad's kernels (NumPy, CuPy) do not
read them.
"""
from . import cpu, cuda, cudnn, mkldnn, mps, openmp

__all__ = ['cpu', 'cuda', 'cudnn', 'mkldnn', 'mps', 'openmp']
