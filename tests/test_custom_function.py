"""minigrad.autograd.Function: PyTorch's custom-Function API, Tensors in and out, against torch."""
import numpy
import pytest

import minigrad

torch = pytest.importorskip('torch')


def relu_function(lib):
    class MyReLU(lib.autograd.Function):     # PyTorch's "Learning PyTorch with Examples"
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input
    return MyReLU


def legendre_function(lib):
    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    return LegendrePolynomial3


def scaled_function(lib):
    class Scale(lib.autograd.Function):      # the newer style: forward without ctx, setup_context
        @staticmethod
        def forward(x, factor):
            return x * factor

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.factor = inputs[1]

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.factor, None
    return Scale


@pytest.mark.torch
@pytest.mark.parametrize('make', [relu_function, legendre_function, scaled_function])
def test_tutorial_functions_match_torch(make):
    values = numpy.random.default_rng(0).standard_normal((3, 4))
    results = []
    for lib in (minigrad, torch):
        fn = make(lib)
        x = lib.tensor(values, requires_grad=True)
        out = fn.apply(x, 2.5) if make is scaled_function else fn.apply(x)
        assert isinstance(out, lib.Tensor) and out.requires_grad
        (out * out).sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy()))
    numpy.testing.assert_allclose(results[0][0], results[1][0])
    numpy.testing.assert_allclose(results[0][1], results[1][1])


def test_forward_sees_tensors_without_grad_and_backward_tensors():
    seen = {}

    class Probe(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen['forward'] = (type(x), minigrad.is_grad_enabled(), x.requires_grad)
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            seen['backward'] = (type(grad), type(x))
            return grad * 2

    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    Probe.apply(x).sum().backward()
    assert seen['forward'] == (minigrad.Tensor, False, False)
    assert seen['backward'] == (minigrad.Tensor, minigrad.Tensor)
    numpy.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_second_derivative_and_version_check():
    Legendre = legendre_function(minigrad)
    x = minigrad.tensor([0.3, -0.7], dtype=minigrad.float64, requires_grad=True)
    (g,) = minigrad.autograd.grad(Legendre.apply(x).sum(), x, create_graph=True)
    (h,) = minigrad.autograd.grad(g.sum(), x)
    numpy.testing.assert_allclose(h.numpy(), 15 * x.detach().numpy())
    y = x * 1
    out = Legendre.apply(y)
    with minigrad.no_grad():
        y.add_(1)                       # changes what the Function saved
    with pytest.raises(RuntimeError, match='modified by an in-place operation'):
        out.sum().backward()


def test_several_outputs_are_refused_clearly():
    class Two(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x, x * 2

        @staticmethod
        def backward(ctx, a, b):
            return a + 2 * b

    with pytest.raises(NotImplementedError, match='one output per Function'):
        Two.apply(minigrad.ones(2, requires_grad=True))


def test_array_level_base_is_kept_for_minigrads_own_ops():
    assert minigrad.Function is not minigrad.autograd.Function
    assert issubclass(minigrad.autograd.Function, minigrad.Function)
