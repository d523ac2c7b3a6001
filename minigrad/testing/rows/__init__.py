"""Rows of the op table kept by family: each module defines ``ROWS``, a list of OpSpec records, which
:mod:`minigrad.testing.op_table` adds to ``OPS``. ``MODULES`` names them in order."""
MODULES = ('indexing', 'sorting', 'cumulative', 'rearrange', 'rounding', 'products', 'decompositions',
           'transcendental')
