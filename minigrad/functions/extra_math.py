"""More elementwise math, as PyTorch has it: ``tan sinh cosh asin acos atan atan2 asinh acosh atanh log1p
expm1 log2 log10 exp2 rsqrt reciprocal erf erfc`` (and the ``arc*`` aliases), each a Function with its
derivative written with ops, so ``create_graph=True`` differentiates again.

Integer and bool inputs become the default float dtype, as in PyTorch. Outside an op's domain the
result is NaN (``asin(2)``) or infinite (``atanh(1)``), as NumPy and PyTorch give it.
"""
import math

from ..autograd.function import Function
from ..backend import array_module
from .elementwise import Exp, Sqrt
from ..conversion import as_tensor, promote, to_float

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Tan(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (1 + out * out)


class Sinh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Cosh.call(x)


class Cosh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Sinh.call(x)


class Asin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / Sqrt.call(1 - x * x)


class Acos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arccos(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -grad / Sqrt.call(1 - x * x)


class Atan(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arctan(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (1 + x * x)


class Atan2(Function):
    """``atan2(y, x)``: the angle of the point ``(x, y)``; d/dy = x / r^2, d/dx = -y / r^2."""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return array_module(y).arctan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        r2 = x * x + y * y
        needs = ctx.needs_input_grad
        return (grad * x / r2 if needs[0] else None), (-grad * y / r2 if needs[1] else None)


class Asinh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / Sqrt.call(x * x + 1)


class Acosh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / Sqrt.call(x * x - 1)


class Atanh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (1 - x * x)


class Log1p(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log1p(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x + 1)


class Expm1(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (out + 1)


class Log2(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log2(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * _LN2)


class Log10(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log10(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / (x * _LN10)


class Exp2(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).exp2(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out * _LN2


class Rsqrt(Function):
    """``1 / sqrt(x)``; d/dx = -out^3 / 2."""

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        out = xp.reciprocal(xp.sqrt(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (out * out * out) * -0.5


class Reciprocal(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return -grad * (out * out)


def _erf_erfc(x):
    """``(erf(x), erfc(x))`` to double precision with elementwise ops only (NumPy has no erf; CuPy's is
    in cupyx): below |x| = 2 the Maclaurin series of erf (60 terms reach 1e-17 at 2), above it the
    continued fraction ``erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / ...)))``
    evaluated backwards from depth 120; erf is odd and ``erfc(-x) = 2 - erfc(x)``."""
    xp = array_module(x)
    a = xp.abs(x)
    small = a < 2.0
    xs = xp.where(small, a, 0.0)
    term = total = xs
    x2 = xs * xs
    for n in range(1, 60):
        term = term * (-x2) / n
        total = total + term / (2 * n + 1)
    erf_small = _TWO_OVER_SQRT_PI * total
    xl = xp.where(small, 2.0, a)
    fraction = xl
    for k in range(120, 0, -1):
        fraction = xl + (k / 2.0) / fraction
    erfc_large = xp.exp(-xl * xl) / (math.sqrt(math.pi) * fraction)
    erf_abs = xp.where(small, erf_small, 1.0 - erfc_large)
    erfc_abs = xp.where(small, 1.0 - erf_small, erfc_large)
    negative = x < 0
    erf = xp.where(negative, -erf_abs, erf_abs).astype(x.dtype, copy=False)
    erfc = xp.where(negative, 2.0 - erfc_abs, erfc_abs).astype(x.dtype, copy=False)
    return erf, erfc


class Erf(Function):
    """The error function; d/dx = 2 / sqrt(pi) * exp(-x^2). (``functions/nonlinearity.py`` has the Erf
    inside GELU, on SciPy's or CuPy's kernel; this one is elementwise arithmetic, the same bits on
    every device, and shares its series with :class:`Erfc`.)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_erfc(x)[0]

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Exp.call(-(x * x)) * _TWO_OVER_SQRT_PI


class Erfc(Function):
    """The complementary error function ``1 - erf(x)``, accurate for large x (no cancellation)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_erfc(x)[1]

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Exp.call(-(x * x)) * -_TWO_OVER_SQRT_PI


# ---------------------------------------------------------------------------------- public functions
def _unary(cls):
    def op(input):
        return cls.apply(to_float(as_tensor(input)))
    return op


tan = _unary(Tan)
sinh = _unary(Sinh)
cosh = _unary(Cosh)
asin = arcsin = _unary(Asin)
acos = arccos = _unary(Acos)
atan = arctan = _unary(Atan)
asinh = arcsinh = _unary(Asinh)
acosh = arccosh = _unary(Acosh)
atanh = arctanh = _unary(Atanh)
log1p = _unary(Log1p)
expm1 = _unary(Expm1)
log2 = _unary(Log2)
log10 = _unary(Log10)
exp2 = _unary(Exp2)
rsqrt = _unary(Rsqrt)
reciprocal = _unary(Reciprocal)
erf = _unary(Erf)
erfc = _unary(Erfc)
for _name, _fn in list(globals().items()):
    if _name in ('tan', 'sinh', 'cosh', 'asin', 'acos', 'atan', 'asinh', 'acosh', 'atanh', 'log1p', 'expm1',
                 'log2', 'log10', 'exp2', 'rsqrt', 'reciprocal', 'erf', 'erfc'):
        _fn.__name__ = _fn.__qualname__ = _name
        _fn.__doc__ = f"``{_name}(input)`` elementwise, as ``torch.{_name}``."
del _name, _fn


def atan2(input, other):
    """``atan2(input, other)``: the angle of the point ``(other, input)`` in radians, broadcast."""
    a = to_float(as_tensor(input))
    b = other if not isinstance(other, (int, float)) else as_tensor(float(other), dtype=a.dtype)
    a, b = promote(a, to_float(as_tensor(b)), 'atan2')
    return Atan2.apply(a, b)


arctan2 = atan2

__all__ = ['tan', 'sinh', 'cosh', 'asin', 'acos', 'atan', 'atan2', 'asinh', 'acosh', 'atanh', 'arcsin',
           'arccos', 'arctan', 'arctan2', 'arcsinh', 'arccosh', 'arctanh', 'log1p', 'expm1', 'log2',
           'log10', 'exp2', 'rsqrt', 'reciprocal', 'erf', 'erfc']

METHODS = {name: globals()[name] for name in __all__}
