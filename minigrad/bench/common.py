"""What every benchmark shares: interleaved timing with medians, the machine's conditions (BLAS kernel,
versions, load), tables, and atomic JSON/PNG output.

Timings on a shared machine are noisy, so a benchmark never compares numbers from separate runs: each
repetition runs every case once, in a rotating order (:func:`measure`), so a burst of load from elsewhere
hits all cases alike, and the report gives medians over repetitions.

The NumPy that benchmarks use comes from the backend (``xp``), never from ``import numpy``, so that
hand-written NumPy floors can run on CuPy arrays as well.
"""
import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time

from .. import __version__, backend
from .._files import atomic_write, write_text

xp = backend.module_for('cpu')

#: How each optional peer is installed (printed when one is missing).
PIP_NAMES = {'torch': 'pip install torch==2.13.0', 'mygrad': 'pip install mygrad',
             'autograd': 'pip install autograd', 'micrograd': 'pip install micrograd',
             'threadpoolctl': 'pip install threadpoolctl'}

#: The published results (README's and docs/performance.md's figures), written only with ``--publish``:
#: ``benchmarks/results`` of the source tree this minigrad comes from.
PUBLISHED = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         'benchmarks', 'results')

#: ``--clock``: wall time, or the CPU time of the whole process (all its threads). With ``--threads 1``
#: the CPU clock charges a case only for the time it really ran, however busy the machine is.
CLOCKS = {'wall': time.perf_counter, 'cpu': time.process_time}


class Skipped(Exception):
    """A case that cannot run here (a peer not installed, or a workload the peer cannot express)."""


def optional_import(name):
    """Import an optional peer library, or raise :class:`Skipped` saying how to install it."""
    import importlib
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        how = PIP_NAMES.get(name, 'pip install ' + name)
        raise Skipped(f"{name} is not installed ({exc}); install it with `{how}` or all peers with "
                      "`pip install minigrad[bench]`") from None


# -------------------------------------------------------------------------------------- conditions
def blas_info():
    """The BLAS and OpenMP libraries loaded in this process, with the kernel (architecture) OpenBLAS
    picked and their thread counts (threadpoolctl); a one-item list with an ``error`` when unavailable."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{'error': f"threadpoolctl is not installed: `{PIP_NAMES['threadpoolctl']}` to see the BLAS"}]
    keep = ('user_api', 'internal_api', 'version', 'architecture', 'num_threads', 'threading_layer',
            'filepath')
    return [{k: info.get(k) for k in keep} for info in threadpool_info()]


def blas_summary(info=None):
    """One line per loaded library, e.g. ``blas: openblas 0.3.31, kernel SkylakeX, 2 threads``."""
    lines = []
    for lib in info if info is not None else blas_info():
        if 'error' in lib:
            lines.append(lib['error'])
            continue
        where = os.path.basename(lib.get('filepath') or '')
        kernel = f", kernel {lib['architecture']}" if lib.get('architecture') else ''
        lines.append(f"{lib['user_api']}: {lib['internal_api']} {lib.get('version') or ''}{kernel}, "
                     f"{lib['num_threads']} threads ({where})")
    return lines


def environment():
    """Python, platform, CPU count, load averages and the environment variables that steer BLAS."""
    steer = {k: v for k, v in os.environ.items()
             if k.startswith(('OPENBLAS', 'MKL', 'OMP_', 'GOTO')) or k in ('VECLIB_MAXIMUM_THREADS',)}
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:
        load = None
    return {'python': sys.version.split()[0], 'platform': platform.platform(), 'cpus': os.cpu_count(),
            'loadavg_1_5_15': load, 'blas_env': steer, 'time': time.strftime('%Y-%m-%d %H:%M:%S')}


def versions(names=('torch', 'mygrad', 'autograd', 'micrograd')):
    """Versions of minigrad, NumPy and each importable peer (peers not installed are left out)."""
    import importlib.metadata as md
    out = {'minigrad': __version__, 'numpy': xp.__version__}
    for name in names:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def print_conditions(out=sys.stdout):
    """Print the BLAS in use, the versions and the load, as every benchmark's header."""
    env = environment()
    print(f"machine: {env['cpus']} CPUs, load average {env['loadavg_1_5_15']} (1/5/15 min), "
          f"Python {env['python']}", file=out)
    for line in blas_summary():
        print('  ' + line, file=out)
    if env['blas_env']:
        print('  BLAS environment: ' + ', '.join(f'{k}={v}' for k, v in env['blas_env'].items()), file=out)
    print('  versions: ' + ', '.join(f'{k} {v}' for k, v in versions().items()), file=out)


