"""Activations and normalised exponentials: relu, sigmoid, tanh, softmax, log_softmax.

``relu'(0) = 0`` (the gradient passes only where ``x > 0``), as PyTorch; see docs/semantics.md.
"""
from ..arguments import dim as _dim
from ..autograd.function import Function
from ..backend import array_module
from ..conversion import as_tensor, cast, to_float
from .elementwise import Exp, Unary, float_unary, inplace_unary


class Relu(Function):
    """``max(x, 0)``; saves its output, as PyTorch (the gradient passes where it is positive), so a
    later in-place change of the output is caught at backward time."""

    @staticmethod
    def forward(ctx, x):
        out = array_module(x).maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (out > 0)

    @staticmethod
    def jvp(ctx, t):
        return t * (ctx.saved_tensors[0] > 0)


class Sigmoid(Function):
    """``1 / (1 + exp(-x))``, computed as ``(1 + tanh(x / 2)) / 2``: no overflow for any x."""

    @staticmethod
    def forward(ctx, x):
        out = array_module(x).tanh(x * 0.5)
        out += 1
        out *= 0.5
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out * (1 - out)

    @staticmethod
    def jvp(ctx, t):
        out = ctx.output
        return t * (out * (1 - out))


class Tanh(Unary):
    kernel, of_output = 'tanh', True

    @staticmethod
    def chain(grad, out):
        return grad * (1 - out * out)


def shifted(x, axis):
    """``(x - max(x), max(x))`` along ``axis`` (kept dims); the max of an all -inf (or inf) row is taken as 0,
    so that such rows stay NaN-free where they can."""
    xp = array_module(x)
    top = x.max(axis=axis, keepdims=True)
    top = xp.where(xp.isfinite(top), top, 0)
    return x - top, top


def log_sum_exp_parts(x, axis):
    """The stable pieces of ``log_softmax``, ``logsumexp`` and cross-entropy, computed once here:
    ``z = x - max(x)``, ``log(sum(exp(z)))`` (kept dims) and ``max(x)`` along ``axis``. Then
    ``log_softmax(x) = z - log_sum`` and ``logsumexp(x) = log_sum + top``."""
    xp = array_module(x)
    z, top = shifted(x, axis)
    return z, xp.log(xp.exp(z).sum(axis=axis, keepdims=True)), top


def log_softmax_array(x, axis):
    """``log_softmax`` of an array along ``axis``, shifted by the maximum so it never overflows."""
    z, log_sum, _ = log_sum_exp_parts(x, axis)
    return z - log_sum


def softmax_array(x, axis):
    """``softmax`` of an array along ``axis`` (shifted by the maximum)."""
    e = array_module(x).exp(shifted(x, axis)[0])
    e /= e.sum(axis=axis, keepdims=True)
    return e


class Softmax(Function):
    """Normalised exponentials along ``axis``; saves its output, from which the gradient follows."""
    normalise = staticmethod(softmax_array)

    @staticmethod
    def forward(ctx, x, axis):
        out = ctx.normalise(x, axis)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True)), None

    @staticmethod
    def jvp(ctx, t, _):
        out = ctx.output
        return (t - (t * out).sum(axis=ctx.axis, keepdims=True)) * out


class LogSoftmax(Softmax):
    normalise = staticmethod(log_softmax_array)

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad - Exp.call(out) * grad.sum(axis=ctx.axis, keepdims=True), None

    @staticmethod
    def jvp(ctx, t, _):
        return t - (t * Exp.call(ctx.output)).sum(axis=ctx.axis, keepdims=True)


# ------------------------------------------------------------------------------- public functions
tanh, sigmoid = float_unary(Tanh), float_unary(Sigmoid)


def relu_(input):
    """In-place relu (``minigrad.relu_(x)``, as ``torch.relu_``)."""
    return input._inplace(Relu)


def relu(input):
    return Relu.apply(as_tensor(input))


def _softmax_input(op, input, dim, dtype, axis):
    input = as_tensor(input)
    if dtype is not None:
        input = cast(input, dtype)
    input = to_float(input)
    if axis is not None:
        dim = axis
    if dim is None:
        raise TypeError(f"{op}() needs dim: the dimension that sums to one (e.g. dim=1 for a batch of "
                        "logits of shape (N, C))")
    return input, _dim(dim, input.ndim, op)


def softmax(input, dim=None, *, dtype=None, axis=None):
    return Softmax.apply(*_softmax_input('softmax', input, dim, dtype, axis))


def log_softmax(input, dim=None, *, dtype=None, axis=None):
    return LogSoftmax.apply(*_softmax_input('log_softmax', input, dim, dtype, axis))


__all__ = ['relu', 'relu_', 'sigmoid', 'tanh', 'softmax', 'log_softmax']

METHODS = {'relu': relu, 'sigmoid': sigmoid, 'tanh': tanh, 'softmax': softmax, 'log_softmax': log_softmax,
           'relu_': relu_, 'sigmoid_': inplace_unary(Sigmoid, 'sigmoid_'),
           'tanh_': inplace_unary(Tanh, 'tanh_')}
