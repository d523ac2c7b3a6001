"""The reverse-mode engine: walks the graph from the outputs back to the leaves, without recursion.

The graph is made of nodes (``Function`` instances, a tensor's ``grad_fn``) linked to the nodes of their
inputs; a leaf tensor that requires grad is its own node, where gradients are accumulated into ``.grad``.
A backward pass has two sweeps, both with explicit stacks so that a chain of any depth works:

1. count, for every node reachable from the outputs, how many edges lead into it (its consumers);
2. start from the outputs and run a node's ``backward`` once all of its consumers have contributed to its
   gradient (Kahn's algorithm), sending each input its share.

Unless ``retain_graph`` is set, each node drops its saved arrays once it has run (the graph is freed),
and reaching a freed node again raises.
"""
from ..backend import array_module, as_array, scalar_types
from ..tensor import Tensor, make_tensor
from . import function as _function
from .function import USER_FIELDS, Function, epoch, saved_roles, unbroadcast
from .grad_mode import state

wrap = make_tensor


def _saved_as_tensors(node):
    """The saved arrays of ``node`` as Tensors connected to the graph (for create_graph)."""
    out = []
    for array, role in zip(node.saved_tensors, saved_roles(node)):
        if role == -1:
            t = make_tensor(array, node)  # stands for the node's output
            tangent = node.__dict__.get('_out_tangent')
            if tangent is not None and _function.forward_mode.active:
                _function.forward_mode.set(t, tangent)  # forward-over-reverse: it keeps its tangent
            out.append(t)
        elif role is None:  # a constant: arrays become Tensors, Python scalars stay as they are
            out.append(wrap(array) if hasattr(array, 'dtype') else array)
        else:
            out.append(node._inputs[role])
    return tuple(out)


def _check_versions(node):
    """Raise if an input or output that ``node`` saved was changed in place after it was saved."""
    changed = node._out_version is not None and node._out_version[0] > (node._out_epoch or node.epoch)
    if not changed:
        for role in saved_roles(node):
            cell = None if role is None or role < 0 else node._inputs[role]._version
            if cell is not None and cell[0] > node.epoch:
                changed = True
                break
    if changed:
        raise RuntimeError(
            f"one of the tensors saved by {type(node).__name__} ({node.name()}) for its backward was "
            f"modified by an in-place operation after it was saved, so its gradient would be wrong. Use the out-of-place "
            f"form (e.g. `x = x * 2` instead of `x *= 2`), or `.clone()` the tensor before changing it.")


def _check_finite(node, grads):
    for i, g in enumerate(grads):
        if g is None:
            continue
        arr = g._array if isinstance(g, Tensor) else g
        if arr.dtype.kind == 'f' and not bool(array_module(arr).isfinite(arr).all()):
            where = f"\nThe forward call that created it:\n{node._trace}" if node._trace else ''
            raise RuntimeError(f"anomaly detected: {type(node).__name__} backward ({node.name()}) produced NaN or infinite values "
                               f"in the gradient of its input {i}.{where}")


def _add_grad(grads, node, grad, owned):
    """Add a contribution to a node's pending gradient. A sum the engine allocated itself (listed in
    ``owned`` while it is pending) is updated in place; anything else may be shared and is not touched."""
    old = grads.get(node)
    if old is None:
        grads[node] = grad
    elif owned is not None and id(old) in owned:
        old += grad
    else:
        total = old + grad
        if owned is not None and not isinstance(total, scalar_types):
            owned.add(id(total))
        grads[node] = total


def _fit(grad, shape, dtype, create_graph):
    """Sum a gradient back to its input's shape and cast it to its dtype (the one place for both)."""
    if grad.shape != shape:
        grad = unbroadcast(grad, shape)
    if grad.dtype is not dtype and grad.dtype != dtype:
        grad = grad.to(dtype) if create_graph else grad.astype(dtype)
    return grad


def _apply_hooks(hooks, grad, create_graph):
    """Run tensor hooks on a gradient (hooks see a Tensor and may return a replacement)."""
    g = grad if create_graph else wrap(grad)
    for hook in hooks:
        new = hook(g)
        if new is not None:
            if not isinstance(new, Tensor):
                raise TypeError(f"a tensor hook must return None or a Tensor, got {type(new).__name__}")
            g = new
    return g if create_graph else g._array


