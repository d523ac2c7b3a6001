"""Dive into Deep Learning, chapters 3-6, the tensor- and nn-level cells: linear and softmax regression
from scratch and concise, MLPs, dropout, weight decay, builders' guide (custom layers and modules,
parameter access and sharing, initialisation, lazy layers, file I/O, devices)."""
import os
import tempfile

import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def idiom_vectorised_add(lib):
    n = 200
    a, b = lib.ones(n), lib.ones(n)
    c = lib.zeros(n)
    for i in range(n):
        c[i] = a[i] + b[i]
    return c, a + b


def idiom_synthetic_data_loader(lib):
    import random
    w, b, noise, n = lib.tensor([2, -3.4]), 4.2, 0.01, 40
    X = lib.tensor(data(0, n, len(w)))
    noise = lib.tensor(data(1, n, 1)) * noise
    y = lib.matmul(X, w.reshape((-1, 1))) + b + noise
    indices = list(range(n))
    random.Random(0).shuffle(indices)
    batches = []
    for i in range(0, n, 16):
        batch_indices = lib.tensor(indices[i: i + 16])
        batches.append((X[batch_indices], y[batch_indices]))
    udata = __import__(lib.__name__ + '.utils.data', fromlist=['x'])
    dataset = udata.TensorDataset(*(X, y))
    loader = udata.DataLoader(dataset, 16, shuffle=False)
    return batches, [xb for xb, _ in loader], y.shape, len(loader)


