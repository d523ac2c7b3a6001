"""Fully connected layers: ``Linear``, ``LazyLinear`` (input size inferred at the first call), ``Identity``."""
import math

from .. import backend
from ..conversion import constant
from ..functions.linalg import linear
from ..runtime import resolve_device
from . import init
from .module import Module
from .parameter import Parameter, UninitializedParameter


def _one_size_given(args, kwargs):
    """True for ``Linear(256)`` / ``Linear(out_features=256)``: the lazy form of the seed."""
    sizes = len(args[:2]) + ('in_features' in kwargs) + ('out_features' in kwargs)
    return sizes == 1 and 'in_features' not in kwargs


class Linear(Module):
    """``y = x @ weight.T + bias``: input (..., in_features) -> output (..., out_features).

    ``weight`` (out_features, in_features) and ``bias`` (out_features,) start as PyTorch's: uniform on
    [-1/sqrt(in_features), 1/sqrt(in_features)] (``kaiming_uniform_`` with ``a=sqrt(5)``).

    ``nn.Linear(out_features)``, with one size as the seed writes ``nn.Linear(256)``, builds a
    :class:`LazyLinear` that learns ``in_features`` at its first call. (PyTorch requires both sizes for
    ``nn.Linear``; this is a minigrad extension.)

    >>> layer = nn.Linear(20, 256)
    >>> layer(minigrad.rand(2, 20)).shape
    minigrad.Size([2, 256])
    """

    def __new__(cls, *args, **kwargs):
        if cls is Linear and _one_size_given(args, kwargs):
            return super().__new__(LazyLinear)
        return super().__new__(cls)

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        xp = backend.module_for(resolve_device(device))
        self.weight = Parameter(constant(xp.empty((out_features, in_features), dtype=dtype)))
        if bias:
            self.bias = Parameter(constant(xp.empty((out_features,), dtype=dtype)))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw fresh weights from PyTorch's default distribution."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f'in_features={self.in_features}, out_features={self.out_features}, ' \
               f'bias={self.bias is not None}'


class LazyLinear(Linear):
    """A ``Linear`` whose ``in_features`` is taken from the last dimension of its first input; after
    that call it *is* an ``nn.Linear`` (``type(layer) is nn.Linear``), as in PyTorch.

    Its parameters exist from the start as placeholders (``UninitializedParameter``), so an optimiser
    may be built before the first call. A lazy layer used at two places initialises once.

    >>> net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    >>> net(minigrad.rand(2, 20)).shape
    minigrad.Size([2, 10])
    """

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)
        self.in_features, self.out_features = 0, out_features
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        else:
            self.register_parameter('bias', None)

    def _materialize(self, in_features):
        self.in_features = in_features
        self.weight.materialize((self.out_features, in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.__class__ = Linear
        self.reset_parameters()

    def forward(self, input):
        if input.ndim == 0:
            raise RuntimeError("LazyLinear: the input must have at least one dimension (its last one is "
                               "in_features)")
        self._materialize(input.shape[-1])
        return Linear.forward(self, input)

    def _prepare_load(self, state_dict, prefix):
        # Loading a checkpoint into a layer never called: take the shape from the checkpoint.
        weight = state_dict.get(prefix + 'weight')
        if weight is not None and len(weight.shape) == 2 and weight.shape[0] == self.out_features:
            self._materialize(weight.shape[1])


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); accepts and ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input
