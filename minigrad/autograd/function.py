"""`Function`: one differentiable operation, its forward and backward side by side.

Write a new op by subclassing :class:`Function` with two static methods::

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):                 # x: a NumPy (or CuPy) array
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):             # grad: dLoss/dOutput, same shape as the output
            x, = ctx.saved_tensors
            return grad * 3 * x ** 2         # one gradient per input of forward

    y = Cube.apply(t)                        # t: a Tensor; y: a Tensor that remembers Cube

Conventions that keep every op short:

- ``forward`` receives arrays for tensor arguments and any other argument unchanged; it returns one
  array. Take the array module from the arrays (``xp = array_module(x)``) so the op runs on CuPy too.
- ``backward`` returns one gradient per argument of ``forward`` (``None`` where there is none, such as
  an axis argument). It never reduces broadcast dimensions or casts dtypes: the engine sums every
  gradient back to its input's shape and casts it to the input's dtype, in one place
  (:func:`unbroadcast`).
- ``ctx.needs_input_grad[i]`` tells whether input ``i`` wants a gradient, so expensive unused ones
  (the gradient of a matmul with respect to the data) can be skipped.
- Save inputs or the output with ``ctx.save_for_backward``: the engine then detects in-place changes
  made to them before backward (version counter) and, for ``create_graph=True``, hands ``backward``
  Tensors instead of arrays so that the backward pass is itself recorded. Piecewise-constant values
  (masks, signs, indices) may be stored as plain ``ctx`` attributes.
- For ``create_graph=True`` to work, write ``backward`` with operators (``+ - * / ** @``, comparisons,
  indexing, ``.reshape``, ``.sum(axis=..., keepdims=...)``, ``.swapaxes(-1, -2)``) and call other ops
  through ``OtherFunction.call(...)``, which works on arrays and Tensors alike. A backward that calls
  ``xp`` functions directly still gives correct first derivatives.
"""
import weakref

from ..backend import array_module, as_array, device_of, mixed_devices_error, scalar_types
from ..tensor import Tensor, make_tensor, refresh_view
from .grad_mode import state

wrap = make_tensor  # the older name of make_tensor (an array as a Tensor outside the graph)


class _Epoch:
    """A global count of in-place modifications. Each in-place change stamps the tensor's version cell
    (``tensor._version``, a one-element list shared by views; None until first needed) with a new count;
    a node remembers the count at its creation, so a saved tensor whose stamp is newer was changed after
    it was saved, and backward raises."""
    value = 0


epoch = _Epoch()


# A node's own fields. GRAPH_FIELDS describe the graph: they are the node's __slots__ (set by apply when
# it records the node) and so outlive freeing, which clears the node's __dict__. USER_FIELDS (hooks,
# retain_grad) are the user's and survive freeing too. BOOKKEEPING is what apply and the engine keep
# for themselves until the node has run. Every other attribute of a node was set by its forward for its
# backward (masks, indices, axes): it is what freeing drops and what the tape lists as saved.
GRAPH_FIELDS = ('parents', 'out_shape', 'out_dtype')
USER_FIELDS = ('_hooks', '_retained')
BOOKKEEPING = ('saved_tensors', '_inputs', 'epoch', '_out_index', '_out_version', '_out_epoch', '_freed',
               '_trace', '_non_differentiable')
NODE_FIELDS = frozenset(GRAPH_FIELDS + USER_FIELDS + BOOKKEEPING)


class _ForwardMode:
    """Whether a forward-AD dual level is active, and its tangent store's ``get``/``set`` (all set by
    :mod:`.forward_ad`): one attribute test per op when no level is active."""
    active = False
    get = set = None


forward_mode = _ForwardMode()


