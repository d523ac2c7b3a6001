"""The vectorised kernels equal the plain-Python loop references, forward and backward (property-based).

Small shapes, float64, random output gradients: each test runs minigrad's op and its backward
(``autograd.grad`` with a random ``grad_outputs``) and the loop version of :mod:`minigrad.kernels.loops`
on the same values, including broadcasting, every dim with and without keepdim, and tied maxima.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.bench.mlp import cross_entropy
from minigrad.kernels import loops as R

finite = st.floats(-3, 3, allow_nan=False, width=64)
small_ints = st.integers(-2, 2).map(float)  # few distinct values, so maxima tie often


def arrays(shape, elements=finite):
    return hnp.arrays(np.float64, shape, elements=elements)


shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def check(loop_value, tensor):
    np.testing.assert_allclose(np.asarray(loop_value, dtype=np.float64),
                               tensor.detach().numpy() if isinstance(tensor, minigrad.Tensor) else tensor,
                               rtol=1e-9, atol=1e-12)


def vectorised(fn, *arrays_, grad_seed=0):
    """Forward of ``fn`` on float64 leaves, and the gradients for a random output gradient."""
    leaves = [minigrad.tensor(a, requires_grad=True) for a in arrays_]
    out = fn(*leaves)
    g = np.random.default_rng(grad_seed).standard_normal(out.shape)
    grads = minigrad.autograd.grad(out, leaves, grad_outputs=minigrad.tensor(g))
    return out, g.tolist() if g.ndim else float(g), grads


@st.composite
def broadcast_pair(draw):
    shapes_ = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4))
    a, b = shapes_.input_shapes
    return draw(arrays(a)), draw(arrays(b))


@st.composite
def with_dim(draw, elements=finite):
    x = draw(arrays(draw(shapes), elements))
    return x, draw(st.integers(-x.ndim, x.ndim - 1)), draw(st.booleans())


@pytest.mark.parametrize('name', ['add', 'mul'])
@given(pair=broadcast_pair())
def test_broadcasting_binary(name, pair):
    a, b = pair
    out, g, grads = vectorised((lambda x, y: x + y) if name == 'add' else (lambda x, y: x * y), a, b)
    check(getattr(R, name)(a.tolist(), b.tolist()), out)
    loop_grads = getattr(R, name + '_backward')(g, a.tolist(), b.tolist())
    for loop_g, vec_g in zip(loop_grads, grads):
        check(loop_g, vec_g)


@given(sides=st.tuples(*[st.integers(1, 5)] * 3), data=st.data())
def test_matmul(sides, data):
    m, k, n = sides
    a, b = data.draw(arrays((m, k))), data.draw(arrays((k, n)))
    out, g, (ga, gb) = vectorised(lambda x, y: x @ y, a, b)
    check(R.matmul(a.tolist(), b.tolist()), out)
    loop_ga, loop_gb = R.matmul_backward(g, a.tolist(), b.tolist())
    check(loop_ga, ga)
    check(loop_gb, gb)


@pytest.mark.parametrize('name', ['sum', 'mean'])
@given(case=with_dim())
def test_sum_mean_over_dim(name, case):
    x, dim, keepdim = case
    out, g, (gx,) = vectorised(lambda t: getattr(t, name)(dim=dim, keepdim=keepdim), x)
    check(getattr(R, name + '_dim')(x.tolist(), dim, keepdim), out)
    if keepdim:  # the loop backward takes the gradient in the reduced shape
        g = np.squeeze(np.asarray(g), axis=dim).tolist()
    check(getattr(R, name + '_backward')(g, x.tolist(), dim), gx)


@given(case=with_dim(small_ints))
def test_max_over_dim_first_index_gets_the_gradient(case):
    x, dim, keepdim = case
    out, g, (gx,) = vectorised(lambda t: t.max(dim=dim, keepdim=keepdim).values, x)
    values, indices = R.max_dim(x.tolist(), dim, keepdim)
    check(values, out)
    expected = minigrad.argmax(minigrad.tensor(x), dim, keepdim).numpy()
    np.testing.assert_array_equal(np.asarray(indices), expected)
    if keepdim:
        g = np.squeeze(np.asarray(g), axis=dim).tolist()
    check(R.max_backward(g, x.tolist(), dim, ties='first'), gx)


@given(case=with_dim(small_ints))
def test_amax_over_dim_ties_share_the_gradient(case):
    x, dim, keepdim = case
    out, g, (gx,) = vectorised(lambda t: t.amax(dim=dim, keepdim=keepdim), x)
    check(R.max_dim(x.tolist(), dim, keepdim)[0], out)
    if keepdim:
        g = np.squeeze(np.asarray(g), axis=dim).tolist()
    check(R.max_backward(g, x.tolist(), dim, ties='share'), gx)


@pytest.mark.parametrize('name', ['relu', 'sigmoid', 'tanh'])
@given(x=shapes.flatmap(lambda s: arrays(s, st.one_of(finite, st.just(0.0)))))
def test_activation(name, x):
    out, g, (gx,) = vectorised(lambda t: getattr(t, name)(), x)
    check(getattr(R, name)(x.tolist()), out)
    check(getattr(R, name + '_backward')(g, x.tolist()), gx)


@pytest.mark.parametrize('name', ['softmax', 'log_softmax'])
@given(case=with_dim(st.floats(-30, 30, allow_nan=False)))
def test_softmax_and_log_softmax(name, case):
    x, dim, _ = case
    out, g, (gx,) = vectorised(lambda t: getattr(t, name)(dim=dim), x)
    check(getattr(R, name)(x.tolist(), dim), out)
    check(getattr(R, name + '_backward')(g, x.tolist(), dim), gx)


@given(n=st.integers(1, 6), c=st.integers(1, 6), data=st.data())
def test_cross_entropy(n, c, data):
    logits = data.draw(arrays((n, c), st.floats(-20, 20, allow_nan=False)))
    target = data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n))
    t = minigrad.tensor(np.array(target, dtype=np.int64))
    out, g, (gz,) = vectorised(lambda z: cross_entropy(z, t), logits)
    check(R.cross_entropy(logits.tolist(), target), out)
    check(R.cross_entropy_backward(g, logits.tolist(), target), gz)


# ------------------------------------------------------------------------------ plain unit tests
def test_seed_loop_runs_on_every_container():
    n = 5
    a, b = [1.0, 2.0, 3.0, 4.0, 5.0], [10.0] * n
    assert R.add_into(a, b, [0.0] * n) == [11.0, 12.0, 13.0, 14.0, 15.0]
    c = minigrad.zeros(n)
    R.add_into(minigrad.tensor(a), minigrad.tensor(b), c)
    assert c.tolist() == [11.0, 12.0, 13.0, 14.0, 15.0]


@given(x=shapes.flatmap(arrays))
def test_flatten_and_nest_round_trip(x):
    flat, shape = R.flatten(x.tolist())
    assert shape == x.shape
    assert flat == x.ravel().tolist()
    assert R.nest(flat, shape) == x.tolist()


def test_broadcast_shape_rejects_mismatch():
    assert R.broadcast_shape((3, 1), (4,)) == (3, 4)
    with pytest.raises(ValueError, match=r'\(2, 3\) and \(4,\)'):
        R.broadcast_shape((2, 3), (4,))


def test_max_backward_rejects_unknown_tie_rule():
    with pytest.raises(ValueError, match='ties'):
        R.max_backward([1.0], [[1.0, 1.0]], 1, ties='last')
