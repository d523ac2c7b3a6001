"""Linear algebra with gradients: inv, det, slogdet, solve, cholesky, qr, svd, eigh, pinv and the public
functions behind ``minigrad.linalg`` (batched over leading dimensions, real dtypes).

The backward formulas are PyTorch's (real case):

- ``inv``: ``gA = -Yᵀ g Yᵀ`` with ``Y = A⁻¹``; ``solve``: ``gB = A⁻ᵀ g``, ``gA = -gB Xᵀ``;
- ``det``: ``g det(A) A⁻ᵀ`` (through the SVD's adjugate for singular matrices); ``slogdet``: ``g A⁻ᵀ``;
- ``cholesky``: ``L⁻ᵀ Φ(Lᵀ gL) L⁻¹`` symmetrised (Φ: lower triangle, half diagonal);
- ``qr`` (reduced, m >= n): ``(gQ + Q copyltu(M)) R⁻ᵀ`` with ``M = R gRᵀ - gQᵀ Q``;
- ``svd`` / ``eigh``: the spectral formulas with ``F_ij = 1 / (s_j² - s_i²)`` (``1 / (w_j - w_i)``),
  which are infinite for repeated singular values / eigenvalues, as in PyTorch;
- ``pinv``: the formula of Golub and Pereyra that PyTorch uses.

``inv``, ``solve``, ``det`` and ``slogdet`` backward passes are written with differentiable ops, so
second derivatives work for them; the decompositions give first derivatives.
"""
import builtins

from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..autograd.function import Function
from ..backend import array_module
from ..outputs import named, write_out

__all__ = ['det', 'logdet', 'slogdet', 'inverse', 'pinverse', 'matrix_power', 'cholesky', 'qr', 'svd',
           'cholesky_inverse', 'matrix_exp']

