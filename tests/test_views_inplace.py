"""Views and in-place operations follow PyTorch's model (docs/semantics.md, "Views and in-place
operations"): each reproduction of issue 16 against the value PyTorch gives, and a property test of
random programs chaining views and in-place ops, run on minigrad and on torch, that compares the values
of every tensor, which ones require grad, the gradients, and which steps raise."""
import numpy
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import minigrad

pytestmark = pytest.mark.torch


@pytest.fixture
def torch():
    import torch
    return torch


def _pair(torch, values=(1.0, 2.0)):
    """``a``: a float64 leaf requiring grad, and ``b = a * 2``, in both libraries."""
    a_m = minigrad.tensor(list(values), dtype=minigrad.float64, requires_grad=True)
    a_t = torch.tensor(list(values), dtype=torch.float64, requires_grad=True)
    return (a_m, a_m * 2), (a_t, a_t * 2)


def _same(m, t):
    numpy.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- the reproductions
def _run_both(torch, program):
    """``program(lib, a, b)`` on minigrad and torch; returns ``(a.grad, result)`` of each."""
    out = []
    for lib, (a, b) in zip((minigrad, torch), _pair(torch)):
        result = program(lib, a, b)
        out.append((a.grad, result))
    return out


def test_write_through_view_of_non_leaf(torch):
    def program(lib, a, b):
        b[0:1].mul_(3)
        b.sum().backward()
    (g_m, _), (g_t, _) = _run_both(torch, program)
    _same(g_m, g_t)
    assert g_m.tolist() == [6.0, 2.0]


def test_views_taken_before_a_write_to_the_base_see_the_new_history(torch):
    def program(lib, a, b):
        v = b[0:1]
        b.mul_(3)
        v.sum().backward()
    (g_m, _), (g_t, _) = _run_both(torch, program)
    _same(g_m, g_t)
    assert g_m.tolist() == [6.0, 0.0]


def test_integer_index_is_a_view(torch):
    def program(lib, a, b):
        b[1].add_(5)
        return b
    (_, b_m), (_, b_t) = _run_both(torch, program)
    _same(b_m, b_t)
    assert b_m.tolist() == [2.0, 9.0]
    x = minigrad.arange(6.0).reshape(2, 3)
    x[1, 2].fill_(-1.0)
    assert x[1, 2].item() == -1.0 and x[1, 2]._base is x._base  # the base of a view of a view


@pytest.mark.parametrize('same_shape_view', [
    lambda t: t.reshape(t.shape), lambda t: t.view(t.shape), lambda t: t.flatten(), lambda t: t.view(-1)])
def test_same_shape_views_share_the_version_counter(torch, same_shape_view):
    for lib, (a, b) in zip((minigrad, torch), _pair(torch)):
        c = b * b                      # saves b for its backward
        same_shape_view(b).add_(1)     # changes b
        with pytest.raises(RuntimeError):
            c.sum().backward()


def test_a_write_through_a_view_of_a_leaf_that_requires_grad_is_refused(torch):
    for lib, (a, b) in zip((minigrad, torch), _pair(torch)):
        with pytest.raises(RuntimeError, match='view of a leaf'):
            a[0:1].mul_(2)
        with lib.no_grad():  # as an optimiser does
            a[0:1].mul_(2)
        assert a.tolist() == [2.0, 2.0]


def test_no_op_views_are_new_tensors(torch):
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True) * 1
        views = [x.t(), x.transpose(0, 0), x.squeeze(), x.expand(2), x.reshape(2), x.view(2),
                 x[...], x.unsqueeze(0).squeeze(0)]
        for v in views:
            assert v is not x and v._base is x
        assert x.flatten() is x  # as in PyTorch: flatten with start_dim == end_dim is the tensor
        v = x.t()
        v.retain_grad()
        (v * 3).sum().backward()
        assert v.grad.tolist() == [3.0, 3.0]
        assert x.detach().grad is None


