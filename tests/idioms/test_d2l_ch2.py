"""Dive into Deep Learning, chapter 2 (preliminaries): ndarray, preprocessing, linear algebra, calculus,
automatic differentiation, probability -- the book's cells with `torch` as `lib`."""
import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms

pytestmark = pytest.mark.torch


def idiom_ndarray(lib):
    x = lib.arange(12, dtype=lib.float32)
    X = x.reshape(3, 4)
    Y = lib.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
    out = dict(x=x, numel=x.numel(), shape=x.shape, X=X, neg=x.reshape(-1, 4).shape, zeros=lib.zeros((2, 3, 4)),
               ones=lib.ones((2, 3, 4)), randn=lib.randn(3, 4).shape,
               t=lib.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]), last=X[-1], mid=X[1:3])
    X[1, 2] = 17
    X[:2, :] = 12
    out.update(X2=X.clone(), exp=lib.exp(x))
    x = lib.tensor([1.0, 2, 4, 8])
    y = lib.tensor([2, 2, 2, 2])
    out.update(ops=(x + y, x - y, x * y, x / y, x ** y), cat0=lib.cat((X, Y), dim=0), cat1=lib.cat((X, Y), dim=1),
               eq=X == Y, sum=X.sum())
    a = lib.arange(3).reshape((3, 1))
    b = lib.arange(2).reshape((1, 2))
    out.update(broadcast=a + b)
    before = id(Y)
    Y = Y + X
    out['new_id'] = id(Y) == before
    Z = lib.zeros_like(Y)
    zid = id(Z)
    Z[:] = X + Y
    out['z_same'] = id(Z) == zid
    before = id(X)
    X += Y
    out['x_same'] = id(X) == before
    A = X.numpy()
    B = lib.from_numpy(A)
    out['types'] = (type(A).__name__, type(B).__name__.replace('minigrad', 'torch'))
    a = lib.tensor([3.5])
    out['scalars'] = (a, a.item(), float(a), int(a))
    return out


def idiom_preprocessing_arrays(lib):
    # the book reads a CSV with pandas; the tensor step is torch.tensor on a float64 NumPy array
    inputs = np.array([[3.0, 1, 0], [2.0, 0, 1], [4.0, 0, 1], [3.0, 0, 1]])
    targets = np.array([127500.0, 106000, 178100, 140000])
    X, y = lib.tensor(inputs), lib.tensor(targets)
    return X, y, lib.tensor(inputs.astype(np.float32)), lib.tensor(inputs, dtype=lib.float32)


def idiom_linear_algebra(lib):
    x = lib.tensor(3.0)
    y = lib.tensor(2.0)
    out = dict(scalars=(x + y, x * y, x / y, x ** y))
    x = lib.arange(3)
    out.update(vec=x, x2=x[2], len=len(x), shape=x.shape)
    A = lib.arange(6).reshape(3, 2)
    S = lib.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
    out.update(AT=A.T, sym=S == S.T, t3=lib.arange(24).reshape(2, 3, 4))
    A = lib.arange(6, dtype=lib.float32).reshape(2, 3)
    B = A.clone()
    out.update(AB=(A, A + B, A * B))
    a = 2
    X = lib.arange(24).reshape(2, 3, 4)
    out.update(aX=(a + X, (a * X).shape))
    x = lib.arange(3, dtype=lib.float32)
    out.update(sums=(x, x.sum(), A.shape, A.sum(), A.sum(axis=0), A.sum(axis=1), A.sum(axis=[0, 1]) == A.sum(),
                     A.mean(), A.sum() / A.numel(), A.mean(axis=0), A.sum(axis=0) / A.shape[0]))
    sum_A = A.sum(axis=1, keepdims=True)
    out.update(keep=(sum_A, sum_A.shape, A / sum_A))
    return out


def idiom_linear_algebra_products(lib):
    A = lib.arange(6, dtype=lib.float32).reshape(2, 3)
    x = lib.arange(3, dtype=lib.float32)
    y = lib.ones(3, dtype=lib.float32)
    B = lib.ones(3, 4)
    u = lib.tensor([3.0, -4.0])
    return dict(cumsum=A.cumsum(axis=0), dot=lib.dot(x, y), sumxy=lib.sum(x * y), mv=(A.shape, x.shape, lib.mv(A, x), A @ x),
                mm=(lib.mm(A, B), A @ B), norm=lib.norm(u), l1=lib.abs(u).sum(), fro=lib.norm(lib.ones((4, 9))))


