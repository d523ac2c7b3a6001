"""Grad mode: whether operations are recorded for backward (``no_grad`` / ``enable_grad``), and anomaly mode.

Both are per thread, as in PyTorch.
"""
import functools
import threading


class _State(threading.local):
    enabled = True
    anomaly = False


state = _State()


def is_grad_enabled():
    """True when new operations are recorded in the graph."""
    return state.enabled


class _GradMode:
    """Context manager and decorator that sets grad mode and restores the previous one on exit."""
    mode = None

    def __enter__(self):
        self._previous = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._previous
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    """Do not record operations: ``with minigrad.no_grad(): ...`` or ``@minigrad.no_grad()``.

    Inside, results never require grad, so parameter updates such as ``w -= lr * w.grad`` are plain
    in-place writes and no graph memory is spent (evaluation, optimiser steps).
    """
    mode = False


class enable_grad(_GradMode):
    """Record operations again inside a ``no_grad`` block."""
    mode = True


class set_grad_enabled(_GradMode):
    """``with set_grad_enabled(flag):`` turns recording on or off; called plainly, it sets the mode."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = state.enabled
        state.enabled = self.mode

    def __enter__(self):
        pass

    def __call__(self, func):
        raise TypeError("set_grad_enabled(flag) is a context manager; use no_grad() as a decorator")


def set_detect_anomaly(mode):
    """When on, backward checks every gradient it computes for NaN or infinity and raises an error
    naming the operation (and where it was created in the forward pass). Slower; for debugging."""
    state.anomaly = bool(mode)


def is_anomaly_enabled():
    return state.anomaly


class detect_anomaly:
    """Context manager form of :func:`set_detect_anomaly`."""

    def __enter__(self):
        self._previous = state.anomaly
        state.anomaly = True

    def __exit__(self, *exc):
        state.anomaly = self._previous
        return False
