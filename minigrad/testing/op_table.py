"""The op table: one declarative record per public op, the single source for the op test suite.

Each :class:`OpSpec` says how to call the op, what NumPy computes for it, and which inputs to draw::

    OpSpec('exp', call=lambda m, x: m.exp(x), reference=lambda x: numpy.exp(x), cases=unary('real'))

``call(lib, *tensors, **kwargs)`` is written once for both libraries: ``lib`` is the ``minigrad``
module or the ``torch`` module (minigrad's API is PyTorch's, so the same line runs on both).
``reference(*arrays, **kwargs)`` computes the expected forward values with NumPy. ``cases`` is a
hypothesis strategy of :class:`Case` records: plain NumPy arrays (the tensor inputs; floating ones
get ``requires_grad``) and keyword arguments (dims, shapes, indices, Python scalars). Inputs stay away
from kinks and ties, where a derivative is not defined (docs/semantics.md has the rules there).

Because cases are plain NumPy, the same table drives tests on any device::

    from hypothesis import given
    from minigrad.testing.op_table import OPS

    spec = OPS['matmul']
    @given(spec.cases)
    def test(case):
        out = spec.call(minigrad, *case.tensors(minigrad, device='cuda'), **case.kwargs)
        numpy.testing.assert_allclose(out.cpu().detach().numpy(),
                                      spec.reference(*case.arrays, **case.kwargs))

``case.map_arrays(fn)`` moves the inputs to another array module. Index arrays of the indexing ops
travel in ``kwargs`` (as NumPy int/bool arrays, which PyTorch and minigrad both accept as indices).
"""
import dataclasses
import math
from typing import Callable

import numpy
from hypothesis import strategies as st

from . import strategies as mgst

__all__ = ['Case', 'OpSpec', 'OPS', 'unary', 'binary']


@dataclasses.dataclass(frozen=True)
class Case:
    """One example for an op: NumPy arrays for the tensor inputs and keyword arguments for the rest."""
    arrays: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)

    def map_arrays(self, fn):
        """The same case with ``fn`` applied to every input array (e.g. to move it to another array
        module); keyword arguments are kept as they are."""
        return Case(tuple(fn(a) for a in self.arrays), self.kwargs)

    def astype(self, dtype):
        """The same case with floating arrays cast to ``dtype`` (integer/bool arrays unchanged)."""
        return self.map_arrays(lambda a: a.astype(dtype) if a.dtype.kind == 'f' else a)

    def tensors(self, lib, requires_grad=True, **options):
        """The inputs as tensors of ``lib`` (minigrad or torch); floating ones require grad.
        ``options`` go to ``lib.tensor`` (e.g. ``device='cuda'``)."""
        return [lib.tensor(a, requires_grad=requires_grad and a.dtype.kind == 'f', **options)
                for a in self.arrays]


@dataclasses.dataclass(frozen=True)
class OpSpec:
    """How to call, check and feed one op (see the module docstring)."""
    name: str
    call: Callable
    reference: Callable
    cases: st.SearchStrategy
    differentiable: bool = True   # False: forward only (comparisons, argmax, indices)
    second_order: bool = False    # check second derivatives too (gradgradcheck)


# ------------------------------------------------------------------------------------ case strategies
@st.composite
def unary(draw, domain='real', min_dims=0):
    """One array of any shape from ``domain``."""
    shape = draw(mgst.shapes(min_dims=min_dims))
    return Case((draw(mgst.arrays(shape, domain=domain)),))


@st.composite
def binary(draw, domain_a='real', domain_b='real'):
    """Two arrays of broadcast-compatible shapes."""
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa, domain=domain_a)), draw(mgst.arrays(sb, domain=domain_b))))


@st.composite
def distinct_binary(draw):
    """Two broadcast-compatible arrays with no equal elements anywhere (maximum, minimum)."""
    return Case(draw(mgst.distinct_arrays(*draw(mgst.broadcastable_shapes(2)))))


