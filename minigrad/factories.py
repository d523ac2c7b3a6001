"""Tensor factories: ``tensor zeros ones full empty rand randn normal arange linspace eye`` and the
``*_like`` forms, each with ``dtype=None, device=None, requires_grad=False`` as in PyTorch."""
from . import backend
from .arguments import sizes as _sizes
from .runtime import resolve_device
from .tensor import Size, Tensor, make_tensor


def _finish(array, requires_grad):
    t = make_tensor(array)
    if requires_grad:
        t.requires_grad = True
    return t


def _shape(sizes, size, op):
    """Sizes given as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``, as PyTorch accepts them."""
    if size is not None:
        if sizes:
            raise TypeError(f"{op}: give the sizes either positionally or as size=..., not both")
        sizes = (size,)
    return _sizes(sizes, op)


def _float_dtype(dtype):
    return backend.as_dtype(dtype) if dtype is not None else backend.get_default_dtype()


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (scalar, nested list, NumPy/CuPy array, Tensor)."""
    device = resolve_device(device)
    if dtype is None:
        dtype = backend.infer_dtype(data._array if isinstance(data, Tensor) else data)
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor`, but shares memory with a NumPy/CuPy array or Tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype)
    dtype = backend.as_dtype(dtype) if dtype is not None else backend.infer_dtype(data)
    return _finish(backend.asarray(data, dtype, device), False)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array (no copy; same dtype)."""
    return _finish(backend.asarray(array), False)


