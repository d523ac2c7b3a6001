"""The differentiable operations, one ``Function`` each, grouped by family."""
from .activation import LogSoftmax, Relu, Sigmoid, Softmax, Tanh
from .elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Exp, Log, Maximum, Minimum, Mul, Neg,
                          Pow, PowScalar, RPowScalar, Sin, Sqrt, Sub, Where)
from .linalg import Linear, Matmul
from .reduction import Amax, Amin, Logsumexp, Mean, Sum, TakeAlongDim, Var
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape, SetItem, Stack, ToDevice
from . import conv, pooling

# Family modules whose ``__all__`` become ``minigrad.<name>`` and whose ``METHODS`` become Tensor methods.
FAMILIES = (conv, pooling)
