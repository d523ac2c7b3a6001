"""Dive into Deep Learning, chapters 7-8: convolutions from scratch (corr2d, edge detection, learning a
kernel, channels, 1x1 as matmul, pooling by hand), then the nn layers (padding and stride, pooling,
LeNet, and the blocks of AlexNet, VGG, NiN, GoogLeNet, batch norm, ResNet, DenseNet on small inputs)."""
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def _corr2d(lib):
    def corr2d(X, K):
        h, w = K.shape
        Y = lib.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
        return Y
    return corr2d


def idiom_corr2d_and_edges(lib):
    corr2d = _corr2d(lib)
    X = lib.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = lib.tensor([[0.0, 1.0], [2.0, 3.0]])
    E = lib.ones((6, 8))
    E[:, 2:6] = 0
    Ke = lib.tensor([[1.0, -1.0]])
    return corr2d(X, K), E, corr2d(E, Ke), corr2d(E.t(), Ke)


def idiom_conv2d_module_scratch(lib):
    nn = lib.nn
    corr2d = _corr2d(lib)

    class Conv2D(nn.Module):
        def __init__(self, kernel_size):
            super().__init__()
            self.weight = nn.Parameter(lib.tensor(data(0, *kernel_size)))
            self.bias = nn.Parameter(lib.zeros(1))

        def forward(self, x):
            return corr2d(x, self.weight) + self.bias
    conv = Conv2D((1, 2))
    X = lib.ones((6, 8))
    X[:, 2:6] = 0
    Y = corr2d(X, lib.tensor([[1.0, -1.0]]))
    lr = 3e-2
    losses = []
    for i in range(5):
        Y_hat = conv(X)
        l = (Y_hat - Y) ** 2
        conv.zero_grad()
        l.sum().backward()
        conv.weight.data[:] -= lr * conv.weight.grad
        losses.append(l.sum())
    return losses, conv.weight.data.reshape((1, 2))


def idiom_multi_channel_scratch(lib):
    corr2d = _corr2d(lib)

    def corr2d_multi_in(X, K):
        return sum(corr2d(x, k) for x, k in zip(X, K))

    def corr2d_multi_in_out(X, K):
        return lib.stack([corr2d_multi_in(X, k) for k in K], 0)

    def corr2d_multi_in_out_1x1(X, K):
        c_i, h, w = X.shape
        c_o = K.shape[0]
        X = X.reshape((c_i, h * w))
        K = K.reshape((c_o, c_i))
        Y = lib.matmul(K, X)
        return Y.reshape((c_o, h, w))
    X = lib.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    K = lib.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    K3 = lib.stack((K, K + 1, K + 2), 0)
    X1 = lib.tensor(data(1, 3, 3, 3))
    K1 = lib.tensor(data(2, 2, 3, 1, 1))
    Y1 = corr2d_multi_in_out_1x1(X1, K1)
    Y2 = corr2d_multi_in_out(X1, K1)
    return corr2d_multi_in(X, K), K3.shape, corr2d_multi_in_out(X, K3), float(lib.abs(Y1 - Y2).sum()) < 1e-6


def idiom_pool2d_scratch(lib):
    def pool2d(X, pool_size, mode='max'):
        p_h, p_w = pool_size
        Y = lib.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                if mode == 'max':
                    Y[i, j] = X[i: i + p_h, j: j + p_w].max()
                elif mode == 'avg':
                    Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
        return Y
    X = lib.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    X4 = lib.arange(16, dtype=lib.float32).reshape((1, 1, 4, 4))
    return pool2d(X, (2, 2)), pool2d(X, (2, 2), 'avg'), lib.cat((X4, X4 + 1), 1).shape


