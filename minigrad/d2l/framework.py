"""The book's framework: ``Module``, ``DataModule`` and ``Classifier`` (the ``Trainer`` is in
:mod:`.trainer`), and the device helpers. Same names, signatures and behaviour as the book's library
(d2l 1.0, PyTorch flavour), so the seed's listings run unchanged.
"""
from .. import backend, cuda, nn, optim
from ..data import DataLoader, TensorDataset
from ..nn import functional as F
from .board import ProgressBoard, to_float
from .hyper import HyperParameters


def cpu():
    """The CPU device."""
    return backend.device('cpu')


def gpu(i=0):
    """The ``i``-th CUDA device (usable when ``num_gpus() > i``)."""
    return backend.device(f'cuda:{i}')


def num_gpus():
    """How many CUDA devices CuPy can use (0 without CuPy or a GPU)."""
    return cuda.device_count()


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
        value = to_float(value)
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
