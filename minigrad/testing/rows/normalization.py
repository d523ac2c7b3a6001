"""Op-table rows: batch_norm (training), layer_norm, group_norm, instance_norm."""
import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


def _normalise(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / numpy.sqrt(var + eps)


def _channel(p, ndim):
    return p.reshape((-1,) + (1,) * (ndim - 2))


@st.composite
def channels_case(draw, min_dims=2, groups=False):
    """Distinct values (no zero variance) of shape (N>=2, C, *), with per-channel weight and bias."""
    n = draw(st.integers(2, 3))
    c = draw(st.sampled_from([2, 4])) if groups else draw(st.integers(1, 3))
    rest = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims - 2, max_size=2)))
    x, w, b = draw(mgst.distinct_arrays((n, c) + rest, (c,), (c,), spacing=0.25, offset=0.125))
    kwargs = {'eps': draw(st.sampled_from([1e-5, 0.1]))}
    if groups:
        kwargs['num_groups'] = draw(st.sampled_from([1, 2]))
    return Case((x, w, b), kwargs)


@st.composite
def layer_case(draw):
    shape = tuple(draw(st.lists(st.integers(2, 4), min_size=1, max_size=3)))
    k = draw(st.integers(1, len(shape)))
    normalized = shape[len(shape) - k:]
    x, w, b = draw(mgst.distinct_arrays(shape, normalized, normalized, offset=0.125))
    return Case((x, w, b), {'normalized_shape': normalized, 'eps': draw(st.sampled_from([1e-5, 0.1]))})


def _np_batch_norm(x, w, b, eps):
    axes = (0,) + tuple(range(2, x.ndim))
    return _normalise(x, axes, eps) * _channel(w, x.ndim) + _channel(b, x.ndim)


def _np_layer_norm(x, w, b, normalized_shape, eps):
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    return _normalise(x, axes, eps) * w + b


def _np_group_norm(x, w, b, num_groups, eps):
    n, c = x.shape[:2]
    g = _normalise(x.reshape(n, num_groups, -1), (2,), eps).reshape(x.shape)
    return g * _channel(w, x.ndim) + _channel(b, x.ndim)


def _np_instance_norm(x, w, b, eps):
    return _normalise(x, tuple(range(2, x.ndim)), eps) * _channel(w, x.ndim) + _channel(b, x.ndim)


def _np_rms_norm(x, w, normalized_shape, eps):
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    return x / numpy.sqrt((x * x).mean(axis=axes, keepdims=True) + eps) * w


ROWS = [
    OpSpec('batch_norm', lambda m, x, w, b, eps: m.nn.functional.batch_norm(x, None, None, w, b, True, 0.1, eps),
           _np_batch_norm, channels_case(), second_order=True),
    OpSpec('layer_norm', lambda m, x, w, b, normalized_shape, eps:
           m.nn.functional.layer_norm(x, normalized_shape, w, b, eps), _np_layer_norm, layer_case(),
           second_order=True),
    OpSpec('rms_norm', lambda m, x, w, normalized_shape, eps:
           m.nn.functional.rms_norm(x, normalized_shape, w, eps), _np_rms_norm,
           layer_case().map(lambda c: Case(c.arrays[:2], c.kwargs)), second_order=True),
    OpSpec('group_norm', lambda m, x, w, b, num_groups, eps:
           m.nn.functional.group_norm(x, num_groups, w, b, eps), _np_group_norm,
           channels_case(groups=True), second_order=True),
    OpSpec('instance_norm', lambda m, x, w, b, eps:
           m.nn.functional.instance_norm(x, weight=w, bias=b, eps=eps), _np_instance_norm,
           channels_case(min_dims=3).filter(lambda c: numpy.prod(c.arrays[0].shape[2:]) > 1)),
]
