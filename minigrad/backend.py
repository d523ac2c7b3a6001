"""The array backend: the only module of the engine that imports NumPy or CuPy.

Everything above this layer takes its array module from the arrays it holds (``xp = array_module(a)``),
so the same kernels run on NumPy (CPU) and CuPy (CUDA). What genuinely differs between the two libraries
lives here: creating arrays on a device, moving arrays between devices, random number generation,
scatter-add (the backward of advanced indexing) and the dtype rules minigrad shares with PyTorch.
"""
import builtins
import threading

import numpy

try:  # CuPy is optional: `pip install minigrad[gpu]`
    import cupy as _cupy
except Exception:  # ImportError, or a CuPy that cannot find its CUDA libraries
    _cupy = None

ndarray = numpy.ndarray
scalar_types = numpy.generic  # what NumPy returns for 0-d results; minigrad keeps 0-d arrays instead
as_array = numpy.asarray
_pyfloat, _pyint = builtins.float, builtins.int

# ----------------------------------------------------------------------------------------------- dtypes
float16 = numpy.dtype('float16')
float32 = numpy.dtype('float32')
float64 = numpy.dtype('float64')
int8 = numpy.dtype('int8')
int16 = numpy.dtype('int16')
int32 = numpy.dtype('int32')
int64 = numpy.dtype('int64')
uint8 = numpy.dtype('uint8')
bool_ = numpy.dtype('bool')
# PyTorch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

_state = threading.local()


def get_default_dtype():
    """The dtype Python floats (and float factories) become: float32 unless changed."""
    return getattr(_state, 'default_dtype', float32)


def set_default_dtype(dtype):
    """Set the default floating dtype (float32 or float64), as ``torch.set_default_dtype``."""
    dtype = as_dtype(dtype)
    if dtype.kind != 'f':
        raise TypeError(f"set_default_dtype only accepts floating dtypes, got {dtype}; "
                        "use minigrad.float32 or minigrad.float64")
    _state.default_dtype = dtype


def as_dtype(dtype):
    """Normalise anything NumPy understands as a dtype (``minigrad.float32``, ``'float64'``, ``float``)."""
    if dtype is None:
        return None
    if dtype is _pyfloat:
        return get_default_dtype()
    if dtype is _pyint:
        return int64
    try:
        return numpy.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use one of minigrad.float32, float64, int64, "
                        "int32, bool") from None




def is_floating(dtype):
    return dtype.kind == 'f'


_KIND_RANK = {'b': 0, 'u': 1, 'i': 1, 'f': 2, 'c': 3}


def result_dtype(a, b):
    """Result dtype of a binary op on two arrays (or Python scalars), following PyTorch's rules.

    - the higher category wins (bool < integer < floating);
    - within a category, a value with dimensions beats a 0-d one (so ``float32_vector * float64_scalar``
      stays float32);
    - a Python float meeting an integer or bool array gives the default float dtype (NumPy would give
      float64);
    - otherwise NumPy's promotion.
    """
    a_scalar = not hasattr(a, 'dtype')
    b_scalar = not hasattr(b, 'dtype')
    if a_scalar and b_scalar:
        return None
    if a_scalar:
        a, b = b, a
        a_scalar, b_scalar = b_scalar, a_scalar
    da = a.dtype
    if b_scalar:
        rank_b = 2 if isinstance(b, _pyfloat) else 0 if isinstance(b, bool) else 1
        if _KIND_RANK[da.kind] >= rank_b:
            return da
        return get_default_dtype() if rank_b == 2 else int64
    db = b.dtype
    if da == db:
        return da
    ra, rb = _KIND_RANK[da.kind], _KIND_RANK[db.kind]
    if ra != rb:
        return da if ra > rb else db
    if a.ndim == 0 and b.ndim > 0:
        return db
    if b.ndim == 0 and a.ndim > 0:
        return da
    return numpy.promote_types(da, db)


