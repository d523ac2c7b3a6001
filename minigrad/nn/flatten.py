"""``Flatten``: merge dimensions ``start_dim..end_dim`` into one (images (N, 1, 28, 28) -> (N, 784))."""
from ..functions.shape import flatten
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
