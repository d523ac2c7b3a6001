"""Checks that hold on any device other than the CPU, written once and run twice: on the guarded NumPy
by tests/test_devices.py (every machine) and on CUDA by tests/test_gpu.py (where there is a GPU). So the
GPU tests are exercised, and known to be sound, on machines without one.

Each check takes the device name and the tolerance that device's results need against the CPU (0 for
the guarded NumPy, which is NumPy underneath; small for CUDA, whose kernels sum in other orders).
"""
import functools

import numpy
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import minigrad
from minigrad import autograd, backend
from minigrad.autograd.function import Function
from minigrad.functions.linalg import linear
from minigrad.testing.op_table import OPS


# ------------------------------------------------------------------- the op table, run on a device
@functools.lru_cache(maxsize=None)
def examples(name, count=3):
    """The first ``count`` cases hypothesis draws for ``OPS[name]``: the same on every run
    (derandomised), as plain :class:`~minigrad.testing.cases.Case` records."""
    found = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(OPS[name].cases)
    def collect(case):
        found.append(case)
    collect()
    return tuple(found[:count])


def run(spec, case, device, seed=1, check=lambda what, array: None):
    """The row ``spec`` on ``case``'s inputs on ``device``. Differentiable ops: forward, backward into
    .grad and a second derivative through ``create_graph=True``; others: forward only. Returns every
    array produced and the Function classes met along the way. ``check(what, array)`` sees each result
    as it is produced."""
    inputs = [minigrad.tensor(a, device=device, requires_grad=spec.differentiable and a.dtype.kind == 'f')
              for a in case.arrays]

    def fn(*tensors):
        return spec.call(minigrad, *tensors, **case.kwargs)
    out = fn(*inputs)
    check('output', out._array)
    if not spec.differentiable:
        return {'output': out._array}, functions_in(out)
    leaves = [t for t in inputs if t.requires_grad]
    rng = numpy.random.default_rng(seed)
    weight = minigrad.tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=device)
    # Quadratic in the output, so that every gradient depends on the inputs and the create_graph pass
    # records each backward (the backward of indexing, IndexAdd, included).
    loss = (out * out * weight).sum()
    seen = functions_in(loss)
    grads = autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
    for i, g in enumerate(grads):
        if g is not None:
            check(f'input {i} grad (create_graph)', g._array)
    second = None
    for g in grads:
        if g is not None and g.requires_grad:
            term = (g * g).sum()
            second = term if second is None else second + term
    second_grads = [None] * len(leaves)
    if second is not None:
        seen |= functions_in(second)
        second_grads = autograd.grad(second, leaves, allow_unused=True)
    again = fn(*inputs)
    (again * again * weight).sum().backward()
    arrays = {'output': out._array}
    for i, leaf in enumerate(leaves):
        if leaf.grad is not None:
            arrays[f'input {i} .grad'] = leaf.grad._array
        if grads[i] is not None:
            arrays[f'input {i} grad (create_graph)'] = grads[i]._array
        if second_grads[i] is not None:
            arrays[f'input {i} second derivative'] = second_grads[i]._array
    return arrays, seen


