"""Normalisation: batch_norm, layer_norm, group_norm, instance_norm, rms_norm.

All four are one fused op, :class:`Normalize`: ``(x - mean) / sqrt(var + eps) * weight + bias`` with
the statistics taken over some axes (the biased variance, as PyTorch). Its backward is the closed form

    dx = rstd * (gx - mean(gx) - xhat * mean(gx * xhat)),   gx = grad * weight

(means over the normalised axes), one pass over the data instead of the six nodes the composed form
records. When the graph is built for second derivatives (``create_graph=True``) backward recomputes
the statistics from the recorded input with ops, so the formula is differentiable in turn.

Batch norm in evaluation mode (running statistics) is an affine map ``x * scale + shift`` built from
ops. The running statistics are updated in place, without gradient, with the unbiased batch variance
(PyTorch's rule): ``running = (1 - momentum) * running + momentum * batch``.
"""
import math

from ..autograd import function as _fn
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from .. import conversion
from . import shape as _shape

__all__ = []
METHODS = {}


class Normalize(Function):
    """``(x - mean) * rstd * weight + bias`` with mean and (biased) variance over ``axes``.

    ``weight`` and ``bias`` are None or arrays that broadcast against ``x`` (the engine sums their
    gradients back to their shapes). ``stats``, when a list, receives the batch mean and variance
    (shaped with the reduced axes kept) so that callers update running statistics without a second pass.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps, stats):
        mean = x.mean(axis=axes, keepdims=True)
        out = x - mean
        var = (out * out).mean(axis=axes, keepdims=True)
        rstd = (var + eps) ** -0.5
        out *= rstd
        if stats is not None:
            stats.extend((mean, var))
        ctx.save_for_backward(x, weight)
        ctx.mean, ctx.rstd, ctx.axes, ctx.eps = mean, rstd, axes, eps
        ctx.bias_shape = None if bias is None else bias.shape
        if weight is not None:
            out *= weight
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        if isinstance(x, _fn.Tensor) or isinstance(grad, _fn.Tensor):
            return Normalize._backward_graph(ctx, grad, x, weight)
        # Arrays (first derivatives): the same formula with in-place steps, few temporaries.
        axes, needs = ctx.axes, ctx.needs_input_grad
        xhat = x - ctx.mean
        xhat *= ctx.rstd
        grad_x = grad_w = grad_b = None
        if needs[0]:
            gx = grad * weight if weight is not None else grad
            prod = gx * xhat
            m2 = prod.mean(axis=axes, keepdims=True)
            grad_x = prod  # reuse the buffer
            grad_x[...] = gx
            grad_x -= gx.mean(axis=axes, keepdims=True)
            xm = xhat * m2
            grad_x -= xm
            grad_x *= ctx.rstd
        if needs[1]:
            grad_w = _sum_to(grad * xhat, weight.shape)
        if needs[2]:
            grad_b = _sum_to(grad, ctx.bias_shape)
        return grad_x, grad_w, grad_b, None, None, None

    @staticmethod
    def _backward_graph(ctx, grad, x, weight):
        """The backward as ops (create_graph): the statistics recomputed from the recorded input."""
        axes = ctx.axes
        centered = x - x.mean(axis=axes, keepdims=True)
        rstd = ((centered * centered).mean(axis=axes, keepdims=True) + ctx.eps) ** -0.5
        xhat = centered * rstd
        needs = ctx.needs_input_grad
        grad_x = None
        if needs[0]:
            gx = grad * weight if weight is not None else grad
            grad_x = (gx - gx.mean(axis=axes, keepdims=True)
                      - xhat * (gx * xhat).mean(axis=axes, keepdims=True)) * rstd
        grad_w = grad * xhat if needs[1] else None
        grad_b = grad if needs[2] else None
        return grad_x, grad_w, grad_b, None, None, None


def _sum_to(array, shape):
    """Sum ``array`` over the axes where ``shape`` (aligned right, padded with 1s) broadcasts."""
    padded = (1,) * (array.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, (n, m) in enumerate(zip(padded, array.shape)) if n == 1 and m != 1)
    return array.sum(axis=axes, keepdims=True) if axes else array


# ------------------------------------------------------------------------------------------- helpers
def _tensor(x, op, what):
    if x is None:
        return None
    if not isinstance(x, _fn.Tensor):
        raise TypeError(f"{op}: {what} must be a Tensor, got {type(x).__name__}")
    return x


def _check_float(input, op):
    if not isinstance(input, _fn.Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input._array.dtype.kind != 'f':
        raise TypeError(f"{op}: input must be floating point, got {input.dtype}; convert it with .float()")


def _param(p, op, what, dtype, shape):
    """``weight``/``bias`` checked for shape and dtype; None stays None."""
    p = _tensor(p, op, what)
    if p is None:
        return None
    if tuple(p.shape) != tuple(shape):
        raise RuntimeError(f"{op}: {what} must have shape {tuple(shape)}, got {tuple(p.shape)}")
    if p._array.dtype != dtype:
        raise RuntimeError(f"{op}: {what} is {p.dtype} but the input is {dtype}; convert one of them "
                           "(module.to(dtype) or input.to(dtype))")
    return p


def _channel_view(p, ndim):
    """A per-channel (C,) tensor as (C, 1, ..., 1), broadcasting along dim 1 of an ndim-d input."""
    if p is None or ndim <= 2:
        return p
    return _shape.reshape(p, (p.shape[0],) + (1,) * (ndim - 2))


def _normalize_tracking(input, weight, bias, axes, eps, running_mean, running_var, momentum, count,
                        per_sample=False):
    """Normalize over ``axes`` and fold the batch's statistics into the running ones (when there are
    any), with the unbiased variance of ``count`` values as PyTorch; ``per_sample`` (instance norm)
    averages the per-sample statistics first."""
    stats = [] if (running_mean is not None or running_var is not None) else None
    out = Normalize.apply(input, _channel_view(weight, input.ndim), _channel_view(bias, input.ndim),
                          axes, float(eps), stats)
    if stats:
        mean, var = stats
        if per_sample:
            mean, var = mean.mean(axis=0), var.mean(axis=0)
        momentum = 0.0 if momentum is None else float(momentum)
        _update_running(running_mean, mean, momentum)
        _update_running(running_var, var, momentum, count / (count - 1))
    return out


def _update_running(running, batch, momentum, unbiased_factor=1.0):
    """``running = (1 - momentum) * running + momentum * batch`` in place (no gradient)."""
    if running is None:
        return
    with no_grad():
        array = running._array
        value = batch.reshape(array.shape).astype(array.dtype, copy=False)
        if unbiased_factor != 1.0:
            value = value * unbiased_factor
        array *= (1.0 - momentum)
        array += momentum * value
        running._bump_version()


# ------------------------------------------------------------------------------------------ functions
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-05):
    """Batch normalisation over dim 1 (channels) of an (N, C) or (N, C, *) input.

    In training (``training=True``) each channel is normalised by the mean and biased variance of the
    batch, and ``running_mean``/``running_var`` (if given) move towards the batch mean and *unbiased*
    variance by ``momentum``, in place. Otherwise the running statistics normalise.
    """
    op = 'batch_norm'
    _check_float(input, op)
    if input.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C) or (N, C, *), got {tuple(input.shape)}")
    channels = input.shape[1]
    dtype = input._array.dtype
    weight = _param(weight, op, 'weight', dtype, (channels,))
    bias = _param(bias, op, 'bias', dtype, (channels,))
    for name, r in (('running_mean', running_mean), ('running_var', running_var)):
        r = _tensor(r, op, name)
        if r is not None and tuple(r.shape) != (channels,):
            raise RuntimeError(f"{op}: {name} should contain {channels} elements, one per channel, not "
                               f"{r.numel()}")
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        count = input.numel() // channels if channels else 0
        if count <= 1:
            raise ValueError(f"{op}: expected more than 1 value per channel when training, got input size "
                             f"{list(input.shape)}")
        return _normalize_tracking(input, weight, bias, axes, eps, running_mean, running_var, momentum,
                                   count)
    if running_mean is None or running_var is None:
        raise RuntimeError(f"{op}: running_mean and running_var must be given in evaluation mode "
                           "(training=False)")
    return _affine_eval(input, running_mean, running_var, weight, bias, eps)


def _affine_eval(input, mean, var, weight, bias, eps):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` with per-channel constants, as two ops on x."""
    xp_mean = mean._array.astype(input._array.dtype, copy=False)
    rstd = (var._array.astype(input._array.dtype, copy=False) + eps) ** -0.5
    scale = conversion.constant(rstd)
    if weight is not None:
        scale = scale * weight
    shift = -conversion.constant(xp_mean) * scale
    if bias is not None:
        shift = shift + bias
    return input * _channel_view(scale, input.ndim) + _channel_view(shift, input.ndim)


