"""PyTorch's "Learn the Basics": tensors (creation, attributes, indexing, joining, arithmetic, in-place, NumPy)."""
import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms

pytestmark = pytest.mark.torch


def idiom_creation(lib):
    d = [[1, 2], [3, 4]]
    x_data = lib.tensor(d)
    np_array = np.array(d)
    x_np = lib.from_numpy(np_array)
    x_ones = lib.ones_like(x_data)
    x_rand = lib.rand_like(x_data, dtype=lib.float)
    shape = (2, 3,)
    return dict(x_data=x_data, x_np=x_np, x_ones=x_ones, rand_shape=x_rand.shape, rand_dtype=x_rand.dtype,
                rand=lib.rand(shape).shape, ones=lib.ones(shape), zeros=lib.zeros(shape),
                floats=lib.tensor([1.5, 2.0]), bools=lib.tensor([True, False]),
                scalar=lib.tensor(3.5), scalar_int=lib.tensor(3), arange=lib.arange(0, 10, 2),
                arange_f=lib.arange(0.0, 1.0, 0.25), linspace=lib.linspace(0, 1, 5), eye=lib.eye(3),
                full=lib.full((2, 2), 7), full_f=lib.full((2, 2), 7.0), empty=lib.empty(2, 3).shape,
                zeros_int=lib.zeros(2, dtype=lib.int64), ones_varargs=lib.ones(2, 3))


def idiom_attributes(lib):
    tensor = lib.rand(3, 4)
    return dict(shape=tensor.shape, dtype=tensor.dtype, device=str(tensor.device),
                size=tensor.size(), size1=tensor.size(1), dim=tensor.dim(), ndim=tensor.ndim,
                numel=tensor.numel(), dtype_str=str(tensor.dtype), shape_str=str(tensor.shape),
                is_leaf=tensor.is_leaf, requires_grad=tensor.requires_grad,
                long=str(lib.tensor([1, 2]).dtype), dbl=str(lib.tensor([1.0], dtype=lib.float64).dtype))


def idiom_indexing(lib):
    tensor = lib.ones(4, 4)
    first_row = tensor[0]
    first_col = tensor[:, 0]
    last_col = tensor[..., -1]
    tensor[:, 1] = 0
    x = lib.arange(24).reshape(2, 3, 4)
    return dict(first_row=first_row, first_col=first_col, last_col=last_col, tensor=tensor,
                a=x[1, 2], b=x[:, 1:, ::2], c=x[x > 10], d=x[[0, 1], [1, 2]], e=x[None, 0].shape,
                f=x[..., 1], g=x[0, :, None].shape, h=x[lib.tensor([1, 0])],
                i=x[0][1][2], item=x[0, 1, 2].item())


def idiom_setitem(lib):
    x = lib.zeros(3, 4)
    x[0] = 1
    x[1, 2] = 5.0
    x[:, -1] = lib.tensor([7.0, 8.0, 9.0])
    x[x > 6] = -1
    y = lib.arange(6.0)
    y[[0, 2]] = 10.0
    return x, y


def idiom_joining(lib):
    tensor = lib.tensor(data(0, 4, 4))
    t1 = lib.cat([tensor, tensor, tensor], dim=1)
    return dict(t1=t1, t0=lib.cat((tensor, tensor)), stack=lib.stack([tensor, tensor]),
                stack1=lib.stack([tensor, tensor], dim=1), concat=lib.concat([tensor, tensor], 0))


def idiom_arithmetic(lib):
    tensor = lib.tensor(data(1, 4, 4))
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = lib.rand_like(y1)
    lib.matmul(tensor, tensor.T, out=y3)  # the tutorial's out= forms
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = lib.rand_like(tensor)
    lib.mul(tensor, tensor, out=z3)
    agg = tensor.sum()
    agg_item = agg.item()
    return dict(y1=y1, y2=y2, y3=y3, z1=z1, z2=z2, z3=z3, agg=agg, agg_item=agg_item,
                item_type=type(agg_item).__name__)


def idiom_scalar_arithmetic(lib):
    x = lib.tensor([1, 2, 3])
    f = lib.tensor([1.0, 2.0, 4.0])
    return dict(add=x + 1, addf=x + 1.5, div=x / 2, floordiv=x // 2, mod=x % 2, pow=x ** 2, rpow=2 ** x,
                rsub=1 - x, rdiv=1 / f, neg=-x, cmp=x > 1, eq=x == 2, fpow=f ** 0.5, bool_and=(x > 1) & (x < 3),
                bool_or=(x > 2) | (x < 2), inv=~(x > 1), abs=abs(-f), int_float=x * f, mean=f.mean(),
                sum_int=x.sum(), max=x.max(), argmax=f.argmax(), maxdim=f.max(dim=0),
                std=f.std(), var=f.var(unbiased=False) if lib.__name__ == 'torch' else f.var(unbiased=False))


