"""``minigrad.accelerator``: PyTorch's device-neutral queries (``torch.accelerator``). minigrad's only
accelerator is CUDA (through CuPy)::

    device = minigrad.accelerator.current_accelerator() if minigrad.accelerator.is_available() else 'cpu'
"""
from . import backend, cuda


def is_available():
    """True when a CUDA device is usable."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when CuPy is installed (and, with ``check_available=True``, a GPU is usable),
    else None."""
    if not backend.cuda_is_built() or (check_available and not cuda.is_available()):
        return None
    return backend.device('cuda')


def device_count():
    """The number of CUDA devices (0 without one)."""
    return cuda.device_count()


def current_device_index():
    """The index of the current CUDA device (-1 without one, as PyTorch answers)."""
    return cuda.current_device() if cuda.is_available() else -1


current_device_idx = current_device_index


def set_device_index(device):
    """Make ``device`` (an index, ``'cuda:N'`` or a device) the current CUDA device."""
    index = device if isinstance(device, int) else backend.as_device(device).index
    backend.cuda_set_device(index)


set_device_idx = set_device_index


def synchronize(device=None):
    """Wait for every kernel queued on the accelerator (see ``minigrad.cuda.synchronize``)."""
    if cuda.is_available():
        cuda.synchronize(device)
