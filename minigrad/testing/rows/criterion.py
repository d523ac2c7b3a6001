"""Op-table rows: the losses of functions/criterion.py (reductions drawn; probabilities kept inside
(0, 1); class indices in kwargs)."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec

REDUCTIONS = st.sampled_from(['mean', 'sum', 'none'])


def _reduce(loss, reduction):
    if reduction == 'none':
        return loss
    return numpy.asarray(loss.sum() if reduction == 'sum' else loss.mean(), dtype=loss.dtype)


@st.composite
def pair_case(draw, domain_a='real', domain_b='real', scale_a=1.0):
    shape = draw(mgst.shapes())
    a = numpy.asarray(draw(mgst.arrays(shape, domain=domain_a)) * scale_a)
    b = numpy.asarray(draw(mgst.arrays(shape, domain=domain_b)))
    return Case((a, b), {'reduction': draw(REDUCTIONS)})


@st.composite
def nll_case(draw):
    n, c = draw(st.integers(1, 4)), draw(st.integers(2, 4))
    x = draw(mgst.arrays((n, c)))
    target = numpy.asarray(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)), dtype=numpy.int64)
    return Case((x,), {'target': target, 'reduction': draw(REDUCTIONS),
                       'ignore_index': draw(st.sampled_from([-100, 0]))})


def _np_nll(x, target, reduction, ignore_index):
    valid = target != ignore_index
    loss = numpy.where(valid, -x[numpy.arange(len(target)), numpy.where(valid, target, 0)], 0).astype(x.dtype)
    if reduction == 'mean':
        return numpy.asarray(loss.sum() / valid.sum(), dtype=x.dtype)
    return _reduce(loss, reduction)


def _np_bce(x, t, reduction):
    return _reduce(-(t * numpy.log(x) + (1 - t) * numpy.log(1 - x)), reduction)


def _softplus(z):
    return numpy.maximum(z, 0) + numpy.log1p(numpy.exp(-numpy.abs(z)))


def _np_bce_logits(x, t, reduction):
    return _reduce((1 - t) * x + _softplus(-x), reduction)


def _np_smooth_l1(x, t, reduction, beta=0.5):
    d = numpy.abs(x - t)
    return _reduce(numpy.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _np_huber(x, t, reduction, delta=0.5):
    d = numpy.abs(x - t)
    return _reduce(numpy.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _np_kl(x, t, reduction):
    loss = t * (numpy.log(t) - x)
    if reduction == 'batchmean':
        return numpy.asarray(loss.sum() / (x.shape[0] if x.ndim else 1), dtype=x.dtype)
    return _reduce(loss, reduction)


@st.composite
def kl_case(draw):
    case = draw(pair_case('real', 'positive'))  # 'mean' (which PyTorch warns about) is tested elsewhere
    return Case(case.arrays, {'reduction': draw(st.sampled_from(['sum', 'none', 'batchmean']))})


ROWS = [
    OpSpec('nll_loss', lambda m, x, target, reduction, ignore_index: m.nn.functional.nll_loss(
        x, m.tensor(target), ignore_index=ignore_index, reduction=reduction),
        _np_nll, nll_case().filter(lambda c: c.kwargs['reduction'] != 'mean' or
                                   bool((c.kwargs['target'] != c.kwargs['ignore_index']).any())),
        second_order=True),
    OpSpec('binary_cross_entropy', lambda m, x, t, reduction: m.nn.functional.binary_cross_entropy(
        x, t, reduction=reduction), _np_bce, pair_case('positive', 'positive', 0.3).map(
            lambda c: Case((c.arrays[0], numpy.asarray(c.arrays[1] / 3.1)), c.kwargs)), second_order=True),
    OpSpec('binary_cross_entropy_with_logits', lambda m, x, t, reduction:
           m.nn.functional.binary_cross_entropy_with_logits(x, t, reduction=reduction), _np_bce_logits,
           pair_case().map(lambda c: Case((c.arrays[0], numpy.asarray((c.arrays[1] + 3) / 6.1)), c.kwargs)),
           second_order=True),
    OpSpec('l1_loss', lambda m, x, t, reduction: m.nn.functional.l1_loss(x, t, reduction=reduction),
           lambda x, t, reduction: _reduce(numpy.abs(x - t), reduction),
           pair_case().filter(lambda c: numpy.all(numpy.abs(c.arrays[0] - c.arrays[1]) > 0.05))),
    OpSpec('smooth_l1_loss', lambda m, x, t, reduction: m.nn.functional.smooth_l1_loss(
        x, t, reduction=reduction, beta=0.5), _np_smooth_l1, pair_case()),
    OpSpec('huber_loss', lambda m, x, t, reduction: m.nn.functional.huber_loss(
        x, t, reduction=reduction, delta=0.5), _np_huber, pair_case()),
    OpSpec('kl_div', lambda m, x, t, reduction: m.nn.functional.kl_div(x, t, reduction=reduction),
           _np_kl, kl_case(), second_order=True),
]
