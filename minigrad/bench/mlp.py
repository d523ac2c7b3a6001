"""One SGD step of the MLP 784-256-10 (ReLU, mean cross-entropy, float32) in each library.

Every builder takes the same starting weights and batch (:func:`make_problem`) and returns a function
``step(X, y)`` that runs forward, backward and the SGD update ``p -= lr * grad``, and returns the loss as
a Python float only when asked (``step(X, y, want_loss=True)``), so that no library pays for a device
sync or a conversion the others skip. ``prepare(X, y)`` converts a NumPy batch into the library's types
(outside the timed region in ``peers``; inside the epoch, as real training would).

The hand-written NumPy step is the floor: the same arithmetic with no graph, no Tensor objects, and
in-place updates. ``gemms_only`` runs just its five matrix products, to show how much of a step is GEMM.
"""
from .common import Skipped, optional_import, xp

SIZES = (784, 256, 10)
LR = 0.1


def make_problem(batch=256, sizes=SIZES, seed=0):
    """Starting weights in PyTorch's layout and default init (``W`` is (out, in), uniform in
    ±1/sqrt(in)), and one batch ``(X, y)`` of float32 inputs and int64 labels."""
    rng = xp.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / fan_in ** 0.5
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(xp.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(xp.float32))
    X = rng.random((batch, sizes[0]), dtype=xp.float32)
    y = rng.integers(0, sizes[-1], batch).astype(xp.int64)
    return params, X, y


def sizes_of(params):
    """``(inputs, hidden, outputs)`` of the weights made by :func:`make_problem`."""
    return params[0].shape[1], params[0].shape[0], params[2].shape[0]


def cross_entropy(logits, target):
    """Mean cross-entropy of minigrad ``logits`` (N, C) and integer ``target`` (N,): ``nn.functional``'s
    when minigrad has it, else written with core ops (log_softmax, advanced indexing, mean)."""
    global _cross_entropy
    if _cross_entropy is None:
        _cross_entropy = _find_cross_entropy()
    return _cross_entropy(logits, target)


_cross_entropy = None


def _find_cross_entropy():
    """Looked up once: a failed import on every call would cost more than the loss itself."""
    import minigrad
    try:
        from minigrad.nn import functional as F
        return F.cross_entropy
    except (ImportError, AttributeError):
        def core_ops(logits, target):
            rows = minigrad.arange(logits.shape[0])
            return -minigrad.log_softmax(logits, dim=1)[rows, target].mean()
        return core_ops


# ------------------------------------------------------------------------------------- the floor
def numpy_step(params):
    """The hand-written NumPy forward/backward: the floor every autodiff library is measured against."""
    W1, b1, W2, b2 = [p.copy() for p in params]

    def step(X, y, want_loss=False):
        n = X.shape[0]
        h = X @ W1.T
        h += b1
        xp.maximum(h, 0, out=h)
        z = h @ W2.T
        z += b2
        z -= z.max(axis=1, keepdims=True)
        xp.exp(z, out=z)
        total = z.sum(axis=1, keepdims=True)
        loss = float(xp.mean(xp.log(total[:, 0]) - xp.log(z[xp.arange(n), y]))) if want_loss else None
        z /= total                      # softmax probabilities
        z[xp.arange(n), y] -= 1
        z *= 1.0 / n                    # dLoss/dlogits
        gW2 = z.T @ h
        gb2 = z.sum(axis=0)
        dh = z @ W2
        dh *= h > 0                     # relu'
        gW1 = dh.T @ X
        gb1 = dh.sum(axis=0)
        for p, g in ((W1, gW1), (b1, gb1), (W2, gW2), (b2, gb2)):
            g *= LR
            p -= g
        return loss

    return step, lambda X, y: (X, y)


def gemms_only(params):
    """Only the five GEMMs of the NumPy step (forward 2, backward 3): the part no library can skip."""
    W1, _, W2, _ = params

    def step(X, y, want_loss=False):
        h = X @ W1.T
        z = h @ W2.T
        _ = z.T @ h
        dh = z @ W2
        _ = dh.T @ X

    return step, lambda X, y: (X, y)


