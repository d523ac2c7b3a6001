"""``nn.utils``: gradient clipping and flattening parameters to one vector (and ``nn.utils.rnn``).

>>> loss.backward()
>>> nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)   # returns the norm before clipping
"""
import math

from ... import backend, conversion
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from . import rnn
from ...functions import shape as _shape

__all__ = ['clip_grad_norm', 'clip_grad_norm_', 'clip_grad_value_', 'clip_grads_with_norm_',
           'get_total_norm', 'parameters_to_vector', 'rnn', 'vector_to_parameters']


def _tensor_list(tensors):
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def _grads(parameters):
    return [p.grad for p in _tensor_list(parameters) if p.grad is not None]


def _norm_of(array, norm_type):
    xp = backend.array_module(array)
    a = xp.abs(array)
    if norm_type == math.inf:
        return a.max() if a.size else xp.zeros((), dtype=a.dtype)
    if norm_type == -math.inf:
        return a.min() if a.size else xp.zeros((), dtype=a.dtype)
    if norm_type == 0:
        return (a != 0).sum().astype(a.dtype)
    if norm_type == 1:
        return a.sum()
    if norm_type == 2:
        return xp.sqrt((a * a).sum())
    return (a ** norm_type).sum() ** (1.0 / norm_type)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The ``norm_type``-norm of all ``tensors`` together (the norm of their norms), a 0-d tensor."""
    norm_type = float(norm_type)
    tensors = _tensor_list(tensors)
    if not tensors:
        return conversion.constant(backend.module_for('cpu').zeros((), dtype=backend.get_default_dtype()))
    first = tensors[0]._array
    xp = backend.array_module(first)
    norms = xp.stack([_norm_of(backend.to_device(t._array, tensors[0].device), norm_type).astype(
        first.dtype) for t in tensors])
    total = _norm_of(norms, norm_type)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is "
                           "non-finite, so it cannot be clipped. To disable this error and scale the "
                           "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return conversion.constant(xp.asarray(total, dtype=first.dtype))


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by ``max_norm / (total_norm + 1e-6)`` where that is below 1, in place."""
    grads = _grads(parameters)
    if not grads:
        return
    total = total_norm._array if isinstance(total_norm, Tensor) else total_norm
    coef = float(max_norm) / (float(total) + 1e-6)
    if coef < 1.0 or coef != coef:  # PyTorch scales by the clamped coefficient (NaN propagates)
        with no_grad():
            for g in grads:
                g._array *= g._array.dtype.type(min(coef, 1.0) if coef == coef else coef)
                g._bump_version()


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Rescale the gradients of ``parameters`` (a tensor or an iterable of them) in place so that their
    total ``norm_type``-norm is at most ``max_norm``; returns the total norm before clipping (a 0-d
    tensor). ``norm_type`` may be ``inf`` (the largest absolute gradient)."""
    parameters = _tensor_list(parameters)
    grads = _grads(parameters)
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated alias of :func:`clip_grad_norm_` (as in PyTorch)."""
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient of ``parameters`` to ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _grads(parameters):
            xp = backend.array_module(g._array)
            xp.clip(g._array, -clip_value, clip_value, out=g._array)
            g._bump_version()


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated into one 1-D tensor (differentiable)."""
    if isinstance(parameters, Tensor):
        raise TypeError("parameters_to_vector expects an iterable of Tensors (e.g. model.parameters()), "
                        "got a single Tensor")
    params = list(parameters)
    if not params:
        raise RuntimeError("parameters_to_vector: no parameters given (torch.cat() of an empty list)")
    device = params[0].device
    for p in params:
        if p.device != device:
            raise TypeError(f"Found two parameters on different devices, {device} and {p.device}")
    return _shape.cat([_shape.reshape(p, (-1,)) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D ``vec`` into ``parameters`` (their ``.data``), in order."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(f"vector_to_parameters: vec must be 1-D with {total} elements (the parameters' "
                           f"total), got shape {tuple(vec.shape)}")
    pointer = 0
    source = vec._array
    for p in params:
        n = p.numel()
        chunk = backend.to_device(source[pointer:pointer + n], p.device).reshape(p.shape)
        p._array = chunk.astype(p._array.dtype, copy=False)
        p._bump_version()
        pointer += n
