"""Datasets: anything with ``__len__`` and ``__getitem__``, as in ``torch.utils.data``.

A dataset may also offer ``__getitems__(indices)``, returning the whole batch at once (PyTorch 2 has the
same hook). :class:`TensorDataset` does, by fancy indexing its arrays, so a :class:`~minigrad.data.DataLoader`
over it never loops over samples in Python: that is what keeps data loading out of an epoch's time.
"""
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

    def __getitems__(self, indices):
        """The batch ``[t[indices] for t in tensors]``; ``indices`` is a slice or an integer array.

        Tensors that require grad are indexed through autograd (the batch stays in the graph, as in
        PyTorch); the others by plain array indexing, which is what data normally is.
        """
        return [t[indices] if t.requires_grad else constant(_take(t.array, indices))
                for t in self.tensors]


def _take(array, indices):
    if isinstance(indices, slice):
        return array[indices]  # a view: no copy for in-order batches
    if backend.device_of(array) != backend.device_of(indices):
        indices = backend.asarray(indices, dev=backend.device_of(array))
    return array[indices]
