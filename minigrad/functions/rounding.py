"""Rounding and other elementwise surface ops: sign, floor, ceil, round(decimals), trunc, frac, fmod,
remainder, clamp/clip with tensor bounds (and clamp_min/clamp_max), lerp, addcmul/addcdiv, the
``add*mm`` family, nan_to_num, the ``is*`` predicates, isclose, heaviside, copysign, hypot, logaddexp,
xlogy, float_power.

Rounding steps have a zero gradient (PyTorch's convention). ``remainder`` follows Python's sign rule
(the sign of the divisor) and ``fmod`` C's (the sign of the dividend); both pass the gradient to the
dividend and ``-q * grad`` to the divisor, with ``q`` the rounded quotient.
"""
import builtins

from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import write_out
from .elementwise import Exp, Log, Where

__all__ = ['sign', 'sgn', 'floor', 'ceil', 'round', 'trunc', 'fix', 'frac', 'fmod', 'remainder', 'clamp',
           'clip', 'clamp_min', 'clamp_max', 'lerp', 'addcmul', 'addcdiv', 'addmm', 'addmv', 'addbmm',
           'baddbmm', 'addr', 'nan_to_num', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal',
           'signbit', 'isclose', 'heaviside', 'copysign', 'hypot', 'logaddexp', 'logaddexp2', 'xlogy',
           'float_power', 'positive']

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool


