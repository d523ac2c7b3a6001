"""Optimisers and learning-rate schedules with PyTorch's names, arguments, defaults and update rules.

``minigrad.optim.SGD``, ``Adam``, ``AdamW`` live in :mod:`.optimizer` (with the ``Optimizer`` base
class); the other adaptive methods in :mod:`.adaptive`; schedules in :mod:`.lr_scheduler`.
"""
from .optimizer import SGD, Adam, AdamW, Optimizer, required

__all__ = ['Optimizer', 'SGD', 'Adam', 'AdamW']