def test_mul_and_div_save_only_what_the_gradient_needs(torch):
    """Changing in place an operand whose values no needed gradient uses is fine, as in PyTorch."""
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        c = lib.tensor([3.0, 4.0], dtype=lib.float64)
        u = x * 1
        y = u * c + u / c + (c * u).sum()   # the gradient of u needs c only
        u.add_(10)
        y.sum().backward()
        numpy.testing.assert_allclose(x.grad.numpy(), [3 + 1 / 3 + 2 * 3, 4 + 1 / 4 + 2 * 4])
        z = c / u                            # the gradient of u needs u: its change is caught
        u.add_(1)
        with pytest.raises(RuntimeError):
            z.sum().backward()


def test_an_in_place_op_reading_its_own_target_is_caught(torch):
    for lib in (minigrad, torch):
        a = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        b = a * 1
        b.mul_(b[...])      # the gradient needs b before the write, read through a view
        with pytest.raises(RuntimeError):
            b.sum().backward()
        e = a * 1
        e.exp_()            # saves its output, then nothing changes it: fine
        e.sum().backward()
        assert a.grad.tolist() == pytest.approx([2.718281828459045, 7.38905609893065])
        g = a.exp()
        g.exp_()            # changes the output the first exp saved
        with pytest.raises(RuntimeError):
            g.sum().backward()
        f = a * 1
        f.sigmoid_()
        f.add_(1)           # the output sigmoid_ saved is changed
        with pytest.raises(RuntimeError):
            f.sum().backward()


def test_an_in_place_op_on_itself_keeps_the_values_it_needs(torch):
    """``b.mul_(b)``: PyTorch raises at backward; minigrad saves a copy of b before the write (it does
    so for every in-place op whose gradient needs the old values) and gives the right gradient."""
    a = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    b = a * 1
    b.mul_(b)
    b.sum().backward()
    assert a.grad.tolist() == [2.0, 4.0]


def test_add_with_alpha_does_not_save_the_other_operand(torch):
    for lib in (minigrad, torch):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([0.5, 0.5], dtype=lib.float64, requires_grad=True)
        b = x * 1
        u = w * 1
        b.add_(u, alpha=2)
        u.mul_(7)
        b.sum().backward()
        assert x.grad.tolist() == [1.0, 1.0] and w.grad.tolist() == [2.0, 2.0]


def test_numpy_asarray_of_a_tensor_that_requires_grad_raises():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match='requires grad'):
        numpy.asarray(x)
    assert numpy.asarray(x.detach()).tolist() == [1.0, 2.0]
    assert numpy.asarray(minigrad.tensor([3])).tolist() == [3]


def test_mark_non_differentiable_takes_the_outputs():
    class Sign(minigrad.Function):
        @staticmethod
        def forward(ctx, x):
            out = array_sign(x)
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, grad):
            raise AssertionError("never called")

    def array_sign(x):
        return (x > 0) * 1.0 - (x < 0) * 1.0

    x = minigrad.tensor([-2.0, 3.0], requires_grad=True)
    y = Sign.apply(x)
    assert y.tolist() == [-1.0, 1.0] and not y.requires_grad and y.grad_fn is None


def test_view_with_a_dtype_reinterprets_the_bits(torch):
    for values in ([1.0, -2.5], [0.0, 3.0e-8]):
        m = minigrad.tensor(values, dtype=minigrad.float32)
        t = torch.tensor(values, dtype=torch.float32)
        assert m.view(minigrad.int32).tolist() == t.view(torch.int32).tolist()
        assert m.view(minigrad.int16).tolist() == t.view(torch.int16).tolist()
        assert m.view(minigrad.uint8).shape == t.view(torch.uint8).shape
    m = minigrad.tensor([1.0, 2.0])
    bits = m.view(minigrad.int32)
    bits[0] = 0                          # the same memory
    assert m.tolist() == [0.0, 2.0]
    assert not minigrad.tensor([1.0], requires_grad=True).view(minigrad.int32).requires_grad


@pytest.mark.parametrize('make_view', [
    lambda lib, t: t.narrow(1, 1, 2), lambda lib, t: t.narrow(0, -1, 1), lambda lib, t: t.select(1, 2),
    lambda lib, t: lib.select(t, 0, -1), lambda lib, t: t.diagonal(), lambda lib, t: t.diagonal(1),
    lambda lib, t: lib.diagonal(t, -1, 1, 0), lambda lib, t: lib.narrow(t, 1, 0, 1)])