#: The environment variables that set thread pools when a library is loaded (torch reads OMP's).
THREAD_VARIABLES = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')


@contextlib.contextmanager
def thread_limit(threads):
    """Within the block, BLAS/OpenMP pools (threadpoolctl) and torch use at most ``threads`` threads;
    ``None`` or 0 changes nothing. On a machine shared with other jobs, a BLAS that spins one thread per
    core slows down many times over when the cores are busy; one thread gives steadier comparisons.
    torch is limited when it is imported already, and through ``OMP_NUM_THREADS`` when it is imported
    inside the block (so a benchmark that does not use torch does not import it)."""
    if not threads:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit(f"--threads needs threadpoolctl: `{PIP_NAMES['threadpoolctl']}`") from None
    torch = sys.modules.get('torch')
    previous = torch.get_num_threads() if torch else None
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    if torch:
        torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if torch and previous:
            torch.set_num_threads(previous)


def metadata(command, args=None):
    """The conditions of a run, stored in every JSON result (with the clock and thread limit of
    ``args``, the parsed options, when given)."""
    out = {'command': command, 'environment': environment(), 'blas': blas_info(), 'versions': versions()}
    if args is not None:
        out.update(clock=args.clock, threads=args.threads or 'unchanged', quick=args.quick)
    return out


def _proc_status_mb(field):
    """A memory field of /proc/self/status (Linux) in MiB, or None elsewhere."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def rss_mb():
    """This process's resident memory now, in MiB (``max_rss_mb()`` where /proc is missing)."""
    now = _proc_status_mb('VmRSS')
    return now if now is not None else max_rss_mb()


def max_rss_mb():
    """This process's peak resident memory so far, in MiB. On Linux it is read from /proc (VmHWM):
    ``getrusage``'s ru_maxrss also counts the parent's memory from before ``exec``, so a worker started
    by a big parent would report the parent's peak instead of its own."""
    peak = _proc_status_mb('VmHWM')
    if peak is not None:
        return peak
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2 ** 20 if sys.platform == 'darwin' else peak / 1024


def worker_env():
    """The environment for a benchmark's worker process: this one, with the folder holding this minigrad
    first on the path (so the worker runs the same copy of minigrad as its parent)."""
    import minigrad
    root = os.path.dirname(os.path.dirname(os.path.abspath(minigrad.__file__)))
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([root] + [p for p in [env.get('PYTHONPATH')] if p])
    return env


def run_worker(module, argv, timeout):
    """Run ``python -m module *argv`` and return the JSON object its last output line holds; a crash, an
    error exit or a timeout becomes ``{'status': 'failed', 'reason': ...}`` instead of an exception."""
    import json
    import subprocess
    try:
        proc = subprocess.run([sys.executable, '-m', module] + list(argv), capture_output=True, text=True,
                              timeout=timeout, env=worker_env())
    except subprocess.TimeoutExpired:
        return {'status': 'failed', 'reason': f'timed out after {timeout} s'}
    lines = (proc.stdout or '').strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or '').strip().splitlines()[-1:] or ['']
        return {'status': 'failed', 'reason': f'worker exited with code {proc.returncode}: {tail[0][:200]}'}
    return json.loads(lines[-1])