def _accumulate(owner, grad, create_graph, handed_out):
    """Add ``grad`` into ``owner.grad`` (a leaf, or a non-leaf that called retain_grad)."""
    if create_graph:
        owner.grad = grad if owner.grad is None else owner.grad + grad
        return
    current = owner.grad
    if isinstance(grad, scalar_types):
        grad = as_array(grad)
    if current is None:
        # Take the array as it is when nothing else can see it; copy views (broadcasts included) and arrays
        # already given to another tensor, so that in-place changes to one .grad never touch another.
        if grad.base is not None or id(grad) in handed_out:
            grad = grad.copy()
        handed_out.add(id(grad))
        owner.grad = wrap(grad)
    elif current._requires_grad or current._array.shape != grad.shape:
        owner.grad = wrap(current._array + grad)
    else:
        current._array += grad


def _dependencies(roots):
    """Sweep 1: for every node reachable from ``roots``, the number of edges that lead into it. Nodes
    are dict keys by identity (Function instances and leaf Tensors hash by id). Leaves are counted apart
    (``leaf_deps``): a leaf's .grad is accumulated, and its post-accumulate hooks run, as soon as its
    last edge has run (PyTorch's order, which DistributedDataParallel's overlap relies on)."""
    deps = {}
    leaf_deps = {}
    stack = []
    for node in roots:
        if node not in deps and not isinstance(node, Tensor):
            deps[node] = 0
            stack.append(node)
    while stack:
        node = stack.pop()
        for parent in node.parents:
            if parent is None:
                continue
            if isinstance(parent, Tensor):
                leaf_deps[parent] = leaf_deps.get(parent, 0) + 1
                continue
            if parent in deps:
                deps[parent] += 1
            else:
                deps[parent] = 1
                stack.append(parent)
    return deps, leaf_deps


def _freed_error(node):
    return RuntimeError(
        f"trying to backward through the graph a second time (at {type(node).__name__}): its saved values were "
        "freed after the first backward. Pass retain_graph=True to the first backward() if you need to "
        "call it again, or recompute the forward pass.")


def _backward_recorded(node, g):
    """``node.backward`` for create_graph: on Tensors (the gradient and the saved values mapped back to
    the graph), so that the backward pass is itself recorded."""
    arrays = node.saved_tensors
    node.saved_tensors = _saved_as_tensors(node)
    try:
        return node.backward(node, g)
    finally:
        node.saved_tensors = arrays


def _wrong_count(node, in_grads):
    return RuntimeError(f"{type(node).__name__}.backward returned {len(in_grads)} gradient(s) but forward had "
                        f"{len(node.parents)} input(s); return one per input (None for non-tensor "
                        "arguments)")


def _free(attrs):
    """Drop what a node kept for its backward (saved arrays, ctx attributes such as masks and indices):
    its ``__dict__`` but the user's hooks. The graph fields are slots, untouched."""
    if '_hooks' in attrs or '_retained' in attrs:
        kept = [(name, attrs[name]) for name in USER_FIELDS if name in attrs]
        attrs.clear()
        attrs.update(kept)
    else:
        attrs.clear()
    attrs['_freed'] = True


class _Pass:
    """What one backward pass keeps while it runs: the pending gradient of each node (``grads``), the
    number of consumers each node still waits for (``deps``), the nodes ready to run, and what the
    caller asked to capture."""
    __slots__ = ('grads', 'deps', 'leaf_deps', 'ready', 'owned', 'handed_out', 'captured', 'capture',
                 'create_graph')

    def __init__(self, roots, root_grads, capture, create_graph):
        self.deps, self.leaf_deps = _dependencies(roots)
        self.grads = {}
        for node, g in zip(roots, root_grads):
            self.grads[node] = g if node not in self.grads else self.grads[node] + g
        self.ready = [node for node, count in self.deps.items() if count == 0]
        self.owned = set() if not create_graph else None  # sums the engine allocated (safe to += into)
        self.handed_out = set()  # arrays already stored in some .grad
        self.captured = {}
        self.capture = capture
        self.create_graph = create_graph


