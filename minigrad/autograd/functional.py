"""Higher-level differentiation of functions (PyTorch's ``torch.autograd.functional``): ``vjp``, ``jvp``,
``jacobian``, ``hessian``, ``vhp``, ``hvp``, built on :func:`minigrad.autograd.grad`.

``jacobian`` runs one backward pass per output element (PyTorch's default ``vectorize=False``);
``jvp`` contracts that Jacobian with ``v``, so both cost a backward pass per output element and are
meant for the small functions these are used on. ``strict=True`` raises when an output does not
depend on an input, as PyTorch's does. ``vectorize`` and ``strategy='forward-mode'`` are accepted
for compatibility; the computation is the same reverse-mode one.
"""
from ..tensor import Tensor
from .engine import grad
from .grad_mode import enable_grad

__all__ = ['vjp', 'jvp', 'jacobian', 'hessian', 'vhp', 'hvp']


def _as_tuple(x, what, fn):
    if isinstance(x, Tensor):
        return False, (x,)
    if isinstance(x, (tuple, list)) and all(isinstance(t, Tensor) for t in x):
        return True, tuple(x)
    raise TypeError(f"autograd.functional.{fn}: {what} must be a Tensor or a tuple of Tensors, "
                    f"got {type(x).__name__}")


def _grad_inputs(inputs, create_graph):
    # fresh leaves so the graph of the caller's tensors is left alone (kept when create_graph)
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view(t.shape))
        else:
            out.append(t.detach().requires_grad_(True))
    return tuple(out)


