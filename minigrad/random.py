"""``minigrad.random`` as PyTorch's ``torch.random``: seeding and the state of the global generators."""
from . import backend
from .generator import default_generator, initial_seed, seed
from .runtime import get_rng_state, set_rng_state

__all__ = ['manual_seed', 'seed', 'initial_seed', 'get_rng_state', 'set_rng_state', 'default_generator']


def manual_seed(seed):
    """Seed every global generator (factories, initialisers, dropout, shuffling); returns
    ``default_generator``, as PyTorch's ``torch.manual_seed``."""
    backend.manual_seed(seed)
    return default_generator
