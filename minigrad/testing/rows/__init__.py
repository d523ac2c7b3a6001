"""The rows of the op table, one module per family of ops (``ROWS = [OpSpec(...), ...]`` in each).

A new family's rows are a new module here, listed in ``MODULES``; :mod:`minigrad.testing.op_table`
gathers every row into ``OPS``.
"""
from . import extra_math, grid

MODULES = (extra_math, grid)
