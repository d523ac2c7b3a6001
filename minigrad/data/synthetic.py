"""Synthetic data: the seed's linear-regression data ``y = Xw + b + noise``."""
from .. import backend, factories
from ..conversion import as_tensor
from ..functions.linalg import matmul


def synthetic_regression(w, b, num_examples, noise=0.01, device=None):
    """Features ``X`` (num_examples, len(w)) drawn from N(0, 1) and targets ``y = X w + b + noise``
    (num_examples, 1) with N(0, noise^2) noise; draws come from minigrad's generator (``manual_seed``).

    >>> X, y = synthetic_regression(minigrad.tensor([2, -3.4]), 4.2, 1000)
    >>> X.shape, y.shape
    (minigrad.Size([1000, 2]), minigrad.Size([1000, 1]))
    """
    w = as_tensor(w, dtype=backend.get_default_dtype(), device=device)
    X = factories.randn(num_examples, len(w), device=device)
    y = matmul(X, w.reshape(-1, 1)) + b + factories.randn(num_examples, 1, device=device) * noise
    return X, y
