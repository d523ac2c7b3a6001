"""The book's ``Trainer``, plus what the book leaves out: ``fit`` returns a :class:`History` (per-epoch
train loss, validation loss and accuracy, seconds) and prints one line per epoch, with a progress bar
on a terminal.
"""
import math
import sys
import time

from .. import cuda
from ..autograd.grad_mode import no_grad
from . import distributed as _dist
from .board import ProgressBoard, to_float
from .framework import gpu
from .hyper import HyperParameters


class History(list):
    """What ``Trainer.fit`` returns: one dict per epoch (``epoch``, ``train_loss``, ``val_loss``,
    ``val_acc`` when the model reports accuracy, ``seconds``)."""

    def column(self, key):
        """The values of ``key`` over the epochs, e.g. ``history.column('val_acc')``."""
        return [row.get(key) for row in self]

    def __repr__(self):
        if not self:
            return 'History(no epochs)'
        last = ', '.join(f'{k}={v:.4g}' for k, v in self[-1].items() if k != 'epoch')
        return f'History({len(self)} epochs; last: {last})'


def format_epoch(row, max_epochs):
    """One line per epoch: ``epoch  3/10  train_loss 0.4121  val_loss 0.4410  val_acc 0.8412  2.1 s``."""
    parts = [f"epoch {row['epoch']:>{len(str(max_epochs))}}/{max_epochs}"]
    parts += [f'{k} {v:.4f}' for k, v in row.items() if k not in ('epoch', 'seconds')]
    parts.append(f"{row['seconds']:.2f} s")
    return '  '.join(parts)


class _ProgressLoader:
    """Wraps a DataLoader to draw a progress bar on a terminal (stderr), nothing elsewhere."""

    def __init__(self, loader, trainer, stream):
        self.loader, self.trainer, self.stream = loader, trainer, stream

    def __len__(self):
        return len(self.loader)

    def __getattr__(self, name):  # .dataset, .batch_size, ...: the wrapped loader's
        return getattr(self.loader, name)

    def __iter__(self):
        total, width = len(self.loader), 30
        label = f'epoch {self.trainer.epoch + 1}/{self.trainer.max_epochs}'
        shown = -1
        for i, batch in enumerate(self.loader, 1):
            yield batch
            step = i * width // max(total, 1)
            if step != shown:
                shown = step
                self.stream.write(f"\r{label} [{'#' * step}{'.' * (width - step)}] {i}/{total}")
                self.stream.flush()
        self.stream.write('\r' + ' ' * (len(label) + width + 16) + '\r')
        self.stream.flush()


class Trainer(HyperParameters):
    """Train a :class:`Module` on a :class:`DataModule`: ``Trainer(max_epochs).fit(model, data)``.

    ``num_gpus > 0`` moves the model and each batch to ``gpu(0)`` (with no GPU present it trains on the
    CPU, as the book's ``min(num_gpus, d2l.num_gpus())``); ``gradient_clip_val > 0`` clips
    the gradients' global norm. Our additions (keyword-only): ``verbose`` prints one line per epoch;
    ``progress`` draws a progress bar (default: when stderr is a terminal).

    >>> history = Trainer(max_epochs=3).fit(model, data)      # doctest: +SKIP
    epoch 1/3  train_loss 0.5321  val_loss 0.0912  0.1 s
    ...
    >>> history[-1]['val_loss']                               # doctest: +SKIP
    """

    def __init__(self, max_epochs, num_gpus=0, gradient_clip_val=0, *, verbose=True, progress=None):
        self.save_hyperparameters()
        self._sums = {}  # name -> (weighted sum, examples) of this epoch's plotted values
        # As the book: as many GPUs as asked for and present; none present means the CPU.
        self.gpus = [gpu(i) for i in range(min(num_gpus, cuda.device_count()))]

    def prepare_data(self, data):
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.train_dataloader, self.val_dataloader = _dist.shard_loaders(self.train_dataloader,
                                                                         self.val_dataloader)
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = (len(self.val_dataloader) if self.val_dataloader is not None else 0)
        show = (self.progress if self.progress is not None else _isatty(sys.stderr)) and _dist.is_main()
        if show:
            self.train_dataloader = _ProgressLoader(self.train_dataloader, self, sys.stderr)

    def prepare_model(self, model):
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.to(self.gpus[0])
        self.model = model

    def fit(self, model, data):
        """Train for ``max_epochs``; returns the :class:`History`. Outside notebooks the board's plot
        is saved as a PNG (``board.path``, default ``runs/progress-board-N.png``) unless the board
        has ``display=False`` and no ``path``."""
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.history = History()
        self._ddp = None
        for self.epoch in range(self.max_epochs):
            self._sums = {}
            start = time.perf_counter()
            _dist.set_epoch(self.train_dataloader, self.epoch)
            self.fit_epoch()
            row = {'epoch': self.epoch + 1}
            sums = _dist.reduce_sums(self._sums)  # over the ranks, when distributed
            row.update({name: total / count for name, (total, count) in sums.items()})
            row['seconds'] = time.perf_counter() - start
            self.history.append(row)
            if self.verbose and _dist.is_main():
                print(format_epoch(row, self.max_epochs), flush=True)
        if self._ddp is not None:  # the hooks belong to this fit
            for handle in self._ddp._hook_handles:
                handle.remove()
        board = getattr(model, 'board', None)
        # Outside notebooks the board's figure is saved as a PNG, unless it was switched off
        # (display=False) and given no path.
        if isinstance(board, ProgressBoard) and board.data and not board.notebook and \
                (board.display or board.path) and _dist.is_main():
            path = board.save()
            if self.verbose and board.display:
                print(f'progress board saved to {path}')
        return self.history

    def record(self, name, value, n=1):
        """Add a value (averaging over ``n`` examples) to this epoch's mean of ``name``."""
        total, count = self._sums.get(name, (0.0, 0))
        self._sums[name] = (total + value * n, count + n)

    def fit_epoch(self):
        self.model.train()
        for batch in self.train_dataloader:
            batch = self.prepare_batch(batch)
            if self._ddp is None and _dist.active():  # under mpiexec: gradients averaged by DDP's hooks
                self._ddp = _dist.wrap_model(self.model, batch)
            loss = self.model.training_step(batch)
            self.optim.zero_grad()
            with no_grad():
                loss.backward()
                if self._ddp is not None:
                    self._ddp._check_reduction_finished()
                if self.gradient_clip_val > 0:
                    self.clip_gradients(self.gradient_clip_val, self.model)
                self.optim.step()
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        self.model.eval()
        for batch in self.val_dataloader:
            with no_grad():
                self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1

    def prepare_batch(self, batch):
        if self.gpus:
            batch = [a.to(self.gpus[0]) for a in batch]
        return batch

    def clip_gradients(self, grad_clip_val, model):
        """Scale all gradients by ``grad_clip_val / norm`` when their global L2 norm exceeds it."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        norm = math.sqrt(sum(to_float((p.grad * p.grad).sum()) for p in params))
        if norm > grad_clip_val:
            for p in params:
                p.grad *= grad_clip_val / norm


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
