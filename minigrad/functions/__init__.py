"""The differentiable operations, one ``Function`` each, grouped by family."""
from .activation import LogSoftmax, Relu, Sigmoid, Softmax, Tanh
from .elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Exp, Log, Maximum, Minimum, Mul, Neg,
                          Pow, PowScalar, RPowScalar, Sin, Sqrt, Sub, Where)
from .linalg import Linear, Matmul
from .reduction import Amax, Amin, Logsumexp, Mean, Sum, TakeAlongDim, Var
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape, SetItem, Stack, ToDevice

# Families whose public functions become minigrad.<name> and whose METHODS become Tensor methods
# (bound in minigrad/__init__.py).
from . import extra_math, grid  # noqa: E402

FAMILIES = (extra_math, grid)
