"""What the book's convolutional chapters (d2l 7 and 8) take from ``d2l``: ``corr2d``, ``init_cnn``,
``LeNet`` (7.6), ``BNLeNet`` (8.5), ``Residual`` and ``ResNet`` / ``ResNet18`` (8.6), plus the variants
``minigrad train`` offers (``LeNetModern``: ReLU, max pooling, optional batch norm; ``ResNetMini``).

The book's code runs with its imports swapped::

    from minigrad import d2l, nn
    model = d2l.LeNet(lr=0.1)
    data = d2l.FashionMNIST(batch_size=128)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], d2l.init_cnn)
    d2l.Trainer(max_epochs=10).fit(model, data)
"""
from .. import nn
from ..nn import functional as F
from .framework import Classifier
from .utils import init_cnn


def corr2d(X, K):
    """Two-dimensional cross-correlation of one (h, w) image with one kernel, as the book's 7.2 (written
    with the vectorised conv2d rather than the book's Python loops, which are
    ``minigrad.kernels.conv_loops.corr2d``)."""
    from ..conversion import as_tensor
    X, K = as_tensor(X), as_tensor(K)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"corr2d: expected a 2-D image and a 2-D kernel, got shapes {tuple(X.shape)} and "
                         f"{tuple(K.shape)}")
    if X.dtype != K.dtype:
        K = K.to(X.dtype)
    return F.conv2d(X.reshape(1, 1, *X.shape), K.reshape(1, 1, *K.shape)).reshape(
        X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)


class LeNet(Classifier):
    """LeNet-5 as the book's 7.6: sigmoid activations and average pooling; input (N, 1, 28, 28)."""

    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.LazyLinear(120), nn.Sigmoid(),
            nn.LazyLinear(84), nn.Sigmoid(),
            nn.LazyLinear(num_classes))


def _batch_norm(kind):
    name = f'LazyBatchNorm{kind}'
    if not hasattr(nn, name):
        raise NotImplementedError(f"this build of minigrad has no nn.{name}, which batch-normalised models "
                                  "need")
    return getattr(nn, name)()


class BNLeNet(Classifier):
    """LeNet with batch normalisation after every convolution and hidden linear layer (the book's 8.5)."""

    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5), _batch_norm('2d'), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), _batch_norm('2d'), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
            nn.LazyLinear(120), _batch_norm('1d'), nn.Sigmoid(),
            nn.LazyLinear(84), _batch_norm('1d'), nn.Sigmoid(),
            nn.LazyLinear(num_classes))


class LeNetModern(Classifier):
    """LeNet's shape with today's parts: ReLU and max pooling, and with ``batch_norm=True`` batch
    normalisation after each convolution and hidden linear layer (``minigrad train --model lenet-bn``)."""

    def __init__(self, lr=0.1, num_classes=10, batch_norm=False):
        super().__init__()
        self.save_hyperparameters()

        def norm(kind):
            return [_batch_norm(kind)] if batch_norm else []
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), *norm('2d'), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), *norm('2d'), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2), nn.Flatten(),
            nn.LazyLinear(120), *norm('1d'), nn.ReLU(),
            nn.LazyLinear(84), *norm('1d'), nn.ReLU(),
            nn.LazyLinear(num_classes))


class Residual(nn.Module):
    """The residual block of ResNet (the book's 8.6): two 3x3 convolutions with batch norm, and a 1x1
    convolution on the shortcut when the shape changes (``use_1x1conv``, ``strides``)."""

    def __init__(self, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
        else:
            self.conv3 = None
        self.bn1 = _batch_norm('2d')
        self.bn2 = _batch_norm('2d')

    def forward(self, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        Y = Y + X
        return F.relu(Y)


class ResNet(Classifier):
    """ResNet as the book's 8.6: a 7x7 stem, stages of :class:`Residual` blocks given by ``arch``
    (``((num_residuals, num_channels), ...)``), global average pooling and a linear head."""

    def b1(self):
        return nn.Sequential(
            nn.LazyConv2d(64, kernel_size=7, stride=2, padding=3), _batch_norm('2d'), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1))

    def block(self, num_residuals, num_channels, first_block=False):
        blk = []
        for i in range(num_residuals):
            if i == 0 and not first_block:
                blk.append(Residual(num_channels, use_1x1conv=True, strides=2))
            else:
                blk.append(Residual(num_channels))
        return nn.Sequential(*blk)

    def __init__(self, arch, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(self.b1())
        for i, b in enumerate(arch):
            self.net.add_module(f'b{i + 2}', self.block(*b, first_block=(i == 0)))
        self.net.add_module('last', nn.Sequential(
            nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(num_classes)))
        self.net.apply(init_cnn)


class ResNet18(ResNet):
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__(((2, 64), (2, 128), (2, 256), (2, 512)), lr, num_classes)


class ResNetMini(ResNet):
    """A ResNet small enough to train on a CPU on 28x28 images (``minigrad train --model
    resnet-mini``): a 3x3 stem of 16 channels without pooling, stages (16, 32, 64) of one block each."""

    def b1(self):
        return nn.Sequential(nn.LazyConv2d(16, kernel_size=3, padding=1), _batch_norm('2d'), nn.ReLU())

    def __init__(self, lr=0.1, num_classes=10):
        super().__init__(((1, 16), (1, 32), (1, 64)), lr, num_classes)
