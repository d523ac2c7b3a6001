"""Convolutions: ``conv1d``, ``conv2d`` and ``conv_transpose2d`` (NCHW, PyTorch's arguments and rules).

Three Functions share one geometry (input shape, kernel shape, stride, padding, dilation, groups) and
are each other's derivatives, so gradients of every order come from the same three kernels:

====================  ==================================  ========================================
Function              computes                            backward (upstream ``u``)
====================  ==================================  ========================================
``Conv2d(x, w, b)``   ``y = conv(x, w) + b``              ``dx = ConvTranspose(u, w)``,
                                                          ``dw = ConvWeight(x, u)``, ``db = sum u``
``ConvTranspose(g,w)``  the adjoint of conv in ``x``        ``dg = Conv2d(u, w)``,
                                                          ``dw = ConvWeight(u, g)``
``ConvWeight(x, g)``  the adjoint of conv in ``w``        ``dx = ConvTranspose(g, u)``,
                                                          ``dg = Conv2d(x, u)``
====================  ==================================  ========================================

Kernels (see docs/conv.md for the measurements behind the choices):

- *Layout.* Tensors are (N, C, H, W) at the API, as PyTorch's. In memory the outputs of these kernels
  are laid out (C, H, W, N) -- the batch innermost -- and returned as transposed views: the GEMM writes
  that order directly (no copy to reorder it), and every later slice over a window offset, in im2col,
  col2im and pooling, moves runs of ``W*N`` (stride 1) or ``N`` contiguous numbers instead of runs of
  ``W``. Elementwise ops keep the layout (NumPy allocates results in their inputs' order). An input laid
  out otherwise is copied once into that order (with the zero padding).
- *im2col through a strided view.* The padded input is viewed, without a copy, as
  ``(C, kh, kw, OH, OW, N)`` windows (``backend.as_strided``); one copy turns the view into the column
  matrix ``(C*kh*kw, OH*OW*N)`` and one GEMM ``weight (O, C*kh*kw) @ columns`` gives the output.
- *At most one column buffer alive per convolution*, bounded by :data:`IM2COL_BYTES`: an output whose
  columns would exceed it is computed in bands of output rows, one GEMM per band, written in place
  into the output. Backward does not keep the forward's columns (they are ``kh*kw`` times the input,
  held until backward); it rebuilds them band by band for the weight gradient.
- *col2im* (the transpose): one GEMM ``weight.T @ grad`` gives the columns of the input gradient, which a
  loop over the ``kh*kw`` window offsets adds back into the padded input, one strided slice each.
- 1x1 convolutions with stride 1 and no padding skip im2col: the input itself is the column matrix.
"""
from ..arguments import int_tuple as _tuple
from ..autograd.function import Function
from ..backend import array_module, as_strided
from ..conversion import as_tensor

__all__ = ['conv1d', 'conv2d', 'conv_transpose1d', 'conv_transpose2d']
METHODS = {}

#: Upper bound, in bytes, of the im2col buffer of one convolution; larger batches are split in chunks.
IM2COL_BYTES = 1 << 22


def gemm(a, b, out=None):
    """The matrix products of the convolution kernels (one place, so benchmarks can time them)."""
    xp = array_module(a)
    if out is None:
        return xp.matmul(a, b)
    return xp.matmul(a, b, out=out)


