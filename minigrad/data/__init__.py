"""Data: datasets and the DataLoader (``minigrad.utils.data`` is the PyTorch-shaped path to the same
objects), plus the datasets the seed uses: synthetic regression data and Fashion-MNIST.

>>> from minigrad.data import DataLoader, TensorDataset
>>> X, y = minigrad.randn(1000, 2), minigrad.randn(1000, 1)
>>> for X_batch, y_batch in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True):
...     pass
"""
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset,
                      TensorDataset, random_split)
from .idx import DataError, DataNotFoundError, parse_idx, read_idx
from .loader import DataLoader, default_collate, default_convert, get_worker_info
from .sampler import (BatchSampler, DistributedSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .synthetic import synthetic_regression

__all__ = ['Dataset', 'TensorDataset', 'IterableDataset', 'Subset', 'ConcatDataset', 'ChainDataset',
           'StackDataset', 'random_split', 'DataLoader', 'default_collate', 'default_convert',
           'get_worker_info', 'Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler',
           'WeightedRandomSampler', 'BatchSampler', 'DistributedSampler', 'FashionMNIST', 'fashion_mnist',
           'synthetic_regression', 'read_idx', 'parse_idx', 'DataError', 'DataNotFoundError']


def __getattr__(name):
    # Fashion-MNIST is imported on first use, so that `python -m minigrad.data.fashion_mnist` runs the
    # module fresh (runpy warns when the package has imported it already).
    if name in ('fashion_mnist', 'FashionMNIST'):
        import importlib
        fashion_mnist = importlib.import_module('.fashion_mnist', __name__)
        return fashion_mnist if name == 'fashion_mnist' else fashion_mnist.FashionMNIST
    raise AttributeError(f"module 'minigrad.data' has no attribute {name!r}")
