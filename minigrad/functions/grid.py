"""``meshgrid``: coordinate grids from 0-d/1-d tensors, as ``torch.meshgrid`` (``indexing='ij'`` by
default, ``'xy'`` swaps the first two axes). Built from reshape and expand, so gradients flow back to
the inputs (summed over the grid), as in PyTorch."""
from ..conversion import as_tensor
from .shape import expand, reshape


def meshgrid(*tensors, indexing=None):
    """``meshgrid(x, y, ..., indexing='ij')`` (or one list of tensors): a tuple of tensors of shape
    ``(len(x), len(y), ...)`` (``indexing='xy'``: ``(len(y), len(x), ...)``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = 'ij'
    if indexing not in ('ij', 'xy'):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    tensors = [as_tensor(t) for t in tensors]
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a "
                               f"{t.dim()}-D tensor of shape {tuple(t.shape)}")
    first = tensors[0]
    for t in tensors[1:]:
        if t.dtype != first.dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype (got {first.dtype} and "
                               f"{t.dtype})")
        if t.device != first.device:
            raise RuntimeError(f"meshgrid expects all tensors to have the same device (got {first.device} "
                               f"and {t.device})")
    swap = indexing == 'xy' and len(tensors) >= 2
    ordered = list(tensors)
    if swap:
        ordered[0], ordered[1] = ordered[1], ordered[0]
    sizes = [t.numel() for t in ordered]
    grids = []
    for i, t in enumerate(ordered):
        view = [1] * len(ordered)
        view[i] = -1
        grids.append(expand(reshape(t, tuple(view)), tuple(sizes)))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


__all__ = ['meshgrid']
METHODS = {}
