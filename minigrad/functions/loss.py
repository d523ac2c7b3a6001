"""Fused losses: mean squared error and softmax cross-entropy, one graph node each.

A loss written with plain ops takes 3-6 nodes and as many temporaries; these take one node, which keeps
the training step of a small model close to a hand-written NumPy loop. Both backwards are written with
operators and ``Function.call`` so that ``create_graph=True`` (second derivatives) still works.

Argument checking and the reshaping of PyTorch's many input layouts live in ``nn.functional``; the
Functions here see the plain cases only.
"""
from ..autograd.function import Function, tangent_sum
from ..backend import array_module
from .activation import LogSoftmax, Softmax, log_softmax_array


def _reduce(per_element, reduction, divisor):
    if reduction == 'none':
        return per_element
    total = per_element.sum()
    return total if reduction == 'sum' else total / divisor


def _grad_scale(grad, reduction, divisor):
    """The factor each element's gradient gets from the reduction."""
    if reduction == 'mean':
        return grad / divisor
    return grad


class MSE(Function):
    """``(input - target) ** 2`` reduced by ``reduction`` ('mean', 'sum' or 'none'). ``input`` and
    ``target`` broadcast together; both may require grad."""
    torch_name = 'MseLossBackward0'

    @staticmethod
    def forward(ctx, input, target, reduction):
        diff = input - target
        ctx.save_for_backward(input, target)
        ctx.reduction, ctx.count = reduction, diff.size
        diff *= diff
        return _reduce(diff, reduction, diff.size)

    @staticmethod
    def backward(ctx, grad):
        input, target = ctx.saved_tensors
        # Recomputing the difference (instead of saving it) keeps it a function of the inputs, which
        # create_graph needs; it costs one subtraction.
        d = (input - target) * (_grad_scale(grad, ctx.reduction, ctx.count) * 2)
        return d, (-d if ctx.needs_input_grad[1] else None), None

    @staticmethod
    def jvp(ctx, ti, tt, _):
        input, target = ctx.inputs[:2]
        d = tangent_sum(ti, tt if tt is None else -tt) * (2 * (input - target))
        return _reduce(d, ctx.reduction, ctx.count)


class CrossEntropy(Function):
    """Softmax cross-entropy of ``logits`` (M, C) against either

    - ``target`` of integer class indices (M,), every one in [0, C): the loss of row i is
      ``-log_softmax(logits)[i, target[i]]``; or
    - ``target`` of float coefficients (M, C) (class probabilities, possibly smoothed, weighted or
      zeroed for ignored rows): the loss of row i is ``-sum_c target[i, c] * log_softmax(logits)[i, c]``,

    reduced by ``reduction``, with 'mean' dividing by ``divisor``. The gradient with respect to the
    logits is ``(softmax * sum_c target[i, c] - target) * g / divisor`` (for indices: softmax minus the
    one-hot row); coefficients that require grad get ``-log_softmax * g / divisor``.
    """
    torch_name = 'NllLossBackward0'

    @staticmethod
    def forward(ctx, logits, target, divisor, reduction):
        xp = array_module(logits)
        log_probs = log_softmax_array(logits, 1)
        if target.dtype.kind in 'iu':
            per_row = -log_probs[xp.arange(target.shape[0]), target]
            ctx.indices = target
            ctx.save_for_backward(logits)
        else:
            per_row = -(target * log_probs).sum(axis=1)
            ctx.indices = None
            ctx.save_for_backward(logits, target)
        ctx.divisor, ctx.reduction = divisor, reduction
        return _reduce(per_row, reduction, divisor)

    @staticmethod
    def backward(ctx, grad):
        logits = ctx.saved_tensors[0]
        scale = _grad_scale(grad, ctx.reduction, ctx.divisor)
        if ctx.reduction == 'none':
            scale = scale.reshape(-1, 1)
        probs = Softmax.call(logits, 1)
        if ctx.indices is not None:
            xp = array_module(ctx.indices)
            onehot = xp.zeros(logits.shape, dtype=logits.dtype)
            onehot[xp.arange(onehot.shape[0]), ctx.indices] = 1
            return (probs - onehot) * scale, None, None, None
        target = ctx.saved_tensors[1]
        grad_logits = (probs * target.sum(axis=1, keepdims=True) - target) * scale
        grad_target = -LogSoftmax.call(logits, 1) * scale if ctx.needs_input_grad[1] else None
        return grad_logits, grad_target, None, None

    @staticmethod
    def jvp(ctx, tl, tt, *_):
        logits, target = ctx.inputs[:2]
        xp = array_module(logits)
        rows = None
        if tl is not None:
            dlog = tl - (tl * Softmax.call(logits, 1)).sum(axis=1, keepdims=True)   # tangent of log_softmax
            if ctx.indices is not None:
                rows = -dlog[xp.arange(target.shape[0]), ctx.indices]
            else:
                rows = -(dlog * target).sum(axis=1)
        if tt is not None:
            rows = tangent_sum(rows, -(tt * LogSoftmax.call(logits, 1)).sum(axis=1))
        return _reduce(rows, ctx.reduction, ctx.divisor)


# The public forms (argument checks, PyTorch's input layouts) are nn.functional's mse_loss and
# cross_entropy; minigrad has no top-level loss functions, as torch has none.
__all__ = []
METHODS = {}
