"""The book's training framework: ``Module``, ``DataModule``, ``Trainer`` and ``Classifier``.

Same names, signatures and behaviour as the book's library (d2l 1.0, PyTorch flavour), so the seed's
listings run unchanged, plus what the book leaves out: ``Trainer.fit`` returns a :class:`History`
(per-epoch train loss, validation loss and accuracy, seconds) and prints one line per epoch, with a
progress bar on a terminal.
"""
import math
import sys
import time

from .. import backend, nn, optim
from ..autograd.grad_mode import no_grad
from ..data import DataLoader, TensorDataset
from ..nn import functional as F
from .board import ProgressBoard, _to_float
from .hyper import HyperParameters


def cpu():
    """The CPU device."""
    return backend.device('cpu')


def gpu(i=0):
    """The ``i``-th CUDA device (usable when ``num_gpus() > i``)."""
    return backend.device(f'cuda:{i}')


def num_gpus():
    """How many CUDA devices CuPy can use (0 without CuPy or a GPU)."""
    return backend.cuda_device_count()


def try_gpu(i=0):
    """``gpu(i)`` if it exists, else ``cpu()``."""
    return gpu(i) if num_gpus() > i else cpu()


class Module(nn.Module, HyperParameters):
    """The base class of the book's models: ``nn.Module`` plus a loss, a training/validation step that
    plots the loss on ``self.board``, and ``configure_optimizers`` (minibatch SGD with ``self.lr``)."""

    def __init__(self, plot_train_per_epoch=2, plot_valid_per_epoch=1):
        super().__init__()
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def loss(self, y_hat, y):
        raise NotImplementedError(f"{type(self).__name__} must define loss(self, y_hat, y)")

    def forward(self, X):
        assert hasattr(self, 'net'), 'Neural network is defined'
        return self.net(X)

    def plot(self, key, value, train, n=1):
        """Plot ``value`` (a scalar tensor) under ``train_<key>`` or ``val_<key>`` and record it for the
        Trainer's epoch summary; ``n`` is how many examples the value averages over (our addition: it
        weights the epoch mean, so a last smaller batch counts for what it holds)."""
        assert hasattr(self, 'trainer'), 'Trainer is not inited'
        value = _to_float(value)
        name = ('train_' if train else 'val_') + key
        record = getattr(self.trainer, 'record', None)
        if record is not None:
            record(name, value, n)
        self.board.xlabel = 'epoch'
        if train:
            x = self.trainer.train_batch_idx / self.trainer.num_train_batches
            every = self.trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = self.trainer.epoch + 1
            every = self.trainer.num_val_batches / self.plot_valid_per_epoch
        self.board.draw(x, value, name, every_n=int(every))

    def training_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('loss', l, train=True, n=len(batch[-1]))
        return l

    def validation_step(self, batch):
        l = self.loss(self(*batch[:-1]), batch[-1])
        self.plot('loss', l, train=False, n=len(batch[-1]))

    def configure_optimizers(self):
        return optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs, init=None):
        """Run one forward pass on ``inputs`` (materialising lazy layers), then ``net.apply(init)``."""
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)


class DataModule(HyperParameters):
    """The base class of data: ``train_dataloader()`` / ``val_dataloader()`` come from
    ``get_dataloader(train)``. ``num_workers`` is kept for the book's signature; loading runs
    in-process (see :class:`minigrad.data.DataLoader`)."""

    def __init__(self, root='../data', num_workers=4):
        self.save_hyperparameters()

    def get_dataloader(self, train):
        raise NotImplementedError(f"{type(self).__name__} must define get_dataloader(self, train)")

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors, train, indices=slice(0, None)):
        """A DataLoader over rows ``indices`` of ``tensors``, shuffled when ``train``."""
        tensors = tuple(a[indices] for a in tensors)
        return DataLoader(TensorDataset(*tensors), self.batch_size, shuffle=train)


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

    ``num_gpus > 0`` moves the model and each batch to ``gpu(0)``; ``gradient_clip_val > 0`` clips
    the gradients' global norm. Our additions (keyword-only): ``verbose`` prints one line per epoch;
    ``progress`` draws a progress bar (default: when stderr is a terminal).

    >>> history = Trainer(max_epochs=3).fit(model, data)      # doctest: +SKIP
    epoch 1/3  train_loss 0.5321  val_loss 0.0912  0.1 s
    ...
    >>> history[-1]['val_loss']                               # doctest: +SKIP
    """

    def __init__(self, max_epochs, num_gpus=0, gradient_clip_val=0, *, verbose=True, progress=None):
        self.save_hyperparameters()
        self.gpus = [gpu(i) for i in range(min(num_gpus, backend.cuda_device_count()))]
        if num_gpus and not self.gpus:
            raise RuntimeError(f"Trainer(num_gpus={num_gpus}): no CUDA device is usable "
                               f"({backend.cuda_unavailable_reason()}); use num_gpus=0 to train on the CPU")

    def prepare_data(self, data):
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = (len(self.val_dataloader) if self.val_dataloader is not None else 0)
        show = self.progress if self.progress is not None else _isatty(sys.stderr)
        if show:
            self.train_dataloader = _ProgressLoader(self.train_dataloader, self, sys.stderr)

    def prepare_model(self, model):
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.to(self.gpus[0])
        self.model = model

    def fit(self, model, data):
        """Train for ``max_epochs``; returns the :class:`History` and saves the board's plot when it
        is not shown live (outside notebooks)."""
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = 0
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.history = History()
        for self.epoch in range(self.max_epochs):
            self._sums = {}
            start = time.perf_counter()
            self.fit_epoch()
            row = {'epoch': self.epoch + 1}
            row.update({name: total / count for name, (total, count) in self._sums.items()})
            row['seconds'] = time.perf_counter() - start
            self.history.append(row)
            if self.verbose:
                print(format_epoch(row, self.max_epochs), flush=True)
        board = getattr(model, 'board', None)
        if isinstance(board, ProgressBoard) and board.data and not board.notebook:
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
            loss = self.model.training_step(self.prepare_batch(batch))
            self.optim.zero_grad()
            with no_grad():
                loss.backward()
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
        norm = math.sqrt(sum(_to_float((p.grad * p.grad).sum()) for p in params))
        if norm > grad_clip_val:
            for p in params:
                p.grad *= grad_clip_val / norm


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Classifier(Module):
    """The base class of classification models: cross-entropy loss, and validation that also plots
    the accuracy."""

    def validation_step(self, batch):
        Y_hat = self(*batch[:-1])
        n = len(batch[-1])
        self.plot('loss', self.loss(Y_hat, batch[-1]), train=False, n=n)
        self.plot('acc', self.accuracy(Y_hat, batch[-1]), train=False, n=n)

    def accuracy(self, Y_hat, Y, averaged=True):
        """The fraction of rows of ``Y_hat`` (N, classes) whose argmax is ``Y`` (N,)."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        preds = Y_hat.argmax(dim=1).type(Y.dtype)
        compare = (preds == Y.reshape(-1)).type(backend.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        return F.cross_entropy(Y_hat, Y, reduction='mean' if averaged else 'none')

    def layer_summary(self, X_shape):
        """Print each layer's output shape for an input of shape ``X_shape``."""
        from ..factories import randn
        X = randn(*X_shape)
        for layer in self.net:
            X = layer(X)
            print(layer.__class__.__name__, 'output shape:\t', X.shape)
