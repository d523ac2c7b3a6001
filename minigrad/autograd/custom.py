"""``minigrad.autograd.Function``: PyTorch's custom-Function API, where ``forward`` and ``backward`` receive
and return Tensors.

minigrad's own ops subclass the array-level base (``minigrad.Function``, :mod:`.function`), whose
``forward`` and ``backward`` see NumPy or CuPy arrays. Code written for ``torch.autograd.Function`` expects
Tensors instead (``input.clamp(min=0)``, ``grad_output.clone()``), so this subclass wraps the methods a
subclass defines: arguments that are arrays arrive as Tensors (sharing memory, outside the graph), the
returned Tensor goes back to the engine as its array, ``ctx.save_for_backward`` takes Tensors and
``ctx.saved_tensors`` gives Tensors back. As in PyTorch, ``forward`` runs with grad mode off, and
``backward`` records its operations only under ``create_graph=True``::

    class MyReLU(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

PyTorch's other style works too: ``forward(*args)`` without ``ctx`` plus
``setup_context(ctx, inputs, output)``. One output per Function (minigrad's engine records one output
per node): a ``forward`` returning a tuple raises, saying so.
"""
import functools

from ..tensor import Tensor, make_tensor
from . import function as _base
from .grad_mode import no_grad, set_grad_enabled

__all__ = ['Function', 'once_differentiable']


def _is_array(value):
    return hasattr(value, 'dtype') and hasattr(value, 'shape') and not isinstance(value, Tensor)


def _as_array(value):
    return value._array if isinstance(value, Tensor) else value


def _wrap_forward(fn, with_setup):
    @functools.wraps(fn)
    def forward(ctx, *args):
        tensors = tuple(make_tensor(a) if _is_array(a) else a for a in args)
        with no_grad():
            out = fn(*tensors) if with_setup else fn(ctx, *tensors)
            if with_setup:
                type(ctx).setup_context(ctx, tensors, out)
        if isinstance(out, (tuple, list)):
            raise NotImplementedError(
                f"{type(ctx).__name__}.forward returned {len(out)} outputs; minigrad records one output per "
                "Function: return one Tensor (stack or concatenate the results and split them outside), or "
                "write one Function per output")
        # The engine checks saved values by identity with the inputs' and the output's arrays.
        if ctx.saved_tensors:
            ctx.saved_tensors = tuple(_as_array(s) for s in ctx.saved_tensors)
        return _as_array(out)
    forward._tensor_api = True
    return forward


def _wrap_backward(fn):
    @functools.wraps(fn)
    def backward(ctx, grad):
        graph = isinstance(grad, Tensor)  # create_graph: the engine hands Tensors already
        saved = ctx.saved_tensors
        if not graph:
            grad = make_tensor(grad)
            ctx.saved_tensors = tuple(make_tensor(s) if _is_array(s) else s for s in saved)
        try:
            with set_grad_enabled(graph):
                result = fn(ctx, grad)
        finally:
            ctx.saved_tensors = saved
        results = result if isinstance(result, tuple) else (result,)
        return results if graph else tuple(_as_array(r) for r in results)
    backward._tensor_api = True
    return backward


class Function(_base.Function):
    """Base class of custom differentiable operations with PyTorch's Tensor-level API (see the module
    docstring); call them with ``MyFunction.apply(*args)``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        with_setup = cls.setup_context is not Function.setup_context
        for name in ('forward', 'backward'):
            method = cls.__dict__.get(name)
            if method is None:
                continue
            fn = method.__func__ if isinstance(method, (staticmethod, classmethod)) else method
            if getattr(fn, '_tensor_api', False):
                continue
            wrapped = _wrap_forward(fn, with_setup) if name == 'forward' else _wrap_backward(fn)
            setattr(cls, name, staticmethod(wrapped))

    @staticmethod
    def setup_context(ctx, inputs, output):
        """PyTorch's separate context set-up (used when ``forward`` takes no ``ctx``)."""

    def set_materialize_grads(self, value):
        """Accepted for PyTorch's sake: minigrad always passes a gradient Tensor to ``backward``."""
        self._materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        """Accepted for PyTorch's sake: an in-place change inside ``forward`` is seen by the version
        counter as any other."""


def once_differentiable(fn):
    """As ``torch.autograd.function.once_differentiable``: the decorated ``backward`` is not itself
    differentiated (minigrad runs it under ``no_grad``)."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            return fn(ctx, *args)
    return wrapper
