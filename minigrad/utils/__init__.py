"""PyTorch-shaped paths: ``minigrad.utils.data`` is ``torch.utils.data``'s counterpart; plus
``minigrad.utils.files.atomic_write``."""
from . import data, files

__all__ = ['data', 'files']
