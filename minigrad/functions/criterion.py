"""Losses beyond mse and cross-entropy: nll_loss, binary_cross_entropy (and with logits), l1_loss,
smooth_l1_loss, huber_loss, kl_div, margin_ranking_loss, hinge_embedding_loss, soft_margin_loss,
cosine_embedding_loss, triplet_margin_loss, poisson_nll_loss, gaussian_nll_loss.

The two binary cross-entropies are one Function each (stable forms, PyTorch's clamping of the log at
-100); the others are compositions of differentiable ops, so every one has second derivatives.
Every loss takes ``reduction='mean' | 'sum' | 'none'`` (``kl_div`` also ``'batchmean'``); the
deprecated ``size_average``/``reduce`` arguments are refused with a pointer to ``reduction``.
"""
import math
import warnings

from .. import backend, conversion
from ..autograd import function as _fn
from ..autograd.function import Function
from ..backend import array_module
from .activation import Sigmoid
from .elementwise import Clamp, Log, Where
from .nonlinearity import Softplus, _softplus_array
from . import elementwise as _elementwise, reduction as _reduction, shape as _shape

__all__ = []  # torch's top-level forms of these take reduction as an int: only nn.functional has them
METHODS = {}

_REDUCTIONS = ('mean', 'sum', 'none')


def _check_reduction(reduction, size_average, reduce, op, allowed=_REDUCTIONS):
    if size_average is not None or reduce is not None:
        raise TypeError(f"{op}: size_average and reduce are deprecated in PyTorch and not supported; "
                        "use reduction='mean' | 'sum' | 'none'")
    if reduction not in allowed:
        names = ', '.join(map(repr, allowed[:-1])) + f' or {allowed[-1]!r}'
        raise ValueError(f"{op}: reduction must be {names}, got {reduction!r}")


def _reduce(loss, reduction):
    if reduction == 'none':
        return loss
    return _reduction.sum(loss) if reduction == 'sum' else _reduction.mean(loss)


def _as_float(x, op, what='input', like=None):
    if not isinstance(x, _fn.Tensor):
        x = conversion.as_tensor(x, device=None if like is None else like.device)
    if x._array.dtype.kind != 'f':
        if like is not None:
            return conversion.cast(x, like.dtype)
        raise TypeError(f"{op}: {what} must be floating point, got {x.dtype}; convert it with .float()")
    return x


def _pair(input, target, op, warn=True):
    """Input and target as float tensors of one dtype; a shape mismatch warns (they broadcast)."""
    input = _as_float(input, op)
    target = _as_float(target, op, 'target', like=input)
    if warn and tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"{op}: using a target size ({tuple(target.shape)}) that is different to the input "
                      f"size ({tuple(input.shape)}); they will be broadcast, which is likely wrong. Make "
                      "them the same shape.", stacklevel=3)
    return conversion.promote(input, target, op)


def _same_shape(input, target, op):
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"{op}: using a target size ({tuple(target.shape)}) that is different to the "
                         f"input size ({tuple(input.shape)}) is deprecated and refused; reshape the target")


# --------------------------------------------------------------------------------------- Functions
def _safe_log(xp, x):
    """``max(log(x), -100)`` without the warnings of log(0) (PyTorch's clamp in BCE)."""
    positive = x > 0
    out = xp.log(xp.where(positive, x, 1))
    return xp.maximum(xp.where(positive, out, -100), -100)


def _log_clamped(x):
    """``_safe_log`` written with ``Function.call`` (differentiable where the log is not clamped)."""
    a = x._array if isinstance(x, _fn.Tensor) else x
    positive = a > 0
    return Clamp.call(Where.call(positive, Log.call(Where.call(positive, x, 1.0)), -100.0), -100, None)


class BinaryCrossEntropy(Function):
    """``-(t log x + (1 - t) log(1 - x))`` elementwise, each log clamped at -100 (PyTorch's rule);
    the gradient with respect to x is ``(x - t) / max(x (1 - x), 1e-12)``."""

    @staticmethod
    def forward(ctx, x, t):
        xp = array_module(x)
        ctx.save_for_backward(x, t)
        return -(t * _safe_log(xp, x) + (1 - t) * _safe_log(xp, 1 - x))

    @staticmethod
    def backward(ctx, grad):
        x, t = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gx = grad * (x - t) / Clamp.call((1 - x) * x, 1e-12, None) if needs[0] else None
        gt = None
        if needs[1]:
            gt = grad * (_log_clamped(1 - x) - _log_clamped(x))
        return gx, gt


