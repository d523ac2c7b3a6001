"""A second array module for machines without a GPU: NumPy behind a guard, standing in for CuPy.

minigrad's kernels must take their array module from their arrays (``xp = array_module(x)``) and never
reach NumPy directly, or they break on CuPy. This module makes that checkable on the CPU:

- :class:`GuardedArray` is an ``ndarray`` subclass whose ``__array_namespace_minigrad__`` returns
  :data:`guarded`, so ``array_module`` hands kernels this namespace instead of NumPy;
- NumPy functions called directly on a guarded array (``numpy.exp(x)``) raise :class:`NumpyReached`,
  while operators and the array methods CuPy also has (``x + y``, ``x.sum(axis=1)``) are allowed;
- functions of :data:`guarded` (``xp.exp``, ``xp.zeros``, ``xp.random.default_rng``) return guarded
  arrays and record each call in ``guarded.calls``;
- a NumPy (host) array meeting a guarded one raises, as CuPy refuses host arrays;
- 0-d results stay 0-d arrays (CuPy never returns NumPy scalars), ``.mT`` is missing (CuPy before
  v14) and the random generator has only the methods of CuPy's (no ``permutation``).

An array created by ``numpy.zeros(...)`` inside a kernel is a plain ndarray: the tests catch it by
checking that every output and gradient is a :class:`GuardedArray`.

:func:`installed` registers the namespace as device type ``'guarded'`` (``minigrad.tensor(...,
device='guarded')``, ``t.to('guarded')``), so tensors on it behave as tensors on a second device.
"""
import collections
import contextlib
import threading

import numpy

from minigrad import backend

DEVICE = 'guarded'


class NumpyReached(TypeError):
    """A kernel reached NumPy directly, or mixed a host array with a guarded one. A TypeError, like
    the error CuPy raises when handed a NumPy array."""


_permit = threading.local()


@contextlib.contextmanager
def _permitted():
    """NumPy may run on guarded arrays inside this block (the namespace and allowed methods use it)."""
    _permit.depth = getattr(_permit, 'depth', 0) + 1
    try:
        yield
    finally:
        _permit.depth -= 1


def _is_permitted():
    return getattr(_permit, 'depth', 0) > 0


def _guard(value):
    """Guarded arrays for NumPy results: ndarrays are viewed as GuardedArray, NumPy scalars become 0-d
    guarded arrays (as CuPy returns), tuples and lists are converted item by item."""
    if isinstance(value, numpy.ndarray):
        if type(value) is GuardedArray:
            return value
        guarded_value = value.view(GuardedArray)
        guarded_value._owns_memory = value.base is None
        return guarded_value
    if isinstance(value, numpy.generic):
        return _guard(numpy.asarray(value))
    if type(value) in (tuple, list):
        return type(value)(_guard(v) for v in value)
    if isinstance(value, tuple) and hasattr(value, '_fields'):  # numpy.linalg's named results
        return type(value)(*(_guard(v) for v in value))
    return value


def _plain(value):
    """The NumPy view of a guarded array (so NumPy can run without calling back into the guard)."""
    if type(value) is GuardedArray:
        return numpy.ndarray.view(value, numpy.ndarray)
    if type(value) in (tuple, list):
        return type(value)(_plain(v) for v in value)
    return value


def _reject_host_arrays(what, values):
    for v in values:
        if type(v) in (tuple, list):
            _reject_host_arrays(what, v)
        elif isinstance(v, numpy.ndarray) and type(v) is not GuardedArray:
            raise NumpyReached(
                f"{what} was given a NumPy (host) array of shape {v.shape} next to guarded arrays: CuPy "
                "refuses host arrays. Create it with the array module of the other operands "
                "(xp = array_module(x)) or move it with backend.to_device")


