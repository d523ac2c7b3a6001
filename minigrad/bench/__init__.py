"""Benchmarks: ``minigrad bench <name> [options]`` (also ``python -m minigrad.bench <name>`` and the thin
scripts in ``benchmarks/``). Each prints its table with the BLAS, versions and load it ran under, and
saves JSON and a PNG plot in a new run folder, ``runs/bench-<date>-<time>/`` (``--out`` to choose one,
``--publish`` to refresh the published figures in ``benchmarks/results/``, ``--quick`` for a smoke run).

=====================  ====================================================================
loop-vs-vectorized     Python loops vs vectorised kernels, forward and backward (seed 2.6)
peers                  MLP step, per-op overhead, 100,000-op chain: minigrad vs peers
op-overhead            microseconds per op, forward and backward, minigrad vs torch
deep-chain             100,000 chained ops: build, backward, peak memory
epoch                  one Fashion-MNIST epoch of the seed's MLP; peak memory vs data size
profile                where minigrad's time goes: one op layer by layer, one MLP step by op
distributed            MPI all-reduce overhead vs mpi4py; DDP examples/s on 1 and N ranks
fresh-process          the MLP step in a fresh process: time and page faults vs the NumPy floor
conv                   LeNet and residual-block steps vs torch: ratios, GEMM share, peak memory
deconv                 deconvolution methods side by side; blind iteration, minigrad vs torch
autodiff-modes         Jacobians by forward vs reverse mode, Hessian-vector products, checkpointing
all                    every benchmark above, one after the other (options go to each)
gpu-check              on a CUDA machine: the gpu tests, then MLP step and epoch timings vs the CPU and torch
=====================  ====================================================================
"""
import importlib
import sys

from ..cli import plain_text

#: subcommand -> module of this package (each has ``main(argv)``)
BENCHMARKS = {
    'loop-vs-vectorized': 'loop_vs_vectorized',
    'peers': 'peers',
    'op-overhead': 'op_overhead',
    'deep-chain': 'deep_chain',
    'epoch': 'epoch',
    'profile': 'profile',
    'distributed': 'distributed',
    'fresh-process': 'fresh_process',
    'conv': 'conv',
    'deconv': 'deconv',
    'autodiff-modes': 'autodiff_modes',
}

#: Not part of `all`: needs a CUDA machine (exit status 2 without one).
EXTRA = {'gpu-check': 'gpu_check'}


def _usage():
    width = max(map(len, BENCHMARKS))
    lines = ['usage: minigrad bench <name> [options]   (minigrad bench <name> --help for options)', '',
             'benchmarks:']
    for name, module in BENCHMARKS.items():
        doc = plain_text(importlib.import_module(f'{__name__}.{module}').__doc__.strip().splitlines()[0])
        lines.append(f'  {name.ljust(width)}  {doc}')
    lines.append(f"  {'all'.ljust(width)}  every benchmark above; shared options (--quick, --out, --repeat)")
    for name, module in EXTRA.items():
        doc = plain_text(importlib.import_module(f'{__name__}.{module}').__doc__.strip().splitlines()[0])
        lines.append(f'  {name.ljust(width)}  {doc}')
    return '\n'.join(lines)


def _all_help():
    from .common import base_parser
    text = base_parser('minigrad bench all', "Run every benchmark, one after the other, each with the "
                       "options given (the options every benchmark shares):").format_help()
    width = max(map(len, BENCHMARKS))
    listing = '\n'.join(f'  {name.ljust(width)}  ' + plain_text(importlib.import_module(
        f'{__name__}.{module}').__doc__.strip().splitlines()[0]) for name, module in BENCHMARKS.items())
    return f"{text}\nbenchmarks run, in this order:\n{listing}"


def main(argv=None):
    """Dispatch ``argv`` (``[name, *options]``) to a benchmark; returns an exit status (the results are
    printed and saved; each module's ``run(args)`` returns them as a dict)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help', 'help'):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name == 'all' and ('-h' in rest or '--help' in rest):
        print(_all_help())
        return 0
    if name == 'all':
        return max(importlib.import_module(f'{__name__}.{m}').main(rest) for m in BENCHMARKS.values())
    modules = dict(BENCHMARKS, **EXTRA)
    if name not in modules:
        print(f"unknown benchmark {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return importlib.import_module(f'{__name__}.{modules[name]}').main(rest)
