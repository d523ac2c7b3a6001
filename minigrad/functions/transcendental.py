"""Elementwise extras beside :mod:`.extra_math`: logit, sinc, deg2rad, rad2deg, the in-place forms of
the unary ops (``abs_ neg_ exp_ log_ sqrt_ sigmoid_ tanh_ relu_ log1p_ tan_ ...``) and the constants
``inf nan pi e newaxis``.

They are compositions of differentiable ops (so second derivatives work); an in-place form writes the
out-of-place result into the tensor through the engine's in-place rule.
"""
import math

from ..outputs import write_out
from . import extra_math
from . import surface_base as ops
from .elementwise import Sin

__all__ = ['logit', 'sinc', 'deg2rad', 'rad2deg', 'newaxis']  # inf nan pi e: minigrad/__init__.py's

newaxis = None


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    p = ops._to_float(ops.as_tensor(input))
    if eps is not None:
        p = ops.clamp(p, eps, 1 - eps)
    return write_out(ops.sub(ops.log(p), extra_math.log1p(ops.neg(p))), out, 'logit')


def sinc(input, *, out=None):
    """``sin(pi x) / (pi x)``, 1 at 0."""
    x = ops._to_float(ops.as_tensor(input))
    xp = x._xp()
    zero = ops.constant(x._array == 0)
    one = ops.constant(xp.ones((), x._array.dtype))
    px = ops.mul(ops.where(zero, one, x), math.pi)
    return write_out(ops.where(zero, one, ops.div(Sin.apply(px), px)), out, 'sinc')


def deg2rad(input, *, out=None):
    return write_out(ops.mul(ops._to_float(ops.as_tensor(input)), math.pi / 180.0), out, 'deg2rad')


def rad2deg(input, *, out=None):
    return write_out(ops.mul(ops._to_float(ops.as_tensor(input)), 180.0 / math.pi), out, 'rad2deg')


def _inplace(fn):
    def method(self, *args, **kwargs):
        from .indexing import _assign
        return _assign(self, fn(self, *args, **kwargs))
    method.__name__ = getattr(fn, '__name__', 'op') + '_'
    return method


METHODS = {'logit': logit, 'sinc': sinc, 'deg2rad': deg2rad, 'rad2deg': rad2deg}
_UNARY = {name: getattr(extra_math, name) for name in extra_math.__all__}
_UNARY.update({'abs': ops.abs, 'neg': ops.neg, 'exp': ops.exp, 'log': ops.log, 'sqrt': ops.sqrt, 'sin': ops.sin,
               'cos': ops.cos, 'sigmoid': ops.sigmoid, 'tanh': ops.tanh, 'relu': ops.relu, 'square': ops.square,
               'pow': ops.pow, 'absolute': ops.abs, 'negative': ops.neg, 'logical_not': ops.logical_not})
_UNARY.update(METHODS)
# The core families' in-place forms (exp_, relu_, ...) record the op itself on the tensor (saving what
# PyTorch saves, views rebasing their base); the others here are written as a result assigned in place.
_CORE_INPLACE = {'abs', 'neg', 'exp', 'log', 'sqrt', 'sin', 'cos', 'sigmoid', 'tanh', 'relu', 'square', 'pow'}
METHODS.update({name + '_': _inplace(fn) for name, fn in _UNARY.items() if name not in _CORE_INPLACE})
