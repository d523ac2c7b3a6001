"""The op table: one declarative record per public op, the single source for the op tests (minigrad's
own, on every device, and users' tests of their own code).

Each :class:`OpSpec` says how to call the op, what NumPy computes for it, and which inputs to draw::

    OpSpec('exp', call=lambda m, x: m.exp(x), reference=lambda x: numpy.exp(x), cases=unary('real'))

``call(lib, *tensors, **kwargs)`` is written once for both libraries: ``lib`` is the ``minigrad``
module or the ``torch`` module (minigrad's API is PyTorch's, so the same line runs on both).
``reference(*arrays, **kwargs)`` computes the expected forward values with NumPy. ``cases`` is a
hypothesis strategy of :class:`Case` records: plain NumPy arrays (the tensor inputs; floating ones
get ``requires_grad``) and keyword arguments (dims, shapes, indices, Python scalars). Inputs stay away
from kinks and ties, where a derivative is not defined (docs/semantics.md has the rules there).

Because cases are plain NumPy, the same table drives tests on any device::

    from hypothesis import given
    from minigrad.testing.op_table import OPS

    spec = OPS['matmul']
    @given(spec.cases)
    def test(case):
        out = spec.call(minigrad, *case.tensors(minigrad, device='cuda'), **case.kwargs)
        numpy.testing.assert_allclose(out.cpu().detach().numpy(),
                                      spec.reference(*case.arrays, **case.kwargs))

The rows live beside their families in :mod:`minigrad.testing.rows` (``rows/<family>.py``, each a list
``ROWS``); a new op is one row there. :class:`Case`, :class:`OpSpec` and the shared strategies are in
:mod:`minigrad.testing.cases`. ``case.map_arrays(fn)`` moves the inputs to another array module. Index arrays of the indexing ops
travel in ``kwargs`` (as NumPy int/bool arrays, which PyTorch and minigrad both accept as indices).
"""
from .cases import Case, OpSpec, binary, unary
from .rows import MODULES

__all__ = ['Case', 'OpSpec', 'OPS', 'unary', 'binary']


def _gather(modules):
    table = {}
    for module in modules:
        for spec in module.ROWS:
            if spec.name in table:
                raise ValueError(f"op table: two rows named {spec.name!r} (the second in {module.__name__})")
            table[spec.name] = spec
    return table


OPS = _gather(MODULES)
"""Every spec by name (``OPS['matmul']``); iterate ``OPS.values()`` for the whole table."""

