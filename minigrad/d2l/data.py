"""The book's data modules: synthetic regression data and Fashion-MNIST."""
from .. import data as _data
from ..data import fashion_mnist
from ..data.synthetic import synthetic_regression
from ..data.loader import DataLoader
from .framework import DataModule


class SyntheticRegressionData(DataModule):
    """``y = X w + b + noise`` with ``X`` from N(0, 1): ``num_train`` rows to train on, then ``num_val``
    to validate; batches of ``batch_size``.

    >>> data = SyntheticRegressionData(w=minigrad.tensor([2, -3.4]), b=4.2)
    >>> X, y = next(iter(data.train_dataloader()))
    >>> X.shape, y.shape
    (minigrad.Size([32, 2]), minigrad.Size([32, 1]))
    """

    def __init__(self, w, b, noise=0.01, num_train=1000, num_val=1000, batch_size=32):
        super().__init__()
        self.save_hyperparameters()
        self.X, self.y = synthetic_regression(w, b, num_train + num_val, noise)

    def get_dataloader(self, train):
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


class FashionMNIST(DataModule):
    """Fashion-MNIST as the book's: images (batch, 1, h, w) float32 in [0, 1], labels int64.

    The data is found or downloaded as :mod:`minigrad.data.fashion_mnist` says (``root``, the book's
    ``'../data'``, is searched first; downloads go to the user cache or ``$MINIGRAD_DATA``).
    ``resize`` other than (28, 28) is bilinear without antialiasing (partial, see
    :mod:`minigrad.data.images`).
    """

    def __init__(self, batch_size=64, resize=(28, 28)):
        super().__init__()
        self.save_hyperparameters()
        download_dir = fashion_mnist.default_download_dir()
        self.train = _data.FashionMNIST(self.root, train=True, resize=resize, download_dir=download_dir)
        self.val = _data.FashionMNIST(self.root, train=False, resize=resize, download_dir=download_dir)

    def text_labels(self, indices):
        """The names of the classes ``indices``."""
        labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag',
                  'ankle boot']
        return [labels[int(i)] for i in indices]

    def get_dataloader(self, train):
        data = self.train if train else self.val
        return DataLoader(data, self.batch_size, shuffle=train, num_workers=self.num_workers)

    def visualize(self, batch, nrows=1, ncols=8, labels=[]):
        X, y = batch
        if not labels:
            labels = self.text_labels(y)
        return show_images(X.squeeze(1), nrows, ncols, titles=labels)


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """A grid of images (each (h, w)) with optional titles; returns the axes (matplotlib)."""
    from matplotlib import pyplot as plt
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale))
    axes = axes.flatten() if hasattr(axes, 'flatten') else [axes]
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(img.detach().cpu().numpy() if hasattr(img, 'detach') else img)
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    return axes
