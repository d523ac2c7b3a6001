"""Elementwise ops: arithmetic, powers, exp/log, trigonometry, abs, maximum/minimum, clamp, where, casts.

Each op is a Function with forward and backward side by side. Broadcasting is undone by the engine, so a
backward returns gradients in the output's shape. Tie and kink rules (see docs/semantics.md):
``abs'(0) = 0``, ``sqrt'(0) = inf``, ``maximum``/``minimum`` split the gradient half and half on ties,
``clamp`` passes the gradient on the closed interval ``[min, max]``.
"""
import math

from ..autograd.function import Function, tangent_sum
from ..backend import array_module


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
        ctx.save_for_backward(a, b)
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
        ctx.save_for_backward(a, b)
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


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out

    @staticmethod
    def jvp(ctx, t):
        return t * ctx.output


class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / x

    @staticmethod
    def jvp(ctx, t):
        return t / ctx.inputs[0]


class Sqrt(Function):
    """``sqrt``; its gradient at 0 is ``inf`` (as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        out = array_module(x).sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad / (2 * out)

    @staticmethod
    def jvp(ctx, t):
        return t / (2 * ctx.output)


class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Cos.call(x)

    @staticmethod
    def jvp(ctx, t):
        return t * Cos.call(ctx.inputs[0])


class Cos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return -(grad * Sin.call(x))

    @staticmethod
    def jvp(ctx, t):
        return -(t * Sin.call(ctx.inputs[0]))


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

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        out = xp.maximum(a, b)
        ctx.share_a = _tie_share(xp, a > b, a == b, out.dtype)
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


class Minimum(Function):
    """Elementwise minimum; on ties each input gets half of the gradient."""

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        out = xp.minimum(a, b)
        ctx.share_a = _tie_share(xp, a < b, a == b, out.dtype)
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


def _tie_share(xp, wins, ties, dtype):
    """1 where the first input wins, 0.5 on ties, 0 where it loses (in the output's dtype)."""
    share = xp.asarray(wins, dtype=dtype)
    share += xp.asarray(ties, dtype=dtype) * 0.5
    return share


class Clamp(Function):
    """Clamp to ``[low, high]`` (either may be None); the gradient passes where ``low <= x <= high``."""

    @staticmethod
    def forward(ctx, x, low, high):
        xp = array_module(x)
        inside = None
        out = x
        if low is not None:
            out = xp.maximum(out, low)
            inside = x >= low
        if high is not None:
            out = xp.minimum(out, high)
            inside = (x <= high) if inside is None else inside & (x <= high)
        ctx.inside = inside
        return out if out is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.inside, None, None

    @staticmethod
    def jvp(ctx, t, _low, _high):
        return t * ctx.inside


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
