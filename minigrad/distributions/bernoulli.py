"""Bernoulli: 1.0 with probability ``probs`` (or ``sigmoid(logits)``), else 0.0."""
from .. import factories
from ..conversion import constant
from ..functions.criterion import binary_cross_entropy_with_logits
from .distribution import Distribution, as_param, sizes


class Bernoulli(Distribution):
    arg_names = ('probs',)

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Bernoulli: give either probs or logits, not both (nor neither)")
        if probs is not None:
            self.probs = as_param(probs, 'probs', 'Bernoulli')
            eps = 1.1920928955078125e-07 if self.probs.dtype.itemsize == 4 else 2.220446049250313e-16
            p = self.probs.clamp(eps, 1 - eps)
            self.logits = p.log() - (1 - p).log()
        else:
            self.logits = as_param(logits, 'logits', 'Bernoulli')
            self.probs = self.logits.sigmoid()
        super().__init__(tuple(self.probs.shape), ())

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def _sample(self, sample_shape=()):
        shape = sizes(sample_shape, 'Bernoulli') + tuple(self.batch_shape)
        u = factories.rand(*shape, dtype=self.probs.dtype, device=self.probs.device)
        return constant((u._array < self.probs.detach()._array).astype(u._array.dtype))

    def log_prob(self, value):
        logits = self.logits + 0 * value
        return -binary_cross_entropy_with_logits(logits, (value + 0 * logits).to(logits.dtype), reduction='none')

    def entropy(self):
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")