@st.composite
def with_scalar(draw, domain='real', scalars=(2, -3, 0.5, 2.5)):
    """An array and a Python scalar (``other``), for ``x op s`` and ``s op x``."""
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape, domain=domain)),), {'other': draw(st.sampled_from(scalars))})


@st.composite
def power_scalar(draw):
    """``x ** c``: the domain of ``x`` depends on the exponent (fractional powers need x > 0)."""
    c = draw(st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5]))
    domain = 'real' if isinstance(c, int) and c >= 0 else 'nonzero' if isinstance(c, int) else 'positive'
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape, domain=domain)),), {'exponent': c})


@st.composite
def clamp_case(draw):
    """Values on a quarter lattice shifted by 1/8, bounds on the lattice: never on a bound."""
    shape = draw(mgst.shapes())
    x, = draw(mgst.distinct_arrays(shape, offset=0.125))
    low = draw(st.none() | st.integers(-8, 4).map(lambda k: k * 0.25))
    high = draw((st.none() if low is not None else st.nothing()) |
                st.integers(0, 8).map(lambda k: k * 0.25 + (low if low is not None else 0.0)))
    return Case((x,), {'min': low, 'max': high})


@st.composite
def where_case(draw):
    sc, sa, sb = draw(mgst.broadcastable_shapes(3))
    return Case((draw(mgst.arrays(sc, dtype=numpy.bool_)), draw(mgst.arrays(sa)), draw(mgst.arrays(sb))))


@st.composite
def matmul_case(draw):
    sa, sb = draw(mgst.matmul_shapes())
    return Case((draw(mgst.arrays(sa)), draw(mgst.arrays(sb))))


def _reduced_count(shape, dim):
    if dim is None:
        return math.prod(shape)
    dims = dim if isinstance(dim, tuple) else (dim,)
    return math.prod(shape[d] for d in dims) if shape else 1


@st.composite
def reduction(draw, distinct=False, allow_none=True, allow_tuple=True, min_dims=0, min_count=1):
    """An array and ``dim``/``keepdim`` (``dim`` None, int or tuple; at least ``min_count`` elements
    reduced per output). ``distinct``: no ties (max, min, amax, amin, argmax)."""
    shape = draw(mgst.shapes(min_dims=min_dims))
    dim, keepdim = draw(mgst.dims_and_keepdim(len(shape), allow_none, allow_tuple).filter(
        lambda dk: _reduced_count(shape, dk[0]) >= min_count))
    x = draw(mgst.distinct_arrays(shape))[0] if distinct else draw(mgst.arrays(shape))
    return Case((x,), {'dim': dim, 'keepdim': keepdim})


@st.composite
def var_case(draw):
    case = draw(reduction(min_count=2))
    return Case(case.arrays, dict(case.kwargs, correction=draw(st.sampled_from([0, 1]))))


@st.composite
def softmax_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'dim': draw(mgst.dims(len(shape), allow_none=False,
                                                                  allow_tuple=False))})


@st.composite
def reshape_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'shape': draw(mgst.reshape_targets(shape))})


@st.composite
def flatten_case(draw):
    shape = draw(mgst.shapes())
    n = max(len(shape), 1)
    start, end = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2)))
    start = start - n if draw(st.booleans()) else start
    end = end - n if draw(st.booleans()) else end
    return Case((draw(mgst.arrays(shape)),), {'start_dim': start, 'end_dim': end})


@st.composite
def transpose_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    d0, d1 = (draw(mgst.dims(len(shape), allow_none=False, allow_tuple=False)) for _ in range(2))
    return Case((draw(mgst.arrays(shape)),), {'dim0': d0, 'dim1': d1})


@st.composite
def permute_case(draw):
    shape = draw(mgst.shapes())
    order = draw(st.permutations(range(len(shape))))
    order = tuple(d - len(shape) if draw(st.booleans()) else d for d in order)
    return Case((draw(mgst.arrays(shape)),), {'dims': order})


