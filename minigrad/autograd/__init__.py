"""Reverse-mode automatic differentiation: the Function base classes, the engine and grad mode.

``minigrad.autograd.Function`` is PyTorch's custom-Function API (Tensors in and out, :mod:`.custom`);
``minigrad.Function`` is the array-level base that minigrad's own ops subclass (:mod:`.function`).
"""
from . import grad_mode
from .custom import Function, once_differentiable
from .engine import backward, grad
from .grad_mode import (detect_anomaly, enable_grad, inference_mode, is_anomaly_check_nan_enabled,
                        is_anomaly_enabled, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_detect_anomaly, set_grad_enabled)
from .tape import print_tape, tape
from . import functional  # noqa: E402  (builds on grad)

__all__ = ['Function', 'once_differentiable', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled', 'inference_mode',
           'is_grad_enabled', 'is_inference_mode_enabled', 'set_detect_anomaly', 'detect_anomaly',
           'is_anomaly_enabled', 'is_anomaly_check_nan_enabled', 'tape', 'print_tape']
