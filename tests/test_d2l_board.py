"""add_to_class, save_hyperparameters and the ProgressBoard (the book's complaints, fixed)."""
import os

import numpy
import pytest

import minigrad
from minigrad.d2l.board import ProgressBoard
from minigrad.d2l.hyper import HyperParameters, add_to_class


def test_add_to_class_adds_a_method_to_existing_instances():
    class A:
        def __init__(self):
            self.b = 1

    a = A()

    @add_to_class(A)
    def do(self):
        return self.b + 1

    assert a.do() == 2 and do(a) == 2


def test_save_hyperparameters_stores_arguments_except_ignored():
    class B(HyperParameters):
        def __init__(self, a, b, c, *, d=4):
            self.save_hyperparameters(ignore=['c'])

    b = B(1, 2, 3)
    assert (b.a, b.b, b.d) == (1, 2, 4) and not hasattr(b, 'c')
    assert b.hparams == {'a': 1, 'b': 2, 'd': 4}


def test_save_hyperparameters_skips_private_names_and_super_cell():
    class Base(HyperParameters):
        pass

    class C(Base):
        def __init__(self, x, _hidden=0):
            super().__init__()
            self.save_hyperparameters()

    assert C(5).hparams == {'x': 5}


def test_draw_averages_every_n_points():
    board = ProgressBoard(display=False)
    for x in range(6):
        board.draw(x, numpy.float32(x * 2), 'line', every_n=3)
    assert board.data['line'] == [(1.0, 2.0), (4.0, 8.0)]


def test_every_n_zero_or_fractional_still_draws():
    board = ProgressBoard(display=False)
    board.draw(0.5, 1.0, 'a', every_n=0)
    board.draw(1.0, 2.0, 'a', every_n=0.4)
    assert board.data['a'] == [(0.5, 1.0), (1.0, 2.0)]


def test_accepts_tensors_and_arrays_as_values():
    board = ProgressBoard(display=False)
    board.draw(minigrad.tensor(1.0), minigrad.tensor([3.0]), 't')
    board.draw(numpy.array(2.0), numpy.array(4.0), 't')
    assert board.data['t'] == [(1.0, 3.0), (2.0, 4.0)]


def test_headless_prints_points_as_plain_lines(capsys):
    board = ProgressBoard('x')  # display=True, but not in a notebook
    for x in numpy.arange(0, 1, 0.1):
        board.draw(x, numpy.sin(x), 'sin', every_n=5)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].split()[:2] == ['[board]', 'x'] and 'sin' in lines[0]
    assert '\x1b' not in out and '\r' not in out and '<Figure' not in out


def test_missing_xlabel_and_many_series_save_a_png(tmp_path):
    board = ProgressBoard(display=False)  # no xlabel: the book's draw raised AttributeError here
    for k in range(7):                     # more than the 4 styles: every series is drawn
        for x in range(3):
            board.draw(x, x * k, f'series{k}')
    fig = board.figure()
    assert len(fig.axes[0].get_lines()) == 7
    path = board.save(str(tmp_path / 'sub' / 'board.png'))
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert [p for p in os.listdir(tmp_path / 'sub')] == ['board.png']


def test_default_path_goes_under_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    board = ProgressBoard(display=False)
    board.draw(0, 1, 'a')
    path = board.save()
    assert path.startswith('runs' + os.sep) and os.path.exists(tmp_path / path)


def test_notebook_mode_updates_one_svg_display(monkeypatch, capsys):
    pytest.importorskip('IPython')
    from IPython import display
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(('update', obj))

    def fake_display(obj, display_id=False):
        shown.append(('display', obj))
        return Handle() if display_id else None

    monkeypatch.setattr(display, 'display', fake_display)
    monkeypatch.setattr(display, 'clear_output', lambda wait=False: shown.append(('clear', None)))
    board = ProgressBoard('epoch')
    board.notebook = True
    board.draw(1, 2, 'loss')
    board.draw(2, 1, 'loss')
    assert [kind for kind, _ in shown] == ['display', 'update']
    assert all(isinstance(obj, display.SVG) for _, obj in shown)
    assert capsys.readouterr().out == ''  # nothing printed: the figure is the output


def test_in_a_real_notebook_the_board_is_live_and_prints_no_points(tmp_path):
    nbformat = pytest.importorskip('nbformat')
    nbclient = pytest.importorskip('nbclient')
    pytest.importorskip('ipykernel')
    root = os.path.dirname(os.path.dirname(os.path.abspath(minigrad.__file__)))
    source = (f"import sys; sys.path.insert(0, {root!r})\n"
              "import numpy as np\nfrom minigrad import d2l\n"
              "board = d2l.ProgressBoard('x')\n"
              "for x in np.arange(0, 2, 0.1):\n"
              "    board.draw(x, np.sin(x), 'sin', every_n=2)\n"
              "    board.draw(x, np.cos(x), 'cos', every_n=10)\n"
              "print(board.notebook, len(board.data['sin']), len(board.data['cos']))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbclient.NotebookClient(nb, timeout=120, kernel_name='python3',
                            resources={'metadata': {'path': str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    svgs = [o for o in outputs if 'image/svg+xml' in o.get('data', {})]
    text = ''.join(o.get('text', '') for o in outputs if o.get('output_type') == 'stream')
    assert len(svgs) == 1 and text == 'True 10 2\n'  # one display, updated in place; no point lines


def test_the_legend_covers_no_curve():
    """The accuracy curve runs along the top right where a legend inside the axes would sit: the legend
    goes below the axes, outside the area any curve can reach."""
    import math
    from minigrad.d2l.board import ProgressBoard
    board = ProgressBoard(xlabel='epoch', display=False)
    for epoch in range(1, 11):
        board.draw(epoch, 0.9 * math.exp(-epoch / 3) + 0.3, 'train_loss')
        board.draw(epoch, 0.8 * math.exp(-epoch / 3) + 0.4, 'val_loss')
        board.draw(epoch, 0.86 - 0.2 * math.exp(-epoch / 2), 'val_acc')
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = board.figure()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legends = fig.legends + [a.get_legend() for a in fig.axes if a.get_legend()]
    assert len(legends) == 1
    box = legends[0].get_window_extent(renderer)
    axes = fig.axes[0]
    assert not box.overlaps(axes.get_window_extent(renderer))
    for line in axes.lines:
        for x, y in axes.transData.transform(line.get_xydata()):
            assert not box.contains(x, y)


def test_the_demo_curves_legend_covers_no_curve():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from minigrad.d2l.trainer import History
    from minigrad.demos.classify import plot_history
    history = History()
    for epoch in range(1, 11):
        history.append({'epoch': epoch, 'train_loss': 1 / epoch, 'val_loss': 1.1 / epoch,
                        'val_acc': 0.86 - 0.2 / epoch})
    fig = plot_history(history, 'mlp')
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in fig.axes)
    box = fig.legends[0].get_window_extent(renderer)
    assert not any(box.overlaps(ax.get_window_extent(renderer)) for ax in fig.axes)