class GuardedArray(numpy.ndarray):
    """An ndarray that only lets NumPy run on it through :data:`guarded`, operators and portable
    methods. Create one with ``guarded.asarray(host_array)``."""

    def __array_namespace_minigrad__(self):
        return guarded

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = ufunc.__name__ if method == '__call__' else f'{ufunc.__name__}.{method}'
        if not _is_permitted():
            raise NumpyReached(
                f"numpy.{name} was called directly on a guarded array: a kernel reached NumPy instead of "
                "its arrays' module. Take the module from the arrays: xp = array_module(x); xp."
                f"{ufunc.__name__}(...) (or use an operator or array method)")
        out = kwargs.get('out')
        if out is not None:
            kwargs['out'] = _plain(out)
        result = getattr(ufunc, method)(*_plain(inputs), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _guard(result)

    def __array_function__(self, func, types, args, kwargs):
        if not _is_permitted():
            raise NumpyReached(
                f"numpy.{func.__name__} was called directly on a guarded array: a kernel reached NumPy "
                f"instead of its arrays' module. Use xp = array_module(x); xp.{func.__name__}(...)")
        return _guard(super().__array_function__(func, types, args, kwargs))

    _owns_memory = False

    @property
    def base(self):
        """None for an array that owns its memory, as NumPy and CuPy report it. Wrapping a fresh NumPy
        result as a GuardedArray takes a view, whose base would otherwise make it look like a view of
        something (minigrad shares version counters between views)."""
        return None if self._owns_memory else numpy.ndarray.base.__get__(self)

    @property
    def mT(self):
        raise AttributeError("CuPy arrays before v14 have no .mT: use .swapaxes(-1, -2), which NumPy "
                             "arrays, CuPy arrays and Tensors all have")


# Methods and operators that NumPy and CuPy arrays share; NumPy runs inside them unhindered (a method
# outside this list that calls a NumPy function internally raises NumpyReached).
PORTABLE_METHODS = (
    '__add__', '__radd__', '__iadd__', '__sub__', '__rsub__', '__isub__', '__mul__', '__rmul__', '__imul__',
    '__truediv__', '__rtruediv__', '__itruediv__', '__floordiv__', '__rfloordiv__', '__ifloordiv__',
    '__mod__', '__rmod__', '__pow__', '__rpow__', '__ipow__', '__matmul__', '__rmatmul__', '__neg__',
    '__pos__', '__abs__', '__invert__', '__and__', '__rand__', '__iand__', '__or__', '__ror__', '__ior__',
    '__xor__', '__lt__', '__le__', '__gt__', '__ge__', '__eq__', '__ne__', '__getitem__',
    '__setitem__', '__repr__', '__str__',
    'all', 'any', 'argmax', 'argmin', 'argsort', 'astype', 'clip', 'copy', 'cumsum', 'dot', 'fill',
    'flatten', 'max', 'mean', 'min', 'nonzero', 'prod', 'ravel', 'repeat', 'reshape', 'round', 'squeeze',
    'std', 'sum', 'swapaxes', 'take', 'transpose', 'var', 'view')


def _portable(name):
    base = getattr(numpy.ndarray, name)
    # CuPy copies host values and indices in x[i] = v and x[i]; elsewhere it refuses host arrays.
    takes_host_arrays = name in ('__getitem__', '__setitem__')

    def method(self, *args, **kwargs):
        if not takes_host_arrays:
            _reject_host_arrays(f'GuardedArray.{name}', args + tuple(kwargs.values()))
        with _permitted():
            return _guard(base(self, *args, **kwargs))

    method.__name__ = name
    return method


for _name in PORTABLE_METHODS:
    setattr(GuardedArray, _name, _portable(_name))


class _GuardedFunctions:
    """Functions of a NumPy module (numpy, numpy.linalg) that accept and return guarded arrays, each
    call counted in ``calls`` under its dotted name."""

    def __init__(self, module, prefix, calls):
        self._module, self._prefix, self.calls = module, prefix, calls

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if callable(value) and not isinstance(value, type):  # functions and ufuncs, not dtypes
            value = self._wrap(name, value)
        setattr(self, name, value)  # found once; later lookups skip __getattr__
        return value

    def _wrap(self, name, function):
        """``function`` refusing host arrays, counted under its dotted name, run on NumPy views and
        returning guarded arrays; a ufunc keeps its ``at`` and ``reduce`` methods, wrapped alike."""
        key = self._prefix + name
        calls = self.calls

        def call(*args, **kwargs):
            _reject_host_arrays(f'xp.{key}', args + tuple(kwargs.values()))
            calls[key] += 1
            with _permitted():
                return _guard(function(*args, **kwargs))

        call.__name__ = name
        if isinstance(function, numpy.ufunc):
            call.at = self._wrap(f'{name}.at', function.at)
            call.reduce = self._wrap(f'{name}.reduce', function.reduce)
        return call


# Functions CuPy offers under the same names (its API reference, docs.cupy.dev, CuPy 13). A kernel may
# only call these through xp; tests/test_device_agnostic.py checks every recorded call against the list.
# ``add.at`` stands for scatter-add, which backend.scatter_add does with cupyx.scatter_add on CuPy.
CUPY_FUNCTIONS = frozenset("""
    abs absolute add add.at all allclose amax amin any arange argmax argmin argsort around array asarray
    ascontiguousarray broadcast_to ceil clip concatenate copy copyto cos cosh count_nonzero cumprod cumsum
    diag divide dot einsum empty empty_like equal exp expand_dims expm1 eye flip floor full full_like
    greater greater_equal isfinite isinf isnan less less_equal linspace log log10 log1p log2 logical_and
    logical_not logical_or logical_xor matmul max maximum mean min minimum moveaxis multiply negative
    nonzero not_equal ones ones_like outer pad power prod put_along_axis ravel repeat reshape round sign
    sin sinh sort split sqrt square squeeze stack std subtract sum swapaxes take take_along_axis tanh
    tensordot tile transpose tril triu true_divide trunc unique var where zeros zeros_like result_type
    arccos arccosh arcsin arcsinh arctan arctan2 arctanh exp2 reciprocal tan
    lib.stride_tricks.as_strided linalg.inv linalg.lstsq linalg.matrix_rank linalg.norm linalg.pinv linalg.solve
    fmod remainder hypot logaddexp logaddexp2 copysign signbit searchsorted bitwise_and bitwise_or bitwise_xor
    invert reciprocal meshgrid histogram bincount isin arcsin arccos arctan arcsinh arccosh arctanh arctan2 exp2 deg2rad rad2deg tan
    linalg.svd linalg.eigh linalg.qr linalg.cholesky linalg.det linalg.slogdet
    """.split()) | {
    # backend.scatter_extreme / scatter_multiply call these on the guarded device; on CuPy they go
    # through cupyx.scatter_max/scatter_min and the host, as scatter_add's add.at goes through cupyx.
    'maximum.at', 'minimum.at', 'multiply.at'} | {f'random.Generator.{m}' for m in (
        'random', 'uniform', 'integers', 'standard_normal', 'standard_exponential', 'exponential', 'beta',
        'binomial', 'chisquare', 'dirichlet', 'f', 'gamma', 'geometric', 'hypergeometric', 'logseries',
        'poisson', 'power', 'standard_gamma')}


# The methods of CuPy's random Generator (cupy.random.Generator): NumPy's has more (permutation, choice,
# shuffle, normal), which a kernel must not rely on.
CUPY_GENERATOR_METHODS = tuple(name.rsplit('.', 1)[1] for name in CUPY_FUNCTIONS
                               if name.startswith('random.Generator.'))


class _GuardedGenerator:
    """A NumPy Generator showing only CuPy's methods, returning guarded arrays."""

    def __init__(self, seed, calls):
        self._gen, self._calls = numpy.random.default_rng(seed), calls

    def __getattr__(self, name):
        if name not in CUPY_GENERATOR_METHODS:
            raise AttributeError(f"CuPy's random Generator has no method {name!r} (it has "
                                 f"{', '.join(CUPY_GENERATOR_METHODS)})")
        method = getattr(self._gen, name)

        def call(*args, **kwargs):
            self._calls[f'random.Generator.{name}'] += 1
            with _permitted():  # array parameters (poisson's rates) are device arrays, as CuPy takes them
                return _guard(method(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()}))
        return call