def idiom_calculus(lib):
    def f(x):
        return 3 * x ** 2 - 4 * x
    vals = []
    for h in 10.0 ** np.arange(-1, -6, -1):
        vals.append(float(f(1 + h) - f(1)) / float(h))
    x = np.arange(0, 3, 0.1)
    return vals, f(lib.tensor(x)), 2 * lib.tensor(x) - 3


def idiom_autograd(lib):
    x = lib.arange(4.0)
    x.requires_grad_(True)
    out = dict(grad0=x.grad is None)
    y = 2 * lib.dot(x, x)
    out['y'] = y
    y.backward()
    out.update(g=x.grad.clone(), check=x.grad == 4 * x)
    x.grad.zero_()
    y = x.sum()
    y.backward()
    out['g_sum'] = x.grad.clone()
    x.grad.zero_()
    y = x * x
    y.backward(gradient=lib.ones(len(y)))
    out['g_vec'] = x.grad.clone()
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    out['detach'] = x.grad == u
    x.grad.zero_()
    y.sum().backward()
    out['after'] = x.grad == 2 * x
    return out


def idiom_autograd_control_flow(lib):
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c
    res = []
    for v in (0.37, -1.3):
        a = lib.tensor(v, requires_grad=True)
        d = f(a)
        d.backward()
        res.append((a.grad, a.grad == d / a))
    return res


def idiom_probability(lib):
    from importlib import import_module
    Multinomial = import_module(lib.__name__ + '.distributions.multinomial').Multinomial
    fair_probs = lib.tensor([0.5, 0.5])
    s = Multinomial(100, fair_probs).sample()
    counts = Multinomial(1, fair_probs).sample((10000,))
    die = Multinomial(10, lib.ones(6) / 6).sample((3,))
    return (s.shape, s.dtype, float(s.sum()), (s / 100).dtype, counts.shape,
            bool(((counts == 0) | (counts == 1)).all()), abs(float(counts[:, 0].mean()) - 0.5) < 0.05,
            die.shape, die.sum(1))


def idiom_probability_estimates(lib):
    from importlib import import_module
    Multinomial = import_module(lib.__name__ + '.distributions.multinomial').Multinomial
    fair_probs = lib.tensor([0.5, 0.5])
    counts = Multinomial(1, fair_probs).sample((10000,))
    cum_counts = counts.cumsum(dim=0)
    estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
    estimates = estimates.numpy()
    return estimates.shape, abs(float(estimates[-1, 0]) - 0.5) < 0.05


def idiom_distributions_values(lib):
    from importlib import import_module
    D = import_module(lib.__name__ + '.distributions')
    probs = lib.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    m = D.Multinomial(10, probs)
    c = D.Categorical(logits=lib.tensor([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]]))
    loc = lib.tensor([0.0, 1.0], requires_grad=True)
    n = D.Normal(loc, 2.0)
    lp = n.log_prob(lib.tensor([0.5, -0.5])).sum()
    lp.backward()
    b = D.Bernoulli(logits=lib.tensor([0.3, -1.2]))
    return dict(m=(m.log_prob(lib.tensor([[2.0, 3, 5], [6, 3, 1]])), m.mean, m.variance, m.batch_shape,
                   m.event_shape, m.sample((4,)).shape, m.sample().sum(-1)),
                c=(c.log_prob(lib.tensor([0, 2])), c.entropy(), c.probs, c.sample((5,)).shape, c.sample().dtype),
                n=(lp, loc.grad, n.entropy(), n.cdf(lib.tensor(1.0)), n.stddev, n.rsample((3,)).requires_grad,
                   n.sample((3,)).requires_grad),
                b=(b.log_prob(lib.tensor([1.0, 0.0])), b.entropy(), b.probs, b.mean, b.variance,
                   b.sample((2,)).shape))


GAPS = {
}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
