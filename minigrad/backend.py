"""The array backend: the only module of the engine that imports NumPy or CuPy.

Everything above this layer takes its array module from the arrays it holds (``xp = array_module(a)``),
so the same kernels run on NumPy (CPU) and CuPy (CUDA). What genuinely differs between the two libraries
lives here: creating arrays on a device, moving arrays between devices, random number generation,
scatter-add (the backward of advanced indexing), the linear solve, and the dtype rules minigrad shares
with PyTorch.
"""
import builtins
import contextlib
import threading

import numpy

_cupy_import_error = None
try:  # CuPy is optional: `pip install minigrad[gpu]`
    import cupy as _cupy
except ImportError:
    _cupy = None
except Exception as _exc:  # a CuPy that cannot load its CUDA libraries: remember why, to say so
    _cupy, _cupy_import_error = None, _exc

ndarray = numpy.ndarray
#: The host's array module, for code that works on host memory by design (MPI staging buffers, the raw
#: baselines of benchmarks) rather than on a tensor's own arrays.
host = numpy
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
try:  # NumPy has no bfloat16: the ml_dtypes package provides it (optional; minigrad[bfloat16])
    import ml_dtypes as _ml_dtypes
    bfloat16 = numpy.dtype(_ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - exercised where ml_dtypes is missing
    _ml_dtypes = None

    class _MissingBfloat16:
        """Stands for bfloat16 where ml_dtypes is not installed: any use says how to get it."""
        name = 'bfloat16'

        def __repr__(self):
            return 'minigrad.bfloat16 (unavailable: pip install ml_dtypes)'

    bfloat16 = _MissingBfloat16()
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
    if isinstance(dtype, numpy.dtype):
        return dtype
    if dtype is None:
        return None
    if getattr(type(dtype), 'wraps_numpy_dtype', False):
        return dtype.dtype  # a public minigrad dtype (minigrad/dtypes.py): its NumPy dtype
    if dtype is _pyfloat:
        return get_default_dtype()
    if dtype is _pyint:
        return int64
    if dtype is bfloat16 or (isinstance(dtype, str) and dtype.replace('minigrad.', '') == 'bfloat16'):
        if _ml_dtypes is None:
            raise TypeError("bfloat16 needs the ml_dtypes package (NumPy has no bfloat16): "
                            "pip install ml_dtypes, or pip install 'minigrad[bfloat16]'")
        return bfloat16
    try:
        return numpy.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use one of minigrad.float32, float64, int64, "
                        "int32, bool") from None






def is_floating(dtype):
    return dtype.kind == 'f' or (_ml_dtypes is not None and dtype == bfloat16)


# bfloat16 is an ml_dtypes dtype of NumPy kind 'V': it ranks with the floating dtypes, so that bfloat16
# with an integer stays bfloat16 and NumPy's promotion gives float32 for bfloat16 with float16.
_KIND_RANK = {'b': 0, 'u': 1, 'i': 1, 'f': 2, 'c': 3, 'V': 2}


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
# Device types beyond 'cpu' and 'cuda', each with the array module that holds its arrays. The
# device-agnostic test suite registers a guarded NumPy here (tests/guarded_numpy.py) so that every kernel
# runs, on a machine without a GPU, as if on a second device.
_extra_modules = {}


class device:
    """A device: ``'cpu'`` or ``'cuda'`` / ``'cuda:N'``. Compares equal to its string form."""
    __slots__ = ('type', 'index')

    def __init__(self, type='cpu', index=None):  # noqa: A002  (PyTorch's argument name)
        spec = type
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise TypeError(f"a device is 'cpu', 'cuda' or 'cuda:N', got {spec!r}")
        kind, _, num = spec.partition(':')
        if kind not in ('cpu', 'cuda') and kind not in _extra_modules:
            raise ValueError(f"unknown device {spec!r}: use 'cpu', 'cuda' or 'cuda:N'")
        if num:
            if not num.isdigit():
                raise ValueError(f"bad device index in {spec!r}: use 'cuda:0', 'cuda:1', ...")
            index = _pyint(num)
        if kind != 'cuda':
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


