"""Normalisation layers: ``BatchNorm1d/2d/3d``, ``LazyBatchNorm1d/2d/3d``, ``InstanceNorm1d/2d``,
``LayerNorm``, ``GroupNorm``, ``RMSNorm``.

Batch norm keeps ``running_mean``, ``running_var`` and ``num_batches_tracked`` as buffers: they are in
``state_dict()``, move with ``.to()`` and are updated in training mode only; ``eval()`` switches the
layer to normalising by them. ``momentum=None`` averages all batches seen (cumulative average), as
PyTorch.

>>> bn = nn.BatchNorm2d(16)
>>> list(bn.state_dict())
['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
"""
from .. import backend, factories
from ..autograd.grad_mode import no_grad
from ..functions import normalization as _norm
from . import init
from .module import Module
from .parameter import Parameter, UninitializedParameter


def _xp(device):
    return backend.module_for(device)


class _NormBase(Module):
    """What batch and instance norm share: per-channel affine parameters and running statistics."""

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        if affine:
            self.weight = Parameter(factories.empty(num_features, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(factories.empty(num_features, dtype=dtype, device=device))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', factories.zeros(num_features, dtype=dtype, device=device))
            self.register_buffer('running_var', factories.ones(num_features, dtype=dtype, device=device))
            self.register_buffer('num_batches_tracked',
                                 factories.tensor(0, dtype=backend.int64, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f'{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, '
                f'bias={self.bias is not None}, track_running_stats={self.track_running_stats}')

    def _average_factor(self):
        """The momentum of this step; counts the batch (PyTorch's exponential_average_factor)."""
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        return factor


class _BatchNorm(_NormBase):
    _dims = ()

    def _check_input_dim(self, input):
        if input.ndim not in self._dims:
            expected = ' or '.join(f'{d}D' for d in self._dims)
            raise ValueError(f"{type(self).__name__}: expected {expected} input (got {input.ndim}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        if input.shape[1] != self.num_features:
            raise RuntimeError(f"{type(self).__name__}: the input has {input.shape[1]} channels (dim 1) but "
                               f"the layer was built for num_features={self.num_features}")
        factor = self._average_factor()
        training = self.training or (self.running_mean is None and self.running_var is None)
        use_stats = not self.training or self.track_running_stats
        return _norm.batch_norm(input, self.running_mean if use_stats else None,
                                self.running_var if use_stats else None, self.weight, self.bias, training,
                                factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch norm of (N, C) or (N, C, L) inputs over the batch (and length) for each of C channels:
    ``(x - mean) / sqrt(var + eps) * weight + bias``."""
    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of (N, C, H, W) images, per channel over the batch and the pixels."""
    _dims = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch norm of (N, C, D, H, W) volumes, per channel."""
    _dims = (5,)


class _LazyNorm:
    """Mixin: ``num_features`` taken from dim 1 of the first input; the layer then becomes
    ``cls_to_become`` (PyTorch's lazy modules)."""
    cls_to_become = None

    def __init__(self, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        Module.__init__(self)
        self.num_features, self.eps, self.momentum = 0, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', factories.zeros(0, dtype=dtype, device=device))
            self.register_buffer('running_var', factories.ones(0, dtype=dtype, device=device))
            self.register_buffer('num_batches_tracked',
                                 factories.tensor(0, dtype=backend.int64, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)

    def _materialize(self, num_features):
        self.num_features = num_features
        if self.affine:
            self.weight.materialize((num_features,))
            if self.bias is not None:
                self.bias.materialize((num_features,))
        if self.track_running_stats:
            for buf in (self.running_mean, self.running_var):  # in place: .to() may hold them
                buf._array = backend.array_module(buf._array).empty((num_features,), dtype=buf._array.dtype)
        self.__class__ = self.cls_to_become
        self.reset_parameters()

    def forward(self, input):
        if input.ndim < 2:
            raise ValueError(f"{type(self).__name__}: expected an input with a channel dimension (dim 1), "
                             f"got shape {tuple(input.shape)}")
        self._materialize(input.shape[1])
        return self.forward(input)

    def _prepare_load(self, state_dict, prefix):
        for key in ('weight', 'running_mean'):
            value = state_dict.get(prefix + key)
            if value is not None and len(value.shape) == 1:
                self._materialize(value.shape[0])
                return


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """A ``BatchNorm1d`` whose ``num_features`` comes from the first input."""
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """A ``BatchNorm2d`` whose ``num_features`` comes from the first input."""
    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNorm, BatchNorm3d):
    """A ``BatchNorm3d`` whose ``num_features`` comes from the first input."""
    cls_to_become = BatchNorm3d


class _InstanceNorm(_NormBase):
    _dims = ()

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False,
                 device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        batched, unbatched = self._dims
        if input.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {unbatched}D or {batched}D input (got "
                             f"{input.ndim}D input)")
        if input.ndim == unbatched:
            return self.forward(input.unsqueeze(0)).squeeze(0)
        if input.shape[1] != self.num_features and self.affine:
            raise ValueError(f"{type(self).__name__}: expected input's size at dim=1 to match "
                             f"num_features ({self.num_features}), but got: {input.shape[1]}.")
        factor = 0.0 if self.momentum is None else self.momentum
        return _norm.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                                   self.training or not self.track_running_stats, factor, self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Normalise each channel of each sample of (N, C, L) (or unbatched (C, L)) over L."""
    _dims = (3, 2)


class InstanceNorm2d(_InstanceNorm):
    """Normalise each channel of each image of (N, C, H, W) (or (C, H, W)) over its pixels."""
    _dims = (4, 3)


class LayerNorm(Module):
    """Normalise over the last dimensions given by ``normalized_shape`` (e.g. the features of
    (N, L, D) with ``LayerNorm(D)``), then scale by ``weight`` and shift by ``bias`` (that shape)."""

    def __init__(self, normalized_shape, eps=1e-05, elementwise_affine=True, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.normalized_shape = _norm._normalized_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(factories.ones(self.normalized_shape, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(factories.zeros(self.normalized_shape, dtype=dtype, device=device))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return _norm.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f'{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, '
                f'bias={self.bias is not None}')


class GroupNorm(Module):
    """Normalise (N, C, *) inputs over groups of ``num_channels // num_groups`` channels (and the
    spatial dimensions), per sample; ``weight`` and ``bias`` are per channel."""

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        if affine:
            self.weight = Parameter(factories.ones(num_channels, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(factories.zeros(num_channels, dtype=dtype, device=device))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)

    def reset_parameters(self):
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return _norm.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f'{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, '
                f'bias={self.bias is not None}')


class RMSNorm(Module):
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the last dimensions ``normalized_shape``
    (``eps=None``: the dtype's machine epsilon)."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = _norm._normalized_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = backend.as_dtype(dtype) or backend.get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(factories.ones(self.normalized_shape, dtype=dtype, device=device))
        else:
            self.register_parameter('weight', None)

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return _norm.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return f'{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}'