def zeros(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    xp = backend.module_for(device)
    return _finish(xp.zeros(_shape(sizes, size, 'zeros'), dtype=_float_dtype(dtype)), requires_grad)


def ones(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    xp = backend.module_for(device)
    return _finish(xp.ones(_shape(sizes, size, 'ones'), dtype=_float_dtype(dtype)), requires_grad)


def empty(*sizes, size=None, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    xp = backend.module_for(device)
    return _finish(xp.empty(_shape(sizes, size, 'empty'), dtype=_float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    if dtype is None:
        dtype = backend.infer_dtype(fill_value)
    xp = backend.module_for(device)
    return _finish(xp.full(_sizes((size,), 'full'), fill_value, dtype=backend.as_dtype(dtype)),
                   requires_grad)


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1)."""
    device = resolve_device(device)
    array = backend.random_uniform(_shape(sizes, size, 'rand'), 0.0, 1.0, _float_dtype(dtype), device,
                                   _rng(generator, device, 'rand'))
    return _finish(array, requires_grad)


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    device = resolve_device(device)
    array = backend.random_normal(_shape(sizes, size, 'randn'), 0.0, 1.0, _float_dtype(dtype), device,
                                  _rng(generator, device, 'randn'))
    return _finish(array, requires_grad)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal samples: ``normal(0, 0.01, (2, 1))`` as in PyTorch; ``mean``/``std`` may be tensors
    (then the shape is theirs, broadcast together)."""
    device = resolve_device(device)
    if std is not None and not isinstance(std, Tensor) and std < 0:
        raise ValueError(f"normal: std must be non-negative, got {std}")
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._array if isinstance(mean, Tensor) else mean
        s = std._array if isinstance(std, Tensor) else std
        shape = backend.broadcast_shapes(getattr(m, 'shape', ()), getattr(s, 'shape', ()))
        dtype = _float_dtype(dtype or (mean if isinstance(mean, Tensor) else std).dtype)
        device = device or (mean if isinstance(mean, Tensor) else std).device
        array = backend.random_normal(shape, 0.0, 1.0, dtype, device, _rng(generator, device, 'normal')) * s + m
        return _finish(array.astype(dtype, copy=False), requires_grad)
    if size is None:
        raise TypeError("normal(mean, std, size): give size, e.g. normal(0, 0.01, (2, 1))")
    array = backend.random_normal(_sizes((size,), 'normal'), mean, std, _float_dtype(dtype), device,
                                  _rng(generator, device, 'normal'))
    return _finish(array, requires_grad)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high) (``randint(high, size)`` also works, as in PyTorch)."""
    device = resolve_device(device)
    if size is None:
        low, high, size = 0, low, high
    array = backend.random_integers(low, high, _sizes((size,), 'randint'), device,
                                    _rng(generator, device, 'randint'))
    return _finish(array.astype(backend.as_dtype(dtype or backend.int64), copy=False), False)


def randperm(n, *, generator=None, device=None, dtype=None, requires_grad=False):
    device = resolve_device(device)
    array = backend.random_permutation(n, device, _rng(generator, device, 'randperm'))
    return _finish(array.astype(backend.as_dtype(dtype or backend.int64), copy=False), False)


def _rng(generator, device, op):
    """The generator to draw from: ``generator=``'s, or the device's global one (None: the backend's)."""
    if generator is None:
        return None
    from .generator import rng_of
    return rng_of(generator, device, op)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (excluded) by ``step``; int64 unless a bound is a float."""
    device = resolve_device(device)
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = backend.get_default_dtype() if is_float else backend.int64
    xp = backend.module_for(device)
    dtype = backend.as_dtype(dtype)
    if dtype.kind == 'f' and dtype.itemsize < 8:
        # PyTorch computes start + i * step in double and rounds once (NumPy's float32 arange drifts:
        # arange(-8., 8., .1)[80] would be -7.6e-6 instead of 0)
        return _finish(xp.arange(start, end, step, dtype=backend.float64).astype(dtype), requires_grad)
    return _finish(xp.arange(start, end, step, dtype=dtype), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    xp = backend.module_for(device)
    return _finish(xp.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """``steps`` values from ``base ** start`` to ``base ** end``, evenly spaced in the exponent."""
    device = resolve_device(device)
    xp = backend.module_for(device)
    exponents = xp.linspace(start, end, steps, dtype=backend.float64)
    return _finish(xp.power(float(base), exponents).astype(_float_dtype(dtype)), requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    device = resolve_device(device)
    xp = backend.module_for(device)
    return _finish(xp.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def _like(fn, t, dtype, device, requires_grad, *args):
    dtype = t.dtype if dtype is None else dtype
    device = t.device if device is None else device
    return fn(*args, dtype=dtype, device=device, requires_grad=requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like(zeros, input, dtype, device, requires_grad, input.shape)


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like(ones, input, dtype, device, requires_grad, input.shape)


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like(empty, input, dtype, device, requires_grad, input.shape)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _like(full, input, dtype, device, requires_grad, input.shape, fill_value)


def rand_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like(rand, input, dtype, device, requires_grad, input.shape)


def randn_like(input, *, dtype=None, device=None, requires_grad=False):
    return _like(randn, input, dtype, device, requires_grad, input.shape)


def _legacy_constructor(name, dtype_name):
    def construct(*args, device=None):
        dtype = backend.as_dtype(dtype_name)
        sizes = not args or isinstance(args[0], Size) or (
            all(isinstance(a, int) and not isinstance(a, bool) for a in args) and len(args) >= 1 and
            not (len(args) == 1 and isinstance(args[0], (list, tuple))))
        if sizes:
            shape = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
            return zeros(*shape, dtype=dtype, device=device) if shape else zeros(0, dtype=dtype, device=device)
        if len(args) != 1:
            raise TypeError(f"{name}(data) takes one data argument or sizes, got {args!r}")
        return tensor(args[0], dtype=dtype, device=device)
    construct.__name__ = construct.__qualname__ = name
    construct.__doc__ = (f"PyTorch's legacy ``{name}``: ``{name}(data)`` is ``tensor(data, dtype={dtype_name})``, "
                         f"``{name}(*sizes)`` a zero-filled tensor of that dtype.")
    return construct


FloatTensor = _legacy_constructor('FloatTensor', 'float32')
DoubleTensor = _legacy_constructor('DoubleTensor', 'float64')
HalfTensor = _legacy_constructor('HalfTensor', 'float16')
LongTensor = _legacy_constructor('LongTensor', 'int64')
IntTensor = _legacy_constructor('IntTensor', 'int32')
ShortTensor = _legacy_constructor('ShortTensor', 'int16')
CharTensor = _legacy_constructor('CharTensor', 'int8')
ByteTensor = _legacy_constructor('ByteTensor', 'uint8')
BoolTensor = _legacy_constructor('BoolTensor', 'bool')
