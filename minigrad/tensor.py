"""The Tensor: an array (NumPy or CuPy), its gradient, and its place in the graph.

What lives here is what belongs to the tensor itself: construction (:func:`make_tensor`, the one place
a Tensor is made from an array and a node), conversions, the autograd entry points (``backward``,
hooks, ``retain_grad``) and the plumbing of in-place changes. The op methods (``x.sum(1)``, ``x * y``,
``x.add_(y)``) are not written here: they are the public functions of the families in
:mod:`minigrad.functions`, bound onto the class from each family's ``METHODS`` when minigrad is imported.

This module sits below the autograd engine and the families, which import :class:`Tensor` from here;
the few modules its methods call are imported at the end of the file, once the class exists.
"""
import builtins
import weakref

from . import backend
from .dtypes import _PUBLIC as _PUBLIC_DTYPES, public as _public_dtype

_pyfloat, _pyint, _pybool = builtins.float, builtins.int, builtins.bool


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``minigrad.Size([2, 3])``."""

    def __repr__(self):
        return f'minigrad.Size({list(self)})'

    def numel(self):
        n = 1
        for k in self:
            n *= k
        return n


_VIEW_OF_LEAF_INPLACE = ("a view of a leaf tensor that requires grad is being used in an in-place operation: "
                         "the write would silently change the leaf. Change the leaf under "
                         "`with minigrad.no_grad():`, or clone it first (x = leaf.clone(); x[0:1].mul_(2)).")
_LEAF_INPLACE = ("an in-place operation on a leaf tensor that requires grad would silently change what "
                 "the graph computes. Wrap parameter updates in `with minigrad.no_grad():` (as optimisers "
                 "do), or change `.data` instead.")


class Tensor:
    """A multi-dimensional array that can record the operations made with it and back-propagate.

    >>> x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x ** 2).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])

    ``data`` is a scalar, a nested list, a NumPy or CuPy array, or a Tensor (copied). Python floats
    become the default float dtype (float32); integers and bools keep integer/bool dtypes, which cannot
    require grad.
    """
    __slots__ = ('_array', '_ctx', '_requires_grad', 'grad', '_version', '_view', '_hooks',
                 '_post_hooks', '__weakref__')
    __array_ufunc__ = None      # NumPy defers `ndarray op tensor` to our reflected operators
    __hash__ = object.__hash__  # tensors are hashed by identity (== is elementwise)

    def __init__(self, *args, requires_grad=False, dtype=None, device=None):
        if dtype is None and (not args or isinstance(args[0], Size) or len(args) > 1):
            # PyTorch's legacy constructor: Tensor(), Tensor(2, 3), Tensor(Size([2, 3])) (zero-filled here)
            shape = tuple(args[0]) if len(args) == 1 else (args or (0,))
            if not all(isinstance(n, _pyint) and not isinstance(n, _pybool) for n in shape):
                raise TypeError(f"Tensor(*sizes) takes ints, got {args!r}; use minigrad.tensor(data) for data")
            dtype = backend.get_default_dtype()
            data = backend.module_for(backend.as_device(device or 'cpu')).zeros(shape, dtype=dtype)
        elif len(args) != 1:
            raise TypeError(f"Tensor(data, dtype=...) takes one data argument, got {len(args)}")
        else:
            data = args[0]
        if isinstance(data, Tensor):
            data = data._array
        if dtype is None:
            # Tensor(data): arrays keep their dtype; Python data get the default float dtype (PyTorch's
            # Tensor([1, 2]) is float); minigrad.tensor(data) infers ints and bools
            dtype = data.dtype if hasattr(data, 'dtype') else backend.get_default_dtype()
        dtype = backend.as_dtype(dtype)
        init_leaf(self, backend.asarray(data, dtype, device, copy=True))
        if requires_grad:
            self.requires_grad = True

    # ------------------------------------------------------------------------------------ attributes
    @property
    def array(self):
        """The backend array itself (NumPy or CuPy), shared, not copied."""
        return self._array

    @property
    def data(self):
        """A tensor sharing this tensor's memory, detached from the graph (as PyTorch's ``.data``):
        ``w.data -= lr * w.grad`` changes ``w`` without being recorded or version-checked."""
        return make_tensor(self._array)

    @data.setter
    def data(self, value):
        array = value._array if isinstance(value, Tensor) else backend.asarray(value, dev=self.device)
        self._array = array

    @property
    def requires_grad(self):
        if self._view is not None:
            refresh_view(self)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = _pybool(flag)
        if flag and not backend.is_floating(self._array.dtype):
            raise RuntimeError(f"only floating-point tensors can require gradients, this one is "
                            f"{self._array.dtype}; convert it first, e.g. x.float().requires_grad_()")
        if not flag and self._ctx is not None:
            raise RuntimeError("requires_grad can only be turned off on leaf tensors; use .detach() to "
                               "get a tensor outside the graph")
        self._requires_grad = flag

    @property
    def is_leaf(self):
        """True for tensors not produced by a recorded op (user-created tensors, parameters)."""
        return self.grad_fn is None

    @property
    def grad_fn(self):
        """The node that produced this tensor (None for leaves). A view whose base was changed in place
        since takes its history from the base again first, as in PyTorch."""
        if self._view is not None:
            refresh_view(self)
        return self._ctx

    @property
    def _base(self):
        """The tensor this one is a view of (None when it is not a view), as PyTorch's ``_base``."""
        return None if self._view is None else self._view.base

    def _is_view(self):
        return self._view is not None

    @property
    def shape(self):
        return Size(self._array.shape)

    @property
    def dtype(self):
        """The element type, e.g. ``minigrad.float32`` (equal to NumPy's ``float32`` dtype too)."""
        d = self._array.dtype
        return _PUBLIC_DTYPES.get(d) or _public_dtype(d)

    @property
    def device(self):
        return backend.device_of(self._array)

    @property
    def is_cuda(self):
        return self.device.type == 'cuda'

    @property
    def ndim(self):
        return self._array.ndim

    @property
    def T(self):
        """The dimensions reversed (a transpose for a matrix)."""
        return self.permute(tuple(range(self._array.ndim))[::-1]) if self._array.ndim > 1 else self

    @property
    def mT(self):
        """The last two dimensions swapped (a batch of transposed matrices)."""
        return self.transpose(-2, -1)

    def _xp(self):
        return backend.array_module(self._array)

    def size(self, dim=None):
        if dim is None:
            return Size(self._array.shape)
        return self._array.shape[arguments.dim(dim, self._array.ndim, 'size')]

    def dim(self):
        return self._array.ndim

    def numel(self):
        return _pyint(self._array.size)

    nelement = numel

    def element_size(self):
        return self._array.itemsize

    def is_floating_point(self):
        return backend.is_floating(self._array.dtype)

    def is_contiguous(self):
        return True

    def contiguous(self):
        return self

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._array.shape[0]))

    # --------------------------------------------------------------------------------- conversions
    def numpy(self):
        """The values as a NumPy array, sharing memory for CPU tensors (as ``torch.Tensor.numpy``)."""
        if self._requires_grad:
            raise RuntimeError("numpy() on a tensor that requires grad: the array would leave the graph "
                               "unnoticed; call tensor.detach().numpy() instead")
        if self.device.type != 'cpu':
            raise TypeError(f"numpy() on a tensor on {self.device}: copy it to the host first with "
                            ".cpu().numpy()")
        return self._array

    def __array__(self, dtype=None, copy=None):
        """``numpy.asarray(t)``: as :meth:`numpy` (a tensor that requires grad is refused, since the
        array would leave the graph unnoticed), copying from the device when needed."""
        if self.requires_grad:
            raise RuntimeError("numpy.asarray() on a tensor that requires grad: the array would leave the "
                               "graph unnoticed; use numpy.asarray(tensor.detach()) instead")
        array = backend.to_host(self._array)
        return array.astype(dtype) if dtype is not None else array

    def item(self):
        if self._array.size != 1:
            raise RuntimeError(f"item() needs a tensor with one element, this one has shape "
                               f"{tuple(self._array.shape)}")
        return self._array.item()

    def tolist(self):
        return backend.to_host(self._array).tolist()

    def __bool__(self):
        if self._array.size != 1:
            raise RuntimeError(f"the truth value of a tensor with {self._array.size} elements is "
                               "ambiguous; use .any() or .all()")
        return _pybool(self._array.item())

    def __float__(self):
        if self._array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars "
                             f"(this one has shape {tuple(self.shape)}; index it or reduce it first)")
        return _pyfloat(self.item())

    def __int__(self):
        if self._array.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars "
                             f"(this one has shape {tuple(self.shape)}; index it or reduce it first)")
        return _pyint(self.item())

    def __index__(self):
        if self._array.dtype.kind not in 'iub' or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be used as an index")
        return _pyint(self._array.item())

    def __format__(self, spec):
        if self._array.ndim == 0:
            return format(self._array.item(), spec)
        return format(str(self), spec)

    def to(self, *args, **kwargs):
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(other_tensor)``; differentiable."""
        device, dtype = _parse_to(args, kwargs)
        out = self
        if dtype is not None:
            out = conversion.cast(out, dtype)
        if device is not None:
            out = conversion.to_device(out, device)
        return out

    def cpu(self):
        return conversion.to_device(self, 'cpu')

    def cuda(self, device=None):
        return conversion.to_device(self, 'cuda' if device is None else
                             device if not isinstance(device, _pyint) else f'cuda:{device}')

    def type(self, dtype=None):
        """With no argument, the legacy type name ('minigrad.FloatTensor', as PyTorch's
        'torch.FloatTensor'); with a dtype or such a name, the tensor converted to it."""
        if dtype is None:
            return 'minigrad.' + _LEGACY_NAMES.get(self._array.dtype.name, self._array.dtype.name)
        if isinstance(dtype, str):
            name = dtype.rsplit('.', 1)[-1]
            legacy = {v: k for k, v in _LEGACY_NAMES.items()}
            if name not in legacy:
                raise ValueError(f"type({dtype!r}): unknown tensor type; use e.g. 'torch.FloatTensor' or a dtype")
            dtype = legacy[name]
        return conversion.cast(self, dtype)

    def float(self):
        return conversion.cast(self, backend.float32)

    def double(self):
        return conversion.cast(self, backend.float64)

    def half(self):
        return conversion.cast(self, backend.float16)

    def long(self):
        return conversion.cast(self, backend.int64)

    def int(self):
        return conversion.cast(self, backend.int32)

    def bool(self):
        return conversion.cast(self, backend.bool_)

    def detach(self):
        """A tensor with the same values (shared memory and version counter), outside the graph."""
        t = make_tensor(self._array)
        if self._version is None:
            self._version = [0]
        t._version = self._version
        return t

    def detach_(self):
        if self._view is not None:
            raise RuntimeError("detach_() on a view: a view cannot leave the graph in place (its base stays "
                               "in it); use .detach(), which returns a new tensor")
        self._ctx = None
        self._requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    # -------------------------------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate ``d self / d leaf`` into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is needed when this tensor has more than one element (the vector of the
        vector-Jacobian product). The graph is freed afterwards unless ``retain_graph=True``;
        ``create_graph=True`` records the backward pass so that it can be differentiated again.
        """
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        if self.grad_fn is not None:
            self._ctx._retained = weakref.ref(self)

    @property
    def retains_grad(self):
        return self._ctx is not None and self._ctx._retained is not None and self._ctx._retained() is self

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor replaces it.
        Returns a handle whose ``remove()`` unregisters the hook."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        owner = self._ctx if self._ctx is not None else self
        hooks = getattr(owner, '_hooks', None)
        if hooks is None:
            hooks = []
            owner._hooks = hooks
        hooks.append(hook)
        return _Handle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` on this leaf once its ``.grad`` has been accumulated in a backward pass
        (as soon as every gradient reaching it has arrived, before the backward ends); PyTorch 2.1's
        hook, which DistributedDataParallel uses to start all-reduces during the backward."""
        if self._ctx is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        hooks = getattr(self, '_post_hooks', None)
        if hooks is None:
            hooks = []
            self._post_hooks = hooks
        hooks.append(hook)
        return _Handle(hooks, hook)

    # ----------------------------------------------------------------------------------- in place
    def _recording(self, other=None):
        """Whether an in-place op with ``other`` goes through a Function: to record it in the graph, or,
        inside a forward-AD dual level, to carry tangents."""
        return (state.enabled and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad))) \
            or (_function.forward_mode.active and _dual(self, other))

    def _inplace(self, cls, *args):
        """Apply ``cls`` to (self, *args) and write the result into this tensor's own memory.

        With grad mode on and a graph involved, the op is recorded: this tensor's history becomes the
        op applied to its previous history (PyTorch's rebase), and its version stamp advances so that a
        node that saved the old values raises at backward time. When this tensor is a view, the history
        rewritten is its base's: the base becomes "the base before, with the view's region replaced by
        the op's result" (:class:`~minigrad.functions.shape.CopySlices`), and the view, like every other
        view of that base, then takes its history from the base again (docs/semantics.md). Inside a
        forward-AD dual level the tensor's tangent becomes the op's output tangent.
        """
        view = self._view
        other = args[0] if args else None
        dual = _function.forward_mode.active and _dual(self, other)
        if not (state.enabled and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad))):
            if dual:
                previous = make_tensor(self._array)
                _move_tangent(self, previous)
                out = cls.apply(previous, *args)
                self._write(out._array)
                _move_tangent(out, self)
            else:
                raw = [a._array if isinstance(a, Tensor) else a for a in args]
                self._write(cls.call(self._array, *raw))
            self._bump_version()
            return self
        if self._ctx is None and self._requires_grad:
            raise RuntimeError(_LEAF_INPLACE)
        if view is not None and view.base._ctx is None and view.base._requires_grad:
            raise RuntimeError(_VIEW_OF_LEAF_INPLACE)
        if dual and view is not None:
            raise RuntimeError("forward-mode AD through an in-place op on a view is not supported (the "
                               "base's tangent would not see the write): clone the view first")
        previous = make_tensor(self._array, self._ctx)  # a stand-in for the history so far
        if dual:
            _move_tangent(self, previous)
        out = cls.apply(previous, *args)
        node = out._ctx
        if any(s is previous._array for s in node.saved_tensors):
            # The node needs the values from before the write: give it (and the stand-in for the
            # old history) a copy of them.
            before = previous._array.copy()
            node.saved_tensors = tuple(before if s is previous._array else s for s in node.saved_tensors)
            previous._array = before
        self._write(out._array)
        if dual:
            _move_tangent(out, self)
        self._bump_version()
        if node._out_index is not None:
            # A saved output is this tensor from now on: changes after this write are caught (those to
            # an input the node saved count from before it, so x.mul_(x_view) raises at backward, as in
            # PyTorch).
            saved = list(node.saved_tensors)
            saved[node._out_index] = self._array
            node.saved_tensors, node._out_version, node._out_epoch = tuple(saved), self._version, epoch.value
        if view is None:
            node.out_shape, node.out_dtype = self._array.shape, self._array.dtype
            self._ctx, self._requires_grad = node, True
            return self
        base = view.base
        rebased = CopySlices.apply(make_tensor(base._array, base._ctx), out, view.steps)._ctx
        base._ctx, base._requires_grad = rebased, True
        view.version = None  # stale: re-take this view's history from the rebased base
        refresh_view(self)
        return self

    def _write(self, result):
        xp = self._xp()
        try:
            xp.copyto(self._array, result, casting='same_kind')
        except TypeError:
            raise RuntimeError(f"in-place op: the result has dtype {result.dtype}, which cannot be stored "
                               f"in this {self._array.dtype} tensor; use the out-of-place form "
                               "(x = x + y) or convert first") from None
        except ValueError as exc:
            if 'read-only' in str(exc):
                raise RuntimeError("in-place op on a read-only tensor (a broadcast view from expand): "
                                   "call .clone() first") from None
            raise RuntimeError(f"in-place op: a result of shape {tuple(result.shape)} cannot be written "
                               f"into this tensor of shape {tuple(self._array.shape)}") from None

    def _bump_version(self):
        epoch.value += 1
        if self._version is None:
            self._version = [epoch.value]
        else:
            self._version[0] = epoch.value

    def _inplace_arith(self, cls, op, other):
        """``self op= other`` for the Function ``cls``: recorded through :meth:`_inplace` when a graph
        is involved, else one in-place NumPy operator."""
        if self._recording(other):
            return self._inplace(cls, other)
        try:
            op(self._array, other._array if isinstance(other, Tensor) else other)
        except TypeError:  # numpy refuses e.g. float into int
            raise RuntimeError(f"in-place {cls.__name__.lower()}: the result cannot be stored in this "
                               f"{self._array.dtype} tensor; use the out-of-place form or convert "
                               "first") from None
        except ValueError:
            raise RuntimeError(f"in-place {cls.__name__.lower()}: an operand of shape "
                               f"{tuple(getattr(other, 'shape', ()))} cannot be broadcast into this tensor "
                               f"of shape {tuple(self._array.shape)}") from None
        self._bump_version()
        return self

    def fill_(self, value):
        self[...] = value
        return self

    def zero_(self):
        self[...] = 0
        return self

    def copy_(self, src):
        if isinstance(src, Tensor) and src.device != self.device:
            src = conversion.to_device(src, self.device)
        self[...] = src
        return self

    def normal_(self, mean=0.0, std=1.0):
        self[...] = backend.random_normal(self._array.shape, mean, std, self._array.dtype, self.device)
        return self

    def uniform_(self, a=0.0, b=1.0):
        self[...] = backend.random_uniform(self._array.shape, a, b, self._array.dtype, self.device)
        return self

    # -------------------------------------------------------------------------------------- printing
    def __repr__(self):
        from .printing import add_suffixes, tensor_str
        xp_host = backend.to_host(self._array)
        if backend.is_floating(xp_host.dtype) and xp_host.dtype.itemsize < 4:
            xp_host = xp_host.astype(backend.float32)  # float16/bfloat16 print through float32, as in PyTorch
        body = tensor_str(xp_host, len('tensor('))
        extras = []
        if self.device.type != 'cpu':
            extras.append(f"device='{self.device}'")
        if self._array.size == 0:
            if self._array.ndim != 1:
                extras.append(f'size={tuple(self._array.shape)}')
            if self._array.dtype != backend.get_default_dtype():
                extras.append(f'dtype=minigrad.{self._array.dtype.name}')
        elif self._array.dtype not in (backend.get_default_dtype(), backend.int64, backend.bool_):
            extras.append(f'dtype=minigrad.{self._array.dtype.name}')
        if self._ctx is not None:
            extras.append(f'grad_fn=<{self._ctx.name()}>')
        elif self._requires_grad:
            extras.append('requires_grad=True')
        return add_suffixes('tensor(' + body, extras, len('tensor('))

    __str__ = __repr__

    # -------------------------------------------------------------------- pickling and copying
    def __reduce__(self):
        return (_rebuild, (backend.to_host(self._array), self._requires_grad, str(self.device)))

    def __deepcopy__(self, memo):
        if self._ctx is not None:
            raise RuntimeError("only leaf tensors (created by the user, not by an op) can be deep-copied; "
                               "use .detach().clone()")
        out = make_tensor(self._array.copy())
        out._requires_grad = self._requires_grad
        out.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        memo[id(self)] = out
        return out

    def __pos__(self):
        return self


def _dual(tensor, other):
    """Inside a forward-AD level: whether ``tensor`` or ``other`` carries a tangent."""
    get = _function.forward_mode.get
    return get(tensor) is not None or (isinstance(other, Tensor) and get(other) is not None)


def _move_tangent(source, target):
    """Give ``target`` the tangent of ``source`` (or none, if ``source`` has none)."""
    from .autograd.forward_ad import get_tangent, set_tangent, state as forward_state
    tangent = get_tangent(source)
    if tangent is not None:
        set_tangent(target, tangent)
    else:
        forward_state.tangents.pop(id(target), None)


class _Handle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


_LEGACY_NAMES = {'float32': 'FloatTensor', 'float64': 'DoubleTensor', 'float16': 'HalfTensor',
                 'bfloat16': 'BFloat16Tensor', 'int64': 'LongTensor', 'int32': 'IntTensor',
                 'int16': 'ShortTensor', 'int8': 'CharTensor', 'uint8': 'ByteTensor', 'bool': 'BoolTensor'}


def _rebuild(array, requires_grad, device):
    return Tensor(array, requires_grad=requires_grad, device=device)


def _parse_to(args, kwargs):
    device = kwargs.pop('device', None)
    dtype = kwargs.pop('dtype', None)
    kwargs.pop('non_blocking', None)
    kwargs.pop('copy', None)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            device, dtype = a.device, a.dtype
        elif isinstance(a, (str, backend.device)):
            device = a
        elif a is not None:
            dtype = a
    return device, dtype


def make_tensor(array, node=None):
    """A Tensor around ``array`` (no copy, no checks): produced by ``node`` (and requiring grad) when a
    node is given, else outside the graph. The one place that sets a new tensor's fields
    (:func:`init_leaf` does the same for an object already made, as ``Tensor(...)`` and
    ``nn.Parameter(...)`` are); ``Function.apply``, the engine, ``detach``, ``.data``, the factories and
    the in-place plumbing all make their tensors here."""
    t = _new(Tensor)
    t._array = array
    t._ctx = node
    t._requires_grad = node is not None
    t.grad = None
    t._version = None
    t._view = None
    return t


def init_leaf(t, array):
    """Give the new tensor ``t`` its fields: ``array``, no graph, no gradient, not a view."""
    t._array = array
    t._ctx = None
    t._requires_grad = False
    t.grad = None
    t._version = None
    t._view = None


# ----------------------------------------------------------------------------------------- views
class ViewInfo:
    """What makes a tensor a view (PyTorch's model): its ``base`` (never itself a view), the ``steps``
    that take the view from the base (``(Function, args)`` pairs, each applied with
    ``Function.call``, so on arrays and on Tensors alike), and the ``version`` of the base's version
    cell (shared by the base and all its views) at which the view last took its history; None when
    stale."""
    __slots__ = ('base', 'steps', 'version')

    def __init__(self, base, steps, version):
        self.base, self.steps, self.version = base, steps, version


def make_view(result, source, step):
    """Mark ``result``, computed from ``source`` by ``step`` and sharing its memory, as a view: same
    version cell, same base, the steps from the base."""
    if source._version is None:
        source._version = [0]
    result._version = source._version
    info = source._view
    if info is None:
        result._view = ViewInfo(source, (step,), source._version[0])
    else:
        result._view = ViewInfo(info.base, info.steps + (step,), source._version[0])
    return result


def take_view(x, steps):
    """The view ``steps`` take from ``x`` (an array, or a Tensor: then recorded)."""
    for cls, args in steps:
        x = cls.call(x, *args)
    return x


def refresh_view(t):
    """When the base of the view ``t`` (or another view of it) was changed in place after ``t`` took
    its history, take it again from the base's present history (PyTorch regenerates a view's grad_fn
    the same way, lazily, by comparing versions)."""
    info = t._view
    current = t._version[0]
    if info.version == current:
        return
    base = info.base
    if base._requires_grad:
        previous, state.enabled = state.enabled, True  # the history is taken whatever the grad mode
        try:
            t._ctx = take_view(base, info.steps)._ctx
        finally:
            state.enabled = previous
        t._requires_grad = True
    info.version = current


_new = object.__new__

# Imported last: these modules build on the class above (they import Tensor from here).
from . import arguments, conversion  # noqa: E402
from .functions.shape import CopySlices  # noqa: E402
from .autograd import engine  # noqa: E402
from .autograd import function as _function  # noqa: E402
from .autograd.function import epoch  # noqa: E402
from .autograd.grad_mode import state  # noqa: E402
