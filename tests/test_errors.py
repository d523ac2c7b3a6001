"""Misuse raises an error that says what was wrong (the op, the shapes) and what to do instead."""
import numpy
import pytest

import minigrad


def message(exc_info):
    return str(exc_info.value)


@pytest.mark.parametrize('a_shape, b_shape, detail', [
    ((2, 3), (4, 5), 'last dimension of the first (3)'),
    ((3,), (4,), 'only dimension of the second (4)'),
    ((2, 3, 4), (5, 4, 2), 'batch dimensions do not broadcast'),
])
def test_matmul_shape_mismatch_names_the_op_and_both_shapes(a_shape, b_shape, detail):
    with pytest.raises(RuntimeError) as info:
        minigrad.randn(*a_shape) @ minigrad.randn(*b_shape)
    assert 'matmul' in message(info)
    assert str(a_shape) in message(info) and str(b_shape) in message(info)
    assert detail in message(info)


def test_matmul_of_a_scalar_says_to_use_mul():
    with pytest.raises(RuntimeError, match=r'use \*'):
        minigrad.matmul(minigrad.tensor(2.0), minigrad.randn(3))


@pytest.mark.parametrize('op', ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'])
def test_broadcast_mismatch_names_the_op_and_both_shapes(op):
    a = minigrad.rand(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        getattr(minigrad, op)(a, minigrad.rand(4))
    text = message(info)
    assert text.startswith(op) and '(2, 3)' in text and '(4,)' in text
    assert 'reshape or unsqueeze' in text


def test_backward_twice_through_a_freed_graph_says_retain_graph():
    x = minigrad.randn(3, requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError) as info:
        y.backward()
    assert 'second time' in message(info) and 'retain_graph=True' in message(info)


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = minigrad.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        (x * 2).backward()
    assert '(2, 3)' in message(info) and 'gradient=' in message(info) and '.sum()' in message(info)


def test_backward_gradient_of_the_wrong_shape_names_both_shapes():
    x = minigrad.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r'\(3,\).*\(2, 3\)'):
        (x * 2).backward(minigrad.ones(3))


def test_backward_on_a_tensor_without_graph_says_how_to_get_one():
    with pytest.raises(RuntimeError, match='requires_grad=True'):
        minigrad.randn(3).sum().backward()


@pytest.mark.parametrize('op_name, build, change', [
    ('Exp', lambda a: a.exp(), lambda saved, out: out.add_(1)),
    ('Mul', lambda a: a * a, lambda saved, out: saved.mul_(2)),
    ('Pow', lambda a: a ** a, lambda saved, out: saved.__setitem__(0, 5.0)),
    ('Log', lambda a: a.log(), lambda saved, out: saved.div_(2)),
])
def test_inplace_change_of_a_saved_tensor_names_the_op(op_name, build, change):
    x = minigrad.rand(3, requires_grad=True)
    saved = x + 1
    out = build(saved)
    change(saved, out)
    with pytest.raises(RuntimeError) as info:
        out.sum().backward()
    assert f'saved by {op_name}' in message(info) and 'in-place' in message(info)
    assert '.clone()' in message(info)


def test_inplace_change_of_a_tensor_not_saved_is_allowed():
    x = minigrad.rand(3, requires_grad=True)
    y = x + 1
    z = y + 2          # Add saves nothing
    y.mul_(3)
    z.sum().backward()
    assert numpy.array_equal(x.grad.numpy(), numpy.ones(3))


@pytest.mark.parametrize('make', [
    lambda: minigrad.tensor([1, 2], requires_grad=True),
    lambda: minigrad.tensor([True]).requires_grad_(),
    lambda: minigrad.arange(3).requires_grad_(),
])
def test_integer_tensor_cannot_require_grad(make):
    with pytest.raises(RuntimeError) as info:
        make()
    assert 'floating-point' in message(info) and '.float()' in message(info)


def test_inplace_on_a_leaf_that_requires_grad_says_use_no_grad():
    w = minigrad.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        w -= 0.1
    assert 'leaf' in message(info) and 'no_grad' in message(info)


@pytest.mark.filterwarnings('ignore:divide by zero')
def test_anomaly_mode_names_the_op_that_produced_nan_or_inf():
    x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    with minigrad.detect_anomaly():
        y = x.sqrt().sum()
        with pytest.raises(RuntimeError) as info:
            y.backward()
    assert 'Sqrt' in message(info) and 'NaN or infinite' in message(info)
    assert 'test_errors.py' in message(info)  # where the op was created in the forward pass
    assert not minigrad.autograd.is_anomaly_enabled()


@pytest.mark.filterwarnings('ignore:divide by zero')
def test_without_anomaly_mode_inf_gradients_pass_silently():
    x = minigrad.tensor([0.0], requires_grad=True)
    x.sqrt().sum().backward()
    assert x.grad.item() == numpy.inf


@pytest.mark.filterwarnings('ignore:divide by zero')
def test_set_detect_anomaly_turns_the_check_on_and_off():
    x = minigrad.tensor([-1.0], requires_grad=True)
    minigrad.set_detect_anomaly(True)
    try:
        with pytest.raises(RuntimeError, match='Log backward'):
            (x * 0).log().sum().backward()
    finally:
        minigrad.set_detect_anomaly(False)


@pytest.mark.parametrize('call, words', [
    (lambda: minigrad.cat([minigrad.randn(2, 3), minigrad.randn(3, 2)]), ['cat', '(3, 2)', '(2, 3)']),
    (lambda: minigrad.stack([minigrad.randn(2), minigrad.randn(3)]), ['stack', '(2,)', '(3,)']),
    (lambda: minigrad.randn(2, 3).reshape(4, 2), ['reshape', '(4, 2)', '(2, 3)']),
    (lambda: minigrad.randn(2, 3).expand(3, 3), ['expand', '(2, 3)', '(3, 3)']),
    (lambda: minigrad.randn(2, 3).sum(dim=2), ['sum', 'dimension out of range']),
    (lambda: minigrad.randn(2, 3).softmax(), ['softmax', 'dim']),
    (lambda: minigrad.randn(2, 3)[minigrad.tensor([0.5])], ['.long()']),
])
def test_shape_and_argument_errors_name_the_op(call, words):
    with pytest.raises((RuntimeError, IndexError, TypeError, ValueError)) as info:
        call()
    for word in words:
        assert word in message(info)