def idiom_linreg_scratch(lib):
    X = lib.tensor(data(2, 64, 2))
    y = X @ lib.tensor([[2.0], [-3.4]]) + 4.2
    w = lib.tensor(data(3, 2, 1) * 0.01, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    lr = 0.03
    losses = []
    for epoch in range(3):
        for i in range(0, 64, 16):
            y_hat = lib.matmul(X[i:i + 16], w) + b
            l = ((y_hat - y[i:i + 16]) ** 2 / 2).mean()
            losses.append(l.item())
            with lib.no_grad():  # d2l's Trainer calls backward inside no_grad
                l.backward()
            with lib.no_grad():
                for param in [w, b]:
                    param -= lr * param.grad
                    param.grad.zero_()
    return losses, w.reshape((2,)), b, w - lib.tensor([[2.0], [-3.4]])


def idiom_linreg_concise(lib):
    nn = lib.nn
    net = nn.LazyLinear(1)
    X = lib.tensor(data(4, 32, 2))
    y = X @ lib.tensor([[2.0], [-3.4]]) + 4.2
    out_before = net(X[:1]).shape
    net.weight.data.normal_(0, 0.01)
    net.bias.data.fill_(0)
    with lib.no_grad():
        net.weight.copy_(lib.tensor(data(5, 1, 2)) * 0.01)
    loss = nn.MSELoss()
    opt = lib.optim.SGD(net.parameters(), 0.03)
    ls = []
    for epoch in range(3):
        for i in range(0, 32, 8):
            l = loss(net(X[i:i + 8]), y[i:i + 8])
            opt.zero_grad()
            l.backward()
            opt.step()
            ls.append(l)
    return out_before, ls, net.weight.data, net.bias.data, type(net).__name__


def idiom_softmax_scratch(lib):
    X = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    sums = (X.sum(0, keepdims=True), X.sum(1, keepdims=True))

    def softmax(X):
        X_exp = lib.exp(X)
        partition = X_exp.sum(1, keepdims=True)
        return X_exp / partition
    X_prob = softmax(lib.tensor(data(6, 2, 5)))
    y = lib.tensor([0, 2])
    y_hat = lib.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])

    def cross_entropy(y_hat, y):
        return -lib.log(y_hat[list(range(len(y_hat))), y]).mean()

    def accuracy(Y_hat, Y, averaged=True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        preds = Y_hat.argmax(axis=1).type(Y.dtype)
        compare = (preds == Y.reshape(-1)).type(lib.float32)
        return compare.mean() if averaged else compare
    W = lib.tensor(data(7, 784, 10) * 0.01, requires_grad=True)
    b = lib.zeros(10, requires_grad=True)
    Xi = lib.tensor(data(8, 4, 1, 28, 28))
    out = softmax(lib.matmul(Xi.reshape((-1, W.shape[0])), W) + b)
    l = cross_entropy(out, lib.tensor([1, 2, 3, 4]))
    l.backward()
    return (sums, X_prob, X_prob.sum(1), y_hat[[0, 1], y], cross_entropy(y_hat, y), accuracy(y_hat, y),
            accuracy(y_hat, y, False), l, W.grad[:3, :3], b.grad)


def idiom_softmax_concise(lib):
    nn, F = lib.nn, lib.nn.functional
    net = nn.Sequential(nn.Flatten(), nn.LazyLinear(10))
    X = lib.tensor(data(9, 6, 1, 28, 28))
    net(X)
    set_params(net, lib, scale=0.01)
    Y = lib.tensor([1, 0, 3, 9, 2, 2])
    Y_hat = net(X)
    l_mean = F.cross_entropy(Y_hat.reshape((-1, Y_hat.shape[-1])), Y.reshape((-1,)), reduction='mean')
    l_none = F.cross_entropy(Y_hat, Y, reduction='none')
    l_mean.backward()
    return l_mean, l_none, net[1].weight.grad.sum(1), [p.shape for p in net.parameters()]


def idiom_mlp_activations(lib):
    x = lib.arange(-8.0, 8.0, 0.1, requires_grad=True)
    y = lib.relu(x)
    y.backward(lib.ones_like(x), retain_graph=True)
    g_relu = x.grad.clone()
    y = lib.sigmoid(x)
    x.grad.data.zero_()
    y.backward(lib.ones_like(x), retain_graph=True)
    g_sig = x.grad.clone()
    y = lib.tanh(x)
    x.grad.data.zero_()
    y.backward(lib.ones_like(x), retain_graph=True)
    # the book's grid holds a point within 1e-15 of 0, where the two libraries' aranges round apart
    away = x.detach().abs() > 1e-6
    return x.detach(), g_relu[away], g_sig, x.grad, y.detach()


def idiom_mlp_scratch(lib):
    nn = lib.nn
    num_inputs, num_hiddens, num_outputs, sigma = 784, 32, 10, 0.01
    W1 = nn.Parameter(lib.tensor(data(10, num_inputs, num_hiddens)) * sigma)
    b1 = nn.Parameter(lib.zeros(num_hiddens))
    W2 = nn.Parameter(lib.tensor(data(11, num_hiddens, num_outputs)) * sigma)
    b2 = nn.Parameter(lib.zeros(num_outputs))

    def relu(X):
        a = lib.zeros_like(X)
        return lib.max(X, a)
    X = lib.tensor(data(12, 4, 1, 28, 28))
    X = X.reshape((-1, num_inputs))
    H = relu(lib.matmul(X, W1) + b1)
    out = lib.matmul(H, W2) + b2
    l = lib.nn.functional.cross_entropy(out, lib.tensor([0, 1, 2, 3]))
    l.backward()
    return out, W1.grad.sum(0), b2.grad, type(W1).__name__, W1.requires_grad


def idiom_mlp_concise_and_init(lib):
    nn = lib.nn
    net = nn.Sequential(nn.Flatten(), nn.LazyLinear(32), nn.ReLU(), nn.LazyLinear(10))
    X = lib.tensor(data(13, 2, 1, 4, 4))
    net(X)
    set_params(net, lib)
    return net(X), [type(m).__name__ for m in net], repr(net)


def idiom_numerical_stability(lib):
    M = lib.tensor(data(14, 4, 4))
    for i in range(20):
        M = M @ lib.tensor(data(15 + i, 4, 4))
    return M


def idiom_dropout(lib):
    def dropout_layer(X, dropout):
        assert 0 <= dropout <= 1
        if dropout == 1:
            return lib.zeros_like(X)
        mask = (lib.rand(X.shape) > dropout).float()
        return mask * X / (1.0 - dropout)
    X = lib.arange(16, dtype=lib.float32).reshape((2, 8))
    d0 = dropout_layer(X, 0)
    d1 = dropout_layer(X, 1)
    d5 = dropout_layer(X, 0.5)
    kept = d5[d5 != 0]
    nn = lib.nn
    layer = nn.Dropout(0.5)
    layer.eval()
    ev = layer(X)
    layer.train()
    tr = layer(X)
    F = lib.nn.functional
    return (d0, d1, bool(((d5 == 0) | (d5 == 2 * X)).all()), kept.dim(), ev,
            bool(((tr == 0) | (tr == 2 * X)).all()), F.dropout(X, 0.5, training=False), F.dropout(X, 0.0))


def idiom_weight_decay(lib):
    nn = lib.nn
    num_inputs, n = 20, 40
    X = lib.tensor(data(16, n, num_inputs))
    w, b = lib.ones((num_inputs, 1)) * 0.01, 0.05
    y = lib.matmul(X, w) + b + lib.tensor(data(17, n, 1)) * 0.01

    def l2_penalty(w):
        return (w ** 2).sum() / 2
    net = set_params(nn.Linear(num_inputs, 1), lib)
    opt = lib.optim.SGD([{'params': net.weight, 'weight_decay': 3.0}, {'params': net.bias}], lr=0.01)
    opt2_net = set_params(nn.Linear(num_inputs, 1), lib)
    opt2 = lib.optim.SGD(opt2_net.parameters(), lr=0.01, weight_decay=3.0)
    for i in range(0, n, 10):
        for m, o in ((net, opt), (opt2_net, opt2)):
            l = nn.MSELoss()(m(X[i:i + 10]), y[i:i + 10])
            o.zero_grad()
            l.backward()
            o.step()
    return (float(l2_penalty(net.weight)), net.weight, net.bias, opt2_net.weight,
            [sorted(k for k in g if k != 'params') for g in opt.param_groups], opt.param_groups[1]['weight_decay'])


def idiom_layers_and_modules(lib):
    nn, F = lib.nn, lib.nn.functional

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.LazyLinear(16)
            self.output = nn.LazyLinear(10)

        def forward(self, X):
            return self.output(F.relu(self.hidden(X)))

    class MySequential(nn.Module):
        def __init__(self, *args):
            super().__init__()
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

        def forward(self, X):
            for module in self.children():
                X = module(X)
            return X

    class FixedHiddenMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.rand_weight = lib.tensor(np.abs(data(18, 20, 20)))
            self.linear = nn.LazyLinear(20)

        def forward(self, X):
            X = self.linear(X)
            X = F.relu(X @ self.rand_weight + 1)
            X = self.linear(X)
            while X.abs().sum() > 1:
                X /= 2
            return X.sum()

    class NestMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.LazyLinear(64), nn.ReLU(), nn.LazyLinear(32), nn.ReLU())
            self.linear = nn.LazyLinear(16)

        def forward(self, X):
            return self.linear(self.net(X))
    X = lib.tensor(data(19, 2, 20))
    outs = []
    for net in (MLP(), MySequential(nn.LazyLinear(16), nn.ReLU(), nn.LazyLinear(10)), FixedHiddenMLP(),
                nn.Sequential(NestMLP(), nn.LazyLinear(20), FixedHiddenMLP())):
        net(X)
        set_params(net, lib)
        outs.append((net(X), [n for n, _ in net.named_parameters()], [n for n, _ in net.named_modules()]))
    return outs


