"""Tools for testing gradients, public so that users can test their own ops the way minigrad tests its
own: finite-difference checks (:func:`gradcheck`, :func:`gradgradcheck`), hypothesis strategies
(:mod:`minigrad.testing.strategies`) and :func:`compare_with_torch`."""
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ['gradcheck', 'gradgradcheck', 'GradcheckError']
