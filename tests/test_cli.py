"""The command line: demo, train, generalization, data, bench delegation and the help texts."""
import json
import os
import re
import subprocess
import sys
import types

import numpy
import pytest

import minigrad
from minigrad import cli, d2l
from data_fixtures import use_tiny_fashion_mnist


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 1
    out = capsys.readouterr().out
    for command in ('demo', 'train', 'generalization', 'data', 'bench'):
        assert command in out


def test_train_help_explains_every_argument(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(['train', '--help'])
    assert info.value.code == 0
    out = ' '.join(capsys.readouterr().out.split())
    for phrase in ('--model {mlp,softmax,linreg,lenet,lenet-bn,resnet-mini}', "the seed's MLP", '--epochs',
                   'passes over the training set',
                   '--lr', 'learning rate', '--batch-size', 'examples per minibatch', '--hidden',
                   'hidden units', '--seed', 'shuffling', '--device', "'cuda'", '--out', 'output folder',
                   'mlp_weights.npz', 'minigrad.load'):
        assert phrase.replace('mlp_', '<model>_') in out or phrase in out, phrase


def test_demo_part_one_prints_the_three_fits(tmp_path, capsys):
    assert cli.main(['demo', '--skip-mlp', '--out', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    pattern = re.compile(r'^  (from scratch|concise|closed form) .*?((?:\s+-?\d+\.\d+){3})$')
    rows = {m.group(1): [float(v) for v in m.group(2).split()]
            for m in map(pattern.match, out.splitlines()) if m}
    assert len(rows) == 3
    scratch, concise, closed = rows.values()
    assert max(map(abs, scratch)) <= 0.3 and max(map(abs, concise)) <= 0.05 and max(map(abs, closed)) <= 2e-3
    assert max(map(abs, scratch)) > 5 * max(map(abs, concise))  # the half in the loss halves the step
    assert 'halves every step' in out


def test_train_mlp_saves_curves_weights_and_history(monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=300, n_test=100)
    out_dir = tmp_path / 'out'
    assert cli.main(['train', '--epochs', '2', '--hidden', '16', '--batch-size', '100',
                     '--out', str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert 'epoch 2/2' in out and str(out_dir) in out
    with open(out_dir / 'mlp_curves.png', 'rb') as f:
        assert f.read(4) == b'\x89PNG'
    assert (out_dir / 'progress_board.png').exists()
    history = json.loads((out_dir / 'mlp_history.json').read_text())
    assert history['hidden'] == 16 and len(history['epochs']) == 2
    state = minigrad.load(str(out_dir / 'mlp_weights.npz'))
    model = d2l.MLP(num_outputs=10, num_hiddens=16, lr=0.1)
    model.apply_init([minigrad.zeros(1, 1, 28, 28)])
    model.load_state_dict(state)
    assert numpy.array_equal(model.net[1].weight.detach().numpy(), state['net.1.weight'].numpy())


def test_full_demo_on_a_tiny_dataset(monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=300, n_test=100)
    assert cli.main(['demo', '--epochs', '1', '--out', str(tmp_path / 'demo')]) == 0
    out = capsys.readouterr().out
    assert 'Part 1' in out and 'Part 2' in out and 'seconds per epoch' in out
    assert 'Targets:' in out and '(the target is for 10 epochs)' in out and out.count('  ok') == 3
    assert sorted(os.listdir(tmp_path / 'demo')) == ['mlp_curves.png', 'mlp_history.json', 'mlp_weights.npz',
                                                     'progress_board.png']


def test_generalization_train_loss_never_rises_with_degree(tmp_path, capsys):
    from minigrad.demos import generalization
    rows, path = generalization.run(str(tmp_path), max_degree=6, n_train=12, n_val=50)
    train = [r[1] for r in rows]
    assert all(b <= a * (1 + 1e-6) + 1e-9 for a, b in zip(train, train[1:]))  # nested least squares
    assert rows[3][2] < rows[0][2] / 100  # the true degree beats the constant by far on validation
    assert os.path.exists(path)
    assert cli.main(['generalisation', '--max-degree', '3', '--solver', 'sgd', '--epochs', '50',
                     '--out', str(tmp_path)]) == 0
    assert 'Lowest validation loss at degree' in capsys.readouterr().out


def test_data_ensure(monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, 10, 10)
    assert cli.main(['data', '--ensure', '--no-download']) == 0
    assert 'verified' in capsys.readouterr().out


def test_bench_is_delegated_with_its_arguments(monkeypatch):
    seen = []
    fake = types.ModuleType('minigrad.bench')
    fake.main = lambda argv: seen.append(argv) or 0
    monkeypatch.setitem(sys.modules, 'minigrad.bench', fake)
    monkeypatch.setattr(minigrad, 'bench', fake, raising=False)
    assert cli.main(['bench', 'epoch', '--repeat', '3']) == 0
    assert seen == [['epoch', '--repeat', '3']]


def test_bench_missing_says_so(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, 'minigrad.bench', None)  # makes `import minigrad.bench` fail
    monkeypatch.delattr(minigrad, 'bench', raising=False)
    assert cli.main(['bench']) == 2
    assert 'benchmark package is not available' in capsys.readouterr().err


def test_python_dash_m_minigrad():
    result = subprocess.run([sys.executable, '-m', 'minigrad', 'train', '--help'], capture_output=True,
                            text=True, cwd=os.path.dirname(os.path.dirname(minigrad.__file__)))
    assert result.returncode == 0 and 'hidden units' in result.stdout


def test_train_linreg_prints_epochs_and_the_three_fits(capsys):
    assert cli.main(['train', '--model', 'linreg', '--epochs', '2', '--lr', '0.05']) == 0
    out = capsys.readouterr().out
    assert out.count('epoch 2/2') == 2 and 'lr 0.05, epochs 2' in out and 'closed form' in out


def test_train_with_zero_epochs_saves_the_untrained_model(monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=100, n_test=50)
    assert cli.main(['train', '--epochs', '0', '--hidden', '8', '--out', str(tmp_path / 'o')]) == 0
    assert 'no epochs' in capsys.readouterr().out
    assert json.loads((tmp_path / 'o' / 'mlp_history.json').read_text())['epochs'] == []
    assert (tmp_path / 'o' / 'mlp_weights.npz').exists()
    assert cli.main(['demo', '--epochs', '0', '--out', str(tmp_path / 'd')]) == 0


@pytest.mark.parametrize('argv, message', [
    (['train', '--epochs', '-1'], "--epochs: expected an integer >= 0, got -1"),
    (['train', '--epochs', 'ten'], "--epochs: expected an integer, got 'ten'"),
    (['train', '--lr', '0'], '--lr: expected a positive number, got 0'),
    (['train', '--lr', 'nan'], '--lr: expected a positive number, got nan'),
    (['train', '--batch-size', '0'], '--batch-size: expected an integer >= 1, got 0'),
    (['train', '--hidden', '0'], '--hidden: expected an integer >= 1, got 0'),
    (['train', '--device', 'gpu'], "--device: unknown device 'gpu'"),
    (['demo', '--epochs', '-3'], '--epochs: expected an integer >= 0'),
    (['generalization', '--max-degree', '-1'], '--max-degree: expected an integer >= 0'),
    (['generalization', '--noise', '-0.5'], '--noise: expected a number >= 0'),
    (['generalization', '--train-points', '0'], '--train-points: expected an integer >= 1'),
])
def test_bad_values_are_argparse_errors_not_tracebacks(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and 'Traceback' not in err, err


def test_cuda_missing_from_the_command_line_says_device_cpu(monkeypatch, capsys):
    monkeypatch.setattr(minigrad.backend, 'cuda_unavailable_reason', lambda: 'CuPy is not installed')
    with pytest.raises(SystemExit) as info:
        cli.main(['train', '--device', 'cuda'])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--device cuda: CuPy is not installed" in err and 'run with --device cpu' in err
    assert "device='cpu'" not in err


def _help(argv):
    out = subprocess.run([sys.executable, '-m', 'minigrad'] + argv + ['--help'], capture_output=True,
                         text=True, cwd=os.path.dirname(os.path.dirname(minigrad.__file__)), timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


SPHINX = re.compile(r'``|:(mod|func|class|meth|attr|data|ref):`')


@pytest.mark.parametrize('argv', [[], ['demo'], ['train'], ['generalization'], ['data'], ['bench'],
                                  ['bench', 'all'], ['bench', 'peers'], ['bench', 'loop-vs-vectorized'],
                                  ['bench', 'op-overhead'], ['bench', 'deep-chain'], ['bench', 'epoch'],
                                  ['bench', 'profile'], ['bench', 'fresh-process']])
def test_help_texts_carry_no_sphinx_markup(argv):
    text = _help(argv)
    assert not SPHINX.search(text), SPHINX.search(text).group(0)


def test_bench_all_help_is_its_own():
    text = _help(['bench', 'all'])
    assert text.startswith('usage: minigrad bench all')
    for name in ('loop-vs-vectorized', 'peers', 'fresh-process', '--quick', '--publish'):
        assert name in text
