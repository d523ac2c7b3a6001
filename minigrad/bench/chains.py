"""Chains of tiny ops in each library, to measure what an op costs beyond its arithmetic.

A chain of ``n_ops`` alternates ``y = y * a`` and ``y = y + b`` on a tensor of ``size`` float32 elements
(micrograd: one scalar ``Value``), ends with ``sum()``, and back-propagates. Two flavours:

- ``constants``: ``a`` and ``b`` are Python floats, only the chain's input requires grad;
- ``params``: ``a`` and ``b`` are tensors of the same size that require grad, so every op has two
  differentiable inputs and every backward step accumulates into their gradients.

A builder returns ``run()``, which builds the chain and back-propagates it once and returns
``{'forward': seconds, 'backward': seconds}`` read from ``clock`` (wall time unless told otherwise). HIPS
autograd has no separate forward: its forward is the tracing ``make_vjp``, its backward the returned
``vjp``.
"""
import sys
import time

from .common import Skipped, optional_import, xp

A, B = 0.999, 0.001  # keep values near 1: no overflow or underflow in 100,000 steps


def _inputs(size):
    x = xp.full(size, 1.0, dtype=xp.float32)
    a = xp.full(size, A, dtype=xp.float32)
    b = xp.full(size, B, dtype=xp.float32)
    return x, a, b


def _chain(y, a, b, n_ops):
    for i in range(n_ops):
        y = y * a if i % 2 == 0 else y + b
    return y


def _timed(build, backward, clock):
    t0 = clock()
    out = build()
    t1 = clock()
    backward(out)
    t2 = clock()
    return {'forward': t1 - t0, 'backward': t2 - t1}


def _pytorch_style_chain(lib, n_ops, size, params, clock):
    """The chain on minigrad or torch: the same code, only the library differs."""
    x, a, b = _inputs(size)
    x = lib.tensor(x, requires_grad=True)
    if params:
        a, b = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
    else:
        a, b = A, B
    return lambda: _timed(lambda: _chain(x, a, b, n_ops).sum(), lambda out: out.backward(), clock)


def minigrad_chain(n_ops, size=4, params=False, clock=time.perf_counter):
    import minigrad
    return _pytorch_style_chain(minigrad, n_ops, size, params, clock)


def torch_chain(n_ops, size=4, params=False, clock=time.perf_counter):
    return _pytorch_style_chain(optional_import('torch'), n_ops, size, params, clock)


def mygrad_chain(n_ops, size=4, params=False, clock=time.perf_counter):
    mg = optional_import('mygrad')
    x, a, b = _inputs(size)
    x = mg.tensor(x)
    if params:
        a, b = mg.tensor(a), mg.tensor(b)
    else:
        a, b = A, B
    return lambda: _timed(lambda: _chain(x, a, b, n_ops).sum(), lambda out: out.backward(), clock)


def autograd_chain(n_ops, size=4, params=False, clock=time.perf_counter):
    optional_import('autograd')
    from autograd.core import make_vjp
    x, a, b = _inputs(size)
    if params:
        def fn(args):
            return _chain(args[0], args[1], args[2], n_ops).sum()
        arg = (x, a, b)
    else:
        def fn(v):
            return _chain(v, A, B, n_ops).sum()
        arg = x

    def run():
        t0 = clock()
        vjp, _ = make_vjp(fn, arg)
        t1 = clock()
        vjp(xp.float32(1.0))
        t2 = clock()
        return {'forward': t1 - t0, 'backward': t2 - t1}
    return run


def micrograd_chain(n_ops, size=4, params=False, clock=time.perf_counter, recursion_limit=None):
    """micrograd's ``Value`` is a scalar, so ``size`` is ignored. Its backward sorts the graph
    recursively: a chain deeper than the recursion limit fails unless ``recursion_limit`` raises it."""
    optional_import('micrograd')
    from micrograd.engine import Value
    x = Value(1.0)
    a, b = (Value(A), Value(B)) if params else (A, B)

    def backward(out):
        old = sys.getrecursionlimit()
        if recursion_limit:
            sys.setrecursionlimit(max(old, recursion_limit))
        try:
            out.backward()
        finally:
            sys.setrecursionlimit(old)

    return lambda: _timed(lambda: _chain(x, a, b, n_ops), backward, clock)


def numpy_chain(n_ops, size=4, params=False, clock=time.perf_counter):
    """The floor: the same chain on NumPy arrays with a hand-written backward (no graph at all)."""
    x, a, b = _inputs(size)

    def run():
        t0 = clock()
        y, saved = x, []
        for i in range(n_ops):
            if i % 2 == 0:
                if params:
                    saved.append(y)  # d(y * a)/da = y: keep the inputs of the multiplies
                y = y * a
            else:
                y = y + b
        y.sum()
        t1 = clock()
        g = xp.ones_like(x)
        grad_a = xp.zeros_like(a)
        grad_b = xp.zeros_like(b)
        for i in range(n_ops - 1, -1, -1):
            if i % 2 == 0:
                if params:
                    grad_a += g * saved[i // 2]
                g = g * a
            elif params:
                grad_b += g
        t2 = clock()
        return {'forward': t1 - t0, 'backward': t2 - t1}
    return run


#: name -> builder(n_ops, size, params) -> run. The order of the tables.
BUILDERS = {
    'numpy (floor)': numpy_chain,
    'minigrad': minigrad_chain,
    'torch': torch_chain,
    'mygrad': mygrad_chain,
    'autograd': autograd_chain,
    'micrograd': micrograd_chain,
}


def build(name, n_ops, size=4, params=False, deep=False, clock=time.perf_counter):
    """The ``run`` of library ``name``, or raise :class:`Skipped`. For the per-op workload (``deep`` false)
    micrograd's recursion limit is raised to fit the chain; for the deep chain it is left as users get it.
    ``clock`` times the phases: wall time by default, ``time.process_time`` for CPU time."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise Skipped(f"unknown library {name!r}; choose among {', '.join(BUILDERS)}") from None
    if name == 'micrograd' and not deep:
        return micrograd_chain(n_ops, size, params, clock, recursion_limit=2 * n_ops + 1000)
    return builder(n_ops, size, params, clock)
