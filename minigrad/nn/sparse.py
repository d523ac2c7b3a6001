"""``Embedding``: a learnable table of ``num_embeddings`` vectors of size ``embedding_dim``, looked up
by integer indices (word ids, category ids)."""
from .. import backend, factories
from ..autograd.grad_mode import no_grad
from ..functions import sparse as _sparse
from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """``weight[input]``: integer indices of any shape -> ``input.shape + (embedding_dim,)``.

    ``weight`` starts standard normal (PyTorch's init), with the ``padding_idx`` row zero; that row
    gets no gradient. ``max_norm`` rescales the rows looked up to at most that norm, in place.

    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb(minigrad.tensor([[1, 2], [0, 9]])).shape
    minigrad.Size([2, 2, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None,
                 dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = padding_idx + num_embeddings if padding_idx < 0 else padding_idx
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
            self.weight = Parameter(factories.empty(num_embeddings, embedding_dim, dtype=dtype,
                                                    device=device), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight._array[self.padding_idx] = 0
                self.weight._bump_version()

    def forward(self, input):
        return _sparse.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                                 self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f'{self.num_embeddings}, {self.embedding_dim}'
        if self.padding_idx is not None:
            s += f', padding_idx={self.padding_idx}'
        if self.max_norm is not None:
            s += f', max_norm={self.max_norm}'
        if self.norm_type != 2:
            s += f', norm_type={self.norm_type}'
        if self.scale_grad_by_freq:
            s += ', scale_grad_by_freq=True'
        if self.sparse:
            s += ', sparse=True'
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose table is ``embeddings`` (2-D, shared, not copied); ``freeze=True`` keeps
        it out of training (``weight.requires_grad`` False)."""
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)
