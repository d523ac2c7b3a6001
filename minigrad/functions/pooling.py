"""Pooling, padding and resampling (NCHW): ``max_pool1d/2d``, ``avg_pool1d/2d``, the adaptive pools,
``pad``, ``interpolate`` and ``dropout2d``, with PyTorch's arguments, output sizes and index rules.

Kernels work on window views, never on one pixel at a time: for each of the kh*kw offsets of a window,
the strided view ``xpad[:, :, i*d : : stride, j*d : : stride]`` holds that offset's element of every
window (:meth:`PoolGeometry.slices`), so a pooling is kh*kw whole-array operations. Padded buffers are
laid out (C, H, W, N) in memory like the convolutions' outputs (functions/conv.py), so those views move
long contiguous runs.

- max pooling takes the elementwise maximum over the offsets and then the first offset holding it (a
  NaN wins, the last NaN of a window, as PyTorch); ``return_indices`` gives that position as a flat
  index into the H*W input plane. The gradient goes through the pair ``WindowScatter`` /
  ``WindowGather``, each the other's derivative; adaptive max pooling, whose windows differ in size,
  gathers by flat index (``PlaneGather`` / ``PlaneScatter``);
- average pooling sums the offsets' views of the zero-padded input and divides by PyTorch's divisor
  (``count_include_pad``, ``divisor_override``, windows cut by ``ceil_mode``); its transpose adds the
  gradient back over the offsets;
- the non-constant pads and nearest interpolation gather along one axis with an index map
  (``AxisTake``), whose adjoint is a scatter-add (``AxisScatter``);
- bilinear interpolation and adaptive average pooling are separable linear maps: two small matrix
  products ``A_h @ x @ A_w.T`` with constant matrices, so every derivative comes from ``matmul``.
"""
import math
import warnings

from ..arguments import int_tuple as _tuple
from ..autograd.function import Function
from ..backend import array_module, random_uniform, scatter_add
from ..conversion import as_tensor, constant
from .elementwise import Mul, clone
from .linalg import matmul

__all__ = ['max_pool1d', 'max_pool2d', 'avg_pool1d', 'adaptive_avg_pool1d', 'adaptive_max_pool1d']
METHODS = {}


# ------------------------------------------------------------------------------------------ helpers
def _batched(x, op, spatial=2):
    """(N, C, *spatial) stays; (C, *spatial) gets a batch of one (PyTorch's unbatched input)."""
    x = as_tensor(x)
    if x.ndim == spatial + 2:
        return x, False
    if x.ndim == spatial + 1:
        return x.unsqueeze(0), True
    names = 'N, C, H, W' if spatial == 2 else 'N, C, L'
    raise RuntimeError(f"{op}: expected a {spatial + 2}-D input ({names}) or a {spatial + 1}-D unbatched "
                       f"input, got shape {tuple(x.shape)}")


def _pool_size(op, size, k, s, p, d, ceil_mode, axis):
    """PyTorch's pooling output size along one axis (pooling_output_shape)."""
    if p > k // 2:
        raise ValueError(f"{op}: padding ({p}) should be at most half of the kernel size ({k}) along "
                         f"{axis}")
    span = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = span // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    if out < 1:
        raise RuntimeError(f"{op}: the output size along {axis} is {out}: the kernel ({k}, dilation {d}) "
                           f"is larger than the padded input ({size} + 2 * {p}); use a smaller kernel or "
                           "more padding")
    return out


