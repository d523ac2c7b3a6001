"""Random generators and sampling: Generator objects (manual_seed, seed, initial_seed, get/set_state),
generator= on the factories and samplers, bernoulli/multinomial/poisson/randint_like and the in-place
initialisers. Same seed, same draws; distributions checked on fixed seeds (deterministic)."""
import numpy
import pytest

import minigrad


def test_same_seed_same_draws_and_independence_from_the_global_generator():
    g = minigrad.Generator().manual_seed(0)
    first = [minigrad.rand(3, generator=g), minigrad.randn(2, 2, generator=g), minigrad.randint(0, 9, (4,), generator=g),
             minigrad.randperm(6, generator=g), minigrad.normal(0.0, 1.0, (3,), generator=g)]
    minigrad.manual_seed(123)
    minigrad.rand(5)   # the global stream does not disturb g
    g.manual_seed(0)
    again = [minigrad.rand(3, generator=g), minigrad.randn(2, 2, generator=g), minigrad.randint(0, 9, (4,), generator=g),
             minigrad.randperm(6, generator=g), minigrad.normal(0.0, 1.0, (3,), generator=g)]
    for a, b in zip(first, again):
        assert minigrad.equal(a, b)
    assert g.initial_seed() == 0


def test_known_values_for_a_seed():
    """The draws of a seed are fixed across runs and machines (NumPy's PCG64)."""
    g = minigrad.Generator().manual_seed(42)
    expected = numpy.random.default_rng(42).random(4, dtype=numpy.float32)
    numpy.testing.assert_array_equal(minigrad.rand(4, generator=g).numpy(), expected)


def test_state_round_trip_and_global_state():
    g = minigrad.Generator().manual_seed(7)
    state = g.get_state()
    assert state.dtype == minigrad.uint8
    a = minigrad.rand(5, generator=g)
    g.set_state(state)
    assert minigrad.equal(a, minigrad.rand(5, generator=g))
    saved = minigrad.get_rng_state()
    b = minigrad.rand(3)
    minigrad.set_rng_state(saved)
    assert minigrad.equal(b, minigrad.rand(3))
    with pytest.raises(RuntimeError, match='get_state'):
        g.set_state(minigrad.tensor([1, 2, 3], dtype=minigrad.uint8))


def test_seed_and_default_generator():
    g = minigrad.Generator()
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s
    minigrad.default_generator.manual_seed(5)
    a = minigrad.rand(2)
    minigrad.manual_seed(5)
    assert minigrad.equal(a, minigrad.rand(2))
    assert minigrad.initial_seed() == 5


def test_bernoulli_multinomial_poisson():
    g = minigrad.Generator().manual_seed(1)
    p = minigrad.full((20000,), 0.3)
    assert abs(minigrad.bernoulli(p, generator=g).mean().item() - 0.3) < 0.02
    assert p.bernoulli(generator=g).dtype == minigrad.float32
    weights = minigrad.tensor([1.0, 2.0, 7.0])
    counts = numpy.bincount(minigrad.multinomial(weights, 20000, replacement=True, generator=g).numpy(), minlength=3)
    numpy.testing.assert_allclose(counts / 20000, [0.1, 0.2, 0.7], atol=0.02)
    rows = minigrad.tensor([[0.2, 0.0, 0.5, 0.3], [1.0, 1.0, 1.0, 1.0]])
    draw = minigrad.multinomial(rows, 3, generator=g)
    assert draw.shape == (2, 3) and draw.dtype == minigrad.int64
    assert all(len(set(r)) == 3 for r in draw.tolist()) and 1 not in draw[0].tolist()
    firsts = numpy.bincount([minigrad.multinomial(weights, 1, generator=g).item() for _ in range(3000)], minlength=3)
    numpy.testing.assert_allclose(firsts / 3000, [0.1, 0.2, 0.7], atol=0.03)
    rates = minigrad.tensor([1.0, 10.0]).expand(5000, 2)
    numpy.testing.assert_allclose(minigrad.poisson(rates, generator=g).mean(0).numpy(), [1, 10], rtol=0.05)
    with pytest.raises(RuntimeError, match='without replacement'):
        minigrad.multinomial(rows, 4)
    with pytest.raises(RuntimeError, match='non-negative'):
        minigrad.multinomial(minigrad.tensor([-1.0, 2.0]), 1)


