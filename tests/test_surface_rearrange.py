"""The rearranging family against PyTorch: flip/roll/rot90, repeat/tile/repeat_interleave,
chunk/split/tensor_split/unbind, movedim, narrow, tril/triu, diag/diagonal/diag_embed/trace,
broadcasting helpers, atleast_*d, unflatten and the stacks."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
X = rng.standard_normal((3, 5))
Y = rng.standard_normal((2, 3, 4))
V = rng.standard_normal(4)
S = numpy.array(1.5)
CASES = {
 'flip':(lambda m,x: m.flip(x,[0,2]),[Y]),
 'flip method int':(lambda m,x: x.flip(1),[Y]),
 'fliplr flipud':(lambda m,x: (m.fliplr(x), m.flipud(x)),[X]),
 'roll':(lambda m,x: m.roll(x,2,1),[X]),
 'roll multi':(lambda m,x: x.roll((1,-1),(0,2)),[Y]),
 'roll flat':(lambda m,x: m.roll(x,3),[X]),
 'rot90':(lambda m,x: (m.rot90(x), m.rot90(x,2), m.rot90(x,-1), m.rot90(x,3,[1,0])),[X]),
 'rot90 3d':(lambda m,x: m.rot90(x,1,[1,2]),[Y]),
 'repeat':(lambda m,x: x.repeat(2,1,3),[Y]),
 'repeat more dims':(lambda m,x: x.repeat(2,2,1),[X]),
 'repeat vector':(lambda m,x: x.repeat(3),[V]),
 'tile':(lambda m,x: m.tile(x,(2,)),[X]),
 'tile more':(lambda m,x: x.tile((2,1,2)),[X]),
 'repeat_interleave int':(lambda m,x: m.repeat_interleave(x,2),[X]),
 'repeat_interleave dim tensor':(lambda m,x: x.repeat_interleave(m.as_tensor(numpy.array([1,0,3])),dim=0),[X]),
 'repeat_interleave counts':(lambda m: m.repeat_interleave(m.as_tensor(numpy.array([2,0,1]))),[]),
 'chunk':(lambda m,x: m.chunk(x,3,1),[X]),
 'chunk uneven':(lambda m,x: x.chunk(4,dim=1),[X]),
 'chunk more than size':(lambda m,x: x.chunk(7,dim=0),[X]),
 'split size':(lambda m,x: m.split(x,2,1),[X]),
 'split sections':(lambda m,x: x.split([1,4],dim=1),[X]),
 'tensor_split sections':(lambda m,x: m.tensor_split(x,3,dim=1),[X]),
 'tensor_split indices':(lambda m,x: x.tensor_split([1,3],dim=1),[X]),
 'hsplit vsplit':(lambda m,x: (m.hsplit(x,[2]), m.vsplit(x,3)),[numpy.tile(X,(1,1))[:3]]),
 'unbind':(lambda m,x: m.unbind(x,1),[X]),
 'movedim':(lambda m,x: m.movedim(x,0,-1),[Y]),
 'movedim multi':(lambda m,x: x.movedim((0,1),(2,0)),[Y]),
 'moveaxis':(lambda m,x: m.moveaxis(x,2,0),[Y]),
 'narrow':(lambda m,x: m.narrow(x,1,1,3),[X]),
 'narrow negative':(lambda m,x: x.narrow(0,-2,2),[X]),
 'tril triu':(lambda m,x: (m.tril(x), m.triu(x,1), x.tril(-1), x.triu(diagonal=-1)),[X]),
 'tril batched':(lambda m,x: m.tril(x,1),[Y]),
 'tril inf':(lambda m,x: m.triu(m.full((3,3), float('-inf')), 1) + x,[X[:3,:3]]),
 'diag vec':(lambda m,x: (m.diag(x), m.diag(x,1), m.diag(x,-2)),[V]),
 'diag mat':(lambda m,x: (m.diag(x), x.diag(2), m.diag(x,-1)),[X]),
 'diagonal':(lambda m,x: (m.diagonal(x), x.diagonal(1), x.diagonal(offset=-1)),[X]),
 'diagonal 3d':(lambda m,x: (m.diagonal(x,0,1,2), x.diagonal(1,-1,0)),[Y]),
 'diag_embed':(lambda m,x: (m.diag_embed(x), m.diag_embed(x,1), m.diag_embed(x,-1,0,2)),[X]),
 'diagflat':(lambda m,x: m.diagflat(x),[X[:2,:2]]),
 'trace':(lambda m,x: m.trace(x),[X]),
 'tril_indices':(lambda m: (m.tril_indices(3,4), m.triu_indices(4,3,1), m.tril_indices(3,3,-1)),[]),
 'broadcast_tensors':(lambda m,a,b: m.broadcast_tensors(a,b),[V, X[:,:1]]),
 'broadcast_shapes':(lambda m: tuple(m.broadcast_shapes((3,1),(1,4),4)),[]),
 'broadcast_to':(lambda m,x: x.broadcast_to((2,3,4)),[V]),
 'atleast':(lambda m,s,v,x: (m.atleast_1d(s), m.atleast_2d(s), m.atleast_2d(v), m.atleast_3d(s), m.atleast_3d(v), m.atleast_3d(x), m.atleast_1d(s,v)),[S,V,X]),
 'ravel':(lambda m,x: m.ravel(x),[Y]),
 'unflatten':(lambda m,x: (m.unflatten(x,2,(3,2,2)), x.unflatten(-1,(2,-1))),[numpy.tile(Y,(1,1,3))]),
 'view_as reshape_as':(lambda m,x,y: (x.view_as(y), x.reshape_as(y)),[Y.reshape(4,6), Y]),
 'hstack vstack':(lambda m,a,b: (m.hstack([a,b]), m.vstack([a,b]), m.dstack([a,b]), m.column_stack([a,b]), m.row_stack([a,b])),[X,X*2]),
 'hstack vectors':(lambda m,a,b: (m.hstack([a,b]), m.vstack([a,b]), m.column_stack([a,b]), m.dstack([a,b])),[V,V+1]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    check(fn, *arrays)


def test_views_and_copies():
    x = minigrad.tensor(X.copy())
    first = x.chunk(2, dim=1)[0]
    first[0, 0] = 100.0            # chunk is a view, as in PyTorch
    assert x[0, 0].item() == 100.0
    flipped = x.flip(0)
    flipped[0, 0] = -1.0           # flip copies
    assert x[2, 0].item() != -1.0
    r = x.repeat(2, 1)
    r[0, 0] = 5.0
    assert x[0, 0].item() == 100.0


def test_second_derivatives_through_compositions():
    from minigrad.testing import gradgradcheck
    x = minigrad.tensor(X, requires_grad=True)
    gradgradcheck(lambda t: (t.roll(1, 1).tril() * t.flip(0)).repeat(2, 1), [x])


@pytest.mark.parametrize('call, message', [
    (lambda: minigrad.tensor(X).repeat(2), 'repeat'),
    (lambda: minigrad.split(minigrad.tensor(X), [1, 1], 1), 'sum'),
    (lambda: minigrad.tensor(V).tril(), 'at least 2'),
    (lambda: minigrad.tensor(X).narrow(1, 3, 4), 'narrow'),
    (lambda: minigrad.tensor(X).movedim((0, 1), (1,)), 'movedim'),
])
def test_errors(call, message):
    with pytest.raises((RuntimeError, IndexError), match=message):
        call()