class PoolGeometry:
    """Window geometry of a pooling: input (N, C, H, W), kernel, stride, padding, dilation, output."""
    __slots__ = ('H', 'W', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'OH', 'OW', 'Hp', 'Wp')

    def __init__(self, op, H, W, kernel, stride, padding, dilation, ceil_mode):
        self.H, self.W = H, W
        (self.kh, self.kw), (self.sh, self.sw) = kernel, stride
        (self.ph, self.pw), (self.dh, self.dw) = padding, dilation
        self.OH = _pool_size(op, H, self.kh, self.sh, self.ph, self.dh, ceil_mode, 'H')
        self.OW = _pool_size(op, W, self.kw, self.sw, self.pw, self.dw, ceil_mode, 'W')
        # the padded extent the windows reach (ceil_mode may reach past the padding on the right)
        self.Hp = max(H + 2 * self.ph, (self.OH - 1) * self.sh + self.dh * (self.kh - 1) + 1)
        self.Wp = max(W + 2 * self.pw, (self.OW - 1) * self.sw + self.dw * (self.kw - 1) + 1)

    def padded(self, x, fill):
        """``x`` inside an (N, C, Hp, Wp) buffer filled with ``fill``, laid out (C, Hp, Wp, N) in memory as
        the convolutions' outputs (``x`` itself when no padding is needed)."""
        if self.Hp == self.H and self.Wp == self.W:
            return x
        buf = self.blank(x, fill, x.dtype)
        buf[:, :, self.ph:self.ph + self.H, self.pw:self.pw + self.W] = x
        return buf

    def blank(self, like, fill, dtype):
        """An (N, C, Hp, Wp) array filled with ``fill``, laid out (C, Hp, Wp, N)."""
        xp = array_module(like)
        N, C = like.shape[:2]
        return xp.full((C, self.Hp, self.Wp, N), fill, dtype=dtype).transpose(3, 0, 1, 2)

    def slices(self, xpad):
        """For each window offset k = i * kw + j: the (N, C, OH, OW) strided view of the padded input
        that offset meets in every window."""
        return [xpad[:, :, rows, cols] for _, _, rows, cols in self.offsets()]

    def offsets(self):
        """(row, column) slices of the padded input met by window offset (i, j), for each offset."""
        hs, ws = self.sh * (self.OH - 1) + 1, self.sw * (self.OW - 1) + 1
        for i in range(self.kh):
            for j in range(self.kw):
                r, c = i * self.dh, j * self.dw
                yield i, j, slice(r, r + hs, self.sh), slice(c, c + ws, self.sw)

    def crop(self, xpad):
        return xpad[:, :, self.ph:self.ph + self.H, self.pw:self.pw + self.W]



def _pool_geometry(op, x, kernel_size, stride, padding, dilation, ceil_mode):
    kernel = _tuple(kernel_size, 2, 'kernel_size', op, 1)
    stride = kernel if stride is None or stride == () or stride == [] else _tuple(stride, 2, 'stride', op, 1)
    return PoolGeometry(op, x.shape[2], x.shape[3], kernel, stride, _tuple(padding, 2, 'padding', op),
                        _tuple(dilation, 2, 'dilation', op, 1), ceil_mode)


def batch_innermost(a):
    """Whether the (N, C, H, W) array ``a`` is laid out (C, H, W, N) in memory (see functions/conv.py)."""
    return a.ndim == 4 and a.transpose(1, 2, 3, 0).flags.c_contiguous


def same_layout(a, like):
    """``a`` copied to the (C, H, W, N) memory order of ``like`` when their layouts differ (elementwise
    work on two layouts at once is several times slower than either)."""
    if batch_innermost(like) and not batch_innermost(a):
        xp = array_module(a)
        return xp.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    return a


# ------------------------------------------------------------------------ gather / scatter in planes
class PlaneGather(Function):
    """``out[n, c, ...] = x[n, c].flat[index[n, c, ...]]``: the values at flat H*W indices."""

    @staticmethod
    def forward(ctx, x, index, unique):
        xp = array_module(x)
        N, C = x.shape[:2]
        ctx.index, ctx.unique, ctx.plane = index, unique, x.shape[2:]
        flat = xp.take_along_axis(x.reshape(N, C, -1), index.reshape(N, C, -1), axis=-1)
        return flat.reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        return PlaneScatter.call(grad, ctx.index, ctx.plane, ctx.unique), None, None


