"""``Flatten``: merge dimensions ``start_dim..end_dim`` into one (images (N, 1, 28, 28) -> (N, 784));
``Unflatten``: split one dimension into several."""
from ..arguments import dim as _dim
from ..functions.shape import flatten, reshape
from .module import Module


class Flatten(Module):
    """Reshape (N, d1, ..., dk) to (N, d1 * ... * dk) with the defaults ``start_dim=1, end_dim=-1``
    (the batch dimension stays)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f'start_dim={self.start_dim}, end_dim={self.end_dim}'


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (the inverse of Flatten):
    ``nn.Unflatten(1, (1, 28, 28))`` turns (N, 784) into (N, 1, 28, 28). One entry may be -1."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dimensions are not supported; give dim as an int")
        if not isinstance(unflattened_size, (tuple, list)) or not all(
                isinstance(n, int) for n in unflattened_size):
            raise TypeError(f"unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input):
        d = _dim(self.dim, input.ndim, 'unflatten')
        shape = tuple(input.shape)
        return reshape(input, shape[:d] + tuple(self.unflattened_size) + shape[d + 1:])

    def extra_repr(self):
        return f'dim={self.dim}, unflattened_size={self.unflattened_size}'
