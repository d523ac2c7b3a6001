"""Deconvolution on the synthetic set: every method side by side, and the blind network's iteration
time on minigrad vs PyTorch.

Methods, on each problem (a bundled scikit-image picture blurred by a seeded camera-shake kernel of
13-27 px, 1 % noise): the blurred input itself; ``wiener`` (nsr 0.03) and ``richardson_lucy`` (10
iterations; both tuned on the set, circular/zero boundary, true kernel); ``deconv_valid`` with the
true kernel (the non-blind bound); ``blind_deconv`` (the small preset on minigrad, --iterations);
blind + refine (``deconv_valid`` with the estimated kernel). Scores follow Levin et al.: PSNR and SSIM
after the best sub-pixel shift, 15 px crop, and the error ratio (SSD of a method over SSD of
``deconv_valid`` with the true kernel).

``--time-iterations``: one training iteration of the same network from the same weights, minigrad
and torch, interleaved (medians), in each loss phase and weighted as a run (20 % MSE, 80 % 1 - SSIM);
the target is minigrad <= 1.3x torch with --threads 1.
``--crossover``: the blur's direct and FFT algorithms timed over kernel sizes (where ``auto`` switches).
"""
import sys
import time

from .common import (base_parser, benchmark_main, measure, metadata, new_figure, print_conditions,
                     save_results, summarize, table, xp)

METHODS = ('blurred', 'wiener', 'richardson_lucy', 'deconv_valid', 'blind', 'blind_refine')


def run_methods(sample, iterations, preset, library, seed, progress):
    from ..deconv import (center_crop, deconv_valid, error_ratio, psnr_aligned, richardson_lucy,
                          ssim_aligned, wiener)
    from ..deconv.blind import blind_deconv
    y, k, truth = sample.blurred, sample.kernel, sample.truth
    out, seconds = {}, {}

    def timed(name, fn):
        start = time.perf_counter()
        out[name] = fn()
        seconds[name] = time.perf_counter() - start

    timed('blurred', lambda: y)
    timed('wiener', lambda: wiener(y, k, nsr=3e-2))
    timed('richardson_lucy', lambda: richardson_lucy(y, k, 10))
    timed('deconv_valid', lambda: center_crop(deconv_valid(y, k), y.shape))
    result = None
    if iterations:
        start = time.perf_counter()
        result = blind_deconv(y, k.shape[0], iterations=iterations, preset=preset, library=library,
                              seed=seed, progress=progress)
        seconds['blind'] = time.perf_counter() - start
        out['blind'] = center_crop(result.image, y.shape)
        start = time.perf_counter()
        out['blind_refine'] = center_crop(deconv_valid(y, result.kernel), y.shape)
        seconds['blind_refine'] = seconds['blind'] + time.perf_counter() - start
    rows = {}
    for name, estimate in out.items():
        rows[name] = {'psnr': psnr_aligned(estimate, truth), 'ssim': ssim_aligned(estimate, truth),
                      'error_ratio': error_ratio(estimate, out['deconv_valid'], truth),
                      'seconds': seconds[name]}
    if result is not None:
        kernel_error = float(((result.kernel - k) ** 2).sum() / (k ** 2).sum())
        rows['blind']['kernel_relative_sse'] = kernel_error
    return rows, out, result


def time_iterations(size, kernel_size, preset, repeat, clock):
    """Median seconds of one iteration, minigrad and torch, same network and weights, in each loss
    phase (MSE: the first 20 % of the iterations; 1 - SSIM: the rest), interleaved; ``mean`` weighs the
    phases 0.2 / 0.8 as a run does."""
    from ..deconv import make_sample, shake_kernel, test_image
    from ..deconv.blind import BlindProblem
    s = make_sample(test_image('camera', None), shake_kernel(kernel_size, seed=0), 0.01, size=size)
    phases = {'mse': 10 ** 6, 'ssim': 1}     # iterations=1: the SSIM loss from the first step
    problems = {}
    for phase, iterations in phases.items():
        reference = BlindProblem(s.blurred, kernel_size, iterations, preset, library='torch')
        ours = BlindProblem(s.blurred, kernel_size, iterations, preset, library='minigrad')
        ours.load_weights_from(reference)
        problems[f'torch {phase}'], problems[f'minigrad {phase}'] = reference, ours
    counters = {name: [0] for name in problems}

    def case(name):
        def one():
            counters[name][0] += 1
            loss, _, _ = problems[name].step(counters[name][0])
            loss.item()
        return one

    samples = measure({name: case(name) for name in problems}, repeat=repeat, warmup=2, clock=clock)
    out = {name: summarize(phases_['total']) for name, phases_ in samples.items()}
    for lib in ('torch', 'minigrad'):
        out[lib] = {'median': 0.2 * out[f'{lib} mse']['median'] + 0.8 * out[f'{lib} ssim']['median']}
    return out


