"""Python loops against vectorised kernels, forward and backward (the seed's section 2.6, every kernel).

    minigrad bench loop-vs-vectorized
    minigrad bench loop-vs-vectorized --kernels matmul,softmax --sizes 100,10000

For each kernel and size, the loop version of :mod:`minigrad.kernels.loops` (plain Python over lists)
is timed against minigrad's vectorised op, forward and backward, in one process with interleaved
repetitions; before timing, the two are checked to give the same numbers. Vector kernels take ``n``
elements laid out as ``(n // 100, 100)`` rows (add/mul broadcast a row of 100; reductions, softmax and
cross-entropy work along the rows); matmul multiplies two ``s x s`` matrices.

The first rows reproduce the seed's experiment exactly: ``for i in range(n): c[i] = a[i] + b[i]`` against
``a + b`` for ``n = 10,000``, on minigrad tensors and beside it on torch tensors, NumPy arrays and lists.
"""
import sys
import time

from ..kernels import loops as R
from .common import (Skipped, base_parser, calibrate, format_seconds, measure, median, metadata, new_figure,
                     optional_import, print_conditions, save_results, split_list, table, benchmark_main, xp)
from .mlp import cross_entropy

VECTOR_SIZES = (100, 1000, 10000, 100000)
MATMUL_SIZES = (8, 16, 32, 64, 128, 256)
SEED_N = 10000


