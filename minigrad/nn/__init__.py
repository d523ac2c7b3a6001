"""Neural-network building blocks, with PyTorch's names: ``from minigrad import nn``.

- ``nn.Module`` (base class), ``nn.Parameter``
- layers: ``Linear``, ``LazyLinear``, ``Identity``, ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``,
  ``LogSoftmax``, ``Flatten``, ``Dropout``; containers ``Sequential``, ``ModuleList``
- convolutional: ``Conv1d``, ``Conv2d``, ``ConvTranspose2d`` (and lazy forms), pooling, padding,
  ``Upsample``, ``Dropout2d`` (nn/conv.py, nn/pooling.py)
- losses: ``MSELoss``, ``CrossEntropyLoss``
- ``nn.init`` (initialisers) and ``nn.functional`` (stateless forms)
"""
from . import functional, init, parallel
from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleList, Sequential
from .conv import (Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, LazyConv1d, LazyConv2d,
                   LazyConvTranspose2d)
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d,
                      AvgPool2d, CircularPad2d, ConstantPad2d, Dropout2d, MaxPool1d, MaxPool2d,
                      ReflectionPad2d, ReplicationPad2d, Upsample, ZeroPad2d)
from .dropout import Dropout
from .flatten import Flatten
from .linear import Identity, LazyLinear, Linear
from .loss import CrossEntropyLoss, MSELoss
from .module import Module
from .parameter import Parameter, UninitializedParameter

__all__ = ['CrossEntropyLoss', 'Dropout', 'Flatten', 'Identity', 'LazyLinear', 'Linear', 'LogSoftmax',
           'MSELoss', 'Module', 'ModuleList', 'Parameter', 'ReLU', 'Sequential', 'Sigmoid', 'Softmax',
           'Tanh', 'UninitializedParameter', 'functional', 'init']
__all__ += ['AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AvgPool1d',
            'AvgPool2d', 'CircularPad2d', 'ConstantPad2d', 'Conv1d', 'Conv2d', 'ConvTranspose1d',
            'ConvTranspose2d', 'Dropout2d', 'LazyConv1d', 'LazyConv2d', 'LazyConvTranspose2d', 'MaxPool1d',
            'MaxPool2d', 'ReflectionPad2d', 'ReplicationPad2d', 'Upsample', 'ZeroPad2d']
