"""Hypothesis strategies for property-based tests of tensors and differentiable ops.

They draw plain NumPy arrays, shapes and index expressions (so that the same example can be handed to
minigrad, to NumPy and to PyTorch), plus :func:`tensors` for minigrad Tensors directly. Element domains
keep values away from the points where a derivative is not defined, so that finite differences and
analytical gradients can be compared::

    from hypothesis import given
    from minigrad.testing import strategies as mgst

    @given(mgst.tensors(mgst.shapes(), domain='nonzero', requires_grad=True))
    def test_abs_gradient(x):
        gradcheck(lambda t: t.abs(), [x])

Domains (``domain=``): ``'real'`` (-3..3), ``'positive'`` (0.1..3: log, sqrt, a base of pow),
``'nonzero'`` (-3..3 but at least 0.1 away from 0: abs, relu, a divisor) and ``'small_int'`` (the
integers -2..2 stored as floats: many ties and equalities, for comparisons and tie rules). For ops with
ties (max, maximum, argmax, ...) use :func:`distinct_arrays`, whose elements are pairwise distinct and
spaced apart.
"""
import math

import numpy
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


__all__ = ['DOMAINS', 'elements', 'shapes', 'arrays', 'tensors', 'distinct_arrays', 'broadcastable_shapes',
           'dims', 'dims_and_keepdim', 'matmul_shapes', 'reshape_targets', 'basic_indices',
           'advanced_indices']

# name -> (low, high, points to avoid); the margin kept around avoided points is `KINK_MARGIN`.
DOMAINS = {
    'real': (-3.0, 3.0, ()),
    'positive': (0.1, 3.0, ()),
    'nonzero': (-3.0, 3.0, (0.0,)),
}
KINK_MARGIN = 0.1


def _push_away(avoid, margin, value):
    for point in avoid:
        if abs(value - point) < margin:
            return point + margin if value >= point else point - margin
    return value


def elements(domain='real', avoid=(), margin=KINK_MARGIN):
    """Python floats of a domain (see the module docstring), also kept ``margin`` away from every
    point of ``avoid`` (e.g. ``avoid=(-1, 1)`` for clamp's bounds)."""
    if domain == 'small_int':
        return st.integers(-2, 2).map(float)
    try:
        low, high, kinks = DOMAINS[domain]
    except KeyError:
        raise ValueError(f"unknown domain {domain!r}; choose one of {sorted(DOMAINS) + ['small_int']}") from None
    base = st.floats(low, high, allow_nan=False, allow_infinity=False)
    points = tuple(kinks) + tuple(avoid)
    if not points:
        return base
    return base.map(lambda v: _push_away(points, margin, v))


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes (tuples), from ``()`` (a scalar) up to ``max_dims`` dimensions."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def arrays(shape, dtype=numpy.float64, domain='real', avoid=()):
    """NumPy arrays of ``shape`` (a tuple or a strategy of tuples) and ``dtype`` whose elements come
    from ``domain``. Integer and bool dtypes draw small integers / booleans."""
    dtype = numpy.dtype(dtype)
    if dtype.kind == 'b':
        return hnp.arrays(dtype, shape, elements=st.booleans())
    if dtype.kind in 'iu':
        return hnp.arrays(dtype, shape, elements=st.integers(-5 if dtype.kind == 'i' else 0, 5))
    # Drawn in float64 and cast: values pushed away from a kink need not be representable in float32.
    return hnp.arrays(numpy.float64, shape, elements=elements(domain, avoid)).map(
        lambda a: a.astype(dtype))


def tensors(shape=None, dtype=numpy.float64, domain='real', requires_grad=False, device=None):
    """minigrad Tensors drawn as :func:`arrays` (``shape`` defaults to :func:`shapes`)."""
    from ..tensor import Tensor
    if shape is None:
        shape = shapes()
    return arrays(shape, dtype, domain).map(
        lambda a: Tensor(a, requires_grad=requires_grad and a.dtype.kind == 'f', device=device))


@st.composite
def distinct_arrays(draw, *shapes_, spacing=0.25, offset=0.0, dtype=numpy.float64):
    """A tuple of arrays of the given shapes whose elements, all arrays together, are pairwise
    distinct and at least ``spacing`` apart: no ties anywhere, so max/min/maximum/argmax/sort are
    differentiable and unambiguous. Values are ``offset + spacing * k`` for distinct integers ``k``.

    >>> a, b = draw(distinct_arrays((2, 3), (3,)))      # maximum(a, b) has no ties
    """
    sizes = [math.prod(s) for s in shapes_]
    total = sum(sizes)
    order = draw(st.permutations(range(total)))
    values = offset + spacing * (numpy.asarray(order, dtype=numpy.float64) - total // 2)
    out, start = [], 0
    for shape, n in zip(shapes_, sizes):
        out.append(values[start:start + n].reshape(shape).astype(dtype))
        start += n
    return tuple(out)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4):
    """A tuple of ``num_shapes`` shapes that broadcast together (NumPy's and PyTorch's rules)."""
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims,
                                             min_side=min_side, max_side=max_side).map(
        lambda result: result.input_shapes)


@st.composite
def dims(draw, ndim, allow_none=True, allow_tuple=True):
    """A valid ``dim`` argument for a tensor of ``ndim`` dimensions: None (all), an int, or a tuple of
    distinct dims; negative forms are drawn too. A 0-d tensor accepts 0 and -1 (as PyTorch) or None."""
    choices = ['int']
    if allow_none:
        choices.append('none')
    if allow_tuple and ndim > 0:
        choices.append('tuple')
    kind = draw(st.sampled_from(choices))
    n = max(ndim, 1)
    if kind == 'none':
        return None
    if kind == 'int':
        d = draw(st.integers(0, n - 1))
        return d - n if draw(st.booleans()) else d
    chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(d - ndim if draw(st.booleans()) else d for d in chosen)


