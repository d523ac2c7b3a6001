"""The command line: ``minigrad <command>`` (also ``python -m minigrad <command>``).

    minigrad demo              the main job: linear regression three ways, then the seed's MLP
    minigrad train ...         train a model on Fashion-MNIST (or linear regression) with arguments
    minigrad generalization    under/overfitting with polynomial features (seed 3.6)
    minigrad data --ensure     find, download or verify Fashion-MNIST
    minigrad deblur IMG.png    blind deconvolution of a picture (minigrad.deconv)
    minigrad bench ...         the benchmarks (minigrad.bench)
"""
import argparse
import os
import re
import sys
import time

TARGETS = "scratch errors <= 0.3, concise <= 0.05, closed form <= 2e-3, MLP val acc >= 0.83 at epoch 10"


def plain_text(text):
    """A docstring as --help text: reST markup (````code````, ``:mod:`x```, a ``::`` before a listing)
    becomes plain text, ```code``` in backquotes as a terminal shows it."""
    text = re.sub(r':[a-z]+:`~?([^`]+)`', r'\1', text)
    text = re.sub(r'``([^`]+)``', r'`\1`', text)
    return re.sub(r'(\S)::$', r'\1:', re.sub(r'^::\n', '', text, flags=re.M), flags=re.M)


# ------------------------------------------------------------------ argument types (argparse errors)
def _integer(low):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {value}")
        return value
    parse.__name__ = 'integer'
    return parse


def _number(positive):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        ok = value > 0 if positive else value >= 0
        if not ok or value != value or value == float('inf'):
            wanted = 'positive number' if positive else 'number >= 0'
            raise argparse.ArgumentTypeError(f"expected a {wanted}, got {text}")
        return value
    parse.__name__ = 'number'
    return parse


def _device(text):
    """argparse type: a device minigrad knows (``cpu``, ``cuda``, ``cuda:N``); availability is checked
    after parsing (:func:`_check_device`), where the message can say what to type instead."""
    from . import backend
    try:
        backend.as_device(text)
        return text
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _check_device(parser, args):
    device = getattr(args, 'device', None)
    if device is None or not device.startswith('cuda'):
        return
    from . import backend
    reason = backend.cuda_unavailable_reason()
    if reason:
        parser.error(f"--device {device}: {reason}; or run with --device cpu")


COUNT, SIZE, RATE, AMOUNT = _integer(0), _integer(1), _number(True), _number(False)


def _out_folder(out, job):
    folder = out or os.path.join('runs', f"{job}-{time.strftime('%Y%m%d-%H%M%S')}")
    os.makedirs(folder, exist_ok=True)
    return folder


def _check(ok):
    return 'ok' if ok else 'MISSED'


def cmd_demo(args):
    from .demos import classify, linreg
    start = time.perf_counter()
    out = _out_folder(args.out, 'demo')
    print(f"minigrad demo: results go to {os.path.abspath(out)}\n")
    print("== Part 1: linear regression (seed 3.4) ==")
    table = linreg.run(seed=args.seed)
    if args.skip_mlp:
        return 0
    print("\n== Part 2: the seed's MLP on Fashion-MNIST (seed 5.2) ==")
    history, paths = classify.run(out, model='mlp', epochs=args.epochs, seed=args.seed, device=args.device)
    seconds = history.column('seconds')
    if seconds:
        print(f"\nseconds per epoch: mean {sum(seconds) / len(seconds):.2f}, total {sum(seconds):.1f}")
    for name, path in paths.items():
        print(f"  {name:8s} {path}")
    acc = history[-1]['val_acc'] if len(history) else None
    print("\nTargets: " + TARGETS)
    for (name, errors), limit in zip(table.items(), (0.3, 0.05, 2e-3)):
        worst = max(map(abs, errors))
        print(f"  {name:34s} max |error| {worst:.5f}  {_check(worst <= limit)}")
    if acc is None:
        print(f"  {'MLP, validation accuracy':34s} not measured: no epochs were run (--epochs 0)")
    else:
        verdict = _check(acc >= 0.83) if len(history) == 10 else '(the target is for 10 epochs)'
        print(f"  {'MLP, validation accuracy':34s} epoch {len(history)}: {acc:.4f}  {verdict}")
    print(f"\ndemo done in {time.perf_counter() - start:.0f} s; results in {os.path.abspath(out)}")
    return 0


