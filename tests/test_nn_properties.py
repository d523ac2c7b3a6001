"""Properties of the normalisation layers, embedding, one_hot and nn.utils that hold for any input
(hypothesis; no torch needed)."""
import math

import numpy as np
from hypothesis import given, strategies as st

import minigrad
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.testing import strategies as mgst


@st.composite
def batch(draw, min_dims=2):
    n, c = draw(st.integers(2, 5)), draw(st.integers(1, 4))
    rest = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims - 2, max_size=2)))
    x, = draw(mgst.distinct_arrays((n, c) + rest, spacing=0.25, offset=0.125))
    return x * draw(st.sampled_from([1.0, 10.0])) + draw(st.sampled_from([0.0, -5.0]))


@given(batch(), st.floats(0.01, 0.9))
def test_batch_norm_normalises_each_channel_and_moves_the_running_stats(x, momentum):
    mean, var = minigrad.zeros(x.shape[1], dtype=minigrad.float64), minigrad.ones(x.shape[1], dtype=minigrad.float64)
    out = F.batch_norm(minigrad.tensor(x), mean, var, training=True, momentum=momentum, eps=1e-5).numpy()
    axes = (0,) + tuple(range(2, x.ndim))
    np.testing.assert_allclose(out.mean(axis=axes), 0, atol=1e-9)
    v = x.var(axis=axes)
    np.testing.assert_allclose(out.var(axis=axes), v / (v + 1e-5), rtol=1e-9)
    count = x.size // x.shape[1]
    np.testing.assert_allclose(mean.numpy(), momentum * x.mean(axis=axes), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(var.numpy(), (1 - momentum) + momentum * v * count / (count - 1), rtol=1e-9)


@given(batch(min_dims=2), st.floats(0.5, 4.0), st.floats(-3, 3))
def test_layer_norm_ignores_scale_and_shift_of_its_input(x, scale, shift):
    shape = x.shape[1:]
    a = F.layer_norm(minigrad.tensor(x), shape, eps=1e-12).numpy()
    b = F.layer_norm(minigrad.tensor(x * scale + shift), shape, eps=1e-12).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


@given(st.integers(1, 6), st.integers(1, 3), st.lists(st.integers(0, 5), min_size=1, max_size=8))
def test_embedding_gradient_collects_the_rows_it_used(rows, dim, raw):
    idx = np.array([i % rows for i in raw])
    emb = nn.Embedding(rows, dim).double()
    g = np.random.default_rng(len(raw)).standard_normal((len(idx), dim))
    (emb(minigrad.tensor(idx)) * minigrad.tensor(g)).sum().backward()
    expected = np.zeros((rows, dim))
    np.add.at(expected, idx, g)
    np.testing.assert_allclose(emb.weight.grad.numpy(), expected, rtol=1e-12)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=10))
def test_one_hot_round_trips_through_argmax(labels):
    t = minigrad.tensor(labels)
    hot = F.one_hot(t, 10)
    assert hot.sum().item() == len(labels)
    np.testing.assert_array_equal(hot.argmax(dim=1).numpy(), labels)


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=12), st.floats(0.1, 5.0),
       st.sampled_from([1.0, 2.0, 3.0, math.inf]))
def test_clip_grad_norm_bounds_the_total_norm(values, max_norm, norm_type):
    p = minigrad.zeros(len(values), dtype=minigrad.float64, requires_grad=True)
    p.grad = minigrad.tensor(np.array(values))
    total = nn.utils.clip_grad_norm_([p], max_norm, norm_type=norm_type)
    expected = np.linalg.norm(np.array(values), ord=norm_type)
    np.testing.assert_allclose(total.item(), expected, rtol=1e-12, atol=1e-300)
    after = np.linalg.norm(p.grad.numpy(), ord=norm_type)
    coef = max_norm / (expected + 1e-6)
    np.testing.assert_allclose(after, expected * min(coef, 1.0), rtol=1e-9, atol=1e-300)
    assert after <= max_norm or coef >= 1.0


@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.booleans())
def test_pad_sequence_keeps_every_sequence(lengths, batch_first):
    seqs = [minigrad.arange(n * 2, dtype=minigrad.float64).reshape(n, 2) + i for i, n in enumerate(lengths)]
    out = nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-7.0).numpy()
    if not batch_first:
        out = out.transpose(1, 0, 2)
    for row, s in zip(out, seqs):
        n = s.shape[0]
        np.testing.assert_array_equal(row[:n], s.numpy())
        assert np.all(row[n:] == -7.0)
