"""Optimisers and learning-rate schedules with PyTorch's names, arguments, defaults and update rules.

``SGD``, ``Adam`` and ``AdamW`` live in :mod:`.optimizer` (with the ``Optimizer`` base class); the
other adaptive methods (``RMSprop Adagrad Adadelta Adamax NAdam RAdam``) in :mod:`.adaptive`;
schedules in :mod:`.lr_scheduler` (``minigrad.optim.lr_scheduler.StepLR`` ...).
"""
from .optimizer import SGD, Adam, AdamW, Optimizer, required
from .adaptive import Adadelta, Adagrad, Adamax, NAdam, RAdam, RMSprop
from . import lr_scheduler

__all__ = ['Optimizer', 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam',
           'RAdam', 'lr_scheduler']
