"""The indexing family against PyTorch: gather/scatter (and reductions), index_*, take, masked_*,
nonzero and where(condition): values, dtypes, shapes, gradients, in-place forms and errors."""
import warnings

import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(0)
X = rng.standard_normal((3, 4))
SRC = rng.standard_normal((2, 4))
IDX = numpy.array([[0, 1, 1, 2], [2, 2, 0, 0]])


def _i(m, a):
    return m.as_tensor(numpy.array(a))


CASES = {
    'gather': (lambda m, x: m.gather(x, 1, _i(m, [[0, 1], [3, 3], [2, 0]])), [X]),
    'gather method dim 0': (lambda m, x: x.gather(0, _i(m, [[0, 1, 2, 2]])), [X]),
    'scatter src': (lambda m, x, s: x.scatter(0, _i(m, [[0, 1, 2, 0], [1, 2, 0, 1]]), s), [X, SRC]),
    'scatter value': (lambda m, x: x.scatter(1, _i(m, [[0], [1], [3]]), 2.5), [X]),
    'scatter reduce add': (lambda m, x, s: x.scatter(0, _i(m, IDX), s, reduce='add'), [X, SRC],
                           {'grad': False}),  # torch has no derivative for scatter(reduce=)
    'scatter_add': (lambda m, x, s: m.scatter_add(x, 0, _i(m, IDX), s), [X, SRC]),
    'scatter_reduce sum': (lambda m, x, s: m.scatter_reduce(x, 0, _i(m, IDX), s, 'sum', include_self=False),
                           [X, SRC]),
    'scatter_reduce mean': (lambda m, x, s: m.scatter_reduce(x, 0, _i(m, IDX), s, 'mean'), [X, SRC]),
    'scatter_reduce mean no self': (lambda m, x, s: x.scatter_reduce(0, _i(m, IDX), s, 'mean',
                                                                     include_self=False), [X, SRC]),
    'scatter_reduce amax ties': (lambda m, x, s: x.scatter_reduce(0, _i(m, IDX), s, 'amax'),
                                 [numpy.round(X), numpy.round(SRC)]),
    'scatter_reduce amin no self': (lambda m, x, s: x.scatter_reduce(0, _i(m, IDX), s, 'amin',
                                                                     include_self=False), [X, SRC]),
    'scatter_reduce prod': (lambda m, x, s: x.scatter_reduce(0, _i(m, IDX), s, 'prod'), [X, SRC]),
    'scatter_reduce prod zeros': (lambda m, x, s: x.scatter_reduce(0, _i(m, IDX), s, 'prod', include_self=False),
                                  [numpy.where(X > 1, 0.0, X), numpy.where(SRC > 0.5, 0.0, SRC)]),
    'index_select': (lambda m, x: m.index_select(x, 1, _i(m, [3, 0, 0])), [X]),
    'index_add alpha': (lambda m, x, s: x.index_add(0, _i(m, [2, 2]), s, alpha=2), [X, SRC]),
    'index_copy': (lambda m, x, s: x.index_copy(0, _i(m, [2, 0]), s), [X, SRC]),
    'index_fill': (lambda m, x: x.index_fill(1, _i(m, [1, 3]), -1.0), [X]),
    'index_fill tensor value': (lambda m, x, v: x.index_fill(1, _i(m, [1, 3]), v), [X, numpy.array(2.0)]),
    'take': (lambda m, x: m.take(x, _i(m, [[0, 11], [-1, 5]])), [X]),
    'take_along_dim': (lambda m, x: m.take_along_dim(x, _i(m, [[0], [3], [1]]), dim=1), [X]),
    'take_along_dim broadcast': (lambda m, x: m.take_along_dim(x, _i(m, [[0, 3]]), dim=1), [X]),
    'take_along_dim flat': (lambda m, x: m.take_along_dim(x, _i(m, [0, 5])), [X]),
    'take_along_dim argsort': (lambda m, x: m.take_along_dim(x, x.argsort(dim=1), dim=1), [X]),
    'masked_fill': (lambda m, x: x.masked_fill(x > 0, 0.5), [X]),
    'masked_fill -inf (attention)': (lambda m, x: m.softmax(x.masked_fill(_i(m, [True, False, True, False]),
                                                                          float('-inf')), dim=1), [X]),
    'masked_fill tensor value': (lambda m, x, v: x.masked_fill(_i(m, [True, False, True, False]), v),
                                 [X, numpy.array(1.5)]),
    'masked_fill int keeps dtype': (lambda m, x: x.masked_fill(x > 2, 7.9), [numpy.arange(6)]),
    'masked_select': (lambda m, x: m.masked_select(x, _i(m, [True, False, True, False])), [X]),
    'masked_scatter': (lambda m, x, s: x.masked_scatter(x > 0, s), [X, rng.standard_normal(12)]),
    'nonzero': (lambda m, x: m.nonzero(x > 0), [X]),
    'nonzero as_tuple': (lambda m, x: m.nonzero(x > 0, as_tuple=True), [X]),
    'where one argument': (lambda m, x: m.where(x > 0), [X]),
    'argwhere': (lambda m, x: m.argwhere(x > 0), [X]),
    'where three arguments': (lambda m, x: m.where(x > 0, x, 0.0), [X]),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *options = CASES[name]
    check(fn, *arrays, **(options[0] if options else {}))


@pytest.mark.parametrize('name,method,args', [
    ('scatter_', 'scatter_', lambda m: (1, _i(m, [[0], [1], [3]]), 9.0)),
    ('scatter_add_', 'scatter_add_', lambda m: (0, _i(m, [[0, 1, 2, 2]]), m.ones(1, 4, dtype=m.float64))),
    ('index_add_', 'index_add_', lambda m: (0, _i(m, [1, 1]), m.ones(2, 4, dtype=m.float64))),
    ('index_fill_', 'index_fill_', lambda m: (1, _i(m, [0]), 3.0)),
    ('masked_fill_', 'masked_fill_', lambda m: (m.as_tensor(X > 0), 0.0)),
])
def test_in_place_forms(name, method, args):
    import torch
    a, b = minigrad.tensor(X.copy()), torch.tensor(X.copy())
    assert getattr(a, method)(*args(minigrad)) is a
    getattr(b, method)(*args(torch))
    numpy.testing.assert_allclose(a.numpy(), b.numpy())


def test_in_place_masked_fill_on_a_non_leaf_is_differentiated():
    import torch
    w, wt = minigrad.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    y, yt = w * 2, wt * 2
    y.masked_fill_(y > 0, 0.0)
    yt.masked_fill_(yt > 0, 0.0)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    numpy.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy())


