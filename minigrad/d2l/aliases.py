"""The framework-neutral names of the book's library (``d2l/torch.py``, the aliases at its end): the
chapters after the seed write ``d2l.tensor``, ``d2l.reshape(x, shape)``, ``d2l.reduce_sum(x)``,
``d2l.astype(x, d2l.float32)`` ... so the same text serves every framework. Each is what the book's torch
module binds: a minigrad function, or a lambda calling the tensor's method.
"""
from .. import nn as _nn
from .. import (abs, arange, cat, cos, cosh, eye, exp, float32, int32, int64, linspace, log, matmul,
                meshgrid, normal, ones, ones_like, rand, randn, sigmoid, sin, sinh, stack, tanh, tensor,
                zeros, zeros_like)

nn_Module = _nn.Module
concat = cat


def batch_matmul(a, b):
    """``torch.bmm``: (b, n, m) @ (b, m, p) -> (b, n, p), both 3-D with the same batch."""
    import minigrad
    bmm = getattr(minigrad, 'bmm', None)
    if bmm is not None:
        return bmm(a, b)
    if a.dim() != 3 or b.dim() != 3:
        raise RuntimeError(f"batch_matmul: batch1 and batch2 must be 3-D tensors, got {a.dim()}-D and "
                           f"{b.dim()}-D")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch_matmul: the batch sizes differ ({a.shape[0]} and {b.shape[0]})")
    return matmul(a, b)


numpy = lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs)  # noqa: E731
size = lambda x, *args, **kwargs: x.numel(*args, **kwargs)  # noqa: E731
reshape = lambda x, *args, **kwargs: x.reshape(*args, **kwargs)  # noqa: E731
to = lambda x, *args, **kwargs: x.to(*args, **kwargs)  # noqa: E731
reduce_sum = lambda x, *args, **kwargs: x.sum(*args, **kwargs)  # noqa: E731
argmax = lambda x, *args, **kwargs: x.argmax(*args, **kwargs)  # noqa: E731
astype = lambda x, *args, **kwargs: x.type(*args, **kwargs)  # noqa: E731
transpose = lambda x, *args, **kwargs: x.t(*args, **kwargs)  # noqa: E731
reduce_mean = lambda x, *args, **kwargs: x.mean(*args, **kwargs)  # noqa: E731
expand_dims = lambda x, *args, **kwargs: x.unsqueeze(*args, **kwargs)  # noqa: E731
swapaxes = lambda x, *args, **kwargs: x.swapaxes(*args, **kwargs)  # noqa: E731
repeat = lambda x, *args, **kwargs: x.repeat(*args, **kwargs)  # noqa: E731

__all__ = ['nn_Module', 'ones_like', 'ones', 'zeros_like', 'zeros', 'tensor', 'arange', 'meshgrid', 'sin',
           'sinh', 'cos', 'cosh', 'tanh', 'linspace', 'exp', 'log', 'normal', 'rand', 'randn', 'matmul',
           'int32', 'int64', 'float32', 'concat', 'stack', 'abs', 'eye', 'sigmoid', 'batch_matmul',
           'numpy', 'size', 'reshape', 'to', 'reduce_sum', 'argmax', 'astype', 'transpose', 'reduce_mean',
           'expand_dims', 'swapaxes', 'repeat']
