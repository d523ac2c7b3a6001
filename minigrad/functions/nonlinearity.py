"""Pointwise activations beyond relu/sigmoid/tanh: leaky_relu, elu, celu, selu, gelu, silu, mish,
softplus, hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, threshold, hardshrink, softshrink,
and the compositions softsign, tanhshrink, prelu, glu.

Each elementwise op is a :class:`_Pointwise` Function: a ``value`` computed with the array module and
a ``slope`` (the derivative) written with ``Function.call`` and masks taken from the input's array, so
the backward ``grad * slope(x)`` is itself differentiable (``create_graph=True`` gives second
derivatives). Kinks follow PyTorch: the derivative at a kink is the one of the branch PyTorch's
backward picks (``leaky_relu'(0) = negative_slope``, ``elu'(0) = alpha``, ``hardtanh`` passes the
gradient only strictly inside ``(min_val, max_val)``).
"""
import math

from .. import backend, conversion
from ..autograd import function as _fn
from ..autograd.function import Function
from ..backend import array_module
from .activation import Sigmoid, Tanh
from .elementwise import Clamp, Exp
from .. import arguments
from . import activation as _activation, elementwise as _elementwise, shape as _shape

__all__ = ['celu', 'hardshrink', 'prelu', 'selu', 'threshold']

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _raw(x):
    """The array behind ``x`` (for masks, which carry no gradient)."""
    return x._array if isinstance(x, _fn.Tensor) else x


def _mask(condition, like):
    """A boolean mask as a 0/1 array of ``like``'s dtype."""
    return condition.astype(_raw(like).dtype)


class Erf(Function):
    """The error function; ``erf'(x) = 2 / sqrt(pi) * exp(-x ** 2)``."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return backend.erf(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (2.0 / math.sqrt(math.pi)) * Exp.call(-(x * x))


class _Pointwise:
    """Mixin of the Functions below: ``value(x, *params)`` elementwise with derivative
    ``slope(x, *params)``; params are constants. (Not a Function itself: it is never applied.)"""

    @staticmethod
    def forward(ctx, x, *params):
        ctx.save_for_backward(x)
        ctx.params = params
        return type(ctx).value(array_module(x), x, *params)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return (grad * type(ctx).slope(x, *ctx.params),) + (None,) * len(ctx.params)


class LeakyRelu(_Pointwise, Function):
    @staticmethod
    def value(xp, x, slope):
        return xp.where(x > 0, x, x * slope)

    @staticmethod
    def slope(x, slope):
        pos = _raw(x) > 0
        return _mask(pos, x) + _mask(~pos, x) * slope


class Elu(_Pointwise, Function):
    """``scale * (x if x > 0 else alpha * (exp(x / beta) - 1))``: elu (beta=1, scale=1), celu
    (beta=alpha) and selu (its constants)."""

    @staticmethod
    def value(xp, x, alpha, beta, scale):
        neg = alpha * xp.expm1(xp.minimum(x, 0) / beta)
        return scale * xp.where(x > 0, x, neg)

    @staticmethod
    def slope(x, alpha, beta, scale):
        pos = _raw(x) > 0
        neg = Exp.call(Clamp.call(x, None, 0) / beta) * (alpha / beta * scale)
        return _mask(pos, x) * scale + neg * _mask(~pos, x)


class GeluErf(_Pointwise, Function):
    """``x * Phi(x)``, Phi the standard normal CDF. The CDF computed in forward is kept for a first-order
    backward (erf is the expensive part); ``create_graph`` recomputes it as an op."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.params = ()
        ctx.cdf = cdf = 0.5 * (1.0 + backend.erf(x * (1.0 / math.sqrt(2.0))))
        return x * cdf

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        if isinstance(x, _fn.Tensor):
            return grad * GeluErf.slope(x)
        pdf = array_module(x).exp(-0.5 * (x * x)) * (1.0 / math.sqrt(2.0 * math.pi))
        return grad * (ctx.cdf + x * pdf)

    @staticmethod
    def slope(x):
        cdf = 0.5 * (1.0 + Erf.call(x * (1.0 / math.sqrt(2.0))))
        pdf = Exp.call(-0.5 * (x * x)) * (1.0 / math.sqrt(2.0 * math.pi))
        return cdf + x * pdf


_GELU_K = math.sqrt(2.0 / math.pi)


