"""Probability distributions with PyTorch's names (``torch.distributions``): Normal, Bernoulli,
Categorical and Multinomial, with ``sample``, ``log_prob``, ``mean``, ``variance``, ``entropy``
(``Multinomial`` has no entropy), ``rsample`` for Normal. A partial family: no transforms, no KL
registry, no constraints checking (``validate_args`` is accepted and ignored)."""
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .multinomial import Multinomial
from .normal import Normal

__all__ = ['Bernoulli', 'Categorical', 'Distribution', 'Multinomial', 'Normal']
