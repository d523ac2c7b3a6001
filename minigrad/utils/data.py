"""``torch.utils.data``'s names, the same objects as :mod:`minigrad.data`:
``from minigrad.utils.data import DataLoader, TensorDataset, Dataset``."""
from ..data import DataLoader, Dataset, TensorDataset, default_collate

__all__ = ['Dataset', 'TensorDataset', 'DataLoader', 'default_collate']