class Rounded(Function):
    """A piecewise-constant step (floor, ceil, round, trunc, sign): the gradient is zero."""

    @staticmethod
    def forward(ctx, x, name, decimals):
        xp = array_module(x)
        if name == 'round' and decimals:
            return xp.round(x, decimals)
        return getattr(xp, name)(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None, None


def _step(input, name, decimals=0, out=None):
    input = ops.as_tensor(input)
    if input._array.dtype.kind in 'biu' and name != 'sign':
        return write_out(ops.clone(input), out, name)
    if input._array.dtype.kind == 'b':
        return write_out(ops.clone(input), out, name)
    return write_out(Rounded.apply(input, name, decimals), out, name)


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of each element (zero gradient)."""
    return _step(input, 'sign', out=out)


sgn = sign


def floor(input, *, out=None):
    return _step(input, 'floor', out=out)


def ceil(input, *, out=None):
    return _step(input, 'ceil', out=out)


def round(input, *, decimals=0, out=None):
    """Round half to even (as PyTorch and NumPy), to ``decimals`` places."""
    return _step(input, 'round', decimals, out=out)


def trunc(input, *, out=None):
    return _step(input, 'trunc', out=out)


fix = trunc


def frac(input, *, out=None):
    """The fractional part ``input - trunc(input)`` (gradient one)."""
    input = ops.as_tensor(input)
    if input._array.dtype.kind != 'f':
        raise RuntimeError(f"frac(): expected a floating tensor, got {input.dtype}")
    return write_out(ops.sub(input, ops.constant(input._xp().trunc(input._array))), out, 'frac')


class Modulo(Function):
    """``fmod`` (``python=False``) or ``remainder`` (Python's rule) of two arrays."""

    @staticmethod
    def forward(ctx, a, b, python):
        xp = array_module(a if hasattr(a, 'dtype') else b)
        out = (xp.remainder if python else xp.fmod)(a, b)
        if ctx is not None and getattr(out, 'dtype', None) is not None and out.dtype.kind == 'f':
            with_zero = xp.asarray(b) == 0
            quotient = (xp.floor if python else xp.trunc)(a / xp.where(with_zero, 1, b))
            ctx.quotient = quotient
        return out

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        return grad if needs[0] else None, (-grad * ctx.quotient) if needs[1] else None, None


def _modulo(input, other, python, op, out):
    if not isinstance(input, Tensor):
        input = ops.as_tensor(input, device=other.device if isinstance(other, Tensor) else None)
    a, b = ops.promote(input, other, op)
    arr_b = b._array if isinstance(b, Tensor) else b
    if a._array.dtype.kind in 'biu':
        zero = bool((arr_b == 0).any()) if hasattr(arr_b, 'dtype') else arr_b == 0
        if zero:
            raise RuntimeError(f"{op}(): ZeroDivisionError (integer division by zero)")
    return write_out(Modulo.apply(a, b, python), out, op)


def fmod(input, other, *, out=None):
    """The remainder of ``input / other`` with the sign of ``input`` (C's fmod)."""
    return _modulo(input, other, False, 'fmod', out)


def remainder(input, other, *, out=None):
    """The remainder of ``input / other`` with the sign of ``other`` (Python's ``%``)."""
    return _modulo(input, other, True, 'remainder', out)


def _rmod(self, other):
    return remainder(other, self)


# ----------------------------------------------------------------------------------------- clamp
def clamp(input, min=None, max=None, *, out=None):
    """Elements limited to ``[min, max]``. Tensor bounds broadcast and receive the gradient where they
    bind (``input < min``: to ``min``; ``input > max``: to ``max``; otherwise to ``input``); when
    ``min > max`` every element becomes ``max``, as PyTorch."""
    if not isinstance(min, Tensor) and not isinstance(max, Tensor):
        return write_out(ops.clamp(input, min, max), out, 'clamp')
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    input = ops.as_tensor(input)
    dtype = input._array.dtype
    for bound in (min, max):
        if bound is not None:
            dtype = backend.result_dtype(backend.array_module(input._array).zeros(1, dtype),
                                         bound._array if isinstance(bound, Tensor) else bound)
    input = ops.cast(input, dtype)
    xp = input._xp()

    def as_bound(b):
        return ops.cast(b, dtype) if isinstance(b, Tensor) else ops.constant(xp.asarray(b, dtype=dtype))

    result = input
    if min is not None:
        low = as_bound(min)
        result = Where.apply(result._array < low._array, low, result)
    if max is not None:
        high = as_bound(max)
        result = Where.apply(result._array > high._array, high, result)
    return write_out(result, out, 'clamp')


clip = clamp


def clamp_min(input, min, *, out=None):
    return clamp(input, min=min, out=out)


def clamp_max(input, max, *, out=None):
    return clamp(input, max=max, out=out)


def _clamp_(self, min=None, max=None):
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .indexing import _assign
        return _assign(self, clamp(self, min, max))
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    from .elementwise import Clamp
    return self._inplace(Clamp, ops._scalar_of(min), ops._scalar_of(max))


def _clamp_min_(self, min):
    return _clamp_(self, min=min)


def _clamp_max_(self, max):
    return _clamp_(self, max=max)


# ---------------------------------------------------------------------------- fused arithmetic
def lerp(input, end, weight, *, out=None):
    """``input + weight * (end - input)`` (``weight`` a number or a tensor)."""
    return write_out(ops.add(input, ops.mul(weight, ops.sub(end, input))), out, 'lerp')


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``."""
    prod = ops.mul(tensor1, tensor2)
    return write_out(ops.add(input, prod if value == 1 else ops.mul(prod, value)), out, 'addcmul')


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``."""
    t1 = ops.as_tensor(tensor1)
    if t1._array.dtype.kind in 'biu' and (not isinstance(tensor2, Tensor) or tensor2._array.dtype.kind in 'biu'):
        raise RuntimeError("addcdiv(): integer division with addcdiv is no longer supported; cast to a "
                           "floating dtype first")
    quotient = ops.div(t1, tensor2)
    return write_out(ops.add(input, quotient if value == 1 else ops.mul(quotient, value)), out, 'addcdiv')


def _scaled_sum(input, product, beta, alpha):
    if alpha != 1:
        product = ops.mul(product, alpha)
    if beta == 0:  # PyTorch ignores input entirely (NaN and inf in it do not propagate)
        return ops.add(product, ops.mul(ops.constant(input._xp().zeros_like(input._array)), 0)) \
            if tuple(input.shape) != tuple(product.shape) else product
    return ops.add(input if beta == 1 else ops.mul(input, beta), product)


def _check_ndim(op, name, t, n):
    if t.ndim != n:
        raise RuntimeError(f"{op}(): {name} must be {n}-D, got a tensor of shape {tuple(t.shape)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` for matrices (``input`` broadcasts)."""
    input, mat1, mat2 = (ops.as_tensor(t) for t in (input, mat1, mat2))
    _check_ndim('addmm', 'mat1', mat1, 2)
    _check_ndim('addmm', 'mat2', mat2, 2)
    return write_out(_scaled_sum(input, ops.matmul(mat1, mat2), beta, alpha), out, 'addmm')


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    input, mat, vec = (ops.as_tensor(t) for t in (input, mat, vec))
    _check_ndim('addmv', 'mat', mat, 2)
    _check_ndim('addmv', 'vec', vec, 1)
    return write_out(_scaled_sum(input, ops.matmul(mat, vec), beta, alpha), out, 'addmv')


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    input, batch1, batch2 = (ops.as_tensor(t) for t in (input, batch1, batch2))
    _check_ndim('addbmm', 'batch1', batch1, 3)
    _check_ndim('addbmm', 'batch2', batch2, 3)
    return write_out(_scaled_sum(input, ops.sum(ops.matmul(batch1, batch2), 0), beta, alpha), out, 'addbmm')


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices."""
    input, batch1, batch2 = (ops.as_tensor(t) for t in (input, batch1, batch2))
    _check_ndim('baddbmm', 'batch1', batch1, 3)
    _check_ndim('baddbmm', 'batch2', batch2, 3)
    return write_out(_scaled_sum(input, ops.matmul(batch1, batch2), beta, alpha), out, 'baddbmm')


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    input, vec1, vec2 = (ops.as_tensor(t) for t in (input, vec1, vec2))
    _check_ndim('addr', 'vec1', vec1, 1)
    _check_ndim('addr', 'vec2', vec2, 1)
    outer = ops.mul(ops.unsqueeze(vec1, 1), ops.unsqueeze(vec2, 0))
    return write_out(_scaled_sum(input, outer, beta, alpha), out, 'addr')


# ------------------------------------------------------------------------------ NaN and infinity
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced (by default with 0 and the dtype's largest and smallest values); the
    gradient passes where the input was finite."""
    input = ops.as_tensor(input)
    a = input._array
    if a.dtype.kind != 'f':
        return write_out(ops.clone(input), out, 'nan_to_num')
    xp = input._xp()
    info = backend.finfo(a.dtype)
    replaced = xp.where(xp.isnan(a), nan, xp.where(a > 0, info.max if posinf is None else posinf,
                                                   info.min if neginf is None else neginf)).astype(a.dtype)
    return write_out(Where.apply(xp.isfinite(a), input, ops.constant(replaced)), out, 'nan_to_num')


def _predicate(input, fn, out=None, name='predicate'):
    input = ops.as_tensor(input)
    a = input._array
    return write_out(ops.constant(fn(input._xp(), a)), out, name)


def isnan(input):
    return _predicate(input, lambda xp, a: xp.isnan(a) if a.dtype.kind == 'f' else xp.zeros(a.shape, bool))


def isinf(input):
    return _predicate(input, lambda xp, a: xp.isinf(a) if a.dtype.kind == 'f' else xp.zeros(a.shape, bool))


def isfinite(input):
    return _predicate(input, lambda xp, a: xp.isfinite(a) if a.dtype.kind == 'f' else xp.ones(a.shape, bool))


def isposinf(input, *, out=None):
    return _predicate(input, lambda xp, a: xp.isinf(a) & (a > 0) if a.dtype.kind == 'f'
                      else xp.zeros(a.shape, bool), out, 'isposinf')


def isneginf(input, *, out=None):
    return _predicate(input, lambda xp, a: xp.isinf(a) & (a < 0) if a.dtype.kind == 'f'
                      else xp.zeros(a.shape, bool), out, 'isneginf')


def isreal(input):
    return _predicate(input, lambda xp, a: xp.ones(a.shape, bool))


def signbit(input, *, out=None):
    return _predicate(input, lambda xp, a: xp.signbit(a) if a.dtype.kind == 'f' else a < 0, out, 'signbit')


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (NaN equal to NaN with ``equal_nan``)."""
    a, b = ops.promote(ops.as_tensor(input), other, 'isclose')
    x = a._array
    y = b._array if hasattr(b, '_array') else b
    xp = a._xp()
    if x.dtype.kind != 'f':
        return ops.constant(xp.asarray(x == y) if atol == 0 and rtol == 0 else
                            xp.abs(x - y) <= atol + rtol * xp.abs(y))
    close = xp.abs(x - y) <= atol + rtol * xp.abs(y)
    both_finite = xp.isfinite(x) & xp.isfinite(y)
    close = xp.where(both_finite, close, x == y)  # infinities are close only to themselves
    if equal_nan:
        close = close | (xp.isnan(x) & xp.isnan(y))
    return ops.constant(xp.asarray(close))


def heaviside(input, values, *, out=None):
    """0 for negative, 1 for positive elements and ``values`` at zero (no gradient, as PyTorch)."""
    input = ops.as_tensor(input)
    v = ops.as_tensor(values, device=input.device)
    if v._array.dtype != input._array.dtype:
        raise RuntimeError(f"heaviside(): expected values of the input's dtype ({input.dtype}), got {v.dtype}")
    a = input._array
    xp = input._xp()
    result = xp.where(a == 0, v._array, (a > 0).astype(a.dtype)).astype(a.dtype)
    return write_out(ops.constant(result), out, 'heaviside')


class Copysign(Function):
    """``|a|`` with the sign of ``b``: the gradient reaches ``a`` (zero at 0) and is zero for ``b``."""

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        out = xp.copysign(a, b)
        ctx.factor = xp.where(a == 0, 0, xp.copysign(xp.ones((), a.dtype), a) * xp.copysign(
            xp.ones((), a.dtype), b)).astype(a.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        return (grad * ctx.factor if needs[0] else None), (grad * 0 if needs[1] else None)


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other``; the gradient reaches ``input`` (none at 0 and for
    ``other``, as PyTorch)."""
    return write_out(Copysign.apply(*_float_pair(input, other, 'copysign')), out, 'copysign')


class Hypot(Function):
    @staticmethod
    def forward(ctx, a, b):
        out = array_module(a).hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (grad * a / out if needs[0] else None), (grad * b / out if needs[1] else None)


def _float_pair(input, other, op):
    if not isinstance(input, Tensor):
        input = ops.as_tensor(input, device=other.device if isinstance(other, Tensor) else None)
    a, b = ops.promote(input, other, op)
    a = ops._to_float(a)
    b = ops._to_float(b) if isinstance(b, Tensor) else b
    if isinstance(b, Tensor) and b._array.dtype != a._array.dtype:
        b = ops.cast(b, a._array.dtype)
    if not isinstance(b, Tensor):
        b = a._xp().asarray(b, dtype=a._array.dtype)
    return a, b


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without overflow."""
    return write_out(Hypot.apply(*_float_pair(input, other, 'hypot')), out, 'hypot')


class LogAddExp(Function):
    """``log(exp(a) + exp(b))`` (``base2``: ``log2(2**a + 2**b)``), computed without overflow."""

    @staticmethod
    def forward(ctx, a, b, base2):
        xp = array_module(a)
        out = (xp.logaddexp2 if base2 else xp.logaddexp)(a, b)
        ctx.save_for_backward(a, b, out)
        ctx.base2 = base2
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        needs = ctx.needs_input_grad
        scale = 0.6931471805599453 if ctx.base2 else 1.0
        ga = grad * Exp.call((a - out) * scale) if needs[0] else None
        gb = grad * Exp.call((b - out) * scale) if needs[1] else None
        return ga, gb, None


def logaddexp(input, other, *, out=None):
    return write_out(LogAddExp.apply(*_float_pair(input, other, 'logaddexp'), False), out, 'logaddexp')


def logaddexp2(input, other, *, out=None):
    return write_out(LogAddExp.apply(*_float_pair(input, other, 'logaddexp2'), True), out, 'logaddexp2')


class Xlogy(Function):
    """``x * log(y)``, 0 where ``x == 0`` (unless ``y`` is NaN), as ``scipy.special.xlogy``."""

    @staticmethod
    def forward(ctx, x, y):
        xp = array_module(x)
        zero = (x == 0) & ~xp.isnan(y)
        with_one = xp.where(zero, 1, y)
        out = xp.where(zero, 0, x * xp.log(with_one)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        # PyTorch: d/dx = log(y), except 0 where x == 0 and y <= 0
        ctx.zero = (x == 0) & (y <= 0)
        ctx.with_one = xp.where(ctx.zero, 1, y)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gx = grad * Log.call(ctx.with_one) * ~ctx.zero if needs[0] else None
        gy = grad * x / y if needs[1] else None
        return gx, gy


def xlogy(input, other, *, out=None):
    return write_out(Xlogy.apply(*_float_pair(input, other, 'xlogy')), out, 'xlogy')


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in float64 (PyTorch's float_power)."""
    input = ops.cast(ops.as_tensor(input), backend.float64)
    if isinstance(exponent, Tensor):
        exponent = ops.cast(exponent, backend.float64)
    elif isinstance(exponent, _pyint) and not isinstance(exponent, _pybool):
        exponent = _pyfloat(exponent)
    return write_out(ops.pow(input, exponent), out, 'float_power')


def positive(input):
    return ops.as_tensor(input)


def _inplace(fn):
    def method(self, *args, **kwargs):
        from .indexing import _assign
        return _assign(self, fn(self, *args, **kwargs))
    method.__name__ = fn.__name__ + '_'
    return method


METHODS = {
    'sign': sign, 'sgn': sgn, 'floor': floor, 'ceil': ceil, 'round': round, 'trunc': trunc, 'fix': fix,
    'frac': frac, 'fmod': fmod, 'remainder': remainder, '__mod__': remainder, '__rmod__': _rmod,
    'clamp': clamp, 'clip': clip, 'clamp_min': clamp_min, 'clamp_max': clamp_max,
    'clamp_': _clamp_, 'clip_': _clamp_, 'clamp_min_': _clamp_min_, 'clamp_max_': _clamp_max_,
    'lerp': lerp, 'addcmul': addcmul, 'addcdiv': addcdiv, 'addmm': addmm, 'addmv': addmv,
    'addbmm': addbmm, 'baddbmm': baddbmm, 'addr': addr, 'nan_to_num': nan_to_num, 'isnan': isnan,
    'isinf': isinf, 'isfinite': isfinite, 'isposinf': isposinf, 'isneginf': isneginf, 'isreal': isreal,
    'signbit': signbit, 'isclose': isclose, 'heaviside': heaviside, 'copysign': copysign, 'hypot': hypot,
    'logaddexp': logaddexp, 'logaddexp2': logaddexp2, 'xlogy': xlogy, 'float_power': float_power,
    'positive': positive,
}
METHODS.update({name + '_': _inplace(METHODS[name]) for name in (
    'sign', 'sgn', 'floor', 'ceil', 'round', 'trunc', 'fix', 'frac', 'fmod', 'remainder', 'lerp', 'addcmul',
    'addcdiv', 'addmm', 'addmv', 'addbmm', 'baddbmm', 'addr', 'nan_to_num', 'copysign', 'hypot', 'xlogy',
    'float_power')})