def register_device_type(name, module):
    """Let ``device(name)`` hold the arrays of ``module``, an array module shaped like CuPy.

    ``module`` offers NumPy's functions (``module.exp``, ``module.linalg.solve``, ...), ``asnumpy(array)``
    to copy an array to the host, and ``random.default_rng(seed)``; its arrays answer
    ``__array_namespace_minigrad__()`` with ``module``, whose ``device_type`` is ``name``. Used by the
    device-agnostic tests; ``unregister_device_type(name)`` undoes it.
    """
    if name in ('cpu', 'cuda') or not name.isidentifier():
        raise ValueError(f"cannot register device type {name!r}: choose a new name such as 'guarded'")
    _extra_modules[name] = module


def unregister_device_type(name):
    _extra_modules.pop(name, None)
    _generators.forget(name)


def cuda_unavailable_reason():
    """None when CUDA can be used, else a sentence saying why not and what to do."""
    if _cupy is None:
        if _cupy_import_error is not None:
            return (f"CuPy is installed but cannot be imported ({_cupy_import_error}); reinstall the "
                    "wheel that matches your CUDA version (`pip install minigrad[gpu]` installs "
                    "cupy-cuda12x)")
        return ("CuPy is not installed: install the GPU extra with `pip install minigrad[gpu]` "
                "(cupy-cuda12x) on a machine with an NVIDIA GPU")
    try:
        count = _cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device
        return (f"CuPy is installed but no CUDA device is usable ({exc}); run on a machine with an "
                "NVIDIA GPU and driver (`nvidia-smi` lists them)")
    if count == 0:
        return "CuPy is installed but this machine has no CUDA device; run on a machine with an NVIDIA GPU"
    return None


def cuda_is_available():
    return cuda_unavailable_reason() is None


def float_info(dtype):
    """NumPy's ``finfo`` of a floating dtype (bits, eps, max, min, smallest_normal, resolution); ml_dtypes'
    for bfloat16."""
    dtype = as_dtype(dtype)
    if _ml_dtypes is not None and dtype == bfloat16:
        return _ml_dtypes.finfo(dtype)
    return numpy.finfo(dtype)


finfo = float_info  # the host-side facts the kernels use (minigrad.finfo is the public class)
iinfo = numpy.iinfo


def int_info(dtype):
    return numpy.iinfo(dtype)


def cuda_memory(what, dev=None):
    """Bytes of CuPy's memory pool on ``dev``: ``'allocated'`` (in use by arrays) or ``'reserved'``
    (held by the pool); 0 without CUDA. ``what='free'`` releases the pool's unused blocks."""
    if cuda_unavailable_reason() is not None:
        return 0
    with _cupy.cuda.Device(dev.index if dev is not None else cuda_current_device()):
        pool = _cupy.get_default_memory_pool()
        if what == 'free':
            pool.free_all_blocks()
            return 0
        return _pyint(pool.used_bytes() if what == 'allocated' else pool.total_bytes())


def cuda_is_built():
    """True when CuPy imports (whether or not a GPU is present)."""
    return _cupy is not None


