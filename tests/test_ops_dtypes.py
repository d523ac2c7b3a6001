"""Dtype rules (PyTorch's): the default float is float32, integers meeting floats give the default
float, true division of integers gives a float, and Python or NumPy scalars never widen a tensor."""
import numpy
import pytest

import minigrad

# (description, expression written for either library, expected dtype name)
RULES = [
    ('python float -> default float', lambda m: m.tensor([1.5]), 'float32'),
    ('python int -> int64', lambda m: m.tensor([1, 2]), 'int64'),
    ('python bool -> bool', lambda m: m.tensor([True]), 'bool'),
    ('mixed list -> default float', lambda m: m.tensor([1, 2.5]), 'float32'),
    ('numpy array keeps its dtype', lambda m: m.tensor(numpy.zeros(2, numpy.float64)), 'float64'),
    ('factories give the default float', lambda m: m.zeros(2), 'float32'),
    ('arange of ints is int64', lambda m: m.arange(3), 'int64'),
    ('int tensor + python float', lambda m: m.tensor([1, 2]) + 1.5, 'float32'),
    ('int tensor * python int', lambda m: m.tensor([1, 2]) * 3, 'int64'),
    ('int tensor + float tensor', lambda m: m.tensor([1, 2]) + m.tensor([0.5, 0.5]), 'float32'),
    ('int tensor / int tensor', lambda m: m.tensor([1, 2]) / m.tensor([2, 2]), 'float32'),
    ('int tensor / python int', lambda m: m.tensor([1, 2]) / 2, 'float32'),
    ('float32 * numpy float64 scalar', lambda m: m.ones(2) * numpy.float64(2.0), 'float32'),
    ('numpy float64 scalar * float32', lambda m: numpy.float64(2.0) * m.ones(2), 'float32'),
    ('float32 + float64 0-d tensor', lambda m: m.ones(2) + m.tensor(1.0, dtype=m.float64), 'float32'),
    ('float32 + float64 1-d tensor', lambda m: m.ones(2) + m.ones(2, dtype=m.float64), 'float64'),
    ('int32 + int64', lambda m: m.ones(2, dtype=m.int32) + m.ones(2, dtype=m.int64), 'int64'),
    ('bool + bool', lambda m: m.tensor([True]) + m.tensor([True]), 'bool'),
    ('bool * python int', lambda m: m.tensor([True]) * 2, 'int64'),
    ('int32 tensor * python float', lambda m: m.ones(2, dtype=m.int32) * 0.5, 'float32'),
    ('sum of int32 is int64', lambda m: m.ones(2, dtype=m.int32).sum(), 'int64'),
    ('sum of bool is int64', lambda m: m.tensor([True, False]).sum(), 'int64'),
    ('exp of an int tensor', lambda m: m.tensor([1, 2]).exp(), 'float32'),
    ('sqrt of an int tensor', lambda m: m.tensor([1, 4]).sqrt(), 'float32'),
    ('int tensor ** python float', lambda m: m.tensor([1, 4]) ** 0.5, 'float32'),
    ('python float ** int tensor', lambda m: 2.0 ** m.tensor([1, 2]), 'float32'),
    ('int tensor ** python int', lambda m: m.tensor([1, 2]) ** 2, 'int64'),
    ('comparison gives bool', lambda m: m.ones(2) < 2, 'bool'),
    ('argmax gives int64', lambda m: m.ones(2).argmax(), 'int64'),
    ('max(dim) indices are int64', lambda m: m.ones(2, 2).max(1).indices, 'int64'),
    ('where keeps float32 with a python scalar', lambda m: m.where(m.ones(2) > 0, m.ones(2), 0.0), 'float32'),
    ('mean of float64', lambda m: m.ones(3, dtype=m.float64).mean(), 'float64'),
    ('softmax of float32', lambda m: m.ones(3).softmax(0), 'float32'),
    ('cat of float32 and float64', lambda m: m.cat([m.ones(2), m.ones(2, dtype=m.float64)]), 'float64'),
]


def dtype_name(dtype):
    return str(dtype).replace('torch.', '').replace('minigrad.', '')


@pytest.mark.parametrize('rule, expr, expected', RULES, ids=[r[0] for r in RULES])
def test_minigrad_dtype_rule(rule, expr, expected):
    assert dtype_name(expr(minigrad).dtype) == expected


@pytest.mark.torch
@pytest.mark.parametrize('rule, expr, expected', RULES, ids=[r[0] for r in RULES])
def test_torch_follows_the_same_rule(rule, expr, expected):
    import torch
    assert dtype_name(expr(torch).dtype) == expected


def test_set_default_dtype_changes_what_python_floats_become():
    minigrad.set_default_dtype(minigrad.float64)
    try:
        assert minigrad.tensor([1.5]).dtype == minigrad.float64
        assert (minigrad.tensor([1, 2]) / 2).dtype == minigrad.float64
        assert minigrad.ones(2).dtype == minigrad.float64
    finally:
        minigrad.set_default_dtype(minigrad.float32)
    assert minigrad.tensor([1.5]).dtype == minigrad.float32


def test_gradients_have_the_dtype_of_their_leaf():
    x = minigrad.ones(3, requires_grad=True)                     # float32
    w = minigrad.ones(3, dtype=minigrad.float64, requires_grad=True)
    (x * w).sum().backward()                                     # computed in float64
    assert x.grad.dtype == minigrad.float32 and w.grad.dtype == minigrad.float64


def test_matmul_promotes_mixed_float_dtypes():
    # PyTorch raises here ("expected m1 and m2 to have the same dtype"); minigrad applies the usual
    # promotion, as it does for every other binary op (docs/semantics.md, deviations).
    out = minigrad.ones(2, 2, dtype=minigrad.float64) @ minigrad.ones(2, 2)
    assert out.dtype == minigrad.float64
