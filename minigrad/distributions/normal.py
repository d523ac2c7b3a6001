"""Normal (Gaussian) with ``loc`` and ``scale``; ``rsample`` keeps gradients (reparameterised)."""
import math

from .. import factories
from .distribution import Distribution, as_param, sizes


class Normal(Distribution):
    arg_names = ('loc', 'scale')
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        loc, scale = as_param(loc, 'loc', 'Normal'), as_param(scale, 'scale', 'Normal')
        self.loc, self.scale = loc + 0 * scale, scale + 0 * loc  # broadcast to one batch shape
        super().__init__(tuple(self.loc.shape), ())

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape=()):
        shape = sizes(sample_shape, 'Normal') + tuple(self.batch_shape)
        eps = factories.randn(*shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        return -((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    def cdf(self, value):
        return 0.5 * (1 + ((value - self.loc) / (self.scale * math.sqrt(2))).erf())
