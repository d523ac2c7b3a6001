"""minigrad beside its peers and a hand-written NumPy floor: MLP step, per-op cost, a 100,000-op chain.

Peers: PyTorch CPU, MyGrad, HIPS autograd, micrograd; all measured on the same workloads in one run.

    minigrad bench peers                       # all three workloads
    minigrad bench peers --only mlp            # just the MLP step

(a) ``mlp``: one SGD step of an MLP 784-256-10 (ReLU, cross-entropy, batch 256, float32, lr 0.1), every
library from the same weights and batch (:mod:`minigrad.bench.mlp`); (b) ``overhead``: per-op cost on a
chain of 1,000 tiny ops, with constants and with parameters (:mod:`minigrad.bench.op_overhead`);
(c) ``deep``: build and back-propagate a chain of 100,000 ops, each library in a fresh process
(:mod:`minigrad.bench.deep_chain`). Ratios are to the NumPy floor and to torch measured in the same run.
A peer that is not installed is listed as skipped with the command that installs it.
"""
import sys

from . import chains, deep_chain, mlp, op_overhead
from .common import (FLOOR, Skipped, base_parser, fmt, measure, metadata, new_figure, print_conditions,
                     save_results, split_list, summary_rows, table, benchmark_main)

WORKLOADS = ('mlp', 'overhead', 'deep')


def measure_mlp(batch=256, repeat=20, number=5, names=None, clock='wall'):
    """Rows ``{library, median_ms, q1_ms, q3_ms, vs_floor, vs_torch}`` for one SGD step, and skips."""
    params, X, y = mlp.make_problem(batch)
    cases, skipped = {}, {}
    for name, builder in mlp.BUILDERS.items():
        if names and name not in names:
            continue
        try:
            step, prepare = builder(params)
        except Skipped as exc:
            skipped[name] = str(exc)
            continue
        Xb, yb = prepare(X, y)
        cases[name] = (lambda s, a, b: lambda: s(a, b))(step, Xb, yb)
    samples = measure(cases, repeat=repeat, warmup=2, number={n: number for n in cases}, clock=clock)
    return summary_rows(samples, 'ms'), skipped


def format_mlp(rows):
    return table(['library', 'step ms (median)', 'q1-q3 ms', 'vs NumPy floor', 'vs torch'],
                 [[r['library'], f"{r['median_ms']:.2f}", f"{r['q1_ms']:.2f}-{r['q3_ms']:.2f}",
                   fmt(r['vs_floor']), fmt(r['vs_torch'])] for r in rows])


def _add_floor_ratio(rows, key):
    """Give overhead rows their ratio to the NumPy floor of the same workload."""
    for r in rows:
        floor = next((f for f in rows if f['library'] == FLOOR and f['workload'] == r['workload']), None)
        r['vs_floor'] = r[key] / floor[key] if floor and floor[key] else None


def plot(record):
    """One bar panel per workload measured."""
    panels = [w for w in WORKLOADS if w in record]
    fig = new_figure(4.2 * len(panels), 4.2)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, workload in zip(axes, panels):
        rows = record[workload]['rows']
        if workload == 'mlp':
            ax.bar([r['library'] for r in rows], [r['median_ms'] for r in rows])
            ax.set_ylabel('ms per SGD step (median)')
            ax.set_title(f"MLP 784-256-10, batch {record[workload]['batch']}")
        elif workload == 'overhead':
            libs = list(dict.fromkeys(r['library'] for r in rows))
            for k, flavour in enumerate(op_overhead.FLAVOURS):
                values = {r['library']: r['total_us'] for r in rows if r['workload'] == flavour}
                ax.bar([i + 0.4 * k for i in range(len(libs))], [values.get(lib, 0) for lib in libs],
                       width=0.4, label=flavour)
            ax.set_xticks([i + 0.2 for i in range(len(libs))], libs)
            ax.set_ylabel('us per op, forward + backward')
            ax.set_title(f"chain of {record[workload]['ops']:,} tiny ops")
            ax.legend()
        else:
            ok = [r for r in rows if r['status'] == 'ok']
            ax.bar([r['library'] for r in ok], [r['build_s'] + r['backward_s'] for r in ok])
            failed = [r['library'] for r in rows if r['status'] == 'failed']
            failed_note = f"\nfailed: {', '.join(failed)}" if failed else ''
            ax.set_title(f"{record[workload]['ops']:,}-op chain{failed_note}")
            ax.set_ylabel('seconds, build + backward')
        ax.tick_params(axis='x', rotation=35)
    return fig


def parser():
    p = base_parser('minigrad bench peers', __doc__)
    p.add_argument('--only', default=','.join(WORKLOADS),
                   help=f"comma-separated workloads among {', '.join(WORKLOADS)}")
    p.add_argument('--batch', type=int, default=256, help='MLP batch size')
    p.add_argument('--ops', type=int, default=1000, help='ops in the per-op overhead chain')
    p.add_argument('--deep-ops', type=int, default=100000, help='ops in the deep chain')
    p.add_argument('--deep-repeat', type=int, default=3, help='runs per library of the deep chain')
    return p


def run(args, command='minigrad bench peers'):
    only = split_list(args.only)
    unknown = set(only) - set(WORKLOADS)
    if unknown:
        raise SystemExit(f"unknown workload(s) {sorted(unknown)}: choose among {', '.join(WORKLOADS)}")
    if args.quick:
        args.repeat, args.batch, args.ops = 2, min(args.batch, 32), min(args.ops, 100)
        args.deep_ops, args.deep_repeat = min(args.deep_ops, 2000), 1
    print_conditions()
    record = metadata(command, args)
    skipped = {}
    if 'mlp' in only:
        rows, skip = measure_mlp(args.batch, repeat=max(args.repeat, 2) * 3, clock=args.clock)
        skipped.update(skip)
        print(f'\n(a) one SGD step, MLP 784-256-10, batch {args.batch}, float32, {args.clock} clock')
        print(format_mlp(rows))
        record['mlp'] = {'batch': args.batch, 'rows': rows}
    if 'overhead' in only:
        rows, skip = op_overhead.measure_overhead(list(chains.BUILDERS), args.ops, repeat=args.repeat,
                                                  clock=args.clock)
        skipped.update(skip)
        _add_floor_ratio(rows, 'total_us')
        print(f'\n(b) per-op overhead, chain of {args.ops} ops on 4-element tensors (micrograd: scalars), '
              f'{args.clock} clock')
        print(op_overhead.format_rows(rows))
        record['overhead'] = {'ops': args.ops, 'clock': args.clock, 'rows': rows}
    if 'deep' in only:
        rows = deep_chain.measure_deep(list(chains.BUILDERS), args.deep_ops, repeat=args.deep_repeat,
                                       clock=args.clock)
        print(f'\n(c) chain of {args.deep_ops:,} ops: build, backward, memory (fresh process per run)')
        print(deep_chain.format_rows(rows))
        record['deep'] = {'ops': args.deep_ops, 'rows': rows}
    for lib, reason in skipped.items():
        print(f'skipped {lib}: {reason}')
    record['skipped'] = skipped
    save_results(args, 'peers', record, plot(record))
    return record


main = benchmark_main(parser, run)


if __name__ == '__main__':
    sys.exit(main())
