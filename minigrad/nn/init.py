"""Parameter initialisation, in place, with PyTorch's names, gains and fan rules (``torch.nn.init``).

Every function fills ``tensor`` without recording anything in the graph and returns it::

    w = nn.Parameter(minigrad.empty(256, 784))
    nn.init.kaiming_uniform_(w, nonlinearity='relu')     # U(-b, b), b = sqrt(2) * sqrt(3 / 784)

Fans of a weight of shape (out, in, *kernel): ``fan_in = in * prod(kernel)``,
``fan_out = out * prod(kernel)`` (a Linear weight is (out_features, in_features)). Random draws come
from the generator seeded by ``minigrad.manual_seed``.
"""
import math
import warnings

from ..autograd.grad_mode import no_grad

_LINEAR_LIKE = ('linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
                'conv_transpose3d', 'sigmoid')


def calculate_gain(nonlinearity, param=None):
    """The recommended scale of the weights for a non-linearity (PyTorch's table):
    linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)), selu 3/4."""
    if nonlinearity in _LINEAR_LIKE:
        return 1  # an int, as PyTorch's
    if nonlinearity == 'tanh':
        return 5.0 / 3
    if nonlinearity == 'relu':
        return math.sqrt(2.0)
    if nonlinearity == 'leaky_relu':
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == 'selu':
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; use one of linear, sigmoid, tanh, "
                     "relu, leaky_relu, selu")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out cannot be computed for a tensor with fewer than 2 "
                         f"dimensions (shape {tuple(tensor.shape)}); use uniform_/normal_/constant_")
    receptive = 1
    for n in tensor.shape[2:]:
        receptive *= n
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fan(tensor, mode):
    if mode not in ('fan_in', 'fan_out'):
        raise ValueError(f"mode {mode!r} is not supported; use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == 'fan_in' else fan_out


def uniform_(tensor, a=0.0, b=1.0):
    """Fill with samples of U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor, mean=0.0, std=1.0):
    """Fill with samples of N(mean, std^2)."""
    with no_grad():
        return tensor.normal_(mean, std)


def constant_(tensor, val):
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    return constant_(tensor, 1.0)


def zeros_(tensor):
    return constant_(tensor, 0.0)


def xavier_uniform_(tensor, gain=1.0):
    """Glorot: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std)


def xavier_normal_(tensor, gain=1.0):
    """Glorot: N(0, std^2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))


def _empty(tensor, name):
    if 0 in tuple(tensor.shape):
        warnings.warn(f"{name}: initialising a zero-element tensor is a no-op")
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu'):
    """He: U(-b, b) with ``b = gain * sqrt(3 / fan)``. ``nn.Linear``'s default is ``a=sqrt(5)``, which
    gives ``b = 1 / sqrt(fan_in)``."""
    if _empty(tensor, 'kaiming_uniform_'):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu'):
    """He: N(0, std^2) with ``std = gain / sqrt(fan)``."""
    if _empty(tensor, 'kaiming_normal_'):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """N(mean, std^2) restricted to [a, b] (absolute bounds, as PyTorch): out-of-range draws are drawn again."""
    import minigrad
    if _empty(tensor, 'trunc_normal_'):
        return tensor
    if not a < b:
        raise ValueError(f"trunc_normal_: the bounds must satisfy a < b, got a={a}, b={b}")
    with no_grad():
        values = minigrad.randn(*tensor.shape, dtype=minigrad.float64, device=tensor.device) * std + mean
        for _ in range(1000):
            bad = (values < a) | (values > b)
            if not bool(bad.any()):
                break
            fresh = minigrad.randn(*tensor.shape, dtype=minigrad.float64, device=tensor.device) * std + mean
            values = minigrad.where(bad, fresh, values)
        return tensor.copy_(values.clamp(a, b))


def eye_(tensor):
    """The identity in a 2-D tensor (ones on the diagonal, zeros elsewhere)."""
    import minigrad
    if tensor.dim() != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}")
    with no_grad():
        return tensor.copy_(minigrad.eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def dirac_(tensor, groups=1):
    """Dirac delta in a 3-, 4- or 5-D convolution weight: convolving keeps the input channels (per group)."""
    import minigrad
    d = tensor.dim()
    if d not in (3, 4, 5):
        raise ValueError(f"dirac_: only 3-, 4- and 5-D tensors are supported, got shape {tuple(tensor.shape)}")
    out_per_group = tensor.shape[0] // groups
    if tensor.shape[0] % groups:
        raise ValueError(f"dirac_: dim 0 ({tensor.shape[0]}) must be divisible by groups ({groups})")
    n = min(out_per_group, tensor.shape[1])
    with no_grad():
        tensor.zero_()
        centre = tuple(s // 2 for s in tensor.shape[2:])
        for g in range(groups):
            for i in range(n):
                tensor[(g * out_per_group + i, i) + centre] = 1
    return tensor


def orthogonal_(tensor, gain=1.0):
    """A (semi-)orthogonal matrix (rows or columns orthonormal) times ``gain``; dims after the first flattened."""
    import minigrad
    if tensor.dim() < 2:
        raise ValueError("orthogonal_: only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        flat = minigrad.randn(rows, cols, dtype=minigrad.float64, device=tensor.device)
        if rows < cols:
            flat = flat.t()
        q, r = minigrad.linalg.qr(flat)
        q = q * r.diagonal().sign()
        if rows < cols:
            q = q.t()
        return tensor.copy_((q * gain).reshape(tensor.shape))


def sparse_(tensor, sparsity, std=0.01):
    """A 2-D tensor drawn from N(0, std^2) with a fraction ``sparsity`` of each column set to zero."""
    import minigrad
    if tensor.dim() != 2:
        raise ValueError("sparse_: only 2-D tensors are supported")
    rows, cols = tensor.shape
    zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        normal_(tensor, 0.0, std)
        for c in range(cols):
            idx = minigrad.randperm(rows, device=tensor.device)[:zeros]
            tensor[idx, c] = 0
    return tensor
