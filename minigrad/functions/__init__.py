"""The differentiable operations, grouped by family: one module per family holds its ``Function``
classes (forward and backward side by side), its public functions (PyTorch's argument rules; the names
in its ``__all__`` become ``minigrad.<name>``) and ``METHODS``, the Tensor methods bound from them.

A new family is a new module listed in ``FAMILIES``; ``minigrad/__init__.py`` exports and binds every
family's names in one loop.
"""
from . import activation, comparison, elementwise, extra_math, grid, linalg, loss, reduction, shape
from . import criterion, distance, nonlinearity, normalization, sparse
from . import conv, pooling
from .activation import LogSoftmax, Relu, Sigmoid, Softmax, Tanh
from .elementwise import (Abs, Add, Cast, Clamp, Clone, Cos, Div, Exp, Log, Maximum, Minimum, Mul, Neg,
                          Pow, PowScalar, RPowScalar, Sin, Sqrt, Sub, Where)
from .linalg import Linear, Matmul
from .loss import MSE, CrossEntropy
from .reduction import Amax, Amin, Logsumexp, Mean, Sum, TakeAlongDim, Var
from .shape import Cat, Expand, GetItem, IndexAdd, Permute, Reshape, SetItem, Stack, ToDevice

from . import (cumulative, decompositions, dtypes, indexing, out_variants, products, rearrange,  # noqa: E402
               rounding, sampling, sorting, statistics, transcendental)

FAMILIES = (elementwise, activation, comparison, reduction, shape, linalg, loss, normalization, nonlinearity,
            criterion, distance, sparse, extra_math, grid,
            indexing, sorting, cumulative, rearrange, rounding, products, decompositions, sampling, dtypes,
            transcendental, statistics, out_variants, conv, pooling)


def bind_methods(tensor_class):
    """Set every family's ``METHODS`` on ``tensor_class`` (called once, when minigrad is imported)."""
    for family in FAMILIES:
        for name, function in family.METHODS.items():
            setattr(tensor_class, name, function)
