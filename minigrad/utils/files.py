"""Atomic file writing: a file appears under its name complete, or not at all."""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path, mode='wb'):
    """Write through a temporary file beside ``path``, renamed over it (``os.replace``) once the block
    ends without error; on error the temporary file is removed and ``path`` is left as it was.

    >>> with atomic_write('runs/history.json', 'w') as f:     # doctest: +SKIP
    ...     json.dump(history, f)
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{os.path.basename(path)}.', suffix='.part')
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
