"""Derivatives of whole functions: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp`` and ``hvp``.

The same calls and return conventions as ``torch.autograd.functional``. ``func`` takes Tensors and
returns a Tensor or a tuple of Tensors; ``inputs`` is a Tensor or a tuple of Tensors, and each result
is shaped the same way (a Tensor for a Tensor, a tuple for a tuple)::

    def f(x):
        return (x ** 3).sum()

    x = minigrad.tensor([1.0, 2.0])
    hessian(f, x)                    # tensor([[ 6.,  0.], [ 0., 12.]])
    hvp(f, x, minigrad.ones(2))      # (f(x), tensor([ 6., 12.]))

How each is computed, and what it costs for ``f: R^n -> R^m``:

- ``vjp``: one backward pass (``v^T J``), whatever ``n``.
- ``jvp``: ``J v`` by the double-vjp trick (two backward passes), as PyTorch's does; the single-pass
  forward mode is :mod:`minigrad.autograd.forward_ad`.
- ``jacobian``: ``m`` backward passes (``strategy='reverse-mode'``, the default) or ``n`` forward passes
  (``strategy='forward-mode'``); which is cheaper depends on ``n`` against ``m``
  (``minigrad bench autodiff-modes`` measures the crossover).
- ``hessian``: the Jacobian of the gradient (reverse over reverse).
- ``vhp``/``hvp``: one double backward, never the whole Hessian.

Unless ``create_graph=True`` the results are detached from the graph. With ``strict=False`` (the
default) an input the outputs do not depend on gets a zero derivative; ``strict=True`` raises instead.
"""
from .. import backend
from . import function as _function
from .engine import grad as _grad
from .grad_mode import enable_grad

__all__ = ['vjp', 'jvp', 'jacobian', 'hessian', 'vhp', 'hvp']


# ------------------------------------------------------------------------------------- the plumbing
def _as_tuple(value, what, fn_name):
    """``value`` as a tuple of Tensors, and whether it was a tuple to begin with."""
    Tensor = _function.Tensor
    is_tuple = isinstance(value, (tuple, list))
    items = tuple(value) if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f" at position {i}" if is_tuple else ''
            raise TypeError(f"{fn_name}: the {what} must be a Tensor or a tuple of Tensors, got "
                            f"{type(item).__name__}{where}")
    return is_tuple, items


def _prepare_inputs(inputs, create_graph, need_graph):
    """Fresh leaves for the inputs: connected to the caller's graph only when ``create_graph`` asks."""
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(x.view_as(x) if hasattr(x, 'view_as') else x * 1)
        else:
            out.append(x.detach().requires_grad_(need_graph and x.dtype.kind == 'f'))
    return tuple(out)


def _finish(values, create_graph):
    """Detach the results unless the caller wants to differentiate them again."""
    if create_graph:
        return values
    return tuple(v.detach() if v is not None else None for v in values)


def _shape_back(is_tuple, values):
    return values if is_tuple else values[0]


