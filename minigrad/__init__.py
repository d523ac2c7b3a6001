"""minigrad: reverse-mode automatic differentiation and a small deep-learning stack in plain NumPy.

Code written for the PyTorch subset it covers runs by changing the imports::

    import minigrad as torch
    from minigrad import nn
    from minigrad.nn import functional as F
"""
__version__ = '0.1.0'

from . import backend
from .tensor import Size, Tensor  # first: the autograd layer and the op families build on it
from .autograd import (Function, enable_grad, is_grad_enabled, no_grad, set_detect_anomaly,
                       set_grad_enabled, detect_anomaly)
from .backend import (bool_, device, double, float, float16, float32, float64, get_default_dtype, half,
                      int, int8, int16, int32, int64, long, manual_seed, set_default_dtype, short, uint8)
from .factories import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                        normal, ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm,
                        tensor, zeros, zeros_like)
from .functions import FAMILIES, bind_methods

# Every family's public functions become minigrad.<name>; its METHODS become Tensor methods.
for _family in FAMILIES:
    globals().update({_name: getattr(_family, _name) for _name in _family.__all__})
bind_methods(Tensor)
del _family

from . import autograd, cuda  # noqa: E402


bool = bool_


def is_tensor(obj):
    return isinstance(obj, Tensor)

from . import linalg, nn, optim
from .serialization import load, save
from . import data, utils  # noqa: E402  (they build on the tensor layer above)
from . import distributed  # noqa: E402  (mpi4py is imported on first use)


def __getattr__(name):
    # minigrad.d2l (the book's framework) is imported on first use only.
    if name == 'd2l':
        import importlib
        return importlib.import_module('.d2l', __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
