"""minigrad: reverse-mode automatic differentiation and a small deep-learning stack in plain NumPy.

Code written for the PyTorch subset it covers runs by changing the imports::

    import minigrad as torch
    from minigrad import nn
    from minigrad.nn import functional as F
"""
__version__ = '0.1.0'

from . import _malloc  # noqa: F401  (on import: glibc's malloc thresholds, see minigrad/_malloc.py)
from . import backend
from .tensor import Size, Tensor  # first: the autograd layer and the op families build on it
from .autograd.function import Function  # the array-level base of minigrad's ops (autograd.Function: Tensors)
from .autograd import (detect_anomaly, enable_grad, inference_mode, is_anomaly_check_nan_enabled,
                       is_anomaly_enabled, is_grad_enabled, is_inference_mode_enabled, no_grad,
                       set_detect_anomaly, set_grad_enabled)
from .backend import device, set_default_dtype
from .dtypes import (bool_, double, dtype, finfo, float, float16, float32, float64, get_default_dtype, half,
                     iinfo, int, int8, int16, int32, int64, long, short, uint8)
from .factories import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, logspace,
                        normal, ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm,
                        tensor, zeros, zeros_like)
from .functions import FAMILIES, bind_methods

# Every family's public functions become minigrad.<name>; its METHODS become Tensor methods.
for _family in FAMILIES:
    globals().update({_name: getattr(_family, _name) for _name in _family.__all__})
bind_methods(Tensor)
del _family

from . import autograd, cuda  # noqa: E402
from .runtime import (are_deterministic_algorithms_enabled, get_default_device, get_num_interop_threads,  # noqa: E402
                      get_num_threads, get_rng_state, is_deterministic_algorithms_warn_only_enabled,
                      set_default_device, set_num_interop_threads, set_num_threads, set_rng_state,
                      use_deterministic_algorithms)
from . import accelerator, backends  # noqa: E402



bool = bool_
inf = 1e999  # the float; `float` here is minigrad.float (float32), as in PyTorch
nan = inf - inf
pi = 3.141592653589793
e = 2.718281828459045


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


from . import random  # noqa: E402
from .random import manual_seed  # noqa: E402  (returns default_generator, as PyTorch)
from .factories import (BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,  # noqa: E402
                        IntTensor, LongTensor, ShortTensor)

from . import linalg, nn, optim
from . import distributions  # noqa: E402  (builds on nn's functions)
from .serialization import load, save
from .printing import get_printoptions, set_printoptions  # noqa: E402
from . import data, utils  # noqa: E402  (they build on the tensor layer above)
from . import distributed  # noqa: E402  (mpi4py is imported on first use)


def __getattr__(name):
    # minigrad.d2l (the book's framework) and minigrad.testing are imported on first use only.
    if name in ('d2l', 'testing'):
        import importlib
        return importlib.import_module('.' + name, __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
