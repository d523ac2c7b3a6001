"""Categorical: one index in [0, K) per draw, from probabilities (or logits) over the last dimension."""
from .. import factories
from ..backend import array_module
from ..conversion import constant
from ..functions.activation import log_softmax
from ..functions.sparse import one_hot
from .distribution import Distribution, as_param, sizes


def probs_and_logits(probs, logits, cls):
    if (probs is None) == (logits is None):
        raise ValueError(f"{cls}: give either probs or logits, not both (nor neither)")
    if probs is not None:
        probs = as_param(probs, 'probs', cls)
        if probs.dim() < 1:
            raise ValueError(f"{cls}: probs must have at least one dimension (the categories)")
        probs = probs / probs.sum(-1, keepdim=True)
        return probs, probs.clamp(min=_tiny(probs)).log()
    logits = as_param(logits, 'logits', cls)
    if logits.dim() < 1:
        raise ValueError(f"{cls}: logits must have at least one dimension (the categories)")
    logits = log_softmax(logits, dim=-1)
    return logits.exp(), logits


def _tiny(t):
    import minigrad
    return minigrad.finfo(t.dtype).tiny


def draw_indices(probs, shape):
    """Category indices of shape ``shape + probs.shape[:-1]`` (inverse-CDF sampling, any device)."""
    p = probs.detach()._array
    xp = array_module(p)
    cdf = xp.cumsum(p, axis=-1)
    u = factories.rand(*(tuple(shape) + tuple(p.shape[:-1]) + (1,)), dtype=probs.dtype, device=probs.device)._array
    idx = (u * cdf[..., -1:] >= cdf).sum(axis=-1)
    return xp.minimum(idx, p.shape[-1] - 1).astype(xp.int64)


class Categorical(Distribution):
    arg_names = ('probs',)

    def __init__(self, probs=None, logits=None, validate_args=None):
        self.probs, self.logits = probs_and_logits(probs, logits, 'Categorical')
        self._num_events = self.probs.shape[-1]
        super().__init__(tuple(self.probs.shape[:-1]), ())

    @property
    def param_shape(self):
        return self.probs.shape

    @property
    def mean(self):
        return factories.full(tuple(self.batch_shape), float('nan'), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    def _sample(self, sample_shape=()):
        return constant(draw_indices(self.probs, sizes(sample_shape, 'Categorical')))

    def log_prob(self, value):
        return (one_hot(value.long(), self._num_events).to(self.logits.dtype) * self.logits).sum(-1)

    def entropy(self):
        return -(self.probs * self.logits).sum(-1)

    def enumerate_support(self, expand=True):
        values = factories.arange(self._num_events).view((-1,) + (1,) * len(self.batch_shape))
        return values.expand((-1,) + tuple(self.batch_shape)) if expand else values
