"""What a row of the op table is made of: :class:`Case` (one example: NumPy arrays and keyword arguments),
:class:`OpSpec` (how to call, check and feed one op) and the case strategies most rows share (one array,
two broadcastable arrays). The rows themselves are in :mod:`minigrad.testing.rows`, one module per family
of ops; :mod:`minigrad.testing.op_table` gathers them into ``OPS``."""
import dataclasses
from typing import Callable

from hypothesis import strategies as st

from . import strategies as mgst

__all__ = ['Case', 'OpSpec', 'unary', 'binary']


@dataclasses.dataclass(frozen=True)
class Case:
    """One example for an op: NumPy arrays for the tensor inputs and keyword arguments for the rest."""
    arrays: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)

    def map_arrays(self, fn):
        """The same case with ``fn`` applied to every input array (e.g. to move it to another array
        module); keyword arguments are kept as they are."""
        return Case(tuple(fn(a) for a in self.arrays), self.kwargs)

    def astype(self, dtype):
        """The same case with floating arrays cast to ``dtype`` (integer/bool arrays unchanged)."""
        return self.map_arrays(lambda a: a.astype(dtype) if a.dtype.kind == 'f' else a)

    def tensors(self, lib, requires_grad=True, **options):
        """The inputs as tensors of ``lib`` (minigrad or torch); floating ones require grad.
        ``options`` go to ``lib.tensor`` (e.g. ``device='cuda'``)."""
        return [lib.tensor(a, requires_grad=requires_grad and a.dtype.kind == 'f', **options)
                for a in self.arrays]


@dataclasses.dataclass(frozen=True)
class OpSpec:
    """How to call, check and feed one op (see the module docstring)."""
    name: str
    call: Callable
    reference: Callable
    cases: st.SearchStrategy
    differentiable: bool = True   # False: forward only (comparisons, argmax, indices)
    second_order: bool = False    # check second derivatives too (gradgradcheck)
    finite_differences: bool = True  # False where central differences cannot resolve the gradient (a
    #                                  cast to float32 rounds each perturbation away); the comparison
    #                                  with PyTorch still checks its gradients


# ------------------------------------------------------------------------------------ case strategies
@st.composite
def unary(draw, domain='real', min_dims=0):
    """One array of any shape from ``domain``."""
    shape = draw(mgst.shapes(min_dims=min_dims))
    return Case((draw(mgst.arrays(shape, domain=domain)),))


@st.composite
def binary(draw, domain_a='real', domain_b='real'):
    """Two arrays of broadcast-compatible shapes."""
    sa, sb = draw(mgst.broadcastable_shapes(2))
    return Case((draw(mgst.arrays(sa, domain=domain_a)), draw(mgst.arrays(sb, domain=domain_b))))
