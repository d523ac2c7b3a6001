"""``Dropout``: zero random elements in training, identity in evaluation."""
from . import functional as F
from .module import Module


class Dropout(Module):
    """Inverted dropout: while ``training``, each element is zeroed with probability ``p`` and the others
    are scaled by ``1 / (1 - p)`` (so the expected value is unchanged); after ``eval()`` the input
    passes through. Draws come from the generator seeded by ``minigrad.manual_seed``.

    >>> x = minigrad.ones(2, 4)
    >>> drop = nn.Dropout(0.5)
    >>> drop(x)                       # training: about half zeroed, the rest doubled
    >>> drop.eval()(x) is x
    True
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f'p={self.p}, inplace={self.inplace}'
