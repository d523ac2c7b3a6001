"""``minigrad.cuda``: whether CUDA can be used, how many GPUs there are, seeding and waiting for them.

The same names as ``torch.cuda`` for the subset a training script needs::

    device = 'cuda' if minigrad.cuda.is_available() else 'cpu'

CUDA arrays come from CuPy (``pip install minigrad[gpu]``); all CuPy calls live in
:mod:`minigrad.backend`.
"""
from . import backend


def is_available():
    """True when CuPy is installed and sees at least one CUDA device."""
    return backend.cuda_is_available()


def unavailable_reason():
    """Why CUDA cannot be used (what to install, or that no GPU was found), or None when it can.
    Not in PyTorch: minigrad says what is missing."""
    return backend.cuda_unavailable_reason()


def device_count():
    """The number of CUDA devices (0 without CuPy or without a GPU)."""
    return backend.cuda_device_count()


def current_device():
    """The index of the CUDA device new arrays go to by default."""
    return backend.cuda_current_device()


def get_device_name(device=None):
    """The GPU's name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    return backend.cuda_device_name(_index(device))


def manual_seed(seed):
    """Seed the random generators of every CUDA device (CPU draws keep their own seed). As in PyTorch,
    calling it without CUDA is allowed: the seed is kept for when a CUDA generator is created."""
    return backend.manual_seed(seed, device_type='cuda')


manual_seed_all = manual_seed


def synchronize(device=None):
    """Wait until every kernel queued on ``device`` (default: the current one) has finished. CUDA
    kernels run asynchronously, so timings must synchronise before reading the clock."""
    backend.cuda_synchronize(backend.device('cuda', _index(device)))


def _index(device):
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    dev = backend.as_device(device)
    if dev.type != 'cuda':
        raise ValueError(f"expected a CUDA device, got '{dev}'")
    return dev.index


def set_device(device):
    """Make ``device`` (an index, ``'cuda:N'`` or a device) the current CUDA device."""
    backend.cuda_set_device(_index(device))


def is_initialized():
    """True when CUDA can be used (CuPy initialises it on first use)."""
    return is_available()


def empty_cache():
    """Return the unused blocks of CuPy's memory pool to the driver (nothing to do without CUDA)."""
    backend.cuda_memory('free')


def memory_allocated(device=None):
    """Bytes held by CUDA arrays on ``device`` (CuPy's pool; 0 without CUDA)."""
    return backend.cuda_memory('allocated', backend.device('cuda', _index(device)) if is_available() else None)


def memory_reserved(device=None):
    """Bytes CuPy's memory pool holds on ``device`` (in use or cached; 0 without CUDA)."""
    return backend.cuda_memory('reserved', backend.device('cuda', _index(device)) if is_available() else None)
