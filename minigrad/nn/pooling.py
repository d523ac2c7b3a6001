"""Pooling, padding, resampling and channel-dropout layers (NCHW), with PyTorch's names, arguments and
reprs: ``MaxPool1d MaxPool2d AvgPool1d AvgPool2d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveMaxPool1d
AdaptiveMaxPool2d Upsample ZeroPad2d ConstantPad2d ReflectionPad2d ReplicationPad2d CircularPad2d
Dropout2d``.

    pool = nn.MaxPool2d(2)                     # stride defaults to the kernel size
    pool(minigrad.rand(8, 6, 28, 28)).shape    # minigrad.Size([8, 6, 14, 14])
"""
from ..functions import pooling as P
from .module import Module


class _Pool(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation, self.ceil_mode = padding, dilation, ceil_mode


class MaxPool2d(_Pool):
    """Maximum over kernel_size windows (``stride`` defaults to ``kernel_size``), as ``torch.nn.MaxPool2d``;
    with ``return_indices=True`` the call returns ``(values, flat indices into each H*W plane)``."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__(kernel_size, stride, padding, dilation, ceil_mode)
        self.return_indices = return_indices

    def forward(self, input):
        return P.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, '
                f'dilation={self.dilation}, ceil_mode={self.ceil_mode}')


class MaxPool1d(MaxPool2d):
    """Maximum over windows of length kernel_size: (N, C, L) -> (N, C, OL)."""

    def forward(self, input):
        return P.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)


class AvgPool2d(_Pool):
    """Mean over kernel_size windows, as ``torch.nn.AvgPool2d`` (``count_include_pad``: the zero padding
    counts in the divisor; ``divisor_override`` replaces it)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, padding, 1, ceil_mode)
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return P.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class AvgPool1d(_Pool):
    """Mean over windows of length kernel_size: (N, C, L) -> (N, C, OL)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__(kernel_size, stride, padding, 1, ceil_mode)
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f'kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}'


class AdaptiveAvgPool2d(Module):
    """Mean over the windows that give an ``output_size`` output (``AdaptiveAvgPool2d(1)``: global
    average pooling), as ``torch.nn.AdaptiveAvgPool2d``."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return P.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f'output_size={self.output_size}'


class AdaptiveAvgPool1d(AdaptiveAvgPool2d):
    def forward(self, input):
        return P.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveMaxPool2d(Module):
    """Maximum over the windows that give an ``output_size`` output, as ``torch.nn.AdaptiveMaxPool2d``."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):
        return P.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f'output_size={self.output_size}'


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    def forward(self, input):
        return P.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class Upsample(Module):
    """Resample to ``size`` or by ``scale_factor`` ('nearest', 'linear', 'bilinear'), as
    ``torch.nn.Upsample``."""

    def __init__(self, size=None, scale_factor=None, mode='nearest', align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, (tuple, list)):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode, self.align_corners = mode, align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return P.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        info = f'scale_factor={self.scale_factor!r}' if self.scale_factor is not None else f'size={self.size!r}'
        return info + f', mode={self.mode!r}'


def _four(padding, name):
    if isinstance(padding, int):
        return (padding,) * 4
    padding = tuple(padding)
    if len(padding) != 4:
        raise ValueError(f"{name}: padding must be an int or a 4-tuple (left, right, top, bottom), got "
                         f"{padding!r}")
    return padding


class _Pad2d(Module):
    _mode = 'constant'

    def __init__(self, padding):
        super().__init__()
        self.padding = _four(padding, type(self).__name__)

    def forward(self, input):
        return P.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f'{self.padding}'


class ZeroPad2d(_Pad2d):
    """Pad the last two dimensions with zeros by (left, right, top, bottom) (an int pads all four)."""


class ReflectionPad2d(_Pad2d):
    """Pad the last two dimensions with their reflection (the edge not repeated)."""
    _mode = 'reflect'


class ReplicationPad2d(_Pad2d):
    """Pad the last two dimensions by repeating the edge."""
    _mode = 'replicate'


class CircularPad2d(_Pad2d):
    """Pad the last two dimensions by wrapping around."""
    _mode = 'circular'


class ConstantPad2d(_Pad2d):
    """Pad the last two dimensions with ``value``."""

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return P.pad(input, self.padding, 'constant', self.value)

    def extra_repr(self):
        return f'padding={self.padding}, value={self.value}'


class Dropout2d(Module):
    """Zero whole channels with probability ``p`` in training (scaling the rest by 1 / (1 - p)), as
    ``torch.nn.Dropout2d``; the identity after ``eval()``."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return P.dropout2d(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f'p={self.p}, inplace={self.inplace}'
