"""nn.functional's normalisation, activations, losses, distances and embedding against PyTorch:
forward values, dtypes and the gradients of every floating input (float64, random shapes)."""
import math

import numpy as np
import pytest

import minigrad
from minigrad.nn import functional as F
from minigrad.testing.torch_compare import compare_with_torch

torch = pytest.importorskip('torch')
TF = torch.nn.functional
pytestmark = pytest.mark.torch

rng = np.random.default_rng(1234)


def rand(*shape, low=None, high=None):
    if low is not None:
        return rng.uniform(low, high, shape)
    return rng.standard_normal(shape)


def lib_f(lib):
    return F if lib is minigrad else TF


def both(fn, *inputs, **options):
    """compare_with_torch for ``fn(F, lib, *tensors)`` written once for both libraries."""
    compare_with_torch(lambda *xs: fn(F, minigrad, *xs), lambda *xs: fn(TF, torch, *xs), *inputs,
                       **options)


# ------------------------------------------------------------------------------------- activations
ACTIVATIONS = {
    'leaky_relu': lambda f, x: f.leaky_relu(x),
    'leaky_relu.slope': lambda f, x: f.leaky_relu(x, 0.2),
    'elu': lambda f, x: f.elu(x, alpha=0.7),
    'celu': lambda f, x: f.celu(x, alpha=1.5),
    'selu': lambda f, x: f.selu(x),
    'gelu': lambda f, x: f.gelu(x),
    'gelu.tanh': lambda f, x: f.gelu(x, approximate='tanh'),
    'silu': lambda f, x: f.silu(x),
    'mish': lambda f, x: f.mish(x),
    'softplus': lambda f, x: f.softplus(x),
    'softplus.beta': lambda f, x: f.softplus(x, beta=2.0, threshold=3.0),
    'relu6': lambda f, x: f.relu6(x * 4),
    'hardtanh': lambda f, x: f.hardtanh(x, -0.5, 0.8),
    'hardsigmoid': lambda f, x: f.hardsigmoid(x * 4),
    'hardswish': lambda f, x: f.hardswish(x * 4),
    'logsigmoid': lambda f, x: f.logsigmoid(x * 10),
    'softsign': lambda f, x: f.softsign(x),
    'tanhshrink': lambda f, x: f.tanhshrink(x),
    'threshold': lambda f, x: f.threshold(x, 0.1, -2.0),
    'hardshrink': lambda f, x: f.hardshrink(x, 0.3),
    'softshrink': lambda f, x: f.softshrink(x, 0.3),
    'glu': lambda f, x: f.glu(x, dim=1),
    'glu.last': lambda f, x: f.glu(x),
    'softmin': lambda f, x: f.softmin(x, dim=1),
}


@pytest.mark.parametrize('name', sorted(ACTIVATIONS))
def test_activation_matches_torch(name):
    fn = ACTIVATIONS[name]
    x = rand(3, 4, 6) * 3
    compare_with_torch(lambda t: fn(F, t), lambda t: fn(TF, t), x, atol=1e-10, rtol=1e-6)


@pytest.mark.parametrize('name', ['leaky_relu', 'elu', 'gelu', 'silu', 'softplus', 'mish'])
def test_activation_float32(name):
    fn = ACTIVATIONS[name]
    x = (rand(5, 7) * 3).astype(np.float32)
    compare_with_torch(lambda t: fn(F, t), lambda t: fn(TF, t), x, atol=1e-5, rtol=1e-5)


def test_activations_extreme_inputs_are_finite():
    x = np.array([-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4])
    for name in ('softplus', 'logsigmoid', 'silu', 'mish', 'elu', 'selu', 'gelu', 'celu'):
        fn = ACTIVATIONS[name]
        compare_with_torch(lambda t: fn(F, t), lambda t: fn(TF, t), x, atol=1e-10, rtol=1e-6)


def test_activation_kinks_follow_torch():
    x = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0])
    for fn in (lambda f, t: f.leaky_relu(t, 0.1), lambda f, t: f.elu(t), lambda f, t: f.relu6(t),
               lambda f, t: f.hardtanh(t), lambda f, t: f.hardsigmoid(t), lambda f, t: f.hardswish(t),
               lambda f, t: f.threshold(t, 1.0, 5.0)):
        compare_with_torch(lambda t: fn(F, t), lambda t: fn(TF, t), x)


