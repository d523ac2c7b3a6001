"""Stateless versions of the layers and losses (``torch.nn.functional``)::

    from minigrad.nn import functional as F
    h = F.relu(F.linear(X, W1, b1))                 # X: (N, 784), W1: (256, 784) -> h: (N, 256)
    loss = F.cross_entropy(F.linear(h, W2, b2), y)  # y: (N,) integer labels in [0, 10)
"""
import warnings

from .. import backend, conversion
from ..functions import activation, linalg, shape
from ..tensor import Tensor
from ..functions.elementwise import Mul
from ..functions.loss import MSE, CrossEntropy
from ..functions.activation import Relu

_REDUCTIONS = ('mean', 'sum', 'none')


# ----------------------------------------------------------------------------------------- layers
def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: input (..., in), weight (out, in), bias (out,) -> (..., out)."""
    return linalg.linear(input, weight, bias)


def relu(input, inplace=False):
    """``max(x, 0)``; the gradient at 0 is 0. ``inplace=True`` overwrites ``input``."""
    if inplace:
        return input._inplace(Relu)
    return activation.relu(input)


def sigmoid(input):
    return activation.sigmoid(input)


def tanh(input):
    return activation.tanh(input)


def softmax(input, dim=None, dtype=None):
    """Normalised exponentials along ``dim`` (required: e.g. ``dim=1`` for logits of shape (N, C))."""
    return activation.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, dtype=None):
    """``log(softmax(x))`` computed stably (shifted by the maximum) along ``dim``."""
    return activation.log_softmax(input, dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale the rest by
    ``1 / (1 - p)``, so that evaluation (``training=False``) is the identity. The mask comes from the
    generator seeded by ``minigrad.manual_seed``."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    array = input._array
    xp = backend.array_module(array)
    if p == 1:
        mask = xp.zeros(array.shape, dtype=array.dtype)
    else:
        keep = backend.random_uniform(array.shape, 0.0, 1.0, array.dtype, input.device) >= p
        mask = keep.astype(array.dtype)
        mask *= 1.0 / (1.0 - p)
    if inplace:
        return input._inplace(Mul, mask)
    return Mul.apply(input, mask)


# ----------------------------------------------------------------------------------------- losses
def _check_reduction(reduction, size_average, reduce, op):
    if size_average is not None or reduce is not None:
        raise TypeError(f"{op}: size_average and reduce are deprecated in PyTorch and not supported; "
                        "use reduction='mean' | 'sum' | 'none'")
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Mean squared error ``mean((input - target) ** 2)`` (or summed, or elementwise with 'none').

    ``input`` and ``target`` should have the same shape; different shapes broadcast (with a warning,
    as PyTorch), which is usually a bug: (N, 1) against (N,) gives an (N, N) difference.

    The seed's squared loss ``(y_hat - y) ** 2 / 2`` is ``mse_loss(y_hat, y) / 2``.
    """
    _check_reduction(reduction, size_average, reduce, 'mse_loss')
    input = conversion.as_tensor(input)
    if not isinstance(target, Tensor):
        target = conversion.as_tensor(target, device=input.device)
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"mse_loss: target size {tuple(target.shape)} differs from input size "
                      f"{tuple(input.shape)}; they will be broadcast, which is likely wrong. Make them the "
                      "same shape (e.g. y.reshape(y_hat.shape)).", stacklevel=2)
    input, target = conversion.promote(input, target, 'mse_loss')
    if input._array.dtype.kind != 'f':
        input = conversion.cast(input, backend.get_default_dtype())
        target = conversion.cast(conversion.as_tensor(target), input.dtype)
    return MSE.apply(input, target, reduction)


def _rows(t):
    """Logits-shaped (C,), (N, C) or (N, C, d1, ...) -> (M, C): one row per prediction, classes last."""
    if t.ndim == 1:
        return shape.reshape(t, 1, t.shape[0])
    if t.ndim == 2:
        return t
    dims = (0,) + tuple(range(2, t.ndim)) + (1,)
    return shape.reshape(shape.permute(t, dims), -1, t.shape[1])


