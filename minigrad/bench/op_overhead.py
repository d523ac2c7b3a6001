"""Per-op overhead: microseconds per op, forward and backward, minigrad beside torch.

    minigrad bench op-overhead                 # minigrad beside torch
    minigrad bench op-overhead --libs all      # beside every installed peer and the NumPy floor

A chain of ``--ops`` ops (default 1,000) alternates ``* a`` and ``+ b`` on a 4-element float32 tensor, then
``sum()`` and ``backward()`` (see :mod:`minigrad.bench.chains`). On tensors this small the arithmetic is
nothing: what is measured is the library's own bookkeeping per op (creating the result, recording the
node; in backward, calling the node and routing gradients). Reported per op, forward and backward
separately, with the ratio to torch measured in the same run.
"""
import sys

from . import chains
from .common import (CLOCKS, Skipped, base_parser, fmt, measure, median, metadata, new_figure,
                     print_conditions, save_results, split_list, table, benchmark_main)

FLAVOURS = ('constants', 'params')
DEFAULT_LIBS = ('minigrad', 'torch')


def parse_libs(text, default=DEFAULT_LIBS):
    """``'all'`` -> every library of :data:`chains.BUILDERS`; else a comma-separated list."""
    if not text:
        return list(default)
    if text == 'all':
        return list(chains.BUILDERS)
    return split_list(text)


def measure_overhead(libs, n_ops=1000, size=4, repeat=7, flavours=FLAVOURS, clock='wall'):
    """Rows ``{library, workload, forward_us, backward_us, total_us, vs_torch}`` (per op, medians over
    ``repeat`` interleaved runs) and ``{library: reason}`` for those skipped. ``clock='cpu'`` reads the
    process's CPU time (all its threads) instead of wall time: steadier on a loaded machine."""
    rows, skipped = [], {}
    for flavour in flavours:
        cases = {}
        for lib in libs:
            try:
                cases[lib] = chains.build(lib, n_ops, size, params=flavour == 'params', clock=CLOCKS[clock])
            except Skipped as exc:
                skipped[lib] = str(exc)
        samples = measure(cases, repeat=repeat, clock=clock)
        per_op = {lib: {phase: median(values) / n_ops * 1e6 for phase, values in phases.items()}
                  for lib, phases in samples.items()}
        torch_total = per_op.get('torch', {}).get('total')
        for lib, us in per_op.items():
            rows.append({'library': lib, 'workload': flavour, 'forward_us': us['forward'],
                         'backward_us': us['backward'], 'total_us': us['total'],
                         'vs_torch': us['total'] / torch_total if torch_total else None,
                         'note': 'recursion limit raised to fit the chain' if lib == 'micrograd' else ''})
    return rows, skipped


def format_rows(rows):
    """The table; a ``vs floor`` column appears when the rows carry ratios to the NumPy floor."""
    floor = any('vs_floor' in r for r in rows)
    return table(['library', 'workload', 'forward us/op', 'backward us/op', 'total us/op', 'vs torch']
                 + (['vs NumPy floor'] if floor else []),
                 [[r['library'], r['workload'], f"{r['forward_us']:.2f}", f"{r['backward_us']:.2f}",
                   f"{r['total_us']:.2f}", fmt(r['vs_torch'])]
                  + ([fmt(r.get('vs_floor'))] if floor else [])
                  for r in rows])


def plot(rows, title):
    """Stacked bars (forward + backward us/op) per library, one panel per workload."""
    fig = new_figure(9, 4)
    flavours = [f for f in FLAVOURS if any(r['workload'] == f for r in rows)]
    axes = fig.subplots(1, len(flavours), squeeze=False)[0]
    for ax, flavour in zip(axes, flavours):
        sel = [r for r in rows if r['workload'] == flavour]
        names = [r['library'] for r in sel]
        fwd = [r['forward_us'] for r in sel]
        bwd = [r['backward_us'] for r in sel]
        ax.bar(names, fwd, label='forward')
        ax.bar(names, bwd, bottom=fwd, label='backward')
        ax.set_title(f'{flavour}')
        ax.set_ylabel('microseconds per op (median)')
        ax.tick_params(axis='x', rotation=30)
        ax.legend()
    fig.suptitle(title)
    return fig


def parser():
    p = base_parser('minigrad bench op-overhead', __doc__)
    p.add_argument('--ops', type=int, default=1000, help='ops in the chain')
    p.add_argument('--size', type=int, default=4, help='elements per tensor')
    p.add_argument('--libs', default='', help="comma-separated libraries, or 'all' "
                   f"(choices: {', '.join(chains.BUILDERS)}; default: {','.join(DEFAULT_LIBS)})")
    return p


def run(args, command='minigrad bench op-overhead'):
    if args.quick:
        args.ops, args.repeat = min(args.ops, 100), min(args.repeat, 3)
    print_conditions()
    rows, skipped = measure_overhead(parse_libs(args.libs), args.ops, args.size, args.repeat,
                                     clock=args.clock)
    print(f'\nper-op overhead: chain of {args.ops} ops on {args.size}-element float32 tensors, '
          f'median of {args.repeat}, {args.clock} clock')
    print(format_rows(rows))
    for lib, reason in skipped.items():
        print(f'skipped {lib}: {reason}')
    record = dict(metadata(command, args), ops=args.ops, size=args.size, repeat=args.repeat, rows=rows,
                  skipped=skipped)
    save_results(args, 'op_overhead', record, plot(rows, f'per-op overhead, chain of {args.ops} ops'))
    return record


main = benchmark_main(parser, run)


if __name__ == '__main__':
    sys.exit(main())