@st.composite
def unsqueeze_case(draw):
    shape = draw(mgst.shapes())
    n = len(shape) + 1
    return Case((draw(mgst.arrays(shape)),), {'dim': draw(st.integers(-n, n - 1))})


@st.composite
def squeeze_case(draw):
    shape = draw(mgst.shapes(max_dims=4, max_side=3))
    dim = draw(st.none() | mgst.dims(len(shape), allow_none=False))
    return Case((draw(mgst.arrays(shape)),), {'dim': dim})


@st.composite
def expand_case(draw):
    shape = draw(mgst.shapes(max_side=3))
    target = [draw(st.integers(1, 3)) if n == 1 else draw(st.sampled_from([n, -1])) for n in shape]
    lead = draw(st.lists(st.integers(1, 3), max_size=2))
    return Case((draw(mgst.arrays(shape)),), {'sizes': tuple(lead + target)})


@st.composite
def cat_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    dim = draw(mgst.dims(len(shape), allow_none=False, allow_tuple=False))
    count = draw(st.integers(1, 3))
    arrays = []
    for _ in range(count):
        s = list(shape)
        s[dim] = draw(st.integers(1, 3))
        arrays.append(draw(mgst.arrays(tuple(s))))
    return Case(tuple(arrays), {'dim': dim})


@st.composite
def stack_case(draw):
    shape = draw(mgst.shapes())
    n = len(shape) + 1
    arrays = tuple(draw(mgst.arrays(shape)) for _ in range(draw(st.integers(1, 3))))
    return Case(arrays, {'dim': draw(st.integers(-n, n - 1))})


@st.composite
def basic_index_case(draw):
    shape = draw(mgst.shapes())
    return Case((draw(mgst.arrays(shape)),), {'index': draw(mgst.basic_indices(shape))})


@st.composite
def advanced_index_case(draw):
    shape = draw(mgst.shapes(min_dims=1))
    return Case((draw(mgst.arrays(shape)),), {'index': draw(mgst.advanced_indices(shape, repeats=True))})


@st.composite
def setitem_case(draw, advanced):
    shape = draw(mgst.shapes(min_dims=1 if advanced else 0))
    index = draw(mgst.advanced_indices(shape, repeats=False) if advanced else mgst.basic_indices(shape))
    target = numpy.empty(shape)[index].shape
    value_shape = target[draw(st.integers(0, len(target))):]  # a suffix: broadcast over the rest
    return Case((draw(mgst.arrays(shape)), draw(mgst.arrays(value_shape))), {'index': index})


@st.composite
def comparison_case(draw):
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa, domain='small_int')), draw(mgst.arrays(sb, domain='small_int'))))


# ------------------------------------------------------------------------------------ NumPy references
def _axis(x, dim):
    """NumPy's ``axis`` for a ``dim``; a 0-d array takes dim 0 or -1 as "all" (PyTorch's rule)."""
    if x.ndim == 0:
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _np_logsumexp(x, dim, keepdim):
    top = x.max(axis=_axis(x, dim), keepdims=True)
    out = numpy.log(numpy.exp(x - top).sum(axis=_axis(x, dim), keepdims=True)) + top
    return out if keepdim else out.reshape(numpy.sum(x, axis=_axis(x, dim)).shape)


def _np_softmax(x, dim):
    e = numpy.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _np_flatten(x, start_dim, end_dim):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


def _np_squeeze(x, dim):
    if dim is None:
        return numpy.squeeze(x)
    dims = {d % max(x.ndim, 1) for d in (dim if isinstance(dim, tuple) else (dim,))}
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1)))


def _np_expand(x, sizes):
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return numpy.broadcast_to(x, target)


def _np_setitem(x, value, index):
    out = x.copy()
    out[index] = value
    return out


def _np_dim_reduce(fn, x, dim, keepdim):
    """max/min along one dim, as a reduction of a 0-d array accepts dim 0 or -1."""
    return fn(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim)


