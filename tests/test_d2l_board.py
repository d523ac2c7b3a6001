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


def test_notebook_mode_displays_svg_and_clears(monkeypatch):
    pytest.importorskip('IPython')
    from IPython import display
    shown = []
    monkeypatch.setattr(display, 'display', lambda obj: shown.append(obj))
    monkeypatch.setattr(display, 'clear_output', lambda wait=False: shown.append('clear'))
    board = ProgressBoard('epoch')
    board.notebook = True
    board.draw(1, 2, 'loss')
    assert isinstance(shown[0], display.SVG) and shown[1] == 'clear'