class BinaryCrossEntropyWithLogits(Function):
    """``(1 - t) x + (1 + (pos_weight - 1) t) * softplus(-x)`` elementwise (``pos_weight`` None: 1),
    stable for logits of any size."""

    @staticmethod
    def forward(ctx, x, t, pos_weight):
        xp = array_module(x)
        sp = _softplus_array(xp, -x)
        ctx.save_for_backward(x, t, pos_weight)
        if pos_weight is None:
            return (1 - t) * x + sp
        return (1 - t) * x + (1 + (pos_weight - 1) * t) * sp

    @staticmethod
    def backward(ctx, grad):
        x, t, pw = ctx.saved_tensors
        needs = ctx.needs_input_grad
        lw = 1 if pw is None else 1 + (pw - 1) * t
        gx = grad * ((1 - t) - lw * Sigmoid.call(-x)) if needs[0] else None
        sp = Softplus.call(-x, 1.0, math.inf) if (needs[1] and pw is not None) or needs[2] else None
        gt = None
        if needs[1]:
            gt = grad * -x if pw is None else grad * (-x + (pw - 1) * sp)
        gpw = grad * t * sp if needs[2] else None
        return gx, gt, gpw


# ---------------------------------------------------------------------------------------- functions
def _rows(t):
    """(C,), (N, C) or (N, C, d1, ...) -> (M, C): one row per prediction, classes last."""
    if t.ndim == 1:
        return _shape.reshape(t, (1, t.shape[0]))
    if t.ndim == 2:
        return t
    dims = (0,) + tuple(range(2, t.ndim)) + (1,)
    return _shape.reshape(_shape.permute(t, dims), (-1, t.shape[1]))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction='mean'):
    """Negative log-likelihood of log-probabilities ``input`` (N, C), (C,) or (N, C, d1, ...) at the
    integer class indices ``target`` (N,), () or (N, d1, ...): ``-weight[t] * input[i, t]``; 'mean'
    divides by the summed weights of the rows not equal to ``ignore_index``."""
    op = 'nll_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input = _as_float(input, op)
    if input.ndim == 0:
        raise ValueError(f"{op}: the input needs a class dimension, got a 0-d tensor")
    target = target if isinstance(target, _fn.Tensor) else conversion.as_tensor(target, device=input.device)
    if target._array.dtype.kind not in 'iu':
        raise RuntimeError(f"{op}: expected integer class indices as the target, got {target.dtype}; "
                           "convert with target.long()")
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    batch_shape = () if input.ndim == 1 else (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != batch_shape:
        raise ValueError(f"{op}: expected a target of shape {batch_shape} for an input of shape "
                         f"{tuple(input.shape)}, got {tuple(target.shape)}")
    labels = backend.to_device(target._array.reshape(-1).astype(backend.int64, copy=False), input.device)
    xp = array_module(labels)
    valid = labels != ignore_index
    bad = valid & ((labels < 0) | (labels >= classes))
    if bool(bad.any()):
        raise IndexError(f"{op}: target {int(labels[bad][0])} is out of bounds for {classes} classes; "
                         f"labels must be in [0, {classes}) (or ignore_index={ignore_index})")
    safe = xp.where(valid, labels, 0)
    rows = _rows(input)
    picked = rows[xp.arange(labels.shape[0]), safe]
    row_weight = valid.astype(input._array.dtype)
    if weight is not None:
        weight = _as_float(weight, op, 'weight', like=input)
        if tuple(weight.shape) != (classes,):
            raise RuntimeError(f"{op}: weight must have shape ({classes},), one per class, got "
                               f"{tuple(weight.shape)}")
        row_weight = row_weight * weight._array.astype(input._array.dtype, copy=False)[safe]
    loss = -picked * conversion.constant(row_weight)
    if reduction == 'none':
        return _shape.reshape(loss, batch_shape)
    total = _reduction.sum(loss)
    return total if reduction == 'sum' else total / conversion.constant(row_weight.sum())


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """``-weight * (t log x + (1 - t) log(1 - x))`` for probabilities ``input`` in [0, 1] and targets of
    the same shape; the logs are clamped at -100, as in PyTorch."""
    op = 'binary_cross_entropy'
    _check_reduction(reduction, size_average, reduce, op)
    input = _as_float(input, op)
    target = _as_float(target, op, 'target', like=input)
    _same_shape(input, target, op)
    input, target = conversion.promote(input, target, op)
    a = input._array
    if a.size and bool(((a < 0) | (a > 1)).any()):
        raise RuntimeError(f"{op}: all elements of input should be between 0 and 1 (probabilities); for "
                           "logits use binary_cross_entropy_with_logits")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _as_float(weight, op, 'weight', like=input)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction='mean', pos_weight=None):
    """Sigmoid and binary cross-entropy in one stable op: ``input`` are logits, ``target`` the same
    shape; ``pos_weight`` (broadcast along the last dimension, e.g. one per class) weighs the positive
    term, ``weight`` the whole loss."""
    op = 'binary_cross_entropy_with_logits'
    _check_reduction(reduction, size_average, reduce, op)
    input = _as_float(input, op)
    target = _as_float(target, op, 'target', like=input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"{op}: target size ({tuple(target.shape)}) must be the same as input size "
                         f"({tuple(input.shape)})")
    input, target = conversion.promote(input, target, op)
    if pos_weight is not None:
        pos_weight = _as_float(pos_weight, op, 'pos_weight', like=input)
        try:
            backend.broadcast_shapes(tuple(pos_weight.shape), tuple(input.shape))
        except ValueError:
            raise RuntimeError(f"{op}: pos_weight of shape {tuple(pos_weight.shape)} does not broadcast "
                               f"with the input of shape {tuple(input.shape)} (give one per class, the "
                               "last dimension)") from None
        pos_weight = conversion.cast(pos_weight, input.dtype) if pos_weight.dtype != input.dtype else pos_weight
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    if weight is not None:
        loss = loss * _as_float(weight, op, 'weight', like=input)
    return _reduce(loss, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """``|input - target|`` reduced (the gradient at 0 is 0, as PyTorch's sign)."""
    _check_reduction(reduction, size_average, reduce, 'l1_loss')
    input, target = _pair(input, target, 'l1_loss')
    return _reduce(_elementwise.abs(input - target), reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``beta=0``: the L1 loss)."""
    op = 'smooth_l1_loss'
    _check_reduction(reduction, size_average, reduce, op)
    if beta < 0:
        raise RuntimeError(f"{op}: beta must be non-negative, got {beta}")
    input, target = _pair(input, target, op)
    d = input - target
    ad = _elementwise.abs(d)
    if beta == 0:
        return _reduce(ad, reduction)
    quadratic = conversion.constant(ad._array < beta)
    return _reduce(_elementwise.where(quadratic, d * d * (0.5 / beta), ad - 0.5 * beta), reduction)


def huber_loss(input, target, reduction='mean', delta=1.0):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``."""
    op = 'huber_loss'
    _check_reduction(reduction, None, None, op)
    if delta <= 0:
        raise RuntimeError(f"{op}: delta must be positive, got {delta}")
    input, target = _pair(input, target, op)
    d = input - target
    ad = _elementwise.abs(d)
    quadratic = conversion.constant(ad._array < delta)
    return _reduce(_elementwise.where(quadratic, d * d * 0.5, (ad - 0.5 * delta) * delta), reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    """Kullback-Leibler divergence with ``input`` the log-probabilities: ``target * (log(target) -
    input)`` elementwise (0 where target is 0); ``log_target=True`` takes log-probabilities as target.
    ``reduction='batchmean'`` (the mathematically right one) divides the sum by ``input.size(0)``;
    'mean' divides by the number of elements (PyTorch's default, which it warns about)."""
    op = 'kl_div'
    _check_reduction(reduction, size_average, reduce, op, _REDUCTIONS + ('batchmean',))
    if reduction == 'mean':
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size and the "
                      "support size; 'batchmean' divides only by the batch size, and aligns with the KL "
                      "divergence's definition (PyTorch gives the same warning)", stacklevel=2)
    input, target = _pair(input, target, op, warn=False)
    if log_target:
        loss = _elementwise.exp(target) * (target - input)
    else:
        t = target._array
        positive = conversion.constant(t > 0)
        safe = _elementwise.where(positive, target, conversion.constant(array_module(t).ones((), dtype=t.dtype)))
        loss = _elementwise.where(positive, target * _elementwise.log(safe), 0.0 * target) - target * input
    if reduction == 'batchmean':
        total = _reduction.sum(loss)
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction='mean'):
    """``max(0, -target * (input1 - input2) + margin)``, target of 1 or -1."""
    op = 'margin_ranking_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input1 = _as_float(input1, op, 'input1')
    input2 = _as_float(input2, op, 'input2', like=input1)
    target = _as_float(target, op, 'target', like=input1)
    return _reduce(_elementwise.clamp(-target * (input1 - input2) + margin, min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'):
    """``x`` where target is 1, ``max(0, margin - x)`` where target is -1."""
    op = 'hinge_embedding_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input = _as_float(input, op)
    t = target._array if isinstance(target, _fn.Tensor) else conversion.as_tensor(target)._array
    zero = 0.0 * input
    margin_part = _elementwise.where(conversion.constant(t != 1), _elementwise.clamp(margin - input, min=0), zero)
    self_part = _elementwise.where(conversion.constant(t != -1), input, zero)
    return _reduce(margin_part + self_part, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """``log(1 + exp(-target * input))``, target of 1 or -1."""
    op = 'soft_margin_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input, target = _pair(input, target, op)
    return _reduce(Softplus.apply(-target * input, 1.0, math.inf), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction='mean'):
    """``1 - cos(x1, x2)`` where target is 1, ``max(0, cos(x1, x2) - margin)`` where it is -1; inputs
    (N, D) or (D,), target (N,) or ()."""
    from .distance import _cosine_for_embedding_loss
    op = 'cosine_embedding_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input1 = _as_float(input1, op, 'input1')
    input2 = _as_float(input2, op, 'input2', like=input1)
    if input1.ndim not in (1, 2) or tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(f"{op}: expected two inputs of one shape, (N, D) or (D,), got "
                           f"{tuple(input1.shape)} and {tuple(input2.shape)}")
    cos = _cosine_for_embedding_loss(input1, input2)
    t = target._array if isinstance(target, _fn.Tensor) else conversion.as_tensor(target)._array
    zero = 0.0 * cos
    pos = _elementwise.where(conversion.constant(t == 1), 1 - cos, zero)
    neg = _elementwise.where(conversion.constant(t == -1), _elementwise.clamp(cos - margin, min=0), zero)
    return _reduce(pos + neg, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction='mean'):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with d the pairwise p-norm distance; ``swap`` uses
    ``min(d(a, n), d(p, n))`` as the negative distance."""
    from .distance import pairwise_distance
    op = 'triplet_margin_loss'
    _check_reduction(reduction, size_average, reduce, op)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _elementwise.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(_elementwise.clamp(margin + d_pos - d_neg, min=0), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08,
                     reduce=None, reduction='mean'):
    """Poisson negative log-likelihood: ``exp(input) - target * input`` (``log_input=True``) or
    ``input - target * log(input + eps)``; ``full`` adds Stirling's term for targets above 1."""
    op = 'poisson_nll_loss'
    _check_reduction(reduction, size_average, reduce, op)
    input, target = _pair(input, target, op, warn=False)
    if log_input:
        loss = _elementwise.exp(input) - target * input
    else:
        loss = input - target * _elementwise.log(input + eps)
    if full:
        t = target._array
        above = conversion.constant(t > 1)
        safe = _elementwise.where(above, target, 1.0 + 0.0 * target)
        stirling = safe * _elementwise.log(safe) - safe + 0.5 * _elementwise.log(2 * math.pi * safe)
        loss = loss + _elementwise.where(above, stirling, 0.0 * target)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction='mean'):
    """``0.5 (log(var) + (input - target)^2 / var)`` (+ ``0.5 log(2 pi)`` if ``full``), ``var``
    clamped below at ``eps`` without changing its gradient (as PyTorch)."""
    op = 'gaussian_nll_loss'
    _check_reduction(reduction, None, None, op)
    input, target = _pair(input, target, op, warn=False)
    var = _as_float(var, op, 'var', like=input)
    if var.ndim < input.ndim and tuple(var.shape) == tuple(input.shape[:-1]):
        var = _shape.unsqueeze(var, -1)  # one variance per sample, as PyTorch allows
    v = var._array
    if bool((v < 0).any()):
        raise ValueError(f"{op}: var has negative entry/entries")
    xp = array_module(v)
    var = var + conversion.constant(xp.maximum(v, eps) - v)
    loss = 0.5 * (_elementwise.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
