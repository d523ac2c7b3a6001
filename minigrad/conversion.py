"""Conversions shared by every family of ops: data to a Tensor (``as_tensor``, ``constant``), PyTorch's
dtype promotion (``promote``; integer and bool tensors to floats with ``to_float``), ``cast`` and
``to_device`` (differentiable), and the cached 0-d arrays that stand for Python floats on the hot path.
"""
import builtins

from . import backend
from .tensor import Tensor, make_tensor

__all__ = ['as_tensor', 'constant', 'promote', 'cast', 'to_device', 'to_float', 'scalar_of',
           'scalar_array', 'check_devices', 'SCALARS']

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool
SCALARS = (_pyint, _pyfloat, _pybool)


def constant(array):
    """An array as a Tensor that does not require grad (no copy)."""
    return make_tensor(array)


def as_tensor(data, dtype=None, device=None):
    """A Tensor for ``data``; a Tensor of the right dtype and device is returned as it is (no copy)."""
    if isinstance(data, Tensor):
        out = data
        if dtype is not None:
            out = cast(out, dtype)
        if device is not None:
            out = to_device(out, device)
        return out
    return Tensor(data, dtype=backend.infer_dtype(data) if dtype is None else dtype, device=device)


def cast(input, dtype):
    """``input`` converted to ``dtype`` (differentiable); the tensor itself when it has that dtype."""
    dtype = backend.as_dtype(dtype)
    if input._array.dtype == dtype:
        return input
    return Cast.apply(input, dtype)


def to_device(input, device):
    """``input`` copied to ``device`` (differentiable); the tensor itself when it is there."""
    device = backend.as_device(device)
    if backend.device_of(input._array) == device:
        return input
    return ToDevice.apply(input, device)


def to_float(x):
    """Integer and bool tensors become the default float dtype (true division, exp, log, ...)."""
    return x if backend.is_floating(x._array.dtype) else cast(x, backend.get_default_dtype())


# --------------------------------------------------------------------------------------- dtype rules
def scalar_of(x):
    """Python scalars pass through; 0-d arrays and NumPy scalars become Python scalars (so that, as in
    PyTorch, ``float32_tensor * numpy.float64(2)`` stays float32)."""
    if type(x) in SCALARS:  # exactly: numpy.float64 subclasses float but is not a weak scalar
        return x
    if getattr(x, 'ndim', None) == 0 and not isinstance(x, Tensor):
        return x.item()
    return x


def check_devices(op, a, b):
    """Raise naming both devices when tensors ``a`` and ``b`` live on different ones."""
    if backend.device_of(a._array) != backend.device_of(b._array):
        raise backend.mixed_devices_error(op, a.device, b.device)


def promote(a, b, op='op'):
    """Cast ``a`` and ``b`` (Tensors, arrays or scalars) so that NumPy computes PyTorch's result dtype."""
    a_t, b_t = isinstance(a, Tensor), isinstance(b, Tensor)
    if a_t and b_t:
        da, db = a._array.dtype, b._array.dtype
        if type(a._array) is not type(b._array):
            check_devices(op, a, b)
        if da is db or da == db:
            return a, b
        want = backend.result_dtype(a._array, b._array)
        return cast(a, want), cast(b, want)
    if not a_t:
        b, a = promote(b, a, op)
        return a, b
    da = a._array.dtype
    if type(b) is _pyfloat and da.kind == 'f':  # NumPy already keeps the tensor's dtype
        return a, b
    b = scalar_of(b)
    if isinstance(b, SCALARS):
        if da.kind in 'biu' and (isinstance(b, _pyfloat) or (da.kind == 'b' and not isinstance(b, _pybool))):
            a = cast(a, backend.result_dtype(a._array, b))
        return a, b
    if not hasattr(b, 'dtype'):  # a nested list or other array-like
        b = backend.asarray(b, dtype=backend.infer_dtype(b), dev=a.device)
    want = backend.result_dtype(a._array, b)
    return cast(a, want), (b.astype(want) if b.dtype != want else b)


_scalar_arrays = {}


def scalar_array(value, like):
    """A Python float as a cached read-only 0-d array of ``like``'s dtype (CPU only). NumPy works out a
    Python scalar's dtype on every call, which costs about as much as a small multiply; a 0-d array of
    the tensor's own dtype gives the same result without it, in forward and again in backward."""
    if type(like) is not backend.ndarray or value != value or value == 0:  # NaN; keep the sign of 0
        return value
    key = (value, like.dtype)
    array = _scalar_arrays.get(key)
    if array is None:
        if len(_scalar_arrays) > 4096:
            _scalar_arrays.clear()
        array = backend.as_array(value, dtype=like.dtype)
        array.flags.writeable = False
        _scalar_arrays[key] = array
    return array


# The two Functions the conversions apply live with their families, which build on this module.
from .functions.elementwise import Cast  # noqa: E402
from .functions.shape import ToDevice  # noqa: E402
