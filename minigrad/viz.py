"""``minigrad.viz``: the graph drawing, defined beside the tape it walks (:mod:`minigrad.autograd.viz`)."""
from .autograd.viz import draw, graph, layout, to_dot

__all__ = ['graph', 'to_dot', 'draw', 'layout']
