"""The book's convolutional chapters through minigrad.d2l: corr2d (7.2), edge detection, learning a kernel
(7.2.4), LeNet (7.6) with init_cnn and layer_summary, and `minigrad train --model lenet...`."""
import json

import numpy
import pytest

import minigrad
from minigrad import cli, d2l, nn
from data_fixtures import use_tiny_fashion_mnist

HAS_BN = hasattr(nn, 'LazyBatchNorm2d')


def test_corr2d_is_the_books():
    X = minigrad.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = minigrad.tensor([[0.0, 1.0], [2.0, 3.0]])
    numpy.testing.assert_array_equal(d2l.corr2d(X, K).numpy(), [[19.0, 25.0], [37.0, 43.0]])
    X = minigrad.ones((6, 8))
    X[:, 2:6] = 0
    Y = d2l.corr2d(X, minigrad.tensor([[1.0, -1.0]]))      # the book's edge detector (7.2.3)
    assert Y.shape == (6, 7) and float(Y[:, 1].sum()) == 6 and float(Y[:, 5].sum()) == -6
    assert float(d2l.corr2d(X.t(), minigrad.tensor([[1.0, -1.0]])).abs().sum()) == 0


def test_learning_a_kernel_as_the_book_does():
    """7.2.4: a 1x2 Conv2d without bias learns K = [1, -1] from X and Y by plain gradient descent."""
    X = minigrad.ones((6, 8))
    X[:, 2:6] = 0
    Y = d2l.corr2d(X, minigrad.tensor([[1.0, -1.0]]))
    conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)
    X, Y = X.reshape((1, 1, 6, 8)), Y.reshape((1, 1, 6, 7))
    for _ in range(10):
        Y_hat = conv2d(X)
        loss = ((Y_hat - Y) ** 2).sum()
        conv2d.zero_grad()
        loss.backward()
        conv2d.weight.data[:] -= 3e-2 * conv2d.weight.grad
    numpy.testing.assert_allclose(conv2d.weight.data.reshape((1, 2)).numpy(), [[1.0, -1.0]], atol=0.15)


def test_lenet_layer_summary_and_init_cnn(capsys):
    model = d2l.LeNet()
    minigrad.manual_seed(0)
    model.apply_init([minigrad.rand(2, 1, 28, 28)], d2l.init_cnn)
    conv = model.net[0]
    assert type(conv) is nn.Conv2d
    bound = (6 / (1 * 25 + 6 * 25)) ** 0.5          # Xavier-uniform, fans of a 1->6 5x5 convolution
    assert float(conv.weight.abs().max()) <= bound and float(conv.weight.abs().max()) > 0.8 * bound
    model.layer_summary((1, 1, 28, 28))
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ['Conv2d', 'output', 'shape:', 'minigrad.Size([1,', '6,', '28,', '28])']
    assert 'AvgPool2d output shape:\t minigrad.Size([1, 16, 5, 5])' in out
    assert out[-1].endswith('minigrad.Size([1, 10])')


def test_modern_lenet_learns_a_small_problem():
    """ReLU + max pooling LeNet fits 64 images of 4 separable classes (a few SGD steps)."""
    rng = numpy.random.default_rng(0)
    templates = rng.standard_normal((4, 1, 28, 28)).astype(numpy.float32)
    y = numpy.arange(64) % 4
    X = templates[y] + 0.3 * rng.standard_normal((64, 1, 28, 28)).astype(numpy.float32)
    minigrad.manual_seed(0)
    model = d2l.LeNetModern(lr=0.1, num_classes=4)
    Xt, yt = minigrad.tensor(X), minigrad.tensor(y)
    model.apply_init([Xt[:2]])
    opt = model.configure_optimizers()
    for _ in range(30):
        loss = model.loss(model(Xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(model.accuracy(model(Xt), yt)) == 1.0


@pytest.mark.skipif(not HAS_BN, reason='needs nn.LazyBatchNorm2d')
def test_batch_normalised_models_build_and_run():
    for model, shape in ((d2l.BNLeNet(), (2, 1, 28, 28)), (d2l.LeNetModern(batch_norm=True), (2, 1, 28, 28)),
                         (d2l.ResNetMini(), (2, 1, 28, 28)), (d2l.ResNet18(), (1, 1, 64, 64))):
        out = model(minigrad.rand(*shape))
        assert out.shape == (shape[0], 10)
        out.sum().backward()


@pytest.mark.parametrize('name', ['lenet'] + (['lenet-bn', 'resnet-mini'] if HAS_BN else []))
def test_train_conv_model_from_the_command_line(name, monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=200, n_test=100)
    out_dir = tmp_path / 'out'
    assert cli.main(['train', '--model', name, '--epochs', '1', '--batch-size', '100', '--lr', '0.1',
                     '--out', str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert 'epoch 1/1' in out
    history = json.loads((out_dir / f'{name}_history.json').read_text())
    assert history['model'] == name and len(history['epochs']) == 1
    state = minigrad.load(str(out_dir / f'{name}_weights.npz'))
    first = state['net.0.0.weight' if name == 'resnet-mini' else 'net.0.weight']
    assert first.shape == ((16, 1, 3, 3) if name == 'resnet-mini' else (6, 1, 5, 5))
    if name != 'lenet':   # batch norm's running statistics are saved with the weights
        assert any(key.endswith('running_mean') for key in state)
