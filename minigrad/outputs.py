"""What the functional ops hand back besides a plain tensor: PyTorch's ``out=`` argument and the named
tuples (``values``/``indices``, ``sign``/``logabsdet``, ...) that PyTorch returns.

``write_out(result, out, op)`` is the one place ``out=`` is honoured: the result is written into ``out``
(resized when its shape differs, as PyTorch does), and ``out`` is returned. As in PyTorch, ``out=`` does
not take part in autograd: it raises when the result needs a gradient.
"""
import collections

from .autograd.function import epoch
from .autograd.grad_mode import state

_tuples = {}


def named(name, fields):
    """The namedtuple type PyTorch returns under ``name`` (e.g. ``torch.return_types.sort``), made once."""
    key = (name, tuple(fields))
    cls = _tuples.get(key)
    if cls is None:
        cls = _tuples[key] = collections.namedtuple(name, fields)
    return cls


def write_out(result, out, op):
    """Write ``result`` (a Tensor, or a tuple of them for ops returning several) into ``out``."""
    if out is None:
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{op}: out= must be a tuple of {len(result)} tensors, got {out!r}")
        written = [write_out(r, o, op) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, '_fields') else tuple(written)
    if state.enabled and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                           "differentiation; call it without out= (y = f(x)) or under minigrad.no_grad()")
    src = result._array
    dst = out._array
    if dst.dtype.kind in 'biu' and src.dtype.kind == 'f' or dst.dtype.kind == 'b' and src.dtype.kind != 'b':
        raise RuntimeError(f"{op}(): result type {src.dtype} can't be cast to the desired output type "
                           f"{dst.dtype} given in out=")
    xp = result._xp()
    if dst.shape != src.shape:
        out._array = dst = xp.empty(src.shape, dtype=dst.dtype)
    xp.copyto(dst, src, casting='unsafe')
    epoch.value += 1
    if out._version is None:
        out._version = [epoch.value]
    else:
        out._version[0] = epoch.value
    return out
