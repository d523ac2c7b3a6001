"""``torch.utils.data``'s names, the same objects as :mod:`minigrad.data`:
``from minigrad.utils.data import DataLoader, TensorDataset, random_split, DistributedSampler``."""
from ..data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, DistributedSampler,
                    IterableDataset, RandomSampler, Sampler, SequentialSampler, StackDataset, Subset,
                    SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                    default_convert, get_worker_info, random_split)

__all__ = ['Dataset', 'TensorDataset', 'IterableDataset', 'Subset', 'ConcatDataset', 'ChainDataset',
           'StackDataset', 'random_split', 'DataLoader', 'default_collate', 'default_convert',
           'get_worker_info', 'Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler',
           'WeightedRandomSampler', 'BatchSampler', 'DistributedSampler']
