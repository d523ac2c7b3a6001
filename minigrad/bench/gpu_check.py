"""Check minigrad on CUDA: run the gpu tests, then time an MLP training step and an epoch on CUDA, on
the CPU, and with torch on CUDA where it is installed; print medians and ratios and save them as JSON.

    minigrad bench gpu-check                     # tests + timings; exits 2 on a machine without CUDA
    minigrad bench gpu-check --cpu-only          # time the CPU side only (tries the benchmark anywhere)
    minigrad bench gpu-check --skip-tests --batches 256,4096 --repeat 9

(also ``python benchmarks/gpu_check.py``, the same options).

The MLP is the seed's Fashion-MNIST model, 784 -> 256 -> ReLU -> 10, trained with cross-entropy and
plain SGD, written once with PyTorch's functional API and run on both libraries; the data are random
arrays of Fashion-MNIST's shape (the timing does not depend on the values). A *step* is forward,
backward and update on a batch already on the device; an *epoch* is 60,000 samples taken from host
memory batch by batch, each batch copied to the device first, as a training loop does. CUDA runs
asynchronously, so every timing synchronises the device before reading the clock. Each figure is the
median of ``--repeat`` blocks (steps) or ``--epoch-repeats`` epochs, timed on the wall clock (the CPU
clock would not see the GPU's work).

Targets, for an H100/H200-class GPU: the step at batch 256 at least 5x faster than minigrad on
the CPU, and at batch 4096 at most 1.5x the time of torch on CUDA.

Exit status: 0 when the gpu tests pass (targets are reported, not enforced), 1 when a gpu test fails,
2 when this machine has no usable CUDA (the message says what is missing).
"""
import importlib
import os
import subprocess
import sys

from .. import backend
from .common import (PUBLISHED, base_parser, benchmark_main, measure, median, metadata, print_conditions,
                     save_results, split_list, xp)

FEATURES, HIDDEN, CLASSES, EPOCH_SAMPLES = 784, 256, 10, 60_000
LR = 0.1
STEP_TARGET = ('step speed-up of CUDA over the CPU at batch 256', 256, 5.0)
TORCH_TARGET = ('step time of minigrad CUDA / torch CUDA at batch 4096', 4096, 1.5)
ROOT = os.path.dirname(os.path.dirname(PUBLISHED))


# ---------------------------------------------------------------------------------------- the models
def mlp(lib, device, seed=0):
    """The MLP's training step on ``device``, written once with PyTorch's API so that the same code
    runs on ``lib`` = minigrad or torch: ``step(X, y)`` with X, y tensors already there."""
    F = lib.nn.functional
    rng = xp.random.default_rng(seed)

    def param(*shape, scale):
        value = (rng.standard_normal(shape) * scale).astype(xp.float32)
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
    rng = xp.random.default_rng(seed)
    return rng.random((n, FEATURES), dtype=xp.float32), rng.integers(0, CLASSES, n)


def time_steps(models, batch, repeat, steps_per_block=10, warmup=3):
    """Median seconds per training step of each model (name -> (step, to_device, sync)) on batches
    already on the device; blocks of ``steps_per_block`` steps, interleaved across models
    (:func:`common.measure`), each block ending with a device sync."""
    cases = {}
    for name, (step, to_device, sync) in models.items():
        batches = [to_device(*host_data(batch, seed)) for seed in range(4)]

        def block(step=step, batches=batches, sync=sync):
            for i in range(steps_per_block):
                step(*batches[i % len(batches)])
            sync()
        cases[name] = block
    samples = measure(cases, repeat=repeat, warmup=warmup, clock='wall')
    return {name: [s / steps_per_block for s in phases['total']] for name, phases in samples.items()}


def time_epochs(models, batch, repeat, samples=EPOCH_SAMPLES):
    """Seconds per epoch of each model: every batch copied from host memory to the device, then a step."""
    X, y = host_data(samples)
    cases = {}
    for name, (step, to_device, sync) in models.items():
        def epoch(step=step, to_device=to_device, sync=sync):
            for i in range(0, samples, batch):
                step(*to_device(X[i:i + batch], y[i:i + batch]))
            sync()
        cases[name] = epoch
    samples_ = measure(cases, repeat=repeat, warmup=1, clock='wall')
    return {name: phases['total'] for name, phases in samples_.items()}


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


def gpu_info():
    """The GPU, CuPy and CUDA runtime versions (beside :func:`common.metadata`'s machine and BLAS)."""
    import minigrad
    if not minigrad.cuda.is_available():
        return {}
    cupy = backend.module_for('cuda')
    return {'gpu': minigrad.cuda.get_device_name(0), 'cupy': cupy.__version__,
            'cuda_runtime': cupy.cuda.runtime.runtimeGetVersion()}


