"""``minigrad.backends.cudnn``: minigrad's GPU kernels are CuPy's and do not call cuDNN, so
``is_available()`` is False; the flags scripts set (``benchmark``, ``deterministic``, ``enabled``,
``allow_tf32``) are accepted and kept with PyTorch's defaults."""
import sys

benchmark = False
deterministic = False
enabled = True
allow_tf32 = True
benchmark_limit = 10


def is_available():
    """False: minigrad does not use cuDNN (see the module docstring)."""
    return False


def version():
    """None, as PyTorch answers without cuDNN."""
    return None


def is_acceptable(tensor):
    return False


class _Flags:
    """``with minigrad.backends.cudnn.flags(enabled=..., benchmark=..., deterministic=...):``."""

    def __init__(self, enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
                 allow_tf32=True):
        self.values = dict(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
                           deterministic=deterministic, allow_tf32=allow_tf32)

    def __enter__(self):
        module = sys.modules[__name__]
        self.previous = {k: getattr(module, k) for k in self.values}
        for k, v in self.values.items():
            setattr(module, k, v)

    def __exit__(self, *exc):
        module = sys.modules[__name__]
        for k, v in self.previous.items():
            setattr(module, k, v)
        return False


flags = _Flags
