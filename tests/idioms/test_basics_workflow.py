"""PyTorch's "Learn the Basics": datasets & dataloaders, build the model, autograd, optimisation, save & load."""
import io
import os

import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms, set_params

pytestmark = pytest.mark.torch


def _data_mod(lib):
    return __import__(lib.__name__ + '.utils.data', fromlist=['Dataset'])


def _custom_dataset(lib):
    udata = _data_mod(lib)

    class CustomImageDataset(udata.Dataset):
        def __init__(self, n, transform=None, target_transform=None):
            self.images = data(0, n, 1, 4, 4)
            self.labels = np.arange(n) % 3
            self.transform = transform
            self.target_transform = target_transform

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, idx):
            image = lib.tensor(self.images[idx])
            label = int(self.labels[idx])
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label
    return CustomImageDataset


def idiom_custom_dataset_loader(lib):
    udata = _data_mod(lib)
    ds = _custom_dataset(lib)(10, target_transform=lambda y: lib.zeros(3, dtype=lib.float).scatter_(
        0, lib.tensor(y), value=1))
    loader = udata.DataLoader(ds, batch_size=4, shuffle=False)
    batches = []
    for X, y in loader:
        batches.append((X.shape, X, y))
    train_features, train_labels = next(iter(loader))
    return dict(len=len(ds), n_batches=len(loader), batches=batches, first=(train_features.size(), train_labels.size()),
                squeezed=train_features[0].squeeze().shape, label=train_labels[0])


def idiom_loader_plain_labels(lib):
    udata = _data_mod(lib)
    ds = _custom_dataset(lib)(10)
    loader = udata.DataLoader(ds, batch_size=4, shuffle=False, drop_last=True)
    out = [(X.shape, y, y.dtype) for X, y in loader]
    return dict(out=out, n=len(loader), item=ds[3][1], len_sampler=len(loader.dataset))


def idiom_tensor_dataset_shuffle_seeded(lib):
    udata = _data_mod(lib)
    x = lib.arange(20.0).reshape(10, 2)
    y = lib.arange(10)
    ds = udata.TensorDataset(x, y)
    loader = udata.DataLoader(ds, batch_size=3, shuffle=True)
    seen = sorted(int(v) for _, yb in loader for v in yb)
    return dict(len=len(ds), item=ds[2], seen=seen, n=len(loader), batch_shapes=[xb.shape for xb, _ in loader])


def idiom_random_split(lib):
    udata = _data_mod(lib)
    ds = udata.TensorDataset(lib.arange(10.0))
    a, b = udata.random_split(ds, [7, 3])
    c, d = udata.random_split(ds, [0.5, 0.5])
    return len(a), len(b), len(c), len(d), sorted(float(a[i][0]) for i in range(len(a)) ) .__len__()


def _neural_network(lib):
    nn = lib.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(4 * 4, 32),
                nn.ReLU(),
                nn.Linear(32, 32),
                nn.ReLU(),
                nn.Linear(32, 10),
            )

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits
    return NeuralNetwork


def idiom_build_model(lib):
    nn = lib.nn
    device = lib.accelerator.current_accelerator().type if lib.accelerator.is_available() else "cpu"
    model = _neural_network(lib)().to(device)
    set_params(model, lib)
    X = lib.tensor(data(1, 1, 4, 4))
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    input_image = lib.tensor(data(2, 3, 4, 4))
    flat_image = nn.Flatten()(input_image)
    layer1 = set_params(nn.Linear(in_features=16, out_features=20), lib)
    hidden1 = layer1(flat_image)
    hidden1 = nn.ReLU()(hidden1)
    params = [(name, param.size(), param[:2]) for name, param in model.named_parameters()]
    return dict(device=device, logits=logits, probab=pred_probab, y_pred=y_pred, flat=flat_image.size(),
                hidden=hidden1, params=params, n_params=sum(p.numel() for p in model.parameters()),
                keys=list(model.state_dict().keys()), children=[type(m).__name__ for m in model.children()],
                modules=[type(m).__name__ for m in model.modules()], training=model.training)


def idiom_model_repr(lib):
    model = _neural_network(lib)()
    return repr(model), repr(lib.nn.Linear(3, 4, bias=False)), repr(lib.nn.Softmax(dim=1)), repr(lib.nn.Dropout(0.3))


