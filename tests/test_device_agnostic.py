"""The CPU proof that every kernel is device-agnostic (issue 6, item 4).

Each op of the table (minigrad.testing.op_table) runs twice, on NumPy ('cpu') and on the guarded NumPy of tests/guarded_numpy.py
registered as device 'guarded': forward, backward (into ``.grad``) and a second derivative through
``create_graph=True``. A kernel that calls NumPy directly raises there; one that creates a NumPy array
itself is caught because every output and gradient must be a guarded array. The values must match the
CPU run exactly (same NumPy underneath); ops without a gradient run forward only. A test fails when a Function of minigrad.functions is
missing from the table, so a new op cannot skip the proof.
"""
import functools

import numpy
import pytest

import minigrad
from minigrad.autograd.function import Function
from minigrad.testing.cases import Case, OpSpec, unary
from minigrad.testing.op_table import OPS

from guarded_numpy import CUPY_FUNCTIONS, DEVICE, GuardedArray, NumpyReached, guarded, installed
from device_checks import check_factories, examples, run, train_mlp


@pytest.fixture(scope='module', autouse=True)
def guarded_device():
    with installed() as module:
        yield module


def _expect_guarded(what, array):
    assert type(array) is GuardedArray, (
        f"{what} is a {type(array).__module__}.{type(array).__name__}, not a guarded array: a kernel "
        "created it with NumPy instead of its inputs' array module")


# Rows whose CPU kernel calls a library NumPy lacks (erf: SciPy on the CPU, an array-op series on other
# array modules), so that the two runs agree to rounding rather than bit for bit.
NEAR = {'gelu': 1e-14}


def check_on_guarded(spec, case):
    """Run the row ``spec`` on ``case`` on both devices; assert every guarded result is a GuardedArray
    equal to the CPU one (within ``NEAR`` for the rows listed there). Returns the Function classes met."""
    atol = NEAR.get(spec.name, 0.0)
    expected, _ = run(spec, case, 'cpu')
    before = sum(guarded.calls.values())
    actual, seen = run(spec, case, DEVICE, check=_expect_guarded)
    assert sum(guarded.calls.values()) > before, "the guarded namespace was never used"
    assert actual.keys() == expected.keys()
    for what, array in actual.items():
        _expect_guarded(what, array)
        numpy.testing.assert_allclose(guarded.asnumpy(array), expected[what], rtol=0, atol=atol,
                                      err_msg=what)
    return seen


@functools.lru_cache(maxsize=None)
def checked(name):
    """Row ``name`` of the op table checked on the guarded device on its first examples (once per
    session): the Function classes it met and the xp functions it called."""
    guarded_calls = set(guarded.calls)
    seen = set()
    for case in examples(name):
        seen |= check_on_guarded(OPS[name], case)
    return frozenset(seen), frozenset(set(guarded.calls) - guarded_calls)


@pytest.mark.parametrize('name', sorted(OPS))
def test_op_table_on_the_guarded_device(name):
    """Every op of the table: forward (and for differentiable ops backward and a second derivative) on
    the guarded device gives guarded arrays equal to the CPU's."""
    checked(name)


def all_functions(package_prefix):
    """Every subclass of Function (at any depth) defined under ``package_prefix``, but the bases that are
    not ops themselves (``Unary``: its ``kernel`` is None)."""
    found, stack = set(), [Function]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith(package_prefix) and getattr(sub, 'kernel', '') is not None:
                found.add(sub)
    return found


def test_every_function_is_covered():
    """Every Function in minigrad.functions meets the guarded device in the op table's examples."""
    covered = set()
    for name in OPS:
        covered |= checked(name)[0]
    missing = sorted(cls.__name__ for cls in all_functions('minigrad.functions') - covered)
    assert not missing, ("add rows to the op table (minigrad/testing/rows/<family>.py) that reach these "
                         f"Functions: {', '.join(missing)}")


def _inplace(x, y):
    with minigrad.no_grad():
        z = x.clone()
        z += y
        z *= 2
        z /= 3
        z -= y
        z.clamp_(-1.0, 1.0)
        z[0] = y[0]
        z[:, 1] = 0.5
        z.copy_(z * 2)
        z.add_(1.0, alpha=2)
    return z


