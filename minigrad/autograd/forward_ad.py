"""Forward-mode automatic differentiation with dual numbers, as ``torch.autograd.forward_ad``.

A *dual tensor* carries, beside its value (the primal), a tangent: the derivative of that value along
one direction of the inputs. Every op propagates tangents as it computes values, using the ``jvp``
rule that sits in its Function beside ``forward`` and ``backward`` (``Mul.jvp`` returns
``ta * b + a * tb``), so one forward pass gives the Jacobian-vector product ``J v``::

    import minigrad.autograd.forward_ad as fwAD

    x = minigrad.tensor([1.0, 2.0])
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, minigrad.tensor([1.0, 0.0]))   # the direction v
        y = (dual ** 2).sum()
        primal, tangent = fwAD.unpack_dual(y)                   # y and dy/dx . v = 2
    # outside the level every tangent is gone

Cost: one pass, about twice the forward's work, whatever the number of outputs, against reverse mode's
one backward pass per output. Tangents live only inside ``dual_level()``; a level cannot be nested.
Forward and reverse mode compose: inside a level, a backward pass with ``create_graph=True`` propagates
tangents too (``hvp`` by forward-over-reverse).
"""
import collections
import weakref

from . import function as _function

__all__ = ['dual_level', 'make_dual', 'unpack_dual', 'UnpackedDualTensor', 'enter_dual_level',
           'exit_dual_level']

UnpackedDualTensor = collections.namedtuple('UnpackedDualTensor', ['primal', 'tangent'])


class _ForwardState:
    """The current level (None outside ``dual_level``) and the tangents of the tensors that have one,
    keyed by ``id`` with a weak reference to check that the tensor is still the same object."""
    level = None
    tangents = {}


state = _ForwardState()


def enter_dual_level():
    """Start a dual level (``dual_level()`` does this as a context manager); returns its index."""
    if state.level is not None:
        raise RuntimeError("forward AD: a dual level is already active; nested dual levels are not "
                           "supported (exit the current `with dual_level():` first)")
    state.level = 0
    state.tangents = {}
    mode = _function.forward_mode
    mode.get, mode.set, mode.active = get_tangent, set_tangent, True
    return 0


def exit_dual_level(*, level=None):
    """End the current dual level: every tangent is dropped."""
    if state.level is None:
        raise RuntimeError("forward AD: exit_dual_level called outside a dual level")
    state.level = None
    state.tangents = {}
    _function.forward_mode.active = False


class dual_level:
    """``with dual_level():`` -- the scope inside which dual tensors exist."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
        return False


def get_tangent(tensor):
    """The tangent of ``tensor`` at the current level, or None."""
    entry = state.tangents.get(id(tensor))
    if entry is None:
        return None
    ref, tangent = entry
    if ref() is not tensor:   # the id was reused by a new object
        del state.tangents[id(tensor)]
        return None
    return tangent


def set_tangent(tensor, tangent):
    key = id(tensor)
    tangents = state.tangents

    def forget(_ref, key=key, tangents=tangents):
        entry = tangents.get(key)
        if entry is not None and entry[0] is _ref:
            del tangents[key]

    tangents[key] = (weakref.ref(tensor, forget), tangent)


class _MakeDual(_function.Function):
    """The dual tensor is a new tensor sharing the primal's memory; reverse mode passes through it."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad

    @staticmethod
    def jvp(ctx, tangent):
        return None   # make_dual sets the new tangent itself; unpack_dual's primal has none


def make_dual(tensor, tangent, *, level=None):
    """A tensor with the values of ``tensor`` (sharing its memory) and the tangent ``tangent``."""
    Tensor = _function.Tensor
    if state.level is None:
        raise RuntimeError("make_dual: no dual level is active; call it inside `with "
                           "minigrad.autograd.forward_ad.dual_level():`")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError(f"make_dual expects two Tensors, got {type(tensor).__name__} and "
                        f"{type(tangent).__name__}")
    if tensor.dtype.kind not in 'fc':
        raise ValueError(f"make_dual: only floating-point tensors can have a tangent, this primal is "
                         f"{tensor.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise ValueError(f"make_dual: the tangent has shape {tuple(tangent.shape)} but the primal has shape "
                         f"{tuple(tensor.shape)}; they must match")
    if tangent.dtype.kind not in 'fc':
        raise ValueError(f"make_dual: the tangent must be floating point, this one is {tangent.dtype}")
    if tangent.dtype != tensor.dtype:   # as PyTorch: the tangent takes the primal's dtype
        tangent = tangent.to(tensor.dtype)
    if tangent.device != tensor.device:
        raise ValueError(f"make_dual: the tangent is on {tangent.device} but the primal is on "
                         f"{tensor.device}")
    dual = _MakeDual.apply(tensor)
    set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)``: a view of the values without their tangent, and the tangent (None when the
    tensor has none)."""
    Tensor = _function.Tensor
    if not isinstance(tensor, Tensor):
        raise TypeError(f"unpack_dual expects a Tensor, got {type(tensor).__name__}")
    if state.level is None:
        return UnpackedDualTensor(tensor, None)
    tangent = get_tangent(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    primal = _MakeDual.apply(tensor)
    return UnpackedDualTensor(primal, tangent)
