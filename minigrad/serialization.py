"""``minigrad.save`` / ``minigrad.load``: state dicts (and nested containers of tensors) as ``.npz``.

The file is a plain NumPy ``.npz`` archive: one array per tensor, plus a small JSON manifest (the
``__minigrad__`` entry) that records how the arrays fit into the saved object (dict keys and order,
lists, tuples, numbers, strings). Two properties matter more than format:

- **Safe to load.** Arrays are read with pickling disabled and the manifest is JSON, so loading an
  untrusted file can never run code; a file that holds pickled Python objects is refused.
- **Atomic to write.** The archive is written to a temporary file in the target's directory and renamed
  over the target (``os.replace``), so a crash or a full disk never leaves a half-written file under the
  real name, and nothing is left behind on failure.

::

    minigrad.save(net.state_dict(), 'mlp.npz')
    net.load_state_dict(minigrad.load('mlp.npz'))

A whole Module is not saved (that would need pickling code): save its ``state_dict()`` and rebuild the
model in code, as PyTorch recommends. The path is used as given (no ``.npz`` suffix is added).
"""
import collections
import json
import os
import tempfile
import zipfile

from . import backend
from .conversion import constant
from .tensor import Tensor

MANIFEST = '__minigrad__'
FORMAT_VERSION = 1


class LoadError(ValueError):
    """The file is not a readable minigrad/NumPy .npz (truncated, foreign, or holding pickled objects)."""


# --------------------------------------------------------------------------------------------- save
def save(obj, f):
    """Write ``obj`` to ``f`` (a path, or a binary file object) as an .npz archive.

    ``obj`` may be a Tensor, an array, or dicts/lists/tuples of tensors, arrays, numbers, strings and
    None, such as ``model.state_dict()`` or ``{'model': ..., 'optimizer': opt.state_dict(), 'epoch': 3}``.
    """
    arrays = {}
    manifest = {'format': 'minigrad', 'version': FORMAT_VERSION, 'object': _encode(obj, arrays)}
    arrays[MANIFEST] = backend.bytes_to_array(json.dumps(manifest).encode('utf-8'))
    if hasattr(f, 'write'):
        backend.save_npz(f, arrays)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            backend.save_npz(handle, arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _encode(obj, arrays):
    """A JSON-able description of ``obj``; its arrays go into ``arrays`` under generated names."""
    if isinstance(obj, Tensor):
        from .nn.parameter import Parameter
        name = _store(obj._array, arrays)
        return {'tensor': name, 'requires_grad': obj.requires_grad,
                'parameter': isinstance(obj, Parameter)}
    if isinstance(obj, backend.scalar_types):
        return obj.item()
    if hasattr(obj, 'dtype') and hasattr(obj, 'shape'):
        return {'array': _store(obj, arrays)}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        return {'dict': [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()],
                'ordered': isinstance(obj, collections.OrderedDict)}
    if isinstance(obj, tuple):
        return {'tuple': [_encode(v, arrays) for v in obj]}
    if isinstance(obj, list):
        return [_encode(v, arrays) for v in obj]
    hint = " save its state_dict() and rebuild the model in code" if hasattr(obj, 'state_dict') else ''
    raise TypeError(f"minigrad.save cannot store a {type(obj).__name__}: it stores tensors, arrays, "
                    f"numbers, strings, None and dicts/lists/tuples of them (e.g. model.state_dict()).{hint}")


def _store(array, arrays):
    name = f'a{len(arrays)}'
    arrays[name] = backend.to_host(array)
    return name


# --------------------------------------------------------------------------------------------- load
def load(f, map_location=None, weights_only=True):
    """Read an object written by :func:`save` (tensors come back on the CPU, or on ``map_location``).

    A plain NumPy ``.npz`` (written by ``numpy.savez``) loads as an ``OrderedDict`` name -> Tensor.
    ``weights_only`` is accepted for PyTorch compatibility; loading never unpickles anything anyway.
    Raises :class:`LoadError` for truncated, foreign or pickle-holding files.
    """
    source = f if hasattr(f, 'read') else os.fspath(f)
    label = getattr(f, 'name', source) if hasattr(f, 'read') else source
    try:
        arrays = backend.load_npz(source)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except ValueError as exc:
        if 'pickle' in str(exc) or 'Object arrays' in str(exc):
            raise LoadError(f"refusing to load {label!r}: it contains pickled Python objects, which could "
                            "run arbitrary code when loaded. minigrad files hold only plain arrays; if "
                            "you trust the file, open it yourself with pickle.") from None
        raise LoadError(f"cannot load {label!r}: it is not an .npz archive of arrays ({exc})") from None
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as exc:
        raise LoadError(f"cannot load {label!r}: the file is truncated or is not an .npz archive "
                        f"({type(exc).__name__}: {exc}); save it again with minigrad.save") from None
    device = backend.as_device(map_location) if map_location is not None else None
    if MANIFEST not in arrays:
        return collections.OrderedDict((name, _tensor(a, device)) for name, a in arrays.items())
    try:
        manifest = json.loads(arrays.pop(MANIFEST).tobytes().decode('utf-8'))
        if manifest.get('format') != 'minigrad':
            raise ValueError('not a minigrad manifest')
    except (ValueError, UnicodeDecodeError, AttributeError) as exc:
        raise LoadError(f"cannot load {label!r}: its manifest is corrupt ({exc})") from None
    if manifest.get('version', 0) > FORMAT_VERSION:
        raise LoadError(f"cannot load {label!r}: it was written by a newer minigrad (format version "
                        f"{manifest['version']}, this one reads up to {FORMAT_VERSION}); upgrade minigrad")
    try:
        return _decode(manifest['object'], arrays, device)
    except (KeyError, TypeError, IndexError) as exc:
        raise LoadError(f"cannot load {label!r}: its manifest does not match its arrays ({exc!r})") from None


def _tensor(array, device):
    if device is not None:
        array = backend.to_device(array, device)
    return constant(array)


def _decode(node, arrays, device):
    if isinstance(node, list):
        return [_decode(v, arrays, device) for v in node]
    if not isinstance(node, dict):
        return node
    if 'tensor' in node:
        t = _tensor(arrays[node['tensor']], device)
        if node.get('parameter'):
            from .nn.parameter import Parameter
            return Parameter(t, node.get('requires_grad', True))
        return t.requires_grad_() if node.get('requires_grad') else t
    if 'array' in node:
        array = arrays[node['array']]
        return backend.to_device(array, device) if device is not None else array
    if 'tuple' in node:
        return tuple(_decode(v, arrays, device) for v in node['tuple'])
    pairs = [(_hashable(_decode(k, arrays, device)), _decode(v, arrays, device)) for k, v in node['dict']]
    return collections.OrderedDict(pairs) if node.get('ordered') else dict(pairs)


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
