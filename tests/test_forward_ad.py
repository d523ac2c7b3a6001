"""Forward mode: every differentiable op of the table carries tangents (J v) that agree with the
reverse-mode Jacobian, dual levels behave as torch.autograd.forward_ad's, and forward-over-reverse
gives Hessian-vector products."""
import numpy
import pytest
from hypothesis import given, settings, strategies as st

import minigrad
import minigrad.autograd.forward_ad as fwAD
from minigrad.autograd import functional as F
from minigrad.testing.op_table import OPS

# Rows that call autograd.grad themselves (finite_differences=False) need inputs that require grad; forward
# AD through a write into a view raises (not supported; reverse mode handles it).
DIFFERENTIABLE = [s for s in OPS.values() if s.differentiable and s.name != 'inplace.view'
                  and getattr(s, 'finite_differences', True)]


def _tangents(case, rng):
    return [rng.standard_normal(a.shape) if a.dtype.kind == 'f' else None for a in case.arrays]


@pytest.mark.parametrize('spec', DIFFERENTIABLE, ids=lambda s: s.name)
@given(data=st.data())
def test_jvp_equals_jacobian_times_v(spec, data):
    """The tangent of the output is J v, with J from reverse mode (the double-vjp trick)."""
    case = data.draw(spec.cases, label='case')
    rng = numpy.random.default_rng(data.draw(st.integers(0, 2 ** 16), label='seed'))
    primals = case.tensors(minigrad, requires_grad=False)
    vs = _tangents(case, rng)
    floating = [i for i, v in enumerate(vs) if v is not None]

    def f(*xs):
        args = list(primals)
        for i, x in zip(floating, xs):
            args[i] = x
        return spec.call(minigrad, *args, **case.kwargs)

    with fwAD.dual_level():
        duals = list(primals)
        for i in floating:
            duals[i] = fwAD.make_dual(primals[i], minigrad.tensor(vs[i]))
        out = spec.call(minigrad, *duals, **case.kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        tangents = [fwAD.unpack_dual(o).tangent for o in outs]
    _, expected = F.jvp(f, tuple(primals[i] for i in floating),
                        tuple(minigrad.tensor(vs[i]) for i in floating))
    expected = expected if isinstance(expected, tuple) else (expected,)
    for o, t, e in zip(outs, tangents, expected):
        if o.dtype.kind != 'f':
            continue
        got = numpy.zeros(o.shape) if t is None else t.numpy()
        assert got.shape == tuple(o.shape)
        numpy.testing.assert_allclose(got, e.numpy(), rtol=1e-7, atol=1e-9)


def test_dual_numbers_by_hand_and_levels():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, minigrad.tensor([1.0, 0.0], dtype=minigrad.float64))
        y = (d ** 2).sum()
        primal, tangent = fwAD.unpack_dual(y)
        assert primal.item() == 5.0 and tangent.item() == 2.0
        assert fwAD.unpack_dual(x).tangent is None
    assert fwAD.unpack_dual(y).tangent is None        # gone with the level


