"""Convolution layers: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``, ``ConvTranspose2d`` and the lazy
``LazyConv1d``, ``LazyConv2d``, ``LazyConvTranspose2d`` (``in_channels`` taken from the first input).

Layout NCHW, PyTorch's arguments, default initialisation (``kaiming_uniform_(a=sqrt(5))`` weights, bias
uniform in +-1/sqrt(fan_in)), ``padding_mode`` ('zeros', 'reflect', 'replicate', 'circular') and reprs::

    conv = nn.Conv2d(1, 6, kernel_size=5, padding=2)
    conv(minigrad.rand(8, 1, 28, 28)).shape          # minigrad.Size([8, 6, 28, 28])
"""
import math

from .. import backend
from ..conversion import constant
from ..functions import conv as C
from ..functions import pooling as P
from . import init
from .module import Module
from .parameter import Parameter, UninitializedParameter

_PADDING_MODES = ('zeros', 'reflect', 'replicate', 'circular')


class _ConvNd(Module):
    """What the convolution layers share: hyper-parameters, parameters, init, repr."""
    _dims = 2
    _transposed = False
    _lazy = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode='zeros', device=None, dtype=None, output_padding=0):
        super().__init__()
        name, n = type(self).__name__, self._dims
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels ({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {', '.join(map(repr, _PADDING_MODES))}, "
                             f"got {padding_mode!r}")
        if self._transposed and padding_mode != 'zeros':
            raise ValueError(f'Only "zeros" padding mode is supported for {name}')
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = C._tuple(kernel_size, n, 'kernel_size', name, 1)
        self.stride = C._tuple(stride, n, 'stride', name, 1)
        self.dilation = C._tuple(dilation, n, 'dilation', name, 1)
        if isinstance(padding, str):
            if padding not in ('same', 'valid'):
                raise ValueError(f"{name}: padding must be 'same', 'valid' or numbers, got {padding!r}")
            if padding == 'same' and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            if self._transposed:
                raise ValueError(f"{name}: padding must be numbers for transposed convolutions")
            self.padding = padding
        else:
            self.padding = C._tuple(padding, n, 'padding', name)
        self.output_padding = C._tuple(output_padding, n, 'output_padding', name)
        self.groups, self.padding_mode, self.transposed = groups, padding_mode, self._transposed
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        if self._lazy:   # parameters are placeholders until the first input gives in_channels
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
            else:
                self.register_parameter('bias', None)
            return
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        xp = backend.module_for(device)
        with backend.on_device(backend.as_device(device)):
            self.weight = Parameter(constant(xp.empty(shape, dtype=dtype)))
            if bias:
                self.bias = Parameter(constant(xp.empty((out_channels,), dtype=dtype)))
            else:
                self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: ``kaiming_uniform_(weight, a=sqrt(5))``, bias U(-1/sqrt(fan_in), ...)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _reversed_padding(self):
        """The padding as F.pad wants it (last dimension first), for padding_mode != 'zeros'."""
        out = []
        for k in reversed(range(self._dims)):
            if self.padding == 'same':
                total = self.dilation[k] * (self.kernel_size[k] - 1)
                out += [total // 2, total - total // 2]
            elif self.padding == 'valid':
                out += [0, 0]
            else:
                out += [self.padding[k], self.padding[k]]
        return tuple(out)

    def _padded(self, input):
        """(input, padding for the conv): padding_mode other than 'zeros' pads here with F.pad."""
        if self.padding_mode == 'zeros':
            return input, self.padding
        return P.pad(input, self._reversed_padding(), mode=self.padding_mode), 0

    def extra_repr(self):
        n = self._dims
        s = (f'{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, '
             f'stride={self.stride}')
        if self.padding != (0,) * n:
            s += f', padding={self.padding}'
        if self.dilation != (1,) * n:
            s += f', dilation={self.dilation}'
        if self.output_padding != (0,) * n:
            s += f', output_padding={self.output_padding}'
        if self.groups != 1:
            s += f', groups={self.groups}'
        if self.bias is None:
            s += ', bias=False'
        if self.padding_mode != 'zeros':
            s += f', padding_mode={self.padding_mode}'
        return s


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation): (N, C_in, H, W) -> (N, C_out, OH, OW), as ``torch.nn.Conv2d``;
    ``weight`` is (C_out, C_in / groups, kh, kw). See ``nn.functional.conv2d`` for the output size."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode='zeros', device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):
        input, padding = self._padded(input)
        return C.conv2d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-D convolution: (N, C_in, L) -> (N, C_out, OL), as ``torch.nn.Conv1d``."""
    _dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode='zeros', device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):
        input, padding = self._padded(input)
        return C.conv1d(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding)

    def _output_padding(self, input, output_size):
        """The output_padding that gives ``output_size`` (PyTorch's rule), or the layer's own."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        output_size = tuple(output_size)[-n:]
        if len(output_size) != n:
            raise ValueError(f"{type(self).__name__}: output_size must have {n} or {n + 2} elements, got "
                             f"{output_size!r}")
        spatial = tuple(input.shape[-n:])
        extra = []
        for k in range(n):
            smallest = ((spatial[k] - 1) * self.stride[k] - 2 * self.padding[k] +
                        self.dilation[k] * (self.kernel_size[k] - 1) + 1)
            largest = smallest + self.stride[k] - 1
            if not smallest <= output_size[k] <= largest:
                raise ValueError(f"{type(self).__name__}: requested an output size of {output_size}, but "
                                 f"valid sizes range from {smallest} to {largest} along dimension {k} (for "
                                 f"an input of {spatial})")
            extra.append(output_size[k] - smallest)
        return tuple(extra)


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution (the gradient of Conv2d in its input), as ``torch.nn.ConvTranspose2d``:
    (N, C_in, H, W) -> (N, C_out, OH, OW); ``weight`` is (C_in, C_out / groups, kh, kw).
    ``forward(input, output_size=None)``: an ``output_size`` picks the output_padding."""

    def forward(self, input, output_size=None):
        extra = self._output_padding(input, output_size)
        return C.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, extra,
                                  self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution: (N, C_in, L) -> (N, C_out, OL)."""
    _dims = 1

    def forward(self, input, output_size=None):
        extra = self._output_padding(input, output_size)
        return C.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, extra,
                                  self.groups, self.dilation)


# ------------------------------------------------------------------------------------------- lazy
class _LazyConvMixin:
    """``in_channels`` learnt from the first input (its dimension 1, or 0 when unbatched); the layer
    then becomes its concrete class (``type(layer) is nn.Conv2d``), as in PyTorch."""
    _concrete = None
    _lazy = True

    def _materialize(self, in_channels):
        if in_channels % self.groups:
            raise ValueError(f"{type(self).__name__}: in_channels ({in_channels}) of the first input must be "
                             f"divisible by groups ({self.groups})")
        self.in_channels = in_channels
        if self._transposed:
            shape = (in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, in_channels // self.groups) + self.kernel_size
        self.weight.materialize(shape)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.__class__ = self._concrete
        self.reset_parameters()

    def forward(self, input, *args, **kwargs):
        batched = input.ndim == self._dims + 2
        if not batched and input.ndim != self._dims + 1:
            raise RuntimeError(f"{type(self).__name__}: expected a {self._dims + 2}-D input (or "
                               f"{self._dims + 1}-D unbatched), got shape {tuple(input.shape)}")
        self._materialize(input.shape[1 if batched else 0])
        return self.forward(input, *args, **kwargs)

    def _prepare_load(self, state_dict, prefix):
        weight = state_dict.get(prefix + 'weight')
        if weight is not None and len(weight.shape) == self._dims + 2:
            self._materialize(weight.shape[0] if self._transposed else weight.shape[1] * self.groups)


class LazyConv2d(_LazyConvMixin, Conv2d):
    """A ``Conv2d`` whose ``in_channels`` is taken from its first input."""
    _concrete = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', device=None, dtype=None):
        Conv2d.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                        padding_mode, device, dtype)


class LazyConv1d(_LazyConvMixin, Conv1d):
    """A ``Conv1d`` whose ``in_channels`` is taken from its first input."""
    _concrete = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', device=None, dtype=None):
        Conv1d.__init__(self, 0, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                        padding_mode, device, dtype)


class LazyConvTranspose2d(_LazyConvMixin, ConvTranspose2d):
    """A ``ConvTranspose2d`` whose ``in_channels`` is taken from its first input."""
    _concrete = ConvTranspose2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None):
        ConvTranspose2d.__init__(self, 0, out_channels, kernel_size, stride, padding, output_padding,
                                 groups, bias, dilation, padding_mode, device, dtype)
