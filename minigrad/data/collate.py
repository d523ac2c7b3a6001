"""``default_collate`` and ``default_convert``: PyTorch's rules for turning samples into a batch.

A batch of samples is collated by the type of its first sample, recursively:

====================================  =========================================================
sample                                batch
====================================  =========================================================
Tensor                                the tensors stacked along a new first dimension
NumPy array (not of strings/objects)  converted to tensors, then stacked
NumPy scalar                          a 1-d tensor of its dtype
Python float / int / bool             a 1-d tensor of float64 (!) / int64 / bool, as PyTorch
str / bytes                           the list of them, unchanged
dict (Mapping)                        a dict of the same type, each key collated
namedtuple                            the same namedtuple, each field collated
tuple / list (Sequence)               a list (tuple) or a sequence of the same type, per position
====================================  =========================================================
"""
import collections.abc
import copy

import numpy

from .. import backend
from ..conversion import as_tensor, constant
from ..functions.shape import stack
from ..tensor import Tensor

_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numpy_to_tensor(array, what):
    if array.dtype.kind in 'SUOa':
        raise TypeError(_ERROR.format(array.dtype))
    return constant(array)


def default_collate(batch):
    """Collate a list of samples into a batch, by PyTorch's rules (see the module's table).

    >>> default_collate([(minigrad.zeros(2), 1, 0.5), (minigrad.ones(2), 2, 1.5)])
    [tensor([[0., 0.],
            [1., 1.]]), tensor([1, 2]), tensor([0.5000, 1.5000], dtype=minigrad.float64)]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch))
    if isinstance(elem, numpy.ndarray):
        return stack([_numpy_to_tensor(b, 'collate') for b in batch])
    if isinstance(elem, (numpy.number, numpy.bool_)):
        return constant(numpy.array(batch))
    if isinstance(elem, bool):
        return as_tensor(list(batch), dtype=backend.as_dtype('bool'))
    if isinstance(elem, int):
        return as_tensor(list(batch), dtype=backend.as_dtype('int64'))
    if isinstance(elem, float):
        return as_tensor(list(batch), dtype=backend.as_dtype('float64'))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(collated)
            return clone
        try:
            return type(elem)(collated)
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, '_fields'):  # namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(b) != size for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))  # tuples: a position of strings stays a tuple, as in PyTorch
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, samples in enumerate(transposed):
                clone[i] = default_collate(samples)
            return clone
        try:
            return type(elem)([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """Convert one sample without batching (what a DataLoader with ``batch_size=None`` yields): NumPy
    arrays and scalars become tensors, containers are converted recursively, anything else is kept."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, numpy.ndarray):
        return data if data.dtype.kind in 'SUOa' else constant(data)
    if isinstance(data, (numpy.number, numpy.bool_)):
        return constant(numpy.asarray(data))
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(converted)
            return clone
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    if isinstance(data, tuple) and hasattr(data, '_fields'):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, d in enumerate(data):
                clone[i] = default_convert(d)
            return clone
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