def cmd_train(args):
    from .distributed import init_process_group, is_initialized, is_main_process, launched_by_mpi
    if launched_by_mpi() and not is_initialized():  # `mpiexec -n 4 minigrad train`: docs/distributed.md
        init_process_group('mpi')
    main = is_main_process()  # only rank 0 prints and saves
    if args.model == 'linreg':
        if not main:
            return 0  # the three linear-regression fits are single-process: rank 0 runs them
        from .demos import linreg
        linreg.run(seed=args.seed, lr=args.lr if args.lr is not None else 0.03,
                   epochs=args.epochs if args.epochs is not None else 3, verbose=True)
        return 0
    from .demos import classify
    out = _out_folder(args.out, f'train-{args.model}') if main else None
    history, paths = classify.run(out, model=args.model,
                                  epochs=args.epochs if args.epochs is not None else 10,
                                  lr=args.lr if args.lr is not None else 0.1, batch_size=args.batch_size,
                                  hidden=args.hidden, seed=args.seed, device=args.device)
    if not main:
        return 0
    print(f"saved to {os.path.abspath(out)}:")
    for name, path in paths.items():
        print(f"  {name:8s} {path}")
    return 0


def cmd_generalization(args):
    from .demos import generalization
    out = _out_folder(args.out, 'generalization')
    _, path = generalization.run(out, max_degree=args.max_degree, n_train=args.train_points,
                                 n_val=args.val_points, noise=args.noise, solver=args.solver,
                                 epochs=args.epochs, lr=args.lr, seed=args.seed)
    print(f"plot saved to {path}")
    return 0


def cmd_data(args):
    from .data import fashion_mnist
    argv = (['--ensure'] if args.ensure else []) + (['--no-download'] if args.no_download else []) + \
        (['--root', args.root] if args.root else [])
    return fashion_mnist.main(argv)


def cmd_bench(argv):
    try:
        from . import bench
    except ImportError as exc:
        print(f"minigrad bench: the benchmark package is not available ({exc}); it ships with the "
              "source tree (minigrad/bench)", file=sys.stderr)
        return 2
    return bench.main(argv)