class Function:
    """Base class of every differentiable operation; an instance is a node of the graph (``grad_fn``)."""
    __slots__ = GRAPH_FIELDS + ('__dict__', '__weakref__')

    # Defaults of the other fields kept on the class, so that creating a node costs nothing for what
    # most nodes lack.
    saved_tensors = ()
    _inputs = ()
    _out_index = None
    _out_version = None
    _out_epoch = None  # when the saved output became what it is, if later than epoch (an in-place op)
    _hooks = None
    _retained = None
    _freed = False
    _trace = None
    _non_differentiable = False

    def __init__(self):
        self.parents = _UNRECORDED  # a node made outside apply (Fn.forward(Fn(), ...)) is not recorded

    @property
    def needs_input_grad(self):
        """For each input of forward: whether it wants a gradient. Derived from the edges when forward
        or backward asks, rather than stored at every forward (one object less per recorded op); a
        forward not being recorded sees False for every input (and may skip saving)."""
        parents = self.parents
        if len(parents) == 2:
            return parents[0] is not None, parents[1] is not None
        return tuple(p is not None for p in parents)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @staticmethod
    def jvp(ctx, *tangents):
        """Forward mode: the output's tangent from one tangent per argument of forward (None where an
        argument has none). ``ctx`` holds what forward stored, ``ctx.inputs`` the arrays forward got and
        ``ctx.output`` its result."""
        raise NotImplementedError("no jvp rule (forward-mode derivative) for this op")

    def save_for_backward(self, *arrays):
        """Keep arrays (inputs or the output of forward) for backward."""
        self.saved_tensors = arrays

    def mark_non_differentiable(self, *outputs):
        """Declare outputs of forward non-differentiable (their tensors never require grad), as
        ``ctx.mark_non_differentiable(out)`` in PyTorch; a forward has one output, so
        ``ctx.mark_non_differentiable()`` (no argument) means the same."""
        self._non_differentiable = True

    torch_name = None  # PyTorch's name for this node where it is not '<Class>Backward0'

    @property
    def name(self):
        """``node.name()`` is the node's name as PyTorch gives it (``MulBackward0``, ``SumBackward0``,
        ``CopySlices``...); ``node.name`` itself, not called, still reads as the op's class name
        (``'Mul'``), as it did before, for code that formats it."""
        return _NodeName(type(self).__name__, self.torch_name or f'{type(self).__name__}Backward0')

    @property
    def next_functions(self):
        """``(node, 0)`` for each input of forward, as PyTorch: the node that produced it, an
        :class:`AccumulateGrad` for a leaf that requires grad, ``None`` for an input without gradient."""
        return tuple((None, 0) if p is None else (accumulate_grad(p), 0) if isinstance(p, Tensor) else (p, 0)
                     for p in self.parents)

    def __repr__(self):
        return f'<{self.name()} object>'

    @classmethod
    def apply(cls, *args):
        """Run the op on Tensors (or constants) and, in grad mode, record it in the graph."""
        ctx = _new(cls)  # apply sets the edges itself (no __init__)
        # Split the arguments into arrays for forward and graph parents (the producing node, the leaf
        # itself, or None). Unrolled for one and two arguments, which is almost every op: this is the
        # hottest code in minigrad.
        # A view whose base was changed in place since it took its history re-takes it first
        # (refresh_view).
        if len(args) == 2:
            a, b = args
            if isinstance(a, Tensor):
                if a._view is not None:
                    refresh_view(a)
                xa, pa = a._array, ((a._ctx or a) if a._requires_grad else None)
            else:
                xa, pa = a, None
            if isinstance(b, Tensor):
                if b._view is not None:
                    refresh_view(b)
                xb, pb = b._array, ((b._ctx or b) if b._requires_grad else None)
            else:
                xb, pb = b, None
            arrays = (xa, xb)
            record = (pa is not None or pb is not None) and state.enabled
            ctx.parents = (pa, pb) if record else _NO_PARENTS[2]
        elif len(args) == 1:
            a, = args
            if isinstance(a, Tensor):
                if a._view is not None:
                    refresh_view(a)
                arrays, pa = (a._array,), ((a._ctx or a) if a._requires_grad else None)
            else:
                arrays, pa = args, None
            record = pa is not None and state.enabled
            ctx.parents = (pa,) if record else _NO_PARENTS[1]
        else:
            arrays, parents, record = [], [], False
            for a in args:
                if isinstance(a, Tensor):
                    if a._view is not None:
                        refresh_view(a)
                    arrays.append(a._array)
                    if a._requires_grad:
                        parents.append(a._ctx or a)
                        record = True
                        continue
                else:
                    arrays.append(a)
                parents.append(None)
            record = record and state.enabled
            ctx.parents = tuple(parents) if record else (None,) * len(parents)
        try:
            out = cls.forward(ctx, *arrays)
        except ValueError as exc:
            raise _shape_error(cls, arrays, exc) from None
        except TypeError as exc:
            raise _device_error(cls, arrays, exc) from None
        if isinstance(out, scalar_types):  # NumPy returns scalars for 0-d results: keep arrays
            scalar, out = out, as_array(out)
            if ctx.saved_tensors:  # a saved output must stay the output (version check, create_graph)
                ctx.saved_tensors = tuple(out if s is scalar else s for s in ctx.saved_tensors)
        if record and not ctx._non_differentiable:
            ctx.out_shape = out.shape
            ctx.out_dtype = out.dtype
            ctx.epoch = epoch.value
            result = make_tensor(out, ctx)
            saved = ctx.saved_tensors
            if saved:
                ctx._inputs = args
                for i, s in enumerate(saved):
                    if s is out:
                        ctx._out_index = i
                        ctx._out_version = result._version = [0]
                        break
            if state.anomaly:
                import traceback
                ctx._trace = ''.join(traceback.format_stack(limit=12)[:-2])
        else:
            result = make_tensor(out)
        if forward_mode.active:
            _propagate_tangent(cls, ctx, args, arrays, result)
        return result

    @classmethod
    def call(cls, *args):
        """Apply the op to Tensors (recorded) or to plain arrays (just computed). Backward formulas use
        this so that the same code serves first derivatives (arrays) and ``create_graph`` (Tensors)."""
        for a in args:
            if isinstance(a, Tensor):
                return cls.apply(*args)
        return cls.forward(cls(), *args)