def dims_and_keepdim(ndim, allow_none=True, allow_tuple=True):
    """``(dim, keepdim)`` pairs for reductions over a tensor of ``ndim`` dimensions."""
    return st.tuples(dims(ndim, allow_none, allow_tuple), st.booleans())


@st.composite
def matmul_shapes(draw, max_batch_dims=2, min_side=1, max_side=4):
    """``(shape_a, shape_b)`` that ``matmul`` accepts: vector-vector, vector-matrix, matrix-vector,
    matrix-matrix and batched stacks whose batch dimensions broadcast."""
    n, k, m = (draw(st.integers(min_side, max_side)) for _ in range(3))
    batch_a, batch_b = draw(broadcastable_shapes(2, 0, max_batch_dims, min_side, max_side))
    kind = draw(st.sampled_from(['vec@vec', 'vec@mat', 'mat@vec', 'mat@mat', 'batched']))
    if kind == 'vec@vec':
        return (k,), (k,)
    if kind == 'vec@mat':
        return (k,), batch_b + (k, m)
    if kind == 'mat@vec':
        return batch_a + (n, k), (k,)
    if kind == 'mat@mat':
        return (n, k), (k, m)
    return batch_a + (n, k), batch_b + (k, m)


def _prime_factors(n):
    factors, p = [], 2
    while p * p <= n:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    if n > 1:
        factors.append(n)
    return factors


@st.composite
def reshape_targets(draw, shape, allow_infer=True):
    """A shape with as many elements as ``shape``, possibly with one ``-1`` to infer (for reshape/view)."""
    factors = _prime_factors(math.prod(shape))
    ndim = draw(st.integers(0 if not factors else 1, 4))
    if ndim == 0:
        return ()
    target = [1] * ndim
    for f in factors:
        target[draw(st.integers(0, ndim - 1))] *= f
    if allow_infer and draw(st.booleans()):
        target[draw(st.integers(0, ndim - 1))] = -1
    return tuple(target)


@st.composite
def basic_indices(draw, shape, allow_none=True, allow_ellipsis=True):
    """A basic index for an array of ``shape``: ints (negative too), slices with positive steps (PyTorch
    has no negative steps), ``None`` and ``Ellipsis``; it selects a view, never copies."""
    parts = []
    ndim = len(shape)
    used = draw(st.integers(0, ndim))
    for size in shape[:used]:
        kind = draw(st.sampled_from(['int', 'slice', 'full']))
        if kind == 'int':
            parts.append(draw(st.integers(-size, size - 1)))
        elif kind == 'slice':
            start = draw(st.none() | st.integers(-size, size))
            stop = draw(st.none() | st.integers(-size, size))
            step = draw(st.none() | st.integers(1, 3))
            parts.append(slice(start, stop, step))
        else:
            parts.append(slice(None))
    if allow_none and draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    if allow_ellipsis and used < ndim and draw(st.booleans()):
        parts.append(Ellipsis)
    if len(parts) == 1 and draw(st.booleans()):
        return parts[0]
    return tuple(parts)


def _with_repeat(draw, positions):
    """Make sure at least one position occurs twice (copy one over another)."""
    positions = list(positions)
    src, dst = draw(st.permutations(range(len(positions))))[:2]
    positions[dst] = positions[src]
    return positions


@st.composite
def advanced_indices(draw, shape, repeats=True):
    """An advanced index for an array of ``shape`` (at least 1-D): an int array on the first dim, a
    tuple of int arrays over the first dims (paired element by element), an int array next to a
    slice, or a boolean mask. Index arrays are NumPy int64 arrays and may hold negative indices.

    ``repeats=True``: some element is selected at least twice (int arrays only, so the gradient must
    accumulate); ``repeats=False``: no element is selected twice (safe for ``x[index] = values``);
    ``repeats=None``: either.
    """
    if not shape:
        raise ValueError("advanced_indices needs an array with at least one dimension")
    kinds = ['array', 'arrays']
    if len(shape) >= 2:
        kinds.append('slice+array')
    if repeats is not True:
        kinds.append('mask')
    kind = draw(st.sampled_from(kinds))
    if kind == 'mask':
        return draw(hnp.arrays(numpy.bool_, shape[:draw(st.integers(1, len(shape)))]))
    if kind == 'slice+array':
        dims_used = (1,)
    elif kind == 'array':
        dims_used = (0,)
    else:
        dims_used = tuple(range(draw(st.integers(1, len(shape)))))
    sizes = [shape[d] for d in dims_used]
    count = math.prod(sizes)
    lo = 2 if repeats else 1
    hi = count if repeats is False else count + 3
    length = draw(st.integers(lo, max(lo, hi)))
    flat = draw(st.lists(st.integers(0, count - 1), min_size=length, max_size=length,
                         unique=repeats is False))
    if repeats:
        flat = _with_repeat(draw, flat)
    coords = numpy.unravel_index(numpy.asarray(flat, dtype=numpy.int64), sizes)
    arrays_ = []
    for c, size in zip(coords, sizes):
        c = c.astype(numpy.int64)
        negate = numpy.asarray(draw(st.lists(st.booleans(), min_size=len(c), max_size=len(c))), dtype=bool)
        arrays_.append(numpy.where(negate, c - size, c))
    if len(flat) % 2 == 0 and draw(st.booleans()):  # 2-D index arrays: the result gains a dimension
        arrays_ = [a.reshape(2, -1) for a in arrays_]
    if kind == 'slice+array':
        return (slice(None), arrays_[0])
    if kind == 'array':
        return arrays_[0]
    return tuple(arrays_)
