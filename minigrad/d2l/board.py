"""ProgressBoard: the book's live plot of training curves, made safe outside notebooks.

In a Jupyter notebook it redraws the figure in place (an IPython display handle updated at each point,
so lines printed meanwhile, such as the Trainer's epoch lines, neither erase it nor are erased). Anywhere
else (scripts, terminals, CI, headless machines) it never shows a figure, never prints a figure's repr
or terminal escape codes: each point it would have drawn is printed as one plain line, and
:meth:`ProgressBoard.save` writes the figure as a PNG (``Trainer.fit`` calls it at the end).

Also fixed from the book's version: a missing ``xlabel`` is fine, more than four series each get a line
style (styles cycle instead of series being dropped), and ``every_n`` below 1 means 1 (the book's
board silently never drew when ``every_n`` was 0, as happens with fewer batches than points per epoch).
"""
import collections
import io
import itertools
import os
import sys

from .._files import atomic_write
from .hyper import HyperParameters

Point = collections.namedtuple('Point', ['x', 'y'])


def in_notebook():
    """True inside a Jupyter kernel (where IPython display can redraw a figure in place)."""
    shell = sys.modules.get('IPython')
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and 'IPKernelApp' in getattr(ip, 'config', {})


def to_float(value):
    """A number from a Python/NumPy scalar, a 0-d array or a one-element tensor (on any device)."""
    if hasattr(value, 'item'):
        return float(value.item())
    return float(value)


class ProgressBoard(HyperParameters):
    """Plot data points as training goes: ``draw(x, y, label, every_n)`` adds a point to the line
    ``label``; every ``every_n`` points of a line are averaged into one drawn point.

    >>> board = ProgressBoard('x', display=False)
    >>> for i in range(4):
    ...     board.draw(i, float(i * i), 'square', every_n=2)
    >>> board.data['square']
    [Point(x=0.5, y=0.5), Point(x=2.5, y=6.5)]

    ``display=False`` records without printing or drawing (``save`` still writes the PNG, and
    ``Trainer.fit`` calls it only when ``path`` is set); ``path`` is where ``save()`` writes when given
    no path (default ``runs/progress-board-N.png``).
    """
    _count = itertools.count(1)

    def __init__(self, xlabel=None, ylabel=None, xlim=None, ylim=None, xscale='linear',
                 yscale='linear', ls=['-', '--', '-.', ':'], colors=['C0', 'C1', 'C2', 'C3'],
                 fig=None, axes=None, figsize=(3.5, 2.5), display=True, path=None):
        self.save_hyperparameters()
        self.raw_points = collections.OrderedDict()
        self.data = collections.OrderedDict()
        self.notebook = in_notebook()
        self._handle = None  # the notebook display this board redraws in place

    def draw(self, x, y, label, every_n=1):
        """Add the point (x, y) to the line ``label``; draw (or print) the mean of every ``every_n``."""
        every_n = max(1, int(every_n))
        points = self.raw_points.setdefault(label, [])
        line = self.data.setdefault(label, [])
        points.append(Point(to_float(x), to_float(y)))
        if len(points) < every_n:
            return
        line.append(Point(sum(p.x for p in points) / len(points), sum(p.y for p in points) / len(points)))
        points.clear()
        if not self.display:
            return
        if self.notebook:
            self._show_in_notebook()
        else:
            print(f"[board] {self.xlabel or 'x'} {line[-1].x:.3f}  {label} {line[-1].y:.4f}", flush=True)

    # ------------------------------------------------------------------------------------ drawing
    def figure(self):
        """The figure of all lines so far (a matplotlib ``Figure``, not registered with pyplot, so no
        window opens and nothing is shown twice)."""
        from matplotlib.figure import Figure
        fig = Figure(figsize=self.figsize, layout='constrained')
        axes = fig.add_subplot()
        styles = zip(itertools.cycle(self.ls), itertools.cycle(self.colors))
        for (label, line), (ls, color) in zip(self.data.items(), styles):
            axes.plot([p.x for p in line], [p.y for p in line], linestyle=ls, color=color, label=label)
        if self.xlim:
            axes.set_xlim(self.xlim)
        if self.ylim:
            axes.set_ylim(self.ylim)
        axes.set_xlabel(self.xlabel or '')
        axes.set_ylabel(self.ylabel or '')
        axes.set_xscale(self.xscale)
        axes.set_yscale(self.yscale)
        if self.data:  # below the axes, never over a curve (the accuracy runs along the top)
            fig.legend(loc='outside lower center', ncol=min(len(self.data), 3), fontsize='small',
                       frameon=False)
        return fig

    def _show_in_notebook(self):
        # One display, updated in place: unlike the book's clear_output, this keeps the cell's other
        # output (the Trainer's line per epoch).
        from IPython import display
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format='svg')
        image = display.SVG(buffer.getvalue())
        # Update one display in place: the book's display + clear_output(wait=True) cleared the cell's
        # whole output at the next print, so the Trainer's epoch lines erased the figure.
        if self._handle is None:
            self._handle = display.display(image, display_id=True)
        else:
            self._handle.update(image)

    def save(self, path=None):
        """Write the figure as a PNG (atomically) to ``path``, else ``self.path``, else
        ``runs/progress-board-N.png``; returns the path."""
        path = path or self.path
        if path is None:
            path = self.path = os.path.join('runs', f'progress-board-{next(self._count)}.png')
        return save_figure(self.figure(), path)


def save_figure(fig, path, dpi=120):
    """Save a matplotlib figure as a PNG, atomically (never half a PNG under the name); returns ``path``."""
    with atomic_write(path) as f:
        fig.savefig(f, format='png', dpi=dpi)
    return path
