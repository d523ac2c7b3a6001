"""The base of minigrad's probability distributions (PyTorch's ``torch.distributions.Distribution``)."""
from .. import factories
from ..autograd import no_grad
from ..tensor import Size, Tensor


def as_param(value, name, cls):
    """A distribution parameter as a floating Tensor (Python numbers take the default dtype)."""
    if isinstance(value, Tensor):
        return value if value.is_floating_point() else value.float()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return factories.tensor(float(value))
    raise TypeError(f"{cls}: {name} must be a Tensor or a number, got {type(value).__name__}")


def sizes(sample_shape, cls):
    if isinstance(sample_shape, int):
        return (sample_shape,)
    try:
        return tuple(int(s) for s in sample_shape)
    except TypeError:
        raise TypeError(f"{cls}.sample: sample_shape must be a tuple of ints (e.g. (10,)), "
                        f"got {sample_shape!r}") from None


class Distribution:
    """Batch and event shapes, and sample() drawing without gradients (rsample() where reparameterisable)."""
    has_rsample = False

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    def _extended_shape(self, sample_shape=()):
        return Size(sizes(sample_shape, type(self).__name__) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=Size()):
        with no_grad():
            return self.rsample(sample_shape) if self.has_rsample else self._sample(sample_shape)

    def sample_n(self, n):
        return self.sample((n,))

    @property
    def stddev(self):
        return self.variance.sqrt()

    def __repr__(self):
        params = ', '.join(f'{k}: {tuple(getattr(self, k).shape) if getattr(self, k).dim() else getattr(self, k)}'
                           for k in self.arg_names)
        return f'{type(self).__name__}({params})'
