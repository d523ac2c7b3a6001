"""Linear regression three ways on the seed's synthetic data (w = [2, -3.4], b = 4.2, noise 0.01):
from scratch (half squared loss, the book's SGD), concise (``nn.LazyLinear`` + ``MSELoss`` +
``optim.SGD``) and the closed form (``minigrad.linalg.lstsq_normal``), side by side.

Why the scratch model ends further from the truth with the same lr and epochs: its loss is
``(y_hat - y)^2 / 2``, whose gradient is ``(y_hat - y) x``; ``MSELoss`` is ``(y_hat - y)^2``, whose
gradient is ``2 (y_hat - y) x``. The half in the loss halves every step, so in 3 epochs the scratch model
covers less of the way to the minimum. The closed form needs no steps: it solves the normal equations
and is off only by what the noise allows (about 0.01 / sqrt(1000)).
"""
from .. import d2l, linalg, manual_seed, tensor

TRUE_W, TRUE_B = [2.0, -3.4], 4.2
EXPLANATION = (
    "Why they differ: the scratch loss is (y_hat - y)^2 / 2, with gradient (y_hat - y) x; MSELoss is\n"
    "(y_hat - y)^2, with gradient 2 (y_hat - y) x. Same lr (0.03), same 3 epochs: the half in the loss\n"
    "halves every step, so the scratch model is still on its way (errors ~0.1-0.2, as the book's), the\n"
    "concise one is nearly there (~0.01). The closed form takes no steps: it solves (X^T X) w = X^T y\n"
    "and is off only by the noise (~0.01/sqrt(1000) = 3e-4).")


def errors(w, b):
    """``(true - learned)`` for w1, w2 and b, as the book prints them."""
    w = [float(v) for v in w.reshape(-1).tolist()]
    b = float(b.reshape(-1).tolist()[0])
    return [TRUE_W[0] - w[0], TRUE_W[1] - w[1], TRUE_B - b]


def run(seed=0, lr=0.03, epochs=3, verbose=False):
    """Train the three models on the same data; returns ``{name: (w1, w2, b, errors)}`` and prints a
    table. ``verbose`` also prints the Trainer's line per epoch."""
    manual_seed(seed)
    data = d2l.SyntheticRegressionData(w=tensor(TRUE_W), b=TRUE_B)
    results = {}

    scratch = d2l.LinearRegressionScratch(2, lr=lr)
    scratch.board.display = False
    d2l.Trainer(max_epochs=epochs, verbose=verbose, progress=False).fit(scratch, data)
    results['from scratch (half squared loss)'] = (scratch.w.detach(), scratch.b.detach())

    concise = d2l.LinearRegression(lr=lr)
    concise.board.display = False
    d2l.Trainer(max_epochs=epochs, verbose=verbose, progress=False).fit(concise, data)
    results['concise (LazyLinear + MSELoss)'] = concise.get_w_b()

    X, y = data.X[:data.num_train].double(), data.y[:data.num_train].double()
    results['closed form (normal equations)'] = tuple(linalg.lstsq_normal(X, y))

    table = {name: errors(w, b) for name, (w, b) in results.items()}
    print(f"Linear regression, y = X [2, -3.4] + 4.2 + noise(0.01); {data.num_train} training rows, "
          f"lr {lr}, epochs {epochs}, batch {data.batch_size}")
    print(f"  {'':34s} {'err w1':>9s} {'err w2':>9s} {'err b':>9s}   (true - learned)")
    for name, errs in table.items():
        print(f"  {name:34s} " + ' '.join(f'{e:9.4f}' for e in errs))
    print('\n'.join('  ' + line for line in EXPLANATION.splitlines()))
    return table
