"""Plain-Python loop versions of the kernels minigrad vectorises, forward and backward.

These are the slow, obvious versions: every element is visited by a Python ``for`` loop over lists, with
no NumPy call inside. They exist for two reasons: the property tests check that minigrad's vectorised
forward and backward give the same numbers, and ``minigrad bench loop-vs-vectorized`` times them against
the vectorised kernels (the seed's section 2.6, for every kernel).

Data are nested Python lists of floats (what ``array.tolist()`` gives); a 0-d value is a plain float.
Inside, a tensor is handled as a flat row-major list plus its shape. Each backward takes the gradient of
the output (same nesting as the output) and returns the gradient of each input, shaped like that input,
so broadcasting is undone here too. The tie and kink rules are minigrad's (docs/semantics.md): relu'(0) is
0; ``max_dim`` sends the gradient to the first maximal index (``ties='first'``, as ``max(dim)``) or splits
it equally among tied maxima (``ties='share'``, as ``amax``).
"""
import itertools
import math


# ------------------------------------------------------------------------------ nested <-> flat lists
def shape_of(nested):
    """The shape of a rectangular nested list (``()`` for a number)."""
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        if not nested:
            break
        nested = nested[0]
    return tuple(shape)


def flatten(nested):
    """``(flat_list, shape)`` of a nested list, row-major."""
    shape = shape_of(nested)
    flat = [nested]
    for _ in shape:
        flat = [item for row in flat for item in row]
    return flat, shape


def nest(flat, shape):
    """The nested list of ``shape`` holding ``flat`` (row-major); a number when ``shape == ()``."""
    if not shape:
        return flat[0]
    for size in reversed(shape[1:]):
        flat = [flat[i:i + size] for i in range(0, len(flat), size)]
    return flat


def _numel(shape):
    n = 1
    for k in shape:
        n *= k
    return n


# --------------------------------------------------------------------------------- broadcasting
def broadcast_shape(shape_a, shape_b):
    """NumPy's broadcasting rule, spelled out: align from the right; sizes must match or be 1."""
    out = []
    for i in range(1, max(len(shape_a), len(shape_b)) + 1):
        da = shape_a[-i] if i <= len(shape_a) else 1
        db = shape_b[-i] if i <= len(shape_b) else 1
        if da != db and da != 1 and db != 1:
            raise ValueError(f"shapes {shape_a} and {shape_b} cannot be broadcast together")
        out.append(max(da, db))
    return tuple(reversed(out))


def _source_index(in_shape, out_shape):
    """For each flat index of ``out_shape``, the flat index of the broadcast input it reads."""
    strides = [0] * len(out_shape)
    step = 1
    lead = len(out_shape) - len(in_shape)
    for d in range(len(in_shape) - 1, -1, -1):
        if in_shape[d] != 1:
            strides[d + lead] = step
        step *= in_shape[d]
    sources = []
    for index in itertools.product(*[range(n) for n in out_shape]):
        k = 0
        for i, stride in zip(index, strides):
            k += i * stride
        sources.append(k)
    return sources


def _elementwise(a, b, combine):
    fa, sa = flatten(a)
    fb, sb = flatten(b)
    shape = broadcast_shape(sa, sb)
    out = []
    for ia, ib in zip(_source_index(sa, shape), _source_index(sb, shape)):
        out.append(combine(fa[ia], fb[ib]))
    return nest(out, shape)


def _sum_to(flat_grad, out_shape, in_shape, scale=None):
    """Undo broadcasting: add each output gradient into the input element it was read from
    (optionally multiplied by ``scale[k]``, a flat list over the output)."""
    grad = [0.0] * _numel(in_shape)
    for k, ia in enumerate(_source_index(in_shape, out_shape)):
        grad[ia] += flat_grad[k] if scale is None else flat_grad[k] * scale[k]
    return nest(grad, in_shape)


def add(a, b):
    """``a + b`` with broadcasting."""
    return _elementwise(a, b, lambda x, y: x + y)


def add_backward(grad, a, b):
    """Gradients of ``add`` for ``a`` and ``b``: the output gradient summed over broadcast dims."""
    g, shape = flatten(grad)
    return _sum_to(g, shape, shape_of(a)), _sum_to(g, shape, shape_of(b))


def mul(a, b):
    """``a * b`` with broadcasting."""
    return _elementwise(a, b, lambda x, y: x * y)


def mul_backward(grad, a, b):
    """Gradients of ``mul``: ``grad * b`` for ``a`` and ``grad * a`` for ``b``, summed over broadcasts."""
    g, shape = flatten(grad)
    fa, sa = flatten(a)
    fb, sb = flatten(b)
    a_seen = [fa[i] for i in _source_index(sa, shape)]
    b_seen = [fb[i] for i in _source_index(sb, shape)]
    return _sum_to(g, shape, sa, scale=b_seen), _sum_to(g, shape, sb, scale=a_seen)


