"""minigrad.viz (minigrad.autograd.viz): the graph walk (nodes, edges, levels, names), DOT text and the
matplotlib drawing, whose arrows never run behind another node."""
import matplotlib
import pytest

import minigrad
from minigrad import viz

matplotlib.use('Agg')


def small_graph():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    w = minigrad.tensor([3.0, 4.0], requires_grad=True)
    h = x * w
    y = (h + x).sum()
    return x, w, h, y


def test_graph_lists_leaves_and_ops_inputs_first():
    x, w, h, y = small_graph()
    nodes, edges = viz.graph(y, names={'x': x, 'w': w, 'h': h})
    labels = [n['label'].split('\n')[0] for n in nodes]
    assert sorted(labels) == ['Add', 'Mul -> h', 'Sum', 'w', 'x']
    by_label = {n['label'].split('\n')[0]: n for n in nodes}
    ids = {k: n['id'] for k, n in by_label.items()}
    assert sorted(edges) == sorted([(ids['x'], ids['Mul -> h']), (ids['w'], ids['Mul -> h']),
                                    (ids['Mul -> h'], ids['Add']), (ids['x'], ids['Add']),
                                    (ids['Add'], ids['Sum'])])
    assert all(a < b for a, b in edges)  # topological: every input before its consumer
    assert [by_label[k]['level'] for k in ('x', 'w', 'Mul -> h', 'Add', 'Sum')] == [0, 0, 1, 2, 3]
    assert by_label['x']['kind'] == 'leaf' and by_label['Sum']['kind'] == 'op'
    assert by_label['x']['label'].endswith('(2,) float32') and by_label['Sum']['label'].endswith('() float32')


def test_an_input_used_twice_is_one_edge_and_constants_are_not_nodes():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * x + minigrad.tensor([5.0, 6.0])
    nodes, edges = viz.graph(y)
    assert len(nodes) == 3 and len(edges) == 2


def test_dot_text():
    x, w, h, y = small_graph()
    dot = viz.to_dot(y, names={'x': x})
    assert dot.startswith('digraph {') and dot.endswith('}')
    assert dot.count('->') == 5 and 'label="x\\n(2,) float32", shape=ellipse' in dot
    assert dot.count('shape=box') == 3


def test_deep_chain_without_recursion():
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20000):
        y = y * 1.0
    nodes, edges = viz.graph(y)
    assert len(nodes) == 20001 and len(edges) == 20000 and nodes[-1]['level'] == 20000


def test_draw_puts_one_box_per_node_and_one_arrow_per_edge():
    x, w, h, y = small_graph()
    ax = viz.draw(y, names={'x': x, 'w': w})
    boxes = [t.get_text().split('\n')[0] for t in ax.texts if t.get_text()]
    heads = [t for t in ax.texts if not t.get_text() and (t.get_gid() or '').endswith('head')]
    assert sorted(boxes) == ['Add', 'Mul', 'Sum', 'w', 'x'] and len(heads) == 5


def _hidden_edges(ax):
    """(edge, box) pairs where a drawn arrow passes through a box that is not one of its ends."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text().split('\n')[0], t.get_bbox_patch().get_window_extent(renderer))
             for t in ax.texts if t.get_text()]
    hidden = []
    for t in ax.texts:
        if t.get_text():
            continue
        path = t.arrow_patch.get_path()  # display coordinates once drawn
        points = path.vertices
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
            for name, box in boxes:
                inner = box.expanded(1, 1).padded(-3)
                for k in range(41):
                    f = k / 40
                    if inner.contains(x0 + f * (x1 - x0), y0 + f * (y1 - y0)):
                        hidden.append((t.get_gid(), name))
                        break
    return sorted(set(hidden))


def test_no_arrow_runs_behind_another_node():
    """x feeds the first op and the last one: its second arrow skips three columns, each holding one
    box on the same row; drawn straight it would pass behind all three."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = ((x * 2).exp().sin() + x).sum()
    ax = viz.draw(y, names={'x': x})
    assert _hidden_edges(ax) == []
    _, routes = viz.layout(*viz.graph(y))
    assert sorted(len(v) for v in routes.values()) == [0, 0, 0, 0, 0, 3]
    x, w, h, y = small_graph()
    assert _hidden_edges(viz.draw(y)) == []


def test_the_drawing_lives_beside_the_tape():
    import importlib
    tape = importlib.import_module('minigrad.autograd.tape')  # minigrad.autograd.tape is also a function
    autograd_viz = importlib.import_module('minigrad.autograd.viz')
    assert viz.draw is autograd_viz.draw and autograd_viz.walk is tape.walk


def test_clear_errors():
    with pytest.raises(ValueError, match='does not require grad'):
        viz.graph(minigrad.ones(2))
    with pytest.raises(TypeError, match='takes a Tensor'):
        viz.graph([1.0])
