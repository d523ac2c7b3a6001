"""Products, norms and logical reductions: einsum, mm/bmm/mv, dot/vdot/inner/outer, tensordot, kron,
cross, cdist, norm/dist, prod, count_nonzero, aminmax, nansum/nanmean, var_mean/std_mean, the logical
and bitwise ops (``& | ^ ~`` on bool and integer tensors), any/all, and the tensor conveniences
``new_zeros``/``new_ones``/``new_full``/``new_empty``/``new_tensor``, ``type_as``, ``clone``,
``contiguous``, ``mH``/``H``.

``einsum``'s gradient for each operand is the einsum of the output gradient with the other operands
(repeated indices such as ``'ii->i'`` put it on the diagonal; indices summed in one operand only are
broadcast back). Vector norms give zero gradient where the norm is zero (PyTorch's subgradient), and
the inf-norms share it equally among tied extreme elements. ``prod``'s gradient is exact with zeros.
"""
import builtins

from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import named, write_out
from .elementwise import Where
from .reduction import _spread
from .shape import Expand

__all__ = ['einsum', 'mm', 'bmm', 'mv', 'dot', 'vdot', 'inner', 'outer', 'ger', 'tensordot', 'kron', 'cross',
           'cdist', 'norm', 'dist', 'prod', 'count_nonzero', 'aminmax', 'nansum', 'nanmean', 'var_mean',
           'std_mean', 'logical_and', 'logical_or', 'logical_xor', 'logical_not', 'bitwise_and',
           'bitwise_or', 'bitwise_xor', 'bitwise_not', 'any', 'all', 'clone', 'chain_matmul', 'memory_format',
           'contiguous_format', 'preserve_format', 'channels_last', 'channels_last_3d']

_pyint, _pyfloat, _pybool = builtins.int, builtins.float, builtins.bool
_aminmax_result = named('aminmax', ['min', 'max'])
_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'


# ------------------------------------------------------------------------------------------ einsum
def _parse(equation, shapes):
    """Split an einsum equation into one letter string per operand and the output's, with ``...``
    replaced by letters of their own (right-aligned, as broadcasting)."""
    eq = equation.replace(' ', '')
    if '->' in eq:
        lhs, rhs = eq.split('->')
    else:
        lhs, rhs = eq, None
    terms = lhs.split(',')
    if len(terms) != len(shapes):
        raise RuntimeError(f"einsum(): the equation {equation!r} names {len(terms)} operands but "
                           f"{len(shapes)} were given")
    used = set(c for c in eq if c.isalpha())
    spare = [c for c in _LETTERS if c not in used]
    n_ellipsis = 0
    for t, s in zip(terms, shapes):
        if '...' in t:
            n_ellipsis = builtins.max(n_ellipsis, len(s) - (len(t) - 3))
    ell = ''.join(spare[:n_ellipsis])
    out_terms = []
    for t, s in zip(terms, shapes):
        if '...' in t:
            k = len(s) - (len(t) - 3)
            t = t.replace('...', ell[n_ellipsis - k:] if k else '')
        if len(t) != len(s):
            raise RuntimeError(f"einsum(): the subscript {t!r} has {len(t)} letters for an operand with "
                               f"{len(s)} dimensions")
        out_terms.append(t)
    if rhs is None:
        counts = {}
        for t in out_terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell + ''.join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        rhs = rhs.replace('...', ell)
    return out_terms, rhs