def idiom_inplace(lib):
    tensor = lib.ones(4, 4)
    tensor[:, 1] = 0
    tensor.add_(5)
    t2 = lib.ones(3)
    t2.mul_(2).sub_(1)
    t3 = lib.zeros(2, 2)
    t3.fill_(3.0)
    t4 = lib.tensor([1.0, -2.0])
    t4.clamp_(min=0)
    t5 = lib.ones(3)
    t5 += 1
    t5 *= 3
    t5 -= 1
    t5 /= 2
    t6 = lib.zeros(3)
    t6.copy_(lib.tensor([1.0, 2.0, 3.0]))
    t7 = lib.ones(2)
    t7.zero_()
    return tensor, t2, t3, t4, t5, t6, t7


def idiom_numpy_bridge(lib):
    t = lib.ones(5)
    n = t.numpy()
    t.add_(1)
    n2 = np.ones(5)
    t2 = lib.from_numpy(n2)
    np.add(n2, 1, out=n2)
    return dict(n=n.copy(), t=t, t2=t2, n2=n2.copy(), back=lib.tensor(n2), as_t=lib.as_tensor(n2),
                tolist=lib.tensor([[1, 2], [3, 4]]).tolist(), np_dtype=str(t.numpy().dtype))


def idiom_reshape_family(lib):
    x = lib.arange(12.0)
    return dict(view=x.view(3, 4), view_neg=x.view(-1, 6), reshape=x.reshape((2, 6)), t=x.view(3, 4).t(),
                transpose=x.view(3, 4).transpose(0, 1), permute=x.view(2, 3, 2).permute(2, 0, 1),
                unsq=x.unsqueeze(0).shape, sq=x.view(1, 12, 1).squeeze().shape, sq1=x.view(1, 12, 1).squeeze(0).shape,
                flat=x.view(2, 2, 3).flatten(1), flat_fn=lib.flatten(x.view(2, 6)),
                expand=lib.tensor([[1.0], [2.0]]).expand(2, 3), size_index=x.view(3, 4).shape[-1],
                contig=x.view(3, 4).t().contiguous().view(-1))


def idiom_type_conversion(lib):
    x = lib.tensor([1.7, -2.3, 3.5])
    return dict(int=x.int(), long=x.long(), to=x.to(lib.int32), dbl=x.double(), half=x.half().float(),
                bool=x.bool(), type=x.type(lib.float64), float_of_int=lib.tensor([1, 2]).float(),
                to_dtype_kw=x.to(dtype=lib.float64), is_fp=x.is_floating_point(),
                int_fp=lib.tensor([1]).is_floating_point())


def idiom_reductions(lib):
    x = lib.tensor(data(2, 3, 4))
    return dict(sum0=x.sum(0), sum_keep=x.sum(dim=1, keepdim=True), mean=x.mean(axis=0),
                mean_tuple=x.mean((0, 1)), max=x.max(), max1=x.max(1)[0], argmax1=x.max(1)[1],
                max_named=x.max(dim=1).indices, min=x.min(dim=0).values, argmin=x.argmin(dim=1),
                std=x.std(0), var=x.var(1), prod=lib.tensor([1.0, 2.0, 3.0]).sum(),
                all=(x > -10).all(), any=(x > 10).any(), amax=x.amax(dim=(0, 1)),
                logsumexp=x.logsumexp(dim=1))


def idiom_broadcasting(lib):
    a = lib.arange(3).reshape((3, 1))
    b = lib.arange(2).reshape((1, 2))
    return a + b, a * b, lib.tensor(data(3, 2, 1, 3)) - lib.tensor(data(4, 4, 1))


def idiom_elementwise(lib):
    x = lib.tensor(data(5, 6)).abs() + 0.1
    return dict(exp=lib.exp(x), log=x.log(), sqrt=x.sqrt(), sin=lib.sin(x), sig=lib.sigmoid(x),
                tanh=x.tanh(), relu=lib.relu(x - 0.5), clamp=x.clamp(0.2, 0.8), where=lib.where(x > 0.5, x, -x),
                max2=lib.maximum(x, lib.tensor(0.5)), softmax=lib.softmax(x, dim=0), pow=lib.pow(x, 2))


def idiom_rounding(lib):
    x = lib.tensor([-1.5, -0.4, 0.5, 1.5, 2.7])
    return x.round(), x.floor(), x.ceil(), x.trunc(), x.sign()


def idiom_blitz_tensors(lib):
    x = lib.tensor(data(9, 5, 3))
    x2 = x.new_ones(5, 3, dtype=lib.double)
    x3 = lib.randn_like(x2, dtype=lib.float)
    y = lib.tensor(data(10, 5, 3))
    result = lib.empty(5, 3)
    lib.add(x, y, out=result)
    y2 = y.clone()
    y2.add_(x)
    z = x.view(15)
    w = x.view(-1, 5)
    device = lib.device("cpu")
    yy = lib.ones_like(x, device=device)
    zz = (x + yy).to("cpu", lib.double)
    return (x2, x3.dtype, x3.shape, result, y2, x[:, 1], z.size(), w.size(), zz, zz.dtype,
            x.size(), lib.tensor([0.5]).item(), x.new_zeros((2,)).dtype, x.new_empty(3).shape)


GAPS = {
}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
