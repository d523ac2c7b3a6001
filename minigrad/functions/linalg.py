"""Matrix products: ``matmul`` (NumPy's rules: 1-D operands, batched and broadcast stacks) and the fused
``linear`` of a fully connected layer.

A 1-D operand is treated as a row (left) or column (right) vector and the added dimension is removed, as
``numpy.matmul`` and ``torch.matmul`` do; the engine sums the gradients of broadcast batch dimensions.

Transposes are written ``.swapaxes(-1, -2)`` rather than ``.mT``: CuPy arrays before v14 lack ``.mT``.
"""
from ..autograd.function import Function, tangent_sum
from ..conversion import as_tensor, cast, promote
from ..tensor import Tensor


def shape_error(op, a_shape, b_shape, detail):
    return RuntimeError(f"{op}: shapes {tuple(a_shape)} and {tuple(b_shape)} cannot be multiplied "
                        f"({detail})")


class Matmul(Function):
    torch_name = 'MmBackward0'

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"matmul: both arguments need at least 1 dimension, got shapes "
                               f"{tuple(a.shape)} and {tuple(b.shape)}; use * for scalars")
        inner_a = a.shape[-1]
        inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
        if inner_a != inner_b:
            raise shape_error('matmul', a.shape, b.shape,
                              f"the last dimension of the first ({inner_a}) must equal the "
                              f"{'second-to-last' if b.ndim > 1 else 'only'} dimension of the second "
                              f"({inner_b})")
        try:
            out = a @ b
        except ValueError:
            raise shape_error('matmul', a.shape, b.shape, 'their batch dimensions do not broadcast') from None
        needs = ctx.needs_input_grad
        ctx.save_for_backward(a if needs[1] else None, b if needs[0] else None)  # each for the other's grad
        ctx.ndims = a.ndim, b.ndim
        return out if out.dtype == a.dtype else out.astype(a.dtype)  # NumPy gives bfloat16 @ as float32

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_a = grad_b = None
        ndim_a, ndim_b = ctx.ndims
        if ndim_a == 1 and ndim_b == 1:          # dot product: grad is a scalar
            return (grad * b if needs[0] else None), (grad * a if needs[1] else None)
        if ndim_a == 1:                            # (k,) @ (..., k, m) -> (..., m)
            if needs[0]:
                grad_a = (grad[..., None, :] @ b.swapaxes(-1, -2))[..., 0, :]
            if needs[1]:
                grad_b = a[:, None] * grad[..., None, :]
            return grad_a, grad_b
        if ndim_b == 1:                            # (..., n, k) @ (k,) -> (..., n)
            if needs[0]:
                grad_a = grad[..., :, None] * b
            if needs[1]:
                grad_b = (a.swapaxes(-1, -2) @ grad[..., :, None])[..., 0]
            return grad_a, grad_b
        if needs[0]:
            grad_a = grad @ b.swapaxes(-1, -2)
        if needs[1]:
            grad_b = a.swapaxes(-1, -2) @ grad
        return grad_a, grad_b

    @staticmethod
    def jvp(ctx, ta, tb):
        a, b = ctx.inputs
        return tangent_sum(ta if ta is None else Matmul.call(ta, b), tb if tb is None else Matmul.call(a, tb))


class Linear(Function):
    """``x @ weight.T + bias`` in one node, as ``torch.nn.functional.linear``. ``weight`` has shape
    (out_features, in_features); ``x`` has shape (..., in_features). Computing the weight gradient as
    ``grad.T @ x`` gives a fresh contiguous array, so it lands in ``.grad`` without a copy."""
    torch_name = 'AddmmBackward0'

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        if x.shape[-1] != weight.shape[-1]:
            raise shape_error('linear', x.shape, weight.shape,
                              f"the input has {x.shape[-1]} features but the weight expects "
                              f"{weight.shape[-1]} (weight shape is (out_features, in_features))")
        out = x @ weight.T
        if out.dtype != x.dtype:  # bfloat16: NumPy multiplies in float32
            out = out.astype(x.dtype)
        if bias is not None:
            out += bias
        needs = ctx.needs_input_grad
        ctx.save_for_backward(x if needs[1] else None, weight if needs[0] else None)
        return out

    @staticmethod
    def backward(ctx, grad):
        needs = ctx.needs_input_grad
        x, weight = ctx.saved_tensors
        grad_x = grad @ weight if needs[0] else None
        grad_w = grad_b = None
        if needs[1] or (len(needs) > 2 and needs[2]):
            flat = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
            if needs[1]:
                rows = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
                grad_w = flat.T @ rows
            if len(needs) > 2 and needs[2]:
                grad_b = flat.sum(axis=0)
        return grad_x, grad_w, grad_b

    @staticmethod
    def jvp(ctx, tx, tw, tb=None):
        x, weight = ctx.inputs[:2]
        return tangent_sum(tx if tx is None else Linear.call(tx, weight),
                           tw if tw is None else Linear.call(x, tw), tb)


# ------------------------------------------------------------------------------- public functions
def matmul(input, other):
    input, other = promote(as_tensor(input), other, 'matmul')
    return Matmul.apply(input, other)


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, as ``torch.nn.functional.linear``."""
    dtype = weight._array.dtype
    if not (isinstance(input, Tensor) and input._array.dtype is dtype):
        input, weight = promote(as_tensor(input), weight, 'linear')
        dtype = weight._array.dtype
    if bias is not None and bias._array.dtype is not dtype:
        bias = cast(bias, dtype)
    return Linear.apply(input, weight, bias)


def _rmatmul(self, other):
    return matmul(as_tensor(other, device=self.device), self)


__all__ = ['matmul']  # linear is nn.functional's (torch has no top-level linear either)

METHODS = {'matmul': matmul, '__matmul__': matmul, '__rmatmul__': _rmatmul}