_new = object.__new__
_NO_PARENTS = {1: (None,), 2: (None, None)}  # the edges of a node that is not recorded
_UNRECORDED = (None,) * 64  # ... and of one made outside apply, whatever its number of inputs


class _NodeName(str):
    """The op's class name, callable for PyTorch's name of the node (see ``Function.name``)."""
    __slots__ = ('_torch',)

    def __new__(cls, op, torch_name):
        self = super().__new__(cls, op)
        self._torch = torch_name
        return self

    def __call__(self):
        return self._torch


class AccumulateGrad:
    """The node standing for a leaf that requires grad in ``next_functions``, as PyTorch's: its
    ``variable`` is the leaf, where backward accumulates the gradient (held weakly: the node does not
    keep the leaf alive)."""
    __slots__ = ('_leaf',)
    next_functions = ()

    def __init__(self, leaf):
        self._leaf = weakref.ref(leaf)

    @property
    def variable(self):
        return self._leaf()

    def name(self):
        return 'torch::autograd::AccumulateGrad'

    def __repr__(self):
        return '<AccumulateGrad object>'


_accumulators = {}  # id(leaf) -> its AccumulateGrad, dropped when the leaf goes


def accumulate_grad(leaf):
    """The leaf's AccumulateGrad node: the same object for as long as the leaf lives."""
    node = _accumulators.get(id(leaf))
    if node is None or node.variable is not leaf:
        node = _accumulators[id(leaf)] = AccumulateGrad(leaf)
        weakref.finalize(leaf, _accumulators.pop, id(leaf), None)
    return node


def tangent_sum(*terms):
    """The sum of the tangents that exist (None stands for a zero tangent); None if none does."""
    total = None
    for t in terms:
        if t is not None:
            total = t if total is None else total + t
    return total


def tangents_or_zeros(tangents, arrays):
    """Each tangent, or a zero array shaped like its input where the input has none."""
    return [t if t is not None else array_module(a).zeros_like(a) for t, a in zip(tangents, arrays)]


#: Modules whose Functions fall back to :func:`jvp_by_transposition` when they define no jvp rule (a user's
#: Function without one raises, as in PyTorch).
BUILT_IN = ('minigrad.functions.', 'minigrad.deconv.', 'minigrad.nn.')


def jvp_by_transposition(ctx, *tangents):
    """A jvp rule for any op whose backward is differentiable (``create_graph``): ``J v`` from the
    backward's ``J^T u`` by the double-vjp trick. ``u -> J^T u`` is linear, so differentiating
    ``<J^T u, v>`` with respect to ``u`` gives ``J v``. It reruns the op's forward on fresh leaves and
    costs two backward passes of the op: an op states ``jvp = jvp_by_transposition`` where a dedicated
    rule would not be shorter than its backward (convolutions, normalisations, sorts), and the tests
    check it like any other rule."""
    from .engine import grad
    from .grad_mode import enable_grad
    cls = type(ctx)
    leaves, args = [], []
    for a, t in zip(ctx.inputs, tangents):
        if t is not None:
            x = make_tensor(a)
            x._requires_grad = True
            leaves.append((x, t))
            args.append(x)
        else:
            args.append(a)
    previous, forward_mode.active = forward_mode.active, False
    try:
        with enable_grad():
            out = cls.apply(*args)
            if not out._requires_grad:
                return None
            u = make_tensor(array_module(out._array).zeros_like(out._array))
            u._requires_grad = True
            transposed = grad([out], [x for x, _ in leaves], [u], create_graph=True, allow_unused=True)
            pairs = [(g, t) for g, (_, t) in zip(transposed, leaves) if g is not None and g._requires_grad]
            if not pairs:
                return None
            (jv,) = grad([g for g, _ in pairs], [u], [t.detach() for _, t in pairs], allow_unused=True)
    finally:
        forward_mode.active = previous
    return jv


