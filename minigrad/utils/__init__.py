"""PyTorch-shaped paths: ``minigrad.utils.data`` is ``torch.utils.data``'s counterpart."""
from . import data

__all__ = ['data']
