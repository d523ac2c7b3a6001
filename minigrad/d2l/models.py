"""The book's models: linear regression (from scratch and concise), its SGD, softmax regression and
the MLP of the seed's section 5.2."""
from .. import factories, nn, optim
from ..functions.linalg import matmul
from .framework import Classifier, Module
from .hyper import HyperParameters


class LinearRegressionScratch(Module):
    """Linear regression from scratch: ``w`` (num_inputs, 1) drawn from N(0, sigma^2), ``b`` = 0, half
    squared loss, the book's own :class:`SGD`."""

    def __init__(self, num_inputs, lr, sigma=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.w = factories.normal(0, sigma, (num_inputs, 1), requires_grad=True)
        self.b = factories.zeros(1, requires_grad=True)

    def forward(self, X):
        return matmul(X, self.w) + self.b

    def loss(self, y_hat, y):
        l = (y_hat - y) ** 2 / 2
        return l.mean()

    def configure_optimizers(self):
        return SGD([self.w, self.b], self.lr)


class SGD(HyperParameters):
    """Minibatch stochastic gradient descent, written out: ``param -= lr * param.grad``."""

    def __init__(self, params, lr):
        self.save_hyperparameters()

    def step(self):
        for param in self.params:
            param -= self.lr * param.grad

    def zero_grad(self):
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()


class LinearRegression(Module):
    """Linear regression with the library: ``nn.LazyLinear(1)`` initialised N(0, 0.01^2), ``MSELoss``
    (mean of the squared error, without the half), ``optim.SGD``."""

    def __init__(self, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(1)
        self.net.weight.data.normal_(0, 0.01)
        self.net.bias.data.fill_(0)

    def forward(self, X):
        return self.net(X)

    def loss(self, y_hat, y):
        fn = nn.MSELoss()
        return fn(y_hat, y)

    def configure_optimizers(self):
        return optim.SGD(self.parameters(), self.lr)

    def get_w_b(self):
        return (self.net.weight.data, self.net.bias.data)


class SoftmaxRegression(Classifier):
    """Softmax regression: flatten, one linear layer to ``num_outputs`` logits."""

    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_outputs))

    def forward(self, X):
        return self.net(X)


class MLP(Classifier):
    """The seed's MLP (5.2): flatten, ``num_hiddens`` ReLU units, ``num_outputs`` logits."""

    def __init__(self, num_outputs, num_hiddens, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_hiddens), nn.ReLU(),
                                 nn.LazyLinear(num_outputs))
