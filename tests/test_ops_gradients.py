"""Every differentiable op of the table against central finite differences (float64): first
derivatives for all, second derivatives (the backward pass differentiated again) where the table
asks for them."""
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.op_table import OPS

DIFFERENTIABLE = [s for s in OPS.values() if s.differentiable and s.finite_differences]
SECOND_ORDER = [s for s in OPS.values() if s.second_order and s.finite_differences]


@pytest.mark.parametrize('spec', DIFFERENTIABLE, ids=lambda s: s.name)
@given(data=st.data())
def test_gradient_matches_finite_differences(spec, data):
    case = data.draw(spec.cases, label='case')
    gradcheck(lambda *xs: spec.call(minigrad, *xs, **case.kwargs), case.tensors(minigrad))


@pytest.mark.parametrize('spec', SECOND_ORDER, ids=lambda s: s.name)
@given(data=st.data())
def test_second_derivative_matches_finite_differences(spec, data):
    case = data.draw(spec.cases, label='case')
    gradgradcheck(lambda *xs: spec.call(minigrad, *xs, **case.kwargs), case.tensors(minigrad))


def test_table_covers_every_op_of_the_api():
    names = {name.split('.')[0] for name in OPS}
    api = ('add sub mul div neg pow matmul exp log sqrt abs sin cos tanh sigmoid relu maximum minimum '
           'clamp where sum mean var max min amax amin logsumexp softmax log_softmax reshape view flatten '
           'transpose permute unsqueeze squeeze expand cat stack getitem setitem argmax argmin '
           'lt le gt ge eq ne').split()
    assert sorted(set(api) - names) == []
    assert {s.name for s in SECOND_ORDER} >= {'add', 'mul', 'div', 'exp', 'matmul', 'sum', 'mean', 'var',
                                              'amax', 'max.dim', 'logsumexp', 'softmax'}
