"""minigrad.d2l: Trainer (history, epoch lines, progress bar, clipping), Module, Classifier, the data
modules and the book's models."""
import io

import numpy
import pytest

import minigrad
from minigrad import d2l, nn
from data_fixtures import use_tiny_fashion_mnist


@pytest.fixture(autouse=True)
def in_tmp(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # boards save their PNG under ./runs


def _regression(num_train=100, num_val=60, batch_size=32):
    minigrad.manual_seed(0)
    return d2l.SyntheticRegressionData(w=minigrad.tensor([2, -3.4]), b=4.2, num_train=num_train,
                                       num_val=num_val, batch_size=batch_size)


def test_synthetic_data_splits_and_loaders():
    data = _regression()
    assert data.X.shape == (160, 2) and data.y.shape == (160, 1)
    train, val = data.train_dataloader(), data.val_dataloader()
    assert (len(train), len(val)) == (4, 2)
    val_rows = numpy.concatenate([b[0].numpy() for b in val])
    assert numpy.array_equal(val_rows, data.X.numpy()[100:])          # validation: in order
    train_rows = numpy.concatenate([b[0].numpy() for b in train])
    assert not numpy.array_equal(train_rows, data.X.numpy()[:100])    # training: shuffled
    assert sorted(map(tuple, train_rows)) == sorted(map(tuple, data.X.numpy()[:100]))


def test_fit_returns_history_and_prints_a_line_per_epoch(capsys):
    data = _regression()
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    history = d2l.Trainer(max_epochs=3, progress=False).fit(model, data)
    assert [row['epoch'] for row in history] == [1, 2, 3]
    assert set(history[0]) == {'epoch', 'train_loss', 'val_loss', 'seconds'}
    assert history.column('train_loss')[2] < history.column('train_loss')[0]
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith('epoch ') and '/3' in line]
    assert len(lines) == 3 and 'train_loss' in lines[0] and lines[0].endswith(' s')
    assert err == '' and '\x1b' not in out and '\r' not in out
    assert 'History(3 epochs' in repr(history)


def test_history_val_loss_is_the_mean_over_all_validation_examples():
    data = _regression(num_val=70, batch_size=32)   # batches of 32, 32 and 6
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    history = d2l.Trainer(max_epochs=1, verbose=False).fit(model, data)
    with minigrad.no_grad():
        direct = model.loss(model(data.X[100:]), data.y[100:]).item()
    assert history[0]['val_loss'] == pytest.approx(direct, rel=1e-5)


def test_progress_bar_only_when_asked_or_on_a_terminal(monkeypatch):
    data = _regression()
    stream = io.StringIO()
    monkeypatch.setattr('sys.stderr', stream)
    d2l.Trainer(max_epochs=1, verbose=False, progress=True).fit(d2l.LinearRegressionScratch(2, 0.03), data)
    assert '\repoch 1/1 [' in stream.getvalue() and '4/4' in stream.getvalue()
    stream.truncate(0)
    d2l.Trainer(max_epochs=1, verbose=False).fit(d2l.LinearRegressionScratch(2, 0.03), data)
    assert stream.getvalue() == ''  # a StringIO is not a terminal


def test_board_is_saved_and_drawn_even_with_one_batch_per_epoch(capsys):
    data = _regression(num_train=20, num_val=20, batch_size=32)  # every_n = int(1 / 2) = 0 in the book
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=2).fit(model, data)
    assert len(model.board.data['train_loss']) == 2 and len(model.board.data['val_loss']) == 2
    out = capsys.readouterr().out
    assert '[board] epoch' in out and 'progress board saved to runs' in out
    with open(model.board.path, 'rb') as f:
        assert f.read(4) == b'\x89PNG'


def test_concise_linear_regression_is_ten_times_closer():
    data = d2l.SyntheticRegressionData(w=minigrad.tensor([2, -3.4]), b=4.2)
    model = d2l.LinearRegression(lr=0.03)
    d2l.Trainer(max_epochs=3, verbose=False).fit(model, data)
    w, b = model.get_w_b()
    errors = numpy.abs(numpy.append(numpy.array([2, -3.4]) - w.numpy().ravel(), 4.2 - b.item()))
    assert errors.max() <= 0.05
    assert type(model.net) is nn.Linear


