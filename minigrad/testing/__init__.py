"""Tools for testing gradients, public so that users can test their own ops the way minigrad tests its
own (docs/testing.md):

- :func:`gradcheck`, :func:`gradgradcheck`: first and second derivatives against finite differences;
- :mod:`minigrad.testing.strategies`: hypothesis strategies for arrays, tensors, shapes, dims, indices
  (needs ``hypothesis``);
- :mod:`minigrad.testing.op_table`: the declarative table of every op that drives minigrad's own op
  tests (needs ``hypothesis``);
- :func:`assert_close`: PyTorch's ``torch.testing.assert_close`` (tolerances per dtype, messages);
- :func:`compare_with_torch`: the same computation in minigrad and PyTorch, forward and backward
  (needs ``torch``).
"""
import importlib

from .close import assert_close, default_tolerances
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .torch_compare import compare_with_torch

__all__ = ['assert_close', 'default_tolerances', 'gradcheck', 'gradgradcheck', 'GradcheckError', 'compare_with_torch', 'strategies', 'op_table']


def __getattr__(name):
    # The hypothesis-based modules load on first use, so gradcheck works without hypothesis installed.
    if name in ('strategies', 'op_table'):
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
