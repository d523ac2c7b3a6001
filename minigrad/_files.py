"""Atomic file writing, used by everything minigrad writes: ``minigrad.save``, dataset downloads,
figures (the progress board, the demos' plots), histories and benchmark results.

A file appears under its name complete, or not at all: the data go to a temporary file in the target's
folder, are flushed to disk, and the temporary file is renamed over the target (``os.replace``, atomic
on POSIX and Windows). On any error the temporary file is removed and the target is left as it was.
The file gets the permissions an ordinary ``open(path, 'w')`` would give (``0o666`` less the umask), not
the owner-only ``0o600`` of the temporary file.

This module sits at the bottom of the package (standard library only), so that any part of minigrad
can write files without importing another part.
"""
import contextlib
import errno
import os
import tempfile

__all__ = ['atomic_write', 'write_bytes', 'write_text', 'umask']


def umask():
    """The process's file-creation mask (read without changing it where /proc tells it)."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore (not thread-safe, but only for a moment)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path, mode='wb', make_dirs=True, encoding=None):
    """Write ``path`` through a temporary file beside it, renamed over it once the block ends without
    error; on error the temporary file is removed and ``path`` is left as it was.

    ``make_dirs`` creates missing folders on the way (as figures and results want); with
    ``make_dirs=False`` (as ``minigrad.save``, like ``torch.save``) a missing folder raises
    ``FileNotFoundError`` naming that folder.

    >>> with atomic_write('runs/history.json', 'w') as f:     # doctest: +SKIP
    ...     json.dump(history, f)
    """
    if mode not in ('w', 'wb', 'wt'):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb' (a new file), got {mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if make_dirs:
        os.makedirs(folder, exist_ok=True)
    elif not os.path.isdir(folder):
        raise FileNotFoundError(errno.ENOENT, f"cannot write {path!r}: the folder {folder!r} does not exist "
                                "(create it first)", folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{os.path.basename(path)}.', suffix='.part')
    try:
        if 'b' not in mode and encoding is None:
            encoding = 'utf-8'
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes owner-only files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_bytes(path, data, make_dirs=True):
    """Write ``data`` (bytes) to ``path`` atomically; returns ``path``."""
    with atomic_write(path, 'wb', make_dirs=make_dirs) as f:
        f.write(data)
    return path


def write_text(path, text, make_dirs=True):
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_write(path, 'w', make_dirs=make_dirs) as f:
        f.write(text)
    return path
