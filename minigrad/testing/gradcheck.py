"""Gradient checks by central finite differences, in float64.

``gradcheck(fn, inputs)`` compares the gradient minigrad computes for every input that requires grad
with ``(f(x + eps) - f(x - eps)) / (2 eps)`` element by element, and raises :class:`GradcheckError`
naming the input, the index and both values at the first disagreement::

    x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
    gradcheck(lambda t: (t.exp() * t).sum(dim=1), [x])

``fn`` may return a Tensor of any shape or a tuple of Tensors: the outputs are projected on a fixed
random vector, ``s = sum(out * v)``, so one backward gives the vector-Jacobian product and the finite
differences of ``s`` check it (a wrong entry of the Jacobian shows up for almost every ``v``).
"""
import numpy

from .. import backend
from ..autograd.engine import grad as autograd_grad
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor


class GradcheckError(AssertionError):
    """Raised when an analytical gradient disagrees with finite differences."""


def _targets(inputs, who):
    targets = []
    for i, t in enumerate(inputs):
        if isinstance(t, Tensor) and t.requires_grad:
            if t.dtype != backend.float64:
                raise TypeError(f"{who} needs float64 inputs for accurate finite differences, but input "
                                f"{i} is {t.dtype}; create it with dtype=minigrad.float64")
            targets.append(i)
    if not targets:
        raise ValueError(f"{who}: no input requires grad; create at least one with requires_grad=True")
    return targets


def _outputs(result, who):
    outs = result if isinstance(result, (tuple, list)) else (result,)
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"{who}: fn must return a Tensor or a tuple of Tensors, got "
                            f"{type(o).__name__} (output {k})")
    return [o for o in outs if o.dtype.kind == 'f']  # integer outputs (indices) have no gradient


def _projections(outputs, seed):
    rng = numpy.random.default_rng(seed)
    return [Tensor(rng.standard_normal(o.shape), dtype=o.dtype, device=o.device) for o in outputs]


def _project(outputs, projections):
    """``sum(out * v)`` over all outputs: the scalar whose gradient is the vector-Jacobian product."""
    total = None
    for o, v in zip(outputs, projections):
        s = (o * v).sum()
        total = s if total is None else total + s
    return total


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, raise_exception=True):
    """Check the first derivatives of ``fn`` at ``inputs`` against central finite differences.

    ``inputs``: a sequence of arguments for ``fn``; the Tensors among them that require grad (float64)
    are checked, other arguments are passed unchanged. Returns True, or raises :class:`GradcheckError`
    (returns False when ``raise_exception=False``) with a message naming the input and index.
    The finite differences call ``fn`` under ``no_grad``; a ``fn`` that differentiates inside (a
    gradient, a Hessian-vector product) should be decorated with ``@minigrad.enable_grad()``.
    """
    inputs = list(inputs)
    targets = _targets(inputs, 'gradcheck')
    outputs = _outputs(fn(*inputs), 'gradcheck')
    projections = _projections(outputs, seed)
    scalar = _project(outputs, projections)
    wanted = [inputs[i] for i in targets]
    if scalar is not None and scalar.requires_grad:
        analytic = autograd_grad(scalar, wanted, allow_unused=True)
    else:  # the outputs do not depend on the inputs at all: every gradient is zero
        analytic = [None] * len(targets)

    def projected_value():
        with no_grad():
            s = _project(_outputs(fn(*inputs), 'gradcheck'), projections)
            return 0.0 if s is None else float(backend.to_host(s._array))

    for i, t, g in zip(targets, wanted, analytic):
        problem = _compare_one(i, t, g, projected_value, eps, atol, rtol)
        if problem:
            if raise_exception:
                raise GradcheckError(problem)
            return False
    return True


def _compare_one(i, t, g, projected_value, eps, atol, rtol):
    """Finite differences for input ``i``; a message describing the disagreement, or None."""
    shape = tuple(t.shape)
    if g is not None and (tuple(g.shape) != shape or g.dtype != t.dtype):
        return (f"gradcheck: the gradient of input {i} has shape {tuple(g.shape)} and dtype {g.dtype}, "
                f"but the input has shape {shape} and dtype {t.dtype}")
    analytic = numpy.zeros(shape) if g is None else backend.to_host(g._array).astype(numpy.float64)
    if not t._array.flags.c_contiguous:  # perturb through a flat view, which needs contiguous memory
        t._array = backend.array_module(t._array).ascontiguousarray(t._array)
    flat = t._array.reshape(-1)
    numeric = numpy.empty(flat.size)
    for k in range(flat.size):
        original = flat[k].item()
        flat[k] = original + eps
        plus = projected_value()
        flat[k] = original - eps
        minus = projected_value()
        flat[k] = original
        numeric[k] = (plus - minus) / (2 * eps)
    numeric = numeric.reshape(shape)
    bad = ~(numpy.abs(analytic - numeric) <= atol + rtol * numpy.abs(numeric))
    if not bad.any():
        return None
    first = tuple(int(j) for j in numpy.argwhere(bad)[0]) if shape else ()
    return (f"gradcheck: the gradient of input {i} (shape {shape}) disagrees with finite differences "
            f"at {int(bad.sum())} of {bad.size} elements; at index {first} the analytical value is "
            f"{float(analytic[first])!r} but finite differences give {float(numeric[first])!r} "
            f"(atol={atol}, rtol={rtol}; values are of sum(output * v) for a fixed random v)")


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-4, rtol=1e-3, seed=1, raise_exception=True):
    """Check second derivatives: the first derivatives of ``fn`` (computed with ``create_graph=True``
    and projected on a fixed random vector) are checked with :func:`gradcheck`, so the backward
    formulas must themselves be differentiable. Same arguments and report as :func:`gradcheck`."""
    from ..functions.shape import cat
    inputs = list(inputs)
    targets = _targets(inputs, 'gradgradcheck')
    projections = _projections(_outputs(fn(*inputs), 'gradgradcheck'), seed)

    def first_derivatives(*xs):
        with enable_grad():
            scalar = _project(_outputs(fn(*xs), 'gradgradcheck'), projections)
            if scalar is None or not scalar.requires_grad:
                raise ValueError("gradgradcheck: fn does not depend on any input that requires grad")
            grads = autograd_grad(scalar, [xs[i] for i in targets], create_graph=True, allow_unused=True)
        parts = [g.reshape(-1) for g in grads if g is not None]
        if not parts:
            raise ValueError("gradgradcheck: fn does not depend on any input that requires grad")
        return cat(parts)

    return gradcheck(first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol, seed=seed + 1,
                     raise_exception=raise_exception)
