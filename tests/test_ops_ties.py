"""The tie rule and the subgradients at kinks, as tabled in docs/semantics.md, asserted on deliberately
tied inputs: values drawn from the integers -2..2 (stored as floats), so ties and zeros are frequent.
The same inputs then go through PyTorch."""
import numpy
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.testing import compare_with_torch, strategies as mgst

# sqrt'(0) = inf and sqrt of a negative are the point of some tests: NumPy's warnings are expected.
pytestmark = pytest.mark.filterwarnings('ignore:divide by zero', 'ignore:invalid value')

tied_arrays = mgst.shapes(min_dims=1).flatmap(lambda s: mgst.arrays(s, domain='small_int'))


def grad_of(fn, array):
    x = minigrad.tensor(array, requires_grad=True)
    fn(x).sum().backward()
    return x.grad.numpy()


@st.composite
def tied_with_dim(draw):
    x = draw(tied_arrays)
    return x, draw(mgst.dims(x.ndim, allow_none=False, allow_tuple=False))


@pytest.mark.parametrize('name, pick', [('max', numpy.argmax), ('min', numpy.argmin)])
@given(case=tied_with_dim())
def test_max_along_dim_gives_the_gradient_to_the_first_extreme(name, pick, case):
    x, dim = case
    values, indices = getattr(minigrad, name)(minigrad.tensor(x), dim)
    first = pick(x, axis=dim)
    assert numpy.array_equal(indices.numpy(), first)
    g = grad_of(lambda t: getattr(t, name)(dim).values, x)
    expected = numpy.zeros_like(x)
    numpy.put_along_axis(expected, numpy.expand_dims(first, dim), 1.0, axis=dim)
    assert numpy.array_equal(g, expected)
    assert numpy.array_equal(g.sum(axis=dim), numpy.ones(first.shape))  # the mass of each slice is 1


@pytest.mark.parametrize('name', ['max', 'min', 'amax', 'amin'])
@given(x=tied_arrays)
def test_full_reductions_split_the_gradient_among_ties(name, x):
    g = grad_of(lambda t: getattr(minigrad, name)(t), x)
    extreme = x.max() if name in ('max', 'amax') else x.min()
    hits = x == extreme
    assert numpy.array_equal(g, hits / hits.sum())
    assert g.sum() == pytest.approx(1.0)


@pytest.mark.parametrize('name', ['amax', 'amin'])
@given(data=st.data())
def test_amax_over_dims_splits_each_slice_equally(name, data):
    x = data.draw(tied_arrays)
    dim = data.draw(mgst.dims(x.ndim, allow_none=False))
    g = grad_of(lambda t: getattr(t, name)(dim=dim), x)
    axis = dim if isinstance(dim, tuple) else (dim,)
    extreme = (x.max if name == 'amax' else x.min)(axis=axis, keepdims=True)
    hits = x == extreme
    assert numpy.allclose(g, hits / hits.sum(axis=axis, keepdims=True))
    assert numpy.allclose(g.sum(axis=axis), 1.0)


@pytest.mark.parametrize('name', ['maximum', 'minimum'])
@given(data=st.data())
def test_maximum_splits_ties_half_and_half(name, data):
    shape = data.draw(mgst.shapes())
    a, b = (data.draw(mgst.arrays(shape, domain='small_int')) for _ in range(2))
    ta, tb = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
    getattr(minigrad, name)(ta, tb).sum().backward()
    wins = a > b if name == 'maximum' else a < b
    assert numpy.array_equal(ta.grad.numpy(), numpy.where(a == b, 0.5, wins.astype(float)))
    assert numpy.array_equal(ta.grad.numpy() + tb.grad.numpy(), numpy.ones(shape))


@given(data=st.data())
def test_maximum_gradient_mass_survives_broadcasting(data):
    sa, sb = data.draw(mgst.broadcastable_shapes(2))
    a, b = data.draw(mgst.arrays(sa, domain='small_int')), data.draw(mgst.arrays(sb, domain='small_int'))
    ta, tb = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
    out = minigrad.maximum(ta, tb)
    out.sum().backward()
    assert ta.grad.numpy().sum() + tb.grad.numpy().sum() == pytest.approx(out.numel())


@given(x=tied_arrays)
def test_relu_and_abs_have_zero_gradient_at_zero(x):
    assert numpy.array_equal(grad_of(minigrad.relu, x), (x > 0).astype(float))
    assert numpy.array_equal(grad_of(minigrad.abs, x), numpy.sign(x))


def test_sqrt_gradient_at_zero_is_inf():
    g = grad_of(minigrad.sqrt, numpy.array([0.0, 4.0]))
    assert g[0] == numpy.inf and g[1] == 0.25


@given(x=tied_arrays, low=st.integers(-2, 1), width=st.integers(0, 2))
def test_clamp_passes_the_gradient_on_the_closed_interval(x, low, width):
    high = low + width
    g = grad_of(lambda t: t.clamp(low, high), x)
    assert numpy.array_equal(g, ((x >= low) & (x <= high)).astype(float))
    assert numpy.array_equal(grad_of(lambda t: t.clamp(min=low), x), (x >= low).astype(float))
    assert numpy.array_equal(grad_of(lambda t: t.clamp(max=high), x), (x <= high).astype(float))


@st.composite
def non_negative_tied_pairs(draw):
    shape = draw(mgst.shapes())
    a, b = (numpy.abs(draw(mgst.arrays(shape, domain='small_int'))) for _ in range(2))
    return a, b


@given(pair=non_negative_tied_pairs())
def test_pow_at_zero_exponent_and_zero_base(pair):
    a, b = pair
    ta, tb = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
    (ta ** tb).sum().backward()
    with numpy.errstate(divide='ignore', invalid='ignore'):
        expected_a = numpy.where(b == 0, 0.0, b * a ** (b - 1))
        expected_b = numpy.where(a == 0, 0.0, a ** b * numpy.log(numpy.where(a == 0, 1.0, a)))
    assert numpy.array_equal(ta.grad.numpy(), expected_a)
    numpy.testing.assert_allclose(tb.grad.numpy(), expected_b)


# ------------------------------------------------------------------------ the same rules in PyTorch
TIE_OPS = {
    'max(dim)': lambda m, x, dim: m.max(x, dim),
    'min(dim)': lambda m, x, dim: m.min(x, dim),
    'max()': lambda m, x, dim: m.max(x),
    'min()': lambda m, x, dim: m.min(x),
    'amax': lambda m, x, dim: m.amax(x, dim),
    'amin': lambda m, x, dim: m.amin(x, dim),
    'maximum': lambda m, x, dim: m.maximum(x, x * 0 + 1),   # ties where x == 1
    'minimum': lambda m, x, dim: m.minimum(x, x * 0),       # ties where x == 0
    'relu': lambda m, x, dim: m.relu(x),
    'abs': lambda m, x, dim: m.abs(x),
    'sqrt': lambda m, x, dim: m.sqrt(x),
    'clamp': lambda m, x, dim: m.clamp(x, -1, 1),
}


@pytest.mark.torch
@pytest.mark.parametrize('name', list(TIE_OPS))
@given(case=tied_with_dim())
def test_tie_and_kink_rules_match_torch(name, case):
    import torch
    x, dim = case
    op = TIE_OPS[name]
    compare_with_torch(lambda t: op(minigrad, t, dim), lambda t: op(torch, t, dim), x)


@pytest.mark.torch
@given(pair=non_negative_tied_pairs())
def test_pow_rules_match_torch(pair):
    compare_with_torch(lambda a, b: a ** b, lambda a, b: a ** b, *pair)
