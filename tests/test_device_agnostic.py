"""The CPU proof that every kernel is device-agnostic (issue 6, item 4).

Each differentiable op runs twice, on NumPy ('cpu') and on the guarded NumPy of tests/guarded_numpy.py
registered as device 'guarded': forward, backward (into ``.grad``) and a second derivative through
``create_graph=True``. A kernel that calls NumPy directly raises there; one that creates a NumPy array
itself is caught because every output and gradient must be a guarded array. The values must match the
CPU run exactly (same NumPy underneath). A last test fails when a Function of minigrad.functions is
missing from the table, so a new op cannot skip the proof.
"""
import numpy
import pytest

import minigrad
from minigrad import autograd, ops
from minigrad.autograd.function import Function

from guarded_numpy import DEVICE, GuardedArray, NumpyReached, guarded, installed


@pytest.fixture(scope='module', autouse=True)
def guarded_device():
    with installed() as module:
        yield module


# ------------------------------------------------------------------------------------- input makers
def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def with_ties(*shape):
    """Small integers as floats, so that max/min/maximum meet ties."""
    return lambda rng: rng.integers(0, 3, shape).astype(numpy.float64)


def index_of(*values):
    """An integer index tensor (no gradient), made on the op's device by the harness."""
    return ('index', numpy.array(values))


def mask(*shape):
    return ('index', lambda rng: rng.random(shape) > 0.5)


def _setitem(x, v):
    y = x * 1
    y[1:, ::2] = v
    return y


def _setitem_advanced(x, i, v):
    y = x * 1
    y[i] = v
    return y