def build_parser():
    parser = argparse.ArgumentParser(prog='minigrad', description=plain_text(__doc__.split('\n')[0]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog='Run `minigrad <command> --help` for the arguments of each.')
    sub = parser.add_subparsers(dest='command', metavar='command')

    demo = sub.add_parser('demo', help="the main job: linear regression three ways, then the seed's MLP",
                          description="Part 1: linear regression from scratch, concise and in closed "
                          "form on the seed's synthetic data. Part 2: the seed's MLP (256 hidden units, "
                          "ReLU, lr 0.1, batch 256) on Fashion-MNIST, saving the curves (PNG) and the "
                          "weights (.npz) in the output folder.")
    demo.add_argument('--out', help='output folder (default: runs/demo-<date>-<time>)')
    demo.add_argument('--epochs', type=COUNT, default=10, help='MLP epochs (default 10, as the seed)')
    demo.add_argument('--seed', type=COUNT, default=0, help='random seed (default 0)')
    demo.add_argument('--device', type=_device, default='cpu',
                      help="'cpu' (default) or 'cuda' (needs CuPy and a GPU)")
    demo.add_argument('--skip-mlp', action='store_true', help='run part 1 only (no data needed)')
    demo.set_defaults(run=cmd_demo)

    train = sub.add_parser(
        'train', help='train a model with the d2l Trainer',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a model with the book's framework and save its results.\n\n"
        "  mlp             the seed's MLP: flatten, --hidden ReLU units, 10 outputs (Fashion-MNIST)\n"
        "  softmax         softmax regression: one linear layer (Fashion-MNIST)\n"
        "  linreg          linear regression on synthetic data, three ways (from scratch, concise,\n"
        "                  closed form), printed; --lr, --epochs and --seed apply, nothing is saved\n\n"
        "Fashion-MNIST is found or downloaded as `minigrad data --help` explains. The output folder\n"
        "gets <model>_curves.png (loss and accuracy per epoch), <model>_weights.npz (the state dict,\n"
        "minigrad.load reads it), <model>_history.json and progress_board.png.")
    train.add_argument('--model', choices=('mlp', 'softmax', 'linreg', 'lenet', 'lenet-bn', 'resnet-mini'),
                       default='mlp', help="which model (default mlp); lenet is the book's (sigmoid, "
                       "average pooling), lenet-bn has ReLU, max pooling and batch norm, resnet-mini is a "
                       "small ResNet")
    train.add_argument('--epochs', type=COUNT, help='passes over the training set (default 10; linreg 3)')
    train.add_argument('--lr', type=RATE, help='learning rate of minibatch SGD (default 0.1; linreg 0.03)')
    train.add_argument('--batch-size', type=SIZE, default=256, help='examples per minibatch (default 256)')
    train.add_argument('--hidden', type=SIZE, default=256, help='hidden units of the MLP (default 256)')
    train.add_argument('--seed', type=COUNT, default=0,
                       help='seed of minigrad.manual_seed: initial weights and shuffling (default 0)')
    train.add_argument('--device', type=_device, default='cpu',
                       help="'cpu' (default) or 'cuda' (CuPy on an NVIDIA GPU; pip install minigrad[gpu])")
    train.add_argument('--out', help='output folder (default: runs/train-<model>-<date>-<time>)')
    train.set_defaults(run=cmd_train)

    gen = sub.add_parser('generalization', aliases=['generalisation'],
                         help='under/overfitting: polynomial features of growing degree (seed 3.6)',
                         description="Fit polynomials of degree 0..--max-degree to a few noisy points of "
                         "a cubic; print train and validation loss per degree and save the plot.")
    gen.add_argument('--max-degree', type=COUNT, default=12, help='highest degree (default 12)')
    gen.add_argument('--train-points', type=SIZE, default=15, help='training points (default 15)')
    gen.add_argument('--val-points', type=SIZE, default=200, help='validation points (default 200)')
    gen.add_argument('--noise', type=AMOUNT, default=0.1, help='noise std (default 0.1)')
    gen.add_argument('--solver', choices=('closed', 'sgd'), default='closed',
                     help='closed: exact least squares (default); sgd: gradient descent with autograd')
    gen.add_argument('--epochs', type=COUNT, default=2000, help='full-batch steps for --solver sgd')
    gen.add_argument('--lr', type=RATE, default=0.05, help='learning rate for --solver sgd')
    gen.add_argument('--seed', type=COUNT, default=0, help='random seed (default 0)')
    gen.add_argument('--out', help='output folder (default: runs/generalization-<date>-<time>)')
    gen.set_defaults(run=cmd_generalization)

    data = sub.add_parser('data', help='find, download or verify Fashion-MNIST',
                          description="Fashion-MNIST is searched in --root, $MINIGRAD_DATA, "
                          "~/.cache/minigrad/fashion-mnist and /usr/share/datasets/fashion-mnist, else "
                          "downloaded (SHA-256 verified) into $MINIGRAD_DATA or the cache.")
    data.add_argument('--ensure', action='store_true', help='exit 0 when the data is there, 1 if not')
    data.add_argument('--root', help='a folder to search first')
    data.add_argument('--no-download', action='store_true', help='search only')
    data.set_defaults(run=cmd_data)

    from .deconv import cli as deconv_cli
    deconv_cli.add_parser(sub)

    sub.add_parser('bench', help='run the benchmarks (arguments go to minigrad.bench)', add_help=False)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ['bench']:  # everything after `bench` belongs to the benchmark's own parser
        return cmd_bench(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_device(parser, args)
    if not getattr(args, 'run', None):
        parser.print_help()
        return 1
    return args.run(args)


if __name__ == '__main__':
    sys.exit(main())
