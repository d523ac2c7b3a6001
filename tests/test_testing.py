"""The testing tools test themselves: gradcheck and gradgradcheck catch wrong backward formulas and say
where; compare_with_torch catches disagreements; the strategies produce what they promise."""
import numpy
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad import Function
from minigrad.testing import GradcheckError, compare_with_torch, gradcheck, gradgradcheck
from minigrad.testing import strategies as mgst
from minigrad.testing.op_table import OPS, Case


def leaf(shape, seed=0):
    return minigrad.tensor(numpy.random.default_rng(seed).uniform(0.5, 2.0, shape), requires_grad=True)


# ------------------------------------------------------------------------------------------ gradcheck
class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x ** 2


class CubeMissingSquare(Cube):
    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x              # the bug: x instead of x ** 2


class MulWrongAtOneElement(Function):
    """a * b whose gradient for b is off at element (1, 2) only."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        grad_b = grad * a
        grad_b[1, 2] += 0.5
        return grad * b, grad_b


class CubeDetachedBackward(Cube):
    """Right first derivative, but its backward is not differentiable (it detaches x)."""

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        x = x.detach() if isinstance(x, minigrad.Tensor) else x
        return grad * 3 * x ** 2


def test_gradcheck_accepts_a_correct_function():
    assert gradcheck(Cube.apply, [leaf((2, 3))])
    assert gradcheck(lambda a, b: (a @ b, (a * 2).sum()), [leaf((2, 3)), leaf((3, 4), 1)])


def test_gradcheck_catches_a_wrong_backward_and_names_the_input():
    with pytest.raises(GradcheckError, match=r'gradient of input 0 \(shape \(2, 3\)\) disagrees'):
        gradcheck(CubeMissingSquare.apply, [leaf((2, 3))])
    assert gradcheck(CubeMissingSquare.apply, [leaf((2, 3))], raise_exception=False) is False


def test_gradcheck_names_the_input_and_index_that_disagree():
    a, b = leaf((2, 3)), leaf((2, 3), 1)
    with pytest.raises(GradcheckError) as info:
        gradcheck(MulWrongAtOneElement.apply, [a, b])
    text = str(info.value)
    assert 'input 1' in text and 'at 1 of 6 elements' in text and 'index (1, 2)' in text


def test_gradcheck_checks_only_inputs_that_require_grad_and_passes_other_arguments():
    a, b = leaf((2, 3)), minigrad.tensor(numpy.ones((2, 3)))
    assert gradcheck(lambda x, y, k: MulWrongAtOneElement.apply(x, y) * k, [a, b, 2.0])
    with pytest.raises(GradcheckError, match='input 1'):
        gradcheck(MulWrongAtOneElement.apply, [a.detach(), leaf((2, 3))])


def test_gradcheck_argument_errors():
    with pytest.raises(TypeError, match='float64'):
        gradcheck(Cube.apply, [minigrad.ones(2, requires_grad=True)])
    with pytest.raises(ValueError, match='no input requires grad'):
        gradcheck(Cube.apply, [minigrad.ones(2, dtype=minigrad.float64)])
    with pytest.raises(TypeError, match='must return a Tensor'):
        gradcheck(lambda x: 3.0, [leaf(2)])


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    assert gradgradcheck(Cube.apply, [leaf((2, 2))])
    assert gradcheck(CubeDetachedBackward.apply, [leaf((2, 2))])  # first derivatives are right
    with pytest.raises(GradcheckError, match='input 0'):
        gradgradcheck(CubeDetachedBackward.apply, [leaf((2, 2))])


# --------------------------------------------------------------------------------- compare_with_torch
@pytest.mark.torch
def test_compare_with_torch_accepts_agreement_and_reports_disagreement():
    x = numpy.random.default_rng(0).uniform(0.5, 2.0, (2, 3))
    compare_with_torch(lambda t: t.exp().sum(1), lambda t: t.exp().sum(1), x)
    compare_with_torch(lambda t, k: t.max(1), lambda t, k: t.max(1), x, 3)  # tuples, scalars pass through
    with pytest.raises(AssertionError, match='output 0 values differ'):
        compare_with_torch(lambda t: t.exp(), lambda t: t.sin(), x)
    with pytest.raises(AssertionError, match='gradients of input 0 differ at 6 of 6'):
        compare_with_torch(CubeMissingSquare.apply, lambda t: t ** 3, x)
    with pytest.raises(AssertionError, match='dtype float32, torch gives float64'):
        compare_with_torch(lambda t: t.float(), lambda t: t, x)
    with pytest.raises(AssertionError, match='shape'):
        compare_with_torch(lambda t: t.sum(0), lambda t: t.sum(1), x)
    compare_with_torch(CubeMissingSquare.apply, lambda t: t ** 3, x, backward=False)


# ---------------------------------------------------------------------------------------- strategies
@pytest.mark.parametrize('domain', ['real', 'positive', 'nonzero', 'small_int'])
@given(data=st.data())
def test_elements_stay_in_their_domain(domain, data):
    margin = 0.1 - 1e-12  # pushed values are computed as kink +- 0.1, up to rounding
    v = data.draw(mgst.elements(domain))
    if domain == 'positive':
        assert 0.1 <= v <= 3
    elif domain == 'nonzero':
        assert margin <= abs(v) <= 3
    elif domain == 'small_int':
        assert v in (-2.0, -1.0, 0.0, 1.0, 2.0)
    else:
        assert -3 <= v <= 3
    w = data.draw(mgst.elements('real', avoid=(-1.0, 1.0)))
    assert abs(w - 1) >= margin and abs(w + 1) >= margin


@given(data=st.data(), dtype=st.sampled_from(['float32', 'float64', 'int64', 'bool']))
def test_arrays_and_tensors_have_the_asked_shape_and_dtype(data, dtype):
    shape = data.draw(mgst.shapes())
    a = data.draw(mgst.arrays(shape, dtype=dtype))
    assert a.shape == shape and a.dtype == numpy.dtype(dtype)
    t = data.draw(mgst.tensors(shape, dtype=dtype, requires_grad=True))
    assert isinstance(t, minigrad.Tensor) and t.shape == shape and t.dtype == numpy.dtype(dtype)
    assert t.requires_grad == (dtype.startswith('float'))


@given(data=st.data())
def test_distinct_arrays_have_no_ties_anywhere(data):
    sa, sb = data.draw(mgst.broadcastable_shapes(2))
    a, b = data.draw(mgst.distinct_arrays(sa, sb))
    assert a.shape == sa and b.shape == sb
    values = numpy.sort(numpy.concatenate([a.ravel(), b.ravel()]))
    assert numpy.all(numpy.diff(values) >= 0.25)


@given(shapes=mgst.broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast(shapes):
    assert len(shapes) == 3
    numpy.broadcast_shapes(*shapes)


@given(data=st.data())
def test_dims_are_valid_and_distinct(data):
    shape = data.draw(mgst.shapes())
    dim, keepdim = data.draw(mgst.dims_and_keepdim(len(shape)))
    assert isinstance(keepdim, bool)
    if dim is None:
        return
    dims = dim if isinstance(dim, tuple) else (dim,)
    n = max(len(shape), 1)
    assert all(-n <= d < n for d in dims)
    assert len({d % n for d in dims}) == len(dims)
    minigrad.zeros(shape).sum(dim=dim, keepdim=keepdim)


@given(shapes=mgst.matmul_shapes())
def test_matmul_shapes_multiply(shapes):
    sa, sb = shapes
    assert numpy.matmul(numpy.ones(sa), numpy.ones(sb)).shape == (minigrad.ones(sa) @ minigrad.ones(sb)).shape


@given(data=st.data())
def test_reshape_targets_keep_the_number_of_elements(data):
    shape = data.draw(mgst.shapes())
    target = data.draw(mgst.reshape_targets(shape))
    assert list(target).count(-1) <= 1
    numpy.empty(shape).reshape(target)


@given(data=st.data())
def test_basic_indices_are_views_with_positive_steps(data):
    shape = data.draw(mgst.shapes())
    index = data.draw(mgst.basic_indices(shape))
    parts = index if isinstance(index, tuple) else (index,)
    assert all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)
    assert all(p.step is None or p.step > 0 for p in parts if isinstance(p, slice))
    base = numpy.zeros(shape)
    view = base[index]
    if isinstance(view, numpy.ndarray) and view.size:
        view[...] = 1          # writing through the view changes the base: no copy was made
        assert base.sum() == view.size


def _selection_counts(shape, index):
    counts = numpy.zeros(shape, dtype=int)
    numpy.add.at(counts, index, 1)
    return counts


@given(data=st.data())
def test_advanced_indices_with_and_without_repeats(data):
    shape = data.draw(mgst.shapes(min_dims=1))
    with_repeats = data.draw(mgst.advanced_indices(shape, repeats=True))
    assert _selection_counts(shape, with_repeats).max() >= 2
    unique = data.draw(mgst.advanced_indices(shape, repeats=False))
    assert _selection_counts(shape, unique).max() <= 1
    for index in (with_repeats, unique):
        numpy.empty(shape)[index]
        minigrad.zeros(shape)[index]


@pytest.mark.torch
@given(data=st.data())
def test_index_strategies_suit_torch(data):
    import torch
    shape = data.draw(mgst.shapes(min_dims=1))
    for index in (data.draw(mgst.basic_indices(shape)), data.draw(mgst.advanced_indices(shape, None))):
        assert tuple(torch.zeros(shape)[index].shape) == numpy.empty(shape)[index].shape


# ---------------------------------------------------------------------------------------- op table
@pytest.mark.parametrize('spec', list(OPS.values()), ids=lambda s: s.name)
@given(data=st.data())
def test_op_table_cases_are_plain_numpy(spec, data):
    case = data.draw(spec.cases)
    assert isinstance(case, Case)
    assert all(isinstance(a, numpy.ndarray) for a in case.arrays)
    assert not any(isinstance(v, minigrad.Tensor) for v in case.kwargs.values())
    assert all(a.dtype == numpy.float32 for a in case.astype(numpy.float32).arrays if a.dtype.kind == 'f')


def test_case_map_arrays_and_tensors():
    case = Case((numpy.ones(2), numpy.array([True, False])), {'dim': 0})
    moved = case.map_arrays(lambda a: a * 2)
    assert moved.kwargs == {'dim': 0} and moved.arrays[0].tolist() == [2.0, 2.0]
    x, mask = case.astype(numpy.float32).tensors(minigrad)
    assert x.dtype == minigrad.float32 and x.requires_grad
    assert mask.dtype == minigrad.bool and not mask.requires_grad
