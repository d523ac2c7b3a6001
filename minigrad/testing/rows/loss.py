"""Rows of the loss family (``nn.functional``'s fused losses): mse_loss and cross_entropy with class
indices (ignore_index, label smoothing, class weights, spatial inputs) and with class probabilities."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec

_REDUCTIONS = st.sampled_from(['mean', 'sum', 'none'])


@st.composite
def mse_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)), draw(mgst.arrays(shape))), {'reduction': draw(_REDUCTIONS)})


def _np_mse(input, target, reduction):
    return _np_reduce((input - target) ** 2, reduction, (input - target).size)


def _np_reduce(per_element, reduction, divisor):
    if reduction == 'none':
        return per_element
    total = per_element.sum()
    return total if reduction == 'sum' else total / divisor


@st.composite
def cross_entropy_case(draw, probabilities=False):
    """Logits (N, C) or (N, C, d) and class indices (N,) / (N, d), or class probabilities shaped like
    the logits; options drawn among ignore_index, label_smoothing, weight and reduction."""
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    spatial = (draw(st.integers(1, 3)),) if draw(st.booleans()) else ()
    logits = draw(mgst.arrays((n, c) + spatial))
    kwargs = {'reduction': draw(_REDUCTIONS), 'label_smoothing': draw(st.sampled_from([0.0, 0.1]))}
    if probabilities:
        p = draw(mgst.arrays((n, c) + spatial, domain='positive'))
        return Case((logits, p / p.sum(axis=1, keepdims=True)), kwargs)
    target = numpy.asarray([draw(st.integers(0, c - 1)) for _ in range(n * (spatial[0] if spatial else 1))],
                           dtype=numpy.int64).reshape((n,) + spatial)
    if draw(st.booleans()):
        kwargs['ignore_index'] = int(target.flat[0])
        if (target == kwargs['ignore_index']).all() and kwargs['reduction'] == 'mean':
            del kwargs['ignore_index']  # every row ignored: the mean is 0/0
    if draw(st.booleans()):
        kwargs['weight'] = draw(mgst.arrays((c,), domain='positive'))
    return Case((logits, target), kwargs)


def _cross_entropy(m, logits, target, weight=None, **kwargs):
    if weight is not None:
        weight = m.tensor(weight, dtype=logits.dtype, device=logits.device)
    return m.nn.functional.cross_entropy(logits, target, weight=weight, **kwargs)


def _np_cross_entropy(logits, target, weight=None, ignore_index=-100, label_smoothing=0.0, reduction='mean'):
    """PyTorch's formula: rows are the positions (N, or N * d), classes the second dimension."""
    c = logits.shape[1]
    rows = numpy.moveaxis(logits, 1, -1).reshape(-1, c)
    z = rows - rows.max(axis=1, keepdims=True)
    log_p = z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))
    w = numpy.ones(c, dtype=logits.dtype) if weight is None else weight.astype(logits.dtype)
    if target.dtype.kind == 'f':
        t = numpy.moveaxis(target, 1, -1).reshape(-1, c)
        t = t * (1 - label_smoothing) + label_smoothing / c
        per_row = -(t * w * log_p).sum(axis=1)
        divisor = per_row.shape[0]
    else:
        y = target.reshape(-1)
        keep = y != ignore_index
        safe = numpy.where(keep, y, 0)
        nll = -log_p[numpy.arange(len(y)), safe] * w[safe]
        smooth = -(log_p * w).sum(axis=1) / c
        per_row = ((1 - label_smoothing) * nll + label_smoothing * smooth) * keep
        divisor = (w[safe] * keep).sum()
    if reduction == 'none':
        return per_row.reshape(target.shape if target.dtype.kind != 'f' else
                               (logits.shape[0],) + logits.shape[2:])
    return _np_reduce(per_row, reduction, divisor)


ROWS = [
    OpSpec('mse_loss', lambda m, a, b, reduction: m.nn.functional.mse_loss(a, b, reduction=reduction),
           _np_mse, mse_case(), second_order=True),
    OpSpec('cross_entropy', _cross_entropy, _np_cross_entropy, cross_entropy_case(), second_order=True),
    OpSpec('cross_entropy.probabilities', _cross_entropy, _np_cross_entropy,
           cross_entropy_case(probabilities=True), second_order=True),
]
