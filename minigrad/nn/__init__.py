"""Neural-network building blocks, with PyTorch's names: ``from minigrad import nn``.

- ``nn.Module`` (base class, with buffers and hooks), ``nn.Parameter``
- layers: ``Linear``, ``LazyLinear``, ``Identity``, ``Flatten``, ``Unflatten``, ``Dropout``,
  ``Embedding``; normalisation ``BatchNorm1d/2d/3d``, ``LazyBatchNorm1d/2d/3d``, ``InstanceNorm1d/2d``,
  ``LayerNorm``, ``GroupNorm``; activations (``ReLU``, ``GELU``, ``SiLU``, ``LeakyReLU``, ... see
  nn/activation.py)
- containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList``, ``ParameterDict``
- convolutional: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d/2d`` (and lazy forms), pooling, padding,
  ``Upsample``, ``Dropout2d`` (nn/conv.py, nn/pooling.py)
- losses: ``MSELoss``, ``CrossEntropyLoss``, ``NLLLoss``, ``BCELoss``, ``BCEWithLogitsLoss``, ``L1Loss``,
  ``SmoothL1Loss``, ``HuberLoss``, ``KLDivLoss`` and more (nn/loss.py)
- ``nn.init`` (initialisers), ``nn.functional`` (stateless forms), ``nn.utils`` (gradient clipping,
  parameter vectors, ``rnn.pad_sequence``)
"""
from . import functional, init, parallel, utils
from .activation import (CELU, ELU, GELU, GLU, CosineSimilarity, Hardshrink, Hardsigmoid, Hardswish,
                         Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, Mish, PairwiseDistance, PReLU, ReLU,
                         ReLU6, SELU, SiLU, Sigmoid, Softmax, Softmax2d, Softmin, Softplus, Softshrink,
                         Softsign, Tanh, Tanhshrink, Threshold)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import (Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, LazyConv1d, LazyConv2d,
                   LazyConvTranspose2d)
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d,
                      AvgPool2d, CircularPad2d, ConstantPad2d, Dropout2d, MaxPool1d, MaxPool2d,
                      ReflectionPad2d, ReplicationPad2d, Upsample, ZeroPad2d)
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .linear import Identity, LazyLinear, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, GaussianNLLLoss,
                   HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss, NLLLoss,
                   PoissonNLLLoss, SmoothL1Loss, SoftMarginLoss, TripletMarginLoss)
from .module import Module
from .normalization import (BatchNorm1d, BatchNorm2d, BatchNorm3d, GroupNorm, InstanceNorm1d,
                            InstanceNorm2d, LayerNorm, LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d,
                            RMSNorm)
from .parameter import Parameter, UninitializedParameter
from .sparse import Embedding

__all__ = ['BCELoss', 'BCEWithLogitsLoss', 'BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'CELU',
           'CosineEmbeddingLoss', 'CosineSimilarity', 'CrossEntropyLoss', 'Dropout', 'ELU', 'Embedding',
           'Flatten', 'GELU', 'GLU', 'GaussianNLLLoss', 'GroupNorm', 'Hardshrink', 'Hardsigmoid', 'Hardswish',
           'Hardtanh', 'HingeEmbeddingLoss', 'HuberLoss', 'Identity', 'InstanceNorm1d', 'InstanceNorm2d',
           'KLDivLoss', 'L1Loss', 'LayerNorm', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d',
           'LazyLinear', 'LeakyReLU', 'Linear', 'LogSigmoid', 'LogSoftmax', 'MSELoss', 'MarginRankingLoss',
           'Mish', 'Module', 'ModuleDict', 'ModuleList', 'NLLLoss', 'PReLU', 'PairwiseDistance', 'Parameter',
           'ParameterDict', 'ParameterList', 'PoissonNLLLoss', 'RMSNorm', 'ReLU', 'ReLU6', 'SELU',
           'Sequential', 'SiLU', 'Sigmoid', 'SmoothL1Loss', 'SoftMarginLoss', 'Softmax', 'Softmax2d',
           'Softmin', 'Softplus', 'Softshrink', 'Softsign', 'Tanh', 'Tanhshrink', 'Threshold',
           'TripletMarginLoss', 'Unflatten', 'UninitializedParameter', 'functional', 'init', 'parallel',
           'utils']
__all__ += ['AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AvgPool1d',
            'AvgPool2d', 'CircularPad2d', 'ConstantPad2d', 'Conv1d', 'Conv2d', 'ConvTranspose1d',
            'ConvTranspose2d', 'Dropout2d', 'LazyConv1d', 'LazyConv2d', 'LazyConvTranspose2d', 'MaxPool1d',
            'MaxPool2d', 'ReflectionPad2d', 'ReplicationPad2d', 'Upsample', 'ZeroPad2d']