class Einsum(Function):
    @staticmethod
    def forward(ctx, equation, *arrays):
        terms, out = _parse(equation, [a.shape for a in arrays])
        ctx.terms, ctx.out_term = terms, out
        ctx.save_for_backward(*arrays)
        xp = array_module(arrays[0])
        dtype = arrays[0].dtype
        if dtype.kind == 'V':  # bfloat16: NumPy's einsum has no kernel for it; compute in float32
            arrays = [a.astype(backend.float32) for a in arrays]
        out = xp.einsum(','.join(terms) + '->' + out, *arrays, optimize=len(arrays) > 2)
        return out if out.dtype == dtype else out.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        arrays = ctx.saved_tensors
        terms, out = ctx.terms, ctx.out_term
        grads = [None]
        needs = ctx.needs_input_grad[1:]
        for i, (term, a) in enumerate(zip(terms, arrays)):
            if not needs[i]:
                grads.append(None)
                continue
            others = [(t, x) for j, (t, x) in enumerate(zip(terms, arrays)) if j != i]
            available = set(out) | set(c for t, _ in others for c in t)
            unique = ''.join(dict.fromkeys(term))
            present = ''.join(c for c in unique if c in available)
            sizes = {c: n for t, x in zip(terms, arrays) for c, n in zip(t, x.shape)}
            # letters that broadcast (size 1 in this operand, larger elsewhere) are summed back by the engine
            g = Einsum.call(','.join([out] + [t for t, _ in others]) + '->' + present, grad,
                            *[x for _, x in others])
            if present != unique:  # letters summed only in this operand: broadcast back over them
                g = g.reshape(tuple(sizes[c] if c in present else 1 for c in unique))
                g = Expand.call(g, tuple(sizes[c] for c in unique))
            if unique != term:  # repeated letters: the gradient lies on the diagonal
                xp = array_module(getattr(g, '_array', g))
                g_arr = getattr(g, '_array', g)
                full = xp.zeros(tuple(sizes[c] for c in term), dtype=g_arr.dtype)
                index = []
                for c in term:
                    shape = [1] * len(unique)
                    shape[unique.index(c)] = sizes[c]
                    index.append(xp.arange(sizes[c]).reshape(shape))
                full[tuple(index)] = g_arr
                g = ops.constant(full) if hasattr(g, '_array') else full
            grads.append(g)
        return tuple(grads)


def einsum(equation, *operands):
    """Einstein summation, as ``torch.einsum`` (``'ij,jk->ik'``, implicit output, ``...``); operands
    may also be given as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError("einsum(): the first argument must be the equation string (the sublist format is "
                        "not supported)")
    tensors = [ops.as_tensor(t) for t in operands]
    dtype = tensors[0]._array.dtype
    for t in tensors[1:]:
        dtype = backend.result_dtype(array_module(t._array).zeros(1, dtype), t._array)
    tensors = [ops.cast(t, dtype) for t in tensors]
    return Einsum.apply(equation, *tensors)


# ------------------------------------------------------------------------------- matrix products
def _need(op, name, t, n):
    if t.ndim != n:
        raise RuntimeError(f"{op}(): {name} must be a {n}-D tensor, got shape {tuple(t.shape)}")


def mm(input, mat2, *, out=None):
    """The product of two matrices."""
    input, mat2 = ops.as_tensor(input), ops.as_tensor(mat2)
    _need('mm', 'input', input, 2)
    _need('mm', 'mat2', mat2, 2)
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mm(): mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} "
                           f"and {mat2.shape[0]}x{mat2.shape[1]})")
    return write_out(ops.matmul(input, mat2), out, 'mm')


def bmm(input, mat2, *, out=None):
    """Batched matrix products of two 3-D tensors (no broadcasting, as PyTorch)."""
    input, mat2 = ops.as_tensor(input), ops.as_tensor(mat2)
    _need('bmm', 'input', input, 3)
    _need('bmm', 'mat2', mat2, 3)
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"bmm(): shapes {tuple(input.shape)} and {tuple(mat2.shape)} do not match "
                           "(batch sizes must be equal and input's last size equal mat2's middle one)")
    return write_out(ops.matmul(input, mat2), out, 'bmm')


def mv(input, vec, *, out=None):
    input, vec = ops.as_tensor(input), ops.as_tensor(vec)
    _need('mv', 'input', input, 2)
    _need('mv', 'vec', vec, 1)
    return write_out(ops.matmul(input, vec), out, 'mv')


def dot(input, other, *, out=None):
    """The inner product of two 1-D tensors."""
    input, other = ops.as_tensor(input), ops.as_tensor(other)
    _need('dot', 'input', input, 1)
    _need('dot', 'other', other, 1)
    if input._array.dtype != other._array.dtype:
        raise RuntimeError(f"dot(): expected both vectors to have the same dtype, but found {input.dtype} "
                           f"and {other.dtype}")
    if input.shape != other.shape:
        raise RuntimeError(f"dot(): inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
                           f"[{other.shape[0]}] to have the same number of elements")
    return write_out(ops.matmul(input, other), out, 'dot')


vdot = dot  # real tensors: no conjugation


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both (a scalar times a tensor for 0-d inputs)."""
    input, other = ops.as_tensor(input), ops.as_tensor(other)
    if input.ndim == 0 or other.ndim == 0:
        return write_out(ops.mul(input, other), out, 'inner')
    a = _LETTERS[:input.ndim - 1]
    b = _LETTERS[input.ndim - 1:input.ndim + other.ndim - 2]
    return write_out(einsum(f'{a}z,{b}z->{a}{b}', input, other), out, 'inner')