def _rows(n):
    return (max(n // 100, 1), min(n, 100))


def _ce_loop(z, aux):
    return R.cross_entropy(z, aux['target_list'])


def _ce_loop_bwd(g, z, aux):
    return (R.cross_entropy_backward(g, z, aux['target_list']),)


#: name -> (input shapes for size n, loop forward, loop backward, vectorised forward). Loop functions
#: take nested lists (and ``aux``); the vectorised one takes minigrad tensors (and ``aux``).
KERNELS = {
    'add (broadcast)': (lambda n: [_rows(n), _rows(n)[1:]], lambda a, b, aux: R.add(a, b),
                        lambda g, a, b, aux: R.add_backward(g, a, b), lambda a, b, aux: a + b),
    'mul (broadcast)': (lambda n: [_rows(n), _rows(n)[1:]], lambda a, b, aux: R.mul(a, b),
                        lambda g, a, b, aux: R.mul_backward(g, a, b), lambda a, b, aux: a * b),
    'matmul': (lambda s: [(s, s), (s, s)], lambda a, b, aux: R.matmul(a, b),
               lambda g, a, b, aux: R.matmul_backward(g, a, b), lambda a, b, aux: a @ b),
    'sum(dim)': (lambda n: [_rows(n)], lambda x, aux: R.sum_dim(x, 1),
                 lambda g, x, aux: (R.sum_backward(g, x, 1),), lambda x, aux: x.sum(dim=1)),
    'mean(dim)': (lambda n: [_rows(n)], lambda x, aux: R.mean_dim(x, 1),
                  lambda g, x, aux: (R.mean_backward(g, x, 1),), lambda x, aux: x.mean(dim=1)),
    'max(dim)': (lambda n: [_rows(n)], lambda x, aux: R.max_dim(x, 1)[0],
                 lambda g, x, aux: (R.max_backward(g, x, 1),), lambda x, aux: x.max(dim=1).values),
    'relu': (lambda n: [(n,)], lambda x, aux: R.relu(x), lambda g, x, aux: (R.relu_backward(g, x),),
             lambda x, aux: x.relu()),
    'sigmoid': (lambda n: [(n,)], lambda x, aux: R.sigmoid(x), lambda g, x, aux: (R.sigmoid_backward(g, x),),
                lambda x, aux: x.sigmoid()),
    'tanh': (lambda n: [(n,)], lambda x, aux: R.tanh(x), lambda g, x, aux: (R.tanh_backward(g, x),),
             lambda x, aux: x.tanh()),
    'softmax': (lambda n: [_rows(n)], lambda x, aux: R.softmax(x, 1),
                lambda g, x, aux: (R.softmax_backward(g, x, 1),), lambda x, aux: x.softmax(dim=1)),
    'log_softmax': (lambda n: [_rows(n)], lambda x, aux: R.log_softmax(x, 1),
                    lambda g, x, aux: (R.log_softmax_backward(g, x, 1),),
                    lambda x, aux: x.log_softmax(dim=1)),
    'cross_entropy': (lambda n: [_rows(n)], _ce_loop, _ce_loop_bwd,
                      lambda z, aux: cross_entropy(z, aux['target'])),
}

from .conv import LOOP_KERNELS  # noqa: E402  (convolution and pooling: kernels/conv_loops.py)
KERNELS.update(LOOP_KERNELS)


def _close(loop_value, array):
    """Loop result (nested lists of Python floats) equals the float32 vectorised array, loosely."""
    return bool(xp.allclose(xp.asarray(loop_value, dtype=xp.float64), array.astype(xp.float64),
                            rtol=1e-3, atol=1e-4))


#: The torch form of a kernel where minigrad's differs (the others are the same PyTorch-style code).
TORCH_FORMS = {'cross_entropy': lambda torch: lambda z, aux: torch.nn.functional.cross_entropy(z,
                                                                                       aux['target'])}


def _torch():
    try:
        return optional_import('torch')
    except Skipped:
        return None


def kernel_cases(name, size, rng, torch=None):
    """The timed callables of one kernel and size -- ``{pass: {'loop', 'vectorised'[, 'torch']}}`` for
    the forward and backward passes -- with a check that loop and vectorised agree. ``torch`` (the
    module, or None) adds the same kernel on torch tensors."""
    import minigrad
    shapes, loop_fwd, loop_bwd, vec_fwd = KERNELS[name]
    arrays = [rng.standard_normal(s).astype(xp.float32) for s in shapes(size)]
    lists = [a.tolist() for a in arrays]
    rows = arrays[0].shape[0]
    target = rng.integers(0, arrays[0].shape[-1], rows)
    aux = {'target': minigrad.from_numpy(target), 'target_list': target.tolist()}
    leaves = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    plain = [minigrad.from_numpy(a) for a in arrays]
    out = vec_fwd(*leaves, aux)
    g_array = rng.standard_normal(out.shape).astype(xp.float32)
    g_list = g_array.tolist()
    g_tensor = minigrad.from_numpy(g_array)

    def vec_bwd():
        return minigrad.autograd.grad(out, leaves, grad_outputs=g_tensor, retain_graph=True)

    agree = _close(loop_fwd(*lists, aux), out.detach().numpy()) and all(
        _close(lg, vg.numpy()) for lg, vg in zip(loop_bwd(g_list, *lists, aux), vec_bwd()))
    cases = {'forward': {'loop': lambda: loop_fwd(*lists, aux), 'vectorised': lambda: vec_fwd(*plain, aux)},
             'backward': {'loop': lambda: loop_bwd(g_list, *lists, aux), 'vectorised': vec_bwd}}
    if torch is not None:
        t_fwd = TORCH_FORMS[name](torch) if name in TORCH_FORMS else vec_fwd
        t_aux = {'target': torch.from_numpy(target)}
        t_leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
        t_plain = [torch.from_numpy(a) for a in arrays]
        t_out = t_fwd(*t_leaves, t_aux)
        t_g = torch.from_numpy(g_array)
        cases['forward']['torch'] = lambda: t_fwd(*t_plain, t_aux)
        cases['backward']['torch'] = lambda: torch.autograd.grad(t_out, t_leaves, grad_outputs=t_g,
                                                                  retain_graph=True)
    return cases, agree


def seed_cases(n=SEED_N):
    """The seed's loop ``c[i] = a[i] + b[i]`` against ``a + b`` on each kind of container available."""
    import minigrad
    makers = {'minigrad tensors': lambda: (minigrad.ones(n), minigrad.ones(n), minigrad.zeros(n)),
              'numpy arrays': lambda: (xp.ones(n, xp.float32), xp.ones(n, xp.float32),
                                       xp.zeros(n, xp.float32)),
              'python lists (vectorised = comprehension)': lambda: ([1.0] * n, [1.0] * n, [0.0] * n)}
    try:
        torch = optional_import('torch')
        makers['torch tensors'] = lambda: (torch.ones(n), torch.ones(n), torch.zeros(n))
    except Skipped as exc:
        print(f'seed experiment on torch tensors skipped: {exc}')
    cases = {}
    for kind, make in makers.items():
        a, b, c = make()
        if kind.startswith('python lists'):
            vectorised = (lambda a, b: lambda: [x + y for x, y in zip(a, b)])(a, b)
        else:
            vectorised = (lambda a, b: lambda: a + b)(a, b)
        cases[kind] = ((lambda a, b, c: lambda: R.add_into(a, b, c))(a, b, c), vectorised)
    return cases


def _time_cases(cases, repeat, clock='wall'):
    """Median seconds per call of each case (``loop``, ``vectorised``, maybe ``torch``), interleaved. A
    loop that takes over a second per call gets 3 repetitions (its noise is small next to its length)."""
    start = time.perf_counter()
    cases['loop']()  # warm-up, and a first estimate of the loop's length
    long_loop = time.perf_counter() - start > 1.0
    numbers = {name: 1 if name == 'loop' and long_loop else calibrate(fn) for name, fn in cases.items()}
    samples = measure(cases, warmup=0, number=numbers, clock=clock,
                      repeat=min(repeat, 3) if long_loop else repeat)
    return {name: median(samples[name]['total']) for name in cases}


def measure_all(kernels, vector_sizes, matmul_sizes, repeat, seed=0, seed_n=SEED_N, clock='wall'):
    """Rows ``{kernel, pass, size, loop_s, vectorised_s, torch_s, speedup, agree}``: the seed's rows
    first; ``torch_s`` is None without torch."""
    rng = xp.random.default_rng(seed)
    torch = _torch()
    rows = []
    for kind, (loop, vectorised) in seed_cases(seed_n).items():
        t = _time_cases({'loop': loop, 'vectorised': vectorised}, repeat, clock)
        rows.append({'kernel': f'seed: c[i] = a[i] + b[i], {kind}', 'pass': 'forward', 'size': seed_n,
                     'loop_s': t['loop'], 'vectorised_s': t['vectorised'], 'torch_s': None,
                     'speedup': t['loop'] / t['vectorised'], 'agree': True})
    for name in kernels:
        for size in matmul_sizes if name == 'matmul' else vector_sizes:
            cases, agree = kernel_cases(name, size, rng, torch)
            for pass_, fns in cases.items():
                t = _time_cases(fns, repeat, clock)
                rows.append({'kernel': name, 'pass': pass_, 'size': size, 'loop_s': t['loop'],
                             'vectorised_s': t['vectorised'], 'torch_s': t.get('torch'),
                             'speedup': t['loop'] / t['vectorised'], 'agree': agree})
    return rows


def _speedup(x):
    return f'{x:,.0f}x' if x >= 10 else f'{x:.2g}x'


def _size(r):
    return f"{r['size']}x{r['size']}" if r['kernel'] == 'matmul' else r['size']


def format_rows(rows):
    return table(['kernel', 'pass', 'size', 'loop', 'vectorised', 'torch', 'speedup', 'same result'],
                 [[r['kernel'], r['pass'], _size(r),
                   format_seconds(r['loop_s']), format_seconds(r['vectorised_s']),
                   format_seconds(r['torch_s']) if r.get('torch_s') else '-', _speedup(r['speedup']),
                   'yes' if r['agree'] else 'NO'] for r in rows])


def plot(rows):
    """One small log-log panel per kernel (seconds per call against size: the Python loop, minigrad's
    vectorised op and PyTorch; forward solid, backward dashed) and a panel of the loop/vectorised
    speed-up at the largest size of each kernel, forward and backward."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullFormatter
    kernels = list(dict.fromkeys(r['kernel'] for r in rows if not r['kernel'].startswith('seed')))
    if not kernels:
        return None
    cols = 4
    grid = [[kernels[i] if i < len(kernels) else '.' for i in range(r * cols, (r + 1) * cols)]
            for r in range((len(kernels) + cols - 1) // cols)] + [['speed-up'] * cols]
    fig = new_figure(12, 2.3 * len(grid) + 0.6)
    axes = fig.subplot_mosaic(grid, empty_sentinel='.', height_ratios=[1] * (len(grid) - 1) + [1.2])
    series = (('loop_s', 'C3', 'Python loop'), ('vectorised_s', 'C0', 'minigrad (vectorised)'),
              ('torch_s', 'C2', 'PyTorch'))
    for k in kernels:
        ax = axes[k]
        for pass_, style in (('forward', '-'), ('backward', '--')):
            sel = [r for r in rows if r['kernel'] == k and r['pass'] == pass_]
            for key, colour, _ in series:
                points = [(r['size'], r[key]) for r in sel if r.get(key)]
                if points:
                    ax.loglog(*zip(*points), style, color=colour, marker='o', markersize=2.5, lw=1.2)
        ax.set_title(k, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.grid(True, which='major', alpha=0.3)
        ax.set_xlabel('side s' if k == 'matmul' else 'elements n', fontsize=7, labelpad=1)
    for k in kernels[::cols]:
        axes[k].set_ylabel('s per call', fontsize=8)
    handles = [Line2D([], [], color=c, marker='o', markersize=3, label=label) for _, c, label in series]
    handles += [Line2D([], [], color='0.3', ls=ls, label=f'{p} pass') for p, ls in (('forward', '-'),
                                                                                     ('backward', '--'))]
    fig.legend(handles=handles, loc='outside upper center', ncol=5, fontsize=8, frameon=False)
    ax = axes['speed-up']
    width = 0.4
    for offset, pass_, colour in ((-width / 2, 'forward', 'C0'), (width / 2, 'backward', 'C9')):
        values = []
        for k in kernels:
            sel = [r for r in rows if r['kernel'] == k and r['pass'] == pass_]
            values.append(max(sel, key=lambda r: r['size'])['speedup'] if sel else 0)
        ax.bar([i + offset for i in range(len(kernels))], values, width, color=colour, label=pass_)
    ax.set_yscale('log')
    ax.set_xticks(range(len(kernels)), [f"{k}\n({_largest(rows, k)})" for k in kernels], fontsize=7)
    ax.set_ylabel('loop time / vectorised', fontsize=8)
    ax.set_title('speed-up of the vectorised op over the Python loop, at the largest size', fontsize=9,
                 loc='left')
    ax.legend(fontsize=7, loc='lower right', bbox_to_anchor=(1, 1), ncol=2, frameon=False)
    ax.grid(True, axis='y', which='major', alpha=0.3)
    return fig


def _largest(rows, kernel):
    size = max(r['size'] for r in rows if r['kernel'] == kernel)
    return f's = {size}' if kernel == 'matmul' else f'n = {size:,}'


def _ints(text):
    return tuple(split_list(text, lambda v: int(float(v))))


def parser():
    p = base_parser('minigrad bench loop-vs-vectorized', __doc__)
    p.set_defaults(repeat=5)
    p.add_argument('--kernels', default=','.join(KERNELS),
                   help=f"comma-separated kernels among: {', '.join(KERNELS)}")
    p.add_argument('--sizes', type=_ints, default=VECTOR_SIZES, help='vector sizes n (e.g. 1e2,1e3)')
    p.add_argument('--matmul-sizes', type=_ints, default=MATMUL_SIZES, help='square matmul sides')
    return p


def run(args, command='minigrad bench loop-vs-vectorized'):
    kernels = split_list(args.kernels)
    unknown = [k for k in kernels if k not in KERNELS]
    if unknown:
        raise SystemExit(f"unknown kernel(s) {unknown}: choose among {', '.join(KERNELS)}")
    seed_n = SEED_N
    if args.quick:
        args.sizes, args.matmul_sizes, args.repeat, seed_n = (100, 1000), (8, 16), 2, 1000
    print_conditions()
    rows = measure_all(kernels, args.sizes, args.matmul_sizes, args.repeat, seed_n=seed_n, clock=args.clock)
    print(f'\nloop vs vectorised, median of {args.repeat} interleaved repetitions (float32 tensors; '
          'loops on Python floats)')
    print(format_rows(rows))
    record = dict(metadata(command, args), repeat=args.repeat, rows=rows)
    save_results(args, 'loop_vs_vectorized', record, plot(rows))
    return record


main = benchmark_main(parser, run)


if __name__ == '__main__':
    sys.exit(main())