def test_randint_like():
    x = minigrad.zeros(3, 4)
    r = minigrad.randint_like(x, 10)
    assert r.shape == (3, 4) and r.dtype == minigrad.float32 and 0 <= r.min().item() and r.max().item() < 10
    r = minigrad.randint_like(x, 3, 5, dtype=minigrad.int64)
    assert r.dtype == minigrad.int64 and set(r.unique().tolist()) <= {3, 4}


@pytest.mark.parametrize('name, args, mean', [
    ('exponential_', (2.0,), 0.5), ('bernoulli_', (0.3,), 0.3), ('random_', (0, 10), 4.5),
    ('geometric_', (0.5,), 2.0), ('normal_', (1.0, 2.0), 1.0), ('uniform_', (-1.0, 3.0), 1.0),
    ('log_normal_', (0.0, 0.5), numpy.exp(0.125)),
])
def test_in_place_initialisers(name, args, mean):
    g = minigrad.Generator().manual_seed(2)
    t = minigrad.empty(40000, dtype=minigrad.float64)
    assert getattr(t, name)(*args, generator=g) is t
    assert abs(t.mean().item() - mean) < 0.05 * max(1.0, abs(mean))
    g.manual_seed(2)
    again = getattr(minigrad.empty(40000, dtype=minigrad.float64), name)(*args, generator=g)
    assert minigrad.equal(t, again)


def test_cauchy_and_random_bounds():
    g = minigrad.Generator().manual_seed(3)
    c = minigrad.empty(40001, dtype=minigrad.float64).cauchy_(1.0, 2.0, generator=g)
    assert abs(c.median().item() - 1.0) < 0.1
    r = minigrad.empty(1000, dtype=minigrad.int64).random_(5, generator=g)
    assert r.min().item() == 0 and r.max().item() == 4
    assert minigrad.empty(10).random_(generator=g).max().item() <= 2 ** 24


def test_in_place_initialiser_on_a_leaf_needs_no_grad():
    w = minigrad.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match='no_grad'):
        w.exponential_()
    with minigrad.no_grad():
        w.exponential_()
    assert w.requires_grad and (w > 0).all()


def test_generator_device_mismatch_and_type_errors():
    with pytest.raises(TypeError, match='Generator'):
        minigrad.rand(2, generator=3)
    with pytest.raises(TypeError):
        minigrad.Generator().manual_seed('x')


def test_dataloader_accepts_a_generator():
    order = lambda: [b.tolist() for b in minigrad.data.DataLoader(list(range(8)), batch_size=4, shuffle=True,
                                                                  generator=minigrad.Generator().manual_seed(1))]
    assert order() == order()


def test_samplers_on_the_guarded_device():
    """The samplers take their generator and arrays from the device (no NumPy reached directly)."""
    from guarded_numpy import DEVICE, GuardedArray, installed
    with installed():
        g = minigrad.Generator(device=DEVICE).manual_seed(0)
        p = minigrad.full((3, 4), 0.5, device=DEVICE)
        outs = [minigrad.bernoulli(p, generator=g), minigrad.multinomial(p, 2, generator=g),
                minigrad.multinomial(p, 5, replacement=True, generator=g), minigrad.poisson(p, generator=g),
                minigrad.rand(3, generator=g, device=DEVICE)]
        t = minigrad.empty(5, device=DEVICE)
        for name, args in [('exponential_', ()), ('bernoulli_', ()), ('random_', (0, 3)), ('geometric_', (0.5,)),
                           ('log_normal_', ()), ('cauchy_', ()), ('normal_', ()), ('uniform_', ())]:
            outs.append(getattr(t, name)(*args, generator=g))
        for o in outs:
            assert type(o.array) is GuardedArray
        with pytest.raises(RuntimeError, match='generator'):
            minigrad.rand(2, generator=minigrad.Generator(), device=DEVICE)