def idiom_parameter_management(lib):
    nn = lib.nn
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    X = lib.tensor(data(20, 2, 4))
    net(X)
    set_params(net, lib)
    sd = net[2].state_dict()
    shared = nn.LazyLinear(8)
    net2 = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
    net2(X)
    set_params(net2, lib)
    same0 = net2[2].weight.data[0] == net2[4].weight.data[0]
    net2[2].weight.data[0, 0] = 100
    same1 = net2[2].weight.data[0] == net2[4].weight.data[0]
    return dict(out=net(X), sd=list(sd.items()), bias_type=type(net[2].bias).__name__, bias_data=net[2].bias.data,
                grad_none=net[2].weight.grad is None,
                named=[(name, param.shape) for name, param in net.named_parameters()],
                same=(same0, same1), n_shared=len(list(net2.parameters())),
                sd_keys=list(net2.state_dict().keys()))


def idiom_initialisation(lib):
    nn = lib.nn
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    X = lib.rand(size=(2, 4))
    net(X)

    def init_constant(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 1)
            nn.init.zeros_(module.bias)

    def init_42(module):
        if type(module) == nn.Linear:
            nn.init.constant_(module.weight, 42)
    net.apply(init_constant)
    first = (net[0].weight.data[0].clone(), net[0].bias.data[0].clone())
    net[0].apply(init_42)
    second = net[0].weight.data[0].clone()
    net[0].weight.data[:] += 1
    net[0].weight.data[0, 0] = 42
    third = net[0].weight.data[0].clone()

    def init_normal(module):
        if type(module) == nn.Linear:
            nn.init.normal_(module.weight, mean=0, std=0.01)
            nn.init.zeros_(module.bias)

    def init_xavier(module):
        if type(module) == nn.Linear:
            nn.init.xavier_uniform_(module.weight)

    def my_init(module):
        if type(module) == nn.Linear:
            nn.init.uniform_(module.weight, -10, 10)
            module.weight.data *= module.weight.data.abs() >= 5
    net.apply(init_normal)
    std_ok = float(net[0].weight.data.std()) < 0.05
    net[0].apply(init_xavier)
    bound = (6 / (4 + 8)) ** 0.5
    xav_ok = bool((net[0].weight.data.abs() <= bound).all())
    net.apply(my_init)
    w = net[0].weight
    mine = bool(((w.data == 0) | (w.data.abs() >= 5)).all())
    w2 = lib.empty(3, 5)
    nn.init.kaiming_uniform_(w2, mode='fan_in', nonlinearity='relu')
    nn.init.kaiming_normal_(lib.empty(3, 5))
    nn.init.trunc_normal_(lib.empty(3, 5)) if hasattr(nn.init, 'trunc_normal_') else None
    ret = nn.init.ones_(lib.empty(2))
    return (first, second, third, std_ok, net[0].bias.data, xav_ok, mine, bool((w2.abs() <= (6 / 5) ** 0.5).all()),
            ret, nn.init.calculate_gain('relu'), nn.init.calculate_gain('tanh'),
            nn.init.calculate_gain('leaky_relu', 0.2))


