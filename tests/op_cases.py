"""Differentiable ops as data, and a harness that runs one on any device: forward, backward into
``.grad`` and a second derivative through ``create_graph=True``.

Shared by the device-agnostic proof (tests/test_device_agnostic.py, on the guarded NumPy) and the CUDA
tests (tests/test_gpu.py). Every Function of minigrad.functions appears in at least one case
(test_device_agnostic checks it).
"""
import numpy

import minigrad
from minigrad import autograd, ops
from minigrad.autograd.function import Function


# ------------------------------------------------------------------------------------- input makers
def normal(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.5, 2.0, shape)


def with_ties(*shape):
    """Small integers as floats, so that max/min/maximum meet ties."""
    return lambda rng: rng.integers(0, 3, shape).astype(numpy.float64)


def index_of(*values):
    """An integer index tensor (no gradient), made on the op's device by the harness."""
    return ('index', numpy.array(values))


def constant(make):
    """A float input that does not require grad (class weights, target probabilities)."""
    return ('constant', make)


def mask(*shape):
    return ('index', lambda rng: rng.random(shape) > 0.5)


def _setitem(x, v):
    y = x * 1
    y[1:, ::2] = v
    return y


def _setitem_advanced(x, i, v):
    y = x * 1
    y[i] = v
    return y


