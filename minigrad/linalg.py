"""``minigrad.linalg``: PyTorch's ``torch.linalg`` (norm, vector_norm, matrix_norm, solve, inv, det,
slogdet, cholesky, qr, svd, svdvals, eigh, eigvalsh, pinv, lstsq, matrix_rank, matrix_power, cross,
multi_dot, matrix_exp), differentiable and batched (:mod:`minigrad.functions.decompositions` holds the
gradients), and the closed-form solution of linear regression (the seed's section 2.4).

Minimising ``||y - X w||²`` gives the normal equations ``Xᵀ X w = Xᵀ y``, so ``w* = (XᵀX)⁻¹ Xᵀ y`` when
``XᵀX`` is invertible (X has full column rank). :func:`lstsq_normal` folds the bias in as a column of
ones, solves the normal equations with a linear solve (never forming the inverse, which is slower and
less accurate), and says clearly when they have no unique solution.
"""
import collections

from . import backend
from .conversion import as_tensor, constant
from .tensor import Tensor

LstsqResult = collections.namedtuple('LstsqResult', ['weight', 'bias'])

_METHODS = ('solve', 'lstsq', 'pinv')


from .functions.decompositions import (LinAlgError, cholesky, det, eigh, eigvalsh, inv, lstsq,  # noqa: F401
                                       matrix_exp, matrix_norm, matrix_power, matrix_rank, multi_dot, pinv,
                                       qr, slogdet, solve, svdvals)
from .functions.decompositions import cross_linalg as cross, norm_linalg as norm, svd_linalg as svd  # noqa
from .functions.products import vector_norm  # noqa: F401


def inv_ex(A, *, check_errors=False):
    """``(inverse, info)``: info is 0 where the inverse exists (it raises otherwise, as check_errors)."""
    out = inv(A)
    return collections.namedtuple('inv_ex', ['inverse', 'info'])(out, ops.constant(
        out._xp().zeros(tuple(out.shape[:-2]), dtype=backend.int32)))


def cholesky_ex(A, *, upper=False, check_errors=False):
    """``(L, info)``: info is 0 (a matrix that is not positive-definite raises LinAlgError)."""
    out = cholesky(A, upper=upper)
    return collections.namedtuple('cholesky_ex', ['L', 'info'])(out, ops.constant(
        out._xp().zeros(tuple(out.shape[:-2]), dtype=backend.int32)))



def _as_float_array(data, name):
    t = data if isinstance(data, Tensor) else as_tensor(data)
    array = t._array
    if array.dtype.kind != 'f':
        array = array.astype(backend.get_default_dtype())
    if array.ndim not in (1, 2):
        raise ValueError(f"lstsq_normal: {name} must be 1-D or 2-D, got shape {tuple(array.shape)}")
    return array


def lstsq_normal(X, y, bias=True, method='solve'):
    """Least-squares weights of ``y ≈ X @ weight + bias`` in closed form.

    Args:
        X: (n, d) features (a 1-D X is one feature, (n,) -> (n, 1)). Tensor or array-like.
        y: (n,) or (n, k) targets.
        bias: fit an intercept (a column of ones appended to X).
        method: ``'solve'`` (default): the normal equations ``XᵀX w = Xᵀy`` by a linear solve; raises
            :class:`LinAlgError` naming the rank when ``XᵀX`` is singular. ``'lstsq'`` (SVD-based least
            squares on X itself) and ``'pinv'`` (``pinv(X) @ y``) also handle rank-deficient X, giving
            the minimum-norm solution.

    Returns:
        ``LstsqResult(weight, bias)``: ``weight`` is (d,) for a 1-D y and (d, k) for a 2-D y; ``bias`` is
        0-d for a 1-D y, (k,) for a 2-D y, and None when ``bias=False``. So ``X @ weight + bias`` has
        y's shape. Tensors of X's (floating) dtype that do not require grad (the solution is not
        differentiated).

    >>> X = minigrad.randn(100, 2, dtype=minigrad.float64)
    >>> y = X @ minigrad.tensor([2.0, -3.4], dtype=minigrad.float64) + 4.2
    >>> w, b = minigrad.linalg.lstsq_normal(X, y)       # w ≈ [2, -3.4], b ≈ 4.2
    """
    if method not in _METHODS:
        raise ValueError(f"lstsq_normal: method must be one of {_METHODS}, got {method!r}")
    X, y = _as_float_array(X, 'X'), _as_float_array(y, 'y')
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"lstsq_normal: X has {X.shape[0]} rows (examples) but y has {y.shape[0]}; "
                         "they must match")
    xp = backend.array_module(X)
    dtype = xp.result_type(X.dtype, y.dtype)
    X, y = X.astype(dtype, copy=False), y.astype(dtype, copy=False)
    n, d = X.shape
    design = xp.concatenate([X, xp.ones((n, 1), dtype=dtype)], axis=1) if bias else X

    if method == 'solve':
        gram = design.T @ design
        rank = backend.matrix_rank(gram)
        if rank < gram.shape[0]:
            raise LinAlgError(_singular_message(n, design.shape[1], rank, bias))
        solution = backend.solve(gram, design.T @ y)
    elif method == 'lstsq':
        solution = backend.lstsq(design, y)
    else:
        solution = backend.pinv(design) @ y

    weight = constant(solution[:d])
    intercept = constant(solution[d]) if bias else None
    return LstsqResult(weight, intercept)


def _singular_message(n, columns, rank, bias):
    what = 'X with its column of ones for the bias' if bias else 'X'
    if n < columns:
        why = f"there are fewer examples ({n}) than unknowns ({columns})"
    else:
        why = "some feature is a linear combination of the others (a copy, a sum, or a constant column " \
              "next to the bias)"
    return (f"lstsq_normal: XᵀX is singular, so w* = (XᵀX)⁻¹Xᵀy does not exist: {what} has {columns} "
            f"columns but rank {rank}; {why}. Remove the redundant feature(s), or pass method='lstsq' (or "
            f"'pinv') for the minimum-norm least-squares solution.")
