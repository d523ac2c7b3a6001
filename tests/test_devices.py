"""Devices without a GPU: the device checks on the guarded NumPy (a second device on every machine), and
the errors for asking for CUDA where there is none, simulated by replacing backend's CuPy handle."""
import os
import subprocess
import sys
import types

import pytest

import minigrad
from minigrad import backend

from device_checks import (CHECKS, COMPARED_CHECKS, check_d2l_trainer, check_module_training,
                           check_optimizers, host, needs)
from guarded_numpy import DEVICE, installed


@pytest.fixture(scope='module', autouse=True)
def guarded_device():
    with installed() as module:
        yield module


@pytest.mark.parametrize('check', CHECKS, ids=lambda c: c.__name__)
def test_device_check_on_guarded(check):
    check(DEVICE)


@pytest.mark.parametrize('check', COMPARED_CHECKS, ids=lambda c: c.__name__)
def test_guarded_results_equal_the_cpu(check):
    check(DEVICE, rtol=0)


def test_modules_train_on_guarded():
    check_module_training(DEVICE, rtol=0)


def test_optimizers_step_on_guarded():
    check_optimizers(DEVICE, rtol=0)


def test_d2l_trainer_on_guarded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the board writes its PNG under runs/ in the working directory
    def trainer():
        made = needs('minigrad.d2l', 'Trainer').Trainer(max_epochs=3, verbose=False)
        made.gpus = [minigrad.device(DEVICE)]  # what num_gpus=1 sets to [gpu(0)] where there is CUDA
        return made
    check_d2l_trainer(DEVICE, trainer)


def test_device_tensor_conversions():
    x = minigrad.tensor([1.0, 2.0], device=DEVICE)
    assert "device='guarded'" in repr(x)
    with pytest.raises(TypeError, match=r'\.cpu\(\)\.numpy\(\)'):
        x.numpy()
    assert x.tolist() == [1.0, 2.0] and x[1].item() == 2.0 and float(x.sum()) == 3.0
    assert host(x).tolist() == [1.0, 2.0]


# ---------------------------------------------------------------------------- CUDA where there is none
def fake_cupy(count=None, error=None):
    """A stand-in for the cupy module: its runtime reports ``count`` devices or raises ``error``."""
    def get_device_count():
        if error is not None:
            raise error
        return count
    return types.SimpleNamespace(cuda=types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=get_device_count)))


def asking_for_cuda():
    """Every way of asking for CUDA; each must raise the same clear error."""
    x = minigrad.ones(2)
    return {
        'factory': lambda: minigrad.zeros(2, device='cuda'),
        'random factory': lambda: minigrad.randn(2, device='cuda:0'),
        'tensor': lambda: minigrad.tensor([1.0], device='cuda'),
        'to': lambda: x.to('cuda'),
        'cuda()': lambda: x.cuda(),
        'synchronize': lambda: minigrad.cuda.synchronize(),
    }


@pytest.mark.parametrize('cupy, import_error, expected', [
    (None, None, r'CuPy is not installed.*pip install minigrad\[gpu\]'),
    (None, OSError('libcudart.so.12: cannot open shared object file'),
     r'CuPy is installed but cannot be imported \(libcudart.*pip install minigrad\[gpu\]'),
    (fake_cupy(error=RuntimeError('cudaErrorNoDevice: no CUDA-capable device is detected')), None,
     r'CuPy is installed but no CUDA device is usable \(cudaErrorNoDevice.*NVIDIA GPU'),
    (fake_cupy(count=0), None, r'CuPy is installed but this machine has no CUDA device'),
], ids=['no cupy', 'cupy cannot load CUDA', 'no driver or device', 'zero devices'])
def test_asking_for_cuda_without_it_says_what_is_missing(monkeypatch, cupy, import_error, expected):
    monkeypatch.setattr(backend, '_cupy', cupy)
    monkeypatch.setattr(backend, '_cupy_import_error', import_error)
    assert minigrad.cuda.is_available() is False
    assert minigrad.cuda.device_count() == 0
    for way, attempt in asking_for_cuda().items():
        with pytest.raises(RuntimeError, match=r"cannot use device 'cuda:0': " + expected):
            attempt()


def test_a_missing_gpu_index_says_how_many_there_are(monkeypatch):
    monkeypatch.setattr(backend, '_cupy', fake_cupy(count=2))
    assert minigrad.cuda.is_available() and minigrad.cuda.device_count() == 2
    with pytest.raises(RuntimeError, match=r"'cuda:3' does not exist: this machine has 2 CUDA device\(s\), "
                                           r"'cuda:0' to 'cuda:1'"):
        minigrad.zeros(1, device='cuda:3')


def test_device_names_are_checked():
    with pytest.raises(ValueError, match="use 'cpu', 'cuda' or 'cuda:N'"):
        minigrad.device('gpu')
    with pytest.raises(ValueError, match='bad device index'):
        minigrad.device('cuda:x')
    assert minigrad.device('cuda:1') == 'cuda:1' and minigrad.device('cuda').index == 0
    with pytest.raises(ValueError, match='choose a new name'):
        backend.register_device_type('cuda', object())


def test_cuda_manual_seed_leaves_cpu_draws_alone():
    minigrad.manual_seed(7)
    expected = minigrad.randn(4).tolist()
    minigrad.manual_seed(7)
    minigrad.cuda.manual_seed(99)  # allowed without CUDA, as in PyTorch
    assert minigrad.randn(4).tolist() == expected
    assert backend._generators.seed_by_type == {'cuda': 99}
    minigrad.manual_seed(7)  # reseeds every device type
    assert backend._generators.seed_by_type == {}


@pytest.mark.skipif(backend.cuda_is_available(), reason='this machine has CUDA: the gpu tests run')
def test_gpu_tests_skip_cleanly_without_cuda():
    """Running the gpu tests here skips every one, saying why, and exits 0."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider',
                           os.path.join('tests', 'test_gpu.py')],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'passed' not in done.stdout and 'skipped' in done.stdout
    assert 'no CUDA:' in done.stdout, done.stdout
