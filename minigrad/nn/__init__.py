"""Neural-network building blocks, with PyTorch's names: ``from minigrad import nn``.

- ``nn.Module`` (base class), ``nn.Parameter``
- layers: ``Linear``, ``LazyLinear``, ``Identity``, ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``,
  ``LogSoftmax``, ``Flatten``, ``Dropout``; containers ``Sequential``, ``ModuleList``
- losses: ``MSELoss``, ``CrossEntropyLoss``
- ``nn.init`` (initialisers) and ``nn.functional`` (stateless forms)
"""
from . import functional, init, parallel
from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleList, Sequential
from .dropout import Dropout
from .flatten import Flatten
from .linear import Identity, LazyLinear, Linear
from .loss import CrossEntropyLoss, MSELoss
from .module import Module
from .parameter import Parameter, UninitializedParameter

__all__ = ['CrossEntropyLoss', 'Dropout', 'Flatten', 'Identity', 'LazyLinear', 'Linear', 'LogSoftmax',
           'MSELoss', 'Module', 'ModuleList', 'Parameter', 'ReLU', 'Sequential', 'Sigmoid', 'Softmax',
           'Tanh', 'UninitializedParameter', 'functional', 'init']