def test_clip_gradients_scales_to_the_global_norm():
    model = nn.Linear(2, 1)
    model.weight.grad = minigrad.tensor([[3.0, 0.0]])
    model.bias.grad = minigrad.tensor([4.0])
    trainer = d2l.Trainer(max_epochs=1)
    trainer.clip_gradients(1.0, model)
    assert numpy.allclose(model.weight.grad.numpy(), [[0.6, 0.0]])
    assert numpy.allclose(model.bias.grad.numpy(), [0.8])
    trainer.clip_gradients(5.0, model)  # below the threshold: unchanged
    assert numpy.allclose(model.bias.grad.numpy(), [0.8])


def test_gradient_clip_val_is_applied_during_fit(monkeypatch):
    calls = []
    monkeypatch.setattr(d2l.Trainer, 'clip_gradients', lambda self, v, m: calls.append(v))
    d2l.Trainer(max_epochs=1, gradient_clip_val=0.5, verbose=False).fit(
        d2l.LinearRegressionScratch(2, 0.03), _regression())
    assert calls == [0.5] * 4


def test_classifier_accuracy_and_loss():
    clf = d2l.Classifier()
    Y_hat = minigrad.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    Y = minigrad.tensor([1, 0, 0, 0])
    assert clf.accuracy(Y_hat, Y).item() == pytest.approx(0.75)
    assert clf.accuracy(Y_hat, Y, averaged=False).tolist() == [1.0, 1.0, 0.0, 1.0]
    logits = Y_hat.numpy()
    expected = numpy.mean(numpy.log(numpy.exp(logits).sum(1)) - logits[numpy.arange(4), Y.numpy()])
    assert clf.loss(Y_hat, Y).item() == pytest.approx(expected, rel=1e-5)
    assert clf.loss(Y_hat, Y, averaged=False).shape == (4,)


def test_devices():
    assert d2l.cpu() == 'cpu' and d2l.gpu(1) == 'cuda:1'
    assert d2l.num_gpus() == minigrad.cuda.device_count()
    assert d2l.try_gpu() in ('cpu', 'cuda:0')


def test_num_gpus_beyond_the_machine_falls_back_as_the_book():
    trainer = d2l.Trainer(max_epochs=1, num_gpus=8)
    assert trainer.gpus == [d2l.gpu(i) for i in range(min(8, d2l.num_gpus()))]


def test_apply_init_materialises_lazy_layers():
    model = d2l.MLP(num_outputs=10, num_hiddens=8, lr=0.1)
    model.apply_init([minigrad.rand(2, 1, 28, 28)],
                     lambda m: nn.init.zeros_(m.weight) if type(m) is nn.Linear else None)
    assert model.net[1].weight.shape == (8, 784) and not model.net[1].weight.detach().numpy().any()


def test_fashion_mnist_module_and_softmax_regression(monkeypatch, tmp_path, capsys):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=300, n_test=100)
    data = d2l.FashionMNIST(batch_size=64)
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (64, 1, 28, 28) and X.dtype == minigrad.float32 and y.dtype == minigrad.int64
    assert 0 <= float(X.min()) and float(X.max()) <= 1
    assert len(data.train_dataloader()) == 5 and len(data.val_dataloader()) == 2
    assert data.text_labels([0, 9, 6]) == ['t-shirt', 'ankle boot', 'shirt']
    assert data.batch_size == 64 and data.resize == (28, 28)
    big = d2l.FashionMNIST(batch_size=8, resize=(32, 32))
    assert next(iter(big.val_dataloader()))[0].shape == (8, 1, 32, 32)
    assert len(data.visualize((X[:8], y[:8]))) == 8

    minigrad.manual_seed(0)
    model = d2l.SoftmaxRegression(num_outputs=10, lr=0.1)
    history = d2l.Trainer(max_epochs=3, verbose=False).fit(model, data)
    assert history[-1]['val_acc'] > 0.5 and set(history[0]) >= {'train_loss', 'val_loss', 'val_acc'}


def test_a_board_switched_off_writes_nothing_unless_given_a_path(tmp_path):
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    model.board.display = False
    d2l.Trainer(max_epochs=1, verbose=False).fit(model, _regression())
    assert not (tmp_path / 'runs').exists()
    model.board.path = str(tmp_path / 'board.png')
    d2l.Trainer(max_epochs=1, verbose=False).fit(model, _regression())
    assert (tmp_path / 'board.png').exists()
