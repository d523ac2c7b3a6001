"""glibc's malloc thresholds, set when minigrad is imported (this module runs :func:`tune`; Linux with
glibc only).

Why: a NumPy array above glibc's mmap threshold (128 KiB at start) gets its own ``mmap``, and each new
one costs a page fault per 4 KiB page touched. glibc raises the threshold by itself, up to 32 MiB,
but only after a process has freed such an array, and it then trims the heap top whenever more than
twice that is free. A fresh process training the MLP 784-256-10 at batch 256 sits right at that
edge: minigrad's gradients and temporaries (~1.4 MiB per step beyond what the hand-written NumPy step
holds) are given back to the kernel at the end of every step and faulted in again in the next one --
~400 minor page faults and ~25 % more time per step, gone after unrelated NumPy code has freed a big
array. Setting the two thresholds to the values glibc's own adjustment converges to (mmap threshold
32 MiB, trim threshold 64 MiB) gives a fresh process the steady state at once: no page fault per step.

The cost: up to 64 MiB of freed memory stays with the process for reuse instead of going back to the
kernel. ``MINIGRAD_MALLOC=default`` in the environment leaves glibc's settings alone.
"""
import os
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3   # <malloc.h>
MMAP_THRESHOLD = 32 * 2 ** 20                 # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD           # what glibc sets beside a raised mmap threshold

#: True once the thresholds were set; False where they were left alone (see ``reason``).
applied = False
reason = 'not tried yet'


def tune(environ=os.environ):
    """Set the thresholds unless ``MINIGRAD_MALLOC=default`` or this is not glibc; returns ``applied``."""
    global applied, reason
    if environ.get('MINIGRAD_MALLOC', '').lower() == 'default':
        applied, reason = False, 'MINIGRAD_MALLOC=default'
        return applied
    if not sys.platform.startswith('linux'):
        applied, reason = False, f'not Linux ({sys.platform})'
        return applied
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # glibc only: musl's mallopt does nothing
        ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
        ok = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
    except (OSError, AttributeError, ImportError) as exc:
        applied, reason = False, f'no glibc mallopt ({exc})'
        return applied
    applied, reason = ok, 'set' if ok else 'mallopt refused the values'
    return applied


tune()