def add_into(a, b, out):
    """The seed's loop, verbatim: ``for i in range(n): out[i] = a[i] + b[i]``. Works on anything
    indexable (lists, minigrad or torch tensors, NumPy arrays); returns ``out``."""
    for i in range(len(out)):
        out[i] = a[i] + b[i]
    return out


# -------------------------------------------------------------------------------------- matmul
def matmul(a, b):
    """``a @ b`` for 2-D lists ``(m, k) @ (k, n) -> (m, n)``, the triple loop."""
    m, k, n = len(a), len(b), len(b[0])
    if len(a[0]) != k:
        raise ValueError(f"matmul: shapes ({m}, {len(a[0])}) and ({k}, {n}) cannot be multiplied")
    out = []
    for i in range(m):
        row = []
        for j in range(n):
            total = 0.0
            for p in range(k):
                total += a[i][p] * b[p][j]
            row.append(total)
        out.append(row)
    return out


def matmul_backward(grad, a, b):
    """``(grad @ b.T, a.T @ grad)``, written as loops."""
    m, k, n = len(a), len(b), len(b[0])
    grad_a = [[0.0] * k for _ in range(m)]
    grad_b = [[0.0] * n for _ in range(k)]
    for i in range(m):
        for j in range(n):
            g = grad[i][j]
            for p in range(k):
                grad_a[i][p] += g * b[p][j]
                grad_b[p][j] += a[i][p] * g
    return grad_a, grad_b


# ----------------------------------------------------------------------------- reductions over a dim
def _split(shape, dim):
    """``(outer, size, inner)``: element (o, r, i) of a reduction over ``dim`` sits at flat index
    ``(o * size + r) * inner + i``."""
    dim = dim % len(shape)
    return _numel(shape[:dim]), shape[dim], _numel(shape[dim + 1:]), dim


def _reduce(x, dim, keepdim, pick):
    flat, shape = flatten(x)
    outer, size, inner, dim = _split(shape, dim)
    out = []
    for o in range(outer):
        for i in range(inner):
            out.append(pick([flat[(o * size + r) * inner + i] for r in range(size)]))
    kept = shape[:dim] + ((1,) if keepdim else ()) + shape[dim + 1:]
    return out, kept


def _loop_sum(values):
    total = 0.0
    for v in values:
        total += v
    return total


def sum_dim(x, dim, keepdim=False):
    """Sum over ``dim``."""
    out, shape = _reduce(x, dim, keepdim, _loop_sum)
    return nest(out, shape)


def mean_dim(x, dim, keepdim=False):
    """Mean over ``dim``."""
    out, shape = _reduce(x, dim, keepdim, lambda v: _loop_sum(v) / len(v))
    return nest(out, shape)


def _first_argmax(values):
    best = 0
    for r in range(1, len(values)):
        if values[r] > values[best]:
            best = r
    return best


def max_dim(x, dim, keepdim=False):
    """``(values, indices)`` of the maximum over ``dim``; the index is the first maximal one."""
    indices, shape = _reduce(x, dim, keepdim, _first_argmax)
    values, _ = _reduce(x, dim, keepdim, lambda v: v[_first_argmax(v)])
    return nest(values, shape), nest(indices, shape)


def _spread(grad, x, dim, weights):
    """The input gradient of a reduction over ``dim``: ``weights(values)`` gives, for one reduced line,
    the share of the output gradient each element of that line receives."""
    flat, shape = flatten(x)
    g = flatten(grad)[0]
    outer, size, inner, _ = _split(shape, dim)
    out = [0.0] * len(flat)
    for o in range(outer):
        for i in range(inner):
            line = [(o * size + r) * inner + i for r in range(size)]
            shares = weights([flat[k] for k in line])
            for k, share in zip(line, shares):
                out[k] = g[o * inner + i] * share
    return nest(out, shape)


def sum_backward(grad, x, dim):
    """Gradient of ``sum_dim``: every element of a line gets the line's output gradient."""
    return _spread(grad, x, dim, lambda v: [1.0] * len(v))


def mean_backward(grad, x, dim):
    """Gradient of ``mean_dim``: the output gradient divided by the line's length."""
    return _spread(grad, x, dim, lambda v: [1.0 / len(v)] * len(v))


