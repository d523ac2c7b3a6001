"""Grad mode: whether operations are recorded for backward (``no_grad`` / ``enable_grad`` /
``set_grad_enabled`` / ``inference_mode``), and anomaly mode (``detect_anomaly`` /
``set_detect_anomaly``).

All are per thread, as in PyTorch, and each works as a context manager and as a decorator
(``@no_grad()``, or bare ``@no_grad`` as PyTorch also allows).
"""
import functools
import inspect
import threading


class _State(threading.local):
    enabled = True
    inference = False
    anomaly = False
    check_nan = True


state = _State()


def is_grad_enabled():
    """True when new operations are recorded in the graph."""
    return state.enabled


def is_inference_mode_enabled():
    """True inside ``inference_mode()``."""
    return state.inference


class _Decorating:
    """Use an instance as a decorator: every call of the function runs inside a fresh copy of it."""

    def _clone(self):
        return self.__class__()

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def generator(*args, **kwargs):
                gen = func(*args, **kwargs)
                try:
                    with self._clone():
                        request = gen.send(None)
                    while True:
                        try:
                            response = yield request
                        except GeneratorExit:
                            with self._clone():
                                gen.close()
                            raise
                        except BaseException as exc:
                            with self._clone():
                                request = gen.throw(exc)
                        else:
                            with self._clone():
                                request = gen.send(response)
                except StopIteration as stop:
                    return stop.value
            return generator

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self._clone():
                return func(*args, **kwargs)
        return wrapper


class _GradMode(_Decorating):
    """Sets grad mode on entry and restores the previous one on exit."""
    mode = None

    def __new__(cls, func=None):
        if func is not None and callable(func):  # bare ``@no_grad`` on a function
            return cls()(func)
        return super().__new__(cls)

    def __init__(self, func=None):
        pass

    def __enter__(self):
        self._previous = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._previous
        return False


class no_grad(_GradMode):
    """Do not record operations: ``with minigrad.no_grad(): ...`` or ``@minigrad.no_grad()``.

    Inside, results never require grad, so parameter updates such as ``w -= lr * w.grad`` are plain
    in-place writes and no graph memory is spent (evaluation, optimiser steps).
    """
    mode = False


class enable_grad(_GradMode):
    """Record operations again inside a ``no_grad`` block."""
    mode = True


class set_grad_enabled(_Decorating):
    """``set_grad_enabled(flag)`` sets grad mode at once (a plain call); as ``with
    set_grad_enabled(flag):`` the previous mode comes back on exit; as ``@set_grad_enabled(flag)``
    each call of the function runs in that mode (and the decoration itself changes nothing)."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = state.enabled
        state.enabled = self.mode

    def _clone(self):
        return set_grad_enabled(self.mode)

    def __call__(self, func):
        state.enabled = self._previous  # decorating is not a call: undo the mode set by __init__
        return super().__call__(func)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.enabled = self._previous
        return False

    def clone(self):
        return self._clone()


class inference_mode(_Decorating):
    """``with minigrad.inference_mode():`` (or ``@inference_mode()``): no graph is recorded, as under
    ``no_grad``, and ``is_inference_mode_enabled()`` is True. ``inference_mode(False)`` does nothing
    (it lets code turn the mode off by a flag). Unlike PyTorch, tensors made inside are ordinary
    tensors (PyTorch marks them as inference tensors that autograd later refuses; see
    docs/semantics.md)."""

    def __new__(cls, mode=True):
        if not isinstance(mode, bool) and callable(mode):  # bare ``@inference_mode``
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def _clone(self):
        return inference_mode(self.mode)

    def clone(self):
        return self._clone()

    def __enter__(self):
        self._previous = (state.enabled, state.inference)
        if self.mode:
            state.enabled, state.inference = False, True

    def __exit__(self, *exc):
        state.enabled, state.inference = self._previous
        return False


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` turns anomaly mode on at once; as a context manager the previous
    setting comes back on exit. In anomaly mode every forward op records where it was called, and
    (with ``check_nan=True``) backward checks each gradient it computes for NaN or infinity and raises
    an error naming the op and that place. Slower; for debugging."""

    def __init__(self, mode, check_nan=True):
        self._previous = (state.anomaly, state.check_nan)
        state.anomaly, state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.anomaly, state.check_nan = self._previous
        return False


def is_anomaly_enabled():
    return state.anomaly


def is_anomaly_check_nan_enabled():
    return state.check_nan


class detect_anomaly(_Decorating):
    """Context manager (and decorator) that turns anomaly mode on inside (see
    :class:`set_detect_anomaly`)."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def _clone(self):
        return detect_anomaly(self.check_nan)

    def __enter__(self):
        self._previous = (state.anomaly, state.check_nan)
        state.anomaly, state.check_nan = True, bool(self.check_nan)

    def __exit__(self, *exc):
        state.anomaly, state.check_nan = self._previous
        return False