def _normalized_shape(normalized_shape):
    if isinstance(normalized_shape, int) or hasattr(normalized_shape, '__index__') and \
            not isinstance(normalized_shape, (list, tuple)):
        return (int(normalized_shape),)
    return tuple(int(n) for n in normalized_shape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the last ``len(normalized_shape)`` dimensions, which must equal
    ``normalized_shape``; ``weight`` and ``bias`` (shaped ``normalized_shape``) scale and shift."""
    op = 'layer_norm'
    _check_float(input, op)
    shape = _normalized_shape(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise RuntimeError(f"{op}: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    dtype = input._array.dtype
    weight = _param(weight, op, 'weight', dtype, shape)
    bias = _param(bias, op, 'bias', dtype, shape)
    axes = tuple(range(input.ndim - k, input.ndim))
    return Normalize.apply(input, weight, bias, axes, float(eps), None)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Split the C channels of an (N, C, *) input into ``num_groups`` groups and normalise each group
    of each sample; ``weight`` and ``bias`` (C,) are per channel."""
    op = 'group_norm'
    _check_float(input, op)
    if input.ndim < 2:
        raise RuntimeError(f"{op}: expected an input of shape (N, C, *), got {tuple(input.shape)}")
    n, channels = input.shape[0], input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(f"{op}: expected the number of channels ({channels}) to be divisible by "
                           f"num_groups ({num_groups})")
    dtype = input._array.dtype
    weight = _param(weight, op, 'weight', dtype, (channels,))
    bias = _param(bias, op, 'bias', dtype, (channels,))
    per = channels // num_groups
    grouped = _shape.reshape(input, (n, num_groups, per, -1))
    view = (num_groups, per, 1)
    w = None if weight is None else _shape.reshape(weight, view)
    b = None if bias is None else _shape.reshape(bias, view)
    out = Normalize.apply(grouped, w, b, (2, 3), float(eps), None)
    return _shape.reshape(out, tuple(input.shape))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalise each channel of each sample of an (N, C, *) input over its spatial dimensions; the
    running statistics (if given) follow the batch average of the per-sample statistics."""
    op = 'instance_norm'
    _check_float(input, op)
    if input.ndim < 3:
        raise ValueError(f"{op}: expected an input of shape (N, C, L) or (N, C, H, W), got "
                         f"{tuple(input.shape)}")
    channels = input.shape[1]
    dtype = input._array.dtype
    weight = _param(weight, op, 'weight', dtype, (channels,))
    bias = _param(bias, op, 'bias', dtype, (channels,))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"{op}: running_mean and running_var must be given when "
                               "use_input_stats=False")
        return _affine_eval(input, running_mean, running_var, weight, bias, eps)
    count = math.prod(input.shape[2:])
    if count <= 1:
        raise ValueError(f"{op}: expected more than 1 spatial element when training, got input size "
                         f"{list(input.shape)}")
    axes = tuple(range(2, input.ndim))
    return _normalize_tracking(input, weight, bias, axes, eps, running_mean, running_var, momentum, count,
                               per_sample=True)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the last ``len(normalized_shape)`` dimensions;
    ``eps=None`` is the machine epsilon of the input's dtype (PyTorch's default). Composed of ops."""
    op = 'rms_norm'
    _check_float(input, op)
    shape = _normalized_shape(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"{op}: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    weight = _param(weight, op, 'weight', input._array.dtype, shape)
    if eps is None:
        eps = float(_finfo_eps(input._array.dtype))
    axes = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(axis=axes, keepdims=True) + eps) ** -0.5
    return out * weight if weight is not None else out


def _finfo_eps(dtype):
    return {2: 2.0 ** -10, 4: 2.0 ** -23, 8: 2.0 ** -52}[dtype.itemsize]
