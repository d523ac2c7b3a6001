"""Shape and indexing ops: reshape, permute, expand, cat, stack, getitem (basic and advanced), setitem,
and moves between devices.

The backward of advanced indexing scatter-adds, so repeated indices accumulate their gradients.
"""
from ..autograd.function import Function, tangents_or_zeros
from ..backend import array_module, scatter_add, to_device, device_of


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
