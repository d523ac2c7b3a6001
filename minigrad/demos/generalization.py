"""Under- and overfitting (the seed's 3.6): polynomials of growing degree fitted to a few points.

The data follow a cubic, ``y = 5 + 1.2 x - 3.4 x^2/2! + 5.6 x^3/3! + noise`` (the book's example), with
``x`` from N(0, 1). The features of degree ``d`` are ``x^i / i!`` for ``i = 0..d`` (the factorial keeps
high powers from dwarfing the rest). For each degree the weights are fitted on ``n_train`` points and
both losses are measured (mean squared error):

- low degrees underfit: training and validation losses are both high and close;
- around the true degree (3) the validation loss is lowest;
- high degrees overfit: the training loss keeps falling (to ~0 once there are as many weights as
  points) while the validation loss climbs.

``solver='closed'`` fits each degree exactly by least squares (minimum-norm when the degree leaves more
weights than points); ``solver='sgd'`` trains a bias-free ``nn.Linear`` with minigrad's autograd and
``optim.SGD`` (full batch), which stops short of the exact fit and so overfits less.
"""
import math
import os

from .. import backend, from_numpy, linalg, manual_seed, nn, no_grad, optim
from ..d2l.board import save_figure

# The experiment's data live on the host: NumPy, taken from the backend like every host-side module.
numpy = backend.module_for('cpu')

TRUE_WEIGHTS = numpy.array([5.0, 1.2, -3.4, 5.6])


def features(x, degree):
    """(n,) points -> (n, degree + 1) features ``x^i / i!``."""
    powers = numpy.arange(degree + 1)
    return x[:, None] ** powers / numpy.array([math.factorial(int(i)) for i in powers])


def make_data(n_train, n_val, noise, seed):
    rng = numpy.random.default_rng(seed)
    x = rng.standard_normal(n_train + n_val)
    y = features(x, 3) @ TRUE_WEIGHTS + noise * rng.standard_normal(len(x))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def fit(X, y, solver, epochs, lr):
    """Weights (degree + 1,) of ``X @ w ~ y``."""
    if solver == 'closed':
        return linalg.lstsq_normal(from_numpy(X), from_numpy(y), bias=False, method='lstsq').weight.numpy()
    layer = nn.Linear(X.shape[1], 1, bias=False, dtype='float64')
    with no_grad():
        layer.weight.zero_()
    opt = optim.SGD(layer.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    X_t, y_t = from_numpy(X), from_numpy(y[:, None])
    for _ in range(epochs):
        opt.zero_grad()
        loss = loss_fn(layer(X_t), y_t)
        loss.backward()
        opt.step()
    return layer.weight.detach().numpy()[0]


def run(out, max_degree=12, n_train=15, n_val=200, noise=0.1, solver='closed', epochs=2000, lr=0.05,
        seed=0):
    """Fit degrees 0..max_degree, print the table, save the plot; returns ``(rows, path)`` with one row
    ``(degree, train_mse, val_mse)`` per degree."""
    manual_seed(seed)
    (x_train, y_train), (x_val, y_val) = make_data(n_train, n_val, noise, seed)
    rows, fits = [], {}
    for degree in range(max_degree + 1):
        w = fit(features(x_train, degree), y_train, solver, epochs, lr)
        fits[degree] = w
        mse = [float(numpy.mean((features(x, degree) @ w - y) ** 2))
               for x, y in ((x_train, y_train), (x_val, y_val))]
        rows.append((degree, *mse))
    best = min(rows, key=lambda r: r[2])[0]
    print(f"Polynomial fits ({solver}) on {n_train} training points, {n_val} validation points, noise "
          f"{noise}; truth: a cubic")
    print(f"  {'degree':>6s} {'train MSE':>12s} {'val MSE':>12s}")
    for degree, train, val in rows:
        note = '  <- lowest validation loss' if degree == best else ''
        print(f"  {degree:6d} {train:12.4g} {val:12.4g}{note}")
    lowest_train = min(rows, key=lambda r: r[1])[0]
    print(f"  Lowest validation loss at degree {best}, lowest training loss at degree {lowest_train}. "
          "Below the best degree both losses are high (underfitting);")
    print("  above it the validation loss grows while the training loss does not (overfitting)."
          + (" Gradient descent stops short of the exact fit, which restrains the overfitting."
             if solver == 'sgd' else ''))
    path = save_figure(_plot(rows, fits, (x_train, y_train), (x_val, y_val), best, solver),
                       os.path.join(out, f'generalization_{solver}.png'))
    return rows, path


def _plot(rows, fits, train, val, best, solver):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(9, 3.5))
    loss_ax, curve_ax = fig.subplots(1, 2)
    degrees = [r[0] for r in rows]
    loss_ax.semilogy(degrees, [r[1] for r in rows], '-o', label='train')
    loss_ax.semilogy(degrees, [r[2] for r in rows], '--o', label='validation')
    loss_ax.set_xlabel('polynomial degree')
    loss_ax.set_ylabel('mean squared error')
    loss_ax.set_title(f'train vs validation loss ({solver})')
    loss_ax.legend()
    grid = numpy.linspace(min(train[0].min(), -2.5), max(train[0].max(), 2.5), 200)
    curve_ax.scatter(val[0], val[1], s=6, color='0.7', label='validation')
    curve_ax.scatter(train[0], train[1], s=18, color='k', label='train')
    for degree, style in ((1, ':'), (best, '-'), (max(fits), '--')):
        curve_ax.plot(grid, features(grid, degree) @ fits[degree], style, label=f'degree {degree}')
    lo, hi = numpy.percentile(val[1], [1, 99])
    curve_ax.set_ylim(lo - (hi - lo) * 0.3, hi + (hi - lo) * 0.3)
    curve_ax.set_title('fitted curves')
    curve_ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