def _outputs(func, inputs, fn):
    is_tuple, outputs = _as_tuple(func(*inputs), 'the outputs of func', fn)
    return is_tuple, outputs


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn, retain_graph=None):
    differentiable = [i for i, o in enumerate(outputs) if o.requires_grad]
    if not differentiable:
        got = (None,) * len(inputs)
    else:
        got = grad([outputs[i] for i in differentiable], inputs,
                   [grad_outputs[i] for i in differentiable] if grad_outputs is not None else None,
                   retain_graph=True if retain_graph is None else retain_graph,
                   create_graph=create_graph, allow_unused=True)
    out = []
    for k, (g, x) in enumerate(zip(got, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"autograd.functional.{fn}: the output does not depend on input {k} "
                                   "(strict=True); pass strict=False to get zeros")
            g = x.detach() * 0
        out.append(g)
    return tuple(out)


def _result(is_tuple, values):
    return tuple(values) if is_tuple else values[0]


def _detach(ts, create_graph):
    return tuple(t if create_graph else t.detach() for t in ts)


def _check_v(v, like, what, fn):
    if v is None:
        if any(t.numel() != 1 for t in like):
            raise RuntimeError(f"autograd.functional.{fn}: v can be omitted only when the {what} has a "
                               "single element; pass v shaped like it")
        return tuple(t.detach() * 0 + 1 for t in like)
    _, v = _as_tuple(v, 'v', fn)
    if len(v) != len(like) or any(tuple(a.shape) != tuple(b.shape) for a, b in zip(v, like)):
        raise RuntimeError(f"autograd.functional.{fn}: v has shapes {[tuple(a.shape) for a in v]}, "
                           f"the {what} {[tuple(b.shape) for b in like]}; give one v per {what} tensor, "
                           "shaped like it")
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T J)``: the vector-Jacobian product."""
    in_tuple, inputs = _as_tuple(inputs, 'inputs', 'vjp')
    with enable_grad():
        xs = _grad_inputs(inputs, create_graph)
        out_tuple, outputs = _outputs(func, xs, 'vjp')
        v = _check_v(v, outputs, 'output', 'vjp')
        g = _grads(outputs, xs, v, create_graph, strict, 'vjp')
    return _result(out_tuple, _detach(outputs, create_graph)), _result(in_tuple, _detach(g, create_graph))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'):
    """The Jacobian of ``func`` at ``inputs``: for output ``i`` and input ``k``, a tensor of shape
    ``outputs[i].shape + inputs[k].shape`` (nested tuples when either side is a tuple)."""
    if strategy not in ('reverse-mode', 'forward-mode'):
        raise ValueError(f"autograd.functional.jacobian: strategy must be 'reverse-mode' or 'forward-mode', "
                         f"got {strategy!r}")
    in_tuple, inputs = _as_tuple(inputs, 'inputs', 'jacobian')
    import minigrad
    with enable_grad():
        xs = _grad_inputs(inputs, create_graph)
        out_tuple, outputs = _outputs(func, xs, 'jacobian')
        per_output = []
        for out in outputs:
            rows = [[] for _ in xs]
            flat = out.reshape(-1)
            for j in range(flat.shape[0]):
                g = _grads((flat[j],), xs, None, create_graph, strict, 'jacobian')
                for k in range(len(xs)):
                    rows[k].append(g[k])
            blocks = []
            for k, x in enumerate(xs):
                if rows[k]:
                    block = minigrad.stack(rows[k]).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    block = minigrad.zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype, device=x.device)
                blocks.append(block if create_graph else block.detach())
            per_output.append(_result(in_tuple, blocks))
    return _result(out_tuple, per_output)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), J v)``: the Jacobian-vector product."""
    in_tuple, inputs = _as_tuple(inputs, 'inputs', 'jvp')
    v = _check_v(v, inputs, 'input', 'jvp')
    with enable_grad():
        xs = _grad_inputs(inputs, create_graph)
        out_tuple, outputs = _outputs(func, xs, 'jvp')
    jac = jacobian(func, _result(in_tuple, inputs), create_graph=create_graph, strict=strict)
    if not out_tuple:
        jac = (jac,)
    results = []
    for i, out in enumerate(outputs):
        blocks = jac[i] if in_tuple else (jac[i],)
        total = None
        for block, vk in zip(blocks, v):
            n = vk.numel()
            term = (block.reshape(out.numel(), n) @ vk.reshape(n)).reshape(out.shape)
            total = term if total is None else total + term
        results.append(total)
    return _result(out_tuple, _detach(outputs, create_graph)), _result(out_tuple, _detach(results, create_graph))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy='reverse-mode'):
    """The Hessian of a scalar ``func`` at ``inputs`` (``H[i][j]`` blocks for a tuple of inputs)."""
    in_tuple, inputs = _as_tuple(inputs, 'inputs', 'hessian')

    def gradient(*xs):
        out_tuple, out = _outputs(func, xs, 'hessian')
        if out_tuple or out[0].numel() != 1:
            raise RuntimeError("autograd.functional.hessian: func must return a single-element Tensor")
        g = _grads(out, xs, None, True, strict, 'hessian')
        return _result(in_tuple, g)
    return jacobian(gradient, _result(in_tuple, inputs), create_graph=create_graph, strict=strict)


def _hessian_product(func, inputs, v, create_graph, strict, fn):
    in_tuple, inputs = _as_tuple(inputs, 'inputs', fn)
    v = _check_v(v, inputs, 'input', fn)
    with enable_grad():
        xs = _grad_inputs(inputs, create_graph)
        out_tuple, out = _outputs(func, xs, fn)
        if out_tuple or out[0].numel() != 1:
            raise RuntimeError(f"autograd.functional.{fn}: func must return a single-element Tensor")
        g = _grads(out, xs, None, True, strict, fn)
        dot = sum((gk * vk).sum() for gk, vk in zip(g, v))
        hv = _grads((dot,), xs, None, create_graph, strict, fn)
    return _result(False, _detach(out, create_graph)), _result(in_tuple, _detach(hv, create_graph))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T H)`` for a scalar ``func``."""
    return _hessian_product(func, inputs, v, create_graph, strict, 'vhp')


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), H v)`` for a scalar ``func`` (equal to vhp: the Hessian is symmetric)."""
    return _hessian_product(func, inputs, v, create_graph, strict, 'hvp')