class PlaneScatter(Function):
    """The adjoint of :class:`PlaneGather`: zeros of shape (N, C, *plane) with ``grad`` added at the
    indices (repeated indices accumulate; ``unique`` promises there are none, which is faster)."""

    @staticmethod
    def forward(ctx, grad, index, plane, unique):
        xp = array_module(grad)
        N, C = grad.shape[:2]
        ctx.index, ctx.unique = index, unique
        size = 1
        for n in plane:
            size *= n
        out = xp.zeros((N, C, size), dtype=grad.dtype)
        idx, vals = index.reshape(N, C, -1), grad.reshape(N, C, -1)
        if unique:
            xp.put_along_axis(out, idx, vals, axis=-1)
        else:
            rows = xp.arange(N).reshape(N, 1, 1)
            chans = xp.arange(C).reshape(1, C, 1)
            scatter_add(out, (rows, chans, idx), vals)
        return out.reshape((N, C) + tuple(plane))

    @staticmethod
    def backward(ctx, grad):
        return PlaneGather.call(grad, ctx.index, ctx.unique), None, None, None


# ------------------------------------------------------------------------------------- max pooling
def _window_max(x, g):
    """The maximum of each window and its offset in the window (first maximum; a NaN wins, the last
    NaN of a window as in PyTorch): ((N, C, OH, OW) values, int8/int32 offsets k = i * kw + j)."""
    xp = array_module(x)
    views = g.slices(g.padded(x, -math.inf))
    kk = len(views)
    kind = xp.int8 if kk < 128 else xp.int32
    best = views[0] + 0 if kk == 1 else xp.maximum(views[0], views[1])
    for v in views[2:]:
        xp.maximum(best, v, out=best)
    if bool(xp.isnan(best).any()):
        best = views[0] + 0
        where = xp.zeros_like(best, dtype=kind)
        for k in range(1, kk):
            v = views[k]
            m = (v > best) | xp.isnan(v)
            xp.copyto(best, v, where=m)
            xp.copyto(where, k, where=m)
        return best, where
    where = xp.full_like(best, kk - 1, dtype=kind)
    for k in range(kk - 2, -1, -1):   # descending, so the first offset holding the maximum stays
        hit = views[k] == best           # arithmetic instead of a masked copy: no branch per element
        where -= hit * (where - k)
    return best, where


def _plane_index(where, g):
    """Window offsets -> flat indices into the H*W input plane (PyTorch's return_indices)."""
    xp = array_module(where)
    i, j = where // g.kw, where % g.kw
    rows = xp.arange(g.OH).reshape(-1, 1) * g.sh - g.ph + i.astype(xp.int64) * g.dh
    cols = xp.arange(g.OW).reshape(1, -1) * g.sw - g.pw + j.astype(xp.int64) * g.dw
    return rows * g.W + cols


class MaxPool(Function):
    """The maximum of each window, found by :func:`_window_max` (``best``, at offsets ``where``); the
    gradient goes to the maximum's position (``WindowScatter``)."""

    @staticmethod
    def forward(ctx, x, g, best, where):
        ctx.g, ctx.where = g, where
        return best

    @staticmethod
    def backward(ctx, grad):
        return WindowScatter.call(grad, ctx.g, ctx.where), None, None, None


class WindowScatter(Function):
    """Each window's value sent to the input position at its offset ``where`` (overlaps accumulate)."""

    @staticmethod
    def forward(ctx, grad, g, where):
        xp = array_module(grad)
        ctx.g, ctx.where = g, where
        grad = same_layout(grad, where)
        dx = g.blank(grad, 0, grad.dtype)
        disjoint = g.sh >= g.dh * (g.kh - 1) + 1 and g.sw >= g.dw * (g.kw - 1) + 1
        for k, view in enumerate(g.slices(dx)):
            if disjoint:   # each input position belongs to one window at most: no sum needed
                xp.multiply(grad, where == k, out=view)
            else:
                view += grad * (where == k)
        return g.crop(dx)

    @staticmethod
    def backward(ctx, grad):
        return WindowGather.call(grad, ctx.g, ctx.where), None, None


class WindowGather(Function):
    """The adjoint of :class:`WindowScatter`: each window's element at offset ``where``."""

    @staticmethod
    def forward(ctx, x, g, where):
        xp = array_module(x)
        ctx.g, ctx.where = g, where
        views = g.slices(g.padded(x, 0))
        out = xp.multiply(views[0], where == 0)
        for k in range(1, len(views)):
            out += views[k] * (where == k)
        return out

    @staticmethod
    def backward(ctx, grad):
        return WindowScatter.call(grad, ctx.g, ctx.where), None, None


