"""Ops without a gradient: comparisons (``eq ne lt le gt ge``), logical ops, integer division and
remainder, ``allclose``/``equal``. Their results are constants (bool or integer tensors, or Python
bools), so there is no Function here: each computes on the arrays and wraps the result."""
import builtins

from ..backend import array_module, result_dtype
from ..conversion import as_tensor, constant, promote
from ..tensor import Tensor


def elementwise_constant(fn, a, b):
    """``fn`` on the arrays of ``a`` and ``b`` (Tensors, arrays or scalars, promoted as PyTorch
    promotes them), as a Tensor outside the graph."""
    a, b = promote(a, b) if isinstance(a, Tensor) or isinstance(b, Tensor) else (a, b)
    x = a._array if isinstance(a, Tensor) else a
    y = b._array if isinstance(b, Tensor) else b
    return constant(array_module(x if hasattr(x, 'dtype') else y).asarray(fn(x, y)))


def _compare(symbol, fn):
    def op(input, other):
        return elementwise_constant(fn, input, other)
    op.__doc__ = f"``input {symbol} other`` elementwise, as a bool tensor."
    return op


eq = _compare('==', lambda x, y: x == y)
ne = _compare('!=', lambda x, y: x != y)
lt = _compare('<', lambda x, y: x < y)
le = _compare('<=', lambda x, y: x <= y)
gt = _compare('>', lambda x, y: x > y)
ge = _compare('>=', lambda x, y: x >= y)
for _name, _op in (('eq', eq), ('ne', ne), ('lt', lt), ('le', le), ('gt', gt), ('ge', ge)):
    _op.__name__ = _op.__qualname__ = _name


def _both_bool(x, y):
    return x.dtype == bool and getattr(y, 'dtype', bool) == bool


def logical_and(input, other):
    return elementwise_constant(lambda x, y: x & y if _both_bool(x, y)
                                else array_module(x).logical_and(x, y), input, other)


def logical_or(input, other):
    return elementwise_constant(lambda x, y: x | y if _both_bool(x, y)
                                else array_module(x).logical_or(x, y), input, other)


def logical_not(input):
    x = as_tensor(input)._array
    return constant(array_module(x).logical_not(x))


def floor_divide(input, other):
    return elementwise_constant(lambda x, y: x // y, input, other)


def trunc_divide(input, other):
    """``div(input, other, rounding_mode='trunc')``: the quotient rounded towards zero."""
    return elementwise_constant(lambda x, y: array_module(x).trunc(x / y).astype(result_dtype(x, y)),
                                input, other)


def remainder(input, other):
    return elementwise_constant(lambda x, y: x % y, input, other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = as_tensor(input)._array, as_tensor(other)._array
    return builtins.bool(array_module(x).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input, other):
    x, y = as_tensor(input)._array, as_tensor(other)._array
    return x.shape == y.shape and builtins.bool((x == y).all())


def _eq_method(self, other):
    return False if other is None else eq(self, other)


def _ne_method(self, other):
    return True if other is None else ne(self, other)


def _invert(self):
    if self._array.dtype.kind != 'b':
        raise TypeError(f"~ is only defined for bool tensors, not {self._array.dtype}")
    return logical_not(self)


__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logical_and', 'logical_or', 'logical_not',
           'floor_divide', 'remainder', 'allclose', 'equal']

METHODS = {
    'eq': eq, 'ne': ne, 'lt': lt, 'le': le, 'gt': gt, 'ge': ge,
    '__eq__': _eq_method, '__ne__': _ne_method, '__lt__': lt, '__le__': le, '__gt__': gt, '__ge__': ge,
    'logical_and': logical_and, 'logical_or': logical_or, 'logical_not': logical_not,
    '__and__': logical_and, '__or__': logical_or, '__invert__': _invert,
    '__floordiv__': floor_divide, '__mod__': remainder,
    '__rfloordiv__': lambda self, other: floor_divide(other, self),
    'allclose': allclose, 'equal': equal,
}
