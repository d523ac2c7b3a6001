"""The tape printer: rows in topological order, what each op saved, freed nodes, deep graphs."""
import re

import pytest

import minigrad
from minigrad.autograd import print_tape, tape


def rows(text):
    """The table rows of a tape as lists of columns (split on runs of 2+ spaces)."""
    return [re.split(r'\s{2,}', line.strip()) for line in text.splitlines()[2:] if not line.startswith(' ...')]


def test_small_graph_lists_ops_inputs_and_saved_arrays():
    x = minigrad.randn(2, 3, requires_grad=True)
    y = (x.exp() * x).sum()
    text = tape(y)
    assert text.splitlines()[0] == ('graph of a tensor of shape () float32: 3 ops, 1 leaf, '
                                    '48 B saved for backward')
    table = rows(text)
    assert [r[1] for r in table] == ['leaf', 'Exp', 'Mul', 'Sum']
    assert table[1][2:] == ['(2, 3) float32', '0', 'output (2, 3) float32 24 B']
    assert table[2][3] == '1, 0'
    assert table[2][4] == 'input 0 (2, 3) float32 24 B; input 1 (2, 3) float32 24 B'
    assert table[3][2:4] == ['() float32', '2']


def test_rows_are_in_topological_order():
    a = minigrad.randn(3, requires_grad=True)
    b = minigrad.randn(3, requires_grad=True)
    h = a * b
    out = (h.exp() + h.sin() * a).sum() + b.sum()
    for number, row in enumerate(rows(tape(out, limit=None))):
        assert int(row[0]) == number
        if row[1] != 'leaf':
            assert all(int(i) < number for i in row[3].split(', '))


def test_ctx_arrays_and_shared_arrays_are_counted_once():
    x = minigrad.randn(4, requires_grad=True)
    y = x.exp()
    z = (y * y).abs().sum()           # Exp saves y, Mul saves y twice: 16 bytes once; Abs's signs: 16
    text = tape(z)
    assert '32 B saved for backward' in text.splitlines()[0]
    assert 'ctx.sign (4,) float32 16 B' in text


def test_after_backward_the_rows_say_freed():
    x = minigrad.randn(3, requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    assert 'freed' not in tape(y)
    y.backward()
    table = rows(tape(y))
    assert all(r[4].startswith('freed') for r in table if r[1] != 'leaf')
    assert table[0][4] == '- (grad (3,))'


def test_a_chain_of_100000_ops_is_summarised_without_recursion():
    x = minigrad.randn(2, requires_grad=True)
    y = x
    for _ in range(100000):
        y = y + 1.0
    text = tape(y, limit=10)
    lines = text.splitlines()
    assert lines[0].startswith('graph of a tensor of shape (2,) float32: 100000 ops, 1 leaf')
    assert ' ... 99991 rows left out' in text
    assert len(lines) == 2 + 10 + 1
    assert lines[-1].split()[:2] == ['100000', 'Add']


def test_limit_none_lists_every_row():
    y = minigrad.randn(2, requires_grad=True)
    for _ in range(100):
        y = y * 2.0
    assert len(tape(y, limit=None).splitlines()) == 2 + 101
    assert len(tape(y, limit=20).splitlines()) == 2 + 20 + 1


def test_tensor_without_graph_and_leaf(capsys):
    assert 'no graph' in tape(minigrad.ones(2))
    leaf = minigrad.ones(2, requires_grad=True)
    assert tape(leaf).splitlines()[0].startswith('graph of a tensor of shape (2,) float32: 0 ops, 1 leaf')
    print_tape(leaf)
    assert 'leaf' in capsys.readouterr().out
    with pytest.raises(TypeError, match='takes a Tensor'):
        tape([1, 2])
