"""Lookups by index: embedding (a table of vectors indexed by integers) and one_hot."""
from .. import backend, conversion
from ..autograd import function as _fn
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from ..backend import array_module
from .shape import IndexAdd

__all__ = []  # torch.embedding takes (weight, input): only nn.functional has embedding(input, weight)
METHODS = {}


class Embedding(Function):
    """``weight[indices]``; the gradient adds each output row's gradient into its weight row (repeated
    indices accumulate), none for ``padding_idx``; ``scale`` divides by each index's count in the batch
    (``scale_grad_by_freq``)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_by_freq):
        ctx.indices, ctx.shape = indices, weight.shape
        ctx.padding_idx, ctx.scale_by_freq = padding_idx, scale_by_freq
        return weight[indices]

    @staticmethod
    def backward(ctx, grad):
        indices = ctx.indices
        if ctx.padding_idx is not None or ctx.scale_by_freq:
            xp = array_module(indices)
            factor = xp.ones(indices.shape, dtype=_raw(grad).dtype)
            if ctx.scale_by_freq:
                counts = xp.bincount(indices.reshape(-1), minlength=ctx.shape[0])
                factor = factor / counts[indices]
            if ctx.padding_idx is not None:
                factor = factor * (indices != ctx.padding_idx)
            grad = grad * factor.astype(_raw(grad).dtype)[..., None]
        return IndexAdd.call(grad, ctx.shape, indices), None, None, None


def _raw(x):
    return x._array if isinstance(x, _fn.Tensor) else x


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` (num_embeddings, embedding_dim) picked by the integer ``input`` of any shape:
    the result has shape ``input.shape + (embedding_dim,)``.

    ``padding_idx``: that row gets no gradient. ``max_norm``: the rows looked up are first rescaled in
    place to norm at most ``max_norm`` (``norm_type``-norm), as PyTorch. ``sparse=True`` (sparse
    gradients) is not supported: the gradient is dense.
    """
    op = 'embedding'
    if sparse:
        raise NotImplementedError(f"{op}: sparse gradients are not supported (minigrad has no sparse "
                                  "tensors); use sparse=False, the gradient is dense")
    if not isinstance(weight, _fn.Tensor) or weight.ndim != 2:
        raise RuntimeError(f"{op}: weight must be a 2-D Tensor (num_embeddings, embedding_dim), got "
                           f"{getattr(weight, 'shape', type(weight).__name__)}")
    input = input if isinstance(input, _fn.Tensor) else conversion.as_tensor(input, device=weight.device)
    if input._array.dtype.kind not in 'iu':
        raise RuntimeError(f"{op}: expected the indices to be integers (Long or Int), got {input.dtype}; "
                           "convert with .long()")
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError(f"{op}: padding_idx must be within num_embeddings ({num}), got "
                                 f"{padding_idx}")
        padding_idx = padding_idx + num if padding_idx < 0 else padding_idx
    indices = backend.to_device(input._array, weight.device).astype(backend.int64, copy=False)
    if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= num):
        bad = int(indices.min()) if int(indices.min()) < 0 else int(indices.max())
        raise IndexError(f"{op}: index {bad} is out of range for a table of {num} rows (indices must be "
                         f"in [0, {num}))")
    if max_norm is not None:
        _renorm_rows(weight, indices, float(max_norm), float(norm_type))
    return Embedding.apply(weight, indices, padding_idx, bool(scale_grad_by_freq))


def _renorm_rows(weight, indices, max_norm, norm_type):
    """PyTorch's embedding_renorm_: rows used whose norm exceeds max_norm are scaled to it, in place."""
    xp = array_module(weight._array)
    rows = xp.unique(indices.reshape(-1))
    with no_grad():
        w = weight._array
        picked = w[rows]
        norms = (xp.abs(picked) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
        over = norms > max_norm
        if bool(over.any()):
            scale = (max_norm / (norms[over] + 1e-7)).astype(w.dtype)
            w[rows[over]] = picked[over] * scale[:, None]
            weight._bump_version()


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape ``tensor.shape + (num_classes,)`` with a 1 at each index;
    ``num_classes=-1`` takes the largest index + 1."""
    op = 'one_hot'
    if not isinstance(tensor, _fn.Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(tensor).__name__}")
    a = tensor._array
    if a.dtype.kind not in 'iu':
        raise RuntimeError(f"{op} is only applicable to index tensors (int64), got {tensor.dtype}")
    xp = array_module(a)
    if a.size and int(a.min()) < 0:
        raise RuntimeError(f"{op}: class values must be non-negative, got {int(a.min())}")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError(f"{op}: can not infer the total number of classes from an empty tensor; "
                               "give num_classes")
        num_classes = int(a.max()) + 1
    elif a.size and int(a.max()) >= num_classes:
        raise RuntimeError(f"{op}: class values must be smaller than num_classes ({num_classes}), got "
                           f"{int(a.max())}")
    out = (a[..., None] == xp.arange(num_classes)).astype(backend.int64)
    return conversion.constant(out)