def outer(input, vec2, *, out=None):
    """The outer product of two vectors."""
    input, vec2 = ops.as_tensor(input), ops.as_tensor(vec2)
    _need('outer', 'input', input, 1)
    _need('outer', 'vec2', vec2, 1)
    return write_out(ops.mul(ops.unsqueeze(input, 1), ops.unsqueeze(vec2, 0)), out, 'outer')


ger = outer


def tensordot(a, b, dims=2, out=None):
    """Contract the last ``dims`` dimensions of ``a`` with the first of ``b`` (or the listed pairs)."""
    a, b = ops.as_tensor(a), ops.as_tensor(b)
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, _pyint):
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, _pyint) else list(da)
        db = [db] if isinstance(db, _pyint) else list(db)
    da = [ops._dim(d, a.ndim, 'tensordot') for d in da]
    db = [ops._dim(d, b.ndim, 'tensordot') for d in db]
    letters = iter(_LETTERS)
    ta = [next(letters) for _ in range(a.ndim)]
    tb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(da, db):
        tb[j] = ta[i]
    free = [c for k, c in enumerate(ta) if k not in da] + [c for k, c in enumerate(tb) if k not in db]
    return write_out(einsum(f"{''.join(ta)},{''.join(tb)}->{''.join(free)}", a, b), out, 'tensordot')


def kron(input, other, *, out=None):
    """The Kronecker product (block matrix of ``input[i] * other``)."""
    input, other = ops.as_tensor(input), ops.as_tensor(other)
    n = builtins.max(input.ndim, other.ndim)
    a = ops.reshape(input, (1,) * (n - input.ndim) + tuple(input.shape))
    b = ops.reshape(other, (1,) * (n - other.ndim) + tuple(other.shape))
    sa, sb = tuple(a.shape), tuple(b.shape)
    a = ops.reshape(a, tuple(x for s in sa for x in (s, 1)))
    b = ops.reshape(b, tuple(x for s in sb for x in (1, s)))
    return write_out(ops.reshape(ops.mul(a, b), tuple(x * y for x, y in zip(sa, sb))), out, 'kron')


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along ``dim`` (``None``: the first dimension of size 3)."""
    from .indexing import index_select
    input, other = ops.as_tensor(input), ops.as_tensor(other)
    input, other = ops.promote(input, other, 'cross')
    shape = tuple(backend.broadcast_shapes(tuple(input.shape), tuple(other.shape)))
    input, other = ops.expand(input, shape), ops.expand(other, shape)
    if dim is None:
        dims = [k for k, n in enumerate(shape) if n == 3]
        if not dims:
            raise RuntimeError(f"cross(): no dimension of size 3 in inputs of shape {shape}")
        d = dims[0]
    else:
        d = ops._dim(dim, len(shape), 'cross')
        if shape[d] != 3:
            raise RuntimeError(f"cross(): dimension {dim} must have size 3, got {shape[d]}")
    xp = input._xp()
    i1, i2 = xp.asarray([1, 2, 0]), xp.asarray([2, 0, 1])

    def pick(t, i):
        return index_select(t, d, i)
    result = ops.sub(ops.mul(pick(input, i1), pick(other, i2)), ops.mul(pick(input, i2), pick(other, i1)))
    return write_out(result, out, 'cross')


def chain_matmul(*matrices):
    result = matrices[0]
    for m in matrices[1:]:
        result = ops.matmul(result, m)
    return result


# -------------------------------------------------------------------------------------------- norms
class VectorNorm(Function):
    """``(sum |x|^p)^(1/p)`` over ``axis`` (``p`` in 0, inf, -inf or any number)."""

    @staticmethod
    def forward(ctx, x, p, axis, keepdims):
        xp = array_module(x)
        a = xp.abs(x)
        if p == 2:
            out = xp.sqrt((x * x).sum(axis=axis, keepdims=True))
        elif p == float('inf'):
            out = a.max(axis=axis, keepdims=True)
        elif p == float('-inf'):
            out = a.min(axis=axis, keepdims=True)
        elif p == 0:
            out = (x != 0).sum(axis=axis, keepdims=True).astype(x.dtype)
        elif p == 1:
            out = a.sum(axis=axis, keepdims=True)
        else:
            out = ((a ** p).sum(axis=axis, keepdims=True)) ** (1.0 / p)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axis, ctx.keepdims = p, axis, keepdims
        return out if keepdims else out.reshape(tuple(n for k, n in enumerate(out.shape)
                                                      if not _reduced(k, axis, x.ndim)))

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, axis = ctx.p, ctx.axis
        g = _spread(grad, x.shape, axis, ctx.keepdims)
        raw_out = getattr(out, '_array', out)
        raw_x = getattr(x, '_array', x)
        xp = array_module(raw_x)
        nonzero = raw_out != 0
        if p == 2:
            safe = Where.call(nonzero, out, xp.ones((), raw_out.dtype))
            return g * x / safe * nonzero, None, None, None
        if p == 0:
            return g * 0, None, None, None
        sign = xp.sign(raw_x)
        if p == 1:
            return g * sign, None, None, None
        if p in (float('inf'), float('-inf')):
            hits = xp.asarray(xp.abs(raw_x) == raw_out, dtype=raw_x.dtype)
            share = hits / xp.maximum(hits.sum(axis=axis, keepdims=True), 1)
            return g * (sign * share), None, None, None
        a = xp.abs(raw_x)
        safe = xp.where(nonzero, raw_out, 1)
        factor = sign * xp.where(a == 0, 0, a ** (p - 1) if p >= 1 else xp.where(a == 0, 1, a) ** (p - 1)) \
            / safe ** (p - 1) * nonzero
        return g * factor, None, None, None


def _reduced(k, axis, ndim):
    if axis is None:
        return True
    axes = (axis,) if isinstance(axis, _pyint) else axis
    return k in axes


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm over ``dim`` (all elements when None), as ``torch.linalg.vector_norm``."""
    x = ops.as_tensor(x)
    if dtype is not None:
        x = ops.cast(x, dtype)
    if not backend.is_floating(x._array.dtype):
        raise RuntimeError(f"linalg.vector_norm(): expected a floating input, got {x.dtype}; convert with "
                           ".float()")
    axis = ops._dims(dim, x.ndim, 'vector_norm') if dim is not None else None
    if axis == ():
        axis = None
    if x.ndim == 0:
        x = ops.reshape(x, (1,))
        return write_out(ops.reshape(VectorNorm.apply(x, _pyfloat(ord), None, False), ()), out, 'vector_norm')
    return write_out(VectorNorm.apply(x, _pyfloat(ord) if ord not in (2, 1, 0) else ord, axis, keepdim), out,
                     'vector_norm')


def norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: the vector ``p``-norm over ``dim`` (all elements when None); ``'fro'`` is the
    2-norm and ``'nuc'`` the nuclear norm of the matrices in the two ``dim``."""
    input = ops.as_tensor(input)
    if p == 'nuc':
        from ..linalg import matrix_norm
        return write_out(matrix_norm(input, 'nuc', dim if dim is not None else (-2, -1), keepdim, dtype=dtype),
                         out, 'norm')
    if p == 'fro' or p is None:
        p = 2
    if isinstance(p, str):
        raise RuntimeError(f"norm(): unknown norm {p!r}; use a number, inf, 'fro' or 'nuc'")
    return write_out(vector_norm(input, p, dim, keepdim, dtype=dtype), out, 'norm')


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other``."""
    return vector_norm(ops.sub(input, other), p)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise ``p``-norm distances between the rows of ``x1`` (``..., P, M``) and ``x2`` (``..., R, M``)."""
    x1, x2 = ops.as_tensor(x1), ops.as_tensor(x2)
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist(): expected inputs (..., P, M) and (..., R, M), got {tuple(x1.shape)} and "
                           f"{tuple(x2.shape)}")
    diff = ops.sub(ops.unsqueeze(x1, -2), ops.unsqueeze(x2, -3))
    return vector_norm(diff, p, -1)


# ------------------------------------------------------------------------------------------- prod
class Prod(Function):
    """The product over ``axis``; each factor's gradient is the product of the others (exact with zeros)."""

    @staticmethod
    def forward(ctx, x, axis, keepdims):
        xp = array_module(x)
        out = x.prod(axis=axis, keepdims=True)
        one = xp.ones((), x.dtype)
        zeros = (x == 0).sum(axis=axis, keepdims=True)
        prod_nonzero = xp.where(x == 0, one, x).prod(axis=axis, keepdims=True)
        safe = xp.where(x == 0, one, x)
        ctx.factor = xp.where(x == 0, xp.where(zeros == 1, prod_nonzero, 0), out / safe)
        ctx.in_shape, ctx.axis, ctx.keepdims = x.shape, axis, keepdims
        return out if keepdims else out.reshape(tuple(n for k, n in enumerate(out.shape)
                                                      if not _reduced(k, axis, x.ndim)))

    @staticmethod
    def backward(ctx, grad):
        return _spread(grad, ctx.in_shape, ctx.axis, ctx.keepdims) * ctx.factor, None, None


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """The product of all elements, or over ``dim`` (integers and bools give int64, as PyTorch)."""
    input = ops.as_tensor(input)
    if dtype is not None:
        input = ops.cast(input, dtype)
    elif input._array.dtype.kind in 'bui':
        input = ops.cast(input, backend.int64)
    axis = None if dim is None else ops._dim(dim, builtins.max(input.ndim, 1), 'prod')
    if input.ndim == 0:
        return ops.clone(input)
    return Prod.apply(input, axis, keepdim if dim is not None else False)


