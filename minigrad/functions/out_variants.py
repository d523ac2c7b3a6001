"""``out=`` on the functional forms of the core ops (``minigrad.add(a, b, out=c)``), as PyTorch takes
it. Each is the op itself with :func:`minigrad.outputs.write_out` applied to its result; the Tensor
methods and operators keep calling the op directly (no wrapper on their path). The ops of the other
families take ``out=`` in their own signatures."""
import functools
import sys

from ..outputs import write_out

_NAMES = ('add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'matmul', 'neg',
          'negative', 'pow', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'abs', 'absolute',
          'square', 'maximum', 'minimum', 'sum', 'mean', 'std', 'var', 'amax', 'amin', 'argmax', 'argmin',
          'logsumexp', 'cat', 'concat', 'concatenate', 'stack', 'eq', 'ne', 'lt', 'le', 'gt', 'ge',
          'floor_divide', 'max', 'min')


def _with_out(fn, name):
    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        return write_out(fn(*args, **kwargs), out, name)
    return op


_package = sys.modules[__name__.split('.')[0]]
__all__ = [name for name in _NAMES if hasattr(_package, name)]
globals().update({name: _with_out(getattr(_package, name), name) for name in __all__})
METHODS = {}