# name -> (function of tensors, input makers). Each differentiable input is a float64 leaf that requires
# grad; ('index', ...) inputs are integer or bool tensors on the same device.
CASES = {
    'add': (lambda a, b: a + b, [normal(3, 4), normal(4)]),
    'sub': (lambda a, b: a - b, [normal(3, 4), normal(3, 1)]),
    'mul': (lambda a, b: a * b, [normal(2, 3), normal(2, 3)]),
    'div': (lambda a, b: a / b, [normal(2, 3), positive(3)]),
    'neg': (lambda a: -a, [normal(4)]),
    'scalar arithmetic': (lambda a: (2.0 - a) * 3 + 1 / (a * a + 1), [normal(2, 3)]),
    'pow scalar': (lambda a: a ** 3 + a ** 2 + a ** 0.5, [positive(2, 3)]),
    'rpow scalar': (lambda a: 2.0 ** a + 0.0 ** a, [positive(5)]),
    'pow tensors': (lambda a, b: a ** b, [positive(2, 3), normal(2, 3)]),
    'exp log': (lambda a: minigrad.exp(a) + minigrad.log(a), [positive(3, 2)]),
    'sqrt': (minigrad.sqrt, [positive(4)]),
    'sin cos': (lambda a: minigrad.sin(a) * minigrad.cos(a), [normal(3, 3)]),
    'abs': (minigrad.abs, [normal(2, 5)]),
    'maximum minimum': (lambda a, b: minigrad.maximum(a, b) * minigrad.minimum(a, b),
                        [with_ties(3, 4), with_ties(3, 4)]),
    'clamp': (lambda a: minigrad.clamp(a, -0.5, 0.5) + a.clamp(min=0.0), [normal(3, 4)]),
    'where': (lambda c, a, b: minigrad.where(c, a, b), [mask(3, 4), normal(3, 4), normal(4)]),
    'cast': (lambda a: a.float().double() * a, [normal(3)]),
    'clone': (lambda a: a.clone() * a, [normal(2, 2)]),
    'relu': (minigrad.relu, [normal(4, 5)]),
    'sigmoid tanh': (lambda a: minigrad.sigmoid(a) * minigrad.tanh(a), [normal(3, 4)]),
    'softmax': (lambda a: minigrad.softmax(a, dim=1), [normal(3, 4)]),
    'log_softmax': (lambda a: minigrad.log_softmax(a, dim=0), [normal(3, 4)]),
    'matmul 2d': (lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    'matmul batched': (lambda a, b: a @ b, [normal(2, 3, 4), normal(4, 5)]),
    'matmul vector left': (lambda a, b: a @ b, [normal(4), normal(2, 4, 3)]),
    'matmul vector right': (lambda a, b: a @ b, [normal(3, 4), normal(4)]),
    'matmul dot': (lambda a, b: a @ b, [normal(4), normal(4)]),
    'linear': (lambda x, w, b: ops.linear(x, w, b), [normal(5, 3), normal(2, 3), normal(2)]),
    'linear batched': (lambda x, w: ops.linear(x, w), [normal(2, 5, 3), normal(4, 3)]),
    'sum mean': (lambda a: a.sum(dim=1) * a.mean(dim=0, keepdim=True).sum() + a.sum(), [normal(3, 4)]),
    'var std': (lambda a: a.var(dim=1) + a.std(), [normal(3, 4)]),
    'amax amin': (lambda a: a.amax(dim=1) + a.amin(dim=0).sum() + a.max(), [with_ties(3, 4)]),
    'max min along dim': (lambda a: a.max(dim=1).values + a.min(dim=1, keepdim=True).values.sum(),
                          [with_ties(3, 4)]),
    'logsumexp': (lambda a: minigrad.logsumexp(a, dim=1), [normal(3, 4)]),
    'reshape view flatten': (lambda a: a.reshape(4, 3).view(2, 6).flatten() * a.flatten(),
                             [normal(3, 4)]),
    'permute transpose T': (lambda a: a.permute(2, 0, 1).transpose(0, 1).sum(0) + a.T.sum(),
                            [normal(2, 3, 4)]),
    'unsqueeze squeeze expand': (lambda a: a.unsqueeze(0).expand(3, 2, 4).squeeze().sum(0),
                                 [normal(2, 4)]),
    'cat stack': (lambda a, b: minigrad.cat([a, b], dim=0).sum(0) * minigrad.stack([a, b]).sum((0, 1)),
                  [normal(2, 3), normal(2, 3)]),
    'getitem basic': (lambda a: a[1:, ::2] * a[0, 1], [normal(3, 4)]),
    'getitem advanced': (lambda a, i: a[i], [normal(4, 3), index_of(0, 2, 2, 3)]),
    'getitem mask': (lambda a, m: a[m], [normal(3, 4), mask(3, 4)]),
    'setitem basic': (_setitem, [normal(3, 4), normal(2)]),
    'setitem advanced': (_setitem_advanced, [normal(4, 3), index_of(0, 2), normal(3)]),
    'to cpu and back': (lambda a: (a.to('cpu') * 2).to(a.device) * a, [normal(3)]),
}


# -------------------------------------------------------------------------------------- the harness
def _make_inputs(makers, seed):
    rng = numpy.random.default_rng(seed)
    host = []
    for make in makers:
        if isinstance(make, tuple):
            value = make[1]
            host.append(('index', value(rng) if callable(value) else value))
        else:
            host.append(make(rng))
    return host


def _tensors(host, device):
    out = []
    for h in host:
        if isinstance(h, tuple):
            out.append(minigrad.tensor(h[1], device=device))
        else:
            out.append(minigrad.tensor(h, dtype=minigrad.float64, device=device, requires_grad=True))
    return out


def _expect_guarded(what, array):
    assert type(array) is GuardedArray, (
        f"{what} is a {type(array).__module__}.{type(array).__name__}, not a guarded array: a kernel "
        "created it with NumPy instead of its inputs' array module")


def run(fn, host, device, seed=1, check=lambda what, array: None):
    """Forward, backward into .grad, and a second derivative; returns every array produced and the
    Function classes met along the way. ``check(what, array)`` sees each result as it is produced."""
    inputs = _tensors(host, device)
    leaves = [t for t in inputs if t.requires_grad]
    out = fn(*inputs)
    check('output', out._array)
    rng = numpy.random.default_rng(seed)
    weight = minigrad.tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=device)
    loss = (out * weight).sum()
    seen = _functions_in(loss)
    grads = autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
    for i, g in enumerate(grads):
        if g is not None:
            check(f'input {i} grad (create_graph)', g._array)
    second = None
    for g in grads:
        if g is not None and g.requires_grad:
            term = (g * g).sum()
            second = term if second is None else second + term
    second_grads = [None] * len(leaves)
    if second is not None:
        seen |= _functions_in(second)
        second_grads = autograd.grad(second, leaves, allow_unused=True)
    (fn(*inputs) * weight).sum().backward()
    arrays = {'output': out._array}
    for i, leaf in enumerate(leaves):
        arrays[f'input {i} .grad'] = leaf.grad._array
        if grads[i] is not None:
            arrays[f'input {i} grad (create_graph)'] = grads[i]._array
        if second_grads[i] is not None:
            arrays[f'input {i} second derivative'] = second_grads[i]._array
    return arrays, seen


