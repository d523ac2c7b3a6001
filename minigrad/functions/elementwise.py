"""Elementwise ops: arithmetic, powers, exp/log, trigonometry, abs, maximum/minimum, clamp, where, casts.

Each op is a Function with forward and backward side by side. Broadcasting is undone by the engine, so a
backward returns gradients in the output's shape. Tie and kink rules (see docs/semantics.md):
``abs'(0) = 0``, ``sqrt'(0) = inf``, ``maximum``/``minimum`` split the gradient half and half on ties,
``clamp`` passes the gradient on the closed interval ``[min, max]``.
"""
import builtins
import math
import operator

from ..autograd.function import Function, tangent_sum
from ..backend import array_module
from ..conversion import SCALARS, as_tensor, promote, scalar_array, scalar_of, to_float
from ..tensor import Tensor


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad

    @staticmethod
    def jvp(ctx, ta, tb):
        return tb if ta is None else ta if tb is None else ta + tb


class Sub(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        return -tb if ta is None else ta if tb is None else ta - tb


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        # Save only what a needed gradient uses (the edges are needs_input_grad, read directly on
        # this hot path): b for a's gradient, a for b's.
        parents = ctx.parents
        ctx.save_for_backward(None if parents[1] is None else a, None if parents[0] is None else b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (grad * b if needs[0] else None), (grad * a if needs[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.inputs
        return tangent_sum(ta if ta is None else ta * b, tb if tb is None else tb * a)


class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)  # a only for b's gradient
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_a = grad / b if needs[0] else None
        grad_b = -grad * a / (b * b) if needs[1] else None
        return grad_a, grad_b

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.inputs
        return tangent_sum(ta if ta is None else ta / b, tb if tb is None else -(tb * ctx.output) / b)


class Neg(Function):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad

    @staticmethod
    def jvp(ctx, t):
        return -t


class PowScalar(Function):
    """``x ** c`` for a constant exponent ``c``."""
    torch_name = 'PowBackward0'

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return x ** exponent

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        c = ctx.exponent
        if c == 0:
            return grad * 0, None
        if c == 1:
            return grad, None
        if c == 2:
            return grad * 2 * x, None
        return grad * c * x ** (c - 1), None

    @staticmethod
    def jvp(ctx, t, _):
        x, c = ctx.inputs
        if c == 0:
            return t * 0
        return t * (c * x ** (c - 1)) if c != 1 else t


class RPowScalar(Function):
    """``c ** x`` for a constant base ``c``; the gradient is 0 where ``c == 0`` (PyTorch's rule)."""
    torch_name = 'PowBackward2'

    @staticmethod
    def forward(ctx, x, base):
        out = base ** x
        ctx.save_for_backward(out)
        ctx.log_base = math.log(base) if base > 0 else (0.0 if base == 0 else math.nan)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out * ctx.log_base, None

    @staticmethod
    def jvp(ctx, t, _):
        return t * (ctx.output * ctx.log_base)


class Pow(Function):
    """``a ** b`` with both sides tensors."""
    torch_name = 'PowBackward1'

    @staticmethod
    def forward(ctx, a, b):
        out = a ** b
        ctx.save_for_backward(a, b, out)
        ctx.exponent_zero = b == 0                       # d/da a**0 = 0, even at a = 0
        ctx.base_zero = (a == 0) & (b >= 0)              # d/db 0**b = 0 for b >= 0 (PyTorch's rule)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_a = grad_b = None
        if needs[0]:
            # where, not a product with the mask: at a = b = 0 the formula is 0 * inf = nan
            grad_a = Where.call(ctx.exponent_zero, 0.0, grad * b * a ** (b - 1))
        if needs[1]:
            safe_base = Where.call(ctx.base_zero, 1, a)  # keeps log() finite where the mask applies
            grad_b = grad * out * Log.call(safe_base) * ~ctx.base_zero
        return grad_a, grad_b

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.inputs
        xp = array_module(ctx.output)
        da = db = None
        if ta is not None:
            da = ta * xp.where(ctx.exponent_zero, 0, b * a ** (b - 1))
        if tb is not None:
            db = tb * xp.where(ctx.base_zero, 0, ctx.output * xp.log(xp.where(ctx.base_zero, 1, a)))
        return tangent_sum(da, db)


class Unary(Function):
    """``f(x)`` for the array-module function named ``kernel``; ``chain(grad, saved)`` is the gradient,
    written in terms of the output (``of_output``) or of the input, whichever is saved. A base for the
    ops below, not an op itself."""
    kernel = None
    of_output = False

    @staticmethod
    def forward(ctx, x):
        out = getattr(array_module(x), ctx.kernel)(x)
        ctx.save_for_backward(out if ctx.of_output else x)
        return out

    @staticmethod
    def backward(ctx, grad):
        saved, = ctx.saved_tensors
        return ctx.chain(grad, saved)

    @staticmethod
    def jvp(ctx, t):
        # elementwise: the tangent follows the same rule as the gradient
        return ctx.chain(t, ctx.output if ctx.of_output else ctx.inputs[0])


class Exp(Unary):
    kernel, of_output = 'exp', True

    @staticmethod
    def chain(grad, out):
        return grad * out


class Log(Unary):
    kernel = 'log'

    @staticmethod
    def chain(grad, x):
        return grad / x


class Sqrt(Unary):
    """``sqrt``; its gradient at 0 is ``inf`` (as PyTorch)."""
    kernel, of_output = 'sqrt', True

    @staticmethod
    def chain(grad, out):
        return grad / (2 * out)


class Sin(Unary):
    kernel = 'sin'

    @staticmethod
    def chain(grad, x):
        return grad * Cos.call(x)


class Cos(Unary):
    kernel = 'cos'

    @staticmethod
    def chain(grad, x):
        return -(grad * Sin.call(x))


class Abs(Function):
    """``|x|``; the subgradient at 0 is 0."""

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        ctx.sign = xp.sign(x)
        return xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.sign

    @staticmethod
    def jvp(ctx, t):
        return t * ctx.sign


class Maximum(Function):
    """Elementwise maximum; on ties each input gets half of the gradient."""
    largest = True

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        out = (xp.maximum if ctx.largest else xp.minimum)(a, b)
        ctx.share_a = _tie_share(xp, (a > b) if ctx.largest else (a < b), a == b, out.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        share = ctx.share_a
        needs = ctx.needs_input_grad
        return (grad * share if needs[0] else None), (grad * (1 - share) if needs[1] else None)

    @staticmethod
    def jvp(ctx, ta, tb):
        share = ctx.share_a
        return tangent_sum(ta if ta is None else ta * share, tb if tb is None else tb * (1 - share))


class Minimum(Maximum):
    """Elementwise minimum; on ties each input gets half of the gradient."""
    largest = False


def _tie_share(xp, wins, ties, dtype):
    """1 where the first input wins, 0.5 on ties, 0 where it loses (in the output's dtype)."""
    share = xp.asarray(wins, dtype=dtype)
    share += xp.asarray(ties, dtype=dtype) * 0.5
    return share


class Clamp(Function):
    """Clamp to ``[low, high]`` (either may be None); the gradient passes where ``low <= x <= high``."""
    torch_name = 'ClampBackward1'

    @staticmethod
    def forward(ctx, x, low, high):
        xp = array_module(x)
        out = x
        if low is not None:
            out = xp.maximum(out, low)
        if high is not None:
            out = xp.minimum(out, high)
        ctx.save_for_backward(x)  # the input, as PyTorch: a later in-place change of it is caught
        ctx.low, ctx.high = low, high
        return out if out is not x else x.copy()

    @staticmethod
    def inside(ctx):
        """Where ``low <= x <= high``: where the gradient passes."""
        x, = ctx.saved_tensors
        inside = None if ctx.low is None else x >= ctx.low
        if ctx.high is not None:
            inside = (x <= ctx.high) if inside is None else inside & (x <= ctx.high)
        return inside

    @staticmethod
    def backward(ctx, grad):
        return grad * Clamp.inside(ctx), None, None

    @staticmethod
    def jvp(ctx, t, _low, _high):
        return t * Clamp.inside(ctx)


class Where(Function):
    """``where(condition, a, b)``: the gradient goes to ``a`` where the condition holds, else to ``b``."""

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        return array_module(condition).where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        cond = ctx.condition
        needs = ctx.needs_input_grad
        return None, (grad * cond if needs[1] else None), (grad * ~cond if needs[2] else None)

    @staticmethod
    def jvp(ctx, _, ta, tb):
        cond = ctx.condition
        return tangent_sum(ta if ta is None else ta * cond, tb if tb is None else tb * ~cond)


class Cast(Function):
    """Convert to another dtype; the engine casts the gradient back to the input's dtype."""
    torch_name = 'ToCopyBackward0'

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None

    @staticmethod
    def jvp(ctx, t, _):
        return t


class Clone(Function):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad

    @staticmethod
    def jvp(ctx, t):
        return t * 1


# ------------------------------------------------------------------------------- public functions
_pyfloat = builtins.float


def _binary(cls, a, b):
    # The common cases first, kept short: two tensors of one dtype, or a floating tensor and a float.
    if type(a) is Tensor:
        if type(b) is Tensor:
            if a._array.dtype is b._array.dtype:
                return cls.apply(a, b)
        elif type(b) is _pyfloat and a._array.dtype.kind == 'f':
            return cls.apply(a, scalar_array(b, a._array))
    elif type(a) is _pyfloat and type(b) is Tensor and b._array.dtype.kind == 'f':
        return cls.apply(scalar_array(a, b._array), b)
    a, b = promote(a, b, cls.__name__.lower())
    return cls.apply(a, b)


def add(input, other, *, alpha=1):
    return _binary(Add, input, other if alpha == 1 else other * alpha)


def sub(input, other, *, alpha=1):
    return _binary(Sub, input, other if alpha == 1 else other * alpha)


def mul(input, other):
    return _binary(Mul, input, other)


def div(input, other, *, rounding_mode=None):
    if rounding_mode is not None:
        from .comparison import floor_divide, trunc_divide
        return (floor_divide if rounding_mode == 'floor' else trunc_divide)(input, other)
    input, other = promote(input, other, 'div')
    if isinstance(input, Tensor) and input._array.dtype.kind != 'f':
        input = to_float(input)
        if isinstance(other, Tensor):
            other = to_float(other)
        elif hasattr(other, 'dtype'):
            other = other.astype(input._array.dtype)
    elif isinstance(other, Tensor) and other._array.dtype.kind != 'f':
        other = to_float(other)
    return Div.apply(input, other)


true_divide = divide = div
multiply = mul
subtract = sub


def neg(input):
    return Neg.apply(input)


negative = neg


def pow(input, exponent):
    if not isinstance(input, Tensor):
        base = scalar_of(input)
        if isinstance(base, SCALARS):
            exponent = to_float(exponent) if isinstance(base, _pyfloat) else exponent
            return RPowScalar.apply(exponent, base)
        input = as_tensor(input)
    exponent = scalar_of(exponent)
    if isinstance(exponent, SCALARS):
        if isinstance(exponent, _pyfloat) and input._array.dtype.kind != 'f':
            input = to_float(input)
        return PowScalar.apply(input, exponent)
    input, exponent = promote(input, exponent, 'pow')
    return Pow.apply(input, exponent)


def float_unary(cls):
    def op(input):
        return cls.apply(to_float(as_tensor(input)))
    op.__name__ = op.__qualname__ = cls.__name__.lower()
    op.__doc__ = f"``{op.__name__}`` of each element (integer and bool tensors become floats first)."
    return op


exp, log, sqrt, sin, cos = (float_unary(cls) for cls in (Exp, Log, Sqrt, Sin, Cos))


def abs(input):
    return Abs.apply(as_tensor(input))


absolute = abs


def square(input):
    return pow(input, 2)


def maximum(input, other):
    input, other = promote(as_tensor(input), other, 'maximum')
    return Maximum.apply(input, other)


def minimum(input, other):
    input, other = promote(as_tensor(input), other, 'minimum')
    return Minimum.apply(input, other)


def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    input = as_tensor(input)
    if input._array.dtype.kind in 'biu' and (isinstance(min, _pyfloat) or isinstance(max, _pyfloat)):
        input = to_float(input)
    return Clamp.apply(input, scalar_of(min), scalar_of(max))


clip = clamp


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other`` (tensors or scalars)."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = as_tensor(input)
    if isinstance(input, Tensor):
        input, other = promote(input, other, 'where')
        xp = input._xp()
    else:
        other, input = promote(other, input, 'where')
        xp = other._xp()
    cond = condition._array if isinstance(condition, Tensor) else xp.asarray(condition)
    if cond.dtype != bool:
        cond = cond.astype(bool)
    return Where.apply(cond, input, other)


def clone(input):
    return Clone.apply(input)


# ------------------------------------------------------------------------------- Tensor methods
def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    method.__name__ = method.__qualname__ = f'__r{fn.__name__}__'
    return method


def _inplace(cls, op, name, alpha=False):
    """The in-place method ``name`` (``x.add_(y)``, ``x *= y``) of the Function ``cls``; ``op`` is the
    in-place operator used when nothing is recorded."""
    if alpha:
        def method(self, other, *, alpha=1):
            return self._inplace_arith(cls, op, other if alpha == 1 else other * alpha)
    else:
        def method(self, other):
            return self._inplace_arith(cls, op, other)
    method.__name__ = method.__qualname__ = name
    return method


def inplace_unary(cls, name):
    """The in-place method ``name`` (``x.exp_()``) of the one-input Function ``cls``."""
    def method(self):
        return self._inplace(cls)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: overwrites this tensor (recorded when a graph is involved)."
    return method


def pow_(self, exponent):
    exponent = scalar_of(exponent)
    return self._inplace(PowScalar, exponent) if isinstance(exponent, SCALARS) else self._inplace(Pow, exponent)


def clamp_(self, min=None, max=None):
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    return self._inplace(Clamp, min, max)


__all__ = ['add', 'sub', 'mul', 'div', 'true_divide', 'divide', 'multiply', 'subtract', 'neg',
           'negative', 'pow', 'exp', 'log', 'sqrt', 'sin', 'cos', 'abs', 'absolute', 'square',
           'maximum', 'minimum', 'clamp', 'clip', 'where', 'clone']

METHODS = {
    'add': add, 'sub': sub, 'mul': mul, 'div': div, 'neg': neg, 'pow': pow,
    'subtract': sub, 'multiply': mul, 'divide': div, 'true_divide': div, 'negative': neg,
    'exp': exp, 'log': log, 'sqrt': sqrt, 'sin': sin, 'cos': cos, 'abs': abs, 'square': square,
    'maximum': maximum, 'minimum': minimum, 'clamp': clamp, 'clip': clamp, 'clone': clone,
    'where': lambda self, condition, other: where(condition, self, other),
    '__add__': add, '__sub__': sub, '__mul__': mul, '__truediv__': div, '__pow__': pow,
    '__radd__': _reflected(add), '__rsub__': _reflected(sub), '__rmul__': _reflected(mul),
    '__rtruediv__': _reflected(div), '__rpow__': _reflected(pow),
    '__neg__': neg, '__abs__': abs,
    'add_': _inplace(Add, operator.iadd, 'add_', alpha=True),
    'sub_': _inplace(Sub, operator.isub, 'sub_', alpha=True),
    'mul_': _inplace(Mul, operator.imul, 'mul_'), 'div_': _inplace(Div, operator.itruediv, 'div_'),
    'clamp_': clamp_, 'clip_': clamp_, 'pow_': pow_, 'square_': lambda self: pow_(self, 2),
}
METHODS.update({f'{cls.__name__.lower()}_': inplace_unary(cls, f'{cls.__name__.lower()}_')
                for cls in (Neg, Exp, Log, Sqrt, Sin, Cos, Abs)})
METHODS.update(__iadd__=METHODS['add_'], __isub__=METHODS['sub_'], __imul__=METHODS['mul_'],
               __itruediv__=METHODS['div_'])
