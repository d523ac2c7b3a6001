"""The core ops and argument rules the surface families (indexing, sorting, cumulative, rearrange,
rounding, products, decompositions, sampling, dtypes, transcendental) are written with, gathered in one
namespace: ``from . import surface_base as ops`` then ``ops.reshape(...)``, ``ops.dim(...)``."""
from ..arguments import dim as _dim, dims as _dims, sizes as _sizes  # noqa: F401
from ..conversion import (as_tensor, cast, check_devices as _check_devices, constant, promote,  # noqa: F401
                          scalar_of as _scalar_of, to_float as _to_float)
from .activation import relu, sigmoid, tanh  # noqa: F401
from .comparison import logical_not, ne  # noqa: F401
from .elementwise import (abs, add, clamp, clone, cos, div, exp, log, maximum, minimum, mul, neg, pow,  # noqa: F401
                          sin, sqrt, square, sub, where)
from .linalg import matmul  # noqa: F401
from .reduction import amax, amin, mean, std, sum, var  # noqa: F401
from .shape import (broadcast_to, cat, expand, getitem, permute, reshape, squeeze, transpose,  # noqa: F401
                    unsqueeze, view)
