"""Samplers: the order in which a :class:`~minigrad.data.DataLoader` visits a map-style dataset, as in
``torch.utils.data`` (same classes, arguments, defaults and errors).

A sampler is an iterable of indices (``BatchSampler``: of lists of indices). The random ones draw from
``generator``: a ``minigrad.Generator``, a ``numpy.random.Generator``, or an int seed (a generator
seeded once, at construction); without one they draw from minigrad's global generator, so
``minigrad.manual_seed(n)`` makes the order reproducible. The permutations are NumPy's (PCG64), not
PyTorch's: the same seed gives a reproducible order, not torch's order.

Samplers that visit a whole epoch at once also offer ``_indices()``, the epoch's indices as one NumPy
array; the DataLoader uses it to index a TensorDataset batch by batch without a Python loop over
samples. Iterating the sampler yields the same indices in the same order.
"""
import math
import numbers

import numpy

from .. import backend


def host_rng(generator):
    """The NumPy generator behind ``generator`` (None: minigrad's global CPU generator, drawn at each
    call so that ``manual_seed`` takes effect)."""
    if generator is None:
        return backend.generator('cpu')
    if isinstance(generator, numbers.Integral) and not isinstance(generator, bool):
        return numpy.random.default_rng(int(generator))
    if hasattr(generator, 'permutation') and hasattr(generator, 'integers'):
        return generator
    for name in ('numpy_generator', '_rng', 'rng', '_generator', 'generator'):
        inner = getattr(generator, name, None)
        if callable(inner) and name in ('numpy_generator',):
            inner = inner()
        if inner is not None and hasattr(inner, 'permutation') and hasattr(inner, 'integers'):
            return inner
    raise TypeError(f"generator= must be a minigrad.Generator, a numpy.random.Generator or an int seed, "
                    f"got {type(generator).__name__}")


class _Lazy:
    """A generator argument resolved once (an int seed becomes one generator that then advances), or,
    for None, looked up at every draw (the global generator, which manual_seed replaces)."""

    def __init__(self, generator):
        self.generator = generator
        self._rng = None if generator is None else host_rng(generator)

    def get(self):
        return self._rng if self._rng is not None else host_rng(None)


def _positive_int(value, what):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{what} should be a positive integer value, but got {what}={value!r}")
    return int(value)


class Sampler:
    """Base class: subclasses define ``__iter__`` (indices) and usually ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)

    def _indices(self):
        return None  # in order: the DataLoader cuts slices (views, no copies)


class RandomSampler(Sampler):
    """A random order: a permutation per epoch, or ``num_samples`` draws with ``replacement=True``.

    Without replacement and with ``num_samples > len(data_source)``, whole permutations follow one
    another and the last is cut, as in PyTorch.

    >>> list(RandomSampler(range(5), generator=0))       # doctest: +SKIP
    [4, 1, 0, 3, 2]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        self._rng = _Lazy(generator)
        if num_samples is not None:
            _positive_int(num_samples, 'num_samples')

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self):
        return self.num_samples

    def _indices(self):
        n, k, rng = len(self.data_source), self.num_samples, self._rng.get()
        if self.replacement:
            return rng.integers(0, n, size=k, dtype=numpy.int64)
        if k == n:
            return rng.permutation(n)
        parts = [rng.permutation(n) for _ in range(k // n)]
        if k % n:
            parts.append(rng.permutation(n)[:k % n])
        return numpy.concatenate(parts) if parts else numpy.zeros(0, numpy.int64)

    def __iter__(self):
        return iter(self._indices().tolist())


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one each epoch)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator
        self._rng = _Lazy(generator)

    def __len__(self):
        return len(self.indices)

    def _indices(self):
        order = self._rng.get().permutation(len(self.indices))
        return numpy.asarray(self.indices, dtype=numpy.int64)[order]

    def __iter__(self):
        return iter(self._indices().tolist())


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights`` (PyTorch's
    ``multinomial``: with replacement by default; without, each index at most once)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        _positive_int(num_samples, 'num_samples')
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        w = numpy.asarray(backend.to_host(weights.array) if hasattr(weights, 'array') else weights,
                          dtype=numpy.float64)
        if w.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape {w.shape}")
        if (w < 0).any() or not numpy.isfinite(w).all() or w.sum() <= 0:
            raise RuntimeError("WeightedRandomSampler: weights must be finite, non-negative and not all "
                               "zero")
        if not replacement and num_samples > int((w > 0).sum()):
            raise RuntimeError(f"WeightedRandomSampler: cannot draw {num_samples} samples without "
                               f"replacement from {int((w > 0).sum())} indices of non-zero weight")
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator
        self._rng = _Lazy(generator)

    def __len__(self):
        return self.num_samples

    def _indices(self):
        p = self.weights / self.weights.sum()
        return self._rng.get().choice(len(p), size=self.num_samples, replace=self.replacement, p=p)

    def __iter__(self):
        return iter(self._indices().tolist())


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler``; the last is shorter unless ``drop_last``.

    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, numbers.Integral) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)


class DistributedSampler(Sampler):
    """The share of ``dataset`` that process ``rank`` of ``num_replicas`` visits (PyTorch's rule).

    Every rank walks the same order (a permutation drawn from ``seed + epoch`` when ``shuffle``, else
    ``0..n-1``) and takes every ``num_replicas``-th index starting at ``rank``. To give every rank the
    same number of samples, ``drop_last=False`` pads the order by repeating it from its start, and
    ``drop_last=True`` cuts its tail. ``num_replicas`` and ``rank`` default to the process group's (see
    :mod:`minigrad.distributed`). Call ``set_epoch(epoch)`` before each epoch for a new order. The
    permutation is NumPy's, so the shards are PyTorch's rule applied to a different permutation.

    >>> [list(DistributedSampler(range(5), num_replicas=2, rank=r, shuffle=False)) for r in (0, 1)]
    [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            from .. import distributed as dist
            if not dist.is_initialized():
                raise RuntimeError("DistributedSampler: num_replicas and rank default to the process "
                                   "group's, and none is initialised; call "
                                   "minigrad.distributed.init_process_group() first (under mpiexec), or "
                                   "pass num_replicas= and rank=")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if not isinstance(num_replicas, numbers.Integral) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive integer, got "
                             f"{num_replicas!r}")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = int(seed)

    def _indices(self):
        n = len(self.dataset)
        if self.shuffle:
            order = numpy.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            order = numpy.arange(n, dtype=numpy.int64)
        if not self.drop_last:
            padding = self.total_size - n
            if padding > 0:
                order = numpy.concatenate([order, numpy.resize(order, padding)])
        else:
            order = order[:self.total_size]
        return order[self.rank:self.total_size:self.num_replicas]

    def __iter__(self):
        return iter(self._indices().tolist())

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use ``seed + epoch`` for the next order (call it at the start of every epoch)."""
        self.epoch = int(epoch)