def _check_float(op, x):
    if x._array.dtype.kind != 'f':
        raise RuntimeError(f"{op}: expected a floating point input, got {x.dtype}; cast it with .float()")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over kh x kw windows: (N, C, H, W) or (C, H, W) -> (N, C, OH, OW), as
    ``torch.nn.functional.max_pool2d`` (``stride`` defaults to the kernel size; padding counts as -inf).
    With ``return_indices=True`` also returns each maximum's flat index into its H*W input plane."""
    x, unbatched = _batched(input, 'max_pool2d')
    _check_float('max_pool2d', x)
    g = _pool_geometry('max_pool2d', x, kernel_size, stride, padding, dilation, ceil_mode)
    best, where = _window_max(x._array, g)
    out = MaxPool.apply(x, g, best, where)
    if not return_indices:
        return out.squeeze(0) if unbatched else out
    index = _plane_index(where, g)
    if unbatched:
        out, index = out.squeeze(0), index[0]
    return out, constant(index)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Maximum over windows of length k: (N, C, L) or (C, L) -> (N, C, OL)."""
    x, unbatched = _batched(input, 'max_pool1d', 1)
    one = lambda v, name, m=0: (1 if m else 0, _tuple(v, 1, name, 'max_pool1d', m)[0])  # noqa: E731
    result = max_pool2d(x.unsqueeze(2), one(kernel_size, 'kernel_size', 1),
                        None if stride is None else one(stride, 'stride', 1), one(padding, 'padding'),
                        one(dilation, 'dilation', 1), ceil_mode, return_indices)
    out, index = result if return_indices else (result, None)
    out = out.squeeze(2)
    if unbatched:
        out = out.squeeze(0)
    if return_indices:
        index = index.squeeze(2)
        return out, (index.squeeze(0) if unbatched else index)
    return out


# --------------------------------------------------------------------------------- average pooling
def _divisor(g, count_include_pad, divisor_override, xp, dtype):
    """PyTorch's divisor of each window: a number, or an (OH, OW) array where windows differ."""
    if divisor_override:
        return float(divisor_override)

    def counts(n_out, s, p, k, size):
        full, inside = [], []
        for o in range(n_out):
            start = o * s - p
            end = min(start + k, size + p)
            full.append(end - start)
            inside.append(min(end, size) - max(start, 0))
        return full, inside

    fh, ih = counts(g.OH, g.sh, g.ph, g.kh, g.H)
    fw, iw = counts(g.OW, g.sw, g.pw, g.kw, g.W)
    rows, cols = (fh, fw) if count_include_pad else (ih, iw)
    if len(set(rows)) == 1 and len(set(cols)) == 1:
        return float(rows[0] * cols[0])
    return xp.asarray([[r * c for c in cols] for r in rows], dtype=dtype)


class AvgPool(Function):
    """Window sums of the zero-padded input divided by the divisor."""

    @staticmethod
    def forward(ctx, x, g, divisor):
        ctx.g, ctx.divisor = g, divisor
        views = g.slices(g.padded(x, 0))
        out = views[0] / divisor if len(views) == 1 else views[0] + views[1]
        for v in views[2:]:
            out += v
        if len(views) > 1:
            out /= divisor
        return out

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolTranspose.call(grad, ctx.g, ctx.divisor), None, None


