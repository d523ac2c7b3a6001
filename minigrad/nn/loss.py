"""Loss modules: ``MSELoss`` and ``CrossEntropyLoss`` (the functional forms are in ``nn.functional``).

``loss_fn(prediction, target)`` returns a 0-d tensor for ``reduction='mean'`` (default) or ``'sum'``,
and one loss per example for ``'none'``.
"""
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction='mean'):
        super().__init__()
        F._check_reduction(reduction, None, None, type(self).__name__)
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error: input and target of the same shape (any) -> ``mean((input - target) ** 2)``.

    >>> nn.MSELoss()(minigrad.tensor([1.0, 2.0]), minigrad.tensor([1.0, 4.0]))
    tensor(2.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits (N, C) against class indices (N,) in [0, C) or class
    probabilities (N, C); see :func:`nn.functional.cross_entropy` for weights, ``ignore_index`` and
    ``label_smoothing``.

    >>> loss_fn = nn.CrossEntropyLoss()
    >>> loss_fn(minigrad.zeros(4, 10), minigrad.tensor([0, 3, 9, 1]))    # log(10)
    tensor(2.3026)
    """

    def __init__(self, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0):
        super().__init__(reduction)
        if weight is not None:
            self.register_buffer('weight', weight)
        else:
            self.weight = None
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)