def _propagate_tangent(cls, ctx, args, arrays, result):
    """Forward mode: give ``result`` the tangent that ``cls.jvp`` computes from the inputs' tangents.
    The chores every rule shares live here: a tangent is broadcast to the output's shape and cast to
    its dtype."""
    get_tangent = forward_mode.get
    tangents = [get_tangent(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    ctx.inputs, ctx.output = tuple(arrays), result._array
    rule = cls.jvp
    if rule is Function.jvp and cls.__module__.startswith(BUILT_IN):
        rule = jvp_by_transposition   # minigrad's own ops without a dedicated rule (docs/autodiff.md)
    try:
        tangent = rule(ctx, *tangents)
    except NotImplementedError:
        if cls.jvp is Function.jvp:
            raise NotImplementedError(f"forward-mode AD: {cls.__name__} has no jvp rule, so its output "
                                      "cannot carry a tangent; compute this derivative in reverse mode "
                                      "(backward, autograd.grad) instead") from None
        raise
    finally:
        del ctx.inputs, ctx.output
    if tangent is None:
        return
    if not isinstance(tangent, Tensor):
        tangent = make_tensor(tangent)
    out = result._array
    if tangent._array.dtype != out.dtype:
        tangent = tangent.to(out.dtype)
    if tangent._array.shape != out.shape:
        tangent = tangent.expand(out.shape)
    forward_mode.set(result, tangent)
    if ctx._out_index is not None:
        ctx._out_tangent = tangent   # a saved output handed to a create_graph backward keeps it


def _shape_error(cls, arrays, exc):
    """Turn NumPy's broadcasting error into one that names the op and the shapes."""
    message = str(exc)
    shapes = [tuple(a.shape) for a in arrays if hasattr(a, 'shape')]
    if 'broadcast' in message and len(shapes) >= 2:
        listed = ' and '.join(str(s) for s in shapes)
        return RuntimeError(f"{cls.__name__.lower()}: shapes {listed} cannot be broadcast together (each "
                            "dimension, aligned from the right, must be equal or 1); reshape or unsqueeze "
                            "an operand")
    return exc


def _device_error(cls, arrays, exc):
    """Operands on two devices make the array library raise a TypeError (CuPy refuses NumPy arrays):
    name both devices instead. Only arrays with dimensions count; NumPy scalars go anywhere."""
    first = None
    for a in arrays:
        if getattr(a, 'ndim', 0):
            dev = device_of(a)
            if first is None:
                first = dev
            elif dev != first:
                return mixed_devices_error(cls.__name__.lower(), first, dev)
    return exc


def saved_roles(node):
    """For each array ``node`` saved: the index of the input it is, -1 for the output, None otherwise."""
    inputs = node._inputs
    roles = []
    for k, s in enumerate(node.saved_tensors):
        role = -1 if k == node._out_index else None
        if role is None:
            for i, a in enumerate(inputs):
                if isinstance(a, Tensor) and s is a._array:
                    role = i
                    break
        roles.append(role)
    return roles


def unbroadcast(grad, shape):
    """Sum ``grad`` over the dimensions that broadcasting added or stretched, giving ``shape``.

    This is the one place where broadcasting is undone: every op's backward returns gradients in the
    output's shape, and the engine calls this for each input whose shape differs.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise RuntimeError(f"a backward returned a gradient of shape {tuple(grad.shape)} for an input of "
                           f"shape {tuple(shape)}; a Function's backward must return gradients shaped "
                           "like its output (or like the input)")
    axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape)
                                       if n == 1 and grad.shape[i + extra] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    if extra:
        grad = grad.reshape(shape)
    return grad

