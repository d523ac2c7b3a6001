"""Draw the computation graph behind a tensor: as DOT text (for graphviz) or as a matplotlib figure.

::

    >>> x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> print(to_dot(y, names={'x': x, 'y': y}))      # doctest: +SKIP
    digraph {
      rankdir=LR; node [fontname="monospace", fontsize=10];
      n0 [label="x\\n(2,) float32", shape=ellipse, ...];
      n1 [label="Mul\\n(2,) float32", shape=box, ...];
      ...
    >>> draw(y, names={'x': x, 'y': y})                # a matplotlib Axes

The graph is what ``backward()`` walks: the op nodes (a tensor's ``grad_fn``) and the leaf tensors that
require grad. Constants (tensors that do not require grad, Python numbers) are not nodes, as in the
engine. Arrows go from an input to the op that uses it, in the direction of the forward pass. The walk
is the tape's (:func:`minigrad.autograd.tape.walk`, the same graph as text): an explicit stack, no
recursion, so a graph of any depth can be listed. Also importable as ``minigrad.viz``.
"""
from ..tensor import Tensor
from .tape import walk

__all__ = ['graph', 'to_dot', 'draw', 'layout']


def graph(output, names=None):
    """The nodes and edges of the graph that produced ``output``.

    Returns ``(nodes, edges)``: ``nodes`` is a list of dicts (``id``, ``label``, ``kind`` -- ``'leaf'``
    or ``'op'`` -- and ``level``: for an op the length of the longest path to it from a leaf, for a leaf
    one less than the level of its first consumer) in topological order, inputs first; ``edges`` is a
    list of ``(from_id, to_id)``. ``names`` maps names to tensors; a named
    leaf is labelled with its name, a named result is added to the label of the op that produced it.
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"graph() takes a Tensor, got {type(output).__name__}")
    root = output._ctx if output._ctx is not None else output
    if not output.requires_grad:
        raise ValueError("this tensor has no graph: it does not require grad (create its inputs with "
                         "requires_grad=True, outside no_grad())")
    given = {}
    for name, t in (names or {}).items():
        given[id(t._ctx if t._ctx is not None else t)] = name

    order = walk(root)  # each node after all of its inputs, iteratively

    number = {id(node): i for i, node in enumerate(order)}
    edges, level, first_use = [], {}, {}
    for node in order:
        inputs = _inputs_of(node)
        level[id(node)] = 1 + max((level[id(p)] for p in inputs), default=-1)
        edges += [(number[id(p)], number[id(node)]) for p in inputs]
        for p in inputs:
            first_use[id(p)] = min(first_use.get(id(p), level[id(node)]), level[id(node)])
    nodes = []
    for node in order:
        if isinstance(node, Tensor):
            kind, shape, dtype, title = 'leaf', node.shape, node._array.dtype, given.get(id(node), 'leaf')
            level[id(node)] = first_use.get(id(node), 1) - 1  # just left of its first consumer
        else:
            name = given.get(id(node))
            kind, shape, dtype = 'op', node.out_shape, node.out_dtype
            title = node.name + (f' -> {name}' if name else '')
        nodes.append({'id': number[id(node)], 'label': f'{title}\n{tuple(shape)} {dtype}', 'kind': kind,
                      'level': level[id(node)]})
    return nodes, edges


def _inputs_of(node):
    if isinstance(node, Tensor):
        return []
    unique = {}
    for parent in node.parents:
        if parent is not None:
            unique.setdefault(id(parent), parent)
    return list(unique.values())


def to_dot(output, names=None):
    """The graph as DOT text, to render with graphviz (``dot -Tpng``) or paste into any DOT viewer."""
    nodes, edges = graph(output, names)
    lines = ['digraph {', '  rankdir=LR; node [fontname="monospace", fontsize=10];']
    for n in nodes:
        label = n['label'].replace('"', '\\"').replace('\n', '\\n')
        shape, fill = ('ellipse', '#dbe9f6') if n['kind'] == 'leaf' else ('box', '#f6e7d8')
        lines.append(f'  n{n["id"]} [label="{label}", shape={shape}, style=filled, fillcolor="{fill}"];')
    lines += [f'  n{a} -> n{b};' for a, b in edges]
    lines.append('}')
    return '\n'.join(lines)


def layout(nodes, edges):
    """Where :func:`draw` puts things: ``(where, routes)``. ``where`` maps a node id to ``(x, y)`` (x its
    level, one column per level); ``routes`` maps each edge ``(a, b)`` to the points it passes between
    the two boxes. An edge that skips columns passes through a free slot of each column it crosses
    (a waypoint below the column's boxes), so it never runs behind another node's box."""
    columns = {}
    for n in nodes:
        columns.setdefault(n['level'], []).append(('node', n['id']))
    level_of = {n['id']: n['level'] for n in nodes}
    for a, b in edges:
        for level in range(level_of[a] + 1, level_of[b]):
            columns.setdefault(level, []).append(('via', (a, b)))
    where, vias = {}, {}
    for level, slots in columns.items():
        for row, (kind, key) in enumerate(slots):
            point = (level, (len(slots) - 1) / 2 - row)
            if kind == 'node':
                where[key] = point
            else:
                vias.setdefault(key, []).append(point)
    routes = {edge: sorted(vias.get(edge, [])) for edge in edges}
    return where, routes


def draw(output, names=None, ax=None):
    """Draw the graph with matplotlib, inputs on the left: leaves in rounded blue boxes, ops in orange ones,
    one column per level; an arrow that skips columns goes around the boxes in between (:func:`layout`).
    Returns the Axes (a new figure's unless ``ax`` is given)."""
    nodes, edges = graph(output, names)
    where, routes = layout(nodes, edges)
    levels = [x for x, _ in where.values()] + [x for r in routes.values() for x, _ in r]
    heights = {}
    for x, _ in list(where.values()) + [p for r in routes.values() for p in r]:
        heights[x] = heights.get(x, 0) + 1
    rows = max(heights.values())
    if ax is None:
        from matplotlib import pyplot as plt
        _, ax = plt.subplots(figsize=(2.2 * (max(levels) - min(levels) + 1) + 0.5, 1.1 * rows + 0.6))
    boxes = {}
    for n in nodes:
        style = dict(boxstyle='round,pad=0.4', fc='#dbe9f6', ec='#4a7ab5') if n['kind'] == 'leaf' else \
            dict(boxstyle='square,pad=0.4', fc='#f6e7d8', ec='#c07a35')
        boxes[n['id']] = ax.text(*where[n['id']], n['label'], ha='center', va='center', fontsize=8,
                                 family='monospace', bbox=style, zorder=2).get_bbox_patch()
    line = dict(color='0.4', lw=1)
    for (a, b), via in routes.items():  # from the input box's right edge to the consumer box's left edge
        start = dict(xytext=(1, 0.5), textcoords=boxes[a])
        for point in via:
            ax.annotate('', xy=point, xycoords='data', **start, gid=f'edge {a}->{b}',
                        arrowprops=dict(arrowstyle='-', shrinkB=0, **line))
            start = dict(xytext=point, textcoords='data')
        ax.annotate('', xy=(0, 0.5), xycoords=boxes[b], **start, gid=f'edge {a}->{b} head',
                    arrowprops=dict(arrowstyle='->', shrinkA=0 if via else 2, **line))
    ax.set_xlim(min(levels) - 0.6, max(levels) + 0.6)
    ax.set_ylim(-rows / 2 - 0.2, rows / 2 + 0.2)
    ax.axis('off')
    return ax