class GeluTanh(_Pointwise, Function):
    """``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""

    @staticmethod
    def value(xp, x):
        return 0.5 * x * (1.0 + xp.tanh(_GELU_K * (x + 0.044715 * x * x * x)))

    @staticmethod
    def slope(x):
        t = Tanh.call(_GELU_K * (x + 0.044715 * x * x * x))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _GELU_K * (1.0 + 3 * 0.044715 * x * x)


class Silu(_Pointwise, Function):
    @staticmethod
    def value(xp, x):
        return x * (0.5 + 0.5 * xp.tanh(0.5 * x))

    @staticmethod
    def slope(x):
        s = Sigmoid.call(x)
        return s * (1.0 + x * (1.0 - s))


def _softplus_array(xp, z):
    """``log(1 + exp(z))`` without overflow."""
    return xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))


class Softplus(_Pointwise, Function):
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``."""

    @staticmethod
    def value(xp, x, beta, threshold):
        z = x * beta
        return xp.where(z > threshold, x, _softplus_array(xp, z) / beta)

    @staticmethod
    def slope(x, beta, threshold):
        linear = (_raw(x) * beta) > threshold
        return Sigmoid.call(x * beta) * _mask(~linear, x) + _mask(linear, x)


class Mish(_Pointwise, Function):
    """``x * tanh(softplus(x))``."""

    @staticmethod
    def value(xp, x):
        return x * xp.tanh(_softplus_array(xp, x))

    @staticmethod
    def slope(x):
        t = Tanh.call(Softplus.call(x, 1.0, 20.0))
        return t + x * (1.0 - t * t) * Sigmoid.call(x)


class Hardtanh(_Pointwise, Function):
    """Clamp to ``[low, high]``; the gradient passes strictly inside (PyTorch's hardtanh rule)."""

    @staticmethod
    def value(xp, x, low, high):
        return xp.clip(x, low, high)

    @staticmethod
    def slope(x, low, high):
        a = _raw(x)
        return _mask((a > low) & (a < high), x)


class Hardswish(_Pointwise, Function):
    """``x * relu6(x + 3) / 6``."""

    @staticmethod
    def value(xp, x):
        return x * xp.clip(x + 3.0, 0, 6) / 6.0

    @staticmethod
    def slope(x):
        a = _raw(x)
        middle = _mask((a > -3) & (a < 3), x)
        return (x * (1.0 / 3.0) + 0.5) * middle + _mask(a >= 3, x)


class Logsigmoid(_Pointwise, Function):
    """``log(sigmoid(x)) = -softplus(-x)``, stable for any x."""

    @staticmethod
    def value(xp, x):
        return -_softplus_array(xp, -x)

    @staticmethod
    def slope(x):
        return Sigmoid.call(-x)


class Threshold(_Pointwise, Function):
    """``x`` where ``x > threshold``, else ``value``."""

    @staticmethod
    def value(xp, x, threshold, value):
        return xp.where(x > threshold, x, xp.asarray(value, dtype=x.dtype))

    @staticmethod
    def slope(x, threshold, value):
        return _mask(_raw(x) > threshold, x)


class Shrink(_Pointwise, Function):
    """hardshrink (soft=False): ``x`` where ``|x| > lambd``, else 0; softshrink (soft=True):
    ``x - lambd * sign(x)`` where ``|x| > lambd``, else 0."""

    @staticmethod
    def value(xp, x, lambd, soft):
        keep = xp.abs(x) > lambd
        out = x - lambd * xp.sign(x) if soft else x
        return xp.where(keep, out, xp.zeros((), dtype=x.dtype))

    @staticmethod
    def slope(x, lambd, soft):
        a = _raw(x)
        return _mask((a > lambd) | (a < -lambd), x)


# ------------------------------------------------------------------------------------------ functions
def _float_input(input, op):
    if not isinstance(input, _fn.Tensor):
        input = conversion.as_tensor(input)
    if input._array.dtype.kind != 'f':
        raise TypeError(f"{op}: input must be floating point, got {input.dtype}; convert it with .float()")
    return input


def _apply(cls, input, params, inplace, op):
    input = _float_input(input, op)
    if inplace:
        return input._inplace(cls, *params)
    return cls.apply(input, *params)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    return _apply(LeakyRelu, input, (float(negative_slope),), inplace, 'leaky_relu')