class _GuardedRandom:
    def __init__(self, calls):
        self._calls = calls

    def default_rng(self, seed=None):
        return _GuardedGenerator(seed, self._calls)


class _GuardedModules:
    """A namespace of guarded sub-modules (``xp.lib.stride_tricks``)."""

    def __init__(self, **modules):
        self.__dict__.update(modules)


class GuardedNumpy(_GuardedFunctions):
    """The array module of guarded arrays, shaped like CuPy: NumPy's functions returning guarded
    arrays, ``asnumpy`` to copy to the host, ``random.default_rng``. ``calls`` counts every call."""

    device_type = DEVICE

    def __init__(self):
        super().__init__(numpy, '', collections.Counter())
        self.linalg = _GuardedFunctions(numpy.linalg, 'linalg.', self.calls)
        # cupy.lib.stride_tricks.as_strided (the window views of convolution)
        self.lib = _GuardedModules(stride_tricks=_GuardedFunctions(numpy.lib.stride_tricks,
                                                                   'lib.stride_tricks.', self.calls))
        self.random = _GuardedRandom(self.calls)

    def asarray(self, data, dtype=None):
        """Like ``cupy.asarray``: guarded arrays pass through (converted if ``dtype`` differs); host data
        is copied onto the 'device'."""
        self.calls['asarray'] += 1
        if type(data) is GuardedArray:
            return data if dtype is None or data.dtype == dtype else data.astype(dtype)
        return _guard(numpy.array(_plain(data), dtype=dtype, copy=True))

    def array(self, data, dtype=None, copy=True):
        self.calls['array'] += 1
        return _guard(numpy.array(_plain(data), dtype=dtype, copy=copy))

    def asnumpy(self, array):
        """A host copy, like ``cupy.asnumpy``."""
        return numpy.array(_plain(array), copy=True)


guarded = GuardedNumpy()


@contextlib.contextmanager
def installed():
    """Register :data:`guarded` as device type ``'guarded'`` for the duration of the block."""
    backend.register_device_type(DEVICE, guarded)
    try:
        yield guarded
    finally:
        backend.unregister_device_type(DEVICE)