# ------------------------------------------------------------------------------------------ timing
def calibrate(fn, min_seconds=0.005, max_number=100000):
    """How many calls of ``fn`` make one sample last at least ``min_seconds`` (timer noise)."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or number >= max_number:
            return number
        number = min(max_number, number * 2 if elapsed == 0 else
                     max(number + 1, int(number * min_seconds / elapsed * 1.2)))


def measure(cases, repeat=5, warmup=1, number=None, clock='wall'):
    """Time each case ``repeat`` times, interleaved; returns ``{name: {phase: [seconds, ...]}}``.

    ``cases`` maps a name to a callable taking no argument. A callable that returns anything but a dict
    is timed as a whole (phase ``'total'``), averaged over ``number[name]`` calls per sample (default 1).
    A callable that returns a dict ``{phase: seconds}`` times its own phases (e.g. forward and
    backward), and its total is their sum. Repetition ``r`` runs the cases in an order rotated by ``r``.
    ``clock`` is a key of :data:`CLOCKS`.
    """
    now = CLOCKS[clock]
    names = list(cases)
    number = number or {}
    for name in names:
        for _ in range(warmup):
            cases[name]()
    samples = {name: {} for name in names}
    for r in range(repeat):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            fn, n = cases[name], number.get(name, 1)
            start = now()
            for _ in range(n):
                phases = fn()
            elapsed = (now() - start) / n
            if type(phases) is not dict:
                phases = {'total': elapsed}
            elif 'total' not in phases:
                phases = dict(phases, total=sum(phases.values()))
            for phase, seconds in phases.items():
                samples[name].setdefault(phase, []).append(seconds)
    return samples


def summarize(values):
    """Median, quartiles, min and count of a list of seconds."""
    values = sorted(values)
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method='inclusive')
    else:
        q1 = q3 = values[0]
    return {'median': statistics.median(values), 'q1': q1, 'q3': q3, 'min': values[0], 'n': len(values)}


def median(values):
    return statistics.median(values)


FLOOR, TORCH = 'numpy (floor)', 'torch'


def summary_rows(samples, unit='s'):
    """One row per case of :func:`measure`'s samples: median and quartiles of its total in ``unit``
    ('s', 'ms' or 'us'), and the median's ratio to the NumPy floor's and to torch's (None without them)."""
    scale = {'s': 1.0, 'ms': 1e3, 'us': 1e6}[unit]
    stats = {name: summarize(phases['total']) for name, phases in samples.items()}
    base = {key: stats[key]['median'] for key in (FLOOR, TORCH) if key in stats}
    return [{'library': name, f'median_{unit}': s['median'] * scale, f'q1_{unit}': s['q1'] * scale,
             f'q3_{unit}': s['q3'] * scale,
             'vs_floor': s['median'] / base[FLOOR] if FLOOR in base else None,
             'vs_torch': s['median'] / base[TORCH] if TORCH in base else None} for name, s in stats.items()]


# ------------------------------------------------------------------------------------------- output
def format_seconds(seconds):
    """``1.23 s``, ``4.56 ms`` or ``7.8 us``, with three significant digits."""
    for scale, unit in ((1, 's'), (1e-3, 'ms'), (1e-6, 'us')):
        if seconds >= scale:
            return f'{seconds / scale:.3g} {unit}'
    return f'{seconds * 1e9:.3g} ns'


def fmt(value, spec='{:.2f}x'):
    """``spec.format(value)``, or ``-`` when there is no value (a ratio without its reference)."""
    return '-' if value is None else spec.format(value)


def split_list(text, convert=str):
    """``'a, b,c'`` -> ``['a', 'b', 'c']`` (each item passed through ``convert``)."""
    return [convert(item.strip()) for item in text.split(',') if item.strip()]


def table(headers, rows):
    """A plain-text table with right-aligned columns (first column left-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        return '  '.join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return '\n'.join([line(cells[0]), '  '.join('-' * w for w in widths)] + [line(r) for r in cells[1:]])


def write_json(path, obj):
    """Write ``obj`` as indented JSON, atomically."""
    return write_text(path, json.dumps(obj, indent=1, default=_json_default) + '\n')


def _json_default(value):
    if hasattr(value, 'item'):  # NumPy scalars
        return value.item()
    if hasattr(value, 'tolist'):
        return value.tolist()
    return str(value)


def new_figure(width=7.0, height=4.5):
    """A matplotlib Figure drawn off-screen (no pyplot, so no GUI backend is touched)."""
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), layout='constrained')


def save_figure(fig, path):
    """Save ``fig`` as PNG, atomically."""
    with atomic_write(path) as f:
        fig.savefig(f, format='png', dpi=110)
    return path


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show defaults, and keep the module docstring's layout."""


