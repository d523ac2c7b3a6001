"""The book's small utilities used from chapter 2 on: plotting (``use_svg_display set_figsize set_axes
plot``), ``Timer``, ``Accumulator``, ``try_all_gpus`` and ``init_cnn``, as in ``d2l/torch.py``."""
import time

from .. import nn
from .framework import gpu, num_gpus


def use_svg_display():
    """Draw figures as SVG in notebooks (does nothing where matplotlib_inline is missing)."""
    try:
        from matplotlib_inline import backend_inline
    except ImportError:
        return
    backend_inline.set_matplotlib_formats('svg')


def set_figsize(figsize=(3.5, 2.5)):
    """Set matplotlib's figure size (inches)."""
    use_svg_display()
    from matplotlib import pyplot as plt
    plt.rcParams['figure.figsize'] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Label, scale and bound matplotlib axes, with a legend and a grid."""
    axes.set_xlabel(xlabel), axes.set_ylabel(ylabel)
    axes.set_xscale(xscale), axes.set_yscale(yscale)
    axes.set_xlim(xlim), axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _host(values):
    """Tensors (also ones that require grad) become NumPy arrays for matplotlib; the rest stays."""
    if hasattr(values, 'detach'):
        return values.detach().cpu().numpy()
    return values


def plot(X, Y=None, xlabel=None, ylabel=None, legend=[], xlim=None, ylim=None, xscale='linear',
         yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), axes=None):
    """Plot one or several curves (``X`` and ``Y`` each one sequence or a list of them)."""
    from matplotlib import pyplot as plt

    def has_one_axis(X):
        return (hasattr(X, 'ndim') and X.ndim == 1 or isinstance(X, list) and not hasattr(X[0], '__len__'))

    if has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    set_figsize(figsize)
    if axes is None:
        axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts):
        x, y = _host(x), _host(y)
        axes.plot(x, y, fmt) if len(x) else axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


class Timer:
    """Record running times: ``start()``, ``stop()`` (returns the last), ``avg()``, ``sum()``,
    ``cumsum()``."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self):
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out


class Accumulator:
    """Sums over ``n`` variables: ``add(a, b, ...)`` adds to each, ``acc[i]`` reads one."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def try_all_gpus():
    """Every CUDA device (an empty list without one), as the book's d2l 1.0."""
    return [gpu(i) for i in range(num_gpus())]


def init_cnn(module):
    """Xavier-uniform initialisation of the weights of Linear and Conv2d layers (the book's CNN
    chapters: ``model.apply_init([X], d2l.init_cnn)``)."""
    kinds = tuple(k for k in (nn.Linear, getattr(nn, 'Conv2d', None)) if k is not None)
    if type(module) in kinds:
        nn.init.xavier_uniform_(module.weight)
