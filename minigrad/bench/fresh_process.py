"""The first training steps of a fresh process: MLP 784-256-10 SGD step time and page faults.

    minigrad bench fresh-process                 # minigrad (core ops and nn + optim) vs the NumPy floor
    minigrad bench fresh-process --malloc both   # also with glibc's malloc settings left alone

Every run is a new Python process (``--worker``), as a user's training script is: it loads the
weights and the batch from a file (no big temporary array freed first, which would change glibc's
malloc thresholds), builds the step, and times each of ``--steps`` steps on the process's CPU clock,
counting the minor page faults of each (``resource.getrusage``). The row gives the median step after
the first ``--warmup`` ones, the first step, and the median faults per steady-state step; runs of the
libraries alternate and the medians are over ``--repeat`` processes.

The NumPy floor's processes run with ``MINIGRAD_MALLOC=default``: plain NumPy, glibc's settings.
``--malloc default`` runs minigrad that way too (what minigrad did before minigrad/_malloc.py).
"""
import os
import statistics
import sys
import tempfile

from . import mlp
from .common import (FLOOR, base_parser, benchmark_main, fmt, metadata, new_figure, print_conditions,
                     run_worker, save_results, split_list, table, xp)

LIBS = ('numpy (floor)', 'minigrad', 'minigrad nn')


def worker(lib, problem, steps, warmup):
    """In a fresh process: load the problem, build ``lib``'s step, time each step and count its faults."""
    import resource
    import time
    with xp.load(problem) as data:
        params = [data[f'p{i}'] for i in range(4)]
        X, y = data['X'], data['y']
    step, prepare = mlp.BUILDERS[lib](params)
    X, y = prepare(X, y)
    seconds, faults = [], []
    for _ in range(steps):
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t0 = time.process_time()
        step(X, y)
        seconds.append(time.process_time() - t0)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
    from .. import _malloc
    steady = slice(warmup, None)
    return {'status': 'ok', 'step_s': statistics.median(seconds[steady]), 'first_step_s': seconds[0],
            'faults_per_step': statistics.median(faults[steady]), 'first_step_faults': faults[0],
            'max_faults_steady': max(faults[steady]), 'malloc_tuned': _malloc.applied}


def write_problem(folder, batch):
    path = os.path.join(folder, 'problem.npz')
    params, X, y = mlp.make_problem(batch)
    xp.savez(path, p0=params[0], p1=params[1], p2=params[2], p3=params[3], X=X, y=y)
    return path


def measure(libs, repeat, batch, steps, warmup, mallocs=('tuned',), threads=1, timeout=300):
    """Rows ``{library, malloc, step_s, first_step_s, faults_per_step, vs_floor}`` (medians over
    ``repeat`` fresh processes per row, interleaved)."""
    cases = [(lib, 'default' if lib == FLOOR else m) for m in mallocs for lib in libs
             if lib != FLOOR or m == mallocs[0]]
    runs = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as folder:
        problem = write_problem(folder, batch)
        saved = os.environ.get('MINIGRAD_MALLOC')
        try:
            for r in range(repeat):
                for case in cases[r % len(cases):] + cases[:r % len(cases)]:
                    lib, malloc = case
                    os.environ['MINIGRAD_MALLOC'] = malloc
                    runs[case].append(run_worker('minigrad.bench.fresh_process', [
                        '--worker', lib, '--problem', problem, '--steps', str(steps), '--warmup', str(warmup),
                        '--threads', str(threads)], timeout))
        finally:
            if saved is None:
                os.environ.pop('MINIGRAD_MALLOC', None)
            else:
                os.environ['MINIGRAD_MALLOC'] = saved
    rows = []
    for (lib, malloc), results in runs.items():
        ok = [x for x in results if x.get('status') == 'ok']
        if not ok:
            rows.append({'library': lib, 'malloc': malloc, 'status': 'failed',
                         'reason': results[-1].get('reason')})
            continue
        row = {'library': lib, 'malloc': malloc, 'status': 'ok', 'runs': len(ok)}
        for key in ('step_s', 'first_step_s', 'faults_per_step', 'first_step_faults', 'max_faults_steady'):
            row[key] = statistics.median(x[key] for x in ok)
        rows.append(row)
    floor = next((r for r in rows if r['library'] == FLOOR and r['status'] == 'ok'), None)
    for r in rows:
        r['vs_floor'] = r['step_s'] / floor['step_s'] if floor and r['status'] == 'ok' else None
    return rows