# Ops without gradients (comparisons, indices, logical ops, in-place updates): forward only.
NON_DIFFERENTIABLE = {
    'comparisons': lambda x, y: minigrad.stack([x < y, x <= y, x > y, x >= y, x == y, x != y]),
    'logical': lambda x, y: minigrad.stack([((x > 0) & (y > 1)) | ~(x > y),
                                            minigrad.logical_or(minigrad.logical_and(x, y), x < 0)]),
    'argmax argmin': lambda x, y: minigrad.stack([x.argmax(dim=1), x.argmin(dim=1), y.argmax(1)]),
    'argmax flat': lambda x, y: x.argmax() + y.argmin(keepdim=True),
    'max indices': lambda x, y: x.max(dim=0).indices + x.min(dim=1, keepdim=True).indices.sum(),
    'any all': lambda x, y: minigrad.stack([(x > 0).any(), (x > 0).all(), (y > 0).any(dim=1).all()]),
    'floor divide remainder': lambda x, y: minigrad.stack([x // y, x % y, minigrad.div(x, y,
                                                                                   rounding_mode='trunc')]),
    'integer arithmetic': lambda x, y: (x * 10).long() * 3 + (y * 10).long() // 2,
    'in place': _inplace,
    'fill zero': lambda x, y: x.clone().detach().fill_(2.0) + y.clone().detach().zero_(),
}


@pytest.mark.parametrize('name', sorted(NON_DIFFERENTIABLE))
def test_non_differentiable_ops_on_the_guarded_device(name):
    fn = NON_DIFFERENTIABLE[name]
    rng = numpy.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.uniform(0.5, 2.0, (3, 4))
    expected = fn(minigrad.tensor(a), minigrad.tensor(b))
    actual = fn(minigrad.tensor(a, device=DEVICE), minigrad.tensor(b, device=DEVICE))
    _expect_guarded(name, actual.array)
    assert actual.dtype == expected.dtype
    numpy.testing.assert_array_equal(guarded.asnumpy(actual.array), expected.numpy())


def test_random_initialisers_and_predicates_on_the_guarded_device():
    x = minigrad.zeros(2, 3, device=DEVICE)
    for t in (x.normal_(0.0, 2.0), x.uniform_(-1.0, 1.0), minigrad.normal(minigrad.zeros(2, device=DEVICE),
                                                                           1.0)):
        _expect_guarded('random draw', t.array)
    assert minigrad.allclose(x, x.clone()) and minigrad.equal(x, x.clone())


def test_kernels_call_only_functions_cupy_has():
    """Every xp function the ops, factories and a training loop call exists in CuPy under that name."""
    called = set()
    for name in OPS:
        called |= checked(name)[1]
    guarded.calls.clear()
    for name in NON_DIFFERENTIABLE:
        test_non_differentiable_ops_on_the_guarded_device(name)
    test_random_initialisers_and_predicates_on_the_guarded_device()
    check_factories(DEVICE)
    train_mlp(DEVICE, steps=2)
    called |= set(guarded.calls)
    assert len(called) > 10
    unknown = sorted(called - CUPY_FUNCTIONS)
    assert not unknown, (f"kernels call xp.{', xp.'.join(unknown)}: check that CuPy has them (docs.cupy.dev "
                         "API reference) and add them to CUPY_FUNCTIONS, or compute without them")


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


def _row(bad):
    """A bad kernel as a row of the table, and one case for it (three floats)."""
    return (OpSpec(bad.__name__, lambda m, x: bad.apply(x), reference=None, cases=unary()),
            Case((numpy.random.default_rng(0).standard_normal(3),)))


@pytest.mark.parametrize('bad', [ExpThroughNumpy, ConcatenateThroughNumpy])
def test_a_kernel_calling_numpy_directly_is_caught(bad):
    bad.apply(minigrad.tensor([1.0, 2.0]))  # fine on the CPU
    with pytest.raises(NumpyReached, match='called directly on a guarded array'):
        check_on_guarded(*_row(bad))


def test_a_kernel_creating_a_numpy_array_is_caught():
    with pytest.raises(AssertionError, match='not a guarded array'):
        check_on_guarded(*_row(ZerosFromNumpy))


def test_a_kernel_mixing_host_and_device_arrays_is_caught():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, device=DEVICE, requires_grad=True)
    with pytest.raises(NumpyReached, match='host'):
        HostMaskTimesGrad.apply(x).sum().backward()
    # With create_graph the mask meets a Tensor in an op, which names both devices.
    with pytest.raises(RuntimeError, match='same device, got guarded and cpu'):
        check_on_guarded(*_row(HostMaskTimesGrad))


def test_guarded_arrays_behave_like_cupy_arrays():
    """Where NumPy and CuPy differ, the guarded arrays do as CuPy: 0-d results stay arrays, no .mT, no
    Generator.permutation; fresh results own their memory (base None), views do not."""
    x = guarded.asarray(numpy.arange(6.0).reshape(2, 3))
    assert x.base is None and guarded.exp(x).base is None and (x + 1).base is None
    assert x.reshape(3, 2).base is x and x[1:].base is x and x.T.base is x
    assert type(x.sum()) is GuardedArray and x.sum().ndim == 0
    assert type(x[0, 1]) is GuardedArray
    with pytest.raises(AttributeError, match='swapaxes'):
        x.mT
    with pytest.raises(AttributeError, match='permutation'):
        guarded.random.default_rng(0).permutation(3)