def cpu_capability():
    """PyTorch's name for the widest SIMD set NumPy dispatches to here: 'AVX512', 'AVX2' or 'DEFAULT'."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # NumPy < 2
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            return 'DEFAULT'
    if features.get('AVX512F') and features.get('AVX512BW'):
        return 'AVX512'
    if features.get('AVX2'):
        return 'AVX2'
    if features.get('SVE'):
        return 'SVE256'
    return 'DEFAULT'


def cuda_device_count():
    return 0 if cuda_unavailable_reason() else _cupy.cuda.runtime.getDeviceCount()


def _require_cuda(dev):
    reason = cuda_unavailable_reason()
    if reason:
        raise RuntimeError(f"cannot use device '{dev}': {reason}")
    count = _cupy.cuda.runtime.getDeviceCount()
    if dev.index >= count:
        raise RuntimeError(f"device '{dev}' does not exist: this machine has {count} CUDA device(s), "
                           f"'cuda:0' to 'cuda:{count - 1}'")


def cuda_device_name(index):
    _require_cuda(device('cuda', index))
    name = _cupy.cuda.runtime.getDeviceProperties(index)['name']
    return name.decode() if isinstance(name, bytes) else name


def cuda_current_device():
    _require_cuda(device('cuda'))
    return _cupy.cuda.runtime.getDevice()


def cuda_set_device(index):
    """Make CUDA device ``index`` the current one (where new CUDA arrays go)."""
    _require_cuda(device('cuda', index))
    _cupy.cuda.runtime.setDevice(index)


def cuda_synchronize(dev):
    """Wait until every kernel queued on ``dev`` has finished (for timing)."""
    _require_cuda(dev)
    _cupy.cuda.Device(dev.index).synchronize()


def on_device(dev):
    """A context in which new CuPy arrays go to ``dev`` (does nothing for other devices)."""
    if dev.type == 'cuda':
        return _cupy.cuda.Device(dev.index)
    return contextlib.nullcontext()


def module_for(dev):
    """The array module (numpy, cupy, or a registered one) that creates arrays on ``dev``."""
    dev = as_device(dev)
    if dev.type == 'cpu':
        return numpy
    if dev.type == 'cuda':
        _require_cuda(dev)
        return _cupy
    module = _extra_modules.get(dev.type)
    if module is None:
        raise RuntimeError(f"device type '{dev.type}' is no longer registered")
    return module


def array_module(array):
    """The array module an array belongs to: kernels call this instead of importing NumPy."""
    if type(array) is ndarray:
        return numpy
    get = getattr(array, '__array_namespace_minigrad__', None)
    if get is not None:  # a registered device type (see register_device_type)
        return get()
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy
    return numpy


def device_of(array):
    """The device an array lives on (``'cpu'`` for NumPy arrays, scalars and lists)."""
    if type(array) is ndarray:
        return CPU
    get = getattr(array, '__array_namespace_minigrad__', None)
    if get is not None:
        return device(get().device_type)
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return device('cuda', array.device.id)
    return CPU


def mixed_devices_error(op, first, second):
    """The error for an op given arrays on two devices, saying how to bring them together."""
    return RuntimeError(f"{op}: expected all tensors on the same device, got {first} and {second}; "
                        f"move one with .to('{first}') or .to('{second}')")


def to_host(array):
    """A NumPy array with the same values (no copy for NumPy arrays)."""
    if type(array) is ndarray:
        return array
    xp = array_module(array)
    if xp is numpy:
        return numpy.asarray(array)
    return xp.asnumpy(array)


def to_device(array, dev):
    """Move (copy) an array to ``dev``; returns the same array when it is already there."""
    dev = as_device(dev)
    if dev.type == 'cpu':
        return to_host(array)
    if device_of(array) == dev:
        return array
    if dev.type == 'cuda':
        _require_cuda(dev)
        with _cupy.cuda.Device(dev.index):
            if isinstance(array, _cupy.ndarray):  # from another GPU
                return _cupy.copy(array)
            return _cupy.asarray(to_host(array))
    return module_for(dev).asarray(to_host(array))


def asarray(data, dtype=None, dev=None, copy=False):
    """Convert ``data`` (scalar, nested list, NumPy or CuPy array) into an array on ``dev`` (by default
    the device of ``data``); with ``copy=True`` the result never shares memory with ``data``."""
    is_array = hasattr(data, 'dtype') and hasattr(data, 'shape')
    dev = as_device(dev) if dev is not None else device_of(data)
    moved = to_device(data, dev) if is_array else data
    xp = module_for(dev)
    with on_device(dev):
        if copy and is_array and moved is data:
            return xp.array(moved, dtype=dtype, copy=True)
        return xp.asarray(moved, dtype=dtype)


def broadcast_shapes(*shapes):
    """The shape arrays of ``shapes`` broadcast to: shape arithmetic, done on the host for every device
    (CuPy has no ``broadcast_shapes``)."""
    return numpy.broadcast_shapes(*shapes)


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


def diagonal_view(array, offset, dim1, dim2):
    """The diagonal of ``array`` over ``dim1``/``dim2`` as a writable view (NumPy hands it out read-only;
    CuPy's is writable already)."""
    view = array.diagonal(offset, dim1, dim2)
    flags = getattr(view, 'flags', None)
    if flags is not None and getattr(flags, 'writeable', True) is False:
        flags.writeable = True
    return view


def as_strided(array, shape, strides):
    """A view of ``array`` with the given shape and byte strides (no copy): the sliding windows of
    convolution and pooling. NumPy and CuPy both have it as ``lib.stride_tricks.as_strided``; the view
    must only be read (its elements overlap)."""
    return array_module(array).lib.stride_tricks.as_strided(array, shape, strides)


def scatter_extreme(target, index, values, largest):
    """``target[index] = max(target[index], values)`` (or min), repeated indices all taking part."""
    xp = array_module(target)
    if xp is _cupy:
        import cupyx
        (cupyx.scatter_max if largest else cupyx.scatter_min)(target, index, values)
    else:
        (xp.maximum if largest else xp.minimum).at(target, index, values)
    return target


def scatter_multiply(target, index, values):
    """``target[index] *= values`` with repeated indices all taking part (CuPy has no scatter multiply:
    there it runs on the host)."""
    xp = array_module(target)
    if xp is _cupy:
        host = to_host(target)
        numpy.multiply.at(host, tuple(to_host(i) if hasattr(i, 'shape') else i for i in index)
                          if isinstance(index, tuple) else to_host(index), to_host(values))
        target[...] = xp.asarray(host)
    else:
        xp.multiply.at(target, index, values)
    return target

def erf(x):
    """The error function, elementwise (NumPy has none): SciPy's on NumPy arrays when SciPy is
    installed, CuPy's on the GPU, else :func:`_erf_series` with the array's own module."""
    xp = array_module(x)
    if xp is _cupy:
        import cupyx.scipy.special
        return cupyx.scipy.special.erf(x)
    if xp is numpy:
        try:
            from scipy import special
        except ImportError:
            pass
        else:
            return numpy.asarray(special.erf(x), dtype=x.dtype)
    return _erf_series(xp, x).astype(x.dtype, copy=False)


def _erf_series(xp, x):
    """erf from array operations only (absolute error below 1e-14): the Taylor series below 2.5, a
    continued fraction for erfc above."""
    import math
    a = xp.abs(x)
    s = xp.minimum(a, 2.5)
    s2 = s * s
    term = s * 1.0
    total = term
    for n in range(1, 64):
        term = term * (-s2) / n
        total = total + term / (2 * n + 1)
    series = total * (2 / math.sqrt(math.pi))
    t = xp.maximum(a, 2.5)
    f = t
    for k in range(60, 0, -1):
        f = t + (k / 2) / f
    tail = 1 - xp.exp(-t * t) / (math.sqrt(math.pi) * f)
    return xp.sign(x) * xp.where(a < 2.5, series, tail)


def solve(a, b):
    return array_module(a).linalg.solve(a, b)


def matrix_rank(a):
    return _pyint(array_module(a).linalg.matrix_rank(a))


def _cutoff(a):
    """Relative singular-value cutoff for ``a``'s own precision: rounding in float32 data must not
    count as a direction of its own (NumPy's defaults assume float64)."""
    return numpy.finfo(a.dtype).eps * builtins.max(a.shape)


def lstsq(a, b):
    """Minimum-norm least-squares solution of ``a @ x = b``."""
    return array_module(a).linalg.lstsq(a, b, rcond=_cutoff(a))[0]


def pinv(a):
    """Moore-Penrose pseudo-inverse of ``a``."""
    return array_module(a).linalg.pinv(a, rcond=_cutoff(a))


# ------------------------------------------------------------------------------------- .npz files
def save_npz(file, arrays, comment=b''):
    """Write host arrays (name -> array, in that order) to an open binary file as an uncompressed .npz
    (as ``numpy.savez`` does), with ``comment`` as the zip archive's comment."""
    import zipfile
    with zipfile.ZipFile(file, 'w', zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.comment = comment
        for name, array in arrays.items():
            with archive.open(name + '.npy', 'w', force_zip64=True) as member:
                numpy.lib.format.write_array(member, numpy.asanyarray(array), allow_pickle=False)


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
    """One random generator per device. ``manual_seed`` reseeds them all; a device type may be given
    its own seed (``minigrad.cuda.manual_seed``). The same seed gives different numbers on CPU and
    CUDA: NumPy and CuPy use different generators (PCG64 and XORWOW)."""

    def __init__(self):
        self.seed = None
        self.seed_by_type = {}
        self.by_device = {}

    def get(self, dev):
        dev = as_device(dev)
        gen = self.by_device.get(dev)
        if gen is None:
            seed = self.seed_by_type.get(dev.type, self.seed)
            xp = module_for(dev)
            with on_device(dev):
                gen = xp.random.default_rng(seed)
            self.by_device[dev] = gen
        return gen

    def reseed(self, seed, device_type=None):
        if device_type is None:
            self.seed = seed
            self.seed_by_type.clear()
            self.by_device.clear()
        else:
            self.seed_by_type[device_type] = seed
            self.forget(device_type)

    def forget(self, device_type):
        for dev in [d for d in self.by_device if d.type == device_type]:
            del self.by_device[dev]


_generators = _Generators()


def manual_seed(seed, device_type=None):
    """Make every later random draw (factories, initialisers, dropout, shuffling) reproducible; with
    ``device_type`` (``'cuda'``) only the generators of that kind of device are reseeded."""
    if not isinstance(seed, (_pyint, numpy.integer)) or isinstance(seed, bool):
        raise TypeError(f"manual_seed expects an int, got {seed!r}")
    _generators.reseed(_pyint(seed), device_type)
    return seed


def generator(dev=None):
    """The random generator (``numpy.random.Generator`` or CuPy's) of a device."""
    return _generators.get(dev)


def set_generator(dev, gen):
    """Replace the global generator of a device (``minigrad.set_rng_state``)."""
    _generators.by_device[as_device(dev)] = gen


def current_seed():
    """The seed given to the last ``manual_seed`` (None before any)."""
    return _generators.seed


def random_uniform(shape, low, high, dtype, dev=None, gen=None):
    gen = gen or generator(dev)
    return (gen.random(shape, dtype=float64 if dtype != float32 else float32) * (high - low) + low
            ).astype(dtype, copy=False)


def random_normal(shape, mean, std, dtype, dev=None, gen=None):
    gen = gen or generator(dev)
    out = gen.standard_normal(shape, dtype=float64 if dtype != float32 else float32)
    if std != 1:
        out *= std
    if mean != 0:
        out += mean
    return out.astype(dtype, copy=False)


def random_integers(low, high, shape, dev=None, gen=None):
    return (gen or generator(dev)).integers(low, high, size=shape, dtype=int64)


def random_permutation(n, dev=None, gen=None):
    """A random order of ``range(n)`` (int64)."""
    gen = gen or generator(dev)
    if type(gen) is numpy.random.Generator:
        return gen.permutation(n)
    # CuPy's Generator has no permutation: sorting n uniform draws gives every order the same chance
    # (ties between float64 draws are negligible).
    return gen.random(n).argsort().astype(int64, copy=False)


def format_array(array):
    """The values of a host array as PyTorch prints them inside ``tensor(...)``."""
    if array.size == 0:
        return '[]'
    if array.dtype.kind == 'V' and is_floating(array.dtype):
        array = array.astype(float32)  # bfloat16 prints through float32 (exact: it widens)
    options = dict(separator=', ', prefix='tensor(', threshold=1000, edgeitems=3, max_line_width=100)
    if is_floating(array.dtype):
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
