"""Shape and indexing ops: reshape, permute, expand, cat, stack, getitem (basic and advanced), setitem,
and moves between devices.

The backward of advanced indexing scatter-adds, so repeated indices accumulate their gradients.
"""
import builtins

from .. import backend
from ..arguments import dim as _dim, dims as _dims, normalise_index, sizes as _sizes
from ..autograd.function import Function, tangents_or_zeros
from ..backend import array_module, scatter_add, to_device, device_of
from ..conversion import as_tensor, cast, check_devices
from ..tensor import Tensor


class Reshape(Function):
    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None

    @staticmethod
    def jvp(ctx, t, _):
        return Reshape.call(t, ctx.inputs[1])


class Permute(Function):
    """Reorder dimensions (``transpose``, ``permute``, ``.T``, ``.mT``): a view."""

    @staticmethod
    def forward(ctx, x, axes):
        ctx.axes = axes
        return x.transpose(axes)

    @staticmethod
    def backward(ctx, grad):
        inverse = [0] * len(ctx.axes)
        for i, a in enumerate(ctx.axes):
            inverse[a] = i
        return Permute.call(grad, tuple(inverse)), None

    @staticmethod
    def jvp(ctx, t, _):
        return Permute.call(t, ctx.axes)


class Expand(Function):
    """Broadcast to a larger shape (a read-only view); the engine sums the gradient back."""

    @staticmethod
    def forward(ctx, x, shape):
        return array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad, None

    @staticmethod
    def jvp(ctx, t, _):
        return Expand.call(t, ctx.inputs[1])


class Cat(Function):
    """Concatenate along ``axis`` (the first argument, then the arrays)."""

    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        ctx.sizes = [a.shape[axis] for a in arrays]
        return array_module(arrays[0]).concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        grads, start = [], 0
        for size, needed in zip(ctx.sizes, ctx.needs_input_grad[1:]):
            grads.append(grad[lead + (slice(start, start + size),)] if needed else None)
            start += size
        return (None, *grads)

    @staticmethod
    def jvp(ctx, _, *tangents):
        return Cat.call(ctx.axis, *tangents_or_zeros(tangents, ctx.inputs[1:]))


class Stack(Function):
    """Stack along a new ``axis`` (the first argument, then the arrays)."""

    @staticmethod
    def forward(ctx, axis, *arrays):
        ctx.axis = axis
        return array_module(arrays[0]).stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        lead = (slice(None),) * ctx.axis
        return (None, *(grad[lead + (i,)] if needed else None
                        for i, needed in enumerate(ctx.needs_input_grad[1:])))

    @staticmethod
    def jvp(ctx, _, *tangents):
        return Stack.call(ctx.axis, *tangents_or_zeros(tangents, ctx.inputs[1:]))


def is_basic_index(index):
    """True when indexing with ``index`` only takes a view (ints, slices, None, Ellipsis)."""
    parts = index if type(index) is tuple else (index,)
    for p in parts:
        if p is None or p is Ellipsis or type(p) is slice:
            continue
        if type(p) is int or (hasattr(p, '__index__') and not hasattr(p, 'shape')):
            continue
        return False
    return True


class GetItem(Function):
    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape, ctx.index, ctx.dtype = x.shape, index, x.dtype
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.call(grad, ctx.in_shape, ctx.index), None

    @staticmethod
    def jvp(ctx, t, _):
        return GetItem.call(t, ctx.index)


class IndexAdd(Function):
    """A zero array of ``shape`` with ``values`` added at ``index`` (repeats accumulate): the backward
    of indexing, and differentiable in turn (its backward is indexing)."""

    @staticmethod
    def forward(ctx, values, shape, index):
        ctx.index = index
        out = array_module(values).zeros(shape, dtype=values.dtype)
        if is_basic_index(index):
            out[index] = values
        else:
            scatter_add(out, index, values)
        return out

    @staticmethod
    def backward(ctx, grad):
        return GetItem.call(grad, ctx.index), None, None

    @staticmethod
    def jvp(ctx, t, *_):
        return IndexAdd.call(t, ctx.inputs[1], ctx.index)


