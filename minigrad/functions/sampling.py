"""Random sampling: bernoulli, multinomial (with and without replacement), poisson, randint_like, and
the in-place initialisers ``normal_ uniform_ exponential_ bernoulli_ random_ geometric_ log_normal_
cauchy_``, each taking ``generator=`` (a :class:`minigrad.Generator`) where PyTorch does.

Draws use only the generator methods NumPy and CuPy share (random, standard_normal,
standard_exponential, integers, poisson, geometric), so they run on either. Samples are not
differentiated (PyTorch gives them no gradient either).
"""
import builtins
import math

from .. import backend
from . import surface_base as ops
from ..tensor import Tensor
from ..generator import Generator, default_generator, initial_seed, rng_of, seed

__all__ = ['bernoulli', 'multinomial', 'poisson', 'randint_like', 'Generator', 'default_generator', 'seed',
           'initial_seed']  # get_rng_state / set_rng_state are minigrad/runtime.py's (the same state)

_pyint, _pyfloat = builtins.int, builtins.float


def _gen(generator, tensor, op):
    return rng_of(generator, tensor.device, op)


def _uniform(gen, shape, dtype):
    return gen.random(shape, dtype=backend.float32 if dtype == backend.float32 else backend.float64)


def bernoulli(input, p=None, *, generator=None, out=None):
    """1 with probability ``input`` (or ``p``) and 0 otherwise, in ``input``'s dtype."""
    from ..outputs import write_out
    input = ops.as_tensor(input)
    a = input._array
    probs = a if p is None else p
    if hasattr(probs, 'dtype') and bool(((probs < 0) | (probs > 1)).any()) or \
            not hasattr(probs, 'dtype') and not 0 <= probs <= 1:
        raise RuntimeError("bernoulli(): the probabilities must lie in [0, 1]")
    gen = _gen(generator, input, 'bernoulli')
    draws = _uniform(gen, a.shape, a.dtype) < probs
    dtype = a.dtype if a.dtype.kind == 'f' else backend.get_default_dtype()
    return write_out(ops.constant(draws.astype(dtype)), out, 'bernoulli')


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the categorical distribution(s) of the (unnormalised, non-negative) rows of
    ``input``: with ``replacement`` independently, without it all distinct (the Gumbel top-k trick)."""
    from ..outputs import write_out
    input = ops.as_tensor(input)
    a = input._array
    if a.ndim not in (1, 2):
        raise RuntimeError(f"multinomial(): expected a 1-D or 2-D probability tensor, got {a.ndim} dimensions")
    xp = input._xp()
    rows = a.reshape(1, -1) if a.ndim == 1 else a
    if a.dtype.kind != 'f':
        raise RuntimeError(f"multinomial(): expected floating probabilities, got {a.dtype}")
    if bool((rows < 0).any()) or not bool(xp.isfinite(rows).all()):
        raise RuntimeError("multinomial(): probabilities must be finite and non-negative")
    total = rows.sum(axis=1, keepdims=True)
    if bool((total <= 0).any()):
        raise RuntimeError("multinomial(): each row of probabilities must have a positive sum")
    n = rows.shape[1]
    if not replacement and num_samples > n:
        raise RuntimeError(f"multinomial(): cannot sample {num_samples} > {n} categories without replacement")
    if not replacement and bool(((rows > 0).sum(axis=1) < num_samples).any()):
        raise RuntimeError("multinomial(): not enough categories with non-zero probability to sample "
                           f"{num_samples} without replacement")
    gen = _gen(generator, input, 'multinomial')
    if replacement:
        cdf = xp.cumsum(rows / total, axis=1)
        cdf[:, -1] = 1.0
        u = gen.random((rows.shape[0], num_samples))
        picks = (u[:, :, None] >= cdf[:, None, :]).sum(axis=-1)
        picks = xp.minimum(picks, n - 1)
    else:
        u = gen.random(rows.shape)
        with_zero = rows > 0
        logp = xp.log(xp.where(with_zero, rows, 1))
        keys = xp.where(with_zero, logp - xp.log(-xp.log(xp.maximum(u, 1e-300))), -xp.inf)
        picks = xp.argsort(-keys, axis=1, kind='stable')[:, :num_samples]
    picks = picks.astype(backend.int64)
    return write_out(ops.constant(picks.reshape(-1) if a.ndim == 1 else picks), out, 'multinomial')


def poisson(input, generator=None):
    """Counts drawn from Poisson distributions with rates ``input`` (in ``input``'s dtype)."""
    input = ops.as_tensor(input)
    a = input._array
    if bool((a < 0).any()):
        raise RuntimeError("poisson(): rates must be non-negative")
    gen = _gen(generator, input, 'poisson')
    return ops.constant(gen.poisson(a).astype(a.dtype))


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    """Random integers in [low, high) shaped like ``input`` (``randint_like(x, high)`` too)."""
    from ..factories import randint
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device)


