"""The rows of the op table, one module per family of ops (``ROWS = [OpSpec(...), ...]`` in each).

A new family's rows are a new module here, listed in ``MODULES``; :mod:`minigrad.testing.op_table`
gathers every row into ``OPS``.
"""
from . import activation, comparison, deconv, elementwise, extra_math, grid, linalg, loss, reduction, shape
from . import conv, criterion, distance, nonlinearity, normalization, sparse

from . import (cumulative, decompositions, indexing, products, rearrange, rounding, sorting,  # noqa: E402
               statistics, transcendental)

MODULES = (elementwise, activation, comparison, reduction, shape, linalg, loss, normalization, nonlinearity,
           criterion, distance, sparse, extra_math, grid,
           indexing, sorting, cumulative, rearrange, rounding, products, decompositions, transcendental,
           statistics, conv, deconv)
