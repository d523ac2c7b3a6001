"""More elementwise math: log1p, expm1, log2, log10, exp2, tan, asin, acos, atan, atan2, sinh, cosh,
asinh, acosh, atanh, reciprocal, rsqrt, logit, sinc, deg2rad, rad2deg, and the in-place forms of the
common unary ops (``abs_ neg_ exp_ log_ sqrt_ sigmoid_ tanh_ relu_ ...``).

One Function per op, with its derivative written with operators on the saved input (and output), so
that second derivatives work. Integer inputs become the default float dtype, as in PyTorch.
"""
import math

from . import surface_base as ops
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import write_out
from .elementwise import Cos, Exp, Sin

__all__ = ['log1p', 'expm1', 'log2', 'log10', 'exp2', 'tan', 'asin', 'acos', 'atan', 'atan2', 'arctan2',
           'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'arcsin', 'arccos', 'arctan', 'arcsinh', 'arccosh',
           'arctanh', 'reciprocal', 'rsqrt', 'logit', 'sinc', 'deg2rad', 'rad2deg', 'inf', 'nan', 'pi', 'e',
           'newaxis']

inf, nan, pi, e = math.inf, math.nan, math.pi, math.e
newaxis = None

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Unary(Function):
    """``xp.<name>(x)``; the derivative comes from ``_DERIVATIVES[name](x, out)`` (operators only)."""

    @staticmethod
    def forward(ctx, x, name):
        out = getattr(array_module(x), _KERNELS.get(name, name))(x)
        ctx.save_for_backward(x, out)
        ctx.op = name
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * _DERIVATIVES[ctx.op](x, out), None


_KERNELS = {'asin': 'arcsin', 'acos': 'arccos', 'atan': 'arctan', 'asinh': 'arcsinh', 'acosh': 'arccosh',
            'atanh': 'arctanh'}

_DERIVATIVES = {
    'log1p': lambda x, out: 1 / (x + 1),
    'expm1': lambda x, out: out + 1,
    'log2': lambda x, out: 1 / (x * _LN2),
    'log10': lambda x, out: 1 / (x * _LN10),
    'exp2': lambda x, out: out * _LN2,
    'tan': lambda x, out: out * out + 1,
    'asin': lambda x, out: (1 - x * x) ** -0.5,
    'acos': lambda x, out: -((1 - x * x) ** -0.5),
    'atan': lambda x, out: 1 / (x * x + 1),
    'sinh': lambda x, out: Cosh.call(x),
    'cosh': lambda x, out: Sinh.call(x),
    'asinh': lambda x, out: (x * x + 1) ** -0.5,
    'acosh': lambda x, out: (x * x - 1) ** -0.5,
    'atanh': lambda x, out: 1 / (1 - x * x),
    'reciprocal': lambda x, out: -(out * out),
    'rad2deg': lambda x, out: 180.0 / math.pi + x * 0,
    'deg2rad': lambda x, out: math.pi / 180.0 + x * 0,
}


class Sinh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Cosh.call(x)


class Cosh(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return array_module(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * Sinh.call(x)


class Atan2(Function):
    """``atan2(y, x)``: the angle of the point (x, y)."""

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        return array_module(y).arctan2(y, x)

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        r2 = x * x + y * y
        needs = ctx.needs_input_grad
        return (grad * x / r2 if needs[0] else None), (-grad * y / r2 if needs[1] else None)


def _unary(name):
    def op(input, *, out=None):
        x = ops._to_float(ops.as_tensor(input))
        if name == 'sinh':
            return write_out(Sinh.apply(x), out, name)
        if name == 'cosh':
            return write_out(Cosh.apply(x), out, name)
        return write_out(Unary.apply(x, name), out, name)
    op.__name__ = name
    op.__doc__ = f"Elementwise {name} (NumPy's ``{_KERNELS.get(name, name)}``), differentiable."
    return op


for _name in ('log1p', 'expm1', 'log2', 'log10', 'exp2', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh',
              'asinh', 'acosh', 'atanh', 'reciprocal', 'deg2rad', 'rad2deg'):
    globals()[_name] = _unary(_name)
arcsin, arccos, arctan = asin, acos, atan            # noqa: F821  (defined by the loop above)
arcsinh, arccosh, arctanh = asinh, acosh, atanh      # noqa: F821


def rsqrt(input, *, out=None):
    """``1 / sqrt(input)``."""
    return write_out(ops.pow(ops._to_float(ops.as_tensor(input)), -0.5), out, 'rsqrt')


def atan2(input, other, *, out=None):
    """The angle of the point (other, input), in (-pi, pi]."""
    from .rounding import _float_pair
    return write_out(Atan2.apply(*_float_pair(input, other, 'atan2')), out, 'atan2')


arctan2 = atan2


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    p = ops._to_float(ops.as_tensor(input))
    if eps is not None:
        p = ops.clamp(p, eps, 1 - eps)
    return write_out(ops.sub(ops.log(p), log1p(ops.neg(p))), out, 'logit')


def sinc(input, *, out=None):
    """``sin(pi x) / (pi x)``, 1 at 0."""
    x = ops._to_float(ops.as_tensor(input))
    xp = x._xp()
    zero = x._array == 0
    safe = ops.where(ops.constant(zero), ops.constant(xp.ones((), x._array.dtype)), x)
    px = ops.mul(safe, math.pi)
    value = ops.div(Sin.apply(px), px)
    return write_out(ops.where(ops.constant(zero), ops.constant(xp.ones((), x._array.dtype)), value), out, 'sinc')


def _inplace(fn):
    def method(self, *args, **kwargs):
        from .indexing import _assign
        return _assign(self, fn(self, *args, **kwargs))
    method.__name__ = getattr(fn, '__name__', 'op') + '_'
    return method


METHODS = {name: globals()[name] for name in ('log1p', 'expm1', 'log2', 'log10', 'exp2', 'tan', 'asin', 'acos',
                                              'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'reciprocal',
                                              'deg2rad', 'rad2deg', 'rsqrt', 'logit', 'sinc', 'atan2',
                                              'arcsin', 'arccos', 'arctan', 'arctan2')}
METHODS.update({name + '_': _inplace(fn) for name, fn in list(METHODS.items())})
METHODS.update({name + '_': _inplace(fn) for name, fn in (
    ('abs', ops.abs), ('neg', ops.neg), ('exp', ops.exp), ('log', ops.log), ('sqrt', ops.sqrt),
    ('sin', ops.sin), ('cos', ops.cos), ('sigmoid', ops.sigmoid), ('tanh', ops.tanh), ('relu', ops.relu),
    ('square', ops.square), ('pow', ops.pow), ('absolute', ops.abs), ('negative', ops.neg),
    ('logical_not', ops.logical_not))})
del Exp, Cos