_pyint = builtins.int
_slogdet_result = named('slogdet', ['sign', 'logabsdet'])
_qr_result = named('qr', ['Q', 'R'])
_svd_result = named('svd', ['U', 'S', 'Vh'])
_torch_svd_result = named('svd', ['U', 'S', 'V'])
_eigh_result = named('eigh', ['eigenvalues', 'eigenvectors'])
_lstsq_result = named('lstsq', ['solution', 'residuals', 'rank', 'singular_values'])


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed: a singular matrix, one that is not positive-definite, ..."""


def _mT(x):
    return x.swapaxes(-1, -2)


def _linalg_call(op, fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # numpy.linalg.LinAlgError, CuPy's equivalent
        if type(exc).__name__ == 'LinAlgError':
            raise LinAlgError(f"linalg.{op}: {exc}. The matrix is singular (or, for cholesky, not "
                              "positive-definite); check its rank or use pinv / lstsq") from None
        raise


def _square(op, t):
    if t.ndim < 2 or t.shape[-1] != t.shape[-2]:
        raise RuntimeError(f"linalg.{op}: expected a square matrix (or a batch of them), got shape "
                           f"{tuple(t.shape)}")


def _float(op, t):
    t = ops.as_tensor(t)
    if t._array.dtype.kind != 'f':
        raise RuntimeError(f"linalg.{op}: expected a floating tensor, got {t.dtype}; convert with .float() "
                           "or .double()")
    return t


# ------------------------------------------------------------------------------------- functions
class Inv(Function):
    @staticmethod
    def forward(ctx, a):
        out = _linalg_call('inv', array_module(a).linalg.inv, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        yt = _mT(y)
        return -(yt @ grad @ yt)


class Solve(Function):
    """``X = A⁻¹ B`` with ``B`` a batch of matrices (vectors are handled by the public function)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = array_module(a)
        out = _linalg_call('solve', xp.linalg.solve, a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        gb = Solve.call(_mT(a), grad)
        ga = -(gb @ _mT(x)) if ctx.needs_input_grad[0] else None
        return ga, gb


class Det(Function):
    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        out = xp.linalg.det(a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, d = ctx.saved_tensors
        raw_d = getattr(d, '_array', d)
        g = (grad * d)[..., None, None]
        if bool((raw_d != 0).all()):
            return g * _mT(Inv.call(a))
        # singular matrices: the adjugate from the SVD (first derivatives)
        raw_a = getattr(a, '_array', a)
        xp = array_module(raw_a)
        u, s, vh = xp.linalg.svd(raw_a)
        n = s.shape[-1]
        others = xp.stack([xp.prod(xp.where(xp.eye(n, dtype=bool)[i], 1, s), axis=-1) for i in range(n)], -1)
        sign = xp.linalg.det(u) * xp.linalg.det(vh)
        adjugate = (_mT(vh) * others[..., None, :]) @ _mT(u) * sign[..., None, None]
        return grad[..., None, None] * _mT(adjugate)


class LogAbsDet(Function):
    """``log|det A|`` (the second output of slogdet)."""

    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        sign, logabs = xp.linalg.slogdet(a)
        ctx.save_for_backward(a)
        ctx.sign = sign
        return logabs

    @staticmethod
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return grad[..., None, None] * _mT(Inv.call(a))


class Cholesky(Function):
    @staticmethod
    def forward(ctx, a):
        out = _linalg_call('cholesky', array_module(a).linalg.cholesky, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        low, = ctx.saved_tensors
        low = getattr(low, '_array', low)
        g = getattr(grad, '_array', grad)
        xp = array_module(low)
        ga = xp.tril(_mT(low) @ g)
        ga = 0.5 * (ga + _mT(xp.tril(ga, -1)))
        inv_low = xp.linalg.inv(low)
        result = _mT(inv_low) @ ga @ inv_low
        result = 0.5 * (result + _mT(result))
        return ops.constant(result) if hasattr(grad, '_array') else result


class QR(Function):
    """The reduced QR decomposition, both factors in one array pair: forward returns Q and stores R; the
    R output is a second Function (QRFactor) sharing this node's values."""

    @staticmethod
    def forward(ctx, a, mode):
        xp = array_module(a)
        q, r = xp.linalg.qr(a, mode='complete' if mode == 'complete' else 'reduced')
        ctx.q, ctx.r = q, r
        return xp.concatenate([q, r], axis=-1) if q.shape[-2] == r.shape[-2] else \
            xp.concatenate([q, r.swapaxes(-1, -2)], axis=-2)

    @staticmethod
    def backward(ctx, grad):
        q, r = ctx.q, ctx.r
        g = getattr(grad, '_array', grad)
        xp = array_module(q)
        k = q.shape[-1]
        if q.shape[-2] == r.shape[-2]:
            gq, gr = g[..., :k], g[..., k:]
        else:
            gq, gr = g[..., :q.shape[-2], :], g[..., q.shape[-2]:, :].swapaxes(-1, -2)
        m, n = q.shape[-2], r.shape[-1]
        if m < n:
            raise RuntimeError("linalg.qr backward is implemented for matrices with at least as many rows as "
                               "columns (m >= n), as in PyTorch's reduced mode")
        mm = r @ _mT(gr) - _mT(gq) @ q
        low = xp.tril(mm, -1)
        copyltu = low + _mT(low) + xp.eye(mm.shape[-1], dtype=mm.dtype) * mm
        b = gq + q @ copyltu
        result = _mT(xp.linalg.solve(r, _mT(b)))
        return (ops.constant(result) if hasattr(grad, '_array') else result), None


class SVD(Function):
    """The reduced SVD packed as one array ``[U | diag... ]``: forward returns ``U``, ``S`` and ``Vh``
    concatenated on the last axis (split by the public function, so that one node holds the backward)."""

    @staticmethod
    def forward(ctx, a, full_matrices, values_only):
        xp = array_module(a)
        u, s, vh = _linalg_call('svd', xp.linalg.svd, a, full_matrices)
        ctx.u, ctx.s, ctx.vh, ctx.values_only = u, s, vh, values_only
        if values_only:
            return s
        return xp.concatenate([u.reshape(u.shape[:-2] + (-1,)), s, vh.reshape(vh.shape[:-2] + (-1,))], axis=-1)

    @staticmethod
    def backward(ctx, grad):
        u, s, vh = ctx.u, ctx.s, ctx.vh
        g = getattr(grad, '_array', grad)
        xp = array_module(u)
        k = s.shape[-1]
        lead = u.shape[:-2]
        if ctx.values_only:
            gu = gvh = None
            gs = g
        else:
            nu, nv = u.shape[-2] * u.shape[-1], vh.shape[-2] * vh.shape[-1]
            gu = g[..., :nu].reshape(u.shape)
            gs = g[..., nu:nu + k]
            gvh = g[..., nu + k:].reshape(vh.shape)
        u, vh = u[..., :, :k], vh[..., :k, :]
        if gu is not None:
            gu, gvh = gu[..., :, :k], gvh[..., :k, :]
        v = _mT(vh)
        result = (u * gs[..., None, :]) @ vh
        if gu is not None:
            s2 = s * s
            diff = s2[..., None, :] - s2[..., :, None]          # s_j^2 - s_i^2
            eye = xp.eye(k, dtype=bool)
            f = xp.where(eye, 0, 1 / xp.where(eye, 1, diff))
            gv = _mT(gvh)
            ut_gu = _mT(u) @ gu
            vt_gv = _mT(v) @ gv
            j = f * (ut_gu - _mT(ut_gu))
            kk = f * (vt_gv - _mT(vt_gv))
            inner = j * s[..., None, :] + s[..., :, None] * kk
            result = result + u @ inner @ vh
            m, n = u.shape[-2], v.shape[-2]
            inv_s = 1 / s
            if m > k:
                result = result + (gu - u @ ut_gu) * inv_s[..., None, :] @ vh
            if n > k:
                result = result + (u * inv_s[..., None, :]) @ _mT(gv - v @ vt_gv)
        del lead
        return (ops.constant(result) if hasattr(grad, '_array') else result), None, None


class Eigh(Function):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices, packed as ``[w | V]``."""

    @staticmethod
    def forward(ctx, a, uplo, values_only):
        xp = array_module(a)
        w, v = _linalg_call('eigh', xp.linalg.eigh, a, uplo)
        ctx.w, ctx.v, ctx.values_only = w, v, values_only
        if values_only:
            return w
        return xp.concatenate([w[..., None, :], v], axis=-2)

    @staticmethod
    def backward(ctx, grad):
        w, v = ctx.w, ctx.v
        g = getattr(grad, '_array', grad)
        xp = array_module(v)
        if ctx.values_only:
            gw, gv = g, None
        else:
            gw, gv = g[..., 0, :], g[..., 1:, :]
        inner = xp.zeros(v.shape, dtype=v.dtype) + xp.eye(v.shape[-1], dtype=v.dtype) * gw[..., None, :]
        if gv is not None:
            n = w.shape[-1]
            eye = xp.eye(n, dtype=bool)
            diff = w[..., None, :] - w[..., :, None]     # w_j - w_i
            f = xp.where(eye, 0, 1 / xp.where(eye, 1, diff))
            inner = inner + f * (_mT(v) @ gv)
        result = v @ inner @ _mT(v)
        result = 0.5 * (result + _mT(result))
        return (ops.constant(result) if hasattr(grad, '_array') else result), None, None


class Pinv(Function):
    @staticmethod
    def forward(ctx, a, rtol, hermitian):
        xp = array_module(a)
        out = xp.linalg.pinv(a, rcond=rtol)
        ctx.a, ctx.p = a, out
        return out

    @staticmethod
    def backward(ctx, grad):
        a, p = ctx.a, ctx.p
        g = getattr(grad, '_array', grad)
        m, n = a.shape[-2], a.shape[-1]
        gt = _mT(g)
        if m <= n:
            k = gt @ p
            kp = k @ _mT(p)
            result = -_mT(p @ k) + kp - (a @ p) @ kp + (_mT(p) @ p) @ (gt - k @ a)
        else:
            k = p @ gt
            pk = _mT(p) @ k
            result = -_mT(k @ p) + pk - pk @ (p @ a) + (gt - a @ k) @ (p @ _mT(p))
        return (ops.constant(result) if hasattr(grad, '_array') else result), None, None


# ------------------------------------------------------------------------------- public functions
def inv(A, *, out=None):
    """The inverse of a square matrix (batched); raises LinAlgError when it is singular."""
    A = _float('inv', A)
    _square('inv', A)
    return write_out(Inv.apply(A), out, 'inv')


inverse = inv


def det(A, *, out=None):
    """The determinant (batched)."""
    A = _float('det', A)
    _square('det', A)
    return write_out(Det.apply(A), out, 'det')


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` of the determinant, without overflow (the gradient flows through logabsdet)."""
    A = _float('slogdet', A)
    _square('slogdet', A)
    logabs = LogAbsDet.apply(A)
    sign = A._xp().linalg.slogdet(A._array)[0]
    return write_out(_slogdet_result(ops.constant(sign.astype(A._array.dtype)), logabs), out, 'slogdet')


def logdet(A):
    """``log(det(A))``: NaN for a negative determinant, -inf for a singular matrix."""
    sign, logabs = slogdet(A)
    xp = sign._xp()
    s = sign._array
    return ops.add(logabs, ops.constant(xp.where(s < 0, xp.nan, xp.where(s == 0, -xp.inf, 0)).astype(s.dtype)))


def solve(A, B, *, left=True, out=None):
    """``X`` with ``A X = B`` (``left=False``: ``X A = B``); ``B`` may be a vector (batched)."""
    A, B = _float('solve', A), ops.as_tensor(B)
    A, B = ops.promote(A, B, 'solve')
    _square('solve', A)
    if not left:
        return write_out(ops.transpose(solve(ops.transpose(A, -2, -1), ops.transpose(B, -2, -1)), -2, -1), out,
                         'solve')
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        B = ops.unsqueeze(B, -1)
    shape = tuple(backend.broadcast_shapes(tuple(A.shape[:-2]), tuple(B.shape[:-2])))
    A = ops.expand(A, shape + tuple(A.shape[-2:]))
    B = ops.expand(B, shape + tuple(B.shape[-2:]))
    X = Solve.apply(A, B)
    return write_out(ops.squeeze(X, -1) if vector else X, out, 'solve')


def cholesky(A, upper=False, *, out=None):
    """The lower (``upper=True``: upper) Cholesky factor of a symmetric positive-definite matrix."""
    A = _float('cholesky', A)
    _square('cholesky', A)
    low = Cholesky.apply(A)
    return write_out(ops.transpose(low, -2, -1) if upper else low, out, 'cholesky')


def cholesky_inverse(L, upper=False):
    """The inverse of ``A`` from its Cholesky factor."""
    L = _float('cholesky_inverse', L)
    A = ops.matmul(ops.transpose(L, -2, -1), L) if upper else ops.matmul(L, ops.transpose(L, -2, -1))
    return inv(A)


def qr(A, mode='reduced', *, out=None):
    """``(Q, R)`` with ``A = Q R``; ``mode`` 'reduced' (default), 'complete' or 'r' (Q empty)."""
    A = _float('qr', A)
    if mode not in ('reduced', 'complete', 'r'):
        raise RuntimeError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    if A.ndim < 2:
        raise RuntimeError(f"linalg.qr: expected a matrix, got shape {tuple(A.shape)}")
    packed = QR.apply(A, mode)
    m, n = A.shape[-2], A.shape[-1]
    k = m if mode == 'complete' else builtins.min(m, n)
    if m == k:   # packed as [Q | R] along the last axis
        Q = ops.getitem(packed, (Ellipsis, slice(0, k)))
        R = ops.getitem(packed, (Ellipsis, slice(k, None)))
    else:        # packed as [Q ; Rᵀ] along the rows
        Q = ops.getitem(packed, (Ellipsis, slice(0, m), slice(None)))
        R = ops.transpose(ops.getitem(packed, (Ellipsis, slice(m, None), slice(None))), -2, -1)
    xp = A._xp()
    if mode == 'r':
        Q = ops.constant(xp.zeros((0,), dtype=A._array.dtype))
    return write_out(_qr_result(Q, R), out, 'qr')


def _svd_parts(A, full_matrices):
    packed = SVD.apply(A, full_matrices, False)
    xp = A._xp()
    u_shape, k, vh_shape = _svd_shapes(A._array.shape, full_matrices)
    nu = u_shape[-2] * u_shape[-1]
    nv = vh_shape[-2] * vh_shape[-1]
    lead = tuple(A._array.shape[:-2])
    U = ops.reshape(ops.getitem(packed, (Ellipsis, slice(0, nu))), lead + u_shape[-2:])
    S = ops.getitem(packed, (Ellipsis, slice(nu, nu + k)))
    Vh = ops.reshape(ops.getitem(packed, (Ellipsis, slice(nu + k, nu + k + nv))), lead + vh_shape[-2:])
    del xp
    return U, S, Vh


def _svd_shapes(shape, full_matrices):
    m, n = shape[-2], shape[-1]
    k = builtins.min(m, n)
    if full_matrices:
        return (m, m), k, (n, n)
    return (m, k), k, (k, n)


def svd_linalg(A, full_matrices=True, *, driver=None, out=None):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh`` (``torch.linalg.svd``; ``full_matrices=True`` by default).
    Gradients of U and Vh are defined only for distinct singular values, as in PyTorch."""
    A = _float('svd', A)
    if A.ndim < 2:
        raise RuntimeError(f"linalg.svd: expected a matrix, got shape {tuple(A.shape)}")
    return write_out(_svd_result(*_svd_parts(A, full_matrices)), out, 'svd')


def svd(input, some=True, compute_uv=True, *, out=None):
    """``torch.svd``: ``(U, S, V)`` (V, not Vh), reduced unless ``some=False``."""
    A = _float('svd', input)
    U, S, Vh = _svd_parts(A, not some)
    if not compute_uv:
        xp = A._xp()
        U, Vh = ops.constant(xp.zeros_like(U._array)), ops.constant(xp.zeros_like(Vh._array))
    return write_out(_torch_svd_result(U, S, ops.transpose(Vh, -2, -1)), out, 'svd')


def svdvals(A, *, driver=None, out=None):
    """The singular values, descending."""
    A = _float('svdvals', A)
    return write_out(SVD.apply(A, False, True), out, 'svdvals')


def eigh(A, UPLO='L', *, out=None):
    """``(eigenvalues, eigenvectors)`` of a symmetric matrix (ascending eigenvalues; only the ``UPLO``
    triangle is read). Eigenvector gradients need distinct eigenvalues, as in PyTorch."""
    A = _float('eigh', A)
    _square('eigh', A)
    packed = Eigh.apply(A, UPLO, False)
    w = ops.getitem(packed, (Ellipsis, 0, slice(None)))
    V = ops.getitem(packed, (Ellipsis, slice(1, None), slice(None)))
    return write_out(_eigh_result(w, V), out, 'eigh')


def eigvalsh(A, UPLO='L', *, out=None):
    A = _float('eigvalsh', A)
    _square('eigvalsh', A)
    return write_out(Eigh.apply(A, UPLO, True), out, 'eigvalsh')


def _default_rtol(a):
    return backend.finfo(a.dtype).eps * builtins.max(a.shape[-2:])


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse (singular values below ``rtol * largest`` count as zero)."""
    A = _float('pinv', A)
    if atol is not None:
        raise NotImplementedError("linalg.pinv: atol= is not supported; give rtol= (relative to the largest "
                                  "singular value)")
    rtol = _default_rtol(A._array) if rtol is None else rtol
    return write_out(Pinv.apply(A, rtol, hermitian), out, 'pinv')


def pinverse(input, rcond=1e-15):
    return pinv(input, rtol=rcond)


def lstsq(A, B, rcond=None, *, driver=None):
    """``(solution, residuals, rank, singular_values)`` minimising ``||A X - B||`` (minimum norm for
    rank-deficient ``A``); differentiable through the pseudo-inverse. As PyTorch's default CPU driver
    ('gelsy'), residuals and singular_values are empty."""
    A, B = _float('lstsq', A), ops.as_tensor(B)
    A, B = ops.promote(A, B, 'lstsq')
    vector = B.ndim == A.ndim - 1
    Bm = ops.unsqueeze(B, -1) if vector else B
    P = pinv(A, rtol=_default_rtol(A._array) if rcond is None else rcond)
    X = ops.matmul(P, Bm)
    if vector:
        X = ops.squeeze(X, -1)
    xp = A._xp()
    rank = matrix_rank(A)
    empty = ops.constant(xp.zeros((0,), dtype=A._array.dtype))
    return _lstsq_result(X, empty, rank, ops.constant(xp.zeros((0,), dtype=A._array.dtype)))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None, out=None):
    """The number of singular values above ``max(atol, rtol * largest)`` (int64)."""
    A = _float('matrix_rank', A)
    a = A._array
    xp = A._xp()
    s = xp.linalg.svd(a, compute_uv=False)
    if tol is not None:
        atol = tol
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else _default_rtol(a)
    cutoff = builtins.max(atol or 0.0, 0.0)
    top = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    rank = (s > xp.maximum(cutoff, rtol * top)).sum(axis=-1)
    return write_out(ops.constant(xp.asarray(rank, dtype=backend.int64)), out, 'matrix_rank')


def matrix_power(A, n, *, out=None):
    """``A`` multiplied by itself ``n`` times (``n < 0``: powers of the inverse; 0: the identity)."""
    A = ops.as_tensor(A)
    _square('matrix_power', A)
    if not isinstance(n, _pyint):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {n!r}")
    if n == 0:
        xp = A._xp()
        eye = xp.broadcast_to(xp.eye(A.shape[-1], dtype=A._array.dtype), tuple(A.shape)).copy()
        return write_out(ops.constant(eye), out, 'matrix_power')
    if n < 0:
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else ops.matmul(result, base)
        n >>= 1
        if n:
            base = ops.matmul(base, base)
    return write_out(result, out, 'matrix_power')


def matrix_exp(A):
    """``exp(A)`` by scaling and squaring with a Taylor series (differentiable through matmuls)."""
    A = _float('matrix_exp', A)
    _square('matrix_exp', A)
    xp = A._xp()
    norm = float(xp.abs(A._array).sum(axis=-2).max()) if A._array.size else 0.0
    squarings = builtins.max(0, _pyint(builtins.round(__import__('math').log2(norm))) + 1) if norm > 0.5 else 0
    X = ops.div(A, float(2 ** squarings))
    eye = ops.constant(xp.broadcast_to(xp.eye(A.shape[-1], dtype=A._array.dtype), tuple(A.shape)).copy())
    result, term = eye, eye
    for k in range(1, 19):
        term = ops.div(ops.matmul(term, X), float(k))
        result = ops.add(result, term)
    for _ in range(squarings):
        result = ops.matmul(result, result)
    return result


def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices (the first may be a row vector, the last a column vector)."""
    tensors = [ops.as_tensor(t) for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError("linalg.multi_dot: expected at least 2 tensors")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first:
        tensors[0] = ops.unsqueeze(tensors[0], 0)
    if last:
        tensors[-1] = ops.unsqueeze(tensors[-1], -1)
    result = tensors[0]
    for t in tensors[1:]:
        result = ops.matmul(result, t)
    if first:
        result = ops.squeeze(result, -2)
    if last:
        result = ops.squeeze(result, -1)
    return write_out(result, out, 'multi_dot')


def matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """The matrix norm over ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf, -inf."""
    from .products import vector_norm
    A = _float('matrix_norm', ops.cast(ops.as_tensor(A), dtype) if dtype is not None else A)
    r, c = (ops._dim(d, A.ndim, 'matrix_norm') for d in dim)
    inf = float('inf')
    if ord == 'fro':
        result = vector_norm(A, 2, (r, c), keepdim)
    elif ord in ('nuc', 2, -2):
        moved = ops.permute(A, tuple([k for k in range(A.ndim) if k not in (r, c)] + [r, c]))
        s = svdvals(moved)
        result = ops.sum(s, -1) if ord == 'nuc' else (ops.amax(s, -1) if ord == 2 else ops.amin(s, -1))
        if keepdim:
            for d in sorted((r, c)):
                result = ops.unsqueeze(result, d)
    elif ord in (1, -1, inf, -inf):
        summed_dim, picked_dim = (r, c) if ord in (1, -1) else (c, r)
        sums = ops.sum(ops.abs(A), summed_dim, keepdim=True)
        result = (ops.amax if ord > 0 else ops.amin)(sums, picked_dim, keepdim=True)
        if not keepdim:
            result = ops.squeeze(result, tuple(sorted((r, c))))
    else:
        raise RuntimeError(f"linalg.matrix_norm: unknown ord {ord!r}; use 'fro', 'nuc', 1, -1, 2, -2, inf, -inf")
    return write_out(result, out, 'matrix_norm')


def norm_linalg(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """``torch.linalg.norm``: a vector norm (1-D input or an int ``dim``) or a matrix norm (2-D input or
    a pair of dims); ``ord=None`` is the 2-norm / Frobenius norm."""
    from .products import vector_norm
    A = ops.as_tensor(A)
    if isinstance(dim, _pyint):
        dim = (dim,)
    if ord is None:
        return write_out(vector_norm(A, 2, dim, keepdim, dtype=dtype), out, 'norm')
    if dim is not None and len(dim) == 2 or dim is None and A.ndim == 2:
        return write_out(matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype), out,
                         'norm')
    if dim is None and A.ndim != 1:
        raise RuntimeError(f"linalg.norm: with ord={ord!r} the input must be 1-D or 2-D (or give dim), got "
                           f"shape {tuple(A.shape)}")
    return write_out(vector_norm(A, ord, dim, keepdim, dtype=dtype), out, 'norm')


def cross_linalg(input, other, *, dim=-1, out=None):
    from .products import cross
    return cross(input, other, dim=dim, out=out)


METHODS = {'det': det, 'logdet': logdet, 'slogdet': slogdet, 'inverse': inverse, 'pinverse': pinverse,
           'matrix_power': matrix_power, 'cholesky': cholesky, 'qr': qr, 'svd': svd, 'matrix_exp': matrix_exp,
           'cholesky_inverse': cholesky_inverse}