def _np_arg(fn, x, dim, keepdim):
    if dim is None:
        out = numpy.asarray(fn(x))
        return out.reshape((1,) * x.ndim) if keepdim else out
    return numpy.asarray(fn(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim and x.ndim > 0))


def _sigmoid(x):
    return 1 / (1 + numpy.exp(-x))


# ------------------------------------------------------------------------------------------ calls
def _setitem(m, x, value, index):
    out = x.clone()
    out[index] = value
    return out


def _max_dim(m, x, dim, keepdim):
    return m.max(x, dim, keepdim=keepdim).values


def _min_dim(m, x, dim, keepdim):
    return m.min(x, dim, keepdim=keepdim).values


def _reduce(name):
    return lambda m, x, dim, keepdim: getattr(m, name)(x, dim=dim, keepdim=keepdim)


def _reduce_all(name):
    """max()/min() over every element (dim is None) or values of max(dim)/min(dim)."""
    return lambda m, x, dim, keepdim: getattr(m, name)(x)


_SPECS = [
    # -------------------------------------------------------------------- elementwise, two tensors
    OpSpec('add', lambda m, a, b: m.add(a, b), numpy.add, binary(), second_order=True),
    OpSpec('sub', lambda m, a, b: m.sub(a, b), numpy.subtract, binary(), second_order=True),
    OpSpec('mul', lambda m, a, b: m.mul(a, b), numpy.multiply, binary(), second_order=True),
    OpSpec('div', lambda m, a, b: m.div(a, b), numpy.divide, binary('real', 'nonzero'), second_order=True),
    OpSpec('pow', lambda m, a, b: m.pow(a, b), numpy.power, binary('positive', 'nonzero'), second_order=True),
    OpSpec('maximum', lambda m, a, b: m.maximum(a, b), numpy.maximum, distinct_binary(), second_order=True),
    OpSpec('minimum', lambda m, a, b: m.minimum(a, b), numpy.minimum, distinct_binary(), second_order=True),
    OpSpec('where', lambda m, c, a, b: m.where(c, a, b), numpy.where, where_case(), second_order=True),
    OpSpec('matmul', lambda m, a, b: m.matmul(a, b), numpy.matmul, matmul_case(), second_order=True),
    # ------------------------------------------------------- elementwise, a tensor and a Python scalar
    OpSpec('add.scalar', lambda m, x, other: x + other, lambda x, other: x + other, with_scalar()),
    OpSpec('rsub.scalar', lambda m, x, other: other - x, lambda x, other: other - x, with_scalar()),
    OpSpec('rmul.scalar', lambda m, x, other: other * x, lambda x, other: other * x, with_scalar()),
    OpSpec('div.scalar', lambda m, x, other: x / other, lambda x, other: x / other, with_scalar()),
    OpSpec('rdiv.scalar', lambda m, x, other: other / x, lambda x, other: other / x,
           with_scalar('nonzero'), second_order=True),
    OpSpec('pow.scalar', lambda m, x, exponent: x ** exponent, lambda x, exponent: x ** exponent,
           power_scalar(), second_order=True),
    OpSpec('rpow.scalar', lambda m, x, other: other ** x, lambda x, other: other ** x,
           with_scalar(scalars=(0.5, 2, 3.5)), second_order=True),
    # ------------------------------------------------------------------------- elementwise, unary
    OpSpec('neg', lambda m, x: m.neg(x), numpy.negative, unary(), second_order=True),
    OpSpec('exp', lambda m, x: m.exp(x), numpy.exp, unary(), second_order=True),
    OpSpec('log', lambda m, x: m.log(x), numpy.log, unary('positive'), second_order=True),
    OpSpec('sqrt', lambda m, x: m.sqrt(x), numpy.sqrt, unary('positive'), second_order=True),
    OpSpec('abs', lambda m, x: m.abs(x), numpy.abs, unary('nonzero'), second_order=True),
    OpSpec('sin', lambda m, x: m.sin(x), numpy.sin, unary(), second_order=True),
    OpSpec('cos', lambda m, x: m.cos(x), numpy.cos, unary(), second_order=True),
    OpSpec('tanh', lambda m, x: m.tanh(x), numpy.tanh, unary(), second_order=True),
    OpSpec('sigmoid', lambda m, x: m.sigmoid(x), _sigmoid, unary(), second_order=True),
    OpSpec('relu', lambda m, x: m.relu(x), lambda x: numpy.maximum(x, 0), unary('nonzero'),
           second_order=True),
    OpSpec('clamp', lambda m, x, min, max: m.clamp(x, min=min, max=max),
           lambda x, min, max: numpy.clip(x, min, max), clamp_case(), second_order=True),
    # ---------------------------------------------------------------------------------- reductions
    OpSpec('sum', _reduce('sum'), lambda x, dim, keepdim: numpy.sum(x, axis=_axis(x, dim), keepdims=keepdim),
           reduction(), second_order=True),
    OpSpec('mean', _reduce('mean'),
           lambda x, dim, keepdim: numpy.mean(x, axis=_axis(x, dim), keepdims=keepdim),
           reduction(), second_order=True),
    OpSpec('var', lambda m, x, dim, keepdim, correction: m.var(x, dim=dim, keepdim=keepdim,
                                                               correction=correction),
           lambda x, dim, keepdim, correction: numpy.var(x, axis=_axis(x, dim), ddof=correction,
                                                         keepdims=keepdim),
           var_case(), second_order=True),
    OpSpec('amax', _reduce('amax'), lambda x, dim, keepdim: numpy.amax(x, axis=_axis(x, dim), keepdims=keepdim),
           reduction(distinct=True), second_order=True),
    OpSpec('amin', _reduce('amin'), lambda x, dim, keepdim: numpy.amin(x, axis=_axis(x, dim), keepdims=keepdim),
           reduction(distinct=True), second_order=True),
    OpSpec('max', _reduce_all('max'), lambda x, dim, keepdim: numpy.max(x),
           reduction(distinct=True, allow_tuple=False), second_order=True),
    OpSpec('min', _reduce_all('min'), lambda x, dim, keepdim: numpy.min(x),
           reduction(distinct=True, allow_tuple=False), second_order=True),
    OpSpec('max.dim', _max_dim, lambda x, dim, keepdim: _np_dim_reduce(numpy.max, x, dim, keepdim),
           reduction(distinct=True, allow_none=False, allow_tuple=False), second_order=True),
    OpSpec('min.dim', _min_dim, lambda x, dim, keepdim: _np_dim_reduce(numpy.min, x, dim, keepdim),
           reduction(distinct=True, allow_none=False, allow_tuple=False), second_order=True),
    OpSpec('logsumexp', _reduce('logsumexp'), _np_logsumexp, reduction(allow_none=False),
           second_order=True),
    OpSpec('softmax', lambda m, x, dim: m.softmax(x, dim=dim), _np_softmax, softmax_case(),
           second_order=True),
    OpSpec('log_softmax', lambda m, x, dim: m.log_softmax(x, dim=dim),
           lambda x, dim: numpy.log(_np_softmax(x, dim)), softmax_case(), second_order=True),
    # ----------------------------------------------------------------------------- shape and index
    OpSpec('reshape', lambda m, x, shape: m.reshape(x, shape), numpy.reshape, reshape_case()),
    OpSpec('view', lambda m, x, shape: x.view(shape), numpy.reshape, reshape_case()),
    OpSpec('flatten', lambda m, x, start_dim, end_dim: m.flatten(x, start_dim, end_dim), _np_flatten,
           flatten_case()),
    OpSpec('transpose', lambda m, x, dim0, dim1: m.transpose(x, dim0, dim1),
           lambda x, dim0, dim1: numpy.swapaxes(x, dim0, dim1),
           transpose_case()),
    OpSpec('permute', lambda m, x, dims: m.permute(x, dims), lambda x, dims: numpy.transpose(x, dims),
           permute_case()),
    OpSpec('unsqueeze', lambda m, x, dim: m.unsqueeze(x, dim), lambda x, dim: numpy.expand_dims(x, dim),
           unsqueeze_case()),
    OpSpec('squeeze', lambda m, x, dim: m.squeeze(x) if dim is None else m.squeeze(x, dim), _np_squeeze,
           squeeze_case()),
    OpSpec('expand', lambda m, x, sizes: x.expand(sizes), _np_expand, expand_case()),
    OpSpec('cat', lambda m, *xs, dim: m.cat(xs, dim=dim), lambda *xs, dim: numpy.concatenate(xs, axis=dim),
           cat_case()),
    OpSpec('stack', lambda m, *xs, dim: m.stack(xs, dim=dim), lambda *xs, dim: numpy.stack(xs, axis=dim),
           stack_case()),
    OpSpec('getitem.basic', lambda m, x, index: x[index], lambda x, index: x[index], basic_index_case(),
           second_order=True),
    OpSpec('getitem.advanced', lambda m, x, index: x[index], lambda x, index: x[index],
           advanced_index_case(), second_order=True),
    OpSpec('setitem.basic', _setitem, _np_setitem, setitem_case(advanced=False)),
    OpSpec('setitem.advanced', _setitem, _np_setitem, setitem_case(advanced=True)),
    # --------------------------------------------------------------------------------- forward only
    OpSpec('argmax', lambda m, x, dim, keepdim: m.argmax(x, dim=dim, keepdim=keepdim),
           lambda x, dim, keepdim: _np_arg(numpy.argmax, x, dim, keepdim),
           reduction(distinct=True, allow_tuple=False), differentiable=False),
    OpSpec('argmin', lambda m, x, dim, keepdim: m.argmin(x, dim=dim, keepdim=keepdim),
           lambda x, dim, keepdim: _np_arg(numpy.argmin, x, dim, keepdim),
           reduction(distinct=True, allow_tuple=False), differentiable=False),
    OpSpec('max.dim.indices', lambda m, x, dim, keepdim: m.max(x, dim, keepdim=keepdim).indices,
           lambda x, dim, keepdim: _np_arg(numpy.argmax, x, dim, keepdim),
           reduction(distinct=True, allow_none=False, allow_tuple=False), differentiable=False),
    OpSpec('min.dim.indices', lambda m, x, dim, keepdim: m.min(x, dim, keepdim=keepdim).indices,
           lambda x, dim, keepdim: _np_arg(numpy.argmin, x, dim, keepdim),
           reduction(distinct=True, allow_none=False, allow_tuple=False), differentiable=False),
    OpSpec('lt', lambda m, a, b: a < b, numpy.less, comparison_case(), differentiable=False),
    OpSpec('le', lambda m, a, b: a <= b, numpy.less_equal, comparison_case(), differentiable=False),
    OpSpec('gt', lambda m, a, b: a > b, numpy.greater, comparison_case(), differentiable=False),
    OpSpec('ge', lambda m, a, b: a >= b, numpy.greater_equal, comparison_case(), differentiable=False),
    OpSpec('eq', lambda m, a, b: a == b, numpy.equal, comparison_case(), differentiable=False),
    OpSpec('ne', lambda m, a, b: a != b, numpy.not_equal, comparison_case(), differentiable=False),
]

OPS = {spec.name: spec for spec in _SPECS}
"""Every spec by name (``OPS['matmul']``); iterate ``OPS.values()`` for the whole table."""


def _extend_from_rows():
    """Add the rows kept by family in minigrad.testing.rows (one module per family)."""
    import importlib
    from . import rows
    for name in rows.MODULES:
        for spec in importlib.import_module(f'{rows.__name__}.{name}').ROWS:
            if spec.name in OPS:
                raise ValueError(f"op table: two rows are named {spec.name!r}")
            OPS[spec.name] = spec


_extend_from_rows()
