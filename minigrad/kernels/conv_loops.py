"""Plain-Python loop versions of convolution and pooling, forward and backward (NCHW nested lists).

The slow, obvious versions of functions/conv.py and functions/pooling.py, as the book writes them: one
Python ``for`` per index, no NumPy. The property tests check that the vectorised kernels give the same
numbers; ``minigrad bench loop-vs-vectorized`` and ``minigrad bench conv`` time them against im2col and
PyTorch.

Data are nested lists of floats (``array.tolist()``): images (N, C, H, W), kernels (O, C / groups, kh,
kw). ``stride``, ``padding`` and ``dilation`` are ints or pairs; padding is zeros (max pooling: -inf).
"""
import math


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _zeros(*shape):
    if len(shape) == 1:
        return [0.0] * shape[0]
    return [_zeros(*shape[1:]) for _ in range(shape[0])]


def corr2d(X, K):
    """The book's two-dimensional cross-correlation of one (H, W) image with one (kh, kw) kernel
    (d2l 7.2): ``Y[i][j] = sum over (a, b) of X[i + a][j + b] * K[a][b]``."""
    h, w = len(K), len(K[0])
    Y = _zeros(len(X) - h + 1, len(X[0]) - w + 1)
    for i in range(len(Y)):
        for j in range(len(Y[0])):
            total = 0.0
            for a in range(h):
                for b in range(w):
                    total += X[i + a][j + b] * K[a][b]
            Y[i][j] = total
    return Y


def _out_size(size, k, s, p, d):
    return (size + 2 * p - d * (k - 1) - 1) // s + 1


def _geometry(x, w, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    N, C, H, W = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    O, Cg, kh, kw = len(w), len(w[0]), len(w[0][0]), len(w[0][0][0])
    OH, OW = _out_size(H, kh, sh, ph, dh), _out_size(W, kw, sw, pw, dw)
    return N, C, H, W, O, Cg, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """``y[n][o][i][j] = b[o] + sum over c, a, e of x[n][c][i*s + a*d - p][j*s + e*d - p] * w[o][c][a][e]``,
    the channels c those of o's group."""
    N, C, H, W, O, Cg, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw = _geometry(x, w, stride, padding, dilation)
    Og = O // groups
    y = _zeros(N, O, OH, OW)
    for n in range(N):
        for o in range(O):
            first = (o // Og) * Cg
            for i in range(OH):
                for j in range(OW):
                    total = b[o] if b is not None else 0.0
                    for c in range(Cg):
                        plane, kernel = x[n][first + c], w[o][c]
                        for a in range(kh):
                            r = i * sh + a * dh - ph
                            if 0 <= r < H:
                                for e in range(kw):
                                    q = j * sw + e * dw - pw
                                    if 0 <= q < W:
                                        total += plane[r][q] * kernel[a][e]
                    y[n][o][i][j] = total
    return y


def conv2d_backward(grad, x, w, stride=1, padding=0, dilation=1, groups=1):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d` for the output gradient ``grad`` (N, O, OH, OW):
    every product ``x * w`` of the forward sends ``grad * w`` to x and ``grad * x`` to w."""
    N, C, H, W, O, Cg, kh, kw, OH, OW, sh, sw, ph, pw, dh, dw = _geometry(x, w, stride, padding, dilation)
    Og = O // groups
    dx, dwt, db = _zeros(N, C, H, W), _zeros(O, Cg, kh, kw), [0.0] * O
    for n in range(N):
        for o in range(O):
            first = (o // Og) * Cg
            for i in range(OH):
                for j in range(OW):
                    g = grad[n][o][i][j]
                    db[o] += g
                    for c in range(Cg):
                        for a in range(kh):
                            r = i * sh + a * dh - ph
                            if 0 <= r < H:
                                for e in range(kw):
                                    q = j * sw + e * dw - pw
                                    if 0 <= q < W:
                                        dx[n][first + c][r][q] += g * w[o][c][a][e]
                                        dwt[o][c][a][e] += g * x[n][first + c][r][q]
    return dx, dwt, db


def _pool_geometry(x, kernel_size, stride, padding):
    (kh, kw), (ph, pw) = _pair(kernel_size), _pair(padding)
    sh, sw = _pair(stride if stride is not None else kernel_size)
    N, C, H, W = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    return N, C, H, W, kh, kw, sh, sw, ph, pw, _out_size(H, kh, sh, ph, 1), _out_size(W, kw, sw, pw, 1)


def _window(H, W, i, j, kh, kw, sh, sw, ph, pw):
    """The (row, column) positions inside the input of window (i, j), in scan order."""
    for a in range(kh):
        r = i * sh + a - ph
        for e in range(kw):
            q = j * sw + e - pw
            if 0 <= r < H and 0 <= q < W:
                yield r, q


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """The maximum of each window (padding counts as -inf) and the flat H*W index of its first
    occurrence: ``(values, indices)``, both (N, C, OH, OW)."""
    N, C, H, W, kh, kw, sh, sw, ph, pw, OH, OW = _pool_geometry(x, kernel_size, stride, padding)
    out, index = _zeros(N, C, OH, OW), _zeros(N, C, OH, OW)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    best, where = -math.inf, None
                    for r, q in _window(H, W, i, j, kh, kw, sh, sw, ph, pw):
                        if x[n][c][r][q] > best or where is None:
                            best, where = x[n][c][r][q], r * W + q
                    out[n][c][i][j], index[n][c][i][j] = best, where
    return out, index


def max_pool2d_backward(grad, x, kernel_size, stride=None, padding=0):
    """Each window's gradient goes to its first maximum (overlapping windows add up)."""
    N, C, H, W = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    _, index = max_pool2d(x, kernel_size, stride, padding)
    dx = _zeros(N, C, H, W)
    for n in range(N):
        for c in range(C):
            for i, row in enumerate(index[n][c]):
                for j, flat in enumerate(row):
                    dx[n][c][flat // W][flat % W] += grad[n][c][i][j]
    return dx


def avg_pool2d(x, kernel_size, stride=None, padding=0):
    """The mean of each window, the zero padding counted in the divisor (``count_include_pad=True``)."""
    N, C, H, W, kh, kw, sh, sw, ph, pw, OH, OW = _pool_geometry(x, kernel_size, stride, padding)
    out = _zeros(N, C, OH, OW)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    total = 0.0
                    for r, q in _window(H, W, i, j, kh, kw, sh, sw, ph, pw):
                        total += x[n][c][r][q]
                    out[n][c][i][j] = total / (kh * kw)
    return out


def avg_pool2d_backward(grad, x, kernel_size, stride=None, padding=0):
    """Each window's gradient shared equally by its kh*kw positions (padding takes its share too)."""
    N, C, H, W, kh, kw, sh, sw, ph, pw, OH, OW = _pool_geometry(x, kernel_size, stride, padding)
    dx = _zeros(N, C, H, W)
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    share = grad[n][c][i][j] / (kh * kw)
                    for r, q in _window(H, W, i, j, kh, kw, sh, sw, ph, pw):
                        dx[n][c][r][q] += share
    return dx
