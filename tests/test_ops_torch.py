"""Every op of the table against PyTorch on the same random inputs: forward values and dtypes, and the
gradients of every input for a random upstream gradient (broadcasting, batched and 1-D matmul,
advanced indexing with repeats included)."""
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.testing import compare_with_torch
from minigrad.testing.op_table import OPS

pytestmark = pytest.mark.torch


@pytest.mark.parametrize('spec', list(OPS.values()), ids=lambda s: s.name)
@given(data=st.data())
def test_matches_torch(spec, data):
    import torch
    case = data.draw(spec.cases, label='case')
    compare_with_torch(lambda *xs: spec.call(minigrad, *xs, **case.kwargs),
                       lambda *xs: spec.call(torch, *xs, **case.kwargs),
                       *case.arrays, atol=1e-10, rtol=1e-9, backward=spec.differentiable)
