"""Benchmarks: ``minigrad bench <name> [options]`` (also ``python -m minigrad.bench <name>`` and the thin
scripts in ``benchmarks/``). Each prints its table with the BLAS, versions and load it ran under, and
saves JSON and a PNG plot under ``benchmarks/results/`` (``--out`` to change, ``--quick`` for a smoke run).

=====================  ====================================================================
loop-vs-vectorized     Python loops vs vectorised kernels, forward and backward (seed 2.6)
peers                  MLP step, per-op overhead, 100,000-op chain: minigrad vs peers
op-overhead            microseconds per op, forward and backward, minigrad vs torch
deep-chain             100,000 chained ops: build, backward, peak memory
epoch                  one Fashion-MNIST epoch of the seed's MLP; peak memory vs data size
profile                where minigrad's time goes: one op layer by layer, one MLP step by op
distributed            MPI all-reduce overhead vs mpi4py; DDP examples/s on 1 and N ranks
conv                   LeNet and residual-block steps vs torch: ratios, GEMM share, peak memory
all                    every benchmark above, one after the other (options go to each)
=====================  ====================================================================
"""
import importlib
import sys

#: subcommand -> module of this package (each has ``main(argv)``)
BENCHMARKS = {
    'loop-vs-vectorized': 'loop_vs_vectorized',
    'peers': 'peers',
    'op-overhead': 'op_overhead',
    'deep-chain': 'deep_chain',
    'epoch': 'epoch',
    'profile': 'profile',
    'distributed': 'distributed',
    'conv': 'conv',
}


def _usage():
    width = max(map(len, BENCHMARKS))
    lines = ['usage: minigrad bench <name> [options]   (minigrad bench <name> --help for options)', '',
             'benchmarks:']
    for name, module in BENCHMARKS.items():
        doc = importlib.import_module(f'{__name__}.{module}').__doc__.strip().splitlines()[0]
        lines.append(f'  {name.ljust(width)}  {doc}')
    lines.append(f"  {'all'.ljust(width)}  every benchmark above; shared options (--quick, --out, --repeat)")
    return '\n'.join(lines)


def main(argv=None):
    """Dispatch ``argv`` (``[name, *options]``) to a benchmark; returns an exit status (the results are
    printed and saved; each module's ``run(args)`` returns them as a dict)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help', 'help'):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name == 'all':
        return max(importlib.import_module(f'{__name__}.{m}').main(rest) for m in BENCHMARKS.values())
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    return importlib.import_module(f'{__name__}.{BENCHMARKS[name]}').main(rest)
