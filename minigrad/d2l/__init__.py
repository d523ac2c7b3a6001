"""The book-style framework of the seed (Dive into Deep Learning's ``d2l`` library, PyTorch flavour):
``from minigrad import d2l`` where the book writes ``from d2l import torch as d2l``.

- utilities: :func:`add_to_class`, :class:`HyperParameters`, :class:`ProgressBoard`;
- the framework: :class:`Module`, :class:`DataModule`, :class:`Trainer`, :class:`Classifier`;
- data: :class:`SyntheticRegressionData`, :class:`FashionMNIST`;
- models: :class:`LinearRegressionScratch`, :class:`SGD`, :class:`LinearRegression`,
  :class:`SoftmaxRegression`, :class:`MLP`;
- convolutional chapters (7, 8): :func:`corr2d`, :func:`init_cnn`, :class:`LeNet`, :class:`BNLeNet`,
  :class:`Residual`, :class:`ResNet`, :class:`ResNet18`, and :class:`LeNetModern`, :class:`ResNetMini`;
- devices: :func:`cpu`, :func:`gpu`, :func:`num_gpus`, :func:`try_gpu`, :func:`try_all_gpus`;
- utilities of the later chapters: :func:`use_svg_display`, :func:`set_figsize`, :func:`set_axes`,
  :func:`plot`, :class:`Timer`, :class:`Accumulator`, :func:`init_cnn`;
- the framework-neutral aliases of the book's torch module (``d2l.tensor``, ``d2l.reshape``,
  ``d2l.reduce_sum``, ``d2l.astype``, ``d2l.float32`` ...; see :mod:`.aliases`), and ``d2l.torch``,
  ``d2l.nn``, ``d2l.F``, ``d2l.np``, ``d2l.plt`` as the book's module imports them.

Differences from the book, all additions: ``Trainer.fit`` returns a History and prints a line per
epoch; ``ProgressBoard`` works outside notebooks (prints points, saves a PNG); data loads in-process.
"""
from .board import ProgressBoard
from .cnn import BNLeNet, LeNet, LeNetModern, Residual, ResNet, ResNet18, ResNetMini, corr2d
from .data import FashionMNIST, SyntheticRegressionData, show_images
from .framework import Classifier, DataModule, Module, cpu, gpu, num_gpus, try_gpu
from .hyper import HyperParameters, add_to_class
from .models import MLP, SGD, LinearRegression, LinearRegressionScratch, SoftmaxRegression
from .trainer import History, Trainer
from .utils import Accumulator, Timer, init_cnn, plot, set_axes, set_figsize, try_all_gpus, use_svg_display
from .aliases import *  # noqa: F401,F403  (the book's framework-neutral names)
from . import aliases as _aliases
from .. import nn
from ..nn import functional as F
import minigrad as torch  # noqa: E402  (the book's module has `torch` in its namespace)


def __getattr__(name):
    if name == 'plt':  # the book's `d2l.plt`; imported on first use only (pyplot picks a backend)
        from matplotlib import pyplot
        return pyplot
    if name == 'np':  # the book's `d2l.np` (NumPy), for host-side arrays in its listings
        import importlib
        return importlib.import_module('numpy')
    raise AttributeError(f"module 'minigrad.d2l' has no attribute {name!r}")


__all__ = ['BNLeNet', 'LeNet', 'LeNetModern', 'Residual', 'ResNet', 'ResNet18', 'ResNetMini', 'corr2d']
__all__ += ['Classifier', 'DataModule', 'FashionMNIST', 'History', 'HyperParameters', 'LinearRegression',
           'LinearRegressionScratch', 'MLP', 'Module', 'ProgressBoard', 'SGD', 'SoftmaxRegression',
           'SyntheticRegressionData', 'Trainer', 'add_to_class', 'cpu', 'gpu', 'num_gpus', 'show_images',
           'try_gpu', 'try_all_gpus', 'use_svg_display', 'set_figsize', 'set_axes', 'plot', 'Timer',
           'Accumulator', 'init_cnn', 'torch', 'nn', 'F'] + _aliases.__all__