def _zeros_like(x):
    return _function.wrap(backend.array_module(x.array).zeros_like(x.array))


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn_name, what='outputs'):
    """``sum_k grad_outputs[k] . d outputs[k] / d inputs``, with zeros (or an error) for unused inputs."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        grads = _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                      create_graph=create_graph, allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    result = []
    for i, (x, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn_name}: the {what} do not depend on input {i} (strict=True); with "
                                   "strict=False its derivative is returned as zeros")
            g = _zeros_like(x)
        result.append(g)
    return tuple(result)


def _check_v(v, outputs, fn_name, what):
    """The vector of a vector product: shaped like ``outputs``; optional for a single-element output."""
    if v is None:
        if len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError(f"{fn_name}: v is needed unless the {what} is a single Tensor with one "
                               f"element; pass v shaped like the {what}")
        return (_function.wrap(backend.array_module(outputs[0].array).ones_like(outputs[0].array)),)
    _, vs = _as_tuple(v, 'v', fn_name)
    if len(vs) != len(outputs):
        raise RuntimeError(f"{fn_name}: v has {len(vs)} Tensor(s) but the {what} has {len(outputs)}")
    for i, (a, b) in enumerate(zip(vs, outputs)):
        if tuple(a.shape) != tuple(b.shape):
            raise RuntimeError(f"{fn_name}: v[{i}] has shape {tuple(a.shape)} but the {what}[{i}] has shape "
                               f"{tuple(b.shape)}; they must match")
    return vs


def _call(func, inputs, fn_name):
    out = func(*inputs)
    is_tuple, outs = _as_tuple(out, 'outputs of the function', fn_name)
    return is_tuple, outs


# ------------------------------------------------------------------------------------------- products
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T J)``: the vector-Jacobian product, one backward pass."""
    with enable_grad():
        in_tuple, xs = _as_tuple(inputs, 'inputs', 'vjp')
        xs = _prepare_inputs(xs, create_graph, True)
        out_tuple, outs = _call(func, xs, 'vjp')
        vs = _check_v(v, outs, 'vjp', 'output')
        result = _grads(outs, xs, vs, create_graph, strict, 'vjp')
    return _shape_back(out_tuple, _finish(outs, create_graph)), _shape_back(in_tuple, _finish(result, create_graph))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J v)``: the Jacobian-vector product.

    Computed with the double-vjp trick, as ``torch.autograd.functional.jvp`` does: ``u -> u^T J`` is linear
    in ``u``, so differentiating it with respect to ``u`` in the direction ``v`` gives ``J v``. (For the
    single-pass forward-mode product use :mod:`minigrad.autograd.forward_ad`.)
    """
    with enable_grad():
        in_tuple, xs = _as_tuple(inputs, 'inputs', 'jvp')
        xs = _prepare_inputs(xs, create_graph, True)
        vs = _check_v(v, xs, 'jvp', 'input')
        out_tuple, outs = _call(func, xs, 'jvp')
        us = tuple(_zeros_like(o).requires_grad_(o.dtype.kind == 'f') for o in outs)
        grads = _grads(outs, xs, us, True, strict, 'jvp')
        pairs = [(g, w) for g, w in zip(grads, vs) if g.requires_grad]
        if pairs:
            jv = _grad([g for g, _ in pairs], us, [w for _, w in pairs], retain_graph=True,
                       create_graph=create_graph, allow_unused=True)
        else:
            jv = (None,) * len(us)
        result = []
        for i, (o, g) in enumerate(zip(outs, jv)):
            if g is None:
                if strict:
                    raise RuntimeError(f"jvp: output {i} does not depend on the inputs (strict=True)")
                g = _zeros_like(o)
            result.append(g)
    return _shape_back(out_tuple, _finish(outs, create_graph)), _shape_back(out_tuple, _finish(tuple(result), create_graph))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T H)`` for a scalar ``func``: one double backward, never the whole Hessian."""
    return _hessian_product(func, inputs, v, create_graph, strict, 'vhp')


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H v)`` for a scalar ``func``, by forward-over-reverse: the gradient is computed
    by a backward pass inside a forward-AD dual level whose inputs carry ``v`` as their tangent, so the
    gradient's tangent is ``H v``. One backward pass, about twice its work.

    With ``create_graph=True``, or when an op on the way has no ``jvp`` rule, it falls back to the
    double-backward product of ``vhp`` (the Hessian is symmetric, so ``H v = (v^T H)^T``).
    """
    if not create_graph:
        try:
            return _forward_over_reverse(func, inputs, v, strict)
        except NotImplementedError:
            pass
    return _hessian_product(func, inputs, v, create_graph, strict, 'hvp')


def _forward_over_reverse(func, inputs, v, strict):
    from . import forward_ad as fwAD
    in_tuple, xs = _as_tuple(inputs, 'inputs', 'hvp')
    vs = _check_v(v, xs, 'hvp', 'input')
    if fwAD.state.level is not None:
        raise NotImplementedError  # already inside a dual level: use the reverse-over-reverse product
    with fwAD.dual_level(), enable_grad():
        duals = tuple(fwAD.make_dual(x.detach().requires_grad_(), w.to(x.dtype)) for x, w in zip(xs, vs))
        out_tuple, outs = _call(func, duals, 'hvp')
        _check_scalar(outs, out_tuple, 'hvp')
        grads = _grads(outs, duals, (None,), True, strict, 'hvp')
        result = []
        for i, (x, g) in enumerate(zip(xs, grads)):
            t = fwAD.unpack_dual(g).tangent
            if t is None:
                t = _missing(x, i, strict, 'hvp')
            result.append(t.detach())
        value = outs[0].detach()
    return value, _shape_back(in_tuple, tuple(result))


def _hessian_product(func, inputs, v, create_graph, strict, fn_name):
    with enable_grad():
        in_tuple, xs = _as_tuple(inputs, 'inputs', fn_name)
        xs = _prepare_inputs(xs, create_graph, True)
        vs = _check_v(v, xs, fn_name, 'input')
        out_tuple, outs = _call(func, xs, fn_name)
        _check_scalar(outs, out_tuple, fn_name)
        first = _grads(outs, xs, (None,), True, strict, fn_name)
        pairs = [(g, w, i) for i, (g, w) in enumerate(zip(first, vs)) if g.requires_grad]
        result = _grads([g for g, _, _ in pairs], xs, [w for _, w, _ in pairs], create_graph, strict,
                        fn_name, what='gradients') if pairs else tuple(
            _missing(x, i, strict, fn_name) for i, x in enumerate(xs))
    return outs[0] if create_graph else outs[0].detach(), _shape_back(in_tuple, _finish(result, create_graph))


def _missing(x, i, strict, fn_name):
    if strict:
        raise RuntimeError(f"{fn_name}: the gradient does not depend on input {i} (strict=True)")
    return _zeros_like(x)


def _check_scalar(outs, out_tuple, fn_name):
    if out_tuple or outs[0].numel() != 1:
        shape = 'a tuple' if out_tuple else f"shape {tuple(outs[0].shape)}"
        raise RuntimeError(f"{fn_name}: the function must return a single Tensor with one element, it "
                           f"returned {shape}")


# ------------------------------------------------------------------------------ Jacobians and Hessians
def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'):
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` of shape ``outputs[i].shape + inputs[j].shape``
    (a Tensor when both are single Tensors, a tuple when one of them is a tuple, a tuple of tuples when
    both are).

    ``strategy='reverse-mode'`` takes one backward pass per output element; ``'forward-mode'`` one
    forward-mode pass per input element (needs ``vectorize=True``, as in PyTorch). ``vectorize`` is
    accepted for PyTorch's sake: minigrad has no vmap, so the passes run one after another either way.
    """
    if strategy not in ('reverse-mode', 'forward-mode'):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    if strategy == 'forward-mode':
        if create_graph:
            raise NotImplementedError("jacobian: strategy='forward-mode' with create_graph=True is not "
                                      "implemented (as in PyTorch); use the default reverse mode")
        if not vectorize:
            raise NotImplementedError("jacobian: strategy='forward-mode' is only implemented for "
                                      "vectorize=True (as in PyTorch)")
        return _jacobian_forward(func, inputs, strict)
    with enable_grad():
        in_tuple, xs = _as_tuple(inputs, 'inputs', 'jacobian')
        xs = _prepare_inputs(xs, create_graph, True)
        out_tuple, outs = _call(func, xs, 'jacobian')
        rows = []  # rows[i][j]: d outs[i] / d xs[j]
        for i, out in enumerate(outs):
            blocks = [[] for _ in xs]
            xp = backend.array_module(out.array)
            flat = out.reshape(-1)
            for k in range(flat.shape[0]):
                if out.requires_grad:
                    basis = xp.zeros(flat.shape, dtype=out.dtype)
                    basis[k] = 1
                    grads = _grad([flat], xs, [_function.wrap(basis)], retain_graph=True,
                                  create_graph=create_graph, allow_unused=True)
                else:
                    grads = (None,) * len(xs)
                for j, (x, g) in enumerate(zip(xs, grads)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"jacobian: output {i} does not depend on input {j} "
                                               "(strict=True)")
                        g = _zeros_like(x)
                    blocks[j].append(g)
            row = []
            for j, x in enumerate(xs):
                row.append(_assemble(blocks[j], tuple(out.shape) + tuple(x.shape), x, create_graph))
            rows.append(tuple(row))
    return _nest(rows, in_tuple, out_tuple)


