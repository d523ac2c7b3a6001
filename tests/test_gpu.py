"""The same kernels on CUDA (marked ``gpu``; tests/conftest.py skips them, saying why, without CuPy or a
GPU). The device checks are the ones tests/test_devices.py runs on the guarded NumPy, here compared with
the CPU within CUDA's rounding; then what only CUDA has: ``.cuda()``, CuPy arrays as input, several GPUs,
``minigrad.cuda``, and the book's Trainer(num_gpus=1).

Run them with ``pytest -m gpu`` (or ``python benchmarks/gpu_check.py``, which also times them).
"""
import pytest

import minigrad
from minigrad import backend

from device_checks import (CHECKS, COMPARED_CHECKS, check_d2l_trainer, check_module_training,
                           check_optimizers, host, needs, on)

pytestmark = pytest.mark.gpu

# float64 kernels agree with NumPy's to rounding, compounded through first and second derivatives;
# float32 training drifts a little more over its steps.
RTOL = {'check_ops_match_cpu': 1e-7, 'check_training': 1e-3}


@pytest.mark.parametrize('check', CHECKS, ids=lambda c: c.__name__)
def test_device_check_on_cuda(check):
    check('cuda')


@pytest.mark.parametrize('check', COMPARED_CHECKS, ids=lambda c: c.__name__)
def test_cuda_results_match_the_cpu(check):
    check('cuda', rtol=RTOL[check.__name__])


def test_modules_train_on_cuda():
    check_module_training('cuda', rtol=1e-3)


def test_optimizers_step_on_cuda():
    check_optimizers('cuda', rtol=1e-4)


def test_cuda_method_and_cuda_module():
    x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = on('cuda:0', x.cuda())
    assert y.is_cuda and not x.is_cuda
    assert on('cuda:0', x.cuda(0)).tolist() == [1.0, 2.0, 3.0]
    (y * y).sum().backward()
    assert on('cpu', x.grad).tolist() == [2.0, 4.0, 6.0]
    assert minigrad.cuda.is_available() and minigrad.cuda.device_count() >= 1
    assert minigrad.cuda.current_device() == 0
    assert isinstance(minigrad.cuda.get_device_name(), str) and minigrad.cuda.get_device_name()
    minigrad.cuda.synchronize()
    with pytest.raises(TypeError, match=r'\.cpu\(\)\.numpy\(\)'):
        y.detach().numpy()


def test_cupy_arrays_stay_on_their_gpu():
    cupy = backend.module_for('cuda')
    data = cupy.arange(6, dtype=cupy.float32).reshape(2, 3)
    t = on('cuda:0', minigrad.tensor(data))
    data[0, 0] = 100  # tensor() copies
    assert host(t)[0, 0] == 0
    shared = on('cuda:0', minigrad.as_tensor(data))  # as_tensor shares
    assert shared.array is data
    assert backend.array_module(t.array) is cupy


def test_cuda_seed_repeats_cuda_draws_only():
    minigrad.manual_seed(1)
    cpu_draw = minigrad.randn(3).tolist()
    minigrad.cuda.manual_seed(5)
    first = host(minigrad.randn(3, device='cuda'))
    minigrad.cuda.manual_seed(5)
    assert host(minigrad.randn(3, device='cuda')).tolist() == first.tolist()
    minigrad.manual_seed(1)
    assert minigrad.randn(3).tolist() == cpu_draw


@pytest.mark.skipif(backend.cuda_device_count() < 2, reason='needs two GPUs')
def test_moves_between_gpus():
    x = minigrad.randn(4, device='cuda:0', requires_grad=True)
    y = on('cuda:1', x.to('cuda:1'))
    (y * 3).sum().backward()
    assert host(on('cuda:0', x.grad)).tolist() == [3.0] * 4


def test_d2l_trainer_with_one_gpu():
    """The book's Trainer(num_gpus=1) moves the model and each batch to the GPU."""
    d2l = needs('minigrad.d2l', 'Trainer', 'num_gpus')
    assert d2l.num_gpus() >= 1
    check_d2l_trainer('cuda:0', lambda: d2l.Trainer(max_epochs=3, num_gpus=1, verbose=False))
