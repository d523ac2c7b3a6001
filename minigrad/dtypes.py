"""Public dtype objects: ``minigrad.float32`` prints as ``minigrad.float32`` (PyTorch's
``torch.float32`` prints so), while staying interchangeable with NumPy's dtypes.

A :class:`dtype` wraps one NumPy dtype (its ``.dtype`` attribute, the protocol by which NumPy and CuPy
accept any object as a dtype), compares and hashes equal to it, and answers NumPy's dtype attributes
(``kind``, ``name``, ``itemsize`` ...) as well as PyTorch's (``is_floating_point``, ``is_complex``,
``is_signed``). Kernels keep using NumPy dtypes (``backend.float32``); only the public names and
``Tensor.dtype`` return these objects, so no op pays for them.
"""
import builtins

from . import backend


class dtype:
    """A tensor's element type, e.g. ``minigrad.float32`` (see the module docstring)."""
    __slots__ = ('dtype',)
    wraps_numpy_dtype = True  # how backend.as_dtype recognises one

    def __new__(cls, numpy_dtype):
        return public(numpy_dtype)

    def __eq__(self, other):
        if type(other) is dtype:
            return self.dtype == other.dtype
        try:
            return self.dtype == other
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(self.dtype)

    def __repr__(self):
        return f'minigrad.{self.dtype.name}'

    __str__ = __repr__

    def __getattr__(self, name):  # NumPy's attributes: kind, name, itemsize, char, type, ...
        return getattr(object.__getattribute__(self, 'dtype'), name)

    def __reduce__(self):
        return (public, (self.dtype,))

    @property
    def is_floating_point(self):
        return self.dtype.kind == 'f' or self.dtype.name == 'bfloat16'

    @property
    def is_complex(self):
        return self.dtype.kind == 'c'

    @property
    def is_signed(self):
        return self.dtype.kind in 'ifc' or self.dtype.name == 'bfloat16'

    @property
    def itemsize(self):
        return self.dtype.itemsize


_PUBLIC = {}


def public(numpy_dtype):
    """The public :class:`dtype` for a NumPy dtype (one object per dtype)."""
    found = _PUBLIC.get(numpy_dtype)
    if found is None:
        numpy_dtype = backend.as_dtype(numpy_dtype)
        found = _PUBLIC.get(numpy_dtype)
        if found is None:
            found = object.__new__(dtype)
            object.__setattr__(found, 'dtype', numpy_dtype)
            _PUBLIC[numpy_dtype] = found
    return found


float16 = half = public(backend.float16)
float32 = float = public(backend.float32)
float64 = double = public(backend.float64)
int8 = public(backend.int8)
int16 = short = public(backend.int16)
int32 = int = public(backend.int32)
int64 = long = public(backend.int64)
uint8 = public(backend.uint8)
bool_ = public(backend.bool_)


def get_default_dtype():
    """The dtype Python floats (and float factories) become: ``minigrad.float32`` unless changed."""
    return public(backend.get_default_dtype())


class finfo:
    """Limits of a floating dtype, as ``torch.finfo``: ``bits eps max min tiny smallest_normal
    resolution dtype`` (Python numbers; ``dtype`` is the name). ``finfo()`` is the default dtype's."""

    def __init__(self, type=None):  # noqa: A002  (PyTorch's argument name)
        d = backend.as_dtype(type) if type is not None else backend.get_default_dtype()
        if d.kind != 'f' and d.name != 'bfloat16':
            raise TypeError("minigrad.finfo() requires a floating point input type. Use minigrad.iinfo to "
                            "handle 'minigrad.finfo'")
        info = backend.float_info(d)
        self.bits = builtins.int(info.bits)
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)
        self.dtype = d.name

    def __repr__(self):
        return (f'finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, '
                f'smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})')


class iinfo:
    """Limits of an integer (or bool) dtype, as ``torch.iinfo``: ``bits max min dtype``."""

    def __init__(self, type):  # noqa: A002
        d = backend.as_dtype(type)
        if d.kind not in 'iub':
            raise TypeError("minigrad.iinfo() requires an integer input type. Use minigrad.finfo to handle "
                            "'minigrad.iinfo'")
        if d.kind == 'b':
            self.bits, self.min, self.max = 8, 0, 1
        else:
            info = backend.int_info(d)
            self.bits, self.min, self.max = builtins.int(info.bits), builtins.int(info.min), builtins.int(info.max)
        self.dtype = d.name

    def __repr__(self):
        return f'iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})'

