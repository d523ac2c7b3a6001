"""Convolutional training steps, minigrad vs torch: LeNet and a residual block; GEMM share, peak memory.

    minigrad bench conv --threads 1
    minigrad bench conv --threads 1 --clock cpu      # steadier on a shared machine
    minigrad bench conv --threads 1 --epoch          # and one LeNet-BN epoch on Fashion-MNIST each

Two workloads, one SGD step each (forward, backward, update), from the same starting weights and batch
in both libraries, timed interleaved (:func:`common.measure`):

- ``lenet``: LeNet-5 with ReLU and max pooling (conv 5x5 1->6 pad 2, pool 2, conv 5x5 6->16, pool 2,
  linear 400-120-84-10), batch 128 of 28x28 images;
- ``resblock``: a residual block, batch 32, 64 channels, 32x32: conv 3x3 -> batch norm -> ReLU -> conv
  3x3 -> batch norm -> + input -> ReLU -> global average pooling -> linear 64-10 (``nn.BatchNorm2d``
  in training mode).

GEMM share: the fraction of a minigrad step spent in the convolutions' matrix products
(``functions.conv.gemm``, timed by wrapping it during extra steps).

Peak memory: each library runs its step in a fresh worker process; after two warm-up steps the peak
resident set (VmHWM) is reset (``/proc/self/clear_refs``), and the growth of the peak over the RSS just
before one more step is that step's peak memory (model, data and allocator caches excluded, since they
exist before). Workers run with glibc's ``MALLOC_MMAP_THRESHOLD_=65536``, so that freed large blocks
go back to the system in both libraries and the RSS peak follows the memory really alive. For minigrad the ``tracemalloc`` peak of the step is reported too (NumPy reports its
allocations to tracemalloc; torch's allocator does not).
"""
import sys
import time

from .common import (base_parser, benchmark_main, fmt, format_seconds, measure, metadata, new_figure,
                     print_conditions, rss_mb, run_worker, save_results, summarize, table, xp)

MODELS = ('lenet', 'resblock')
TARGETS = {'lenet': 1.0, 'resblock': 1.3}   # minigrad / torch step time the issue asks for


def sizes(model, quick):
    if model == 'lenet':
        return {'batch': 16 if quick else 128, 'channels': 1, 'size': 28}
    return {'batch': 4 if quick else 32, 'channels': 16 if quick else 64, 'size': 32}


# ------------------------------------------------------------------------------------------ models
def batch_norm_class(lib):
    """(class, description) of the batch norm the residual block uses."""
    return lib.nn.BatchNorm2d, 'nn.BatchNorm2d'


def build(lib, model, quick=False):
    """The model of ``lib`` (minigrad or torch) with seeded weights."""
    nn = lib.nn
    if model == 'lenet':
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    c = sizes(model, quick)['channels']
    BatchNorm = batch_norm_class(lib)[0]

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), BatchNorm(c)
            self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), BatchNorm(c)
            self.pool, self.flat, self.head = nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 10)

        def forward(self, x):
            h = self.bn1(self.conv1(x)).relu()
            h = (self.bn2(self.conv2(h)) + x).relu()
            return self.head(self.flat(self.pool(h)))
    return Residual()


def problem(model, quick=False, seed=0):
    """(starting weights as host arrays in the module order, X, y) shared by both libraries."""
    import minigrad
    minigrad.manual_seed(seed)
    net = build(minigrad, model, quick)
    weights = [p.detach().numpy().copy() for p in net.parameters()]
    s = sizes(model, quick)
    rng = xp.random.default_rng(seed)
    X = rng.standard_normal((s['batch'], s['channels'], s['size'], s['size'])).astype(xp.float32)
    y = rng.integers(0, 10, s['batch']).astype(xp.int64)
    return weights, X, y


def make_step(lib_name, model, quick=False):
    """A function running one SGD step of ``model`` in ``lib_name`` ('minigrad' or 'torch')."""
    if lib_name == 'torch':
        import torch as lib
    else:
        import minigrad as lib
    weights, X, y = problem(model, quick)
    net = build(lib, model, quick)
    with lib.no_grad():
        for p, w in zip(net.parameters(), weights):
            p.copy_(lib.tensor(w))
    opt = lib.optim.SGD(net.parameters(), lr=0.05)
    loss_fn = lib.nn.CrossEntropyLoss()
    Xt, yt = lib.tensor(X), lib.tensor(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(Xt), yt)
        loss.backward()
        opt.step()
        return loss
    return step


