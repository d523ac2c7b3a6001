"""Forward against reverse mode: the cost of a Jacobian, a Hessian-vector product, and checkpointing.

    minigrad bench autodiff-modes                 # n, m in 1, 10, 100, 1000
    minigrad bench autodiff-modes --quick         # a smoke run

1. The full Jacobian of f: R^n -> R^m, f(x) = tanh(W x) (W of shape (m, n)), by reverse mode (m backward
   passes, one per output) and by forward mode (n dual passes, one per input). Reverse wins when m < n,
   forward when n < m; the table gives the ratio for every (n, m).
2. A Hessian-vector product of g(x) = sum(tanh(W x)) against the whole Hessian: forward-over-reverse
   (one backward pass inside a dual level), reverse-over-reverse (the double-backward trick), and
   ``hessian`` (n Hessian-vector products).
3. Activation checkpointing on a deep MLP (depth 32, width 256, batch 256): time and peak memory of one
   forward + backward, with and without ``checkpoint_sequential`` in sqrt(depth) segments.
"""
import math

from .. import backend
from .common import (base_parser, benchmark_main, fmt, format_seconds, measure, median, metadata,
                     new_figure, print_conditions, save_results, table)


def _jacobian_cases(n, m, seed=0):
    import minigrad
    from minigrad.autograd import functional as F
    rng = backend.host.random.default_rng(seed)
    W = minigrad.tensor(rng.standard_normal((m, n)) / math.sqrt(n), dtype=minigrad.float32)
    x = minigrad.tensor(rng.standard_normal(n), dtype=minigrad.float32)
    f = lambda z: (W @ z).tanh()
    return {'reverse': lambda: F.jacobian(f, x),
            'forward': lambda: F.jacobian(f, x, strategy='forward-mode', vectorize=True)}


def _hessian_cases(n, seed=0):
    import minigrad
    import minigrad.autograd.forward_ad as fwAD
    from minigrad.autograd import functional as F
    rng = backend.host.random.default_rng(seed)
    W = minigrad.tensor(rng.standard_normal((n, n)) / math.sqrt(n), dtype=minigrad.float32)
    x = minigrad.tensor(rng.standard_normal(n), dtype=minigrad.float32)
    v = minigrad.tensor(rng.standard_normal(n), dtype=minigrad.float32)
    g = lambda z: (W @ z).tanh().sum()

    def forward_over_reverse():
        with fwAD.dual_level():
            dual = fwAD.make_dual(x.detach().requires_grad_(), v)
            (grad,) = minigrad.autograd.grad(g(dual), dual, create_graph=True)
            return fwAD.unpack_dual(grad).tangent

    return {'hvp forward-over-reverse': forward_over_reverse,
            'hvp reverse-over-reverse': lambda: F.vhp(g, x, v),
            'full hessian': lambda: F.hessian(g, x)}


def _checkpoint_runs(depth, width, batch, seed=0):
    import minigrad
    from minigrad import nn
    from minigrad.utils.checkpoint import checkpoint_sequential
    minigrad.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    net = nn.Sequential(*layers)
    x = minigrad.randn(batch, width)
    segments = max(1, round(math.sqrt(depth)))

    def step(checkpointed):
        def run():
            net.zero_grad()
            y = checkpoint_sequential(net, segments, x) if checkpointed else net(x)
            y.square().mean().backward()
        return run

    return {'stored activations': step(False), f'checkpoint, {segments} segments': step(True)}, segments


def _peak_mb(fn):
    import tracemalloc
    fn()  # warm: first-call allocations are not the step's
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2 ** 20