def crossover(sizes=(64, 255), kernels=(3, 5, 7, 9, 11, 15, 21, 27), repeat=5):
    from ..deconv.blur import _use_fft, correlate_valid
    rng = xp.random.default_rng(0)
    rows = []
    for n in sizes:
        for K in kernels:
            x = rng.standard_normal((n + K - 1, n + K - 1)).astype(xp.float32)
            w = rng.standard_normal((K, K)).astype(xp.float32)
            cases = {m: (lambda m=m: correlate_valid(x, w, m)) for m in ('direct', 'fft')}
            t = measure(cases, repeat=repeat, number={'direct': 3, 'fft': 3})
            rows.append({'output': n, 'kernel': K, 'direct_ms': 1e3 * summarize(t['direct']['total'])['median'],
                         'fft_ms': 1e3 * summarize(t['fft']['total'])['median'],
                         'auto': 'fft' if _use_fft(x.shape, w.shape, (n, n), 'auto') else 'direct'})
    return rows


def plot(samples, outputs, scores):
    fig = new_figure(1.5 * (len(METHODS) + 1), 1.7 * len(samples) + 2.2)
    cols = len(METHODS) + 1
    grid = fig.add_gridspec(len(samples) + 1, cols)
    for r, (sample, out) in enumerate(zip(samples, outputs)):
        ax = fig.add_subplot(grid[r, 0])
        ax.imshow(sample.truth, cmap='gray', vmin=0, vmax=1)
        ax.set_title(f'{sample.name} (K={sample.kernel.shape[0]})', fontsize=8)
        ax.axis('off')
        for c, name in enumerate(METHODS):
            if name not in out:
                continue
            ax = fig.add_subplot(grid[r, c + 1])
            ax.imshow(out[name], cmap='gray', vmin=0, vmax=1)
            ax.set_title(f"{name} {scores[r][name]['psnr']:.1f} dB", fontsize=8)
            ax.axis('off')
    ax = fig.add_subplot(grid[len(samples), :])
    names = [m for m in METHODS if m in scores[0]]
    for r, sample in enumerate(samples):
        ax.plot(names, [scores[r][m]['psnr'] for m in names], 'o-', label=sample.name)
    ax.set_ylabel('PSNR (dB, aligned)')
    ax.legend(fontsize=7, ncol=4)
    return fig


def parser():
    p = base_parser('minigrad bench deconv', __doc__)
    p.add_argument('--images', type=int, default=4, help='problems of the synthetic set (0: timings only)')
    p.add_argument('--size', type=int, default=128, help='blurred image size (the scene is larger by K - 1; '
                   'the synthetic set of the docs is 255)')
    p.add_argument('--iterations', type=int, default=400, help='blind iterations per image (0: no blind; '
                   'the paper: 5000)')
    p.add_argument('--preset', default='small', choices=('small', 'paper'))
    p.add_argument('--library', default='minigrad', choices=('minigrad', 'torch'), help='for the blind runs')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--time-iterations', type=int, default=1, help='1: also time an iteration, minigrad '
                   'vs torch (needs torch); 0: skip')
    p.add_argument('--time-size', type=int, default=64, help='image size of the timed iteration')
    p.add_argument('--crossover', action='store_true', help='also time direct vs FFT blur')
    p.add_argument('--progress', action='store_true', help='progress line of each blind run')
    return p