def test_narrow_select_and_diagonal_are_views(torch, make_view):
    results = []
    for lib in (minigrad, torch):
        a = lib.tensor(numpy.arange(12.0).reshape(3, 4), dtype=lib.float64, requires_grad=True)
        b = a * 1
        v = make_view(lib, b)
        assert v._base is b
        w = v * v
        v.mul_(-2)                     # through the view into b's history
        (b * b).sum().backward()
        results.append((v, w, b, a.grad))
    for m, t in zip(*results):
        _same(m, t)


@pytest.mark.parametrize('name', ['relu_', 'sigmoid_', 'tanh_', 'exp_', 'log_', 'sqrt_', 'sin_', 'cos_',
                                  'abs_', 'neg_', 'square_'])
def test_in_place_unary_ops(torch, name):
    results = []
    for lib in (minigrad, torch):
        a = lib.tensor([[0.5, -1.5, 2.0], [1.0, -0.25, 3.0]], dtype=lib.float64, requires_grad=True)
        b = a * 1
        if name in ('log_', 'sqrt_'):
            b = b.abs()
        b2 = b * 1
        assert getattr(b2, name)() is b2
        getattr(b[1], name)()          # through a view
        (b * b2).sum().backward()
        results.append((b, b2, a.grad))
        with pytest.raises(RuntimeError):
            getattr(a, name)()         # a leaf that requires grad
    for m, t in zip(*results):
        _same(m, t)


