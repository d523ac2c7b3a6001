"""Check minigrad on CUDA: run the gpu tests, then time an MLP training step and an epoch on CUDA, on
the CPU, and with torch on CUDA where it is installed; print medians and ratios and save them as JSON.

    python benchmarks/gpu_check.py                  # tests + timings; exits 2 on a machine without CUDA
    python benchmarks/gpu_check.py --cpu-only       # time the CPU side only (tries the script anywhere)
    python benchmarks/gpu_check.py --skip-tests --batches 256 4096 --repeats 9

The MLP is the seed's Fashion-MNIST model, 784 -> 256 -> ReLU -> 10, trained with cross-entropy and
plain SGD, written once with PyTorch's functional API and run on both libraries; the data are random arrays of Fashion-MNIST's shape
(the timing does not depend on the values). A *step* is forward, backward and update on a batch already
on the device; an *epoch* is 60,000 samples taken from host memory batch by batch, each batch copied to
the device first, as a training loop does. CUDA runs asynchronously, so every timing synchronises the
device before reading the clock. Each figure is the median of ``--repeats`` blocks.

Targets (issue 6), for an H100/H200-class GPU: the step at batch 256 at least 5x faster than minigrad on
the CPU, and at batch 4096 at most 1.5x the time of torch on CUDA.

Exit status: 0 when the gpu tests pass (targets are reported, not enforced), 1 when a gpu test fails,
2 when this machine has no usable CUDA (the message says what is missing).
"""
import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import minigrad  # noqa: E402  (after the path is set, so the checkout is the one measured)
from minigrad import backend  # noqa: E402

FEATURES, HIDDEN, CLASSES, EPOCH_SAMPLES = 784, 256, 10, 60_000
LR = 0.1
STEP_TARGET = ('step speed-up of CUDA over the CPU at batch 256', 256, 5.0)
TORCH_TARGET = ('step time of minigrad CUDA / torch CUDA at batch 4096', 4096, 1.5)


# ---------------------------------------------------------------------------------------- the models
def mlp(lib, device, seed=0):
    """The MLP's training step on ``device``, written once with PyTorch's API so that the same code
    runs on ``lib`` = minigrad or torch: ``step(X, y)`` with X, y tensors already there."""
    F = lib.nn.functional
    rng = numpy.random.default_rng(seed)

    def param(*shape, scale):
        value = (rng.standard_normal(shape) * scale).astype(numpy.float32)
        return lib.tensor(value, device=device, requires_grad=True)

    params = [param(HIDDEN, FEATURES, scale=FEATURES ** -0.5), param(HIDDEN, scale=0.0),
              param(CLASSES, HIDDEN, scale=HIDDEN ** -0.5), param(CLASSES, scale=0.0)]
    W1, b1, W2, b2 = params

    def step(X, y):
        loss = F.cross_entropy(F.linear(F.relu(F.linear(X, W1, b1)), W2, b2), y)
        for p in params:
            p.grad = None
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss

    def to_device(X, y):
        return lib.tensor(X).to(device), lib.tensor(y).to(device)

    sync = (lambda: lib.cuda.synchronize(device)) if device != 'cpu' else (lambda: None)
    return step, to_device, sync


# ------------------------------------------------------------------------------------------ timing
def host_data(n, seed=1):
    rng = numpy.random.default_rng(seed)
    return rng.random((n, FEATURES), dtype=numpy.float32), rng.integers(0, CLASSES, n)


def time_step(model, batch, repeats, steps_per_block=10, warmup=3):
    """Median seconds per training step on batches already on the device."""
    step, to_device, sync = model
    batches = [to_device(*host_data(batch, seed)) for seed in range(4)]
    for i in range(warmup):
        step(*batches[i % len(batches)])
    sync()
    blocks = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(steps_per_block):
            step(*batches[i % len(batches)])
        sync()
        blocks.append((time.perf_counter() - start) / steps_per_block)
    return statistics.median(blocks), blocks


def time_epoch(model, batch, repeats, samples=EPOCH_SAMPLES):
    """Median seconds per epoch: every batch copied from host memory to the device, then a step."""
    step, to_device, sync = model
    X, y = host_data(samples)
    step(*to_device(X[:batch], y[:batch]))
    sync()
    epochs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, samples, batch):
            step(*to_device(X[i:i + batch], y[i:i + batch]))
        sync()
        epochs.append(time.perf_counter() - start)
    return statistics.median(epochs), epochs


# --------------------------------------------------------------------------------------- reporting
def run_gpu_tests():
    """``pytest -m gpu`` in a subprocess; returns its exit status and summary line."""
    done = subprocess.run([sys.executable, '-m', 'pytest', '-m', 'gpu', '-q', '-rs', '-p', 'no:cacheprovider',
                           'tests'], cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in done.stdout.strip().splitlines() if line.strip()]
    summary = lines[-1] if lines else done.stderr.strip()[-500:]
    print(f"gpu tests: {summary} (exit {done.returncode})")
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep='\n')
    return {'returncode': done.returncode, 'summary': summary}


