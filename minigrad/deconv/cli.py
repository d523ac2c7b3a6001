"""``minigrad deblur IMAGE.png --kernel-size K``: blind deconvolution of one picture from the command line.

Writes to --out: ``estimate.png`` (the sharp estimate, cropped to the input's size and place),
``estimate_full.png`` (all of it, larger by the kernel), ``kernel.png`` (scaled up, brightest = max),
``refined.png`` with --refine, ``deblur.png`` (input, estimate, kernel side by side) and
``history.json`` (loss per recorded iteration).
"""
import json
import os
import sys
import time


def add_parser(sub):
    p = sub.add_parser('deblur', help='blind deconvolution of a blurred picture (SelfDeblur on minigrad)',
                       description=__doc__.split('\n')[0] + ' ' + ' '.join(__doc__.split('\n')[2:]))
    p.add_argument('image', help='a PNG (colour is converted to grey)')
    p.add_argument('--kernel-size', type=int, required=True, help='odd size K of the blur kernel to estimate')
    p.add_argument('--preset', choices=('small', 'paper'), default='small',
                   help="image generator: small (CPU, default) or paper (5 scales x 128 channels, GPU)")
    p.add_argument('--iterations', type=int, default=None, help='Adam steps (default 1000; the paper 5000)')
    p.add_argument('--device', default='cpu', help="'cpu' (default) or 'cuda'")
    p.add_argument('--library', choices=('minigrad', 'torch'), default='minigrad',
                   help='run the same networks on minigrad (default) or PyTorch')
    p.add_argument('--refine', action='store_true', help='also a non-blind pass with the estimated kernel')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', help='output folder (default: runs/deblur-<date>-<time>)')
    p.set_defaults(run=run)
    return p


def side_by_side(path, panels, titles):
    """Save grey panels next to each other (matplotlib, Agg), atomically."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4))
    for ax, panel, title in zip(axes, panels, titles):
        ax.imshow(panel, cmap='gray', vmin=0 if panel.min() >= 0 else None,
                  vmax=1 if panel.max() <= 1 and 'kernel' not in title else None, interpolation='nearest')
        ax.set_title(title, fontsize=9)
        ax.axis('off')
    fig.tight_layout()
    tmp = path + '.tmp.png'
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)
    return path


def run(args):
    from .blind import blind_deconv
    from .data import center_crop, read_png, write_png
    image = read_png(args.image, grey=False)
    if image.ndim == 3:
        print(f"{args.image}: colour picture, converted to grey (minigrad.deconv.to_grey)", file=sys.stderr)
        from .data import to_grey
        image = to_grey(image)
    out = args.out or os.path.join('runs', f"deblur-{time.strftime('%Y%m%d-%H%M%S')}")
    os.makedirs(out, exist_ok=True)
    iterations = args.iterations or 1000
    try:
        result = blind_deconv(image, args.kernel_size, iterations=iterations, preset=args.preset,
                              device=args.device, seed=args.seed, refine=args.refine, library=args.library)
    except ValueError as exc:
        print(f"minigrad deblur: {exc}", file=sys.stderr)
        return 2
    K = args.kernel_size
    estimate = center_crop(result.image, image.shape)
    paths = [write_png(os.path.join(out, 'estimate.png'), estimate),
             write_png(os.path.join(out, 'estimate_full.png'), result.image),
             write_png(os.path.join(out, 'kernel.png'), result.kernel / result.kernel.max(),
                       scale=max(1, 256 // K))]
    panels, titles = [image, estimate, result.kernel], ['blurred input', 'estimate', f'kernel {K}x{K}']
    if result.refined is not None:
        refined = center_crop(result.refined, image.shape)
        paths.append(write_png(os.path.join(out, 'refined.png'), refined))
        panels.insert(2, refined)
        titles.insert(2, 'refined (non-blind pass)')
    paths.append(side_by_side(os.path.join(out, 'deblur.png'), panels, titles))
    history = os.path.join(out, 'history.json')
    with open(history + '.tmp', 'w') as f:
        json.dump(dict(result.history, seconds=result.seconds, iterations=iterations, preset=args.preset,
                       library=args.library, kernel_size=K), f)
    os.replace(history + '.tmp', history)
    paths.append(history)
    print(f"deblurred in {result.seconds:.1f} s ({result.seconds / iterations:.3f} s per iteration); wrote:")
    for path in paths:
        print(f"  {path}")
    return 0