class SetItem(Function):
    """``x[index] = value`` as an out-of-place op (recorded when either side needs a gradient): ``x``
    gets the gradient outside the written region, ``value`` the gradient inside it."""

    @staticmethod
    def forward(ctx, x, value, index):
        xp = array_module(x)
        out = x.copy()
        out[index] = value
        keep = xp.ones(x.shape, dtype=bool)
        keep[index] = False
        ctx.index, ctx.keep = index, keep
        return out

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        grad_x = grad * ctx.keep if needs[0] else None
        grad_value = GetItem.call(grad, ctx.index) if needs[1] else None
        return grad_x, grad_value, None

    @staticmethod
    def jvp(ctx, tx, tv, _):
        x, value = ctx.inputs[:2]
        tx, tv = tangents_or_zeros((tx, tv), (x, value))
        return SetItem.call(tx, tv, ctx.index)


class ToDevice(Function):
    """Copy to another device; the gradient travels back to the input's device."""

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = device_of(x)
        return to_device(x, device)

    @staticmethod
    def backward(ctx, grad):
        return ToDevice.call(grad, ctx.source), None

    @staticmethod
    def jvp(ctx, t, _):
        return ToDevice.call(t, ctx.inputs[1])


# ------------------------------------------------------------------------------- public functions
def _view(result, source):
    """A result sharing memory with ``source`` shares its version cell, so that an in-place change made
    through either one is seen by the nodes that saved the other (PyTorch's rule for views)."""
    if result._array.base is not None and result is not source:
        if source._version is None:
            source._version = [0]
        result._version = source._version
    return result


def reshape(input, *shape):
    input = as_tensor(input)
    shape = _sizes(shape, 'reshape')
    if shape == input._array.shape:
        return input if not input.requires_grad else Reshape.apply(input, shape)
    try:
        return _view(Reshape.apply(input, shape), input)
    except ValueError:
        raise RuntimeError(f"reshape: shape {shape} is invalid for a tensor of shape {tuple(input.shape)} "
                           f"({input._array.size} elements)") from None