def base_parser(prog, description):
    """The options every benchmark has: ``--repeat``, ``--out``/``--publish``, ``--quick``, ``--threads``
    and ``--clock``; ``description`` is the benchmark's module docstring. The defaults (one BLAS thread,
    the CPU clock) are the settings of the published figures."""
    from ..cli import plain_text
    parser = argparse.ArgumentParser(prog=prog, description=plain_text(description),
                                     formatter_class=_HelpFormatter)
    parser.add_argument('--repeat', type=positive_int, default=7,
                        help='repetitions per case (the median is reported)')
    parser.add_argument('--out', default=None,
                        help="folder for the JSON and PNG results (default: a new run folder, "
                        "runs/bench-<date>-<time>; '' to save nothing)")
    parser.add_argument('--publish', action='store_true',
                        help=f"write the results into {PUBLISHED} (the figures README and docs show), "
                        "replacing the published ones")
    parser.add_argument('--quick', action='store_true', help='small sizes and few repetitions (a smoke run)')
    parser.add_argument('--threads', type=nonnegative_int, default=1,
                        help='limit BLAS, OpenMP and torch to this many threads (0: leave them as they are)')
    parser.add_argument('--clock', choices=sorted(CLOCKS), default='cpu',
                        help="the process's CPU time (steady on a shared machine with --threads 1), or wall "
                        "time")
    return parser


def positive_int(text):
    """argparse type: an integer >= 1 (an argparse error otherwise, not a traceback)."""
    return _bounded_int(text, 1)


def nonnegative_int(text):
    """argparse type: an integer >= 0."""
    return _bounded_int(text, 0)


def _bounded_int(text, low):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {value}")
    return value


_RUN_FOLDER = []


def run_folder():
    """This process's default output folder, ``runs/bench-<date>-<time>`` (one per process, so that
    ``minigrad bench all`` puts every benchmark's results side by side)."""
    if not _RUN_FOLDER:
        _RUN_FOLDER.append(os.path.join('runs', 'bench-' + time.strftime('%Y%m%d-%H%M%S')))
    return _RUN_FOLDER[0]


def output_folder(args):
    """Where ``args`` says results go: ``--publish`` -> the published folder, ``--out ''`` -> None
    (nothing saved), no ``--out`` -> :func:`run_folder`."""
    if getattr(args, 'publish', False):
        return PUBLISHED
    if args.out is None:
        return run_folder()
    return args.out or None


def save_results(args, name, record, figure=None):
    """Write ``<out>/<name>.json`` (and ``.png`` when a figure is given); returns the paths written."""
    out = output_folder(args)
    if not out:
        return []
    paths = [write_json(os.path.join(out, name + '.json'), record)]
    if figure is not None:
        paths.append(save_figure(figure, os.path.join(out, name + '.png')))
    for p in paths:
        print(f'wrote {p}')
    return paths


def benchmark_main(parser, run, worker=None):
    """The ``main(argv) -> exit status`` of every benchmark module: parse, limit threads, run. With
    ``worker`` (a function of the parsed arguments returning a JSON-able dict, or None when it prints
    its own), ``--worker`` runs it instead and prints its result as the last line: the benchmark's fresh worker processes
    (:func:`run_worker`) are this same ``main``."""
    def main(argv=None):
        args = parser().parse_args(argv)
        with thread_limit(args.threads):
            if worker is not None and getattr(args, 'worker', None):
                result = worker(args)
                if result is not None:  # a worker may print its own result (an MPI job's rank 0)
                    print(json.dumps(result, default=_json_default))
                return 0
            status = run(args)  # a dict of results, or an exit status
        return status if type(status) is int else 0
    return main