def _observe(node, g, run):
    """What happens to a node's gradient before its backward: tensor hooks, retain_grad, capture."""
    if node._hooks:
        g = _apply_hooks(node._hooks, g, run.create_graph)
    if node._retained is not None:
        owner = node._retained()
        if owner is not None and owner._ctx is node:
            _accumulate(owner, g, run.create_graph, run.handed_out)
    if run.capture is not None and node in run.capture:
        run.captured[node] = g
    return g


def _finish_leaf(leaf, g, run):
    """A leaf's gradient is complete: its hooks, its accumulation, then its post-accumulate hooks."""
    hooks = getattr(leaf, '_hooks', None)
    if hooks:
        g = _apply_hooks(hooks, g, run.create_graph)
    _accumulate(leaf, g, run.create_graph, run.handed_out)
    for hook in getattr(leaf, '_post_hooks', None) or ():
        hook(leaf)


def _hand_to_leaves(run, accumulate):
    """Every gradient has arrived: the leaves not served yet get theirs (accumulated, or captured)."""
    for leaf, g in run.grads.items():
        if run.capture is not None and leaf in run.capture:
            hooks = getattr(leaf, '_hooks', None)
            run.captured[leaf] = _apply_hooks(hooks, g, run.create_graph) if hooks else g
        elif accumulate:
            _finish_leaf(leaf, g, run)


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, capture=None,
                 accumulate=True):
    """Back-propagate ``root_grads`` from the ``roots`` nodes.

    ``capture`` holds the nodes for ``autograd.grad``: the total gradient reaching those nodes is
    returned instead of (``accumulate=False``) being added to leaves' ``.grad``.
    """
    run = _Pass(roots, root_grads, capture, create_graph)  # sweep 1 counts the consumers
    ready, grads, deps, owned, leaf_deps = run.ready, run.grads, run.deps, run.owned, run.leaf_deps
    previous_mode = state.enabled
    state.enabled = create_graph
    anomaly = state.anomaly and state.check_nan
    current_epoch = epoch.value
    try:
        # Sweep 2: run a node once all its consumers have contributed to its gradient.
        while ready:
            node = ready.pop()
            g = grads.pop(node, None)
            if owned and g is not None:
                owned.discard(id(g))
            if node._freed:
                raise _freed_error(node)
            parents = node.parents
            # 1. The node's backward, on its total gradient.
            if g is None:
                in_grads = (None,) * len(parents)
            else:
                if node._hooks or node._retained is not None or capture is not None:
                    g = _observe(node, g, run)
                if node.epoch != current_epoch and node._inputs:
                    _check_versions(node)
                in_grads = _backward_recorded(node, g) if create_graph else node.backward(node, g)
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
                if len(in_grads) < len(parents):
                    raise _wrong_count(node, in_grads)
                if anomaly:
                    _check_finite(node, in_grads)
            if not retain_graph:
                _free(node.__dict__)
            # 2. Each input's share, fitted to its shape and dtype, joins what that input has pending;
            #    a node whose last consumer has now contributed is ready.
            for parent, gi in zip(parents, in_grads):
                if parent is None:
                    continue
                if isinstance(parent, Tensor):  # a leaf: accumulated once its last edge has run
                    if gi is not None:
                        array = parent._array
                        if gi.shape != array.shape or gi.dtype is not array.dtype:
                            gi = _fit(gi, array.shape, array.dtype, create_graph)
                        _add_grad(grads, parent, gi, owned)
                    leaf_deps[parent] -= 1
                    if leaf_deps[parent] == 0 and accumulate and capture is None and parent in grads:
                        g_leaf = grads.pop(parent)
                        if owned:
                            owned.discard(id(g_leaf))
                        _finish_leaf(parent, g_leaf, run)
                    continue
                if gi is not None:
                    if gi.shape != parent.out_shape or gi.dtype is not parent.out_dtype:
                        gi = _fit(gi, parent.out_shape, parent.out_dtype, create_graph)
                    _add_grad(grads, parent, gi, owned)
                remaining = deps[parent] - 1
                deps[parent] = remaining
                if remaining == 0:
                    ready.append(parent)
        # 3. Every gradient has arrived: the leaves get theirs.
        _hand_to_leaves(run, accumulate)
    finally:
        state.enabled = previous_mode
    return run.captured


