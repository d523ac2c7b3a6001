"""The one atomic file writer (minigrad._files) and everything that writes through it: saved weights,
downloads, figures, histories, benchmark results. Files appear complete or not at all, with the
permissions an ordinary open() gives (0o666 less the umask, not owner-only 0o600)."""
import ast
import hashlib
import json
import os
import pathlib

import pytest

import minigrad
from minigrad import _files

ROOT = pathlib.Path(minigrad.__file__).parent


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def _mode(path):
    return os.stat(path).st_mode & 0o777


def test_atomic_write_respects_the_umask(tmp_path, umask):
    assert _files.umask() == umask
    _files.write_text(tmp_path / 'sub' / 'a.txt', 'hello')
    assert _mode(tmp_path / 'sub' / 'a.txt') == 0o666 & ~umask
    assert sorted(os.listdir(tmp_path / 'sub')) == ['a.txt']


def test_everything_minigrad_writes_gets_ordinary_permissions(tmp_path, umask):
    from matplotlib.figure import Figure
    from minigrad.bench import common
    from minigrad.d2l import board
    from minigrad.data import fashion_mnist
    from minigrad.demos import classify
    expected = 0o666 & ~umask
    minigrad.save({'w': minigrad.ones(2)}, tmp_path / 'w.npz')
    board.save_figure(Figure(figsize=(1, 1)), str(tmp_path / 'board.png'))
    common.save_figure(Figure(figsize=(1, 1)), str(tmp_path / 'bench.png'))
    common.write_json(str(tmp_path / 'bench.json'), {'x': 1})
    classify._write_json(str(tmp_path / 'history.json'), {'epochs': []})
    source = tmp_path / 'source.gz'
    source.write_bytes(b'payload')
    fashion_mnist._download(source.as_uri(), str(tmp_path / 'download.gz'),
                            hashlib.sha256(b'payload').hexdigest(), timeout=5)
    written = ['w.npz', 'board.png', 'bench.png', 'bench.json', 'history.json', 'download.gz']
    modes = {name: oct(_mode(tmp_path / name)) for name in written}
    assert modes == {name: oct(expected) for name in written}
    assert json.loads((tmp_path / 'history.json').read_text()) == {'epochs': []}


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    path = tmp_path / 'r.json'
    _files.write_text(path, 'old')
    with pytest.raises(RuntimeError):
        with _files.atomic_write(path, 'w') as f:
            f.write('new, half')
            raise RuntimeError('crash')
    assert path.read_text() == 'old' and os.listdir(tmp_path) == ['r.json']


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield '.' * node.level + (node.module or '')


def test_one_writer_low_in_the_package():
    """Only minigrad/_files.py makes temporary files and renames them; it imports the standard library
    only; and minigrad.data no longer imports minigrad.utils (which imports minigrad.data)."""
    writers = []
    for path in list(ROOT.rglob('*.py')) + list((ROOT.parent / 'benchmarks').glob('*.py')):
        text = path.read_text()
        if path.name != '_files.py' and ('mkstemp' in text or 'os.replace(' in text):
            writers.append(str(path.relative_to(ROOT.parent)))
    assert writers == []
    assert all(not name.startswith('.') and name.split('.')[0] != 'minigrad'
               for name in _imports(ROOT / '_files.py'))
    for path in (ROOT / 'data').glob('*.py'):
        assert not any('utils' in name for name in _imports(path)), path