# name -> (function of tensors, input makers). Each differentiable input is a float64 leaf that requires
# grad; ('index', ...) inputs are integer or bool tensors on the same device.
CASES = {
    'add': (lambda a, b: a + b, [normal(3, 4), normal(4)]),
    'sub': (lambda a, b: a - b, [normal(3, 4), normal(3, 1)]),
    'mul': (lambda a, b: a * b, [normal(2, 3), normal(2, 3)]),
    'div': (lambda a, b: a / b, [normal(2, 3), positive(3)]),
    'neg': (lambda a: -a, [normal(4)]),
    'scalar arithmetic': (lambda a: (2.0 - a) * 3 + 1 / (a * a + 1), [normal(2, 3)]),
    'pow scalar': (lambda a: a ** 3 + a ** 2 + a ** 0.5, [positive(2, 3)]),
    'rpow scalar': (lambda a: 2.0 ** a + 0.0 ** a, [positive(5)]),
    'pow tensors': (lambda a, b: a ** b, [positive(2, 3), normal(2, 3)]),
    'exp log': (lambda a: minigrad.exp(a) + minigrad.log(a), [positive(3, 2)]),
    'sqrt': (minigrad.sqrt, [positive(4)]),
    'sin cos': (lambda a: minigrad.sin(a) * minigrad.cos(a), [normal(3, 3)]),
    'abs': (minigrad.abs, [normal(2, 5)]),
    'maximum minimum': (lambda a, b: minigrad.maximum(a, b) * minigrad.minimum(a, b),
                        [with_ties(3, 4), with_ties(3, 4)]),
    'clamp': (lambda a: minigrad.clamp(a, -0.5, 0.5) + a.clamp(min=0.0), [normal(3, 4)]),
    'where': (lambda c, a, b: minigrad.where(c, a, b), [mask(3, 4), normal(3, 4), normal(4)]),
    'cast': (lambda a: a.float().double() * a, [normal(3)]),
    'clone': (lambda a: a.clone() * a, [normal(2, 2)]),
    'relu': (minigrad.relu, [normal(4, 5)]),
    'sigmoid tanh': (lambda a: minigrad.sigmoid(a) * minigrad.tanh(a), [normal(3, 4)]),
    'softmax': (lambda a: minigrad.softmax(a, dim=1), [normal(3, 4)]),
    'log_softmax': (lambda a: minigrad.log_softmax(a, dim=0), [normal(3, 4)]),
    'matmul 2d': (lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    'matmul batched': (lambda a, b: a @ b, [normal(2, 3, 4), normal(4, 5)]),
    'matmul vector left': (lambda a, b: a @ b, [normal(4), normal(2, 4, 3)]),
    'matmul vector right': (lambda a, b: a @ b, [normal(3, 4), normal(4)]),
    'matmul dot': (lambda a, b: a @ b, [normal(4), normal(4)]),
    'linear': (lambda x, w, b: ops.linear(x, w, b), [normal(5, 3), normal(2, 3), normal(2)]),
    'linear batched': (lambda x, w: ops.linear(x, w), [normal(2, 5, 3), normal(4, 3)]),
    'sum mean': (lambda a: a.sum(dim=1) * a.mean(dim=0, keepdim=True).sum() + a.sum(), [normal(3, 4)]),
    'var std': (lambda a: a.var(dim=1) + a.std(), [normal(3, 4)]),
    'amax amin': (lambda a: a.amax(dim=1) + a.amin(dim=0).sum() + a.max(), [with_ties(3, 4)]),
    'max min along dim': (lambda a: a.max(dim=1).values + a.min(dim=1, keepdim=True).values.sum(),
                          [with_ties(3, 4)]),
    'logsumexp': (lambda a: minigrad.logsumexp(a, dim=1), [normal(3, 4)]),
    'reshape view flatten': (lambda a: a.reshape(4, 3).view(2, 6).flatten() * a.flatten(),
                             [normal(3, 4)]),
    'permute transpose T': (lambda a: a.permute(2, 0, 1).transpose(0, 1).sum(0) + a.T.sum(),
                            [normal(2, 3, 4)]),
    'unsqueeze squeeze expand': (lambda a: a.unsqueeze(0).expand(3, 2, 4).squeeze().sum(0),
                                 [normal(2, 4)]),
    'cat stack': (lambda a, b: minigrad.cat([a, b], dim=0).sum(0) * minigrad.stack([a, b]).sum((0, 1)),
                  [normal(2, 3), normal(2, 3)]),
    'getitem basic': (lambda a: a[1:, ::2] * a[0, 1], [normal(3, 4)]),
    'getitem advanced': (lambda a, i: a[i], [normal(4, 3), index_of(0, 2, 2, 3)]),
    'getitem mask': (lambda a, m: a[m], [normal(3, 4), mask(3, 4)]),
    'getitem host index array': (lambda a: a[numpy.array([0, 2, 2])] + a[:, numpy.array([1, 1, 0])].T,
                                 [normal(3, 3)]),
    'setitem basic': (_setitem, [normal(3, 4), normal(2)]),
    'setitem advanced': (_setitem_advanced, [normal(4, 3), index_of(0, 2), normal(3)]),
    'to cpu and back': (lambda a: (a.to('cpu') * 2).to(a.device) * a, [normal(3)]),
}


def _probabilities(*shape):
    def make(rng):
        e = rng.uniform(0.1, 1.0, shape)
        return e / e.sum(axis=1, keepdims=True)
    return make


try:  # the losses of minigrad.nn join the table where nn is there
    from minigrad.nn import functional as F
except ImportError:
    F = None
if F is not None and hasattr(F, 'cross_entropy') and hasattr(F, 'mse_loss'):
    CASES.update({
        'mse_loss': (lambda a, b: F.mse_loss(a, b), [normal(3, 4), normal(3, 4)]),
        'mse_loss none': (lambda a, b: F.mse_loss(a, b, reduction='none'), [normal(3, 4), normal(3, 4)]),
        'cross_entropy': (lambda a, t: F.cross_entropy(a, t), [normal(4, 3), index_of(0, 2, 1, 2)]),
        'cross_entropy ignore smooth sum': (
            lambda a, t: F.cross_entropy(a, t, ignore_index=1, label_smoothing=0.1, reduction='sum'),
            [normal(4, 3), index_of(0, 2, 1, 2)]),
        'cross_entropy weight': (lambda a, w, t: F.cross_entropy(a, t, weight=w),
                                 [normal(4, 3), constant(positive(3)), index_of(0, 2, 1, 2)]),
        'cross_entropy probabilities': (lambda a, p: F.cross_entropy(a, p),
                                        [normal(4, 3), constant(_probabilities(4, 3))]),
        'cross_entropy spatial': (lambda a, t: F.cross_entropy(a, t),
                                  [normal(2, 3, 2), index_of([0, 2], [1, 1])]),
    })


from op_cases_conv import CASES as _CONV_CASES  # noqa: E402  (convolution and pooling)
CASES.update(_CONV_CASES)


# -------------------------------------------------------------------------------------- the harness
def make_inputs(makers, seed):
    """Host values for the inputs of a case: float arrays, or (kind, array) for 'index' and 'constant'
    inputs."""
    rng = numpy.random.default_rng(seed)
    host = []
    for make in makers:
        if isinstance(make, tuple):
            kind, value = make
            host.append((kind, value(rng) if callable(value) else value))
        else:
            host.append(make(rng))
    return host


def _tensors(host, device):
    out = []
    for h in host:
        if not isinstance(h, tuple):
            out.append(minigrad.tensor(h, dtype=minigrad.float64, device=device, requires_grad=True))
        elif h[0] == 'constant':
            out.append(minigrad.tensor(h[1], dtype=minigrad.float64, device=device))
        else:
            out.append(minigrad.tensor(h[1], device=device))
    return out


def run(fn, host, device, seed=1, check=lambda what, array: None):
    """Forward, backward into .grad, and a second derivative; returns every array produced and the
    Function classes met along the way. ``check(what, array)`` sees each result as it is produced."""
    inputs = _tensors(host, device)
    leaves = [t for t in inputs if t.requires_grad]
    out = fn(*inputs)
    check('output', out._array)
    rng = numpy.random.default_rng(seed)
    weight = minigrad.tensor(rng.standard_normal(out.shape), dtype=out.dtype, device=device)
    loss = (out * weight).sum()
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
    (fn(*inputs) * weight).sum().backward()
    arrays = {'output': out._array}
    for i, leaf in enumerate(leaves):
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