class Geometry:
    """Shapes and hyper-parameters shared by a convolution and its adjoints.

    ``x`` is (N, C, H, W), the kernel (O, C // groups, kh, kw), the output (N, O, OH, OW); ``padding`` is
    (top, bottom, left, right)."""
    __slots__ = ('C', 'H', 'W', 'O', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'pt', 'pb', 'pl', 'pr', 'groups',
                 'OH', 'OW')

    def __init__(self, C, H, W, O, kh, kw, stride, padding, dilation, groups, out_size=None):
        self.C, self.H, self.W, self.O, self.kh, self.kw = C, H, W, O, kh, kw
        (self.sh, self.sw), (self.dh, self.dw), self.groups = stride, dilation, groups
        self.pt, self.pb, self.pl, self.pr = padding
        self.OH = (H + self.pt + self.pb - self.dh * (kh - 1) - 1) // self.sh + 1
        self.OW = (W + self.pl + self.pr - self.dw * (kw - 1) - 1) // self.sw + 1
        if out_size is not None:   # a transposed conv's input, smaller when output_padding >= stride
            self.OH, self.OW = out_size

    @property
    def padded(self):
        return self.pt or self.pb or self.pl or self.pr

    @property
    def pointwise(self):
        return (self.kh == self.kw == self.sh == self.sw == 1 and not self.padded and self.OH == self.H
                and self.OW == self.W)

    def chunks(self, N, itemsize):
        """Ranges of output rows whose im2col buffer stays within IM2COL_BYTES (at least one row)."""
        per_row = self.C * self.kh * self.kw * self.OW * N * itemsize
        step = max(1, min(self.OH, IM2COL_BYTES // max(per_row, 1)))
        return [(r, min(self.OH, r + step)) for r in range(0, self.OH, step)]


def channels_last_batch(x):
    """Whether the (N, C, H, W) array ``x`` is laid out (C, H, W, N) in memory, as this module's outputs."""
    return x.transpose(1, 2, 3, 0).flags.c_contiguous


def _pad_input(x, g):
    """``x`` zero-padded to (N, C, Hp, Wp), laid out (C, Hp, Wp, N) in memory (``x`` itself when it is
    laid out so and needs no padding)."""
    if not g.padded and channels_last_batch(x):
        return x
    xp = array_module(x)
    N = x.shape[0]
    buf = xp.zeros((g.C, g.H + g.pt + g.pb, g.W + g.pl + g.pr, N), dtype=x.dtype)
    buf[:, g.pt:g.pt + g.H, g.pl:g.pl + g.W] = x.transpose(1, 2, 3, 0)
    return buf.transpose(3, 0, 1, 2)


def _columns(xpad, g, r0, r1):
    """The im2col matrix of output rows r0:r1, (groups, C/groups*kh*kw, (r1-r0)*OW*N), rows ordered
    (c, i, j) and columns (oh, ow, n)."""
    N = xpad.shape[0]
    G, rows = g.groups, r1 - r0
    if g.pointwise:
        cols = xpad.transpose(1, 2, 3, 0)[:, r0:r1].reshape(g.C, rows * g.OW * N)   # a view
        return cols.reshape(G, g.C // G, rows * g.OW * N)
    xp = array_module(xpad)
    part = xpad[:, :, r0 * g.sh:]
    sN, sC, sH, sW = part.strides
    windows = as_strided(part, (g.C, g.kh, g.kw, rows, g.OW, N),
                         (sC, sH * g.dh, sW * g.dw, sH * g.sh, sW * g.sw, sN))
    cols = xp.empty((g.C, g.kh, g.kw, rows, g.OW, N), dtype=xpad.dtype)
    cols[...] = windows
    return cols.reshape(G, g.C // G * g.kh * g.kw, rows * g.OW * N)


def _grouped(w, g):
    return w.reshape(g.groups, g.O // g.groups, -1)


def _grad_matrix(grad, g):
    """The output-shaped (N, O, OH, OW) array as (groups, O/groups, OH*OW*N) (a view when it is laid
    out (O, OH, OW, N), as this module's outputs are)."""
    N = grad.shape[0]
    return grad.transpose(1, 2, 3, 0).reshape(g.groups, g.O // g.groups, g.OH * g.OW * N)


def conv_forward(x, w, g):
    """The convolution kernel: (N, C, H, W) * (O, C/groups, kh, kw) -> (N, O, OH, OW), laid out
    (O, OH, OW, N) in memory."""
    xp = array_module(x)
    N = x.shape[0]
    span = g.OW * N
    out = xp.empty((g.O, g.OH, g.OW, N), dtype=x.dtype)
    outg = out.reshape(g.groups, g.O // g.groups, g.OH * span)
    wg = _grouped(w, g)
    xpad = _pad_input(x, g)
    for r0, r1 in g.chunks(N, x.itemsize):
        cols = _columns(xpad, g, r0, r1)
        target = outg[:, :, r0 * span:r1 * span]
        if g.groups == 1:
            gemm(wg[0], cols[0], out=target[0])
        else:
            gemm(wg, cols, out=target)
        del cols
    return out.transpose(3, 0, 1, 2)


def conv_transpose_forward(grad, w, g):
    """The adjoint of conv in x: (N, O, OH, OW) and the kernel -> (N, C, H, W): GEMM, then col2im."""
    xp = array_module(grad)
    N = grad.shape[0]
    span = g.OW * N
    gm = _grad_matrix(grad, g)
    wt = _grouped(w, g).swapaxes(-1, -2)
    if g.pointwise:
        cols = gemm(wt[0], gm[0]) if g.groups == 1 else gemm(wt, gm)
        return cols.reshape(g.C, g.H, g.W, N).transpose(3, 0, 1, 2)
    dx = xp.zeros((g.C, g.H + g.pt + g.pb, g.W + g.pl + g.pr, N), dtype=grad.dtype)
    ws = g.sw * (g.OW - 1) + 1
    for r0, r1 in g.chunks(N, grad.itemsize):
        part = gm[:, :, r0 * span:r1 * span]
        cols = gemm(wt[0], part[0]) if g.groups == 1 else gemm(wt, part)
        cols = cols.reshape(g.C, g.kh, g.kw, r1 - r0, g.OW, N)
        hs = g.sh * (r1 - r0 - 1) + 1
        for i in range(g.kh):
            r = r0 * g.sh + i * g.dh
            for j in range(g.kw):
                c = j * g.dw
                dx[:, r:r + hs:g.sh, c:c + ws:g.sw] += cols[:, i, j]
        del cols
    if g.padded:
        dx = dx[:, g.pt:g.pt + g.H, g.pl:g.pl + g.W]
    return dx.transpose(3, 0, 1, 2)


def conv_weight_forward(x, grad, g):
    """The adjoint of conv in the kernel: grad @ columns.T summed over chunks -> (O, C/groups, kh, kw)."""
    N = x.shape[0]
    span = g.OW * N
    gm = _grad_matrix(grad, g)
    xpad = _pad_input(x, g)
    dw = None
    for r0, r1 in g.chunks(N, x.itemsize):
        cols = _columns(xpad, g, r0, r1)
        part = gm[:, :, r0 * span:r1 * span]
        # columns @ grad.T, (K, O): faster than grad @ columns.T for BLAS on these skinny shapes
        term = gemm(cols[0], part[0].T) if g.groups == 1 else gemm(cols, part.swapaxes(-1, -2))
        dw = term if dw is None else dw.__iadd__(term)
        del cols
    dw = dw.T if g.groups == 1 else dw.swapaxes(-1, -2)
    return array_module(x).ascontiguousarray(dw).reshape(g.O, g.C // g.groups, g.kh, g.kw)


class Conv2d(Function):
    """``conv2d(x, w) + b`` for a given :class:`Geometry`."""

    @staticmethod
    def forward(ctx, x, w, b, g):
        out = conv_forward(x, w, g)
        if b is not None:
            out += b.reshape(1, -1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.g = g
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gx = ConvTranspose.call(grad, w, ctx.g) if needs[0] else None
        gw = ConvWeight.call(x, grad, ctx.g) if needs[1] else None
        gb = grad.sum(axis=(0, 2, 3)) if len(needs) > 2 and needs[2] else None
        return gx, gw, gb, None


class ConvTranspose(Function):
    """The adjoint of ``Conv2d`` in its input (``conv_transpose2d`` without bias)."""

    @staticmethod
    def forward(ctx, grad, w, g):
        ctx.save_for_backward(grad, w)
        ctx.g = g
        return conv_transpose_forward(grad, w, g)

    @staticmethod
    def backward(ctx, u):
        grad, w = ctx.saved_tensors
        needs = ctx.needs_input_grad
        d_grad = Conv2d.call(u, w, None, ctx.g) if needs[0] else None
        d_w = ConvWeight.call(u, grad, ctx.g) if needs[1] else None
        return d_grad, d_w, None


class ConvWeight(Function):
    """The adjoint of ``Conv2d`` in its kernel (the weight gradient, as a differentiable op)."""

    @staticmethod
    def forward(ctx, x, grad, g):
        ctx.save_for_backward(x, grad)
        ctx.g = g
        return conv_weight_forward(x, grad, g)

    @staticmethod
    def backward(ctx, u):
        x, grad = ctx.saved_tensors
        needs = ctx.needs_input_grad
        d_x = ConvTranspose.call(grad, u, ctx.g) if needs[0] else None
        d_grad = Conv2d.call(x, u, None, ctx.g) if needs[1] else None
        return d_x, d_grad, None


# ------------------------------------------------------------------------------ public functions
def _tensor(x):
    return as_tensor(x)


def _check_dtypes(op, x, w, b):
    for other, what in ((w, 'weight'), (b, 'bias')):
        if other is not None and other.dtype != x.dtype:
            raise RuntimeError(f"{op}: input type ({x._array.dtype}) and {what} type ({other._array.dtype}) "
                               f"should be the same; cast one with .to({x.dtype}) or .to({other.dtype})")
    if x._array.dtype.kind != 'f':
        raise RuntimeError(f"{op}: expected a floating point input, got {x.dtype}; cast it with .float()")


def _batched(x, op, spatial):
    """(N, C, *spatial) stays; (C, *spatial) (unbatched, as PyTorch accepts) gets a batch of 1."""
    if x.ndim == spatial + 2:
        return x, False
    if x.ndim == spatial + 1:
        return x.unsqueeze(0), True
    dims = ', '.join(['N', 'C'] + ['H', 'W'][2 - spatial:] if spatial <= 2 else ['N', 'C', 'D', 'H', 'W'])
    raise RuntimeError(f"{op}: expected a {spatial + 2}-D input ({dims}) or {spatial + 1}-D unbatched "
                       f"input, got shape {tuple(x.shape)}")


def _geometry(op, x_shape, w_shape, stride, padding, dilation, groups):
    """Check the arguments of conv2d against the shapes and build its Geometry."""
    N, C, H, W = x_shape
    if len(w_shape) != 4:
        raise RuntimeError(f"{op}: expected a 4-D weight (out_channels, in_channels/groups, kh, kw), got "
                           f"shape {tuple(w_shape)}")
    O, Cg, kh, kw = w_shape
    if not isinstance(groups, int) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    if C != Cg * groups:
        raise RuntimeError(f"{op}: the input has {C} channels but the weight {tuple(w_shape)} with groups="
                           f"{groups} expects {Cg * groups} (in_channels = weight.shape[1] * groups)")
    if O % groups:
        raise RuntimeError(f"{op}: out_channels ({O}) must be divisible by groups ({groups})")
    stride = _tuple(stride, 2, 'stride', op, 1)
    dilation = _tuple(dilation, 2, 'dilation', op, 1)
    if isinstance(padding, str):
        if padding == 'valid':
            pads = (0, 0, 0, 0)
        elif padding == 'same':
            if stride != (1, 1):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions "
                                 f"(stride={stride}); give the padding as numbers")
            th, tw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
            pads = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        else:
            raise ValueError(f"{op}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
    else:
        ph, pw = _tuple(padding, 2, 'padding', op)
        pads = (ph, ph, pw, pw)
    Hp, Wp = H + pads[0] + pads[1], W + pads[2] + pads[3]
    eh, ew = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    if eh > Hp or ew > Wp:
        raise RuntimeError(f"{op}: the kernel ({kh} x {kw}, dilation {dilation}, so {eh} x {ew}) is larger "
                           f"than the padded input ({Hp} x {Wp}, from input {tuple(x_shape)}); use a "
                           "smaller kernel or more padding")
    return Geometry(C, H, W, O, kh, kw, stride, pads, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d``.

    input (N, C, H, W) or unbatched (C, H, W); weight (O, C / groups, kh, kw); bias (O,) ->
    (N, O, OH, OW) with ``OH = (H + 2 * pad - dilation * (kh - 1) - 1) // stride + 1``. ``padding`` is an
    int, a pair, ``'valid'`` (none) or ``'same'`` (output as large as the input; stride 1; an odd total is
    padded more at the bottom/right, as PyTorch).

    >>> F.conv2d(minigrad.ones(1, 1, 4, 4), minigrad.ones(1, 1, 3, 3)).shape
    minigrad.Size([1, 1, 2, 2])
    """
    x, weight = _tensor(input), _tensor(weight)
    bias = None if bias is None else _tensor(bias)
    x, unbatched = _batched(x, 'conv2d', 2)
    _check_dtypes('conv2d', x, weight, bias)
    g = _geometry('conv2d', tuple(x.shape), tuple(weight.shape), stride, padding, dilation, groups)
    if bias is not None and tuple(bias.shape) != (g.O,):
        raise RuntimeError(f"conv2d: bias must have shape ({g.O},) (one per output channel), got "
                           f"{tuple(bias.shape)}")
    out = Conv2d.apply(x, weight, bias, g)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation: input (N, C, L) or (C, L), weight (O, C / groups, k) -> (N, O, OL); the
    arguments as :func:`conv2d`'s (computed as a conv2d of height 1)."""
    x, weight = _tensor(input), _tensor(weight)
    x, unbatched = _batched(x, 'conv1d', 1)
    if weight.ndim != 3:
        raise RuntimeError(f"conv1d: expected a 3-D weight (out_channels, in_channels/groups, k), got "
                           f"shape {tuple(weight.shape)}")
    if not isinstance(padding, str):
        padding = (0, _tuple(padding, 1, 'padding', 'conv1d')[0])
    out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1, _tuple(stride, 1, 'stride', 'conv1d', 1)[0]),
                 padding, (1, _tuple(dilation, 1, 'dilation', 'conv1d', 1)[0]), groups)
    out = out.squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution (the gradient of conv2d with respect to its input), as
    ``torch.nn.functional.conv_transpose2d``.

    input (N, C_in, H, W) or (C_in, H, W); weight (C_in, C_out / groups, kh, kw); bias (C_out,) ->
    (N, C_out, OH, OW), ``OH = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1``.
    ``output_padding`` (smaller than stride or dilation) picks among the input sizes that a strided
    conv2d maps to the same output size.
    """
    op = 'conv_transpose2d'
    x, weight = _tensor(input), _tensor(weight)
    bias = None if bias is None else _tensor(bias)
    x, unbatched = _batched(x, op, 2)
    _check_dtypes(op, x, weight, bias)
    if weight.ndim != 4:
        raise RuntimeError(f"{op}: expected a 4-D weight (in_channels, out_channels/groups, kh, kw), got "
                           f"shape {tuple(weight.shape)}")
    if not isinstance(groups, int) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    N, Cin, H, W = x.shape
    if weight.shape[0] != Cin:
        raise RuntimeError(f"{op}: the input has {Cin} channels but the weight {tuple(weight.shape)} expects "
                           f"{weight.shape[0]} (weight is (in_channels, out_channels/groups, kh, kw))")
    if Cin % groups:
        raise RuntimeError(f"{op}: in_channels ({Cin}) must be divisible by groups ({groups})")
    stride = _tuple(stride, 2, 'stride', op, 1)
    dilation = _tuple(dilation, 2, 'dilation', op, 1)
    pad = _tuple(padding, 2, 'padding', op)
    extra = _tuple(output_padding, 2, 'output_padding', op)
    for k in range(2):
        if extra[k] >= stride[k] and extra[k] >= dilation[k]:
            raise ValueError(f"{op}: output_padding {extra} must be smaller than either stride {stride} or "
                             f"dilation {dilation}")
    kh, kw = weight.shape[2:]
    Cout = weight.shape[1] * groups
    OH = (H - 1) * stride[0] - 2 * pad[0] + dilation[0] * (kh - 1) + extra[0] + 1
    OW = (W - 1) * stride[1] - 2 * pad[1] + dilation[1] * (kw - 1) + extra[1] + 1
    if OH < 1 or OW < 1:
        raise RuntimeError(f"{op}: the output size ({OH} x {OW}) of input {tuple(x.shape)} with kernel "
                           f"{kh} x {kw}, stride {stride}, padding {pad} is not positive; use less padding")
    if bias is not None and tuple(bias.shape) != (Cout,):
        raise RuntimeError(f"{op}: bias must have shape ({Cout},) (one per output channel), got "
                           f"{tuple(bias.shape)}")
    # The adjoint of a conv2d from (N, C_out, OH, OW) to (N, C_in, H, W) with this very weight.
    g = Geometry(Cout, OH, OW, Cin, kh, kw, stride, (pad[0], pad[0], pad[1], pad[1]), dilation, groups,
                 (H, W))
    out = ConvTranspose.apply(x, weight, g)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution: input (N, C_in, L), weight (C_in, C_out / groups, k)."""
    op = 'conv_transpose1d'
    x, weight = _tensor(input), _tensor(weight)
    x, unbatched = _batched(x, op, 1)
    if weight.ndim != 3:
        raise RuntimeError(f"{op}: expected a 3-D weight (in_channels, out_channels/groups, k), got shape "
                           f"{tuple(weight.shape)}")
    one = lambda v, name, m=0: (m if m else 0, _tuple(v, 1, name, op, m)[0])  # noqa: E731
    out = conv_transpose2d(x.unsqueeze(2), weight.unsqueeze(2), bias, one(stride, 'stride', 1),
                           one(padding, 'padding'), one(output_padding, 'output_padding'), groups,
                           one(dilation, 'dilation', 1)).squeeze(2)
    return out.squeeze(0) if unbatched else out