# --------------------------------------------------------------------------------------- minigrad
class MinigradMLP:
    """The MLP in minigrad core ops (``functions.linalg.linear``, ``relu``, cross-entropy) with a manual SGD update
    under ``no_grad``: the engine's cost without the nn layer. Its three phases are separate methods so
    that ``minigrad bench profile`` can time each."""

    def __init__(self, params):
        import minigrad
        self.minigrad = minigrad
        self.weights = tuple(minigrad.tensor(p, requires_grad=True) for p in params)

    def loss(self, X, y):
        from minigrad.functions.linalg import linear
        W1, b1, W2, b2 = self.weights
        h = linear(X, W1, b1).relu()
        return cross_entropy(linear(h, W2, b2), y)

    def zero_grad(self):
        for p in self.weights:
            p.grad = None

    def update(self):
        with self.minigrad.no_grad():
            for p in self.weights:
                p -= LR * p.grad

    def step(self, X, y, want_loss=False):
        loss = self.loss(X, y)
        self.zero_grad()
        loss.backward()
        self.update()
        return loss.item() if want_loss else None

    def prepare(self, X, y):
        return self.minigrad.from_numpy(X), self.minigrad.from_numpy(y)


def minigrad_step(params):
    """minigrad with core ops and a manual SGD update (:class:`MinigradMLP`)."""
    model = MinigradMLP(params)
    return model.step, model.prepare


def pytorch_style_step(torch, params):
    """The idiomatic PyTorch step (``nn.Sequential``, ``nn.CrossEntropyLoss``, ``optim.SGD``), written once
    for any module with PyTorch's API: ``torch`` itself, or ``minigrad`` (only the import differs)."""
    n_in, n_hidden, n_out = sizes_of(params)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))
    with torch.no_grad():
        for p, value in zip(model.parameters(), params):
            p.copy_(torch.from_numpy(value))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    def step(X, y, want_loss=False):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        return loss.item() if want_loss else None

    return step, lambda X, y: (torch.from_numpy(X), torch.from_numpy(y))


def minigrad_nn_step(params):
    """minigrad the PyTorch way (:func:`pytorch_style_step`)."""
    import minigrad
    if not (hasattr(minigrad, 'nn') and hasattr(minigrad, 'optim')):
        raise Skipped("minigrad.nn / minigrad.optim are not available in this build")
    return pytorch_style_step(minigrad, params)


# ------------------------------------------------------------------------------------------ peers
def torch_step(params):
    """PyTorch CPU, the same code as ``minigrad nn`` (:func:`pytorch_style_step`)."""
    return pytorch_style_step(optional_import('torch'), params)


def mygrad_step(params):
    """MyGrad: ``matmul``, ``relu``, ``softmax_crossentropy``; weights kept as (in, out) so no transpose
    op is recorded; update on ``.data`` (MyGrad frees the graph after backward)."""
    mg = optional_import('mygrad')
    from mygrad.nnet.activations import relu
    from mygrad.nnet.losses import softmax_crossentropy
    W1, b1, W2, b2 = [mg.tensor(p.T.copy() if p.ndim == 2 else p.copy()) for p in params]
    weights = (W1, b1, W2, b2)

    def step(X, y, want_loss=False):
        h = relu(mg.matmul(X, W1) + b1)
        loss = softmax_crossentropy(mg.matmul(h, W2) + b2, y)
        loss.backward()
        for p in weights:
            p.data -= LR * p.grad
        return float(loss.item()) if want_loss else None

    return step, lambda X, y: (X, y)


def autograd_step(params):
    """HIPS autograd: ``grad`` of a pure function of the parameters, updated in place."""
    ag = optional_import('autograd')
    anp = optional_import('autograd.numpy')
    weights = [p.T.copy() if p.ndim == 2 else p.copy() for p in params]

    def loss_fn(w, X, y):
        W1, b1, W2, b2 = w
        h = anp.maximum(anp.dot(X, W1) + b1, 0.0)
        z = anp.dot(h, W2) + b2
        z = z - anp.max(z, axis=1, keepdims=True)
        return anp.mean(anp.log(anp.sum(anp.exp(z), axis=1)) - z[anp.arange(X.shape[0]), y])

    grad_and_loss = ag.value_and_grad(loss_fn)

    def step(X, y, want_loss=False):
        loss, grads = grad_and_loss(weights, X, y)
        for p, g in zip(weights, grads):
            p -= LR * g
        return float(loss) if want_loss else None

    return step, lambda X, y: (X, y)


#: name -> builder(params) -> (step, prepare). Order is the order of the tables.
BUILDERS = {
    'numpy (floor)': numpy_step,
    'numpy GEMMs only': gemms_only,
    'minigrad': minigrad_step,
    'minigrad nn': minigrad_nn_step,
    'torch': torch_step,
    'mygrad': mygrad_step,
    'autograd': autograd_step,
}