def format_rows(rows):
    body = []
    for r in rows:
        if r['status'] != 'ok':
            body.append([r['library'], r['malloc'], 'failed', '-', '-', '-', r.get('reason', '')[:40]])
            continue
        body.append([r['library'], r['malloc'], f"{r['step_s'] * 1e3:.3f}", fmt(r['vs_floor']),
                     f"{r['faults_per_step']:.0f}", f"{r['first_step_s'] * 1e3:.2f}",
                     f"{r['first_step_faults']}"])
    return table(['library', 'malloc', 'step ms', 'vs floor', 'faults/step', 'first step ms', 'first faults'],
                 body)


def plot(rows):
    ok = [r for r in rows if r['status'] == 'ok']
    fig = new_figure(8, 3.4)
    ax_time, ax_faults = fig.subplots(1, 2)
    labels = [r['library'] + ('' if r['malloc'] == 'tuned' or r['library'] == FLOOR else '\n(glibc default)')
              for r in ok]
    ax_time.bar(labels, [r['step_s'] * 1e3 for r in ok], color=['C7' if r['library'] == FLOOR else 'C0'
                                                              for r in ok])
    ax_time.set_ylabel('ms per steady-state step (median)')
    ax_faults.bar(labels, [r['faults_per_step'] for r in ok], color='C3')
    ax_faults.set_ylabel('minor page faults per step')
    for ax in (ax_time, ax_faults):
        ax.tick_params(axis='x', rotation=30, labelsize=8)
    fig.suptitle('MLP 784-256-10 SGD step in a fresh process, batch 256, 1 BLAS thread')
    return fig


def parser():
    p = base_parser('minigrad bench fresh-process', __doc__)
    p.set_defaults(repeat=5)
    p.add_argument('--libs', default=','.join(LIBS), help=f"comma-separated among {', '.join(LIBS)}")
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--steps', type=int, default=120, help='steps per process')
    p.add_argument('--warmup', type=int, default=10, help='first steps left out of the steady state')
    p.add_argument('--malloc', choices=('tuned', 'default', 'both'), default='tuned',
                   help="minigrad's processes with minigrad's malloc thresholds (tuned), glibc's (default), "
                   "or both")
    p.add_argument('--worker', help='internal: run one library in this process')
    p.add_argument('--problem', help='internal: with --worker, the .npz of weights and batch')
    return p


def run(args, command='minigrad bench fresh-process'):
    libs = split_list(args.libs)
    unknown = [lib for lib in libs if lib not in LIBS]
    if unknown:
        raise SystemExit(f"unknown libraries {unknown}: choose among {', '.join(LIBS)}")
    if args.quick:
        args.repeat, args.steps, args.warmup = 1, 20, 5
    mallocs = {'tuned': ('tuned',), 'default': ('default',), 'both': ('tuned', 'default')}[args.malloc]
    print_conditions()
    rows = measure(libs, args.repeat, args.batch, args.steps, args.warmup, mallocs, args.threads or 0)
    print(f'\nfresh process: MLP 784-256-10 SGD step, batch {args.batch}, {args.threads or "all"} BLAS '
          f'thread(s), CPU clock; median of steps {args.warmup + 1}..{args.steps}, '
          f'{args.repeat} processes each')
    print(format_rows(rows))
    record = dict(metadata(command, args), batch=args.batch, steps=args.steps, warmup=args.warmup, rows=rows)
    save_results(args, 'fresh_process', record, plot(rows))
    return record


main = benchmark_main(parser, run, lambda args: worker(args.worker, args.problem, args.steps, args.warmup))

if __name__ == '__main__':
    sys.exit(main())