def idiom_conv_layers_padding_stride(lib):
    nn = lib.nn

    def comp_conv2d(conv2d, X):
        X = X.reshape((1, 1) + X.shape)
        Y = conv2d(X)
        return Y.reshape(Y.shape[2:])
    X = lib.rand(size=(8, 8))
    shapes = [comp_conv2d(nn.LazyConv2d(1, kernel_size=3, padding=1), X).shape,
              comp_conv2d(nn.LazyConv2d(1, kernel_size=(5, 3), padding=(2, 1)), X).shape,
              comp_conv2d(nn.LazyConv2d(1, kernel_size=3, padding=1, stride=2), X).shape,
              comp_conv2d(nn.LazyConv2d(1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)), X).shape]
    conv = set_params(nn.Conv2d(2, 3, kernel_size=3, padding=1, stride=2), lib)
    x = lib.tensor(data(3, 2, 2, 7, 7), requires_grad=True)
    y = conv(x)
    y.sum().backward()
    return shapes, y, x.grad, conv.weight.grad


def idiom_learn_kernel_lazy(lib):
    nn = lib.nn
    conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)
    X = lib.ones((6, 8))
    X[:, 2:6] = 0
    X = X.reshape((1, 1, 6, 8))
    K = lib.tensor([[[[1.0, -1.0]]]])
    Y = lib.nn.functional.conv2d(X, K)
    conv2d(X)
    with lib.no_grad():
        conv2d.weight.copy_(lib.tensor([[[[0.3, 0.2]]]]))
    lr = 3e-2
    for i in range(10):
        Y_hat = conv2d(X)
        l = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        l.sum().backward()
        conv2d.weight.data[:] -= lr * conv2d.weight.grad
    return conv2d.weight.data.reshape((1, 2)), l.sum()


def idiom_pooling_layers(lib):
    nn = lib.nn
    X = lib.arange(16, dtype=lib.float32).reshape((1, 1, 4, 4))
    X2 = lib.cat((X, X + 1), 1)
    return (nn.MaxPool2d(3)(X), nn.MaxPool2d(3, padding=1, stride=2)(X), nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))(X),
            nn.MaxPool2d(3, padding=1, stride=2)(X2), nn.AvgPool2d(2)(X), nn.AdaptiveAvgPool2d((1, 1))(X2))


def idiom_lenet(lib):
    nn = lib.nn
    net = nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.LazyLinear(120), nn.Sigmoid(),
        nn.LazyLinear(84), nn.Sigmoid(),
        nn.LazyLinear(10))
    X = lib.tensor(data(4, 2, 1, 28, 28))
    net(X)
    set_params(net, lib, scale=0.1)
    shapes = []
    Y = X
    for layer in net:
        Y = layer(Y)
        shapes.append((layer.__class__.__name__, Y.shape))
    loss = lib.nn.functional.cross_entropy(Y, lib.tensor([3, 7]))
    loss.backward()
    return shapes, Y, net[0].weight.grad.sum()


def idiom_vgg_nin_blocks(lib):
    nn = lib.nn

    def vgg_block(num_convs, out_channels):
        layers = []
        for _ in range(num_convs):
            layers.append(nn.LazyConv2d(out_channels, kernel_size=3, padding=1))
            layers.append(nn.ReLU())
        layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        return nn.Sequential(*layers)

    def nin_block(out_channels, kernel_size, strides, padding):
        return nn.Sequential(
            nn.LazyConv2d(out_channels, kernel_size, strides, padding), nn.ReLU(),
            nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU(),
            nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU())
    net = nn.Sequential(vgg_block(1, 4), vgg_block(2, 8), nin_block(5, 3, 1, 1), nn.AdaptiveAvgPool2d((1, 1)),
                        nn.Flatten())
    X = lib.tensor(data(5, 2, 1, 16, 16))
    net(X)
    set_params(net, lib, scale=0.3)
    return net(X)