def test_gather_second_derivative():
    from minigrad.testing import gradgradcheck
    x = minigrad.tensor(X, requires_grad=True)
    gradgradcheck(lambda t: (t.gather(1, minigrad.tensor([[0, 0], [1, 3], [2, 2]])) ** 2), [x])


@pytest.mark.parametrize('call, message', [
    (lambda: minigrad.gather(minigrad.tensor(X), 1, minigrad.tensor([[4]])), 'out of bounds'),
    (lambda: minigrad.gather(minigrad.tensor(X), 1, minigrad.tensor([[-1]])), 'out of bounds'),
    (lambda: minigrad.gather(minigrad.tensor(X), 1, minigrad.tensor([[0.5]])), 'integer'),
    (lambda: minigrad.gather(minigrad.tensor(X), 1, minigrad.tensor([0])), 'dimensions'),
    (lambda: minigrad.tensor(X).masked_fill(minigrad.tensor([1, 0, 1, 0]), 0.0), 'bool mask'),
    (lambda: minigrad.tensor(X).scatter(0, minigrad.tensor([[0]]), minigrad.ones(1, 1)), 'dtype'),
    (lambda: minigrad.scatter_reduce(minigrad.tensor(X), 0, minigrad.tensor([[0]]), minigrad.tensor(X),
                                     'max'), 'reduce must be'),
])
def test_errors_name_the_op(call, message):
    with pytest.raises((RuntimeError, IndexError, TypeError), match=message):
        call()


def test_out_argument_writes_and_refuses_gradients():
    out = minigrad.empty(0, dtype=minigrad.float64)
    x = minigrad.tensor(X)
    assert minigrad.gather(x, 1, minigrad.tensor([[0], [1], [2]]), out=out) is out
    numpy.testing.assert_allclose(out.numpy(), X[[0, 1, 2], [0, 1, 2]][:, None])
    with pytest.raises(RuntimeError, match="out="):
        minigrad.gather(x.requires_grad_(), 1, minigrad.tensor([[0]]), out=out)
