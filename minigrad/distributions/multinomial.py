"""Multinomial: counts of ``total_count`` categorical draws, one count per category (float, as PyTorch)."""
import math

from ..backend import array_module
from ..conversion import constant
from .categorical import draw_indices, probs_and_logits
from .distribution import Distribution, sizes

_CHUNK = 1 << 22  # elements of one batch of draws (bounds memory for large total_count)


class Multinomial(Distribution):
    arg_names = ('probs',)

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int) or isinstance(total_count, bool) or total_count < 0:
            raise ValueError(f"Multinomial: total_count must be a non-negative int, got {total_count!r} "
                             "(PyTorch's Multinomial takes one count for the whole batch)")
        self.total_count = total_count
        self.probs, self.logits = probs_and_logits(probs, logits, 'Multinomial')
        super().__init__(tuple(self.probs.shape[:-1]), tuple(self.probs.shape[-1:]))

    @property
    def param_shape(self):
        return self.probs.shape

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def _sample(self, sample_shape=()):
        shape = sizes(sample_shape, 'Multinomial')
        p = self.probs.detach()._array
        xp = array_module(p)
        k = p.shape[-1]
        counts = xp.zeros(shape + p.shape, dtype=p.dtype)
        per_draw = max(1, math.prod(shape + p.shape))
        left = self.total_count
        categories = xp.arange(k)
        while left > 0:
            n = max(1, min(left, _CHUNK // per_draw))
            idx = draw_indices(self.probs, (n,) + shape)
            counts += (idx[..., None] == categories).sum(axis=0).astype(p.dtype)
            left -= n
        return constant(counts)

    def log_prob(self, value):
        """log n! - sum log x_i! + sum x_i log p_i (the factorials are constants: no gradient to value)."""
        logits = self.logits.clamp(min=-3.0e38 if self.logits.dtype.itemsize == 4 else -1.7e308)
        terms = (value * logits).sum(-1)
        flat = value.detach().reshape(-1, value.shape[-1]).tolist() if value.dim() else [[float(value)]]
        norm = [math.lgamma(self.total_count + 1) - sum(math.lgamma(x + 1) for x in row) for row in flat]
        import minigrad
        return terms + minigrad.tensor(norm, dtype=terms.dtype, device=terms.device).reshape(terms.shape)