def machine():
    info = {'python': platform.python_version(), 'numpy': numpy.__version__, 'cpu': platform.processor()
            or platform.machine(), 'cpu_count': os.cpu_count(), 'minigrad': minigrad.__version__}
    try:
        import threadpoolctl
        info['blas'] = [{k: lib.get(k) for k in ('internal_api', 'version', 'num_threads')}
                        for lib in threadpoolctl.threadpool_info() if lib.get('user_api') == 'blas']
    except ImportError:
        info['blas'] = 'unknown (pip install threadpoolctl to record it)'
    if minigrad.cuda.is_available():
        cupy = backend.module_for('cuda')
        info.update(gpu=minigrad.cuda.get_device_name(0), cupy=cupy.__version__,
                    cuda_runtime=cupy.cuda.runtime.runtimeGetVersion())
    return info


def torch_cuda():
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--batches', type=int, nargs='+', default=[256, 4096])
    parser.add_argument('--repeats', type=int, default=7, help='timed blocks per figure (median taken)')
    parser.add_argument('--epoch-repeats', type=int, default=3)
    parser.add_argument('--skip-tests', action='store_true', help='do not run pytest -m gpu first')
    parser.add_argument('--cpu-only', action='store_true', help='time minigrad on the CPU only')
    parser.add_argument('--out', default=os.path.join(ROOT, 'benchmarks', 'results', 'gpu_check.json'))
    args = parser.parse_args(argv)

    reason = minigrad.cuda.unavailable_reason()
    if reason and not args.cpu_only:
        print(f"no CUDA on this machine: {reason}.\nNothing was timed. Run this script on a machine with "
              "an NVIDIA GPU, or pass --cpu-only to time the CPU side.", file=sys.stderr)
        return 2
    result = {'machine': machine(), 'tests': None, 'timings': {}, 'ratios': {}, 'targets': {}}
    if not args.cpu_only and not args.skip_tests:
        result['tests'] = run_gpu_tests()

    torch = None if args.cpu_only else torch_cuda()
    if torch is not None:
        result['machine']['torch'] = torch.__version__
    runs = {'minigrad cpu': lambda: mlp(minigrad, 'cpu')}
    if not args.cpu_only:
        runs['minigrad cuda'] = lambda: mlp(minigrad, 'cuda')
        if torch is not None:
            runs['torch cuda'] = lambda: mlp(importlib.import_module('torch'), 'cuda')
        else:
            print("torch with CUDA is not installed: the torch comparison is left out")
    for name, make in runs.items():
        for batch in args.batches:
            step, samples = time_step(make(), batch, args.repeats)
            epoch, epochs = time_epoch(make(), batch, args.epoch_repeats)
            result['timings'][f'{name} | batch {batch}'] = {
                'step_ms': step * 1e3, 'step_samples_ms': [s * 1e3 for s in samples],
                'epoch_s': epoch, 'epoch_samples_s': epochs}
            print(f"{name:14s} batch {batch:5d}: step {step * 1e3:9.3f} ms   epoch {epoch:8.3f} s")

    t, ratios = result['timings'], result['ratios']
    for batch in args.batches:
        cpu, gpu, ref = (t.get(f'{name} | batch {batch}')
                         for name in ('minigrad cpu', 'minigrad cuda', 'torch cuda'))
        for label, slow, fast in (('cpu/cuda {} speed-up', cpu, gpu),
                                  ('minigrad/torch cuda {} time', gpu, ref)):
            if slow and fast:
                ratios[f"{label.format('step')}, batch {batch}"] = slow['step_ms'] / fast['step_ms']
                ratios[f"{label.format('epoch')}, batch {batch}"] = slow['epoch_s'] / fast['epoch_s']
    for key, value in result['ratios'].items():
        print(f"{key:45s} {value:8.2f}")
    for (label, batch, bound), key, better in (
            (STEP_TARGET, f'cpu/cuda step speed-up, batch {STEP_TARGET[1]}', 'higher'),
            (TORCH_TARGET, f'minigrad/torch cuda step time, batch {TORCH_TARGET[1]}', 'lower')):
        value = result['ratios'].get(key)
        met = None if value is None else (value >= bound if better == 'higher' else value <= bound)
        result['targets'][label] = {'value': value, 'bound': bound, 'met': met}
        print(f"target: {label} {'>=' if better == 'higher' else '<='} {bound}: "
              f"{'not measured' if value is None else f'{value:.2f}, ' + ('met' if met else 'NOT met')}")

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    partial = args.out + '.tmp'
    with open(partial, 'w') as f:
        json.dump(result, f, indent=2)
    os.replace(partial, args.out)
    print(f"saved {args.out}")
    tests = result['tests']
    return 1 if tests is not None and tests['returncode'] != 0 else 0


if __name__ == '__main__':
    sys.exit(main())