def run(args, command='minigrad bench deconv'):
    from ..deconv import synthetic_set
    if args.quick:
        args.images, args.size, args.iterations, args.repeat = 1, 64, min(args.iterations, 20), 3
        args.time_size = 40
    print_conditions()
    samples = synthetic_set(args.images, size=args.size, seed=args.seed)
    scores, outputs = [], []
    for sample in samples:
        rows, out, result = run_methods(sample, args.iterations, args.preset, args.library, args.seed,
                                        args.progress)
        scores.append(rows)
        outputs.append(out)
        print(f"{sample.name}: K={sample.kernel.shape[0]}  " +
              '  '.join(f"{m} {rows[m]['psnr']:.2f}" for m in rows), flush=True)
    record = dict(metadata(command, args), images=len(samples), size=args.size, iterations=args.iterations,
                  preset=args.preset, library=args.library)
    if samples:
        names = list(scores[0])
        base = [s['blurred']['psnr'] for s in scores]
        table_rows, summary = [], {}
        for m in names:
            psnr = [s[m]['psnr'] for s in scores]
            gain = [p - b for p, b in zip(psnr, base)]
            ratios = [s[m]['error_ratio'] for s in scores]
            summary[m] = {'psnr_mean': sum(psnr) / len(psnr), 'gain_mean': sum(gain) / len(gain),
                          'gain_min': min(gain), 'ssim_mean': sum(s[m]['ssim'] for s in scores) / len(scores),
                          'error_ratio_le_2': sum(r <= 2 for r in ratios) / len(ratios),
                          'seconds_mean': sum(s[m]['seconds'] for s in scores) / len(scores)}
            v = summary[m]
            table_rows.append([m, f"{v['psnr_mean']:.2f}", f"{v['gain_mean']:+.2f}", f"{v['gain_min']:+.2f}",
                               f"{v['ssim_mean']:.3f}", f"{100 * v['error_ratio_le_2']:.0f} %",
                               f"{v['seconds_mean']:.2f}"])
        print(f"\n{len(samples)} images of {args.size}x{args.size}, 1 % noise; blind: preset {args.preset} on "
              f"{args.library}, {args.iterations} iterations (the paper: 5000)")
        print(table(['method', 'PSNR', 'vs blurred', 'worst', 'SSIM', 'ER<=2', 's/image'], table_rows))
        record.update(summary=summary, per_image=[dict(name=s.name, kernel_size=s.kernel.shape[0], **r)
                                                  for s, r in zip(samples, scores)])
    if args.time_iterations:
        try:
            import torch  # noqa: F401
            timing = time_iterations(args.time_size, 13, args.preset, args.repeat, args.clock)
            ratio = timing['minigrad']['median'] / timing['torch']['median']
            print(f"\none iteration, preset {args.preset}, {args.time_size}x{args.time_size}, K=13, same weights "
                  f"(medians of {args.repeat}, {args.clock} clock):")
            for phase in ('mse', 'ssim'):
                m, t = timing[f'minigrad {phase}']['median'], timing[f'torch {phase}']['median']
                print(f"  {phase:5s} loss: minigrad {1e3 * m:.1f} ms, torch {1e3 * t:.1f} ms -> {m / t:.2f}x")
            print(f"  a run (20 % mse, 80 % ssim): minigrad {1e3 * timing['minigrad']['median']:.1f} ms, torch "
                  f"{1e3 * timing['torch']['median']:.1f} ms -> {ratio:.2f}x (target <= 1.3x)")
            record['iteration_time'] = dict(timing, ratio=ratio, size=args.time_size, kernel_size=13)
        except ImportError:
            print('\niteration timing skipped: torch is not installed')
    if args.crossover:
        rows = crossover(repeat=args.repeat)
        print('\nblur: direct vs FFT (ms, one thread recommended)')
        print(table(['output', 'kernel', 'direct', 'fft', 'auto picks'],
                    [[r['output'], r['kernel'], f"{r['direct_ms']:.2f}", f"{r['fft_ms']:.2f}", r['auto']]
                     for r in rows]))
        record['crossover'] = rows
    save_results(args, 'deconv', record, plot(samples, outputs, scores) if samples else None)
    return record


main = benchmark_main(parser, run)


if __name__ == '__main__':
    sys.exit(main())
