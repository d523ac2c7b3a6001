"""Every benchmark runs end to end on tiny sizes and writes valid JSON and PNG; the timing helpers do what
they say. Nothing here asserts a speed: speed is what the benchmarks report, not what tests check."""
import json
import os
import subprocess
import sys

import pytest

from minigrad import bench
from minigrad.bench import chains, common, mlp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def _outputs(folder, name):
    with open(folder / f'{name}.json') as f:
        record = json.load(f)
    with open(folder / f'{name}.png', 'rb') as f:
        assert f.read(8) == PNG_MAGIC
    assert record['blas'] and record['versions']['minigrad']
    assert not [p for p in os.listdir(folder) if p.endswith('.tmp')]  # atomic writes left nothing behind
    return record


def _positive(rows, *keys):
    for row in rows:
        for key in keys:
            assert row[key] > 0, (row, key)


def test_loop_vs_vectorized(tmp_path):
    bench.main(['loop-vs-vectorized', '--quick', '--out', str(tmp_path),
                '--kernels', 'add (broadcast),matmul,max(dim),cross_entropy'])
    rows = _outputs(tmp_path, 'loop_vs_vectorized')['rows']
    kernels = {r['kernel'] for r in rows}
    assert {'add (broadcast)', 'matmul', 'max(dim)', 'cross_entropy'} <= kernels
    assert any(k.startswith('seed: c[i] = a[i] + b[i], minigrad') for k in kernels)
    assert {r['pass'] for r in rows if r['kernel'] == 'matmul'} == {'forward', 'backward'}
    assert all(r['agree'] for r in rows)
    _positive(rows, 'loop_s', 'vectorised_s', 'speedup')
    from minigrad.bench import loop_vs_vectorized
    fig = loop_vs_vectorized.plot(rows)
    titles = sorted(ax.get_title() or ax.get_title(loc='left') for ax in fig.axes)
    # one small panel per kernel (loop, minigrad, torch; forward and backward) and the speed-up panel
    assert len(fig.axes) == 5 and titles[:4] == ['add (broadcast)', 'cross_entropy', 'matmul', 'max(dim)']
    for ax in fig.axes[:4]:
        assert len(ax.lines) <= 6 and {line.get_color() for line in ax.lines} <= {'C3', 'C0', 'C2'}


def test_op_overhead(tmp_path):
    bench.main(['op-overhead', '--quick', '--out', str(tmp_path), '--libs', 'minigrad,numpy (floor)'])
    rows = _outputs(tmp_path, 'op_overhead')['rows']
    assert {(r['library'], r['workload']) for r in rows} == {
        (lib, w) for lib in ('minigrad', 'numpy (floor)') for w in ('constants', 'params')}
    _positive(rows, 'forward_us', 'backward_us', 'total_us')


def test_deep_chain_reports_each_library(tmp_path):
    bench.main(['deep-chain', '--quick', '--out', str(tmp_path), '--libs', 'minigrad,no-such-lib'])
    rows = {r['library']: r for r in _outputs(tmp_path, 'deep_chain')['rows']}
    assert rows['minigrad']['status'] == 'ok'
    _positive([rows['minigrad']], 'build_s', 'backward_s', 'tracemalloc_peak_mb')
    assert rows['no-such-lib']['status'] == 'skipped' and 'unknown library' in rows['no-such-lib']['reason']


def test_peers(tmp_path):
    bench.main(['peers', '--quick', '--out', str(tmp_path), '--only', 'mlp,overhead'])
    record = _outputs(tmp_path, 'peers')
    libs = {r['library'] for r in record['mlp']['rows']}
    assert {'numpy (floor)', 'numpy GEMMs only', 'minigrad'} <= libs
    assert libs | set(record['skipped']) >= {'torch', 'mygrad', 'autograd'}  # each measured or skipped
    for reason in record['skipped'].values():
        assert 'install' in reason or 'not available' in reason
    floor = next(r for r in record['mlp']['rows'] if r['library'] == 'numpy (floor)')
    assert floor['vs_floor'] == pytest.approx(1.0)
    _positive(record['overhead']['rows'], 'total_us')


def test_epoch(tmp_path):
    bench.main(['epoch', '--quick', '--out', str(tmp_path), '--libs', 'numpy (floor),minigrad'])
    record = _outputs(tmp_path, 'epoch')
    assert {r['library'] for r in record['rows']} == {'numpy (floor)', 'minigrad'}
    _positive(record['rows'], 'median_s')
    assert {r['samples'] for r in record['memory']} == {512, 1024}
    assert all(r['tracemalloc_peak_mb'] > r['dataset_mb'] * 0.9 for r in record['memory'])


def test_every_library_takes_the_same_mlp_step():
    """The MLP builders compute the same loss (so the peers benchmark compares like with like)."""
    params, X, y = mlp.make_problem(batch=16)
    losses = {}
    for name, builder in mlp.BUILDERS.items():
        if name == 'numpy GEMMs only':
            continue
        try:
            step, prepare = builder(params)
        except common.Skipped:
            continue
        Xb, yb = prepare(X, y)
        losses[name] = [step(Xb, yb, want_loss=True) for _ in range(3)]
    reference = losses.pop('numpy (floor)')
    assert reference[2] < reference[0]  # it learns
    for name, values in losses.items():
        assert values == pytest.approx(reference, rel=1e-4), name


@pytest.mark.parametrize('name', ['numpy (floor)', 'minigrad'])
def test_chain_phases(name):
    result = chains.build(name, 10, params=True)()
    assert set(result) == {'forward', 'backward'} and min(result.values()) >= 0