# ---------------------------------------------------------------------------------- loop kernels
def _image(n):
    """(1, 2, s, s) images of about n elements (at least 6 x 6)."""
    side = max(6, int((n // 2) ** 0.5))
    return (1, 2, side, side)


def _loops():
    from ..kernels import conv_loops
    return conv_loops


#: Rows of ``minigrad bench loop-vs-vectorized`` (its KERNELS format: input shapes for size n, loop
#: forward, loop backward, vectorised forward): the loops of kernels/conv_loops.py against im2col.
LOOP_KERNELS = {
    'conv2d 3x3': (lambda n: [_image(n), (4, 2, 3, 3)],
                   lambda x, w, aux: _loops().conv2d(x, w, padding=1),
                   lambda g, x, w, aux: _loops().conv2d_backward(g, x, w, padding=1)[:2],
                   lambda x, w, aux: _conv2d(x, w, padding=1)),
    'max_pool2d 2x2': (lambda n: [_image(n)], lambda x, aux: _loops().max_pool2d(x, 2)[0],
                       lambda g, x, aux: (_loops().max_pool2d_backward(g, x, 2),),
                       lambda x, aux: _functional().max_pool2d(x, 2)),
    'avg_pool2d 2x2': (lambda n: [_image(n)], lambda x, aux: _loops().avg_pool2d(x, 2),
                       lambda g, x, aux: (_loops().avg_pool2d_backward(g, x, 2),),
                       lambda x, aux: _functional().avg_pool2d(x, 2)),
}


def _functional():
    from ..nn import functional
    return functional


def _conv2d(*args, **kwargs):
    return _functional().conv2d(*args, **kwargs)


def kernel_table(quick, repeat, clock):
    """Loops vs im2col vs torch on one small convolution and pooling, forward + backward."""
    import minigrad
    loops = _loops()
    shape_x, shape_w = ((1, 2, 8, 8), (2, 2, 3, 3)) if quick else ((4, 3, 16, 16), (8, 3, 3, 3))
    rng = xp.random.default_rng(1)
    x = rng.standard_normal(shape_x).astype(xp.float32)
    w = rng.standard_normal(shape_w).astype(xp.float32)
    xl, wl = x.tolist(), w.tolist()
    try:
        import torch
    except ImportError:
        torch = None
    rows = []
    specs = {
        'conv2d 3x3 pad 1': (
            lambda: loops.conv2d_backward(loops.conv2d(xl, wl, padding=1), xl, wl, padding=1),
            lambda lib, F, a, b: F.conv2d(a, b, padding=1)),
        'max_pool2d 2x2': (
            lambda: loops.max_pool2d_backward(loops.max_pool2d(xl, 2)[0], xl, 2),
            lambda lib, F, a, b: F.max_pool2d(a, 2)),
        'avg_pool2d 2x2': (
            lambda: loops.avg_pool2d_backward(loops.avg_pool2d(xl, 2), xl, 2),
            lambda lib, F, a, b: F.avg_pool2d(a, 2)),
    }
    for name, (loop, op) in specs.items():
        def vectorised(lib, F):
            a, b = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)

            def run():
                out = op(lib, F, a, b)
                out.backward(lib.ones_like(out))
            return run
        cases = {'loops': loop, 'im2col': vectorised(minigrad, _functional())}
        if torch is not None:
            cases['torch'] = vectorised(torch, torch.nn.functional)
        samples = measure(cases, repeat=repeat, warmup=1, clock=clock)
        med = {k: summarize(v['total'])['median'] for k, v in samples.items()}
        rows.append({'kernel': name, 'input': shape_x, 'weight': shape_w,
                     **{f'{k}_s': v for k, v in med.items()}})
    return rows


# ------------------------------------------------------------------------------------------ measures
def gemm_share(step, repeat):
    """Median fraction of ``step``'s time spent in ``functions.conv.gemm`` (minigrad only)."""
    from ..functions import conv
    original = conv.gemm
    spent = [0.0]

    def timed(a, b, out=None):
        start = time.perf_counter()
        result = original(a, b, out)
        spent[0] += time.perf_counter() - start
        return result
    shares = []
    conv.gemm = timed
    try:
        for _ in range(repeat):
            spent[0] = 0.0
            start = time.perf_counter()
            step()
            shares.append(spent[0] / (time.perf_counter() - start))
    finally:
        conv.gemm = original
    return sorted(shares)[len(shares) // 2]


def _reset_peak():
    """Reset this process's VmHWM to its current RSS (Linux); False where that is not possible."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def worker(lib_name, model, quick):
    """In a fresh process: the peak memory of one step (see the module docstring)."""
    import gc
    import tracemalloc
    from .common import max_rss_mb
    step = make_step(lib_name, model, quick)
    step()
    step()
    gc.collect()
    if not _reset_peak():
        return {'status': 'failed', 'reason': 'cannot reset the peak RSS (/proc/self/clear_refs)'}
    before = rss_mb()
    step()
    result = {'status': 'ok', 'rss_peak_growth_mb': max_rss_mb() - before}
    if lib_name == 'minigrad':
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.get_traced_memory()[0]
        step()
        result['tracemalloc_peak_mb'] = (tracemalloc.get_traced_memory()[1] - start) / 2 ** 20
        tracemalloc.stop()
    return result


def lenet_bn(lib):
    """LeNet with ReLU, max pooling and batch norm (``d2l.LeNetModern(batch_norm=True)``'s layers)."""
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.BatchNorm1d(120), nn.ReLU(), nn.Linear(120, 84),
                         nn.BatchNorm1d(84), nn.ReLU(), nn.Linear(84, 10))


def epoch_table(samples=None, batch=128, lr=0.1, seed=0):
    """One training epoch of LeNet-BN on Fashion-MNIST in each library (same weights, same shuffled
    order), then the validation accuracy: ``[{library, seconds, val_acc, samples}]``."""
    import minigrad
    from ..data import fashion_mnist
    X, y = fashion_mnist.load(train=True, download=False)
    Xv, yv = fashion_mnist.load(train=False, download=False)
    if samples:
        X, y = X[:samples], y[:samples]
    minigrad.manual_seed(seed)
    ours = lenet_bn(minigrad)
    weights = [p.detach().numpy().copy() for p in ours.parameters()]
    order = xp.random.default_rng(seed).permutation(len(X))
    rows = []
    for name in ('minigrad', 'torch'):
        try:
            lib = minigrad if name == 'minigrad' else __import__('torch')
        except ImportError:
            continue
        net = ours if name == 'minigrad' else lenet_bn(lib)
        with lib.no_grad():
            for p, w in zip(net.parameters(), weights):
                p.copy_(lib.tensor(w))
        opt = lib.optim.SGD(net.parameters(), lr=lr)
        loss_fn = lib.nn.CrossEntropyLoss()
        net.train()
        start = time.process_time()
        for k in range(0, len(X), batch):
            idx = order[k:k + batch]
            opt.zero_grad()
            loss = loss_fn(net(lib.tensor(X[idx])), lib.tensor(y[idx]))
            loss.backward()
            opt.step()
        seconds = time.process_time() - start
        net.eval()
        with lib.no_grad():
            correct = sum(int((net(lib.tensor(Xv[k:k + 1000])).argmax(1) == lib.tensor(yv[k:k + 1000])).sum())
                          for k in range(0, len(Xv), 1000))
        rows.append({'library': name, 'seconds': seconds, 'val_acc': correct / len(Xv), 'samples': len(X)})
    return rows


def _with_fixed_mmap_threshold(fn):
    """Run ``fn`` with glibc's mmap threshold fixed at 64 KiB in the environment (workers inherit it):
    every large block is then mapped on allocation and unmapped on free, in both libraries, so the RSS
    peak follows the memory really alive (glibc's default threshold adapts and keeps freed blocks)."""
    import os
    previous = os.environ.get('MALLOC_MMAP_THRESHOLD_')
    os.environ['MALLOC_MMAP_THRESHOLD_'] = '65536'
    try:
        return fn()
    finally:
        if previous is None:
            del os.environ['MALLOC_MMAP_THRESHOLD_']
        else:
            os.environ['MALLOC_MMAP_THRESHOLD_'] = previous


def run(args, command='minigrad bench conv'):
    print_conditions()
    models = [m.strip() for m in args.models.split(',') if m.strip()]
    for m in models:
        if m not in MODELS:
            raise SystemExit(f"unknown model {m!r}: choose among {', '.join(MODELS)}")
    repeat = 2 if args.quick else args.repeat
    import minigrad
    bn = batch_norm_class(minigrad)[1]
    cases, steps = {}, {}
    for m in models:
        for lib in ('minigrad', 'torch'):
            try:
                steps[(m, lib)] = make_step(lib, m, args.quick)
            except ImportError as exc:
                print(f'skipped {lib}: {exc}')
                continue
            cases[f'{m} {lib}'] = steps[(m, lib)]
    samples = measure(cases, repeat=repeat, warmup=1, clock=args.clock)
    rows = []
    for m in models:
        s = sizes(m, args.quick)
        mine = summarize(samples[f'{m} minigrad']['total'])
        theirs = summarize(samples[f'{m} torch']['total']) if f'{m} torch' in samples else None
        share = gemm_share(steps[(m, 'minigrad')], repeat)
        memory = {}
        if not args.no_memory:
            for lib in ('minigrad', 'torch'):
                argv = ['--worker', lib, '--models', m] + (['--quick'] if args.quick else [])
                if args.threads:
                    argv += ['--threads', str(args.threads)]
                memory[lib] = _with_fixed_mmap_threshold(
                    lambda: run_worker('minigrad.bench.conv', argv, timeout=600))
        row = {'model': m, **s, 'minigrad_ms': mine['median'] * 1e3,
               'torch_ms': theirs['median'] * 1e3 if theirs else None,
               'ratio': mine['median'] / theirs['median'] if theirs else None, 'target': TARGETS[m],
               'conv_gemm_share': share, 'memory': memory}
        rows.append(row)
    print(f"\none SGD step, median of {repeat} (interleaved, {args.clock} clock); residual block batch norm: "
          f"{bn}")
    headers = ['model', 'batch', 'minigrad', 'torch', 'ratio', 'target', 'conv GEMM share',
               'peak minigrad (tracemalloc)', 'peak RSS minigrad', 'peak RSS torch', 'RSS ratio']
    lines = []
    for r in rows:
        mem = r['memory']
        mg_rss = mem.get('minigrad', {}).get('rss_peak_growth_mb')
        t_rss = mem.get('torch', {}).get('rss_peak_growth_mb')
        traced = mem.get('minigrad', {}).get('tracemalloc_peak_mb')
        lines.append([r['model'], r['batch'], f"{r['minigrad_ms']:.1f} ms",
                      fmt(r['torch_ms'], '{:.1f} ms'), fmt(r['ratio']), f"<= {r['target']:.1f}x",
                      f"{r['conv_gemm_share']:.0%}", fmt(traced, '{:.1f} MiB'), fmt(mg_rss, '{:.1f} MiB'),
                      fmt(t_rss, '{:.1f} MiB'),
                      fmt(mg_rss / t_rss if mg_rss is not None and t_rss else None)])
    print(table(headers, lines))
    for r in rows:
        for lib, m in r['memory'].items():
            if m.get('status') != 'ok':
                print(f"memory of {r['model']} {lib}: {m.get('reason')}")
    kernels = kernel_table(args.quick, min(repeat, 5), args.clock)
    print(f"\nforward + backward of one op on {kernels[0]['input']} (conv weight {kernels[0]['weight']}): Python loops "
          "(kernels/conv_loops.py) vs minigrad's im2col vs torch")
    print(table(['kernel', 'loops', 'im2col', 'torch', 'loops / im2col', 'im2col / torch'],
                [[k['kernel'], format_seconds(k['loops_s']), format_seconds(k['im2col_s']),
                  format_seconds(k['torch_s']) if 'torch_s' in k else '-', f"{k['loops_s'] / k['im2col_s']:,.0f}x",
                  fmt(k['im2col_s'] / k['torch_s'] if 'torch_s' in k else None)] for k in kernels]))
    epochs = []
    if args.epoch:
        epochs = epoch_table(samples=2000 if args.quick else None)
        print(f"\none epoch of LeNet-BN (ReLU, max pooling, batch norm) on Fashion-MNIST, batch 128, SGD "
              f"lr 0.1, {epochs[0]['samples']:,} images, CPU time; then the validation accuracy")
        print(table(['library', 'epoch', 'validation accuracy'],
                    [[e['library'], f"{e['seconds']:.1f} s", f"{e['val_acc']:.4f}"] for e in epochs]))
    record = dict(metadata(command, args), repeat=repeat, batch_norm=bn, rows=rows, kernels=kernels,
                  epochs=epochs)
    save_results(args, 'conv', record, plot(rows))
    return record


def plot(rows):
    """Step time and peak memory, minigrad beside torch, per model."""
    fig = new_figure(9, 3.8)
    ax_time, ax_mem = fig.subplots(1, 2)
    names = [r['model'] for r in rows]
    at = list(range(len(rows)))
    for offset, lib, colour in ((-0.2, 'minigrad', 'C0'), (0.2, 'torch', 'C1')):
        ax_time.bar([a + offset for a in at], [r[f'{lib}_ms'] or 0 for r in rows], 0.4, label=lib, color=colour)
        ax_mem.bar([a + offset for a in at],
                   [r['memory'].get(lib, {}).get('rss_peak_growth_mb') or 0 for r in rows], 0.4, label=lib,
                   color=colour)
    for ax, title in ((ax_time, 'one SGD step (ms, median)'), (ax_mem, 'peak RSS growth of a step (MiB)')):
        ax.set_xticks(at)
        ax.set_xticklabels(names)
        ax.set_title(title)
        ax.legend()
    return fig


def parser():
    p = base_parser('minigrad bench conv', __doc__)
    p.set_defaults(repeat=7)
    p.add_argument('--models', default=','.join(MODELS), help=f"comma-separated among {', '.join(MODELS)}")
    p.add_argument('--no-memory', action='store_true', help='skip the peak-memory workers')
    p.add_argument('--epoch', action='store_true',
                   help='also train LeNet-BN one epoch on Fashion-MNIST in each library (minutes)')
    p.add_argument('--worker', help='internal: measure the memory of one library in this process')
    return p


main = benchmark_main(parser, run, lambda args: worker(args.worker, args.models, args.quick))


if __name__ == '__main__':
    sys.exit(main())