def torch_cuda():
    try:
        import torch
    except ImportError:
        return None
    return torch if torch.cuda.is_available() else None


def parser():
    p = base_parser('minigrad bench gpu-check', __doc__)
    p.set_defaults(clock='wall', threads=0)
    p.add_argument('--batches', default='256,4096', help='comma-separated batch sizes')
    p.add_argument('--epoch-repeats', type=int, default=3, help='timed epochs per figure (median taken)')
    p.add_argument('--skip-tests', action='store_true', help='do not run pytest -m gpu first')
    p.add_argument('--cpu-only', action='store_true', help='time minigrad on the CPU only')
    return p


def run(args, command='minigrad bench gpu-check'):
    import minigrad
    batches = split_list(args.batches, int)
    if args.quick:
        batches, args.repeat, args.epoch_repeats = batches[:1], 2, 1
    reason = minigrad.cuda.unavailable_reason()
    if reason and not args.cpu_only:
        print(f"no CUDA on this machine: {reason}.\nNothing was timed. Run this benchmark on a machine with "
              "an NVIDIA GPU, or pass --cpu-only to time the CPU side.", file=sys.stderr)
        return 2
    print_conditions()
    result = dict(metadata(command, args), gpu=gpu_info(), tests=None, timings={}, ratios={}, targets={})
    if not args.cpu_only and not args.skip_tests:
        result['tests'] = run_gpu_tests()

    torch = None if args.cpu_only else torch_cuda()
    makers = {'minigrad cpu': lambda: mlp(minigrad, 'cpu')}
    if not args.cpu_only:
        makers['minigrad cuda'] = lambda: mlp(minigrad, 'cuda')
        if torch is not None:
            makers['torch cuda'] = lambda: mlp(importlib.import_module('torch'), 'cuda')
        else:
            print("torch with CUDA is not installed: the torch comparison is left out")
    epoch_samples = 4096 if args.quick else EPOCH_SAMPLES
    for batch in batches:
        steps = time_steps({name: make() for name, make in makers.items()}, batch, args.repeat)
        epochs = time_epochs({name: make() for name, make in makers.items()}, batch, args.epoch_repeats,
                             epoch_samples)
        for name in makers:
            step, epoch = median(steps[name]), median(epochs[name])
            result['timings'][f'{name} | batch {batch}'] = {
                'step_ms': step * 1e3, 'step_samples_ms': [s * 1e3 for s in steps[name]],
                'epoch_s': epoch, 'epoch_samples_s': epochs[name], 'epoch_samples': epoch_samples}
            print(f"{name:14s} batch {batch:5d}: step {step * 1e3:9.3f} ms   epoch {epoch:8.3f} s")

    t, ratios = result['timings'], result['ratios']
    for batch in batches:
        cpu, gpu, ref = (t.get(f'{name} | batch {batch}')
                         for name in ('minigrad cpu', 'minigrad cuda', 'torch cuda'))
        for label, slow, fast in (('cpu/cuda {} speed-up', cpu, gpu),
                                  ('minigrad/torch cuda {} time', gpu, ref)):
            if slow and fast:
                ratios[f"{label.format('step')}, batch {batch}"] = slow['step_ms'] / fast['step_ms']
                ratios[f"{label.format('epoch')}, batch {batch}"] = slow['epoch_s'] / fast['epoch_s']
    for key, value in ratios.items():
        print(f"{key:45s} {value:8.2f}")
    for (label, batch, bound), key, better in (
            (STEP_TARGET, f'cpu/cuda step speed-up, batch {STEP_TARGET[1]}', 'higher'),
            (TORCH_TARGET, f'minigrad/torch cuda step time, batch {TORCH_TARGET[1]}', 'lower')):
        value = ratios.get(key)
        met = None if value is None else (value >= bound if better == 'higher' else value <= bound)
        result['targets'][label] = {'value': value, 'bound': bound, 'met': met}
        print(f"target: {label} {'>=' if better == 'higher' else '<='} {bound}: "
              f"{'not measured' if value is None else f'{value:.2f}, ' + ('met' if met else 'NOT met')}")
    save_results(args, 'gpu_check', result)
    tests = result['tests']
    return 1 if tests is not None and tests['returncode'] != 0 else 0


main = benchmark_main(parser, run)

if __name__ == '__main__':
    sys.exit(main())