def test_in_place_unary_ops_follow_the_dtype_rules(torch):
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):
            lib.tensor([1, 2]).exp_()   # a float result cannot be stored in an integer tensor
    assert minigrad.relu_(minigrad.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_node_names_and_next_functions_are_pytorch_s(torch):
    for lib in (minigrad, torch):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        y = a * 2
        z = (y + a).sum()
        assert y.grad_fn.name() == 'MulBackward0' and z.grad_fn.name() == 'SumBackward0'
        add, index = z.grad_fn.next_functions[0]
        assert add.name() == 'AddBackward0' and index == 0
        (mul, _), (acc, _) = add.next_functions
        assert mul is y.grad_fn and acc.variable is a
        assert acc.name() == 'torch::autograd::AccumulateGrad'
        assert add.next_functions[1][0] is acc  # one AccumulateGrad per leaf
        c = a * 1
        c[0] = 5.0
        assert 'CopySlices' in c.grad_fn.name()
    assert repr(minigrad.tensor([1.0], requires_grad=True) * 2).endswith('grad_fn=<MulBackward0>)')


# ------------------------------------------------------------------------ the property test
_VALUES = st.sampled_from([-1.5, -0.5, 0.25, 2.0])

VIEWS = ['slice', 'index', 'flatten', 'same_view', 'transpose', 'narrow', 'select', 'unsqueeze', 'expand']
INPLACE = ['add_', 'add_w', 'mul_', 'mul_w', 'setitem', 'setitem_w', 'relu_', 'sigmoid_', 'exp_',
           'zero_', 'clamp_', 'copy_']
OTHERS = ['times', 'exp']

steps = st.tuples(st.sampled_from(VIEWS + INPLACE + OTHERS), st.integers(0, 50), st.integers(0, 50),
                  st.integers(0, 50), _VALUES)


def _step(lib, tensors, w, step):
    """Apply ``step`` to one of ``tensors`` (the choice, dims and positions taken from its numbers
    modulo the sizes); a new tensor is appended to the list, an in-place op changes one there."""
    kind, k, i, j, value = step
    t = tensors[-1 - k % len(tensors)] if k % 3 else tensors[1]  # mostly the newest tensors, often b
    n = t.dim()
    if kind in ('index', 'select', 'setitem', 'slice', 'narrow', 'transpose') and n == 0:
        kind = 'same_view'
    if kind == 'slice':
        d = i % n
        size = t.shape[d]
        start, stop = sorted((j % (size + 1), (j // 7) % (size + 1)))
        tensors.append(t[(slice(None),) * d + (slice(start, stop, 1 + i % 2),)])
    elif kind == 'index':
        tensors.append(t[j % t.shape[0]])
    elif kind == 'flatten':
        tensors.append(t.flatten())
    elif kind == 'same_view':
        tensors.append(t.view(t.shape) if i % 2 else t.reshape(t.shape))
    elif kind == 'transpose':
        tensors.append(t.transpose(i % n, j % n))
    elif kind == 'narrow':
        d = i % n
        size = t.shape[d]
        start = j % size if size else 0
        tensors.append(t.narrow(d, start, (size - start) and 1 + (j // 3) % (size - start)))
    elif kind == 'select':
        d = i % n
        if t.shape[d]:
            tensors.append(t.select(d, j % t.shape[d]))
    elif kind == 'unsqueeze':
        tensors.append(t.unsqueeze(i % (n + 1)))
    elif kind == 'expand':
        tensors.append(t.unsqueeze(0).expand(1 + i % 2, *t.shape))  # read-only when it repeats
    elif kind == 'add_':
        t.add_(value)
    elif kind == 'add_w':
        t.add_(w.sum(), alpha=value)
    elif kind == 'mul_':
        t.mul_(value)
    elif kind == 'mul_w':
        t.mul_(w.mean())
    elif kind == 'setitem':
        t[j % t.shape[0]] = value
    elif kind == 'setitem_w':
        t[(Ellipsis,) if n == 0 else (j % t.shape[0],)] = w.sum() * value
    elif kind in ('relu_', 'sigmoid_', 'exp_', 'zero_'):
        getattr(t, kind)()
    elif kind == 'clamp_':
        t.clamp_(-1.0, 1.0)
    elif kind == 'copy_':
        t.copy_(w.sum() * value + t.detach() * 0)
    elif kind == 'times':
        tensors.append(t * value)
    elif kind == 'exp':
        tensors.append((t * 0.5).exp())


def _run_program(lib, program):
    """Run ``program`` on ``lib``; every step's outcome (None, or the kind of error), then the values
    and requires_grad of every tensor, then the gradients of the leaves (or that backward raised)."""
    rng = numpy.random.default_rng(0)
    a = lib.tensor(rng.standard_normal((3, 4)), dtype=lib.float64, requires_grad=True)
    w = lib.tensor(rng.standard_normal(4), dtype=lib.float64, requires_grad=True)
    c = lib.tensor(rng.standard_normal((2, 3)), dtype=lib.float64)   # a leaf without grad
    tensors = [a, a * 2, c, w * 1]
    outcomes = []
    for step in program:
        try:
            _step(lib, tensors, w, step)
            outcomes.append(None)
        except RuntimeError:
            outcomes.append('error')
    state = [(tuple(t.shape), t.detach().numpy().copy(), t.requires_grad) for t in tensors]
    losses = [(t * t).sum() * (1 + k / 10) for k, t in enumerate(tensors) if t.requires_grad]
    try:
        sum(losses).backward()
        grads = [None if leaf.grad is None else leaf.grad.numpy().copy() for leaf in (a, w)]
    except RuntimeError:
        grads = 'error'
    return outcomes, state, grads


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=10))
def test_random_view_and_in_place_programs_match_torch(program):
    import torch
    outcomes_m, state_m, grads_m = _run_program(minigrad, program)
    outcomes_t, state_t, grads_t = _run_program(torch, program)
    assert outcomes_m == outcomes_t, "a step raised on one library only"
    assert len(state_m) == len(state_t)
    for k, ((shape_m, values_m, rg_m), (shape_t, values_t, rg_t)) in enumerate(zip(state_m, state_t)):
        assert shape_m == shape_t, f"tensor {k}: shapes"
        numpy.testing.assert_allclose(values_m, values_t, rtol=1e-10, atol=1e-12, err_msg=f"tensor {k}")
        assert rg_m == rg_t, f"tensor {k}: requires_grad"
    if grads_t == 'error' or grads_m == 'error':
        assert grads_m == grads_t, "backward raised on one library only"
        return
    for g_m, g_t in zip(grads_m, grads_t):
        assert (g_m is None) == (g_t is None)
        if g_m is not None:
            numpy.testing.assert_allclose(g_m, g_t, rtol=1e-10, atol=1e-12)
