"""DataLoader: minibatches of a dataset, in-process, as ``torch.utils.data.DataLoader`` makes them.

A map-style dataset is visited in the order of a sampler (``SequentialSampler``, or ``RandomSampler``
with ``shuffle=True``, or the ``sampler=`` given), cut into batches by a ``BatchSampler`` (or the
``batch_sampler=`` given), and each batch is fetched and collated (``collate_fn``, default
:func:`default_collate`). An :class:`IterableDataset` is batched in the order it yields.

The fast path: over a :class:`TensorDataset` (or a :class:`Subset` of one) with the default collation,
a batch is fetched with one fancy indexing per tensor -- in-order batches are slices (views) -- from
the epoch's index array, with no per-sample Python work. The order is the same as the sampler's.

No worker process is started: ``num_workers``, ``pin_memory``, ``prefetch_factor``,
``persistent_workers`` and ``timeout`` are accepted for PyTorch compatibility and loading runs
in-process (``worker_init_fn(0)`` is called once per epoch -- once in all with
``persistent_workers=True`` -- when ``num_workers > 0``), so scripts never hit the spawn/fork pitfalls
of multi-process loading.
"""
import itertools

import numpy

from .. import backend
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ['DataLoader', 'default_collate', 'default_convert', 'get_worker_info']


def get_worker_info():
    """None: loading runs in the main process (as in PyTorch with ``num_workers=0``)."""
    return None


class DataLoader:
    """Iterate over ``dataset`` in batches, PyTorch's arguments and rules.

    - ``batch_size`` (default 1; ``None`` turns batching off: each sample goes through
      ``default_convert``), ``drop_last`` (drop the last, smaller batch);
    - ``shuffle=True``: a new random order every epoch (``RandomSampler``), drawn from ``generator``
      (a ``minigrad.Generator``, ``numpy.random.Generator`` or int seed), else from a generator seeded
      with ``seed`` (our addition), else from minigrad's global generator (``minigrad.manual_seed``);
    - ``sampler=`` (indices; exclusive with ``shuffle``), ``batch_sampler=`` (lists of indices;
      exclusive with ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``);
    - ``collate_fn(list_of_samples)`` (default :func:`default_collate`).

    ``len(loader)`` is the number of batches per epoch.

    >>> X, y = minigrad.arange(10.0).reshape(5, 2), minigrad.arange(5)
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=2)
    >>> len(loader), [b[1].tolist() for b in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers=False, pin_memory_device='', in_order=True, seed=None):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing. let "
                             "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor "
                             "to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: give either generator= or seed=, not both")
        if seed is not None:
            generator = numpy.random.default_rng(seed)
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler "
                                 f"option, but got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually "
                                 "exclusive with drop_last")
        elif isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size!r}")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, int(batch_size), bool(drop_last))
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.drop_last = bool(drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._workers_started = False

    @property
    def shuffle(self):
        return isinstance(self.sampler, RandomSampler)

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)  # TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def _start_workers(self):
        if self.num_workers > 0 and self.worker_init_fn is not None and \
                not (self.persistent_workers and self._workers_started):
            self.worker_init_fn(0)
        self._workers_started = True

    def __iter__(self):
        self._start_workers()
        if self._iterable:
            return self._iter_stream()
        if self._fast_path():
            return self._iter_fast()
        return self._iter_map()

    def _fast_path(self):
        bs = self.batch_sampler
        return (type(bs) is BatchSampler and self.collate_fn is default_collate
                and getattr(self.dataset, '_getitems_collated', False) and hasattr(bs.sampler, '_indices'))

    def _iter_fast(self):
        """Whole batches by index arrays: the epoch's order once, then slices of it."""
        bs = self.batch_sampler
        order = bs.sampler._indices()
        n = len(self.dataset) if order is None else len(order)
        size = bs.batch_size
        stop = n - n % size if bs.drop_last else n
        if order is not None:
            device = _device_of(self.dataset)
            if device is not None:
                order = backend.asarray(order, dev=device)  # moved once per epoch
        for start in range(0, stop, size):
            end = min(start + size, n)
            indices = slice(start, end) if order is None else order[start:end]
            yield list(self.dataset.__getitems__(indices))

    def _fetch(self, indices):
        dataset = self.dataset
        if hasattr(dataset, '__getitems__') and not getattr(dataset, '_getitems_collated', False):
            return dataset.__getitems__(indices)
        return [dataset[i] for i in indices]

    def _iter_map(self):
        if self.batch_sampler is None:
            for i in self.sampler:
                yield self.collate_fn(self.dataset[i])
            return
        whole = self.collate_fn is default_collate and getattr(self.dataset, '_getitems_collated', False)
        for indices in self.batch_sampler:
            if whole:  # a TensorDataset: one indexing per tensor, already collated
                yield list(self.dataset.__getitems__(list(indices)))
            else:
                yield self.collate_fn(self._fetch(list(indices)))

    def _iter_stream(self):
        it = iter(self.dataset)
        if self.batch_size is None:
            for sample in it:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield self.collate_fn(batch)


def _device_of(dataset):
    tensors = getattr(dataset, 'tensors', None)
    if tensors:
        dev = tensors[0].device
        return dev if dev.type != 'cpu' else None
    return None
