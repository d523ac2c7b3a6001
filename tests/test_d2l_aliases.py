"""The book's framework-neutral aliases (the end of d2l 1.0.3's torch module) and its later-chapter
utilities: each alias gives what the book's torch binding gives on the same input, and the Trainer
falls back to the CPU as the book's does."""
import numpy as np
import pytest

import minigrad
from minigrad import d2l

torch = pytest.importorskip('torch')

# The book's torch module, as written there (d2l/torch.py, "Alias defined in config.ini").
BOOK = {
    'ones_like': torch.ones_like, 'ones': torch.ones, 'zeros_like': torch.zeros_like, 'zeros': torch.zeros,
    'tensor': torch.tensor, 'arange': torch.arange, 'meshgrid': torch.meshgrid, 'sin': torch.sin,
    'sinh': torch.sinh, 'cos': torch.cos, 'cosh': torch.cosh, 'tanh': torch.tanh, 'linspace': torch.linspace,
    'exp': torch.exp, 'log': torch.log, 'normal': torch.normal, 'rand': torch.rand, 'randn': torch.randn,
    'matmul': torch.matmul, 'int32': torch.int32, 'int64': torch.int64, 'float32': torch.float32,
    'concat': torch.cat, 'stack': torch.stack, 'abs': torch.abs, 'eye': torch.eye, 'sigmoid': torch.sigmoid,
    'batch_matmul': torch.bmm,
    'numpy': lambda x, *args, **kwargs: x.detach().numpy(*args, **kwargs),
    'size': lambda x, *args, **kwargs: x.numel(*args, **kwargs),
    'reshape': lambda x, *args, **kwargs: x.reshape(*args, **kwargs),
    'to': lambda x, *args, **kwargs: x.to(*args, **kwargs),
    'reduce_sum': lambda x, *args, **kwargs: x.sum(*args, **kwargs),
    'argmax': lambda x, *args, **kwargs: x.argmax(*args, **kwargs),
    'astype': lambda x, *args, **kwargs: x.type(*args, **kwargs),
    'transpose': lambda x, *args, **kwargs: x.t(*args, **kwargs),
    'reduce_mean': lambda x, *args, **kwargs: x.mean(*args, **kwargs),
    'expand_dims': lambda x, *args, **kwargs: x.unsqueeze(*args, **kwargs),
    'swapaxes': lambda x, *args, **kwargs: x.swapaxes(*args, **kwargs),
    'repeat': lambda x, *args, **kwargs: x.repeat(*args, **kwargs),
}

X = np.arange(12, dtype=np.float32).reshape(3, 4) / 7 - 0.5
B1 = np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4)
B2 = np.linspace(-2, 1, 40, dtype=np.float32).reshape(2, 4, 5)


def lib_and(lib):
    """Call one alias with tensors of ``lib``: (name, how to call it given the alias and the library)."""
    t = lib.tensor
    return [
        ('ones_like', lambda f: f(t(X))), ('ones', lambda f: f(2, 3)), ('zeros_like', lambda f: f(t(X))),
        ('zeros', lambda f: f((2, 3))), ('tensor', lambda f: f([[1, 2], [3, 4]])),
        ('arange', lambda f: f(1, 10, 2)), ('sin', lambda f: f(t(X))), ('sinh', lambda f: f(t(X))),
        ('cos', lambda f: f(t(X))), ('cosh', lambda f: f(t(X))), ('tanh', lambda f: f(t(X))),
        ('linspace', lambda f: f(-1, 1, 7)), ('exp', lambda f: f(t(X))), ('log', lambda f: f(t(X) + 1)),
        ('matmul', lambda f: f(t(X), t(X.T))), ('concat', lambda f: f((t(X), t(X)), 1)),
        ('stack', lambda f: f([t(X), t(X)], 0)), ('abs', lambda f: f(t(X))), ('eye', lambda f: f(3)),
        ('sigmoid', lambda f: f(t(X))), ('batch_matmul', lambda f: f(t(B1), t(B2))),
        ('numpy', lambda f: f(t(X))), ('size', lambda f: f(t(X))), ('reshape', lambda f: f(t(X), (4, 3))),
        ('reshape', lambda f: f(t(X), -1)), ('to', lambda f: f(t(X), lib.float64)),
        ('reduce_sum', lambda f: f(t(X))), ('reduce_sum', lambda f: f(t(X), axis=1)),
        ('reduce_sum', lambda f: f(t(X), dim=0, keepdims=True)), ('argmax', lambda f: f(t(X), axis=1)),
        ('astype', lambda f: f(t(X), lib.int32)), ('astype', lambda f: f(t(X), lib.float32)),
        ('transpose', lambda f: f(t(X))), ('reduce_mean', lambda f: f(t(X))),
        ('reduce_mean', lambda f: f(t(X), 1)), ('expand_dims', lambda f: f(t(X), 1)),
        ('swapaxes', lambda f: f(t(B1), 0, 2)),
        ('meshgrid', lambda f: f(lib.arange(3), lib.arange(4), indexing='ij')[1]),
        ('meshgrid', lambda f: f(lib.arange(3.0), lib.arange(2.0), indexing='xy')[0]),
    ]


