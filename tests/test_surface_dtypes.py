"""Dtypes against PyTorch: float16 and bfloat16 (through ml_dtypes) through everyday ops with gradients,
PyTorch's promotion table (float16 with bfloat16 gives float32), finfo/iinfo, result_type, can_cast."""
import warnings

import numpy
import pytest

import minigrad

pytestmark = pytest.mark.torch

from minigrad import backend  # noqa: E402

if backend._ml_dtypes is None:  # bfloat16 is optional (pip install 'minigrad[bfloat16]')
    PAIRS_BF16 = False
    pytest.skip("bfloat16 needs ml_dtypes (in the test extra)", allow_module_level=True)

PAIRS = [('float16', 'float16'), ('bfloat16', 'bfloat16'), ('float32', 'float32'), ('float64', 'float64'),
         ('int64', 'int64'), ('int32', 'int32'), ('bool', 'bool'), ('uint8', 'uint8'), ('int8', 'int8')]
A = numpy.array([[0.5, -1.25, 2.0], [1.5, 0.25, -0.75]])

OPS = {
 'exp': lambda m,x: m.exp(x), 'log': lambda m,x: m.log(x.abs()+1), 'sqrt': lambda m,x: m.sqrt(x.abs()), 'sin': lambda m,x: m.sin(x),
 'tanh': lambda m,x: m.tanh(x), 'sigmoid': lambda m,x: m.sigmoid(x), 'relu': lambda m,x: m.relu(x), 'abs': lambda m,x: x.abs(),
 'sum': lambda m,x: x.sum(), 'mean': lambda m,x: x.mean(), 'var': lambda m,x: x.var(), 'max': lambda m,x: x.max(),
 'softmax': lambda m,x: m.softmax(x, 1), 'log_softmax': lambda m,x: m.log_softmax(x, 1), 'logsumexp': lambda m,x: m.logsumexp(x, 1),
 'matmul': lambda m,x: x @ x.T, 'add scalar': lambda m,x: x + 1.5, 'mul int': lambda m,x: x * 2, 'div': lambda m,x: x / 3,
 'pow': lambda m,x: x ** 2, 'clamp': lambda m,x: x.clamp(-0.5, 0.5), 'where': lambda m,x: m.where(x > 0, x, 0.0),
 'cat': lambda m,x: m.cat([x, x]), 'sort': lambda m,x: x.sort(1).values, 'cumsum': lambda m,x: x.cumsum(1),
 'floor': lambda m,x: x.floor(), 'round': lambda m,x: x.round(), 'norm': lambda m,x: x.norm(), 'prod': lambda m,x: x.prod(1),
 'einsum': lambda m,x: m.einsum('ij,kj->ik', x, x), 'gather': lambda m,x: x.gather(1, m.tensor([[0],[1]])),
 'masked_fill': lambda m,x: x.masked_fill(x > 0, 1.0), 'topk': lambda m,x: x.topk(2).values, 'flip': lambda m,x: x.flip(0),
 'mse': lambda m,x: ((x - 1) ** 2).mean(), 'maximum': lambda m,x: m.maximum(x, x * 2), 'std': lambda m,x: x.std(1),
 'amax': lambda m,x: x.amax(1), 'tril': lambda m,x: x.tril(), 'lerp': lambda m,x: m.lerp(x, x*2, 0.5), 'isnan': lambda m,x: m.isnan(x),
 'nan_to_num': lambda m,x: m.nan_to_num(x), 'logaddexp': lambda m,x: m.logaddexp(x, x), 'hypot': lambda m,x: m.hypot(x, x),
}

def _name(dtype):
    return str(dtype).split('.')[-1]


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
@pytest.mark.parametrize('name', sorted(OPS))
def test_half_precision_ops_match_torch(dtype, name):
    import torch
    fn = OPS[name]
    x = minigrad.tensor(A, dtype=getattr(minigrad, dtype), requires_grad=True)
    xt = torch.tensor(A, dtype=getattr(torch, dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        y, yt = fn(minigrad, x), fn(torch, xt)
    assert _name(y.dtype) == _name(yt.dtype)
    numpy.testing.assert_allclose(y.detach().float().numpy(), yt.detach().float().numpy(), rtol=2e-2, atol=2e-2)
    if yt.requires_grad:
        y.float().sum().backward()
        yt.float().sum().backward()
        assert _name(x.grad.dtype) == dtype
        numpy.testing.assert_allclose(x.grad.float().numpy(), xt.grad.float().numpy(), rtol=3e-2, atol=3e-2)


def test_promotion_table_matches_torch():
    import torch
    for a, _ in PAIRS:
        for b, _ in PAIRS:
            want = _name(torch.promote_types(getattr(torch, a), getattr(torch, b)))
            assert _name(minigrad.promote_types(getattr(minigrad, a), getattr(minigrad, b))) == want, (a, b)
            got = minigrad.ones(2, dtype=getattr(minigrad, a)) + minigrad.ones(2, dtype=getattr(minigrad, b))
            assert _name(got.dtype) == want, (a, b)


def test_dtype_facts():
    import torch
    for name in ('float16', 'bfloat16', 'float32', 'float64'):
        mine, theirs = minigrad.finfo(getattr(minigrad, name)), torch.finfo(getattr(torch, name))
        assert float(mine.eps) == theirs.eps and float(mine.max) == theirs.max and float(mine.tiny) == theirs.tiny
    assert minigrad.iinfo(minigrad.int32).max == torch.iinfo(torch.int32).max
    assert float(minigrad.finfo().eps) == torch.finfo().eps
    assert _name(minigrad.result_type(minigrad.ones(2, dtype=minigrad.int32), 2.0)) == 'float32'
    assert _name(minigrad.result_type(minigrad.ones(2, dtype=minigrad.float16), 2.0)) == 'float16'
    assert minigrad.can_cast(minigrad.int32, minigrad.float16) and not minigrad.can_cast(minigrad.float32,
                                                                                         minigrad.int32)


def test_bfloat16_tensor_basics():
    x = minigrad.tensor([1.5, 2.25], dtype='bfloat16')
    assert x.dtype == minigrad.bfloat16 and x.is_floating_point() and x.element_size() == 2
    assert repr(x) == 'tensor([1.5000, 2.2500], dtype=minigrad.bfloat16)'
    assert minigrad.randn(3).bfloat16().dtype == minigrad.bfloat16
    assert (x * 2).dtype == minigrad.bfloat16 and (x + minigrad.tensor([1, 2])).dtype == minigrad.bfloat16
    assert (x + minigrad.ones(2, dtype=minigrad.float16)).dtype == minigrad.float32
