"""The book-style framework of the seed (Dive into Deep Learning's ``d2l`` library, PyTorch flavour):
``from minigrad import d2l`` where the book writes ``from d2l import torch as d2l``.

- utilities: :func:`add_to_class`, :class:`HyperParameters`, :class:`ProgressBoard`;
- the framework: :class:`Module`, :class:`DataModule`, :class:`Trainer`, :class:`Classifier`;
- data: :class:`SyntheticRegressionData`, :class:`FashionMNIST`;
- models: :class:`LinearRegressionScratch`, :class:`SGD`, :class:`LinearRegression`,
  :class:`SoftmaxRegression`, :class:`MLP`;
- convolutional chapters (7, 8): :func:`corr2d`, :func:`init_cnn`, :class:`LeNet`, :class:`BNLeNet`,
  :class:`Residual`, :class:`ResNet`, :class:`ResNet18`, and :class:`LeNetModern`, :class:`ResNetMini`;
- devices: :func:`cpu`, :func:`gpu`, :func:`num_gpus`, :func:`try_gpu`.

Differences from the book, all additions: ``Trainer.fit`` returns a History and prints a line per
epoch; ``ProgressBoard`` works outside notebooks (prints points, saves a PNG); data loads in-process.
"""
from .board import ProgressBoard
from .cnn import (BNLeNet, LeNet, LeNetModern, Residual, ResNet, ResNet18, ResNetMini, corr2d,
                  init_cnn)
from .data import FashionMNIST, SyntheticRegressionData, show_images
from .framework import Classifier, DataModule, Module, cpu, gpu, num_gpus, try_gpu
from .hyper import HyperParameters, add_to_class
from .models import MLP, SGD, LinearRegression, LinearRegressionScratch, SoftmaxRegression
from .trainer import History, Trainer


def __getattr__(name):
    if name == 'plt':  # the book's `d2l.plt`; imported on first use only (pyplot picks a backend)
        from matplotlib import pyplot
        return pyplot
    raise AttributeError(f"module 'minigrad.d2l' has no attribute {name!r}")


__all__ = ['BNLeNet', 'LeNet', 'LeNetModern', 'Residual', 'ResNet', 'ResNet18', 'ResNetMini', 'corr2d',
           'init_cnn']
__all__ += ['Classifier', 'DataModule', 'FashionMNIST', 'History', 'HyperParameters', 'LinearRegression',
           'LinearRegressionScratch', 'MLP', 'Module', 'ProgressBoard', 'SGD', 'SoftmaxRegression',
           'SyntheticRegressionData', 'Trainer', 'add_to_class', 'cpu', 'gpu', 'num_gpus', 'show_images',
           'try_gpu']