def view(input, *shape):
    """As ``reshape`` (NumPy decides whether a copy is needed; minigrad has no strides of its own)."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, builtins.int)) and \
            not hasattr(shape[0], '__index__'):
        return cast(input, shape[0])  # view(dtype)
    if len(shape) == 1 and isinstance(shape[0], Tensor):
        return reshape(input, shape[0].shape)
    return reshape(input, *shape)


def flatten(input, start_dim=0, end_dim=-1):
    input = as_tensor(input)
    shape = input._array.shape
    if not shape:
        return reshape(input, (1,))
    s = _dim(start_dim, len(shape), 'flatten')
    e = _dim(end_dim, len(shape), 'flatten')
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim})")
    n = 1
    for k in shape[s:e + 1]:
        n *= k
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def permute(input, *dims):
    input = as_tensor(input)
    dims = _sizes(dims, 'permute')
    axes = tuple(_dim(d, input.ndim, 'permute') for d in dims)
    if sorted(axes) != list(range(input.ndim)):
        raise RuntimeError(f"permute: dims {dims} are not a permutation of the {input.ndim} dimensions "
                           f"of a tensor of shape {tuple(input.shape)}")
    return _view(Permute.apply(input, axes), input)


def transpose(input, dim0, dim1):
    input = as_tensor(input)
    n = input.ndim
    a, b = _dim(dim0, n, 'transpose'), _dim(dim1, n, 'transpose')
    if n < 2:
        return input
    axes = list(range(n))
    axes[a], axes[b] = axes[b], axes[a]
    return _view(Permute.apply(input, tuple(axes)), input)


swapaxes = swapdims = transpose


def t(input):
    input = as_tensor(input)
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got {input.ndim}; use "
                           "transpose(dim0, dim1) or .mT")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def unsqueeze(input, dim):
    input = as_tensor(input)
    d = _dim(dim, input.ndim, 'unsqueeze', extra=1)
    shape = input._array.shape
    return _view(Reshape.apply(input, shape[:d] + (1,) + shape[d:]), input)


def squeeze(input, dim=None):
    input = as_tensor(input)
    shape = input._array.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
    else:
        dims = _dims(dim, len(shape), 'squeeze')
        dims = (dims,) if isinstance(dims, builtins.int) else dims or ()
        new = tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1))
    return input if new == shape else _view(Reshape.apply(input, new), input)


def expand(input, *sizes):
    input = as_tensor(input)
    sizes = _sizes(sizes, 'expand')
    shape = input._array.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand: the target {sizes} has fewer dimensions than the tensor {shape}")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        if s == -1:
            if old is None:
                raise RuntimeError(f"expand: -1 is not allowed for the new leading dimension {i}")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"expand: the size of dimension {i} is {old} and cannot become {s} "
                               f"(only dimensions of size 1 can be expanded); shapes {shape} -> {sizes}")
        target.append(s)
    target = tuple(target)
    return input if target == shape else _view(Expand.apply(input, target), input)


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, shape):
    return expand(input, shape)


def _same_kind(tensors, op):
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError(f"{op}() needs a non-empty sequence of tensors")
    dtype = tensors[0]._array.dtype
    for t in tensors[1:]:
        if type(t._array) is not type(tensors[0]._array):
            check_devices(op, tensors[0], t)
        if t._array.dtype != dtype:
            dtype = backend.result_dtype(tensors[0]._array if dtype == tensors[0]._array.dtype
                                         else array_module(t._array).zeros(1, dtype), t._array)
    return [cast(t, dtype) for t in tensors]


def _joined(op, tensors, dim, axis, extra):
    tensors = _same_kind(tensors, op)
    if axis is not None:
        dim = axis
    return tensors, _dim(dim, tensors[0].ndim, op, extra=extra), tensors[0]._array.shape


def cat(tensors, dim=0, *, axis=None):
    tensors, d, ref = _joined('cat', tensors, dim, axis, 0)
    for i, t in enumerate(tensors):
        s = t._array.shape
        if len(s) != len(ref) or s[:d] + s[d + 1:] != ref[:d] + ref[d + 1:]:
            raise RuntimeError(f"cat: tensor {i} has shape {s}, which does not match {ref} outside "
                               f"dimension {d}")
    return Cat.apply(d, *tensors)


concat = concatenate = cat


def stack(tensors, dim=0, *, axis=None):
    tensors, d, ref = _joined('stack', tensors, dim, axis, 1)
    for i, t in enumerate(tensors):
        if t._array.shape != ref:
            raise RuntimeError(f"stack: every tensor must have the same shape, but tensor 0 has {ref} "
                               f"and tensor {i} has {t._array.shape}")
    return Stack.apply(d, *tensors)


def getitem(input, index):
    index = normalise_index(index, input.device)
    try:
        out = GetItem.apply(input, index)
        return _view(out, input) if is_basic_index(index) else out
    except IndexError as exc:
        raise IndexError(f"{exc} (indexing a tensor of shape {tuple(input.shape)} with {index!r})") from None


def setitem(input, index, value):
    """``input[index] = value``, in place (recorded when a graph is involved)."""
    index = normalise_index(index, input.device)
    if input._recording(value):
        if isinstance(value, Tensor) and value.device != input.device:
            check_devices('setitem', input, value)
        input._inplace(SetItem, value, index)
        return
    if isinstance(value, Tensor):
        if type(value._array) is not type(input._array):
            check_devices('setitem', input, value)
        value = value._array
    try:
        input._array[index] = value
    except (ValueError, TypeError) as exc:
        raise RuntimeError(f"setitem: cannot write a value of shape {tuple(getattr(value, 'shape', ()))} "
                           f"into tensor[{index!r}] of a tensor of shape {tuple(input._array.shape)} "
                           f"({exc})") from None
    input._bump_version()


__all__ = ['reshape', 'view', 'flatten', 'permute', 'transpose', 'swapaxes', 'swapdims', 't', 'unsqueeze',
           'squeeze', 'expand', 'broadcast_to', 'cat', 'concat', 'concatenate', 'stack']

METHODS = {'reshape': reshape, 'view': view, 'flatten': flatten, 'permute': permute,
           'transpose': transpose, 'swapaxes': transpose, 'swapdims': transpose, 't': t,
           'unsqueeze': unsqueeze, 'squeeze': squeeze, 'expand': expand, 'expand_as': expand_as,
           '__getitem__': getitem, '__setitem__': setitem}