def idiom_autograd_basics(lib):
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.tensor(data(3, 5, 3), requires_grad=True)
    b = lib.tensor(data(4, 3), requires_grad=True)
    z = lib.matmul(x, w) + b
    loss = lib.nn.functional.binary_cross_entropy_with_logits(z, y)
    names = (type(z.grad_fn).__name__, type(loss.grad_fn).__name__)
    loss.backward()
    z2 = lib.matmul(x, w) + b
    rg = z2.requires_grad
    with lib.no_grad():
        z3 = lib.matmul(x, w) + b
    z4 = (lib.matmul(x, w) + b).detach()
    return dict(w_grad=w.grad, b_grad=b.grad, rg=rg, nograd=z3.requires_grad, det=z4.requires_grad,
                has_fn=(z.grad_fn is not None, x.grad_fn is None), loss=loss,
                names_present=all(n for n in names))


def idiom_jacobian_products(lib):
    inp = lib.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(lib.ones_like(out), retain_graph=True)
    first = inp.grad.clone()
    out.backward(lib.ones_like(out), retain_graph=True)
    second = inp.grad.clone()
    inp.grad.zero_()
    out.backward(lib.ones_like(out), retain_graph=True)
    return first, second, inp.grad


def idiom_optimization_loop(lib):
    nn = lib.nn
    udata = _data_mod(lib)
    model = set_params(_neural_network(lib)(), lib)
    X = lib.tensor(data(5, 24, 1, 4, 4))
    Y = lib.tensor(np.arange(24) % 10)
    loader = udata.DataLoader(udata.TensorDataset(X, Y), batch_size=8)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=1e-1)
    losses = []
    for epoch in range(2):
        model.train()
        size = len(loader.dataset)
        for batch, (Xb, yb) in enumerate(loader):
            pred = model(Xb)
            loss = loss_fn(pred, yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
        model.eval()
        num_batches = len(loader)
        test_loss, correct = 0, 0
        with lib.no_grad():
            for Xb, yb in loader:
                pred = model(Xb)
                test_loss += loss_fn(pred, yb).item()
                correct += (pred.argmax(1) == yb).type(lib.float).sum().item()
        test_loss /= num_batches
        correct /= size
    return dict(losses=losses, test_loss=test_loss, correct=correct, size=size,
                grads_none=[p.grad is None for p in model.parameters()])


def idiom_save_load(lib, tmp_path=None):
    import tempfile
    nn = lib.nn
    model = set_params(_neural_network(lib)(), lib)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'model_weights.pth')
        lib.save(model.state_dict(), path)
        model2 = _neural_network(lib)()
        res = model2.load_state_dict(lib.load(path, weights_only=True))
        model2.eval()
        # whole-tensor and dict-of-tensors round trips, and a BytesIO buffer
        buf = io.BytesIO()
        lib.save({'epoch': 3, 't': lib.arange(4)}, buf)
        buf.seek(0)
        back = lib.load(buf)
    X = lib.tensor(data(6, 2, 1, 4, 4))
    return dict(same=model2(X), orig=model(X), res=(list(res.missing_keys), list(res.unexpected_keys)),
                training=model2.training, back=back)


def idiom_checkpoint_resume(lib):
    import tempfile
    nn = lib.nn
    model = set_params(_neural_network(lib)(), lib)
    optimizer = lib.optim.Adam(model.parameters(), lr=1e-3)
    X = lib.tensor(data(7, 4, 1, 4, 4))
    y = lib.tensor([1, 2, 3, 4])
    for _ in range(2):
        loss = nn.functional.cross_entropy(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'ckpt.pt')
        lib.save({'epoch': 2, 'model_state_dict': model.state_dict(),
                  'optimizer_state_dict': optimizer.state_dict(), 'loss': loss}, path)
        model2 = _neural_network(lib)()
        optimizer2 = lib.optim.Adam(model2.parameters(), lr=1e-3)
        checkpoint = lib.load(path, weights_only=True)
        model2.load_state_dict(checkpoint['model_state_dict'])
        optimizer2.load_state_dict(checkpoint['optimizer_state_dict'])
        epoch = checkpoint['epoch']
        saved_loss = checkpoint['loss']
    model2.train()
    for m, o in ((model, optimizer), (model2, optimizer2)):
        loss = nn.functional.cross_entropy(m(X), y)
        o.zero_grad()
        loss.backward()
        o.step()
    return epoch, saved_loss, model(X), model2(X), optimizer2.state_dict()['state'][0]['step']


def idiom_save_whole_model(lib):
    import tempfile
    cls = _neural_network(lib)
    cls.__qualname__ = cls.__name__ = f'NeuralNetwork_{lib.__name__}'  # picklable: a module-level name
    globals()[cls.__name__] = cls
    model = set_params(cls(), lib)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'model.pth')
        lib.save(model, path)
        back = lib.load(path, weights_only=False)
    X = lib.tensor(data(8, 2, 1, 4, 4))
    return back(X), model(X), type(back).__name__.split('_')[0]


GAPS = {'save_whole_model': (TypeError, 'minigrad.save stores tensors and containers only (no pickled modules), by design')}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
