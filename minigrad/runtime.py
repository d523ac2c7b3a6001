"""Process-wide settings with PyTorch's names: threads (``set_num_threads``), the default device
(``set_default_device``), the deterministic-algorithms flag and the CPU random state
(``get_rng_state`` / ``set_rng_state``).
"""
import json
import os

from . import backend

# ------------------------------------------------------------------------------------------ threads
_threads = {'intra': None, 'interop': None, 'limiter': None}


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def set_num_threads(n):
    """Use ``n`` threads for the BLAS/OpenMP libraries NumPy calls (through ``threadpoolctl`` when it is
    installed; without it the number is only remembered, as there is nothing else to set)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"set_num_threads expects a positive integer, got {n!r}")
    tpc = _threadpoolctl()
    if tpc is not None:
        _threads['limiter'] = tpc.threadpool_limits(limits=n)
    _threads['intra'] = n


def get_num_threads():
    """The number of threads set by :func:`set_num_threads`, else what the BLAS libraries use (else the
    number of CPUs)."""
    if _threads['intra'] is not None:
        return _threads['intra']
    tpc = _threadpoolctl()
    if tpc is not None:
        counts = [info.get('num_threads') for info in tpc.threadpool_info() if info.get('num_threads')]
        if counts:
            return max(counts)
    return os.cpu_count() or 1


def set_num_interop_threads(n):
    """Kept for PyTorch's API: minigrad runs ops one after another, so this number is only remembered."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"set_num_interop_threads expects a positive integer, got {n!r}")
    _threads['interop'] = n


def get_num_interop_threads():
    return _threads['interop'] or 1


# ------------------------------------------------------------------------------------ default device
_default_device = [None]  # None: never set, so factories keep their data's device (CPU for new data)


def set_default_device(device):
    """Make factories (``tensor zeros ones rand arange ...``) create tensors on ``device`` when they are
    given no ``device=``; ``None`` undoes it."""
    _default_device[0] = None if device is None else backend.as_device(device)


def get_default_device():
    """The device factories use when given none (``minigrad.device('cpu')`` unless changed)."""
    return _default_device[0] or backend.CPU


def resolve_device(device):
    """``device``, or the default device set by :func:`set_default_device` when it is None (what the
    factories call); None when neither is set."""
    return _default_device[0] if device is None else device


# ------------------------------------------------------------------------------------ determinism
_deterministic = {'mode': False, 'warn_only': False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Kept for PyTorch's API. minigrad's kernels are deterministic already (NumPy and CuPy give the same
    result for the same input on every run, scatter-adds included), so this only records the flag
    that :func:`are_deterministic_algorithms_enabled` reports."""
    _deterministic['mode'], _deterministic['warn_only'] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _deterministic['mode']


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic['warn_only']


# ------------------------------------------------------------------------------------ random state
def get_rng_state():
    """The CPU generator's state as a uint8 tensor (to restore with :func:`set_rng_state`). Its bytes
    are minigrad's own (the state of NumPy's PCG64 as JSON), not PyTorch's Mersenne Twister state."""
    from .conversion import constant
    state = backend.generator('cpu').bit_generator.state
    return constant(backend.bytes_to_array(json.dumps(state).encode('utf-8')).copy())


def set_rng_state(new_state):
    """Restore the CPU generator's state from :func:`get_rng_state`'s tensor."""
    array = getattr(new_state, '_array', new_state)
    try:
        state = json.loads(bytes(backend.to_host(array).astype('uint8').tobytes()).decode('utf-8'))
        backend.generator('cpu').bit_generator.state = state
    except (ValueError, TypeError, KeyError) as exc:
        raise RuntimeError(f"set_rng_state: not a state returned by minigrad.get_rng_state ({exc})") from None
