"""minigrad.distributed, DistributedDataParallel and DistributedSampler under a real MPI launcher:
``mpiexec -n 2`` runs tests/distributed_cases.py, whose every rank checks its results (see there)."""
import os
import shutil
import subprocess
import sys

import pytest

import minigrad
import minigrad.distributed as dist

pytest.importorskip('mpi4py', reason="the distributed tests need mpi4py: pip install 'minigrad[distributed]'")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CASES = os.path.join(HERE, 'distributed_cases.py')


def _mpiexec():
    beside = os.path.join(os.path.dirname(sys.executable), 'mpiexec')
    found = beside if os.path.exists(beside) else shutil.which('mpiexec')
    if found is None:
        pytest.fail("mpi4py is installed but no mpiexec was found (beside the Python or on PATH); "
                    "pip install mpich (or install the system's MPI)")
    return found


def _launch(cases, timeout=90, n=2):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''),
               OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='1')
    try:
        return subprocess.run([_mpiexec(), '-n', str(n), sys.executable, CASES, *cases], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the MPI job did not end within {timeout} s (a hang):\n{exc.stdout}\n{exc.stderr}")


def _passes(cases):
    result = _launch(cases)
    assert result.returncode == 0 and 'ALL PASSED' in result.stdout, result.stdout + result.stderr
    return result


def test_each_collective_matches_numpy_on_every_rank():
    """Every collective and dtype, blocking and async_op; then tensors on a second device (the guarded
    stand-in for CuPy) through host staging, and DDP on that device."""
    _passes(['collectives', 'staging'])


def test_ddp_on_two_ranks_equals_one_process_on_the_concatenated_batch():
    """SGD (momentum) and Adam, 20 steps in float64, with and without no_sync(); find_unused_parameters;
    the error for a parameter without gradient; state_dict's 'module.' prefix."""
    _passes(['ddp'])


def test_distributed_sampler_shards_are_disjoint_and_cover_the_dataset():
    _passes(['sampler'])


def test_d2l_trainer_under_mpiexec_prints_once_and_averages_metrics():
    result = _passes(['trainer'])
    assert result.stdout.count('epoch 2/2') == 1, result.stdout   # rank 0 only


def test_a_rank_that_raises_ends_the_job_with_its_error():
    result = _launch(['fail'], timeout=60)
    assert result.returncode != 0
    assert 'deliberate failure on rank 1' in result.stderr and 'rank 1 failed' in result.stderr, \
        result.stdout + result.stderr


def test_collective_before_init_says_what_to_do():
    assert not dist.is_initialized() and dist.is_available()
    with pytest.raises(RuntimeError, match=r"init_process_group\('mpi'\) first"):
        dist.all_reduce(minigrad.ones(2))
    with pytest.raises(RuntimeError, match='init_process_group'):
        dist.get_rank()
    with pytest.raises(RuntimeError, match='init_process_group'):
        minigrad.nn.parallel.DistributedDataParallel(minigrad.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="only backend is 'mpi'"):
        dist.init_process_group('nccl')


def test_a_single_process_is_a_group_of_one():
    """Without a launcher (MPI's singleton start): world size 1, collectives are identities, DDP trains
    as the plain module. In a subprocess, so that this test process never initialises MPI."""
    code = (
        "import minigrad, minigrad.distributed as dist\n"
        "from minigrad.nn.parallel import DistributedDataParallel as DDP\n"
        "dist.init_process_group('mpi')\n"
        "assert (dist.get_rank(), dist.get_world_size()) == (0, 1)\n"
        "t = minigrad.tensor([1.0, 2.0]); dist.all_reduce(t, op=dist.ReduceOp.AVG); assert t.tolist() == [1, 2]\n"
        "net = minigrad.nn.Linear(3, 1); model = DDP(net)\n"
        "x = minigrad.randn(4, 3); model(x).sum().backward()\n"
        "assert net.weight.grad.shape == (1, 3) and model.module is net\n"
        "try:\n"
        "    dist.init_process_group('mpi')\n"
        "except RuntimeError as e:\n"
        "    assert 'twice' in str(e)\n"
        "dist.destroy_process_group(); assert not dist.is_initialized()\n"
        "print('OK')\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    result = subprocess.run([sys.executable, '-c', code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and 'OK' in result.stdout, result.stdout + result.stderr


def test_post_accumulate_grad_hook_fires_during_backward_in_reverse_order():
    """The engine hook DDP relies on: each leaf's hook runs once its .grad is complete, before the
    backward ends (the last layer's parameters first)."""
    a = minigrad.tensor([2.0], requires_grad=True)
    b = minigrad.tensor([3.0], requires_grad=True)
    order = []
    a.register_post_accumulate_grad_hook(lambda t: order.append(('a', t.grad.tolist())))
    b.register_post_accumulate_grad_hook(lambda t: order.append(('b', t.grad.tolist(), a.grad)))
    h = (a * 5).exp().log()     # a is reached after three nodes, b straight from the output
    h.register_hook(lambda g: order.append('h'))
    (h * b + b).sum().backward()
    # b is done before the backward reaches h's node (so DDP can send it while the rest runs)
    assert order == [('b', [11.0], None), 'h', ('a', [15.0])]
    with pytest.raises(RuntimeError, match='non-leaf'):
        h.register_post_accumulate_grad_hook(print)


def test_bench_distributed_runs_end_to_end(tmp_path):
    import json
    from minigrad import bench
    bench.main(['distributed', '--quick', '--out', str(tmp_path), '--models', '16x16', '--batch', '8'])
    with open(tmp_path / 'distributed.json') as f:
        record = json.load(f)
    assert record['allreduce']['status'] == 'ok', record['allreduce']
    assert all(r['overhead'] > -1 for r in record['allreduce']['rows'])
    for model in ('16x16',):
        runs = record['train'][model]
        assert runs['1']['status'] == 'ok' and runs['2']['status'] == 'ok', runs
        assert runs['2']['examples_per_s'] > 0 and runs['2']['hidden_fraction'] is not None
    with open(tmp_path / 'distributed.png', 'rb') as f:
        assert f.read(4) == b'\x89PNG'


def _fashion_mnist_found():
    from minigrad.data import fashion_mnist
    try:
        return fashion_mnist.find()[0] is not None
    except Exception:
        return False


@pytest.mark.skipif(not _fashion_mnist_found(), reason='Fashion-MNIST is not available here (make '
                    'notebook-data fetches it)')
def test_minigrad_train_under_mpiexec(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''),
               OMP_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
    out = tmp_path / 'run'
    result = subprocess.run([_mpiexec(), '-n', '2', sys.executable, '-m', 'minigrad', 'train', '--epochs', '1',
                             '--hidden', '16', '--batch-size', '500', '--out', str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count('epoch 1/1') == 1 and '2 processes' in result.stdout, result.stdout
    assert sorted(os.listdir(out)) == ['mlp_curves.png', 'mlp_history.json', 'mlp_weights.npz',
                                       'progress_board.png']
