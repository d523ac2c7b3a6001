"""Datasets: anything with ``__len__`` and ``__getitem__``, as in ``torch.utils.data``.

A dataset may also offer ``__getitems__(indices)``, the samples of a whole batch at once (PyTorch 2's
hook: a list of samples, which the DataLoader then collates). :class:`TensorDataset` goes one step
further: its ``__getitems__`` returns the batch already collated (``[X[idx], y[idx]]``, one fancy
indexing per tensor; the class says so with ``_getitems_collated = True``), so a
:class:`~minigrad.data.DataLoader` over it -- or over a :class:`Subset` of it, as ``random_split`` makes --
never loops over samples in Python: that is what keeps data loading out of an epoch's time.

Also here, as in ``torch.utils.data``: :class:`IterableDataset`, :class:`Subset`, :class:`ConcatDataset`
(``dataset_a + dataset_b``), :class:`ChainDataset`, :class:`StackDataset` and :func:`random_split`.
"""
import bisect
import math
import numbers
import warnings

import numpy

from .. import backend
from ..conversion import as_tensor, constant
from ..tensor import Tensor


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__(i)`` and ``__len__()``.

    >>> class Squares(Dataset):
    ...     def __len__(self): return 4
    ...     def __getitem__(self, i): return minigrad.tensor([float(i)]), minigrad.tensor(i * i)
    >>> next(iter(DataLoader(Squares(), batch_size=4)))[1]
    tensor([0, 1, 4, 9])
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Base class of iterable-style datasets (streams): subclasses define ``__iter__``. A DataLoader
    over one batches what it yields, in its order (no sampler, no shuffle).

    >>> class Count(IterableDataset):
    ...     def __iter__(self): return iter(range(5))
    >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate over it instead of "
                        "indexing it")

    def __len__(self):
        raise TypeError(f"{type(self).__name__} is an IterableDataset without a length; define __len__ "
                        "if the stream has one")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows of the given tensors, which share their first dimension.

    ``TensorDataset(X, y)[i]`` is ``(X[i], y[i])``; ``dataset.__getitems__(idx)`` is ``[X[idx], y[idx]]``
    computed with one fancy-indexing per tensor (no per-sample Python work).

    >>> X, y = minigrad.randn(100, 2), minigrad.randn(100, 1)
    >>> ds = TensorDataset(X, y)
    >>> len(ds), ds[3][0].shape
    (100, minigrad.Size([2]))
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor, e.g. TensorDataset(X, y)")
        tensors = tuple(t if isinstance(t, Tensor) else as_tensor(t) for t in tensors)
        n = len(tensors[0])
        for t in tensors[1:]:
            if len(t) != n:
                raise ValueError("TensorDataset: every tensor needs the same first dimension (one row per "
                                 f"sample), got {[tuple(t.shape) for t in tensors]}")
        self.tensors = tensors

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    _getitems_collated = True  # __getitems__ returns a collated batch, not a list of samples

    def __getitems__(self, indices):
        """The batch ``[t[indices] for t in tensors]``; ``indices`` is a slice, an integer array or a
        list of indices. (PyTorch's ``__getitems__`` returns a list of samples; this one returns them
        collated, as ``default_collate`` would.)

        Tensors that require grad are indexed through autograd (the batch stays in the graph, as in
        PyTorch); the others by plain array indexing, which is what data normally is.
        """
        return [t[indices] if t.requires_grad else constant(_take(t.array, indices))
                for t in self.tensors]


def _take(array, indices):
    if isinstance(indices, list):
        indices = numpy.asarray(indices, dtype=numpy.int64)
    if isinstance(indices, slice):
        return array[indices]  # a view: no copy for in-order batches
    if backend.device_of(array) != backend.device_of(indices):
        indices = backend.asarray(indices, dev=backend.device_of(array))
    return array[indices]


class Subset(Dataset):
    """The samples ``indices`` of ``dataset``: ``Subset(ds, [3, 1])[0]`` is ``ds[3]``.

    Over a :class:`TensorDataset` (or another Subset of one) a batch is fetched in one indexing, as from
    the dataset itself.
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices
        self._array = None

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    @property
    def _getitems_collated(self):
        return getattr(self.dataset, '_getitems_collated', False)

    def __getitems__(self, indices):
        if self._getitems_collated:
            if self._array is None or self._array[0] is not self.indices:
                self._array = (self.indices, numpy.asarray(self.indices, dtype=numpy.int64).reshape(-1))
            if isinstance(indices, list):
                indices = numpy.asarray(indices, dtype=numpy.int64)
            elif not isinstance(indices, slice):
                indices = backend.to_host(indices)
            return self.dataset.__getitems__(self._array[1][indices])
        if hasattr(self.dataset, '__getitems__'):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """The datasets one after another: sample ``i`` comes from the dataset whose range holds ``i``
    (``cumulative_sizes`` are the ends of those ranges)."""

    @staticmethod
    def cumsum(sequence):
        out, total = [], 0
        for d in sequence:
            total += len(d)
            out.append(total)
        return out

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset; chain iterable "
                                     "datasets with ChainDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after another (what ``iterable_a + iterable_b`` gives)."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class StackDataset(Dataset):
    """Datasets side by side: ``StackDataset(a, b)[i] == (a[i], b[i])``,
    ``StackDataset(x=a, y=b)[i] == {'x': a[i], 'y': b[i]}``."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        self.datasets = args or kwargs
        lengths = [len(d) for d in (args or kwargs.values())]
        if any(n != lengths[0] for n in lengths):
            raise ValueError("Size mismatch between datasets")
        self._length = lengths[0]

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping :class:`Subset` s of the given ``lengths``, or of the given
    fractions (summing to 1: ``floor(fraction * n)`` each, the remainder added one by one to the first
    subsets, round-robin, as PyTorch does).

    The permutation comes from ``generator`` (a ``minigrad.Generator``, a ``numpy.random.Generator`` or
    an int seed) or minigrad's global generator; it is NumPy's, not torch's, so the same seed gives a
    reproducible split, not torch's split.

    >>> train, val = random_split(range(10), [0.7, 0.3], generator=0)
    >>> len(train), len(val)
    (7, 3)
    """
    from .sampler import host_rng
    lengths = list(lengths)
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty "
                              "dataset.", stacklevel=2)
        lengths = sizes
    for k in lengths:
        if not isinstance(k, numbers.Integral) or k < 0:
            raise ValueError(f"random_split: lengths must be non-negative integers or fractions summing "
                             f"to 1, got {lengths}")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = host_rng(generator).permutation(n).tolist()
    subsets, offset = [], 0
    for k in lengths:
        subsets.append(Subset(dataset, order[offset:offset + k]))
        offset += k
    return subsets