def elu(input, alpha=1.0, inplace=False):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return _apply(Elu, input, (float(alpha), 1.0, 1.0), inplace, 'elu')


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``; ``alpha`` must not be 0."""
    if alpha == 0:
        raise ValueError("celu: ZeroDivisionError, alpha cannot be 0 (it divides x)")
    return _apply(Elu, input, (float(alpha), float(alpha), 1.0), inplace, 'celu')


def selu(input, inplace=False):
    """``scale * elu(x, alpha)`` with the self-normalising constants (alpha ~ 1.6733, scale ~ 1.0507)."""
    return _apply(Elu, input, (_SELU_ALPHA, 1.0, _SELU_SCALE), inplace, 'selu')


def gelu(input, approximate='none'):
    """``x * Phi(x)`` (Phi: the standard normal CDF); ``approximate='tanh'`` uses the tanh formula."""
    if approximate == 'none':
        return _apply(GeluErf, input, (), False, 'gelu')
    if approximate == 'tanh':
        return _apply(GeluTanh, input, (), False, 'gelu')
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (also called swish)."""
    return _apply(Silu, input, (), inplace, 'silu')


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``."""
    return _apply(Mish, input, (), inplace, 'mish')


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear (``x``) where ``beta * x > threshold``."""
    if beta == 0:
        raise ValueError("softplus: beta must not be 0 (it divides the result)")
    return _apply(Softplus, input, (float(beta), float(threshold)), False, 'softplus')


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to ``[min_val, max_val]``; the gradient is 1 strictly inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) must not be greater than max_val ({max_val})")
    return _apply(Hardtanh, input, (float(min_val), float(max_val)), inplace, 'hardtanh')


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)`` (hardtanh on [0, 6])."""
    return _apply(Hardtanh, input, (0.0, 6.0), inplace, 'relu6')


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6`` (gradient 1/6 strictly inside (-3, 3))."""
    input = _float_input(input, 'hardsigmoid')
    out = Hardtanh.apply(input + 3.0, 0.0, 6.0) / 6.0
    return input.copy_(out) if inplace else out


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``."""
    return _apply(Hardswish, input, (), inplace, 'hardswish')


def logsigmoid(input):
    """``log(1 / (1 + exp(-x)))``, stable for any x."""
    return _apply(Logsigmoid, input, (), False, 'logsigmoid')


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``."""
    return _apply(Threshold, input, (float(threshold), float(value)), inplace, 'threshold')


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0."""
    return _apply(Shrink, input, (float(lambd), False), False, 'hardshrink')


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    return _apply(Shrink, input, (float(lambd), True), False, 'softshrink')


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-x)`` along ``dim``."""
    input = _float_input(input, 'softmin')
    return _activation.softmax(-input, dim, dtype=dtype)


def softsign(input):
    """``x / (1 + |x|)``."""
    input = _float_input(input, 'softsign')
    return input / (_elementwise.abs(input) + 1)


def tanhshrink(input):
    """``x - tanh(x)``."""
    input = _float_input(input, 'tanhshrink')
    return input - _activation.tanh(input)


def prelu(input, weight):
    """``x`` where ``x > 0``, else ``weight * x``, with a learnable ``weight`` of one element or one per
    channel (dim 1 of the input)."""
    input = _float_input(input, 'prelu')
    if not isinstance(weight, _fn.Tensor):
        raise TypeError(f"prelu: weight must be a Tensor, got {type(weight).__name__}")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: weight must be 1-D (one value, or one per channel), got shape "
                           f"{tuple(weight.shape)}")
    count = weight.numel()
    if count != 1:
        channels = input.shape[1] if input.ndim >= 2 else (input.shape[0] if input.ndim == 1 else 1)
        if count != channels:
            raise RuntimeError(f"prelu: the weight has {count} elements but the input has {channels} "
                               "channels (dim 1); give one weight or one per channel")
        if input.ndim >= 2:
            weight = _shape.reshape(weight, (count,) + (1,) * (input.ndim - 2))
    else:
        weight = _shape.reshape(weight, ())
    positive = conversion.constant(input._array > 0)
    return _elementwise.where(positive, input, weight * input)


def glu(input, dim=-1):
    """``a * sigmoid(b)`` where ``a`` and ``b`` are the two halves of ``input`` along ``dim``."""
    input = _float_input(input, 'glu')
    if input.ndim == 0:
        raise RuntimeError("glu: does not support 0-d (scalar) tensors")
    d = arguments.dim(dim, input.ndim, 'glu')
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"glu: halving dimension must be even, but dimension {d} is size {size}")
    first = (slice(None),) * d + (slice(0, size // 2),)
    second = (slice(None),) * d + (slice(size // 2, size),)
    return input[first] * _activation.sigmoid(input[second])


METHODS = {'hardshrink': hardshrink, 'prelu': prelu}