def test_measure_interleaves_and_splits_phases():
    calls = []
    cases = {'a': lambda: calls.append('a'),
             'b': lambda: calls.append('b') or {'forward': 1.0, 'backward': 2.0}}
    samples = common.measure(cases, repeat=3, warmup=0)
    assert calls == ['a', 'b', 'b', 'a', 'a', 'b']  # the order rotates each repetition
    assert len(samples['a']['total']) == 3
    assert samples['b']['total'] == [3.0, 3.0, 3.0] and samples['b']['forward'] == [1.0] * 3


def test_summary_and_table():
    s = common.summarize([4.0, 1.0, 3.0, 2.0, 5.0])
    assert (s['median'], s['min'], s['q1'], s['q3'], s['n']) == (3.0, 1.0, 2.0, 4.0, 5)
    text = common.table(['name', 'value'], [['x', 1], ['longer', 22]])
    assert text.splitlines()[2] == 'x           1'
    assert common.format_seconds(0.00123) == '1.23 ms'


def test_optional_import_says_how_to_install():
    with pytest.raises(common.Skipped, match='pip install'):
        common.optional_import('no_such_peer_library')


def test_dispatcher(capsys):
    assert bench.main([]) == 0
    assert 'loop-vs-vectorized' in capsys.readouterr().out
    assert bench.main(['no-such-benchmark']) == 2
    assert 'unknown benchmark' in capsys.readouterr().err


def test_scripts_show_help():
    for script in ('peers', 'loop_vs_vectorized', 'op_overhead', 'deep_chain', 'epoch'):
        out = subprocess.run([sys.executable, os.path.join(ROOT, 'benchmarks', f'{script}.py'), '--help'],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0 and '--out' in out.stdout, out.stderr


def test_profile(tmp_path):
    bench.main(['profile', '--quick', '--out', str(tmp_path), '--threads', '1', '--clock', 'cpu'])
    record = _outputs(tmp_path, 'profile')
    layers = {r['layer'] for r in record['op']}
    assert 'NumPy kernel alone (x * c)' in layers and len(record['op']) == 2 * len(layers)
    assert [p['phase'] for p in record['mlp']['phases']] == ['forward', 'zero_grad', 'backward', 'update']
    assert {r['op'] for r in record['mlp']['ops_ms']} >= {'Linear', 'Relu'}
    assert record['threads'] == 1 and record['clock'] == 'cpu'


def test_written_files_are_ordinary_and_complete(tmp_path):
    path = common.write_json(str(tmp_path / 'r.json'), {'x': 1})
    assert json.load(open(path)) == {'x': 1}
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(tmp_path) == ['r.json']


def test_results_go_to_a_run_folder_unless_published(monkeypatch, tmp_path):
    """By default nothing touches the tracked benchmarks/results/: a run folder per process; --publish
    is the explicit way to refresh the published figures. The defaults are the published settings."""
    monkeypatch.chdir(tmp_path)
    args = common.base_parser('x', 'doc').parse_args([])
    assert (args.threads, args.clock) == (1, 'cpu')
    folder = common.output_folder(args)
    assert folder.startswith(os.path.join('runs', 'bench-')) and folder == common.run_folder()
    published = common.base_parser('x', 'doc').parse_args(['--publish'])
    assert common.output_folder(published) == os.path.join(ROOT, 'benchmarks', 'results')
    assert common.output_folder(common.base_parser('x', 'doc').parse_args(['--out', ''])) is None
    bench.main(['op-overhead', '--quick', '--libs', 'minigrad'])
    assert os.listdir(tmp_path / folder) == ['op_overhead.json', 'op_overhead.png'] or \
        sorted(os.listdir(tmp_path / folder)) == ['op_overhead.json', 'op_overhead.png']


def test_bad_benchmark_options_are_argparse_errors(capsys):
    for argv in (['peers', '--repeat', '0'], ['epoch', '--threads', '-1'], ['profile', '--repeat', 'x']):
        with pytest.raises(SystemExit) as info:
            bench.main(argv)
        assert info.value.code == 2
        assert 'Traceback' not in capsys.readouterr().err


def test_fresh_process(tmp_path):
    bench.main(['fresh-process', '--quick', '--out', str(tmp_path), '--libs', 'numpy (floor),minigrad'])
    record = _outputs(tmp_path, 'fresh_process')
    rows = {r['library']: r for r in record['rows']}
    assert rows['numpy (floor)']['vs_floor'] == 1.0 and rows['minigrad']['step_s'] > 0
    assert rows['minigrad']['malloc'] == 'tuned' and rows['numpy (floor)']['malloc'] == 'default'


def test_every_benchmark_has_the_one_main_shape():
    import importlib
    for module in list(bench.BENCHMARKS.values()) + list(bench.EXTRA.values()):
        main = importlib.import_module(f'minigrad.bench.{module}').main
        assert main.__qualname__ == 'benchmark_main.<locals>.main', module


def test_gpu_check_times_the_cpu_side_anywhere(tmp_path):
    assert bench.main(['gpu-check', '--cpu-only', '--quick', '--batches', '64', '--threads', '1',
                       '--out', str(tmp_path)]) == 0
    with open(tmp_path / 'gpu_check.json') as f:
        record = json.load(f)
    assert record['blas'] and record['timings']['minigrad cpu | batch 64']['step_ms'] > 0
    assert record['clock'] == 'wall'  # the GPU's work is seen on the wall clock only