class AvgPoolTranspose(Function):
    """The adjoint of :class:`AvgPool`: each window's share added back over the kh*kw offsets."""

    @staticmethod
    def forward(ctx, grad, g, divisor):
        ctx.g, ctx.divisor = g, divisor
        share = grad / divisor
        dx = g.blank(grad, 0, grad.dtype)
        share = same_layout(share, dx)
        for view in g.slices(dx):
            view += share
        return g.crop(dx)

    @staticmethod
    def backward(ctx, grad):
        return AvgPool.call(grad, ctx.g, ctx.divisor), None, None


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Mean over kh x kw windows: (N, C, H, W) or (C, H, W) -> (N, C, OH, OW), as
    ``torch.nn.functional.avg_pool2d``. ``count_include_pad`` counts the zero padding in the divisor;
    ``divisor_override`` replaces the divisor."""
    x, unbatched = _batched(input, 'avg_pool2d')
    _check_float('avg_pool2d', x)
    if divisor_override is not None and divisor_override == 0:
        raise ValueError("avg_pool2d: divisor_override must be non-zero")
    g = _pool_geometry('avg_pool2d', x, kernel_size, stride, padding, 1, ceil_mode)
    divisor = _divisor(g, count_include_pad, divisor_override, array_module(x._array), x._array.dtype)
    out = AvgPool.apply(x, g, divisor)
    return out.squeeze(0) if unbatched else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """Mean over windows of length k: (N, C, L) or (C, L) -> (N, C, OL)."""
    x, unbatched = _batched(input, 'avg_pool1d', 1)
    one = lambda v, name, m=0: (1 if m else 0, _tuple(v, 1, name, 'avg_pool1d', m)[0])  # noqa: E731
    out = avg_pool2d(x.unsqueeze(2), one(kernel_size, 'kernel_size', 1),
                     None if stride is None else one(stride, 'stride', 1), one(padding, 'padding'),
                     ceil_mode, count_include_pad).squeeze(2)
    return out.squeeze(0) if unbatched else out


# -------------------------------------------------------------------------------- adaptive pooling
def _adaptive_size(op, output_size, x):
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise ValueError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
        size = tuple(x.shape[2 + k] if v is None else v for k, v in enumerate(output_size))
    else:
        size = (output_size, output_size)
    size = _tuple(size, 2, 'output_size', op, 0)
    if any(v == 0 for v in size):
        raise ValueError(f"{op}: output_size must be positive, got {size}")
    return size


def _bins(n_in, n_out):
    """PyTorch's adaptive windows: [floor(i * n_in / n_out), ceil((i + 1) * n_in / n_out))."""
    return [((i * n_in) // n_out, -(-((i + 1) * n_in) // n_out)) for i in range(n_out)]


def _averaging_matrix(n_in, n_out, xp, dtype):
    rows = []
    for start, end in _bins(n_in, n_out):
        rows.append([1.0 / (end - start) if start <= k < end else 0.0 for k in range(n_in)])
    return xp.asarray(rows, dtype=dtype)


def adaptive_avg_pool2d(input, output_size):
    """Mean over the adaptive windows that give an (OH, OW) output, as
    ``torch.nn.functional.adaptive_avg_pool2d``; ``output_size`` is an int or a pair (None keeps a size)."""
    x, unbatched = _batched(input, 'adaptive_avg_pool2d')
    _check_float('adaptive_avg_pool2d', x)
    oh, ow = _adaptive_size('adaptive_avg_pool2d', output_size, x)
    H, W = x.shape[2:]
    if (oh, ow) == (1, 1):
        out = x.mean(dim=(2, 3), keepdim=True)
    elif H % oh == 0 and W % ow == 0:
        out = avg_pool2d(x, (H // oh, W // ow))
    else:
        xp, dtype = array_module(x._array), x._array.dtype
        rows = constant(_averaging_matrix(H, oh, xp, dtype))
        cols = constant(_averaging_matrix(W, ow, xp, dtype).T.copy())
        out = matmul(rows, matmul(x, cols))
    return out.squeeze(0) if unbatched else out


def adaptive_avg_pool1d(input, output_size):
    x, unbatched = _batched(input, 'adaptive_avg_pool1d', 1)
    size = _tuple(output_size, 1, 'output_size', 'adaptive_avg_pool1d', 1)[0]
    out = adaptive_avg_pool2d(x.unsqueeze(2), (1, size)).squeeze(2)
    return out.squeeze(0) if unbatched else out


def _window_table(n_in, n_out, xp):
    """(n_out, kmax) indices of each adaptive window, short windows padded with their last index."""
    bins = _bins(n_in, n_out)
    kmax = max(end - start for start, end in bins)
    return xp.asarray([[min(start + t, end - 1) for t in range(kmax)] for start, end in bins]), kmax


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Maximum over the adaptive windows that give an (OH, OW) output, as
    ``torch.nn.functional.adaptive_max_pool2d`` (first maximum; indices flat into the H*W plane)."""
    x, unbatched = _batched(input, 'adaptive_max_pool2d')
    _check_float('adaptive_max_pool2d', x)
    oh, ow = _adaptive_size('adaptive_max_pool2d', output_size, x)
    a = x._array
    xp = array_module(a)
    N, C, H, W = a.shape
    rows, kh = _window_table(H, oh, xp)
    cols, kw = _window_table(W, ow, xp)
    win = a[:, :, rows][:, :, :, :, cols]                     # (N, C, oh, kh, ow, kw)
    local = win.transpose(0, 1, 2, 4, 3, 5).reshape(N, C, oh, ow, kh * kw).argmax(axis=-1)
    r = rows[xp.arange(oh).reshape(-1, 1), local // kw]
    c = cols[xp.arange(ow).reshape(1, -1), local % kw]
    index = r * W + c
    out = PlaneGather.apply(x, index, H % oh == 0 and W % ow == 0)
    if unbatched:
        out, index = out.squeeze(0), index[0]
    if return_indices:
        return out, constant(index)
    return out


def adaptive_max_pool1d(input, output_size, return_indices=False):
    x, unbatched = _batched(input, 'adaptive_max_pool1d', 1)
    size = _tuple(output_size, 1, 'output_size', 'adaptive_max_pool1d', 1)[0]
    result = adaptive_max_pool2d(x.unsqueeze(2), (1, size), return_indices)
    out, index = result if return_indices else (result, None)
    out = out.squeeze(2)
    if unbatched:
        out = out.squeeze(0)
    if return_indices:
        index = index.squeeze(2)
        return out, (index.squeeze(0) if unbatched else index)
    return out


# ----------------------------------------------------------------------------------------- padding
class AxisTake(Function):
    """``x.take(index, axis)``: a gather along one axis with a fixed index map."""

    @staticmethod
    def forward(ctx, x, index, axis):
        ctx.index, ctx.axis, ctx.size = index, axis, x.shape[axis]
        return array_module(x).take(x, index, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return AxisScatter.call(grad, ctx.index, ctx.axis, ctx.size), None, None


class AxisScatter(Function):
    """The adjoint of :class:`AxisTake`: ``grad`` added back along ``axis`` (repeats accumulate)."""

    @staticmethod
    def forward(ctx, grad, index, axis, size):
        ctx.index, ctx.axis = index, axis
        xp = array_module(grad)
        shape = list(grad.shape)
        shape[axis] = size
        out = xp.zeros(tuple(shape), dtype=grad.dtype)
        scatter_add(out, (slice(None),) * axis + (index,), grad)
        return out

    @staticmethod
    def backward(ctx, grad):
        return AxisTake.call(grad, ctx.index, ctx.axis), None, None, None


class PadConstant(Function):
    """``x`` placed inside a block filled with ``value`` (non-negative pads per dimension)."""

    @staticmethod
    def forward(ctx, x, pads, value):
        xp = array_module(x)
        shape = tuple(n + a + b for n, (a, b) in zip(x.shape, pads))
        out = xp.full(shape, value, dtype=x.dtype)
        ctx.inner = tuple(slice(a, a + n) for n, (a, _) in zip(x.shape, pads))
        out[ctx.inner] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.inner], None, None


_MODES = ('constant', 'reflect', 'replicate', 'circular')


def _source_index(position, n, mode):
    if mode == 'replicate':
        return min(max(position, 0), n - 1)
    if mode == 'circular':
        return position % n
    period = 2 * (n - 1)   # reflect
    if period == 0:
        return 0
    position %= period
    return position if position < n else period - position


def pad(input, pad, mode='constant', value=None):
    """Pad the last ``len(pad) // 2`` dimensions, as ``torch.nn.functional.pad``: ``pad`` is
    ``(left, right, top, bottom, front, back)`` from the last dimension backwards. ``mode`` 'constant'
    (fill ``value``, default 0; negative pads crop) pads any number of dimensions; 'reflect' (mirror
    without repeating the edge), 'replicate' (repeat the edge) and 'circular' (wrap around) pad the last
    1, 2 or 3 dimensions of a 2-D to 5-D input."""
    x = as_tensor(input)
    if not isinstance(pad, (tuple, list)) or len(pad) % 2:
        raise ValueError(f"pad: the padding must be a tuple of an even number of ints (left, right, ...), "
                         f"got {pad!r}")
    pad = _tuple(tuple(pad), len(pad), 'pad', 'pad', -(1 << 62)) if pad else ()
    dims = len(pad) // 2
    if dims > x.ndim:
        raise ValueError(f"pad: padding of length {len(pad)} pads {dims} dimensions but the input has only "
                         f"{x.ndim} (shape {tuple(x.shape)})")
    if mode not in _MODES:
        raise NotImplementedError(f"pad: mode must be one of {', '.join(_MODES)}, got {mode!r}")
    per_dim = [(0, 0)] * (x.ndim - dims) + [(pad[2 * k], pad[2 * k + 1]) for k in reversed(range(dims))]
    if mode == 'constant':
        crop = tuple(slice(-a if a < 0 else 0, n + b if b < 0 else n)
                     for n, (a, b) in zip(x.shape, per_dim))
        if any(a < 0 or b < 0 for a, b in per_dim):
            x = x[crop]
        positive = tuple((max(a, 0), max(b, 0)) for a, b in per_dim)
        if any(n < 0 for n in x.shape) or any(n + a + b < 0 for n, (a, b) in zip(x.shape, positive)):
            raise RuntimeError(f"pad: the padding {tuple(pad)} gives a negative size for input "
                               f"{tuple(input.shape)}")
        if not any(a or b for a, b in positive):
            return x if x is not input else clone(x) if x.requires_grad else x
        return PadConstant.apply(x, positive, 0.0 if value is None else value)
    if value:
        raise ValueError(f"pad: padding mode {mode!r} does not take a value (only 'constant' does)")
    if not 1 <= dims <= 3 or x.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(f"pad: mode {mode!r} pads the last 1, 2 or 3 dimensions of a 2-D to 5-D "
                                  f"input ({dims + 1}-D or {dims + 2}-D for a padding of length {len(pad)}), "
                                  f"got input of shape {tuple(x.shape)}")
    xp = array_module(x._array)
    out = x
    for axis in range(x.ndim - dims, x.ndim):
        a, b = per_dim[axis]
        n = x.shape[axis]
        if mode == 'reflect' and (a >= n or b >= n):
            raise RuntimeError(f"pad: reflect padding ({a}, {b}) must be smaller than the dimension it "
                               f"pads (size {n}, input {tuple(x.shape)})")
        if mode == 'circular' and (a > n or b > n):
            raise RuntimeError(f"pad: circular padding ({a}, {b}) must be at most the size of the dimension "
                               f"it pads (size {n}, input {tuple(x.shape)})")
        if not (a or b):
            continue
        index = xp.asarray([_source_index(p, n, mode) for p in range(-a, n + b)])
        out = AxisTake.apply(out, index, axis)
    return out


# ------------------------------------------------------------------------------------ interpolation
def _linear_matrix(n_in, n_out, scale, align_corners, xp, dtype):
    """The (n_out, n_in) matrix of 1-D linear interpolation with PyTorch's source-index rule."""
    if align_corners:
        step = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        step = 1.0 / scale if scale else n_in / n_out
    rows = []
    for o in range(n_out):
        src = step * o if align_corners else max(step * (o + 0.5) - 0.5, 0.0)
        i0 = min(int(math.floor(src)), n_in - 1)
        i1 = min(i0 + 1, n_in - 1)
        lam = src - i0
        row = [0.0] * n_in
        row[i0] += 1.0 - lam
        row[i1] += lam
        rows.append(row)
    return xp.asarray(rows, dtype=dtype)


def _nearest_index(n_in, n_out, scale, xp):
    step = 1.0 / scale if scale else n_in / n_out
    import struct
    f32 = lambda v: struct.unpack('f', struct.pack('f', v))[0]  # noqa: E731  (PyTorch computes in float)
    step = f32(step)
    return xp.asarray([min(int(math.floor(f32(o * step))), n_in - 1) for o in range(n_out)])


def interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resample the spatial dimensions, as ``torch.nn.functional.interpolate``: 'nearest' (3-D to 5-D
    input), 'linear' (3-D) and 'bilinear' (4-D), to ``size`` or by ``scale_factor`` (output size
    ``floor(in * scale)``), with PyTorch's ``align_corners`` rule for the linear modes."""
    x = as_tensor(input)
    spatial = x.ndim - 2
    if spatial < 1:
        raise ValueError(f"interpolate: expected a 3-D to 5-D input (N, C, ...), got shape {tuple(x.shape)}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    needed = {'linear': 1, 'bilinear': 2}
    if mode not in ('nearest', 'linear', 'bilinear'):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; use 'nearest', 'linear' "
                                  "or 'bilinear'")
    if mode in needed and spatial != needed[mode]:
        raise ValueError(f"interpolate: mode {mode!r} needs a {needed[mode] + 2}-D input, got shape "
                         f"{tuple(x.shape)}")
    if mode == 'nearest' and align_corners is not None:
        raise ValueError("interpolate: align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    in_sizes = tuple(x.shape[2:])
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * spatial
        if len(sizes) != spatial:
            raise ValueError(f"interpolate: size {size!r} must have {spatial} entries for input "
                             f"{tuple(x.shape)}")
        sizes = _tuple(sizes, spatial, 'size', 'interpolate', 1)
        scales = (None,) * spatial
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * spatial
        if len(scales) != spatial or any(s <= 0 for s in scales):
            raise ValueError(f"interpolate: scale_factor {scale_factor!r} must be {spatial} positive numbers")
        sizes = tuple(int(math.floor(n * s)) for n, s in zip(in_sizes, scales))
        if recompute_scale_factor:
            scales = (None,) * spatial
    xp, dtype = array_module(x._array), x._array.dtype
    out = x
    if mode == 'nearest':
        for k in range(spatial):
            if sizes[k] != in_sizes[k] or scales[k] not in (None, 1):
                out = AxisTake.apply(out, _nearest_index(in_sizes[k], sizes[k], scales[k], xp), 2 + k)
        return out
    align = bool(align_corners)
    last = constant(_linear_matrix(in_sizes[-1], sizes[-1], scales[-1], align, xp, dtype).T.copy())
    out = matmul(out, last)
    if spatial == 2:
        rows = constant(_linear_matrix(in_sizes[0], sizes[0], scales[0], align, xp, dtype))
        out = matmul(rows, out)
    return out


def upsample(input, size=None, scale_factor=None, mode='nearest', align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


# ----------------------------------------------------------------------------------------- dropout
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Channel dropout, as ``torch.nn.functional.dropout2d``: in training, zero whole channels of an
    (N, C, H, W) input with probability ``p`` and scale the rest by ``1 / (1 - p)``. A 3-D input is taken
    as (N, C, L), with PyTorch's warning."""
    x = as_tensor(input)
    if not 0 <= p <= 1:
        raise ValueError(f"dropout2d: dropout probability has to be between 0 and 1, but got {p}")
    if x.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {x.ndim}-D input to dropout2d, which is deprecated; "
                      "dropout2d expects (N, C, H, W) or (C, H, W) inputs (use dropout instead)",
                      stacklevel=2)
    if x.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
                      "dropout behavior is desired - input is interpreted as shape (N, C, L), as PyTorch "
                      "does (use dropout1d for that)", stacklevel=2)
    if not training or p == 0:
        return x
    if x.ndim < 2:
        raise RuntimeError(f"dropout2d: the input needs a channel dimension, got shape {tuple(x.shape)}")
    a = x._array
    mask_shape = a.shape[:2] + (1,) * (a.ndim - 2)
    if p == 1:
        mask = array_module(a).zeros(mask_shape, dtype=a.dtype)
    else:
        mask = (random_uniform(mask_shape, 0.0, 1.0, a.dtype, x.device) >= p).astype(a.dtype)
        mask *= 1.0 / (1.0 - p)
    if inplace:
        return x._inplace(Mul, mask)
    return Mul.apply(x, mask)
