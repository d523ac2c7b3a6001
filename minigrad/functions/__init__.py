"""The differentiable operations, one ``Function`` each, grouped by family."""
from .activation import LogSoftmax, Relu, Sigmoid, Softmax, Tanh
from .elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Exp, Log, Maximum, Minimum, Mul, Neg,
                          Pow, PowScalar, RPowScalar, Sin, Sqrt, Sub, Where)
from .linalg import Linear, Matmul
from .reduction import Amax, Amin, Logsumexp, Mean, Sum, TakeAlongDim, Var
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape, SetItem, Stack, ToDevice

# Family modules holding their own public functions: each defines ``__all__`` (exported as
# ``minigrad.<name>``) and ``METHODS`` (bound as Tensor methods); minigrad/__init__.py registers them
# once Tensor exists (they build on the tensor layer, so they are not imported here).
FAMILIES = ('indexing', 'sorting', 'cumulative', 'rearrange', 'rounding', 'products', 'decompositions', 'sampling', 'dtypes', 'transcendental',
            'out_variants')
