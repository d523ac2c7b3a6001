"""One epoch of the seed's MLP on Fashion-MNIST, minigrad vs NumPy vs torch; memory vs data size.

The MLP is 784-256-10 with ReLU, cross-entropy, SGD lr 0.1, batch 256; the libraries run side by side in
one process, and peak memory is measured against the dataset's size.

    minigrad bench epoch
    minigrad bench epoch --memory-sizes 10000,30000,60000

The training split comes from :mod:`minigrad.data` (Fashion-MNIST) when this build has it and the files
are found without downloading; otherwise the benchmark says so and uses synthetic data of the same
shape and dtype (60,000 x 784 float32, 10 classes), which costs the same arithmetic. Every library starts
from the same weights and walks the same shuffled order; minigrad batches through its ``DataLoader``
when it has one, the others by indexing with the same permutation.

Memory: each library trains one epoch in a fresh worker process per dataset size, reporting the growth of
peak RSS from just before the data are created or loaded, and (minigrad, NumPy) the ``tracemalloc``
peak, as a multiple of the dataset's float32 bytes plus the model's. Sizes below the full 60,000 use
synthetic data (a subset of the real files would still read them whole).
"""
import sys

from . import mlp
from .common import (Skipped, base_parser, fmt, max_rss_mb, measure, metadata, new_figure, print_conditions,
                     rss_mb, run_worker, save_results, split_list, summary_rows, table, benchmark_main, xp)

LIBS = ('numpy (floor)', 'minigrad', 'minigrad nn', 'torch')
TRAIN_SIZE = 60000


def load_data(n=None, seed=0, synthetic=False):
    """``(X, y, source)``: X float32 (N, 784), y int64 (N,); the first ``n`` samples when given.
    ``synthetic=True`` skips Fashion-MNIST (the memory table sizes its datasets freely)."""
    reason = 'asked for synthetic data' if synthetic else None
    if not synthetic:
        try:
            from minigrad.data import fashion_mnist
            images, labels = fashion_mnist.load(train=True, download=False)
            X, y, source = images.reshape(len(images), -1), labels, 'Fashion-MNIST (minigrad.data)'
        except ImportError as exc:
            reason = f'minigrad.data.fashion_mnist is not in this build ({exc})'
        except Exception as exc:  # the files are not found or fail verification
            reason = f'Fashion-MNIST could not be loaded: {str(exc).splitlines()[0][:160]}'
    if reason:
        rng = xp.random.default_rng(seed)
        size = n or TRAIN_SIZE
        X = rng.random((size, 784), dtype=xp.float32)
        y = rng.integers(0, 10, size).astype(xp.int64)
        source = f'synthetic data of the same shape ({reason})'
    if n is not None:
        X, y = X[:n], y[:n]
    return X, y, source


def _minigrad_loader(X, y, batch, seed):
    """minigrad's DataLoader when this build has one (the realistic path), shuffling with a generator
    seeded like the others' permutation; None otherwise."""
    import minigrad
    try:
        from minigrad.data import DataLoader, TensorDataset
    except ImportError:
        return None
    return DataLoader(TensorDataset(minigrad.from_numpy(X), minigrad.from_numpy(y)), batch_size=batch,
                      shuffle=True, generator=xp.random.default_rng(seed))


def make_epoch(name, X, y, batch=256, seed=0):
    """A callable that trains ``name`` for one epoch over (X, y); raises Skipped when unavailable."""
    params, _, _ = mlp.make_problem(batch)
    step, prepare = mlp.BUILDERS[name](params)
    order = xp.random.default_rng(seed).permutation(len(X))
    loader = _minigrad_loader(X, y, batch, seed) if name.startswith('minigrad') else None

    def epoch():
        if loader is not None:
            for Xb, yb in loader:
                step(Xb, yb)
            return
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            step(*prepare(X[idx], y[idx]))
    return epoch, 'DataLoader' if loader is not None else 'indexing'


def measure_epochs(X, y, libs, repeat, batch=256, clock='wall'):
    cases, skipped, batching = {}, {}, {}
    for name in libs:
        try:
            cases[name], batching[name] = make_epoch(name, X, y, batch)
        except Skipped as exc:
            skipped[name] = str(exc)
    rows = summary_rows(measure(cases, repeat=repeat, warmup=1, clock=clock), 's')
    for r in rows:
        r['batching'] = batching[r['library']]
    return rows, skipped


def worker(lib, n, batch):
    """In a worker process: peak memory of loading ``n`` samples and training one epoch."""
    import tracemalloc
    try:
        params, _, _ = mlp.make_problem(batch)
        mlp.BUILDERS[lib](params)  # imports and model creation before the baseline
    except Skipped as exc:
        return {'status': 'skipped', 'reason': str(exc)}
    before = rss_mb()
    traced = lib in ('minigrad', 'minigrad nn', 'numpy (floor)')
    if traced:
        tracemalloc.start()
    X, y, source = load_data(n, synthetic=n != TRAIN_SIZE)
    make_epoch(lib, X, y, batch)[0]()
    result = {'status': 'ok', 'rss_growth_mb': max_rss_mb() - before, 'source': source,
              'dataset_mb': (X.nbytes + y.nbytes) / 2 ** 20,
              'model_mb': sum(p.nbytes for p in params) / 2 ** 20}
    if traced:
        result['tracemalloc_peak_mb'] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
    return result


