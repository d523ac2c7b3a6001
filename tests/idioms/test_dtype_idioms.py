"""Type promotion and dtype rules in everyday expressions (PyTorch's result_type, reductions'
accumulation types, integer division, NaN handling), value and dtype against PyTorch."""
import pytest

from idiomcheck import check_idiom

pytestmark = pytest.mark.torch

E = {
    'int_plus_float_scalar': lambda t: t.tensor([1, 2]) + 0.5, 'int_times_int_scalar': lambda t: t.tensor([1, 2]) * 3,
    'int32_plus_int64_scalar': lambda t: t.tensor([1], dtype=t.int32) + 5, 'int32_plus_int64': lambda t: t.tensor([1], dtype=t.int32) + t.tensor([5]),
    'uint8_plus_int8': lambda t: t.tensor([1], dtype=t.uint8) + t.tensor([1], dtype=t.int8), 'bool_plus_int': lambda t: t.tensor([True]) + 1,
    'bool_times_float': lambda t: t.tensor([True, False]) * 2.5, 'float16_plus_float32': lambda t: t.tensor([1.0], dtype=t.float16) + t.tensor([1.0]),
    'float16_plus_scalar': lambda t: t.tensor([1.0], dtype=t.float16) + 1.5, 'float64_scalar_tensor': lambda t: t.tensor([1.0]) + t.tensor(2.0, dtype=t.float64),
    'int_tensor_float_0d': lambda t: t.tensor([1, 2]) * t.tensor(1.5), 'float32_times_float64': lambda t: t.tensor([1.0]) * t.tensor([2.0], dtype=t.float64),
    'int_div_int': lambda t: t.tensor([5, 6]) / t.tensor([2, 4]), 'int_floordiv_neg': lambda t: t.tensor([-5, 5]) // t.tensor([2, -2]),
    'int_mod_neg': lambda t: t.tensor([-5, 5]) % 3, 'float_mod_neg': lambda t: t.tensor([-5.5, 5.5]) % 2,
    'int_pow_neg_float': lambda t: t.tensor([2, 4]) ** -0.5, 'int_pow_int': lambda t: t.tensor([2, 3]) ** t.tensor([3, 2]),
    'uint8_wrap': lambda t: t.tensor([250], dtype=t.uint8) + t.tensor([10], dtype=t.uint8),
    'sum_int32': lambda t: t.tensor([1, 2], dtype=t.int32).sum(), 'sum_bool': lambda t: t.tensor([True, True, False]).sum(),
    'sum_uint8': lambda t: t.tensor([200, 100], dtype=t.uint8).sum(), 'prod_int': lambda t: t.tensor([2, 3]).prod(),
    'mean_float16': lambda t: t.tensor([1.0, 2.0], dtype=t.float16).mean(), 'cumsum_int32': lambda t: t.tensor([1, 2], dtype=t.int32).cumsum(0),
    'max_nan': lambda t: t.tensor([1.0, float('nan'), 3.0]).max(), 'argmax_tie': lambda t: t.tensor([3, 1, 3]).argmax(),
    'maximum_nan': lambda t: t.maximum(t.tensor([1.0, float('nan')]), t.tensor([float('nan'), 0.0])),
    'sort_stable_ties': lambda t: t.tensor([2, 1, 2, 1]).sort(stable=True), 'eq_int_float': lambda t: t.tensor([1, 2]) == t.tensor([1.0, 2.5]),
    'lt_scalar_float': lambda t: t.tensor([1, 2]) < 1.5, 'where_scalars': lambda t: t.where(t.tensor([True, False]), 1.0, 0),
    'where_int_float': lambda t: t.where(t.tensor([True, False]), t.tensor([1, 2]), t.tensor([0.5, 0.5])),
    'clamp_int_float_bound': lambda t: t.tensor([1, 5]).clamp(max=2.5), 'abs_int': lambda t: t.tensor([-3, 3]).abs(),
    'neg_bool_sum': lambda t: (~t.tensor([True, False])).sum(), 'sqrt_int': lambda t: t.tensor([4, 9]).sqrt(),
    'exp_int': lambda t: t.tensor([0, 1]).exp(), 'sigmoid_int': lambda t: t.sigmoid(t.tensor([0])),
    'arange_dtypes': lambda t: (t.arange(3).dtype, t.arange(3.0).dtype, t.arange(0, 1, 0.5).dtype, t.arange(3, dtype=t.float64)),
    'full_dtypes': lambda t: (t.full((1,), 1).dtype, t.full((1,), 1.0).dtype, t.full((1,), True).dtype),
    'tensor_inference': lambda t: (t.tensor([1, 2.0]).dtype, t.tensor([True, 1]).dtype, t.tensor([[1], [2]]).dtype, t.tensor(1e10).dtype),
    'zeros_like_int': lambda t: t.zeros_like(t.tensor([1, 2])), 'ones_like_float': lambda t: t.ones_like(t.tensor([1, 2]), dtype=t.float32),
    'rand_like_float64': lambda t: t.rand_like(t.zeros(2, dtype=t.float64)).dtype, 'randint_dtype': lambda t: t.randint(0, 5, (3,)).dtype,
    'randn_dtype64': lambda t: t.randn(2, dtype=t.float64).dtype, 'randperm_dtype': lambda t: t.randperm(4).dtype,
    'mean_dim_int_raises': lambda t: _raises(lambda: t.tensor([1, 2]).mean()),
    'float_to_int_trunc': lambda t: t.tensor([-1.7, 1.7]).long(), 'int_to_bool': lambda t: t.tensor([0, 2]).bool(),
    'to_float64_keeps_values': lambda t: t.tensor([0.1]).double(), 'item_types': lambda t: (type(t.tensor([1]).item()).__name__, type(t.tensor([1.0], dtype=t.float16).item()).__name__),
    'tolist_types': lambda t: t.tensor([[1, 2]]).tolist() + t.tensor([[0.5]]).tolist(), 'inplace_int_float_raises': lambda t: _raises(lambda: t.tensor([1, 2]).add_(0.5)),
    'inplace_float_int_ok': lambda t: t.tensor([1.0, 2.0]).add_(t.tensor([1, 1])), 'iadd_int_scalar': lambda t: _iadd(t.tensor([1, 2]), 1),
    'true_divide_int_inplace_raises': lambda t: _raises(lambda: t.tensor([4, 6]).div_(2)),
    'matmul_int': lambda t: t.tensor([[1, 2]]) @ t.tensor([[3], [4]]), 'dot_float64': lambda t: t.dot(t.tensor([1.0, 2.0], dtype=t.float64), t.tensor([3.0, 4.0], dtype=t.float64)),
    'softmax_dtype_arg': lambda t: t.softmax(t.tensor([1.0, 2.0]), dim=0, dtype=t.float64), 'sum_dtype_arg': lambda t: t.tensor([1, 2]).sum(dtype=t.float32),
}


def _raises(f):
    try:
        f()
        return 'no error'
    except RuntimeError:
        return 'RuntimeError'
    except Exception as e:  # noqa: BLE001  (the exception type is what is compared)
        return type(e).__name__


def _iadd(x, v):
    x += v
    return x


@pytest.mark.parametrize('name', sorted(E))
def test_dtype_idiom(name):
    check_idiom(E[name])