def _functions_in(tensor):
    """The Function classes of the graph that produced ``tensor`` (an explicit stack, no recursion)."""
    seen, stack, visited = set(), [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited or not isinstance(node, Function):
            continue
        visited.add(id(node))
        seen.add(type(node))
        stack.extend(getattr(node, 'parents', ()))
    return seen


def check_on_guarded(fn, makers, seed=0):
    """Run ``fn`` on both devices; assert every guarded result is a GuardedArray equal to the CPU one.
    Returns the Function classes met."""
    host = _make_inputs(makers, seed)
    expected, _ = run(fn, host, 'cpu')
    before = sum(guarded.calls.values())
    actual, seen = run(fn, host, DEVICE, check=_expect_guarded)
    assert sum(guarded.calls.values()) > before, "the guarded namespace was never used"
    assert actual.keys() == expected.keys()
    for what, array in actual.items():
        _expect_guarded(what, array)
        numpy.testing.assert_array_equal(guarded.asnumpy(array), expected[what], err_msg=what)
    return seen


_covered = set()


@pytest.mark.parametrize('name', sorted(CASES))
def test_op_runs_on_the_guarded_device(name):
    fn, makers = CASES[name]
    _covered.update(check_on_guarded(fn, makers))


def _all_functions(package_prefix):
    found, stack = set(), [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith(package_prefix):
                found.add(sub)
    return found


def test_every_function_is_covered():
    """Every Function in minigrad.functions met the guarded device in the cases above."""
    if not _covered:
        for fn, makers in CASES.values():
            _covered.update(check_on_guarded(fn, makers))
    missing = sorted(cls.__name__ for cls in _all_functions('minigrad.functions') - _covered)
    assert not missing, f"add cases to CASES in {__file__} for these Functions: {', '.join(missing)}"


# ------------------------------------------------------------------------ the guard catches bad kernels
class ExpThroughNumpy(Function):
    """A bad kernel: calls numpy.exp instead of xp.exp."""

    @staticmethod
    def forward(ctx, x):
        out = numpy.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * out


class ConcatenateThroughNumpy(Function):
    """A bad kernel: a non-ufunc NumPy function (numpy.concatenate) on its arrays."""

    @staticmethod
    def forward(ctx, x):
        return numpy.concatenate([x, x])

    @staticmethod
    def backward(ctx, grad):
        n = grad.shape[0] // 2
        return grad[:n] + grad[n:]


class ZerosFromNumpy(Function):
    """A bad kernel: builds its output with numpy.zeros, an array on the host."""

    @staticmethod
    def forward(ctx, x):
        out = numpy.zeros(x.shape)
        out[...] = x * 2
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


class HostMaskTimesGrad(Function):
    """A bad kernel: mixes a host mask with device arrays."""

    @staticmethod
    def forward(ctx, x):
        ctx.mask = numpy.ones(x.shape, dtype=bool)
        return x * 1

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.mask


@pytest.mark.parametrize('bad', [ExpThroughNumpy, ConcatenateThroughNumpy])
def test_a_kernel_calling_numpy_directly_is_caught(bad):
    bad.apply(minigrad.tensor([1.0, 2.0]))  # fine on the CPU
    with pytest.raises(NumpyReached, match='called directly on a guarded array'):
        check_on_guarded(bad.apply, [normal(3)])


def test_a_kernel_creating_a_numpy_array_is_caught():
    with pytest.raises(AssertionError, match='not a guarded array'):
        check_on_guarded(ZerosFromNumpy.apply, [normal(3)])


def test_a_kernel_mixing_host_and_device_arrays_is_caught():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, device=DEVICE, requires_grad=True)
    with pytest.raises(NumpyReached, match='host'):
        HostMaskTimesGrad.apply(x).sum().backward()
    # With create_graph the mask meets a Tensor in an op, which names both devices.
    with pytest.raises(RuntimeError, match='same device, got guarded and cpu'):
        check_on_guarded(HostMaskTimesGrad.apply, [normal(3)])


def test_scalars_stay_arrays_and_mT_is_refused():
    """The guarded arrays behave like CuPy's where NumPy differs."""
    x = guarded.asarray(numpy.arange(6.0).reshape(2, 3))
    assert type(x.sum()) is GuardedArray and x.sum().ndim == 0
    assert type(x[0, 1]) is GuardedArray
    with pytest.raises(AttributeError, match='swapaxes'):
        x.mT
    with pytest.raises(AttributeError, match='permutation'):
        guarded.random.default_rng(0).permutation(3)
