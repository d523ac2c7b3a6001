"""PyTorch's "What is torch.nn really?": logistic regression by hand, then nn.functional, nn.Module,
nn.Linear, optim, TensorDataset, DataLoader, validation, and the small CNN."""
import math

import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch

N, D, BS = 64, 784, 16


def _mnist(lib):
    x_train, y_train, x_valid, y_valid = map(
        lib.tensor, (np.abs(data(0, N, D)) / 4, np.arange(N) % 10, np.abs(data(1, 32, D)) / 4, np.arange(32) % 10))
    return x_train, y_train, x_valid, y_valid


def idiom_from_scratch(lib):
    x_train, y_train, _, _ = _mnist(lib)
    n, c = x_train.shape
    weights = lib.tensor(data(2, 784, 10)) / math.sqrt(784)
    weights.requires_grad_()
    bias = lib.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    def accuracy(out, yb):
        preds = lib.argmax(out, dim=1)
        return (preds == yb).float().mean()

    xb = x_train[0:BS]
    preds = model(xb)
    first = (preds[0], preds.shape, nll(preds, y_train[0:BS]), accuracy(preds, y_train[0:BS]))
    lr, epochs = 0.5, 2
    for epoch in range(epochs):
        for i in range((n - 1) // BS + 1):
            start_i = i * BS
            end_i = start_i + BS
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = nll(pred, yb)
            loss.backward()
            with lib.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    return first, (n, c), loss, accuracy(model(xb), yb), weights.requires_grad, weights.is_leaf


def idiom_functional(lib):
    F = lib.nn.functional
    x_train, y_train, _, _ = _mnist(lib)
    weights = (lib.tensor(data(2, 784, 10)) / math.sqrt(784)).requires_grad_()
    bias = lib.zeros(10, requires_grad=True)
    loss_func = F.cross_entropy

    def model(xb):
        return xb @ weights + bias
    loss = loss_func(model(x_train[:BS]), y_train[:BS])
    loss.backward()
    return loss, weights.grad, bias.grad


class _Holder:
    pass


def _mnist_logistic(lib):
    nn = lib.nn

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(lib.tensor(data(2, 784, 10)) / math.sqrt(784))
            self.bias = nn.Parameter(lib.zeros(10))

        def forward(self, xb):
            return xb @ self.weights + self.bias
    return Mnist_Logistic


def idiom_module_and_fit(lib):
    F = lib.nn.functional
    x_train, y_train, _, _ = _mnist(lib)
    model = _mnist_logistic(lib)()
    n = x_train.shape[0]
    lr = 0.5

    def fit():
        for epoch in range(2):
            for i in range((n - 1) // BS + 1):
                start_i = i * BS
                xb = x_train[start_i:start_i + BS]
                yb = y_train[start_i:start_i + BS]
                loss = F.cross_entropy(model(xb), yb)
                loss.backward()
                with lib.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()
        return loss
    before = F.cross_entropy(model(x_train[:BS]), y_train[:BS])
    return before, fit(), [type(p).__name__ for p in model.parameters()]


def idiom_linear_optim_datasets(lib):
    nn, F, optim = lib.nn, lib.nn.functional, lib.optim
    udata = __import__(lib.__name__ + '.utils.data', fromlist=['x'])
    x_train, y_train, x_valid, y_valid = _mnist(lib)

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    def get_model():
        model = set_params(Mnist_Logistic(), lib, scale=0.03)
        return model, optim.SGD(model.parameters(), lr=0.5, momentum=0.9)

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    def get_data(train_ds, valid_ds, bs):
        return (udata.DataLoader(train_ds, batch_size=bs, shuffle=False),
                udata.DataLoader(valid_ds, batch_size=bs * 2))

    train_ds = udata.TensorDataset(x_train, y_train)
    valid_ds = udata.TensorDataset(x_valid, y_valid)
    train_dl, valid_dl = get_data(train_ds, valid_ds, BS)
    model, opt = get_model()
    history = []
    for epoch in range(2):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, F.cross_entropy, xb, yb, opt)
        model.eval()
        with lib.no_grad():
            losses, nums = zip(*[loss_batch(model, F.cross_entropy, xb, yb) for xb, yb in valid_dl])
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)
        history.append(float(val_loss))
    xb, yb = train_ds[0:BS]
    return history, xb.shape, yb.shape, model.lin.weight.shape


def idiom_lambda_cnn(lib):
    nn, F = lib.nn, lib.nn.functional

    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x):
        return x.view(-1, 1, 28, 28)

    model = nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    set_params(model, lib, scale=0.2)
    x_train, y_train, _, _ = _mnist(lib)
    opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for i in range(3):
        loss = F.cross_entropy(model(x_train[:BS]), y_train[:BS])
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss)
    return losses


def idiom_wrapped_loader(lib):
    udata = __import__(lib.__name__ + '.utils.data', fromlist=['x'])
    x_train, y_train, _, _ = _mnist(lib)

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl = dl
            self.func = func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            for b in self.dl:
                yield (self.func(*b))

    dev = lib.device("cuda") if lib.cuda.is_available() else lib.device("cpu")
    dl = WrappedDataLoader(udata.DataLoader(udata.TensorDataset(x_train, y_train), batch_size=BS),
                           lambda x, y: (x.view(-1, 1, 28, 28).to(dev), y.to(dev)))
    return [(x.shape, y) for x, y in dl], len(dl), str(dev)


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn, rtol=1e-4, atol=1e-5)
