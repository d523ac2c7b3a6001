"""``minigrad.Generator``: a random generator object, as ``torch.Generator``, to pass as ``generator=`` to
the random factories (rand, randn, randint, randperm, normal), to bernoulli/multinomial/poisson, to the
in-place initialisers (``normal_``, ``uniform_``, ``exponential_``, ...) and to DataLoader.

A Generator wraps the array module's own generator (NumPy's PCG64 on the CPU, CuPy's on CUDA): the same
seed gives the same draws on every run. ``minigrad.default_generator`` is the global CPU generator that
``minigrad.manual_seed`` reseeds. Methods of the wrapped NumPy generator (``permutation``, ``integers``,
``random``) are reachable on the object, so code handing it to a NumPy-style consumer keeps working.
"""
import json
import secrets

from . import backend

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed, for initial_seed() before any manual_seed


class Generator:
    """A random generator on ``device`` (``'cpu'`` unless given), seeded with ``manual_seed``."""

    def __init__(self, device='cpu'):
        self.device = backend.as_device(device)
        self._seed = _DEFAULT_SEED
        self._rng = self._make(self._seed)

    def _make(self, seed):
        xp = backend.module_for(self.device)
        with backend.on_device(self.device):
            return xp.random.default_rng(seed)

    def manual_seed(self, seed):
        """Reseed; returns the generator (``g = Generator().manual_seed(0)``)."""
        if isinstance(seed, bool) or not hasattr(seed, '__index__'):
            raise TypeError(f"Generator.manual_seed expects an int, got {seed!r}")
        seed = int(seed)
        if seed < 0:
            seed &= (1 << 64) - 1  # PyTorch accepts negative seeds, taken modulo 2**64
        self._seed = seed
        self._rng = self._make(seed)
        return self

    def seed(self):
        """Reseed from the operating system's entropy; returns the new seed."""
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (restore it with ``set_state``)."""
        from .conversion import constant
        state = getattr(getattr(self._rng, 'bit_generator', None), 'state', None)
        if state is None:
            raise NotImplementedError(f"Generator.get_state: the generator on {self.device} does not expose "
                                      "its state (CuPy's); reseed with manual_seed to reproduce draws")
        data = json.dumps({'seed': self._seed, 'state': state}).encode()
        return constant(backend.bytes_to_array(data).copy())

    def set_state(self, new_state):
        """Restore a state returned by ``get_state``."""
        array = backend.to_host(getattr(new_state, '_array', new_state))
        try:
            payload = json.loads(bytes(array.astype('uint8').tobytes()).decode())
            self._seed = payload['seed']
            rng = self._make(self._seed)
            rng.bit_generator.state = payload['state']
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RuntimeError(f"Generator.set_state: not a state from Generator.get_state ({exc})") from None
        self._rng = rng
        return self

    def __getattr__(self, name):
        # NumPy-style consumers (a DataLoader's shuffling) call the wrapped generator's methods
        if name.startswith('_'):
            raise AttributeError(name)
        return getattr(self._rng, name)

    def __repr__(self):
        return f"<minigrad.Generator device='{self.device}' initial_seed={self._seed}>"


class _DefaultGenerator(Generator):
    """The global CPU generator: the one minigrad.manual_seed reseeds (backend.generator('cpu'))."""

    def __init__(self):
        self.device = backend.CPU

    @property
    def _rng(self):
        return backend.generator('cpu')

    @_rng.setter
    def _rng(self, value):
        backend.set_generator('cpu', value)

    @property
    def _seed(self):
        seed = backend.current_seed()
        return _DEFAULT_SEED if seed is None else seed

    @_seed.setter
    def _seed(self, value):
        pass

    def manual_seed(self, seed):
        backend.manual_seed(int(seed))
        return self


default_generator = _DefaultGenerator()


def rng_of(generator, device, op):
    """The array-module generator to draw from: ``generator``'s (checked to be on ``device``) or the
    global one of ``device``."""
    if generator is None:
        return backend.generator(device)
    if not isinstance(generator, Generator):
        if hasattr(generator, 'random'):  # a NumPy generator handed over directly
            return generator
        raise TypeError(f"{op}: generator must be a minigrad.Generator, got {type(generator).__name__}")
    want = backend.as_device(device) if device is not None else backend.CPU
    if generator.device.type != want.type:
        raise RuntimeError(f"{op}: expected a generator on {want}, but the generator is on {generator.device}; "
                           f"create it with minigrad.Generator(device='{want}')")
    return generator._rng


def seed():
    """Seed the global generators from the operating system's entropy; returns the seed."""
    value = secrets.randbits(63)
    backend.manual_seed(value)
    return value


def initial_seed():
    return default_generator.initial_seed()