def idiom_lazy_init(lib):
    nn = lib.nn
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    before = type(net[0].weight).__name__
    X = lib.rand(2, 20)
    net(X)
    after = (type(net[0].weight).__name__, [p.shape for p in net.parameters()], type(net[0]).__name__)
    return before, after


def idiom_custom_layers(lib):
    nn, F = lib.nn, lib.nn.functional

    class CenteredLayer(nn.Module):
        def __init__(self):
            super().__init__()

        def forward(self, X):
            return X - X.mean()

    class MyLinear(nn.Module):
        def __init__(self, in_units, units):
            super().__init__()
            self.weight = nn.Parameter(lib.tensor(data(21, in_units, units)))
            self.bias = nn.Parameter(lib.tensor(data(22, units)))

        def forward(self, X):
            linear = lib.matmul(X, self.weight.data) + self.bias.data
            return F.relu(linear)
    layer = CenteredLayer()
    c = layer(lib.tensor([1.0, 2, 3, 4, 5]))
    net = nn.Sequential(nn.LazyLinear(128), CenteredLayer())
    Y = net(lib.rand(4, 8))
    linear = MyLinear(5, 3)
    net2 = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
    return c, abs(float(Y.mean())) < 1e-6, linear.weight, linear(lib.tensor(data(23, 2, 5))), \
        net2(lib.tensor(data(24, 2, 64)))


def idiom_file_io(lib):
    nn, F = lib.nn, lib.nn.functional
    with tempfile.TemporaryDirectory() as d:
        x = lib.arange(4)
        lib.save(x, os.path.join(d, 'x-file'))
        x2 = lib.load(os.path.join(d, 'x-file'))
        y = lib.zeros(4)
        lib.save([x, y], os.path.join(d, 'x-files'))
        x2b, y2 = lib.load(os.path.join(d, 'x-files'))
        mydict = {'x': x, 'y': y}
        lib.save(mydict, os.path.join(d, 'mydict'))
        mydict2 = lib.load(os.path.join(d, 'mydict'))

        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.LazyLinear(256)
                self.output = nn.LazyLinear(10)

            def forward(self, x):
                return self.output(F.relu(self.hidden(x)))
        net = MLP()
        X = lib.tensor(data(25, 2, 20))
        Y = net(X)
        lib.save(net.state_dict(), os.path.join(d, 'mlp.params'))
        clone = MLP()
        clone.load_state_dict(lib.load(os.path.join(d, 'mlp.params')))
        ev = clone.eval()
        Y_clone = clone(X)
    return x2, (x2b, y2), mydict2, Y_clone == Y, type(ev).__name__, clone.training


def idiom_devices(lib):
    def try_gpu(i=0):
        if lib.cuda.device_count() >= i + 1:
            return lib.device(f'cuda:{i}')
        return lib.device('cpu')
    x = lib.tensor([1, 2, 3])
    X = lib.ones(2, 3, device=try_gpu())
    net = lib.nn.Sequential(lib.nn.LazyLinear(1))
    net = net.to(device=try_gpu())
    net(X)
    return (str(lib.device('cpu')), repr(lib.device('cpu')), str(lib.device('cuda', 1)),
            lib.cuda.device_count(), str(x.device), x.device.type, str(X.device), str(net[0].weight.data.device),
            lib.cuda.is_available(), lib.device('cpu') == lib.device('cpu'), str(x.cpu().device),
            x.to('cpu').device.type, x.is_cuda)


def idiom_device_without_index(lib):
    return str(lib.device('cuda')), repr(lib.device('cuda')), lib.device('cuda').index


GAPS = {'device_without_index': (AssertionError, "device('cuda') keeps index None in PyTorch (prints 'cuda')")}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn, rtol=1e-4, atol=1e-5)
