"""Data: datasets and the DataLoader (``minigrad.utils.data`` is the PyTorch-shaped path to the same
objects), plus the datasets the seed uses: synthetic regression data and Fashion-MNIST.

>>> from minigrad.data import DataLoader, TensorDataset
>>> X, y = minigrad.randn(1000, 2), minigrad.randn(1000, 1)
>>> for X_batch, y_batch in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True):
...     pass
"""
from . import fashion_mnist
from .dataset import Dataset, TensorDataset
from .fashion_mnist import FashionMNIST
from .idx import DataError, DataNotFoundError, parse_idx, read_idx
from .loader import DataLoader, default_collate
from .synthetic import synthetic_regression

__all__ = ['Dataset', 'TensorDataset', 'DataLoader', 'default_collate', 'FashionMNIST', 'fashion_mnist',
           'synthetic_regression', 'read_idx', 'parse_idx', 'DataError', 'DataNotFoundError']