def _assemble(pieces, shape, like, create_graph):
    """Stack per-element derivatives into one Tensor of ``shape``."""
    from .. import stack  # the op families sit above autograd: import at call time
    if not pieces:
        xp = backend.array_module(like.array)
        return _function.wrap(xp.zeros(shape, dtype=like.dtype))
    out = stack(list(pieces), 0).reshape(shape)
    return out if create_graph else out.detach()


def _nest(rows, in_tuple, out_tuple):
    if out_tuple and in_tuple:
        return tuple(rows)
    if out_tuple:
        return tuple(r[0] for r in rows)
    if in_tuple:
        return rows[0]
    return rows[0][0]


def _jacobian_forward(func, inputs, strict):
    """Columns of the Jacobian by forward mode: one dual pass per input element."""
    from . import forward_ad as fwAD
    in_tuple, xs = _as_tuple(inputs, 'inputs', 'jacobian')
    xs = tuple(x.detach() for x in xs)
    columns = None   # columns[i][j]: list of d outs[i] / d xs[j][k] for each k
    out_shapes = None
    out_tuple = False
    for j, x in enumerate(xs):
        xp = backend.array_module(x.array)
        for k in range(x.numel()):
            basis = xp.zeros(x.numel(), dtype=x.dtype)
            basis[k] = 1
            with fwAD.dual_level():
                duals = [fwAD.make_dual(xi, _function.wrap(basis.reshape(x.shape))) if i == j else xi
                         for i, xi in enumerate(xs)]
                out_tuple, outs = _call(func, duals, 'jacobian')
                tangents = []
                for i, o in enumerate(outs):
                    t = fwAD.unpack_dual(o).tangent
                    if t is None:
                        if strict:
                            raise RuntimeError(f"jacobian: output {i} does not depend on input {j} "
                                               "(strict=True)")
                        t = _zeros_like(o)
                    tangents.append(t.detach())
            if columns is None:
                out_shapes = [tuple(o.shape) for o in outs]
                columns = [[[] for _ in xs] for _ in outs]
            for i, t in enumerate(tangents):
                columns[i][j].append(t)
    if columns is None:  # every input empty: call once for the output shapes
        out_tuple, outs = _call(func, xs, 'jacobian')
        out_shapes = [tuple(o.shape) for o in outs]
        columns = [[[] for _ in xs] for _ in outs]
    rows = []
    for i, shape in enumerate(out_shapes):
        row = []
        for j, x in enumerate(xs):
            pieces = columns[i][j]
            like = x
            if pieces:
                from .. import stack
                # stacked as (n_in, *out); the Jacobian is (*out, *in)
                stacked = stack(pieces, -1).reshape(shape + tuple(x.shape))
                row.append(stacked.detach())
            else:
                row.append(_assemble([], shape + tuple(x.shape), like, False))
        rows.append(tuple(row))
    return _nest(rows, in_tuple, out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy='reverse-mode'):
    """The Hessian of a scalar ``func``: ``H[i][j]`` of shape ``inputs[i].shape + inputs[j].shape`` (a
    Tensor for a single input). Computed as the Jacobian of the gradient."""
    in_tuple, xs = _as_tuple(inputs, 'inputs', 'hessian')
    if outer_jacobian_strategy not in ('reverse-mode', 'forward-mode'):
        raise ValueError("hessian: outer_jacobian_strategy must be 'reverse-mode' or 'forward-mode', got "
                         f"{outer_jacobian_strategy!r}")

    def gradient(*args):
        out_tuple, outs = _call(func, args, 'hessian')
        _check_scalar(outs, out_tuple, 'hessian')
        return _grads(outs, args, (None,), True, strict, 'hessian')

    result = jacobian(gradient, xs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                      strategy=outer_jacobian_strategy)
    # jacobian of a tuple-valued function of a tuple: a tuple of tuples
    return result if in_tuple else result[0][0]