def idiom_inception_block(lib):
    nn, F = lib.nn, lib.nn.functional

    class Inception(nn.Module):
        def __init__(self, c1, c2, c3, c4, **kwargs):
            super(Inception, self).__init__(**kwargs)
            self.b1_1 = nn.LazyConv2d(c1, kernel_size=1)
            self.b2_1 = nn.LazyConv2d(c2[0], kernel_size=1)
            self.b2_2 = nn.LazyConv2d(c2[1], kernel_size=3, padding=1)
            self.b3_1 = nn.LazyConv2d(c3[0], kernel_size=1)
            self.b3_2 = nn.LazyConv2d(c3[1], kernel_size=5, padding=2)
            self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
            self.b4_2 = nn.LazyConv2d(c4, kernel_size=1)

        def forward(self, x):
            b1 = F.relu(self.b1_1(x))
            b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
            b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
            b4 = F.relu(self.b4_2(self.b4_1(x)))
            return lib.cat((b1, b2, b3, b4), dim=1)
    blk = Inception(2, (2, 3), (1, 2), 2)
    X = lib.tensor(data(6, 1, 3, 8, 8))
    blk(X)
    set_params(blk, lib)
    return blk(X)


def idiom_batchnorm_scratch_and_layers(lib):
    nn = lib.nn

    def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
        if not lib.is_grad_enabled():
            X_hat = (X - moving_mean) / lib.sqrt(moving_var + eps)
        else:
            assert len(X.shape) in (2, 4)
            if len(X.shape) == 2:
                mean = X.mean(dim=0)
                var = ((X - mean) ** 2).mean(dim=0)
            else:
                mean = X.mean(dim=(0, 2, 3), keepdim=True)
                var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
            X_hat = (X - mean) / lib.sqrt(var + eps)
            moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
            moving_var = (1.0 - momentum) * moving_var + momentum * var
        Y = gamma * X_hat + beta
        return Y, moving_mean.data, moving_var.data
    X = lib.tensor(data(7, 4, 3, 5, 5))
    shape = (1, 3, 1, 1)
    Y, mm, mv = batch_norm(X, lib.ones(shape), lib.zeros(shape), lib.zeros(shape), lib.ones(shape), 1e-5, 0.1)
    bn = nn.BatchNorm2d(3)
    Y2 = bn(X)
    return Y, mm, mv, Y2, bn.running_mean, bn.running_var


def idiom_residual_block(lib):
    nn, F = lib.nn, lib.nn.functional

    class Residual(nn.Module):
        def __init__(self, num_channels, use_1x1conv=False, strides=1):
            super().__init__()
            self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
            self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
            if use_1x1conv:
                self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
            else:
                self.conv3 = None
            self.bn1 = nn.LazyBatchNorm2d()
            self.bn2 = nn.LazyBatchNorm2d()

        def forward(self, X):
            Y = F.relu(self.bn1(self.conv1(X)))
            Y = self.bn2(self.conv2(Y))
            if self.conv3:
                X = self.conv3(X)
            Y += X
            return F.relu(Y)
    X = lib.tensor(data(8, 2, 3, 6, 6), requires_grad=True)
    blk = Residual(3)
    blk2 = Residual(6, use_1x1conv=True, strides=2)
    blk(X)
    blk2(X)
    set_params(blk, lib)
    set_params(blk2, lib, seed=1)
    out = blk2(blk(X))
    out.sum().backward()
    return blk(X).shape, out, X.grad


def idiom_dense_block(lib):
    nn = lib.nn

    def conv_block(num_channels):
        return nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(num_channels, kernel_size=3, padding=1))

    class DenseBlock(nn.Module):
        def __init__(self, num_convs, num_channels):
            super(DenseBlock, self).__init__()
            layer = []
            for i in range(num_convs):
                layer.append(conv_block(num_channels))
            self.net = nn.Sequential(*layer)

        def forward(self, X):
            for blk in self.net:
                Y = blk(X)
                X = lib.cat((X, Y), dim=1)
            return X

    def transition_block(num_channels):
        return nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(num_channels, kernel_size=1),
                             nn.AvgPool2d(kernel_size=2, stride=2))
    blk = nn.Sequential(DenseBlock(2, 4), transition_block(3))
    X = lib.tensor(data(9, 2, 3, 8, 8))
    blk(X)
    set_params(blk, lib)
    return blk[0](X).shape, blk(X)


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn, rtol=1e-4, atol=1e-5)
