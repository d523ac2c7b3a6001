"""``minigrad.utils.files.atomic_write``: the package's one atomic writer (defined in :mod:`minigrad._files`,
at the bottom of the package, so that any module can use it without importing the rest)."""
from .._files import atomic_write, write_bytes, write_text

__all__ = ['atomic_write', 'write_bytes', 'write_text']
