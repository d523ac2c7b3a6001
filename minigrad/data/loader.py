"""DataLoader: minibatches of a dataset, in-process, by index.

Each epoch draws one permutation of ``range(len(dataset))`` (when shuffling) and cuts it into batches; a
batch is fetched with the dataset's ``__getitems__`` when it has one (one fancy-indexing per tensor, see
:class:`~minigrad.data.TensorDataset`), else sample by sample and stacked. The dataset is never copied
per epoch and no worker process is started: ``num_workers`` is accepted for PyTorch compatibility and
ignored, so scripts never hit the spawn/fork pitfalls of multi-process loading.
"""
import numpy

from .. import backend
from ..conversion import as_tensor, constant
from ..functions.shape import stack
from ..tensor import Tensor


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size``, each collated to a list ``[X, y]``.

    - ``shuffle=True``: a new random order every epoch, drawn from ``generator`` (a
      ``numpy.random.Generator``), else from a generator seeded with ``seed``, else from minigrad's
      global generator (so ``minigrad.manual_seed(n)`` makes the order reproducible);
    - ``drop_last=True``: drop the last, smaller batch;
    - ``num_workers``: ignored (loading runs in-process, by NumPy indexing);
    - ``collate_fn(list_of_samples)``: only used on the per-sample path.

    ``len(loader)`` is the number of batches per epoch.

    >>> X, y = minigrad.arange(10.0).reshape(5, 2), minigrad.arange(5)
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=2)
    >>> len(loader), [b[1].tolist() for b in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 seed=None):
        if sampler is not None or batch_sampler is not None:
            raise NotImplementedError("DataLoader: sampler/batch_sampler are not supported; use "
                                      "shuffle=True (random order) or shuffle=False (in order)")
        if batch_size is None or int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if generator is not None and seed is not None:
            raise ValueError("DataLoader: give either generator= or seed=, not both")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.generator = generator if generator is not None else (
            numpy.random.default_rng(seed) if seed is not None else None)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        """The sample indices of one epoch: a permutation array, or None for 0..n-1 in order."""
        if not self.shuffle:
            return None
        gen = self.generator if self.generator is not None else backend.generator('cpu')
        order = gen.permutation(len(self.dataset))
        device = _device_of(self.dataset)
        return order if device is None else backend.asarray(order, dev=device)  # moved once per epoch

    def __iter__(self):
        order = self._order()
        n, size = len(self.dataset), self.batch_size
        stop = n - n % size if self.drop_last else n
        batched = hasattr(self.dataset, '__getitems__') and self.collate_fn is None
        for start in range(0, stop, size):
            end = min(start + size, n)
            indices = slice(start, end) if order is None else order[start:end]
            if batched:
                yield list(self.dataset.__getitems__(indices))
            else:
                positions = range(start, end) if order is None else backend.to_host(indices).tolist()
                samples = [self.dataset[i] for i in positions]
                yield (self.collate_fn or default_collate)(samples)


def _device_of(dataset):
    tensors = getattr(dataset, 'tensors', None)
    if tensors:
        dev = tensors[0].device
        return dev if dev.type != 'cpu' else None
    return None


def default_collate(samples):
    """Stack a list of samples into a batch: a list of tuples becomes a list of stacked tensors.

    Tensors are stacked along a new first dimension; Python/NumPy numbers become a 1-d tensor (ints stay
    int64, floats take the default float dtype); NumPy arrays are stacked into a tensor.
    """
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return [default_collate([s[k] for s in samples]) for k in range(len(first))]
    if isinstance(first, Tensor):
        return stack(samples)
    if isinstance(first, numpy.ndarray):
        return constant(numpy.stack(samples))
    if isinstance(first, (int, float, bool, numpy.number, numpy.bool_)):
        return as_tensor(samples if not isinstance(first, numpy.number) else numpy.array(samples))
    raise TypeError(f"DataLoader cannot collate samples of type {type(first).__name__}; return tensors, "
                    "NumPy arrays or numbers from __getitem__, or pass collate_fn=")
