"""The sorting family against PyTorch: sort/argsort (stable, NaN largest), topk, kthvalue, median
(lower middle, NaN propagating), nanmedian, mode, unique, unique_consecutive, searchsorted, bucketize."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
X = rng.standard_normal((3, 5))
T = rng.integers(0, 3, (3, 6)).astype(float)   # ties everywhere
I = rng.integers(0, 3, (4, 7))
N = X.copy()
N[0, 2] = numpy.nan
N[1, [0, 3]] = numpy.nan
CASES = {
 'sort':(lambda m,x: m.sort(x,1),[X]),
 'sort desc ties':(lambda m,x: m.sort(x,1,descending=True),[T]),
 'sort ties':(lambda m,x: m.sort(x,dim=0, stable=True),[T]),
 'sort nan':(lambda m,x: m.sort(x,1,descending=True),[N]),
 'sort nan asc':(lambda m,x: m.sort(x,1),[N]),
 'argsort':(lambda m,x: x.argsort(dim=1, descending=True),[T]),
 'msort':(lambda m,x: m.msort(x),[X]),
 'topk':(lambda m,x: m.topk(x,2),[X]),
 'topk smallest':(lambda m,x: x.topk(2,dim=0,largest=False),[T]),
 'kthvalue keep':(lambda m,x: x.kthvalue(3,0,keepdim=True),[X]),
 'median all':(lambda m,x: m.median(x),[T]),
 'median dim':(lambda m,x: x.median(1),[T]),
 'median dim even':(lambda m,x: x.median(0, keepdim=True),[T]),
 'median nan':(lambda m,x: x.median(1),[N]),
 'nanmedian':(lambda m,x: x.nanmedian(1),[N]),
 'nanmedian all':(lambda m,x: m.nanmedian(x),[N]),
 'mode':(lambda m,x: m.mode(x,1),[T]),
 'mode int':(lambda m,x: m.mode(x,0),[I]),
 'unique':(lambda m,x: m.unique(x, return_inverse=True, return_counts=True),[I]),
 'unique dim':(lambda m,x: m.unique(x, dim=1, return_inverse=True, return_counts=True),[I[:2]]),
 'unique_consecutive':(lambda m,x: m.unique_consecutive(x, return_inverse=True, return_counts=True),[numpy.array([1,1,2,2,3,1,1,2])]),
 'unique_consecutive dim':(lambda m,x: m.unique_consecutive(x, dim=0, return_counts=True),[numpy.array([[1,2],[1,2],[3,4],[1,2]])]),
 'searchsorted':(lambda m,s,v: m.searchsorted(s,v),[numpy.array([1.,3.,5.,7.]), numpy.array([[3.,6.,9.],[0.,7.,5.]])]),
 'searchsorted right batched':(lambda m,s,v: m.searchsorted(s,v,right=True),[numpy.array([[1.,3.,5.,7.],[2.,4.,6.,8.]]), numpy.array([[3.,6.,9.],[0.,4.,8.]])]),
 'searchsorted side int32':(lambda m,s,v: m.searchsorted(s,v,side='right', out_int32=True),[numpy.array([1.,3.,5.,7.]), numpy.array([3.,7.])]),
 'bucketize':(lambda m,v,b: m.bucketize(v,b),[numpy.array([[3.,6.,9.],[3.,6.,9.]]), numpy.array([1.,3.,5.,7.,9.])]),
 'bucketize right':(lambda m,v,b: m.bucketize(v,b,right=True),[numpy.array([[3.,6.,9.],[3.,6.,9.]]), numpy.array([1.,3.,5.,7.,9.])]),
 'sort bool':(lambda m,x: m.sort(x>0,1),[X]),
 'sort int':(lambda m,x: m.sort(x,1,descending=True),[I]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays = CASES[name]
    check(fn, *arrays)


def test_topk_and_kthvalue_values_match_torch_with_ties():
    """With ties PyTorch's choice of index is an implementation detail (docs/semantics.md): minigrad
    takes the earlier element; the values agree."""
    import torch
    for k in (1, 3, 6):
        mine, theirs = minigrad.tensor(T).topk(k, dim=1), torch.tensor(T).topk(k, dim=1)
        numpy.testing.assert_array_equal(mine.values.numpy(), theirs.values.numpy())
        idx = mine.indices.numpy()
        numpy.testing.assert_array_equal(numpy.take_along_axis(T, idx, 1), mine.values.numpy())
        assert all(len(set(row)) == k for row in idx)
    numpy.testing.assert_array_equal(minigrad.tensor(T).kthvalue(2, 1).values.numpy(),
                                     torch.tensor(T).kthvalue(2, 1).values.numpy())


def test_return_types_are_named():
    out = minigrad.tensor(X).sort(1)
    assert type(out).__name__ == 'sort' and out.values is out[0] and out.indices is out[1]
    assert type(minigrad.tensor(X).topk(2)).__name__ == 'topk'
    assert minigrad.tensor(X).median(0)._fields == ('values', 'indices')


def test_median_gradient_is_shared_among_ties():
    x = minigrad.tensor([1.0, 2.0, 2.0, 3.0, 2.0], requires_grad=True)
    x.median().backward()
    numpy.testing.assert_allclose(x.grad.numpy(), [0, 1 / 3, 1 / 3, 0, 1 / 3])


def test_errors():
    with pytest.raises(RuntimeError, match='topk'):
        minigrad.tensor(X).topk(6)
    with pytest.raises(RuntimeError, match='kthvalue'):
        minigrad.tensor(X).kthvalue(0)
    with pytest.raises(RuntimeError, match='bucketize'):
        minigrad.bucketize(minigrad.tensor(X), minigrad.tensor(X))