def as_numpy(value):
    if isinstance(value, (minigrad.Tensor, torch.Tensor)):
        return value.detach().numpy()
    return np.asarray(value)


@pytest.mark.parametrize('i', range(len(lib_and(torch))))
def test_alias_gives_what_the_books_torch_binding_gives(i):
    name, call = lib_and(minigrad)[i]
    _, call_torch = lib_and(torch)[i]
    mine, theirs = call(getattr(d2l, name)), call_torch(BOOK[name])
    a, b = as_numpy(mine), as_numpy(theirs)
    assert a.shape == b.shape, name
    assert a.dtype == b.dtype, name
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=name)


def test_every_alias_of_the_book_is_there():
    missing = [name for name in BOOK if not hasattr(d2l, name)]
    assert missing == []
    assert d2l.nn_Module is minigrad.nn.Module
    assert str(d2l.float32).endswith('float32') and d2l.int32 == minigrad.int32 and d2l.int64 == minigrad.int64
    assert d2l.torch is minigrad and d2l.nn is minigrad.nn and d2l.np is np
    assert d2l.F is minigrad.nn.functional


def test_random_aliases_give_the_right_shapes_and_dtypes():
    for name, args in [('rand', (2, 3)), ('randn', (2, 3))]:
        assert getattr(d2l, name)(*args).shape == BOOK[name](*args).shape
    assert d2l.normal(0, 1, (3, 2)).shape == (3, 2) and d2l.normal(0, 1, (3, 2)).dtype == minigrad.float32


def test_repeat_alias_calls_the_tensor_method():
    x = minigrad.tensor([1.0, 2.0])
    if not hasattr(x, 'repeat'):
        with pytest.raises(AttributeError, match='repeat'):
            d2l.repeat(x, 2)
    else:
        np.testing.assert_array_equal(d2l.repeat(x, 2).numpy(), BOOK['repeat'](torch.tensor([1.0, 2.0]), 2))


def test_batch_matmul_errors_name_the_op():
    with pytest.raises(RuntimeError, match='3-D|3D'):
        d2l.batch_matmul(minigrad.ones(2, 3), minigrad.ones(3, 2))


# ------------------------------------------------------------------------------------ utilities
def test_timer_and_accumulator():
    timer = d2l.Timer()
    timer.stop()
    timer.start()
    timer.stop()
    assert len(timer.times) == 2 and timer.sum() == pytest.approx(sum(timer.times))
    assert timer.avg() == pytest.approx(timer.sum() / 2) and timer.cumsum()[-1] == pytest.approx(timer.sum())
    acc = d2l.Accumulator(2)
    acc.add(1, minigrad.tensor(2.5))
    acc.add(2.0, 0.5)
    assert (acc[0], acc[1]) == (3.0, 3.0)
    acc.reset()
    assert acc.data == [0.0, 0.0]


def test_plot_and_axes(tmp_path):
    import matplotlib
    matplotlib.use('Agg')
    x = minigrad.arange(0, 3, 0.1)
    axes = d2l.plot(x, [d2l.sin(x), d2l.cos(x)], 'x', 'f(x)', legend=['sin', 'cos'], xlim=[0, 3])
    assert len(axes.lines) == 2 and axes.get_xlabel() == 'x' and axes.get_xlim() == (0.0, 3.0)
    y = minigrad.tensor([1.0, 2.0], requires_grad=True) * 2  # a tensor in a graph plots too
    axes = d2l.plot(y)
    assert len(axes.lines) == 1
    d2l.set_figsize((2, 2))
    assert tuple(d2l.plt.rcParams['figure.figsize']) == (2, 2)
    d2l.plt.close('all')


def test_devices_and_init_cnn():
    assert d2l.try_all_gpus() == [d2l.gpu(i) for i in range(d2l.num_gpus())]
    layer = minigrad.nn.Linear(8, 4)
    before = layer.weight.detach().numpy().copy()
    d2l.init_cnn(layer)
    after = layer.weight.detach().numpy()
    bound = np.sqrt(6 / (8 + 4))
    assert not np.array_equal(before, after) and np.abs(after).max() <= bound
    d2l.init_cnn(minigrad.nn.ReLU())  # other modules are left alone


def test_trainer_with_num_gpus_falls_back_to_the_cpu_and_trains():
    data = d2l.SyntheticRegressionData(w=minigrad.tensor([2.0, -3.4]), b=4.2, num_train=64, num_val=32,
                                       batch_size=16)
    model = d2l.LinearRegression(lr=0.03)
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=2, num_gpus=1, verbose=False)
    assert trainer.gpus == ([d2l.gpu(0)] if d2l.num_gpus() else [])
    history = trainer.fit(model, data)
    assert len(history) == 2 and history[-1]['train_loss'] < history[0]['train_loss'] * 2
