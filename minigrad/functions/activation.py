"""Activations and normalised exponentials: relu, sigmoid, tanh, softmax, log_softmax.

``relu'(0) = 0`` (the gradient passes only where ``x > 0``), as PyTorch; see docs/semantics.md.
"""
from ..autograd.function import Function
from ..backend import array_module
from .elementwise import Exp


class Relu(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mask = x > 0
        return array_module(x).maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.mask

    @staticmethod
    def jvp(ctx, t):
        return t * ctx.mask


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


class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        out = array_module(x).tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * (1 - out * out)

    @staticmethod
    def jvp(ctx, t):
        out = ctx.output
        return t * (1 - out * out)


def _shifted(x, axis):
    """``x - max(x)`` along ``axis`` (rows that are all -inf stay finite-safe)."""
    xp = array_module(x)
    top = x.max(axis=axis, keepdims=True)
    top = xp.where(xp.isfinite(top), top, 0)
    return x - top


class Softmax(Function):
    @staticmethod
    def forward(ctx, x, axis):
        xp = array_module(x)
        e = xp.exp(_shifted(x, axis))
        e /= e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(e)
        ctx.axis = axis
        return e

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.axis, keepdims=True)), None

    @staticmethod
    def jvp(ctx, t, _):
        out = ctx.output
        return (t - (t * out).sum(axis=ctx.axis, keepdims=True)) * out


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx, x, axis):
        xp = array_module(x)
        z = _shifted(x, axis)
        out = z - xp.log(xp.exp(z).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad - Exp.call(out) * grad.sum(axis=ctx.axis, keepdims=True), None

    @staticmethod
    def jvp(ctx, t, _):
        return t - (t * Exp.call(ctx.output)).sum(axis=ctx.axis, keepdims=True)
