"""Gradient checks by central finite differences, in float64.

``gradcheck(fn, inputs)`` compares the gradient minigrad computes for every input that requires grad
with ``(f(x + eps) - f(x - eps)) / (2 eps)`` element by element, and raises :class:`GradcheckError`
naming the input, the index and both values at the first disagreement::

    x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
    gradcheck(lambda t: (t.exp() * t).sum(dim=1), [x])

The output may have any shape: each output element is checked through a random projection
``sum(out * v)``, so one backward per check covers the whole Jacobian-vector product.
"""
import numpy

from .. import backend
from ..autograd.engine import grad as autograd_grad
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor


class GradcheckError(AssertionError):
    """Raised when an analytical gradient disagrees with finite differences."""


def _float64_inputs(inputs):
    out = []
    for t in inputs:
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != backend.float64:
            raise TypeError(f"gradcheck needs float64 inputs for accurate finite differences, got "
                            f"{t.dtype}; create them with dtype=minigrad.float64")
        out.append(t)
    return out


def _scalar_output(fn, inputs, projection):
    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    if projection is None:
        return out, None
    return out, (out * projection).sum()


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_exception=True):
    """Check the first derivatives of ``fn`` at ``inputs`` against central finite differences.

    Returns True, or raises :class:`GradcheckError` (False when ``raise_exception=False``).
    """
    inputs = _float64_inputs(list(inputs))
    targets = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not targets:
        raise ValueError("gradcheck: no input requires grad; create at least one with requires_grad=True")
    rng = numpy.random.default_rng(seed)
    out = fn(*inputs)
    projection = None
    if out.numel() != 1 or out.ndim:
        projection = Tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=out.device)
    _, scalar = _scalar_output(fn, inputs, projection)
    if scalar is None:
        scalar = out
    if scalar.requires_grad:
        analytic = autograd_grad(scalar, [inputs[i] for i in targets], allow_unused=True)
    else:  # the output does not depend on the inputs at all: its gradient is zero
        analytic = [None] * len(targets)

    def value():
        with no_grad():
            o = fn(*inputs)
            o = o if projection is None else (o * projection).sum()
            return float(backend.to_host(o._array).sum())

    for slot, i in enumerate(targets):
        t = inputs[i]
        if not t._array.flags.c_contiguous:
            t._array = backend.array_module(t._array).ascontiguousarray(t._array)
        host = backend.to_host(t._array)
        computed = numpy.zeros(host.shape) if analytic[slot] is None else \
            backend.to_host(analytic[slot]._array).astype(numpy.float64)
        flat = t._array.reshape(-1)
        for k in range(flat.size):
            original = flat[k].item()
            flat[k] = original + eps
            plus = value()
            flat[k] = original - eps
            minus = value()
            flat[k] = original
            numeric = (plus - minus) / (2 * eps)
            got = computed.reshape(-1)[k]
            if not abs(got - numeric) <= atol + rtol * abs(numeric):
                index = numpy.unravel_index(k, host.shape) if host.shape else ()
                message = (f"gradcheck: the gradient of input {i} (shape {tuple(host.shape)}) at index "
                           f"{tuple(int(j) for j in index)} is {got!r} but finite differences give "
                           f"{numeric!r} (atol={atol}, rtol={rtol})")
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-4, rtol=1e-3, seed=1, raise_exception=True):
    """Check second derivatives: the gradient of ``fn`` (computed with ``create_graph=True`` and
    projected on a fixed random vector) is itself checked with :func:`gradcheck`."""
    inputs = _float64_inputs(list(inputs))
    targets = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    rng = numpy.random.default_rng(seed)
    out = fn(*inputs)
    projection = Tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=out.device)

    def first_derivatives(*xs):
        with enable_grad():
            return _first_derivatives(*xs)

    def _first_derivatives(*xs):
        o = fn(*xs)
        scalar = (o * projection).sum()
        grads = autograd_grad(scalar, [xs[i] for i in targets], create_graph=True, allow_unused=True)
        parts = [g.reshape(-1) for g in grads if g is not None]
        if not parts:
            raise ValueError("gradgradcheck: fn does not depend on any input that requires grad")
        from ..ops import cat
        return cat(parts)

    return gradcheck(first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol, seed=seed + 1,
                     raise_exception=raise_exception)
