"""Dtype rules as PyTorch exposes them: ``bfloat16`` (through the optional ml_dtypes package; NumPy has no
bfloat16 of its own), ``is_floating_point``, ``promote_types``, ``result_type``, ``can_cast`` and the
``Tensor.bfloat16()`` cast (``finfo``/``iinfo`` and the dtype objects are minigrad/dtypes.py's).

Promotion is PyTorch's (backend.result_dtype): the higher category wins, dimensioned operands beat
0-d ones within a category, and float16 with bfloat16 gives float32.
"""
import builtins

from .. import backend
from ..dtypes import public
from . import surface_base as ops
from ..tensor import Tensor

__all__ = ['bfloat16', 'is_floating_point', 'promote_types', 'result_type', 'can_cast']

bfloat16 = public(backend.bfloat16) if backend._ml_dtypes is not None else backend.bfloat16


def is_floating_point(input):
    return backend.is_floating(ops.as_tensor(input)._array.dtype)


def promote_types(type1, type2):
    """The dtype PyTorch gives a binary op on tensors of ``type1`` and ``type2``."""
    a, b = backend.as_dtype(type1), backend.as_dtype(type2)
    return public(backend.result_dtype(backend.as_array([0]).astype(a), backend.as_array([0]).astype(b)))


def result_type(tensor1, tensor2):
    """The dtype of a binary op on these operands (tensors or Python numbers), as PyTorch computes it."""

    def operand(x):
        return x._array if isinstance(x, Tensor) else x
    a, b = operand(tensor1), operand(tensor2)
    if not hasattr(a, 'dtype') and not hasattr(b, 'dtype'):
        return ops.as_tensor(tensor1).dtype if not isinstance(tensor2, builtins.float) or isinstance(
            tensor1, builtins.float) else public(backend.get_default_dtype())
    return public(backend.result_dtype(a, b))


def can_cast(from_, to):
    """Whether PyTorch's type promotion allows a result of ``from_`` to be stored as ``to`` (no
    downgrade of category: float to int, or anything but bool to bool)."""
    f, t = backend.as_dtype(from_), backend.as_dtype(to)
    rank = {'b': 0, 'u': 1, 'i': 1, 'f': 2, 'V': 2}
    return rank[f.kind] <= rank[t.kind]


def _to_bfloat16(self, memory_format=None):
    return ops.cast(self, backend.as_dtype('bfloat16'))


def _is_floating_point(self):
    return backend.is_floating(self._array.dtype)


METHODS = {'bfloat16': _to_bfloat16, 'is_floating_point': _is_floating_point}