def _as_node(tensor):
    node = tensor.grad_fn  # a view takes its history from its base again if that changed
    return node if node is not None else tensor


def _root_grad(tensor, gradient, create_graph):
    xp = tensor._xp()
    if gradient is None:
        if tensor._array.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs: backward() on a tensor of shape "
                f"{tuple(tensor.shape)} needs a gradient; the implicit gradient 1 exists only for outputs with one element. Reduce the output first "
                "(e.g. loss.sum() or loss.mean()) or pass backward(gradient=...) shaped like it.")
        g = xp.ones(tensor._array.shape, dtype=tensor._array.dtype)
        return wrap(g) if create_graph else g
    if isinstance(gradient, Tensor):
        if tuple(gradient.shape) != tuple(tensor.shape):
            raise RuntimeError(f"backward(gradient=...) got a gradient of shape {tuple(gradient.shape)} "
                               f"for a tensor of shape {tuple(tensor.shape)}; they must match")
        if create_graph:
            return gradient
        return gradient._array.astype(tensor._array.dtype, copy=True)
    arr = xp.asarray(gradient, dtype=tensor._array.dtype)
    if arr.shape != tensor._array.shape:
        raise RuntimeError(f"backward(gradient=...) got a gradient of shape {arr.shape} for a tensor of "
                           f"shape {tuple(tensor.shape)}; they must match")
    arr = arr.copy()
    return wrap(arr) if create_graph else arr


def _check_differentiable(tensor, what):
    if not tensor.requires_grad:
        raise RuntimeError(
            f"{what} called on a tensor that does not require grad: it was not computed from a tensor "
            "with requires_grad=True, or it was computed under minigrad.no_grad(). Create the inputs "
            "with requires_grad=True (or call .requires_grad_()) before the forward pass.")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors`` (see ``Tensor.backward``)."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    if grad_tensors is None or isinstance(grad_tensors, Tensor):
        grad_tensors = [grad_tensors] * len(tensors) if grad_tensors is None else [grad_tensors]
    if retain_graph is None:
        retain_graph = create_graph
    roots, root_grads = [], []
    for t, g in zip(tensors, grad_tensors):
        _check_differentiable(t, 'backward()')
        roots.append(_as_node(t))
        root_grads.append(_root_grad(t, g, create_graph))
    if inputs is None:
        run_backward(roots, root_grads, retain_graph, create_graph)
        return
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    slots = {_as_node(t): t for t in inputs}
    captured = run_backward(roots, root_grads, retain_graph, create_graph, capture=slots,
                            accumulate=False)
    handed_out = set()
    for node, g in captured.items():
        _accumulate(slots[node], g, create_graph, handed_out)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated into ``.grad``).

    With ``create_graph=True`` the returned gradients are themselves differentiable, which gives second
    derivatives::

        x = minigrad.tensor(2.0, requires_grad=True)
        (dy,) = minigrad.autograd.grad(x ** 3, x, create_graph=True)   # 3 x^2 = 12
        (d2y,) = minigrad.autograd.grad(dy, x)                          # 6 x = 12
    """
    single_output = isinstance(outputs, Tensor)
    outputs = [outputs] if single_output else list(outputs)
    inputs_list = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs_list:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad() inputs must be Tensors, got {type(t).__name__}")
        _check_differentiable(t, 'grad() with respect to an input')
    roots, root_grads = [], []
    for t, g in zip(outputs, grad_outputs):
        _check_differentiable(t, 'grad()')
        roots.append(_as_node(t))
        root_grads.append(_root_grad(t, g, create_graph))
    slots = {_as_node(t): i for i, t in enumerate(inputs_list)}
    captured = run_backward(roots, root_grads, retain_graph, create_graph, capture=slots,
                            accumulate=False)
    result = []
    for i, t in enumerate(inputs_list):
        g = captured.get(_as_node(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"input {i} of grad() was not used to compute the outputs, so it has "
                                   "no gradient; pass allow_unused=True to get None for it instead")
            result.append(None)
        else:
            result.append(g if create_graph else wrap(g))
    return tuple(result)


__all__ = ['backward', 'grad', 'run_backward', 'Function']