def functions_in(tensor):
    """The Function classes of the graph that produced ``tensor`` (an explicit stack, no recursion)."""
    seen, stack, visited = set(), [tensor.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited or not isinstance(node, Function):
            continue
        visited.add(id(node))
        seen.add(type(node))
        stack.extend(getattr(node, 'parents', ()))
    return seen


def on(device, tensor):
    """Assert ``tensor`` and its array live on ``device``."""
    assert tensor.device == device, f"expected a tensor on {device}, got one on {tensor.device}"
    assert backend.device_of(tensor.array) == device
    return tensor


def host(tensor):
    return tensor.detach().cpu().numpy()


def check_factories(device):
    """Every factory puts its tensor on ``device=``, with the requested dtype and values."""
    made = {
        'zeros': minigrad.zeros(2, 3, device=device),
        'ones': minigrad.ones((2, 3), device=device),
        'full': minigrad.full((2,), 7.0, device=device),
        'empty': minigrad.empty(4, device=device),
        'rand': minigrad.rand(3, device=device),
        'randn': minigrad.randn(3, 2, device=device, dtype=minigrad.float64),
        'normal': minigrad.normal(0.0, 0.01, (2, 1), device=device),
        'arange': minigrad.arange(5, device=device),
        'linspace': minigrad.linspace(0, 1, 5, device=device),
        'eye': minigrad.eye(3, device=device),
        'randint': minigrad.randint(0, 10, (4,), device=device),
        'randperm': minigrad.randperm(6, device=device),
        'tensor': minigrad.tensor([[1.0, 2.0]], device=device),
        'as_tensor': minigrad.as_tensor(numpy.arange(3.0), device=device),
    }
    like = made['randn']
    for name, fn in (('zeros_like', minigrad.zeros_like), ('ones_like', minigrad.ones_like),
                     ('rand_like', minigrad.rand_like), ('randn_like', minigrad.randn_like)):
        made[name] = fn(like)
        assert made[name].dtype == minigrad.float64
    for name, t in made.items():
        on(device, t)
    assert host(made['ones']).tolist() == [[1.0] * 3] * 2
    assert host(made['arange']).tolist() == [0, 1, 2, 3, 4] and made['arange'].dtype == minigrad.int64
    assert sorted(host(made['randperm']).tolist()) == list(range(6))
    assert made['randperm'].dtype == minigrad.int64
    assert ((host(made['rand']) >= 0) & (host(made['rand']) < 1)).all()
    assert ((host(made['randint']) >= 0) & (host(made['randint']) < 10)).all()
    grad_leaf = minigrad.zeros(3, device=device, requires_grad=True)
    assert grad_leaf.requires_grad and grad_leaf.is_leaf


def check_moves(device):
    """``.to(device)`` and ``.cpu()`` copy values there and back, keeping dtype; moving to where a
    tensor already is returns it unchanged."""
    x = minigrad.tensor([[1.5, -2.0], [0.25, 4.0]], dtype=minigrad.float64)
    there = on(device, x.to(device))
    assert there.to(device) is there
    back = on('cpu', there.cpu())
    assert back.dtype == minigrad.float64 and host(back).tolist() == x.tolist()
    assert on(device, x.to(device, minigrad.float32)).dtype == minigrad.float32
    assert on(device, x.to(there)).dtype == minigrad.float64  # to(other_tensor) takes its device
    there.add_(1.0)  # a copy: the CPU tensor is untouched
    assert x.tolist()[0][0] == 1.5
    assert minigrad.tensor(there).device == device  # tensor(tensor) keeps the device
    assert x.to(device).tolist() == x.tolist() and float(x.to(device).sum()) == float(x.sum())


def check_gradients_follow_their_leaves(device):
    """A leaf's gradient lands on the leaf's device, across moves in either direction."""
    w = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)                  # on the CPU
    v = minigrad.tensor([0.5, -1.0, 2.0], device=device, requires_grad=True)  # on the device
    loss = (w.to(device) * v).sum() + (v.cpu() ** 2).sum().to(device)
    loss.backward()
    assert on('cpu', w.grad).tolist() == [0.5, -1.0, 2.0]
    assert host(on(device, v.grad)).tolist() == [1.0 + 1.0, 2.0 - 2.0, 3.0 + 4.0]


