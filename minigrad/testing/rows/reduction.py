"""Rows of the reduction family: sum, mean, var, amax/amin, max/min (all, along a dim, indices),
argmax/argmin, logsumexp."""
import math

import numpy
from hypothesis import strategies as st

from .. import strategies as mgst
from ..cases import Case, OpSpec


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


def _axis(x, dim):
    """NumPy's ``axis`` for a ``dim``; a 0-d array takes dim 0 or -1 as "all" (PyTorch's rule)."""
    if x.ndim == 0:
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _np_logsumexp(x, dim, keepdim):
    top = x.max(axis=_axis(x, dim), keepdims=True)
    out = numpy.log(numpy.exp(x - top).sum(axis=_axis(x, dim), keepdims=True)) + top
    return out if keepdim else out.reshape(numpy.sum(x, axis=_axis(x, dim)).shape)


def _np_dim_reduce(fn, x, dim, keepdim):
    """max/min along one dim, as a reduction of a 0-d array accepts dim 0 or -1."""
    return fn(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim)


def _np_arg(fn, x, dim, keepdim):
    if dim is None:
        out = numpy.asarray(fn(x))
        return out.reshape((1,) * x.ndim) if keepdim else out
    return numpy.asarray(fn(x, axis=None if x.ndim == 0 else dim, keepdims=keepdim and x.ndim > 0))


def _max_dim(m, x, dim, keepdim):
    return m.max(x, dim, keepdim=keepdim).values


def _min_dim(m, x, dim, keepdim):
    return m.min(x, dim, keepdim=keepdim).values


def _reduce(name):
    return lambda m, x, dim, keepdim: getattr(m, name)(x, dim=dim, keepdim=keepdim)


def _reduce_all(name):
    """max()/min() over every element (dim is None) or values of max(dim)/min(dim)."""
    return lambda m, x, dim, keepdim: getattr(m, name)(x)


ROWS = [
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
]