def _class_weights(weight, classes, like):
    if weight is None:
        return None
    array = weight._array if isinstance(weight, Tensor) else \
        backend.array_module(like._array).asarray(weight)
    if array.shape != (classes,):
        raise ValueError(f"cross_entropy: weight must have shape ({classes},), one per class, got "
                         f"{tuple(array.shape)}")
    return backend.to_device(array, like.device).astype(like.dtype, copy=False)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction='mean', label_smoothing=0.0):
    """Softmax cross-entropy between logits and targets, computed through a stable log-softmax (finite
    for logits of any size).

    Shapes, as PyTorch: ``input`` (N, C), (C,) or (N, C, d1, ...); ``target`` either integer class
    indices (N,), () or (N, d1, ...) in [0, C), or class probabilities shaped like ``input``.
    ``weight`` (C,) rescales each class; rows whose label is ``ignore_index`` count for nothing;
    ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution.

    >>> logits = minigrad.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    >>> F.cross_entropy(logits, minigrad.tensor([0]))
    tensor(0.2413, grad_fn=<CrossEntropyBackward>)
    """
    _check_reduction(reduction, size_average, reduce, 'cross_entropy')
    input = conversion.as_tensor(input)
    if input._array.dtype.kind != 'f':
        raise TypeError(f"cross_entropy: the logits must be floating point, got {input.dtype}")
    if input.ndim == 0:
        raise ValueError("cross_entropy: the logits need a class dimension, got a 0-d tensor")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    target = target if isinstance(target, Tensor) else conversion.as_tensor(target, device=input.device)
    classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    batch_shape = () if input.ndim == 1 else (input.shape[0],) + tuple(input.shape[2:])
    logits = _rows(input)
    weight = _class_weights(weight, classes, input)
    if target._array.dtype.kind in 'iu':
        if tuple(target.shape) != batch_shape:
            raise ValueError(f"cross_entropy: class-index target of shape {tuple(target.shape)} does not "
                             f"match the logits of shape {tuple(input.shape)}: expected {batch_shape}, "
                             "the logits' shape without the class dimension")
        labels = backend.to_device(target._array.reshape(-1).astype(backend.int64, copy=False),
                                   input.device)
        coef, divisor = _index_coefficients(labels, classes, weight, ignore_index, label_smoothing,
                                            input.dtype)
    else:
        if tuple(target.shape) != tuple(input.shape):
            raise ValueError(f"cross_entropy: a probability target must have the logits' shape "
                             f"{tuple(input.shape)}, got {tuple(target.shape)}; for class labels use an "
                             "integer tensor (target.long())")
        coef = _rows(conversion.cast(target, input.dtype))
        if label_smoothing:
            coef = coef * (1.0 - label_smoothing) + label_smoothing / classes
        if weight is not None:
            coef = coef * weight
        divisor = logits.shape[0]
    loss = CrossEntropy.apply(logits, coef, divisor, reduction)
    if reduction == 'none':
        loss = shape.reshape(loss, batch_shape)
    return loss


def _index_coefficients(labels, classes, weight, ignore_index, smoothing, dtype):
    """The target of ``CrossEntropy`` for integer labels: the labels themselves in the common case,
    else the (M, C) coefficient matrix that folds in class weights, ignored rows and smoothing (the
    formula of PyTorch's cross_entropy), and the divisor of the mean."""
    xp = backend.array_module(labels)
    if labels.size and weight is None and not smoothing:
        low, high = int(labels.min()), int(labels.max())  # the common case in two reductions
        if 0 <= low and high < classes and not low <= ignore_index <= high:
            return labels, labels.shape[0]
    valid = labels != ignore_index
    bad = valid & ((labels < 0) | (labels >= classes))
    if bad.any():
        first = int(labels[bad][0])
        raise IndexError(f"cross_entropy: target label {first} is out of range for {classes} classes; "
                         f"labels must be integers in [0, {classes}) (or ignore_index={ignore_index})")
    if weight is None and not smoothing and bool(valid.all()):
        return labels, labels.shape[0]
    rows = xp.arange(labels.shape[0])
    safe = xp.where(valid, labels, 0)
    row_weight = (weight[safe] if weight is not None else xp.ones(labels.shape, dtype=dtype)) * valid
    coef = xp.zeros((labels.shape[0], classes), dtype=dtype)
    coef[rows, safe] = (1.0 - smoothing) * row_weight
    if smoothing:
        per_class = weight if weight is not None else xp.ones(classes, dtype=dtype)
        coef += (smoothing / classes) * per_class * valid[:, None].astype(dtype)
    return coef, row_weight.sum()


# ------------------------------------------------------------------- normalisation, activations, more
from ..functions.normalization import (batch_norm, group_norm, instance_norm, layer_norm,  # noqa: E402
                                      rms_norm)
from ..functions.nonlinearity import (celu, elu, gelu, glu, hardshrink, hardsigmoid, hardswish,  # noqa
                                      hardtanh, leaky_relu, logsigmoid, mish, prelu, relu6, selu, silu,
                                      softmin, softplus, softshrink, softsign, tanhshrink, threshold)
from ..functions.criterion import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa
                                   cosine_embedding_loss, gaussian_nll_loss, hinge_embedding_loss,
                                   huber_loss, kl_div, l1_loss, margin_ranking_loss, nll_loss,
                                   poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
                                   triplet_margin_loss)
from ..functions.distance import cosine_similarity, normalize, pairwise_distance, pdist  # noqa: E402
from ..functions.sparse import embedding, one_hot  # noqa: E402

# ------------------------------------------------------------------ convolution, pooling, resampling
from ..functions.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d  # noqa: E402,F401
from ..functions.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d,  # noqa: E402,F401
                                 adaptive_max_pool2d, avg_pool1d, avg_pool2d, dropout2d, interpolate,
                                 max_pool1d, max_pool2d, pad, upsample)