# ----------------------------------------------------------------------------- in-place initialisers
def _fill(self, values):
    from .indexing import _assign
    with _no_record():
        return _assign(self, values.astype(self._array.dtype, copy=False))


class _no_record:
    def __enter__(self):
        from ..autograd.grad_mode import state
        self.state, self.previous = state, state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        self.state.enabled = self.previous


def _check_leaf(self, op):
    from ..autograd.grad_mode import state
    if state.enabled and self.requires_grad and self.is_leaf:
        raise RuntimeError(f"{op}: a leaf tensor that requires grad is being used in an in-place operation; "
                           "wrap it in `with minigrad.no_grad():` (as initialisers do)")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _check_leaf(self, 'normal_')
    gen = _gen(generator, self, 'normal_')
    return _fill(self, backend.random_normal(self._array.shape, mean, std, self._array.dtype, self.device, gen))


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    a, b = kwargs.pop('from', a), kwargs.pop('to', b)
    _check_leaf(self, 'uniform_')
    gen = _gen(generator, self, 'uniform_')
    return _fill(self, backend.random_uniform(self._array.shape, a, b, self._array.dtype, self.device, gen))


def exponential_(self, lambd=1.0, *, generator=None):
    _check_leaf(self, 'exponential_')
    if lambd <= 0:
        raise RuntimeError(f"exponential_(): lambd must be positive, got {lambd}")
    gen = _gen(generator, self, 'exponential_')
    return _fill(self, gen.standard_exponential(self._array.shape) / lambd)


def bernoulli_(self, p=0.5, *, generator=None):
    _check_leaf(self, 'bernoulli_')
    probs = p._array if isinstance(p, Tensor) else p
    gen = _gen(generator, self, 'bernoulli_')
    return _fill(self, gen.random(self._array.shape) < probs)


def random_(self, from_=0, to=None, *, generator=None, **kwargs):
    """Integers uniform on ``[from, to)`` (``random_(to)``: ``[0, to)``; no bound: up to the dtype's
    largest exactly representable integer, as PyTorch)."""
    _check_leaf(self, 'random_')
    from_ = kwargs.pop('from', from_)
    if to is None and 'to' not in kwargs and from_ != 0 and not kwargs:
        from_, to = 0, from_
    to = kwargs.pop('to', to)
    dtype = self._array.dtype
    if to is None:
        if dtype.kind == 'f':
            to = 2 ** backend.finfo(dtype).nmant + 1
        elif dtype.kind == 'b':
            to = 2
        else:
            to = _pyint(backend.iinfo(dtype).max) if dtype != backend.int64 else 2 ** 63 - 1
    gen = _gen(generator, self, 'random_')
    return _fill(self, gen.integers(from_, to, size=self._array.shape, dtype=backend.int64))


def geometric_(self, p, *, generator=None):
    _check_leaf(self, 'geometric_')
    if not 0 < p <= 1:
        raise RuntimeError(f"geometric_(): p must be in (0, 1], got {p}")
    gen = _gen(generator, self, 'geometric_')
    return _fill(self, gen.geometric(p, size=self._array.shape))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    _check_leaf(self, 'log_normal_')
    gen = _gen(generator, self, 'log_normal_')
    xp = self._xp()
    return _fill(self, xp.exp(gen.standard_normal(self._array.shape) * std + mean))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    _check_leaf(self, 'cauchy_')
    gen = _gen(generator, self, 'cauchy_')
    xp = self._xp()
    return _fill(self, median + sigma * xp.tan(math.pi * (gen.random(self._array.shape) - 0.5)))


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


METHODS = {'normal_': normal_, 'uniform_': uniform_, 'exponential_': exponential_, 'bernoulli_': bernoulli_,
           'random_': random_, 'geometric_': geometric_, 'log_normal_': log_normal_, 'cauchy_': cauchy_,
           'bernoulli': _bernoulli_method, 'multinomial': _multinomial_method}