def count_nonzero(input, dim=None):
    input = ops.as_tensor(input)
    a = input._array
    axis = None if dim is None else ops._dims(dim, a.ndim, 'count_nonzero')
    return ops.constant(input._xp().asarray((a != 0).sum(axis=axis), dtype=backend.int64))


def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` over ``dim`` (all elements when None)."""
    return _aminmax_result(ops.amin(input, dim, keepdim) if dim is not None else ops.amin(input),
                           ops.amax(input, dim, keepdim) if dim is not None else ops.amax(input))


def _without_nan(input):
    input = ops.as_tensor(input)
    a = input._array
    if a.dtype.kind != 'f':
        return input, None
    xp = input._xp()
    nan = xp.isnan(a)
    return Where.apply(nan, xp.zeros((), a.dtype), input), nan


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum treating NaN as zero."""
    clean, _ = _without_nan(input)
    return ops.sum(clean, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the non-NaN elements."""
    clean, nan = _without_nan(input)
    if dtype is not None:
        clean = ops.cast(clean, dtype)
    count = (~nan).sum(axis=None if dim is None else ops._dims(dim, clean.ndim, 'nanmean'), keepdims=keepdim)
    total = ops.sum(clean, dim, keepdim)
    return ops.div(total, ops.constant(clean._xp().asarray(count, dtype=clean._array.dtype)))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim``."""
    return (ops.var(input, dim, unbiased, keepdim, correction=correction),
            ops.mean(input, dim if not isinstance(dim, _pybool) else None, keepdim))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim``."""
    return (ops.std(input, dim, unbiased, keepdim, correction=correction),
            ops.mean(input, dim if not isinstance(dim, _pybool) else None, keepdim))


# -------------------------------------------------------------------------------- logical, bitwise
def _arrays(a, b, op):
    if not isinstance(a, Tensor):
        a = ops.as_tensor(a, device=b.device if isinstance(b, Tensor) else None)
    x = a._array
    xp = a._xp()
    if isinstance(b, Tensor):
        if type(b._array) is not type(x):
            ops._check_devices(op, a, b)
        y = b._array
    else:
        y = xp.asarray(b)
    return xp, x, y


def _logical(fn_name):
    def op(input, other, *, out=None):
        xp, x, y = _arrays(input, other, 'logical_' + fn_name)
        return write_out(ops.constant(xp.asarray(getattr(xp, 'logical_' + fn_name)(x, y))), out,
                         'logical_' + fn_name)
    op.__name__ = 'logical_' + fn_name
    op.__doc__ = f"Elementwise logical {fn_name} (non-zero is True); a bool tensor."
    return op


logical_and = _logical('and')
logical_or = _logical('or')
logical_xor = _logical('xor')


def logical_not(input, *, out=None):
    input = ops.as_tensor(input)
    return write_out(ops.constant(input._xp().logical_not(input._array)), out, 'logical_not')


def _bitwise(name, symbol):
    def op(input, other, *, out=None):
        xp, x, y = _arrays(input, other, 'bitwise_' + name)
        for v in (x, y):
            if v.dtype.kind == 'f':
                raise RuntimeError(f"bitwise_{name}() ({symbol}) is only defined for bool and integer tensors, "
                                   f"got {v.dtype}")
        if x.dtype != y.dtype:
            want = backend.result_dtype(x, y if y.ndim else y.item())
            x, y = x.astype(want, copy=False), y.astype(want, copy=False)
        return write_out(ops.constant(xp.asarray(getattr(xp, 'bitwise_' + name)(x, y))), out, 'bitwise_' + name)
    op.__name__ = 'bitwise_' + name
    op.__doc__ = f"Elementwise bitwise {name} (``{symbol}``) of bool or integer tensors."
    return op


bitwise_and = _bitwise('and', '&')
bitwise_or = _bitwise('or', '|')
bitwise_xor = _bitwise('xor', '^')


def bitwise_not(input, *, out=None):
    input = ops.as_tensor(input)
    a = input._array
    if a.dtype.kind == 'f':
        raise RuntimeError(f"bitwise_not() (~) is only defined for bool and integer tensors, got {a.dtype}")
    return write_out(ops.constant(input._xp().invert(a)), out, 'bitwise_not')


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _reduce_bool(name):
    def op(input, dim=None, keepdim=False, *, out=None):
        input = ops.as_tensor(input)
        a = input._array
        axis = None if dim is None else ops._dims(dim, builtins.max(a.ndim, 1), name)
        if a.ndim == 0 and axis is not None:
            axis = None
        result = getattr(a != 0 if a.dtype != backend.bool_ else a, name)(axis=axis, keepdims=keepdim)
        out_dtype = backend.uint8 if a.dtype == backend.uint8 else backend.bool_
        return write_out(ops.constant(input._xp().asarray(result).astype(out_dtype, copy=False)), out, name)
    op.__name__ = name
    op.__doc__ = f"Whether {'any' if name == 'any' else 'every'} element (over ``dim``) is non-zero."
    return op


any = _reduce_bool('any')
all = _reduce_bool('all')


# --------------------------------------------------------------------------- tensor conveniences
class memory_format:
    """PyTorch's memory layouts, accepted where PyTorch takes ``memory_format=`` (minigrad has one
    layout: the array module's, so they all mean the same here)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'minigrad.{self.name}'


contiguous_format = memory_format('contiguous_format')
preserve_format = memory_format('preserve_format')
channels_last = memory_format('channels_last')
channels_last_3d = memory_format('channels_last_3d')


def clone(input, *, memory_format=None):
    """A copy that stays in the graph (``memory_format`` is accepted and ignored: one layout here)."""
    return ops.clone(ops.as_tensor(input))


def _contiguous(self, memory_format=None):
    return self


def _new(factory):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        from .. import factories
        return factory(factories, self, size, dtype or self.dtype, device or self.device, requires_grad, kwargs)
    return method


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    from .. import factories
    if isinstance(data, Tensor):
        data = data.detach()._array
    return factories.tensor(backend.to_host(data) if hasattr(data, 'dtype') else data,
                            dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    from .. import factories
    return factories.full(tuple(size), fill_value, dtype=dtype or self.dtype, device=device or self.device,
                          requires_grad=requires_grad)


def _type_as(self, other):
    return ops.cast(self, other.dtype)


def _mH(self):
    return ops.transpose(self, -2, -1)


def _H(self):
    if self.ndim > 2:
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors); use .mH for batches")
    return self.T


METHODS = {
    'mm': mm, 'bmm': bmm, 'mv': mv, 'dot': dot, 'vdot': vdot, 'inner': inner, 'outer': outer,
    'ger': ger, 'kron': kron, 'cross': cross, 'norm': norm, 'dist': dist, 'prod': prod,
    'count_nonzero': count_nonzero, 'aminmax': aminmax, 'nansum': nansum, 'nanmean': nanmean,
    'logical_and': logical_and, 'logical_or': logical_or, 'logical_xor': logical_xor,
    'logical_not': logical_not, 'bitwise_and': bitwise_and, 'bitwise_or': bitwise_or,
    'bitwise_xor': bitwise_xor, 'bitwise_not': bitwise_not,
    '__and__': bitwise_and, '__or__': bitwise_or, '__xor__': bitwise_xor, '__invert__': bitwise_not,
    '__rand__': _reflected(bitwise_and), '__ror__': _reflected(bitwise_or), '__rxor__': _reflected(bitwise_xor),
    'any': any, 'all': all, 'clone': clone, 'contiguous': _contiguous,
    'new_zeros': _new(lambda f, t, size, dtype, device, rg, kw: f.zeros(*size, dtype=dtype, device=device,
                                                                          requires_grad=rg)),
    'new_ones': _new(lambda f, t, size, dtype, device, rg, kw: f.ones(*size, dtype=dtype, device=device,
                                                                        requires_grad=rg)),
    'new_empty': _new(lambda f, t, size, dtype, device, rg, kw: f.empty(*size, dtype=dtype, device=device,
                                                                          requires_grad=rg)),
    'new_full': _new_full, 'new_tensor': _new_tensor, 'type_as': _type_as,
    'mH': property(_mH), 'H': property(_H),
}
