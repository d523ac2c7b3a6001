"""Rows of the op table (:mod:`minigrad.testing.op_table`) by op family: each module defines
``ROWS = [OpSpec(...), ...]`` and is listed in :data:`MODULES`; op_table.py adds them to ``OPS``."""
MODULES = ('normalization', 'nonlinearity', 'criterion', 'distance', 'sparse')