def run(args, command='minigrad bench autodiff-modes'):
    sizes = [1, 10, 100] if args.quick else args.sizes
    repeat = 1 if args.quick else args.repeat
    print_conditions()
    jac_rows = []
    for n in sizes:
        for m in sizes:
            samples = measure(_jacobian_cases(n, m), repeat=repeat, clock=args.clock)
            rev, fwd = (median(samples[k]['total']) for k in ('reverse', 'forward'))
            jac_rows.append({'n': n, 'm': m, 'reverse_s': rev, 'forward_s': fwd, 'forward_vs_reverse': fwd / rev})
    print('\nfull Jacobian of tanh(W x), W: (m, n): reverse mode (m backward passes) vs forward mode (n dual '
          f'passes), median of {repeat}')
    print(table(['n (inputs)', 'm (outputs)', 'reverse', 'forward', 'forward / reverse'],
                [[r['n'], r['m'], format_seconds(r['reverse_s']), format_seconds(r['forward_s']),
                  fmt(r['forward_vs_reverse'])] for r in jac_rows]))

    hess_rows = []
    for n in sizes:
        samples = measure(_hessian_cases(n), repeat=repeat, clock=args.clock)
        row = {'n': n}
        row.update({k: median(v['total']) for k, v in samples.items()})
        hess_rows.append(row)
    names = ['hvp forward-over-reverse', 'hvp reverse-over-reverse', 'full hessian']
    print('\nHessian of sum(tanh(W x)): one Hessian-vector product vs the whole Hessian')
    print(table(['n'] + names + ['hessian / hvp'],
                [[r['n']] + [format_seconds(r[k]) for k in names] +
                 [fmt(r['full hessian'] / r['hvp forward-over-reverse'])] for r in hess_rows]))

    depth, width, batch = (8, 64, 32) if args.quick else (args.depth, 256, 256)
    runs, segments = _checkpoint_runs(depth, width, batch)
    samples = measure(runs, repeat=repeat, clock=args.clock)
    ck_rows = [{'variant': k, 'step_s': median(samples[k]['total']), 'peak_mb': _peak_mb(fn)}
               for k, fn in runs.items()]
    base = ck_rows[0]
    for r in ck_rows:
        r['time_vs_stored'], r['memory_vs_stored'] = r['step_s'] / base['step_s'], r['peak_mb'] / base['peak_mb']
    print(f'\ncheckpointing: MLP depth {depth}, width {width}, batch {batch}, one forward + backward')
    print(table(['variant', 'step', 'peak MB (tracemalloc)', 'time vs stored', 'memory vs stored'],
                [[r['variant'], format_seconds(r['step_s']), f"{r['peak_mb']:.1f}", fmt(r['time_vs_stored']),
                  fmt(r['memory_vs_stored'])] for r in ck_rows]))
    record = dict(metadata(command, args), jacobian=jac_rows, hessian=hess_rows, checkpoint=ck_rows,
                  checkpoint_shape={'depth': depth, 'width': width, 'batch': batch, 'segments': segments})
    save_results(args, 'autodiff_modes', record, plot(jac_rows, hess_rows, ck_rows, sizes))
    return record


def plot(jac_rows, hess_rows, ck_rows, sizes):
    fig = new_figure(13, 4)
    ax_jac, ax_hess, ax_ck = fig.subplots(1, 3)
    colours = ['C0', 'C1', 'C2', 'C3', 'C4', 'C5']
    for colour, m in zip(colours, sizes):
        rows = [r for r in jac_rows if r['m'] == m]
        ax_jac.plot([r['n'] for r in rows], [r['reverse_s'] for r in rows], '-o', color=colour,
                    label=f'reverse, m={m}')
        ax_jac.plot([r['n'] for r in rows], [r['forward_s'] for r in rows], '--s', color=colour,
                    label=f'forward, m={m}')
    ax_jac.set(xscale='log', yscale='log', xlabel='n (inputs)', ylabel='seconds per Jacobian',
               title='Jacobian: reverse (solid) vs forward (dashed)')
    ax_jac.legend(fontsize=7, ncol=2)
    for name, style in (('hvp forward-over-reverse', '-o'), ('hvp reverse-over-reverse', '-s'),
                        ('full hessian', '-^')):
        ax_hess.plot([r['n'] for r in hess_rows], [r[name] for r in hess_rows], style, label=name)
    ax_hess.set(xscale='log', yscale='log', xlabel='n', ylabel='seconds', title='Hessian-vector product vs Hessian')
    ax_hess.legend(fontsize=8)
    places = range(len(ck_rows))
    ax_ck.bar([p - 0.2 for p in places], [r['memory_vs_stored'] for r in ck_rows], width=0.4, color='C0',
              label='peak memory')
    ax_ck.bar([p + 0.2 for p in places], [r['time_vs_stored'] for r in ck_rows], width=0.4, color='C1',
              label='time')
    ax_ck.set_xticks(list(places), [r['variant'] for r in ck_rows])
    ax_ck.set(ylabel='relative to storing every activation', title='checkpointing: memory vs time')
    ax_ck.legend(fontsize=8)
    return fig


def parser():
    p = base_parser('minigrad bench autodiff-modes', __doc__)
    p.set_defaults(repeat=3)
    p.add_argument('--sizes', type=lambda s: [int(v) for v in s.split(',')], default=[1, 10, 100, 1000],
                   help='comma-separated n and m values')
    p.add_argument('--depth', type=int, default=32, help='layers of the checkpointed MLP')
    return p


main = benchmark_main(parser, run)
