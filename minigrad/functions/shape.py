"""Shape and indexing ops: reshape, permute, expand, cat, stack, getitem (basic and advanced), setitem,
and moves between devices.

The backward of advanced indexing scatter-adds, so repeated indices accumulate their gradients.
"""
import builtins
import math

from .. import backend
from ..arguments import dim as _dim, dims as _dims, normalise_index, sizes as _sizes
from ..autograd.function import Function, tangents_or_zeros
from ..backend import array_module, diagonal_view, scatter_add, to_device, device_of
from ..conversion import as_tensor, cast, check_devices, constant
from ..tensor import Tensor, make_view, take_view


class Reshape(Function):
    torch_name = 'ViewBackward0'

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
    torch_name = 'SliceBackward0'

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape, ctx.index, ctx.dtype = x.shape, index, x.dtype
        out = x[index]
        if type(out) is not type(x):  # NumPy gives a scalar (a copy) for one element: take a 0-d view
            out = x[(index if type(index) is tuple else (index,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.call(grad, ctx.in_shape, ctx.index), None

    @staticmethod
    def jvp(ctx, t, _):
        return GetItem.call(t, ctx.index)


class IndexAdd(Function):
    """A zero array of ``shape`` with ``values`` added at ``index`` (repeats accumulate): the backward
    of indexing, and differentiable in turn (its backward is indexing)."""
    torch_name = 'IndexPutBackward0'

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
    torch_name = 'CopySlices'

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
    torch_name = 'ToCopyBackward0'

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



class CopySlices(Function):
    """The history of a base after an in-place op on one of its views (PyTorch's CopySlices): the
    base before, with the view's region (``steps`` take the view from the base) replaced by the op's
    result ``values``. The base gets the gradient outside the region, the result the gradient inside
    it. See ``Tensor._inplace`` and docs/semantics.md."""
    torch_name = 'CopySlices'

    @staticmethod
    def forward(ctx, base, values, steps):
        take_view(base, steps)[...] = values  # the base's own memory: the in-place write itself
        keep = array_module(base).ones(base.shape, dtype=bool)
        take_view(keep, steps)[...] = False
        ctx.keep, ctx.steps = keep, steps
        return base

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        return (grad * ctx.keep if needs[0] else None), (take_view(grad, ctx.steps) if needs[1] else None), None


class Diagonal(Function):
    """The diagonal over ``dim1``/``dim2`` (shifted by ``offset``), a view of the input."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.in_shape, ctx.args = x.shape, (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.call(grad, ctx.in_shape, *ctx.args), None, None, None


class DiagonalScatter(Function):
    """A zero array of ``shape`` with ``values`` on the diagonal: the backward of :class:`Diagonal`,
    differentiable in turn (its backward is the diagonal)."""

    @staticmethod
    def forward(ctx, values, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        out = array_module(values).zeros(shape, dtype=values.dtype)
        diagonal_view(out, offset, dim1, dim2)[...] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        return Diagonal.call(grad, *ctx.args), None, None, None, None

# ------------------------------------------------------------------------------- public functions
def _view(cls, input, *args):
    """``cls`` applied to ``input`` as a view: a new tensor sharing the input's memory and version
    cell, with its base and the step that takes it from there (``tensor.make_view``). A result that
    NumPy had to copy (a reshape of a transposed array) is no view, as in PyTorch."""
    out = cls.apply(input, *args)
    owner = out._array.base  # a view's owner is the input's array or that array's own owner
    if owner is None or (owner is not input._array and owner is not input._array.base):
        return out
    return make_view(out, input, (cls, args))


def reshape(input, *shape):
    input = as_tensor(input)
    shape = _sizes(shape, 'reshape')
    try:
        return _view(Reshape, input, shape)
    except ValueError:
        raise RuntimeError(f"reshape: shape {shape} is invalid for a tensor of shape {tuple(input.shape)} "
                           f"({input._array.size} elements)") from None


def view(input, *shape):
    """As ``reshape`` (NumPy decides whether a copy is needed; minigrad has no strides of its own);
    ``view(dtype)`` reinterprets the bits (see :func:`view_as_dtype`)."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, builtins.int)) and \
            not hasattr(shape[0], '__index__'):
        return view_as_dtype(input, shape[0])
    if len(shape) == 1 and isinstance(shape[0], Tensor):
        return reshape(input, shape[0].shape)
    return reshape(input, *shape)


def view_as_dtype(input, dtype):
    """The same memory read as ``dtype`` (``x.view(minigrad.int32)``), as PyTorch: with another element
    size the last dimension shrinks or grows accordingly. Not differentiable (the result does not
    require grad); it shares the version counter, so writes through it count as in-place changes."""
    dtype = backend.as_dtype(dtype)
    array = input._array
    if array.dtype.itemsize != dtype.itemsize and (array.ndim == 0 or array.strides[-1] != array.itemsize):
        raise RuntimeError(f"view({dtype}): a {array.dtype} tensor of shape {tuple(array.shape)} can only be "
                           "viewed as a type of another size when its last dimension is contiguous")
    try:
        out = constant(array.view(dtype))
    except ValueError as exc:
        raise RuntimeError(f"view({dtype}) of a {array.dtype} tensor of shape {tuple(array.shape)}: {exc}") \
            from None
    if input._version is None:
        input._version = [0]
    out._version = input._version
    return out


def flatten(input, start_dim=0, end_dim=-1):
    input = as_tensor(input)
    shape = input._array.shape
    if not shape:
        return reshape(input, (1,))
    s = _dim(start_dim, len(shape), 'flatten')
    e = _dim(end_dim, len(shape), 'flatten')
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) must not come after end_dim ({end_dim})")
    if s == e:
        return input  # nothing to merge: the tensor itself, as in PyTorch
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
    return _view(Permute, input, axes)


def transpose(input, dim0, dim1):
    input = as_tensor(input)
    n = input.ndim
    a, b = _dim(dim0, n, 'transpose'), _dim(dim1, n, 'transpose')
    axes = list(range(n))
    axes[a], axes[b] = axes[b], axes[a]
    return _view(Permute, input, tuple(axes))


swapaxes = swapdims = transpose


def t(input):
    input = as_tensor(input)
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with at most 2 dimensions, got {input.ndim}; use "
                           "transpose(dim0, dim1) or .mT")
    return transpose(input, 0, -1) if input.ndim else _view(Reshape, input, ())


def unsqueeze(input, dim):
    input = as_tensor(input)
    d = _dim(dim, input.ndim, 'unsqueeze', extra=1)
    shape = input._array.shape
    return _view(Reshape, input, shape[:d] + (1,) + shape[d:])


def squeeze(input, dim=None):
    input = as_tensor(input)
    shape = input._array.shape
    if dim is None:
        new = tuple(n for n in shape if n != 1)
    else:
        dims = _dims(dim, len(shape), 'squeeze')
        dims = (dims,) if isinstance(dims, builtins.int) else dims or ()
        new = tuple(n for i, n in enumerate(shape) if not (i in dims and n == 1))
    return _view(Reshape, input, new)


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
    # An expansion that repeats no element (the same shape, or new leading 1s) is a plain (writable)
    # view, as in PyTorch; a real one is read-only (its elements share memory).
    return _view(Reshape, input, target) if math.prod(target) == math.prod(shape) else \
        _view(Expand, input, target)


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
        return _view(GetItem, input, index) if is_basic_index(index) else GetItem.apply(input, index)
    except IndexError as exc:
        raise IndexError(f"{exc} (indexing a tensor of shape {tuple(input.shape)} with {index!r})") from None


def narrow(input, dim, start, length):
    """The view of ``length`` elements of dimension ``dim`` from ``start`` (negative: from the end)."""
    input = as_tensor(input)
    d = _dim(dim, input.ndim, 'narrow')
    size = input._array.shape[d]
    start = start.__index__()
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise IndexError(f"narrow: start ({start}) + length ({length}) exceeds dimension {d} of size {size}")
    return getitem(input, (slice(None),) * d + (slice(start, start + length),))


def select(input, dim, index):
    """The view at ``index`` of dimension ``dim``, without that dimension (``x.select(0, i)`` is
    ``x[i]``)."""
    input = as_tensor(input)
    d = _dim(dim, input.ndim, 'select')
    size = input._array.shape[d]
    index = index.__index__()
    if not -size <= index < size:
        raise IndexError(f"select: index {index} is out of range for dimension {d} of size {size}")
    return getitem(input, (slice(None),) * d + (index,))


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The view of the diagonal over ``dim1``/``dim2`` (above it for ``offset > 0``), as the last
    dimension, as PyTorch."""
    input = as_tensor(input)
    a, b = _dim(dim1, input.ndim, 'diagonal'), _dim(dim2, input.ndim, 'diagonal')
    if a == b:
        raise RuntimeError(f"diagonal: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    return _view(Diagonal, input, offset, a, b)


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
           'squeeze', 'expand', 'broadcast_to', 'cat', 'concat', 'concatenate', 'stack', 'narrow', 'select',
           'diagonal']

METHODS = {'reshape': reshape, 'view': view, 'flatten': flatten, 'permute': permute,
           'transpose': transpose, 'swapaxes': transpose, 'swapdims': transpose, 't': t,
           'unsqueeze': unsqueeze, 'squeeze': squeeze, 'expand': expand, 'expand_as': expand_as,
           'narrow': narrow, 'select': select, 'diagonal': diagonal,
           '__getitem__': getitem, '__setitem__': setitem}