def test_errors():
    x = minigrad.ones(3, dtype=minigrad.float64)
    with pytest.raises(RuntimeError, match='dual_level'):
        fwAD.make_dual(x, x)
    with fwAD.dual_level():
        with pytest.raises(ValueError, match='shape'):
            fwAD.make_dual(x, minigrad.ones(2, dtype=minigrad.float64))
        assert fwAD.unpack_dual(fwAD.make_dual(x, minigrad.ones(3, dtype=minigrad.float32))).tangent.dtype == x.dtype
        with pytest.raises(ValueError, match='floating'):
            fwAD.make_dual(x, minigrad.ones(3, dtype=minigrad.int64))
        with pytest.raises(ValueError, match='floating'):
            fwAD.make_dual(minigrad.ones(3, dtype=minigrad.int64), x)
        with pytest.raises(RuntimeError, match='nested'):
            with fwAD.dual_level():
                pass

        class NoRule(minigrad.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        with pytest.raises(NotImplementedError, match='NoRule has no jvp rule'):
            NoRule.apply(fwAD.make_dual(x, x))


def test_inplace_ops_move_tangents():
    """As torch: an in-place op with a dual operand gives the tensor a tangent; on a dual tensor the
    tangent follows the op; an int tensor cannot take a float dual's result."""
    one = lambda: minigrad.ones(3, dtype=minigrad.float64)
    with fwAD.dual_level():
        x = minigrad.zeros(3, dtype=minigrad.float64)
        x.add_(fwAD.make_dual(one(), one()))
        numpy.testing.assert_array_equal(fwAD.unpack_dual(x).tangent.numpy(), [1, 1, 1])
        d = fwAD.make_dual(one(), one())
        d.mul_(2)
        numpy.testing.assert_array_equal(fwAD.unpack_dual(d).tangent.numpy(), [2, 2, 2])
        d = fwAD.make_dual(one(), one())
        d[0] = 5.0
        numpy.testing.assert_array_equal(fwAD.unpack_dual(d).tangent.numpy(), [0, 1, 1])
        with pytest.raises(RuntimeError):
            minigrad.zeros(3, dtype=minigrad.int64).add_(fwAD.make_dual(one(), one()))


def test_custom_function_jvp():
    class Cube(minigrad.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a
            return a ** 3

        @staticmethod
        def backward(ctx, grad):
            return grad * 3 * ctx.a ** 2

        @staticmethod
        def jvp(ctx, t):
            return t * 3 * ctx.a ** 2

    x = minigrad.tensor([1.0, -2.0], dtype=minigrad.float64)
    with fwAD.dual_level():
        t = fwAD.unpack_dual(Cube.apply(fwAD.make_dual(x, minigrad.ones(2, dtype=minigrad.float64)))).tangent
    numpy.testing.assert_allclose(t.numpy(), [3.0, 12.0])


def test_forward_over_reverse_hvp():
    """Inside a dual level, a create_graph backward carries tangents: the gradient's tangent is H v."""
    rng = numpy.random.default_rng(0)
    w = rng.standard_normal((4, 3))
    x = minigrad.tensor(rng.standard_normal(3), requires_grad=True)
    v = minigrad.tensor(rng.standard_normal(3))
    f = lambda z: ((minigrad.tensor(w) @ z).tanh() ** 2).sum() + (z.exp() * z).sum()
    with fwAD.dual_level():
        dual = fwAD.make_dual(x, v)
        (g,) = minigrad.autograd.grad(f(dual), dual, create_graph=True)
        hv = fwAD.unpack_dual(g).tangent
    _, expected = F.hvp(f, x.detach(), v)
    numpy.testing.assert_allclose(hv.numpy(), expected.numpy(), rtol=1e-9)


@pytest.mark.torch
@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 4), m=st.integers(1, 4), seed=st.integers(0, 100))
def test_forward_mode_jacobian_matches_torch(n, m, seed):
    torch = pytest.importorskip('torch')
    rng = numpy.random.default_rng(seed)
    w, x = rng.standard_normal((m, n)), rng.standard_normal(n)

    def f(lib, W):
        return lambda z: (W @ z).sin() * z.sum()

    ours = F.jacobian(f(minigrad, minigrad.tensor(w)), minigrad.tensor(x), strategy='forward-mode',
                      vectorize=True)
    theirs = torch.autograd.functional.jacobian(f(torch, torch.tensor(w)), torch.tensor(x),
                                                strategy='forward-mode', vectorize=True)
    numpy.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)
    numpy.testing.assert_allclose(F.jacobian(f(minigrad, minigrad.tensor(w)), minigrad.tensor(x)).numpy(),
                                  theirs.numpy(), rtol=1e-10)


def test_jvp_by_transposition_matches_a_dedicated_rule():
    """The generic rule (double vjp through the op's own backward) against Mul's own rule."""
    from minigrad.autograd.function import jvp_by_transposition
    from minigrad.functions.elementwise import Mul

    class GenericMul(Mul):
        jvp = staticmethod(jvp_by_transposition)

    rng = numpy.random.default_rng(3)
    a, b = (minigrad.tensor(rng.standard_normal((3, 4))) for _ in range(2))
    ta, tb = (minigrad.tensor(rng.standard_normal((3, 4))) for _ in range(2))
    results = []
    for cls in (Mul, GenericMul):
        with fwAD.dual_level():
            out = cls.apply(fwAD.make_dual(a, ta), fwAD.make_dual(b, tb))
            results.append(fwAD.unpack_dual(out).tangent.numpy())
    numpy.testing.assert_allclose(results[1], results[0], rtol=1e-12)
    numpy.testing.assert_allclose(results[0], (ta * b + a * tb).numpy(), rtol=1e-12)