@pytest.mark.parametrize('shape,weight', [((4, 3, 5), (3,)), ((4, 3), (1,)), ((6,), (1,))])
def test_prelu(shape, weight):
    compare_with_torch(F.prelu, TF.prelu, rand(*shape), rng.uniform(0.1, 0.5, weight))


def test_inplace_activations():
    for name in ('leaky_relu', 'elu', 'relu6', 'hardtanh', 'silu', 'hardswish', 'selu'):
        x = rand(4, 5)
        ours = minigrad.tensor(x)
        out = getattr(F, name)(ours, inplace=True)
        assert out is ours
        np.testing.assert_allclose(ours.numpy(), getattr(TF, name)(torch.tensor(x)).numpy(), rtol=1e-12)


def test_inplace_activation_inside_graph():
    x = rand(3, 4)

    def run(f, lib, t):
        h = t * 2
        f.leaky_relu(h, 0.3, inplace=True)
        return h * h
    both(run, x)


# ------------------------------------------------------------------------------------ normalisation
@pytest.mark.parametrize('shape', [(6, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize('affine', [True, False])
def test_batch_norm_training(shape, affine):
    c = shape[1]
    rm, rv = rand(c), rng.uniform(0.5, 2, c)
    w, b = rand(c), rand(c)

    def run(f, lib, x, w, b):
        mean, var = lib.tensor(rm.copy()), lib.tensor(rv.copy())
        out = f.batch_norm(x, mean, var, w if affine else None, b if affine else None, training=True,
                           momentum=0.3, eps=1e-3)
        return out, mean, var
    both(run, rand(*shape) * 2 + 1, w, b)


@pytest.mark.parametrize('shape', [(6, 3), (2, 3, 4, 5)])
def test_batch_norm_eval(shape):
    c = shape[1]
    rm, rv = rand(c), rng.uniform(0.5, 2, c)

    def run(f, lib, x, w, b):
        return f.batch_norm(x, lib.tensor(rm), lib.tensor(rv), w, b, training=False)
    both(run, rand(*shape), rand(c), rand(c))


def test_batch_norm_without_running_stats():
    both(lambda f, lib, x: f.batch_norm(x, None, None, training=True), rand(5, 3, 2))


@pytest.mark.parametrize('shape,normalized', [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((3, 5), [5])])
def test_layer_norm(shape, normalized):
    wshape = tuple(normalized)
    both(lambda f, lib, x, w, b: f.layer_norm(x, normalized, w, b, eps=1e-4), rand(*shape) * 3,
         rand(*wshape), rand(*wshape))
    both(lambda f, lib, x: f.layer_norm(x, normalized), rand(*shape))


@pytest.mark.parametrize('shape,groups', [((2, 6, 4), 3), ((3, 4, 2, 3), 2), ((2, 4), 4), ((2, 6, 5), 1)])
def test_group_norm(shape, groups):
    c = shape[1]
    both(lambda f, lib, x, w, b: f.group_norm(x, groups, w, b), rand(*shape), rand(c), rand(c))
    both(lambda f, lib, x: f.group_norm(x, groups, eps=1e-3), rand(*shape))


def test_instance_norm_with_running_stats():
    rm, rv = rand(3), rng.uniform(0.5, 2, 3)

    def run(f, lib, x, w, b):
        mean, var = lib.tensor(rm.copy()), lib.tensor(rv.copy())
        return f.instance_norm(x, mean, var, w, b, momentum=0.2), mean, var
    both(run, rand(4, 3, 5, 2), rand(3), rand(3))
    both(lambda f, lib, x: f.instance_norm(x), rand(2, 3, 6))
    both(lambda f, lib, x: f.instance_norm(x, lib.tensor(rm), lib.tensor(rv), use_input_stats=False),
         rand(2, 3, 6))


def test_layer_norm_second_derivatives_match_torch():
    x0, w0 = rand(3, 5), rand(5)

    def second(lib, f):
        x = lib.tensor(x0, requires_grad=True)
        w = lib.tensor(w0, requires_grad=True)
        y = f.layer_norm(x, (5,), w, None)
        gx, gw = (lib.autograd.grad((y ** 3).sum(), (x, w), create_graph=True) if lib is torch else
                  minigrad.autograd.grad((y ** 3).sum(), (x, w), create_graph=True))
        return [t.detach().numpy() for t in
                (lib.autograd.grad if lib is torch else minigrad.autograd.grad)((gx ** 2).sum() + gw.sum(),
                                                                               (x, w))]
    for ours, theirs in zip(second(minigrad, F), second(torch, TF)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)


def test_batch_norm_second_derivatives_match_torch():
    x0 = rand(6, 2, 3)

    def second(lib, f):
        grad = minigrad.autograd.grad if lib is minigrad else torch.autograd.grad
        x = lib.tensor(x0, requires_grad=True)
        y = f.batch_norm(x, None, None, training=True)
        gx, = grad((y * y * lib.tensor(x0)).sum(), (x,), create_graph=True)
        return grad((gx * gx).sum(), (x,))[0].detach().numpy()
    np.testing.assert_allclose(second(minigrad, F), second(torch, TF), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize('call,message', [
    (lambda: F.batch_norm(minigrad.randn(1, 3), None, None, training=True), 'more than 1 value'),
    (lambda: F.batch_norm(minigrad.randn(4, 3), None, None), 'evaluation mode'),
    (lambda: F.batch_norm(minigrad.randn(4, 3), minigrad.zeros(2), minigrad.ones(2), training=True),
     '3 elements'),
    (lambda: F.layer_norm(minigrad.randn(4, 3), (4,)), 'normalized_shape'),
    (lambda: F.group_norm(minigrad.randn(4, 6), 4), 'divisible'),
    (lambda: F.batch_norm(minigrad.randn(4, 3), None, None, minigrad.ones(3, dtype=minigrad.float64),
                          training=True), 'float64'),
    (lambda: F.layer_norm(minigrad.tensor([[1, 2]]), (2,)), 'floating point'),
])
def test_normalisation_errors(call, message):
    with pytest.raises((ValueError, RuntimeError, TypeError), match=message):
        call()


# -------------------------------------------------------------------------------------------- losses
def labels(n, c, ignore=None):
    y = rng.integers(0, c, n)
    if ignore is not None:
        y[::3] = ignore
    return y


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_nll_loss(reduction):
    logp = np.log(rng.dirichlet(np.ones(5), 7))
    both(lambda f, lib, x, y: f.nll_loss(x, y, reduction=reduction), logp, labels(7, 5))
    w = rng.uniform(0.5, 2, 5)
    both(lambda f, lib, x, y: f.nll_loss(x, y, weight=lib.tensor(w), ignore_index=2, reduction=reduction),
         logp, labels(7, 5, ignore=2))
    both(lambda f, lib, x, y: f.nll_loss(x, y, reduction=reduction), rand(3, 5, 2, 2),
         rng.integers(0, 5, (3, 2, 2)))
    both(lambda f, lib, x, y: f.nll_loss(x, y, reduction=reduction), rand(5), np.array(3))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_cross_entropy_options(reduction):
    x = rand(8, 4) * 2
    w = rng.uniform(0.5, 2, 4)
    both(lambda f, lib, x, y: f.cross_entropy(x, y, weight=lib.tensor(w), ignore_index=1,
                                             reduction=reduction, label_smoothing=0.2),
         x, labels(8, 4, ignore=1))
    both(lambda f, lib, x, y: f.cross_entropy(x, y, label_smoothing=0.1, reduction=reduction), x,
         labels(8, 4))
    probs = rng.dirichlet(np.ones(4), 8)
    both(lambda f, lib, x, p: f.cross_entropy(x, p, weight=lib.tensor(w), label_smoothing=0.3,
                                             reduction=reduction), x, probs)
    both(lambda f, lib, x, y: f.cross_entropy(x, y, reduction=reduction), rand(2, 4, 3, 2),
         rng.integers(0, 4, (2, 3, 2)))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_binary_cross_entropy(reduction):
    x = rng.uniform(0.02, 0.98, (5, 3))
    t = rng.uniform(0, 1, (5, 3))
    both(lambda f, lib, x, t: f.binary_cross_entropy(x, t, reduction=reduction), x, t)
    w = rng.uniform(0.5, 2, 3)
    both(lambda f, lib, x, t: f.binary_cross_entropy(x, t, weight=lib.tensor(w), reduction=reduction), x, t)


def test_binary_cross_entropy_clamps_log_at_0_and_1():
    x = np.array([0.0, 1.0, 0.5, 1e-50])
    t = np.array([1.0, 0.0, 1.0, 1.0])
    both(lambda f, lib, x, t: f.binary_cross_entropy(x, t, reduction='none'), x, t, backward=False)


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_binary_cross_entropy_with_logits(reduction):
    x = rand(6, 4) * 5
    t = (rng.uniform(0, 1, (6, 4)) > 0.5).astype(float)
    both(lambda f, lib, x, t: f.binary_cross_entropy_with_logits(x, t, reduction=reduction), x, t)
    w = rng.uniform(0.5, 2, (1, 4))
    pw = rng.uniform(0.5, 3, 4)
    both(lambda f, lib, x, t: f.binary_cross_entropy_with_logits(x, t, lib.tensor(w), reduction=reduction,
                                                                 pos_weight=lib.tensor(pw)),
         x, rng.uniform(0, 1, (6, 4)))
    big = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    both(lambda f, lib, x, t: f.binary_cross_entropy_with_logits(x, t, reduction=reduction), big,
         np.array([1.0, 0.0, 1.0, 1.0, 0.0]))


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_regression_losses(reduction):
    x, t = rand(4, 5) * 2, rand(4, 5)
    both(lambda f, lib, x, t: f.l1_loss(x, t, reduction=reduction), x, t)
    both(lambda f, lib, x, t: f.smooth_l1_loss(x, t, reduction=reduction), x, t)
    both(lambda f, lib, x, t: f.smooth_l1_loss(x, t, reduction=reduction, beta=0.5), x, t)
    both(lambda f, lib, x, t: f.smooth_l1_loss(x, t, reduction=reduction, beta=0.0), x, t)
    both(lambda f, lib, x, t: f.huber_loss(x, t, reduction=reduction), x, t)
    both(lambda f, lib, x, t: f.huber_loss(x, t, reduction=reduction, delta=0.3), x, t)


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none', 'batchmean'])
@pytest.mark.parametrize('log_target', [False, True])
def test_kl_div(reduction, log_target):
    x = np.log(rng.dirichlet(np.ones(5), 4))
    t = rng.dirichlet(np.ones(5), 4)
    if log_target:
        t = np.log(t)
    both(lambda f, lib, x, t: f.kl_div(x, t, reduction=reduction, log_target=log_target), x, t)
    if not log_target:  # a zero target contributes 0 (torch's target gradient there is NaN: not compared)
        t[0, 1] = 0.0
        both(lambda f, lib, x: f.kl_div(x, lib.tensor(t), reduction=reduction), x)


@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
def test_margin_and_embedding_losses(reduction):
    a, b = rand(6), rand(6)
    y = np.where(rng.uniform(size=6) > 0.5, 1.0, -1.0)
    both(lambda f, lib, a, b: f.margin_ranking_loss(a, b, lib.tensor(y), margin=0.2, reduction=reduction),
         a, b)
    both(lambda f, lib, a: f.hinge_embedding_loss(a, lib.tensor(y), margin=0.5, reduction=reduction), a)
    both(lambda f, lib, a: f.soft_margin_loss(a, lib.tensor(y), reduction=reduction), a)
    x1, x2 = rand(6, 4), rand(6, 4)
    both(lambda f, lib, a, b: f.cosine_embedding_loss(a, b, lib.tensor(y), margin=0.1,
                                                      reduction=reduction), x1, x2)
    both(lambda f, lib, a, p, n: f.triplet_margin_loss(a, p, n, reduction=reduction), x1, x2, rand(6, 4))
    both(lambda f, lib, a, p, n: f.triplet_margin_loss(a, p, n, p=1, swap=True, reduction=reduction), x1,
         x2, rand(6, 4))
    both(lambda f, lib, x, t: f.poisson_nll_loss(x, t, reduction=reduction), x1, np.abs(x2) * 3)
    both(lambda f, lib, x, t: f.poisson_nll_loss(x, t, log_input=False, full=True, reduction=reduction),
         np.abs(x1) + 0.1, np.abs(x2) * 3)
    both(lambda f, lib, x, t, v: f.gaussian_nll_loss(x, t, v, full=True, reduction=reduction), x1, x2,
         rng.uniform(0.5, 2, (6, 4)))
    both(lambda f, lib, x, t, v: f.gaussian_nll_loss(x, t, v, reduction=reduction), x1, x2,
         rng.uniform(0.5, 2, (6,)))


@pytest.mark.parametrize('call,error,message', [
    (lambda: F.nll_loss(minigrad.randn(3, 4), minigrad.tensor([0, 4, 1])), IndexError, 'out of bounds'),
    (lambda: F.nll_loss(minigrad.randn(3, 4), minigrad.tensor([0.0, 1, 1])), RuntimeError, 'integer'),
    (lambda: F.binary_cross_entropy(minigrad.tensor([1.5]), minigrad.tensor([1.0])), RuntimeError,
     'between 0 and 1'),
    (lambda: F.binary_cross_entropy_with_logits(minigrad.randn(3), minigrad.randn(4)), ValueError,
     'same as input size'),
    (lambda: F.l1_loss(minigrad.randn(3), minigrad.randn(3), reduction='avg'), ValueError, 'reduction'),
    (lambda: F.kl_div(minigrad.randn(3), minigrad.randn(3), size_average=True), TypeError, 'deprecated'),
])
def test_loss_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_shape_mismatch_warns():
    with pytest.warns(UserWarning, match='target size'):
        F.l1_loss(minigrad.randn(3, 1), minigrad.randn(3))


# ----------------------------------------------------------------------------------------- distances
@pytest.mark.parametrize('p', [1, 2, 3, 1.5, math.inf])
def test_normalize_and_pairwise_distance(p):
    x = rand(4, 5)
    x[1] = 0.0
    both(lambda f, lib, x: f.normalize(x, p=p), x)
    both(lambda f, lib, x: f.normalize(x, p=p, dim=0), rand(4, 5))
    both(lambda f, lib, a, b: f.pairwise_distance(a, b, p=p), rand(4, 5), rand(4, 5))
    both(lambda f, lib, a, b: f.pairwise_distance(a, b, p=p, keepdim=True), rand(4, 5), rand(1, 5))
    both(lambda f, lib, a: f.pdist(a, p=p), rand(5, 3))


def test_cosine_similarity():
    both(lambda f, lib, a, b: f.cosine_similarity(a, b), rand(4, 5), rand(4, 5))
    both(lambda f, lib, a, b: f.cosine_similarity(a, b, dim=-1), rand(3, 4, 5), rand(4, 5))
    both(lambda f, lib, a, b: f.cosine_similarity(a, b, dim=0), rand(5), rand(5))
    z = np.zeros((2, 3))
    both(lambda f, lib, a, b: f.cosine_similarity(a, b), z, rand(2, 3))
    assert minigrad.cosine_similarity is F.cosine_similarity


# ----------------------------------------------------------------------------------------- embedding
def test_embedding_accumulates_repeated_indices_and_skips_padding():
    w = rand(6, 3)
    idx = np.array([[0, 2, 2], [5, 0, 2]])
    both(lambda f, lib, w: f.embedding(lib.tensor(idx), w), w)
    both(lambda f, lib, w: f.embedding(lib.tensor(idx), w, padding_idx=2), w)
    both(lambda f, lib, w: f.embedding(lib.tensor(idx), w, padding_idx=-1), w)
    both(lambda f, lib, w: f.embedding(lib.tensor(idx), w, scale_grad_by_freq=True), w)
    both(lambda f, lib, w: f.embedding(lib.tensor(np.array(3)), w), w)


def test_embedding_max_norm_renormalises_rows_in_place():
    w = rand(6, 3) * 3
    ours, theirs = minigrad.tensor(w.copy()), torch.tensor(w.copy())
    idx = np.array([1, 4, 4])
    a = F.embedding(minigrad.tensor(idx), ours, max_norm=1.0)
    b = TF.embedding(torch.tensor(idx), theirs, max_norm=1.0)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_embedding_errors():
    w = minigrad.randn(4, 2)
    with pytest.raises(IndexError, match='out of range'):
        F.embedding(minigrad.tensor([4]), w)
    with pytest.raises(RuntimeError, match='integers'):
        F.embedding(minigrad.tensor([1.0]), w)


def test_one_hot():
    y = np.array([[0, 3], [2, 1]])
    ours, theirs = F.one_hot(minigrad.tensor(y)), TF.one_hot(torch.tensor(y))
    assert ours.dtype == minigrad.int64 and tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(F.one_hot(minigrad.tensor(y), 6).numpy(),
                                  TF.one_hot(torch.tensor(y), 6).numpy())
    with pytest.raises(RuntimeError, match='smaller than num_classes'):
        F.one_hot(minigrad.tensor([3]), 3)
    with pytest.raises(RuntimeError, match='non-negative'):
        F.one_hot(minigrad.tensor([-1]))