def measure_memory(libs, sizes, batch=256, timeout=900):
    rows = []
    for n in sizes:
        for lib in libs:
            r = run_worker('minigrad.bench.epoch', ['--worker', lib, '--n', str(n), '--batch', str(batch)],
                           timeout)
            if r['status'] != 'ok':
                continue
            budget = r['dataset_mb'] + r['model_mb']
            rows.append({'library': lib, 'samples': n, 'source': r['source'], 'dataset_mb': r['dataset_mb'],
                         'rss_growth_mb': r['rss_growth_mb'], 'rss_vs_data': r['rss_growth_mb'] / budget,
                         'tracemalloc_peak_mb': r.get('tracemalloc_peak_mb'),
                         'traced_vs_data': r['tracemalloc_peak_mb'] / budget if 'tracemalloc_peak_mb' in r
                         else None})
    return rows


def format_epochs(rows):
    return table(['library', 'batching', 'epoch s (median)', 'q1-q3 s', 'vs NumPy floor', 'vs torch'],
                 [[r['library'], r['batching'], f"{r['median_s']:.3f}", f"{r['q1_s']:.3f}-{r['q3_s']:.3f}",
                   fmt(r['vs_floor']), fmt(r['vs_torch'])] for r in rows])


def format_memory(rows):
    return table(['library', 'samples', 'data MB', 'peak RSS +MB', 'RSS / (data+model)', 'tracemalloc MB',
                  'traced / (data+model)'],
                 [[r['library'], r['samples'], f"{r['dataset_mb']:.0f}", f"{r['rss_growth_mb']:.0f}",
                   fmt(r['rss_vs_data']), fmt(r['tracemalloc_peak_mb'], '{:.0f}'), fmt(r['traced_vs_data'])]
                  for r in rows])


def plot(epochs, memory):
    fig = new_figure(10, 4)
    ax_time, ax_mem = fig.subplots(1, 2)
    ax_time.bar([r['library'] for r in epochs], [r['median_s'] for r in epochs])
    ax_time.set_ylabel('seconds per epoch (median)')
    ax_time.tick_params(axis='x', rotation=25)
    for lib in dict.fromkeys(r['library'] for r in memory):
        sel = [r for r in memory if r['library'] == lib]
        ax_mem.plot([r['dataset_mb'] for r in sel], [r['rss_growth_mb'] for r in sel], 'o-', label=lib)
    if memory:
        top = max(r['dataset_mb'] for r in memory)
        ax_mem.plot([0, top], [0, 1.5 * top], 'k:', label='1.5 x data')
        ax_mem.legend()
    ax_mem.set_xlabel('dataset size, MB (float32)')
    ax_mem.set_ylabel('peak RSS growth, MB')
    return fig


def parser():
    p = base_parser('minigrad bench epoch', __doc__)
    p.set_defaults(repeat=5)
    p.add_argument('--batch', type=int, default=256)
    p.add_argument('--samples', type=int, default=None, help='train on the first N samples only')
    p.add_argument('--libs', default=','.join(LIBS), help=f"comma-separated among {', '.join(LIBS)}")
    p.add_argument('--memory-sizes', default='10000,30000,60000',
                   help="dataset sizes for the memory table ('' to skip it)")
    p.add_argument('--worker', help='internal: measure memory of one library in this process')
    p.add_argument('--n', type=int, help='internal: samples for --worker')
    return p


def run(args, command='minigrad bench epoch'):
    libs = split_list(args.libs)
    unknown = [name for name in libs if name not in mlp.BUILDERS]
    if unknown:
        raise SystemExit(f"unknown libraries {unknown}: choose among {', '.join(LIBS)}")
    sizes = split_list(args.memory_sizes, lambda v: int(float(v)))
    if args.quick:
        args.samples, args.repeat, sizes = min(args.samples or 1024, 1024), 2, [512, 1024]
    print_conditions()
    X, y, source = load_data(args.samples)
    print(f'data: {source}, {len(X):,} samples')
    rows, skipped = measure_epochs(X, y, libs, args.repeat, args.batch, args.clock)
    print(f'\none epoch, MLP 784-256-10, batch {args.batch}, median of {args.repeat} (interleaved)')
    print(format_epochs(rows))
    for name, reason in skipped.items():
        print(f'skipped {name}: {reason}')
    memory = measure_memory([r['library'] for r in rows], sizes, args.batch) if sizes else []
    if memory:
        print('\npeak memory of loading the data and training one epoch (fresh process each)')
        print(format_memory(memory))
    record = dict(metadata(command, args), data=source, samples=len(X), batch=args.batch, repeat=args.repeat,
                  rows=rows, skipped=skipped, memory=memory)
    save_results(args, 'epoch', record, plot(rows, memory))
    return record


main = benchmark_main(parser, run, lambda args: worker(args.worker, args.n, args.batch))


if __name__ == '__main__':
    sys.exit(main())
