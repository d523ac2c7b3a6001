"""A chain of 100,000 ops: build and backward time, peak memory, and which libraries survive it.

    minigrad bench deep-chain                  # minigrad beside torch
    minigrad bench deep-chain --libs all       # every installed peer (micrograd's recursion fails)

Each run happens in a fresh worker process (``python -m minigrad.bench.deep_chain --worker LIB``), so a
library that crashes cannot take the benchmark down, and the process's peak resident memory belongs to
one library. Peak memory is reported two ways: the process's peak RSS during the run less its RSS just
before it (/proc/self/status on Linux, every library) and, for minigrad and the NumPy floor, the peak
of Python-level allocations NumPy included (``tracemalloc``, in a separate untimed pass, since tracing
slows allocation).
"""
import sys

from . import chains
from .common import (CLOCKS, Skipped, base_parser, fmt, max_rss_mb, median, metadata, new_figure,
                     print_conditions, rss_mb, run_worker, save_results, table, benchmark_main)
from .op_overhead import parse_libs

TRACED = ('minigrad', 'numpy (floor)')


def worker(lib, n_ops, size, trace, clock='wall'):
    """Run in the worker process: one warm-up chain, one timed chain, optionally a traced one."""
    try:
        chains.build(lib, 100, size, deep=True)()  # imports and first-call costs
        before = rss_mb()
        result = chains.build(lib, n_ops, size, deep=True, clock=CLOCKS[clock])()
        result['rss_growth_mb'] = max_rss_mb() - before
        if trace and lib in TRACED:
            import tracemalloc
            run = chains.build(lib, n_ops, size, deep=True)
            tracemalloc.start()
            run()
            result['tracemalloc_peak_mb'] = tracemalloc.get_traced_memory()[1] / 2 ** 20
            tracemalloc.stop()
        result['status'] = 'ok'
    except Skipped as exc:
        result = {'status': 'skipped', 'reason': str(exc)}
    except (RecursionError, MemoryError, RuntimeError) as exc:
        result = {'status': 'failed', 'reason': f'{type(exc).__name__}: {str(exc)[:200]}'}
    return result


def run_in_worker(lib, n_ops, size, trace, timeout, clock='wall'):
    """One run in a fresh worker process; a crash or a timeout is reported, not raised."""
    argv = ['--worker', lib, '--ops', str(n_ops), '--size', str(size), '--clock', clock] + (
        ['--trace'] if trace else [])
    return run_worker('minigrad.bench.deep_chain', argv, timeout)


def measure_deep(libs, n_ops=100000, size=4, repeat=3, timeout=600, clock='wall'):
    """Rows ``{library, status, build_s, backward_s, rss_growth_mb, tracemalloc_peak_mb, vs_torch}``
    with medians over ``repeat`` runs, interleaved across libraries."""
    runs = {lib: [] for lib in libs}
    for r in range(repeat):
        for lib in libs[r % len(libs):] + libs[:r % len(libs)]:
            if runs[lib] and runs[lib][-1]['status'] != 'ok':
                continue  # a library that failed once is not retried
            runs[lib].append(run_in_worker(lib, n_ops, size, trace=r == 0, timeout=timeout, clock=clock))
    rows = []
    for lib in libs:
        ok = [x for x in runs[lib] if x['status'] == 'ok']
        if not ok:
            last = runs[lib][-1]
            rows.append({'library': lib, 'status': last['status'], 'reason': last['reason']})
            continue
        peaks = [x['tracemalloc_peak_mb'] for x in ok if 'tracemalloc_peak_mb' in x]
        rows.append({'library': lib, 'status': 'ok', 'runs': len(ok),
                     'build_s': median([x['forward'] for x in ok]),
                     'backward_s': median([x['backward'] for x in ok]),
                     'rss_growth_mb': median([x['rss_growth_mb'] for x in ok]),
                     'tracemalloc_peak_mb': peaks[0] if peaks else None})
    torch = next((r for r in rows if r['library'] == 'torch' and r['status'] == 'ok'), None)
    for r in rows:
        if r['status'] == 'ok' and torch:
            r['build_vs_torch'] = r['build_s'] / torch['build_s']
            r['backward_vs_torch'] = r['backward_s'] / torch['backward_s']
    return rows


def format_rows(rows):
    """The table, then one line per library that did not finish (with the reason)."""
    lines = [[r['library'], r['status']] + (
        [fmt(r['build_s'], '{:.3f}'), fmt(r['backward_s'], '{:.3f}'),
         fmt(r.get('build_vs_torch')) + ' / ' + fmt(r.get('backward_vs_torch')),
         fmt(r['rss_growth_mb'], '{:.1f}'), fmt(r['tracemalloc_peak_mb'], '{:.1f}')]
        if r['status'] == 'ok' else ['-'] * 5) for r in rows]
    text = table(['library', 'status', 'build s', 'backward s', 'vs torch (build/bwd)', 'peak RSS +MB',
                  'tracemalloc MB'], lines)
    notes = [f"{r['library']} {r['status']}: {r['reason']}" for r in rows if r['status'] != 'ok']
    return '\n'.join([text] + notes)


def plot(rows, n_ops):
    fig = new_figure(8, 4)
    ok = [r for r in rows if r['status'] == 'ok']
    ax_time, ax_mem = fig.subplots(1, 2)
    names = [r['library'] for r in ok]
    ax_time.bar(names, [r['build_s'] for r in ok], label='build (forward)')
    ax_time.bar(names, [r['backward_s'] for r in ok], bottom=[r['build_s'] for r in ok], label='backward')
    ax_time.set_ylabel('seconds (median)')
    ax_time.legend()
    ax_mem.bar(names, [r['rss_growth_mb'] for r in ok])
    ax_mem.set_ylabel('peak RSS growth, MB')
    for ax in (ax_time, ax_mem):
        ax.tick_params(axis='x', rotation=30)
    failed = [r['library'] for r in rows if r['status'] == 'failed']
    fig.suptitle(f'chain of {n_ops:,} ops' + (f"; failed: {', '.join(failed)}" if failed else ''))
    return fig


def parser():
    p = base_parser('minigrad bench deep-chain', __doc__)
    p.set_defaults(repeat=3)
    p.add_argument('--ops', type=int, default=100000, help='ops in the chain')
    p.add_argument('--size', type=int, default=4, help='elements per tensor')
    p.add_argument('--libs', default='', help="comma-separated libraries, or 'all' "
                   f"(choices: {', '.join(chains.BUILDERS)}; default: minigrad,torch)")
    p.add_argument('--timeout', type=float, default=600, help='seconds before a worker is given up')
    p.add_argument('--worker', help='internal: run one library in this process')
    p.add_argument('--trace', action='store_true', help='internal: with --worker, add a tracemalloc pass')
    return p


def run(args, command='minigrad bench deep-chain'):
    if args.quick:
        args.ops, args.repeat = min(args.ops, 2000), 1
    print_conditions()
    rows = measure_deep(parse_libs(args.libs), args.ops, args.size, args.repeat, args.timeout, args.clock)
    print(f'\ndeep chain: {args.ops:,} ops on {args.size}-element float32 tensors, median of up to '
          f'{args.repeat} runs, one fresh process each')
    print(format_rows(rows))
    record = dict(metadata(command, args), ops=args.ops, size=args.size, repeat=args.repeat, rows=rows)
    save_results(args, 'deep_chain', record, plot(rows, args.ops))
    return record


main = benchmark_main(parser, run,
                      lambda args: worker(args.worker, args.ops, args.size, args.trace, args.clock))


if __name__ == '__main__':
    sys.exit(main())