def check_mixed_devices_raise(device):
    """An op given tensors on the CPU and on ``device`` raises naming both and how to fix it."""
    a = minigrad.ones(2, 2)
    b = minigrad.ones(2, 2, device=device)
    cond = minigrad.tensor([[True, False], [False, True]])
    attempts = {
        'add': lambda: a + b, 'mul': lambda: b * a, 'matmul': lambda: a @ b,
        'maximum': lambda: minigrad.maximum(b, a), 'cat': lambda: minigrad.cat([a, b]),
        'stack': lambda: minigrad.stack([b, a]), 'where': lambda: minigrad.where(cond, b, b),
        'linear bias': lambda: linear(b, b, minigrad.ones(2)),
        'setitem': lambda: b.__setitem__(0, a[0]),
    }
    for name, attempt in attempts.items():
        with pytest.raises(RuntimeError) as info:
            attempt()
        message = str(info.value)
        assert 'cpu' in message and str(backend.as_device(device)) in message and '.to(' in message, (
            f"{name}: {message}")


def check_seeded_draws_repeat(device):
    """``manual_seed`` makes draws on ``device`` repeat."""
    minigrad.manual_seed(123)
    first = host(minigrad.randn(5, device=device))
    minigrad.manual_seed(123)
    assert host(minigrad.randn(5, device=device)).tolist() == first.tolist()
    assert host(minigrad.randn(5, device=device)).tolist() != first.tolist()


def check_ops_match_cpu(device, rtol):
    """Every row of the op table, on its first examples: outputs and first and second derivatives on
    ``device`` match the CPU's."""
    for name, spec in OPS.items():
        for case in examples(name):
            expected, _ = run(spec, case, 'cpu')
            actual, _ = run(spec, case, device)
            assert actual.keys() == expected.keys(), name
            for what, array in actual.items():
                assert backend.device_of(array) == device, f"{name}: {what} is on {backend.device_of(array)}"
                numpy.testing.assert_allclose(backend.to_host(array), expected[what], rtol=rtol,
                                              atol=rtol, err_msg=f'{name}: {what}')


def train_mlp(device, steps=20, batch=64, seed=0):
    """A two-layer MLP trained by minibatch SGD with tensors on ``device``; returns the losses."""
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal((batch, 8)).astype(numpy.float32)
    y = rng.integers(0, 3, batch)
    params = [rng.standard_normal(s).astype(numpy.float32) * 0.3 for s in ((16, 8), (16,), (3, 16), (3,))]
    W1, b1, W2, b2 = [minigrad.tensor(p, device=device, requires_grad=True) for p in params]
    X, y = minigrad.tensor(X).to(device), minigrad.tensor(y).to(device)
    losses = []
    for _ in range(steps):
        hidden = minigrad.relu(linear(X, W1, b1))
        logits = linear(hidden, W2, b2)
        loss = -minigrad.log_softmax(logits, dim=1)[minigrad.arange(batch, device=device), y].mean()
        for p in (W1, b1, W2, b2):
            p.grad = None
        loss.backward()
        with minigrad.no_grad():
            for p in (W1, b1, W2, b2):
                on(device, p.grad)
                p -= 0.5 * p.grad
        losses.append(float(loss))
    on(device, W1)
    return losses


def check_training(device, rtol):
    """Training on ``device`` lowers the loss and follows the CPU's run step by step."""
    losses = train_mlp(device)
    assert losses[-1] < 0.7 * losses[0]
    numpy.testing.assert_allclose(losses, train_mlp('cpu'), rtol=rtol, atol=rtol)


def needs(module, *names):
    """The module, checked to have ``names``: a missing module or name fails the test (it is part of
    the public API the check relies on, not an optional extra to skip)."""
    import importlib
    try:
        found = importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(f"{module} cannot be imported ({exc}): the device check needs it")
    missing = [n for n in names if not hasattr(found, n)]
    if missing:
        pytest.fail(f"{module} has no {', '.join(missing)}: the device check needs it")
    return found


