"""``minigrad.backends.cuda``: whether minigrad was installed with CUDA support (CuPy), and PyTorch's
matmul precision flags (kept; CuPy's matmul always computes in the input dtype)."""
from .. import backend


def is_built():
    """True when CuPy is installed (a GPU may still be missing: see ``minigrad.cuda.is_available()``)."""
    return backend.cuda_is_built()


class _Matmul:
    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()


def preferred_linalg_library(backend_name=None):
    """Kept for PyTorch's API: linear algebra is CuPy's (cuSOLVER/cuBLAS); returns ``'default'``."""
    return 'default'