def max_backward(grad, x, dim, ties='first'):
    """Gradient of ``max_dim``: all of it to the first maximal element (``ties='first'``, minigrad's
    ``max(dim)``), or split equally among the tied maxima (``ties='share'``, minigrad's ``amax``)."""
    if ties not in ('first', 'share'):
        raise ValueError(f"ties must be 'first' or 'share', got {ties!r}")

    def shares(values):
        if ties == 'first':
            best = _first_argmax(values)
            return [1.0 if r == best else 0.0 for r in range(len(values))]
        top = values[_first_argmax(values)]
        hits = [1.0 if v == top else 0.0 for v in values]
        count = _loop_sum(hits)
        return [h / count for h in hits]

    return _spread(grad, x, dim, shares)


# ------------------------------------------------------------------------------------- activations
def _map(x, fn):
    flat, shape = flatten(x)
    out = []
    for v in flat:
        out.append(fn(v))
    return nest(out, shape)


def _map2(grad, x, fn):
    g, shape = flatten(grad)
    flat, _ = flatten(x)
    out = []
    for gv, xv in zip(g, flat):
        out.append(fn(gv, xv))
    return nest(out, shape)


def _sigmoid(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # never overflows for v < 0
    return e / (1.0 + e)


def relu(x):
    return _map(x, lambda v: v if v > 0 else 0.0)


def relu_backward(grad, x):
    """The gradient passes where ``x > 0`` (so relu'(0) = 0)."""
    return _map2(grad, x, lambda g, v: g if v > 0 else 0.0)


def sigmoid(x):
    return _map(x, _sigmoid)


def sigmoid_backward(grad, x):
    def one(g, v):
        s = _sigmoid(v)
        return g * s * (1.0 - s)
    return _map2(grad, x, one)


def tanh(x):
    return _map(x, math.tanh)


def tanh_backward(grad, x):
    def one(g, v):
        t = math.tanh(v)
        return g * (1.0 - t * t)
    return _map2(grad, x, one)


# -------------------------------------------------------------------- softmax, log-softmax, loss
def _lines(x, dim):
    """``(flat, shape, lines)``: ``x`` flattened, and for each line along ``dim`` its flat indices."""
    flat, shape = flatten(x)
    outer, size, inner, _ = _split(shape, dim)
    lines = []
    for o in range(outer):
        for i in range(inner):
            lines.append([(o * size + r) * inner + i for r in range(size)])
    return flat, shape, lines


def _log_softmax_line(values):
    top = max(values)
    total = 0.0
    for v in values:
        total += math.exp(v - top)
    log_total = math.log(total) + top
    return [v - log_total for v in values]


def log_softmax(x, dim=-1):
    """``x - log(sum(exp(x)))`` along ``dim``, shifted by the maximum."""
    flat, shape, lines = _lines(x, dim)
    out = [0.0] * len(flat)
    for line in lines:
        for k, v in zip(line, _log_softmax_line([flat[k] for k in line])):
            out[k] = v
    return nest(out, shape)


def softmax(x, dim=-1):
    """``exp(x) / sum(exp(x))`` along ``dim``."""
    return _map(log_softmax(x, dim), math.exp)


def softmax_backward(grad, x, dim=-1):
    """``s * (grad - sum(grad * s))`` along ``dim``, with ``s = softmax(x)``."""
    s = flatten(softmax(x, dim))[0]
    g = flatten(grad)[0]
    flat, shape, lines = _lines(x, dim)
    out = [0.0] * len(flat)
    for line in lines:
        dot = 0.0
        for k in line:
            dot += g[k] * s[k]
        for k in line:
            out[k] = s[k] * (g[k] - dot)
    return nest(out, shape)


def log_softmax_backward(grad, x, dim=-1):
    """``grad - softmax(x) * sum(grad)`` along ``dim``."""
    s = flatten(softmax(x, dim))[0]
    g = flatten(grad)[0]
    flat, shape, lines = _lines(x, dim)
    out = [0.0] * len(flat)
    for line in lines:
        total = 0.0
        for k in line:
            total += g[k]
        for k in line:
            out[k] = g[k] - s[k] * total
    return nest(out, shape)


def cross_entropy(logits, target):
    """Mean over the batch of ``-log_softmax(logits)[n, target[n]]``; ``logits`` is (N, C), ``target``
    a list of N class indices."""
    total = 0.0
    for row, t in zip(logits, target):
        total -= _log_softmax_line(row)[t]
    return total / len(logits)


def cross_entropy_backward(grad, logits, target):
    """Gradient of ``cross_entropy`` for the logits: ``grad * (softmax(row) - onehot(target)) / N``."""
    n = len(logits)
    out = []
    for row, t in zip(logits, target):
        probs = [math.exp(v) for v in _log_softmax_line(row)]
        probs[t] -= 1.0
        out.append([grad * p / n for p in probs])
    return out