def check_module_training(device, rtol):
    """``Module.to(device)`` moves every parameter; a training step keeps parameters and gradients on the
    device and follows the CPU's run."""
    nn = needs('minigrad.nn', 'Sequential', 'Linear', 'ReLU', 'CrossEntropyLoss')
    needs('minigrad.optim', 'SGD')

    def losses(where):
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
        assert model.to(where) is model
        rng = numpy.random.default_rng(1)
        X = minigrad.tensor(rng.standard_normal((32, 8)), dtype=minigrad.float32).to(where)
        y = minigrad.tensor(rng.integers(0, 3, 32)).to(where)
        loss_fn = nn.CrossEntropyLoss()
        optimizer = minigrad.optim.SGD(model.parameters(), lr=0.5)
        out = []
        for _ in range(10):
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            out.append(float(loss))
        for p in model.parameters():
            on(where, p)
            on(where, p.grad)
        return out

    on_device = losses(device)
    assert on_device[-1] < on_device[0]
    numpy.testing.assert_allclose(on_device, losses('cpu'), rtol=rtol, atol=rtol)


def check_optimizers(device, rtol):
    """SGD (momentum, Nesterov, weight decay), Adam and AdamW keep their state on ``device`` and follow
    the CPU's steps."""
    nn = needs('minigrad.nn', 'Sequential', 'Linear', 'Tanh')
    optim = needs('minigrad.optim', 'SGD', 'Adam', 'AdamW')
    makers = {'sgd': lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True),
              'adam': lambda p: optim.Adam(p, lr=0.01, weight_decay=0.1),
              'adamw': lambda p: optim.AdamW(p, lr=0.01)}
    extra = {'RMSprop': dict(lr=0.01, momentum=0.5, centered=True), 'Adagrad': dict(lr=0.1,
             initial_accumulator_value=0.1), 'Adadelta': {}, 'Adamax': {}, 'NAdam': {}, 'RAdam': {}}
    for cls_name, kwargs in extra.items():  # the other optimisers, where they exist
        if hasattr(optim, cls_name):
            makers[cls_name.lower()] = lambda p, c=getattr(optim, cls_name), kw=kwargs: c(p, **kw)
    makers['amsgrad'] = lambda p: optim.Adam(p, lr=0.01, amsgrad=True)
    X = numpy.random.default_rng(0).standard_normal((8, 4)).astype(numpy.float32)

    def losses(where, make):
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 1)).to(where)
        optimizer = make(model.parameters())
        inputs, out = minigrad.tensor(X).to(where), []
        for _ in range(3):
            optimizer.zero_grad()
            loss = (model(inputs) ** 2).mean()
            loss.backward()
            optimizer.step()
            out.append(float(loss))
        for p in model.parameters():
            on(where, p)
            for key, value in optimizer.state[p].items():  # the state lives beside its parameter
                if key not in ('step', 'mu_product'):  # 0-d counters stay on the CPU, as in PyTorch
                    on(where, value)
        return out

    for name, make in makers.items():
        numpy.testing.assert_allclose(losses(device, make), losses('cpu', make), rtol=rtol, atol=rtol,
                                      err_msg=name)


def check_d2l_trainer(device, make_trainer):
    """The book's Trainer on ``device`` (``make_trainer()`` builds one that trains there) moves the model,
    lazy layers included, and each batch to it, and fits the synthetic regression."""
    d2l = needs('minigrad.d2l', 'Trainer', 'SyntheticRegressionData', 'LinearRegression')
    minigrad.manual_seed(0)
    data = d2l.SyntheticRegressionData(w=minigrad.tensor([2.0, -3.4]), b=4.2)
    model = d2l.LinearRegression(lr=0.03)
    make_trainer().fit(model, data)
    for p in model.parameters():
        on(device, p)
    numpy.testing.assert_allclose(host(model.net.weight).reshape(-1), [2.0, -3.4], atol=0.1)
    numpy.testing.assert_allclose(host(model.net.bias), [4.2], atol=0.1)


CHECKS = [check_factories, check_moves, check_gradients_follow_their_leaves, check_mixed_devices_raise,
          check_seeded_draws_repeat]
COMPARED_CHECKS = [check_ops_match_cpu, check_training]