# ---------------------------------------------------------------------------------------------- devices
class device:
    """A device: ``'cpu'`` or ``'cuda'`` / ``'cuda:N'``. Compares equal to its string form."""
    __slots__ = ('type', 'index')

    def __init__(self, spec='cpu', index=None):
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"a device is 'cpu', 'cuda' or 'cuda:N', got {spec!r}")
        kind, _, num = spec.partition(':')
        if kind not in ('cpu', 'cuda'):
            raise ValueError(f"unknown device {spec!r}: use 'cpu', 'cuda' or 'cuda:N'")
        if num:
            if not num.isdigit():
                raise ValueError(f"bad device index in {spec!r}: use 'cuda:0', 'cuda:1', ...")
            index = _pyint(num)
        if kind == 'cpu':
            index = None
        elif index is None:
            index = 0
        self.type, self.index = kind, index

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __repr__(self):
        return f"device(type='{self.type}'" + ('' if self.index is None else f', index={self.index}') + ')'

    def __eq__(self, other):
        if isinstance(other, str):
            try:
                other = device(other)
            except (TypeError, ValueError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device('cpu')


def as_device(spec):
    if spec is None:
        return CPU
    return spec if isinstance(spec, device) else device(spec)


def cuda_unavailable_reason():
    """None when CUDA can be used, else a sentence saying why not and what to do."""
    if _cupy is None:
        return ("CuPy is not installed: install the GPU extra with `pip install minigrad[gpu]` "
                "(cupy-cuda12x) on a machine with an NVIDIA GPU")
    try:
        count = _cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device
        return f"CuPy is installed but no CUDA device is usable ({exc}); run on a machine with an NVIDIA GPU"
    if count == 0:
        return "CuPy is installed but this machine has no CUDA device"
    return None


def cuda_is_available():
    return cuda_unavailable_reason() is None


def cuda_device_count():
    return 0 if cuda_unavailable_reason() else _cupy.cuda.runtime.getDeviceCount()


def _require_cuda(dev):
    reason = cuda_unavailable_reason()
    if reason:
        raise RuntimeError(f"cannot use device '{dev}': {reason}")
    if dev.index >= _cupy.cuda.runtime.getDeviceCount():
        raise RuntimeError(f"device '{dev}' does not exist: this machine has "
                           f"{_cupy.cuda.runtime.getDeviceCount()} CUDA device(s)")


def module_for(dev):
    """The array module (numpy or cupy) that creates arrays on ``dev``."""
    dev = as_device(dev)
    if dev.type == 'cpu':
        return numpy
    _require_cuda(dev)
    return _cupy


def array_module(array):
    """The array module an array belongs to: kernels call this instead of importing NumPy."""
    if type(array) is ndarray:
        return numpy
    get = getattr(array, '__array_namespace_minigrad__', None)
    if get is not None:  # a test backend (see tests/test_device_agnostic.py)
        return get()
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy
    return numpy


def device_of(array):
    if type(array) is ndarray or _cupy is None or not isinstance(array, _cupy.ndarray):
        return CPU
    return device('cuda', array.device.id)


def to_device(array, dev):
    """Move (copy) an array to ``dev``; returns the same array when it is already there."""
    dev = as_device(dev)
    if dev.type == 'cpu':
        if _cupy is not None and isinstance(array, _cupy.ndarray):
            return _cupy.asnumpy(array)
        return array
    _require_cuda(dev)
    with _cupy.cuda.Device(dev.index):
        return _cupy.asarray(array)


def to_host(array):
    """A NumPy array with the same values (no copy for NumPy arrays)."""
    if type(array) is ndarray:
        return array
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy.asnumpy(array)
    return numpy.asarray(array)


def asarray(data, dtype=None, dev=None, copy=False):
    """Convert ``data`` (scalar, nested list, NumPy or CuPy array) into an array on ``dev``; with
    ``copy=True`` the result never shares memory with ``data``."""
    dev = as_device(dev) if dev is not None else device_of(data)
    xp = module_for(dev)
    if dev.type == 'cuda':
        with _cupy.cuda.Device(dev.index):
            moved = to_device(data, dev) if hasattr(data, 'dtype') else data
            out = xp.asarray(moved, dtype=dtype)
            return out.copy() if copy and (out is data or out is moved and moved is data) else out
    if _cupy is not None and isinstance(data, _cupy.ndarray):
        data = _cupy.asnumpy(data)
    if copy and hasattr(data, 'dtype'):
        return numpy.array(data, dtype=dtype, copy=True)
    return numpy.asarray(data, dtype=dtype)


def infer_dtype(data):
    """The dtype ``minigrad.tensor(data)`` gets when none is given (PyTorch's inference).

    Arrays keep their dtype; Python floats (anywhere in a nested list) give the default float dtype;
    Python ints give int64; bools stay bool.
    """
    if hasattr(data, 'dtype'):
        return data.dtype
    probe = numpy.asarray(data)
    kind = probe.dtype.kind
    if kind == 'f':
        return get_default_dtype()
    if kind in 'iu':
        return int64
    if kind == 'b':
        return bool_
    if probe.dtype == object:
        raise TypeError("cannot build a tensor from a ragged or mixed nested sequence: every row must "
                        "have the same length and hold numbers")
    raise TypeError(f"cannot build a tensor from data of type {probe.dtype}; give numbers, "
                    "nested lists of numbers or a NumPy array")


# ------------------------------------------------------------------------------------- device kernels
def scatter_add(target, index, values):
    """``target[index] += values`` with repeated indices accumulating (the backward of indexing)."""
    xp = array_module(target)
    if xp is numpy:
        numpy.add.at(target, index, values)
    elif xp is _cupy:
        import cupyx
        cupyx.scatter_add(target, index, values)
    else:
        xp.add.at(target, index, values)
    return target


def solve(a, b):
    return array_module(a).linalg.solve(a, b)


def matrix_rank(a):
    return _pyint(array_module(a).linalg.matrix_rank(a))


def lstsq(a, b):
    return array_module(a).linalg.lstsq(a, b, rcond=None)[0]


# ------------------------------------------------------------------------------------- .npz files
def save_npz(file, arrays):
    """Write host arrays (name -> array) to an open binary file as an uncompressed .npz."""
    numpy.savez(file, **arrays)


def load_npz(path):
    """Read every array of an .npz file (name -> NumPy array) with pickling disabled, so that a file
    holding Python objects raises ValueError instead of running their code."""
    data = numpy.load(path, allow_pickle=False)
    if not isinstance(data, numpy.lib.npyio.NpzFile):
        raise ValueError("the file holds a single .npy array, not an .npz archive")
    with data:
        return {name: data[name] for name in data.files}


def bytes_to_array(data):
    return numpy.frombuffer(data, dtype=numpy.uint8)


# ------------------------------------------------------------------------------------ random numbers
class _Generators:
    """One random generator per device, reseeded together by ``manual_seed``."""

    def __init__(self):
        self.seed = None
        self.by_device = {}

    def get(self, dev):
        dev = as_device(dev)
        gen = self.by_device.get(dev)
        if gen is None:
            if dev.type == 'cpu':
                gen = numpy.random.default_rng(self.seed)
            else:
                _require_cuda(dev)
                with _cupy.cuda.Device(dev.index):
                    gen = _cupy.random.default_rng(self.seed)
            self.by_device[dev] = gen
        return gen

    def reseed(self, seed):
        self.seed = seed
        self.by_device.clear()


_generators = _Generators()


def manual_seed(seed):
    """Make every later random draw (factories, initialisers, dropout, shuffling) reproducible."""
    if not isinstance(seed, (_pyint, numpy.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed expects an int, got {seed!r}")
    _generators.reseed(_pyint(seed))
    return seed


def generator(dev=None):
    """The random generator (``numpy.random.Generator`` or CuPy's) of a device."""
    return _generators.get(dev)


def random_uniform(shape, low, high, dtype, dev=None):
    gen = generator(dev)
    return (gen.random(shape, dtype=float64 if dtype != float32 else float32) * (high - low) + low
            ).astype(dtype, copy=False)


def random_normal(shape, mean, std, dtype, dev=None):
    gen = generator(dev)
    out = gen.standard_normal(shape, dtype=float64 if dtype != float32 else float32)
    if std != 1:
        out *= std
    if mean != 0:
        out += mean
    return out.astype(dtype, copy=False)


def random_integers(low, high, shape, dev=None):
    return generator(dev).integers(low, high, size=shape, dtype=int64)


def random_permutation(n, dev=None):
    return generator(dev).permutation(n)


def format_array(array):
    """The values of a host array as PyTorch prints them inside ``tensor(...)``."""
    if array.size == 0:
        return '[]'
    kind = array.dtype.kind
    options = dict(separator=', ', prefix='tensor(', threshold=1000, edgeitems=3, max_line_width=100)
    if kind == 'f':
        finite = array[numpy.isfinite(array)]
        big = finite.size and (numpy.abs(finite).max() >= 1e8 or 0 < numpy.abs(finite[finite != 0]).min(
            initial=1) < 1e-4)
        if big:
            options['formatter'] = {'float_kind': lambda v: f'{v:.4e}'}
        elif finite.size and numpy.all(finite == numpy.round(finite)):
            options['formatter'] = {'float_kind': lambda v: f'{v:.0f}.'}
        else:
            options['precision'] = 4
            options['floatmode'] = 'fixed'
    return numpy.array2string(array, **options)
