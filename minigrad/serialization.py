"""``minigrad.save`` / ``minigrad.load``: state dicts (and nested containers of tensors) as ``.npz``;
``minigrad.load`` also reads state dicts written by ``torch.save``.

A minigrad file is a plain NumPy ``.npz`` archive (``numpy.load`` opens it): one ``.npy`` member per
array, plus a JSON manifest (the first member, ``__minigrad__.npy``) that records how the arrays fit into
the saved object (dict keys and order, lists, tuples, numbers, strings). Three properties matter more
than the format:

- **Safe to load.** Arrays are read with pickling disabled and the manifest is JSON, so loading an
  untrusted file never runs code. ``torch.save`` files are read by a restricted unpickler
  (:mod:`minigrad._torch_format`) that admits only tensors, storages, ``OrderedDict`` and plain
  containers, as ``torch.load(weights_only=True)`` does; anything else is refused, naming what it found.
- **Verified when loaded.** The manifest lists every array with its dtype, shape and SHA-256, and the
  zip archive's comment holds the manifest's SHA-256. Loading checks all of it (and the zip CRCs): a
  damaged file -- a flipped bit, a truncation, a member renamed, swapped or missing -- is refused with a
  :class:`LoadError` naming what is wrong, never loaded as different data.
- **Atomic to write.** The archive goes to a temporary file in the target's folder, renamed over the
  target (``os.replace``, :mod:`minigrad._files`), so a crash or a full disk never leaves a half-written
  file under the real name. The file gets the usual permissions (``0o666`` less the umask).

::

    minigrad.save(net.state_dict(), 'mlp.npz')
    net.load_state_dict(minigrad.load('mlp.npz'))
    net.load_state_dict(minigrad.load('resnet_from_torch.pt'))    # written by torch.save

A whole Module is not saved (that would need pickling code): save its ``state_dict()`` and rebuild the
model in code, as PyTorch recommends. The path is used as given (no ``.npz`` suffix is added).
"""
import collections
import hashlib
import json
import os
import pickle
import struct
import zipfile
import zlib

from . import _torch_format, backend
from ._files import atomic_write
from .conversion import constant
from .tensor import Tensor

MANIFEST = '__minigrad__'
FORMAT_VERSION = 2
#: The zip comment of a version-2 file: this prefix, then the manifest's SHA-256 in hex.
COMMENT_PREFIX = b'minigrad checkpoint; manifest sha256 '
_xp = backend.module_for('cpu')
#: What reading a damaged archive can raise (inside the zip and .npy readers); each becomes a LoadError.
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, KeyError, IndexError,
           TypeError, AttributeError, struct.error, NotImplementedError, RuntimeError, OverflowError,
           UnicodeDecodeError, zlib.error, MemoryError, RecursionError, pickle.UnpicklingError,
           _torch_format.Damaged)


class LoadError(ValueError):
    """The file cannot be loaded: damaged (the message says what fails its check), foreign, or asking
    for Python objects that could run code."""


# --------------------------------------------------------------------------------------------- save
def save(obj, f):
    """Write ``obj`` to ``f`` (a path, or a binary file object) as an .npz archive.

    ``obj`` may be a Tensor, an array, or dicts/lists/tuples of tensors, arrays, numbers, strings and
    None, such as ``model.state_dict()`` or ``{'model': ..., 'optimizer': opt.state_dict(), 'epoch': 3}``.
    The folder must exist (as for ``torch.save``); a missing one raises ``FileNotFoundError`` naming it.
    """
    arrays = {}
    encoded = _encode(obj, arrays)
    listing = {name: {'dtype': a.dtype.str, 'shape': list(a.shape), 'sha256': _digest(a)}
               for name, a in arrays.items()}
    manifest = {'format': 'minigrad', 'version': FORMAT_VERSION, 'object': encoded, 'arrays': listing}
    text = json.dumps(manifest).encode('utf-8')
    members = {MANIFEST: backend.bytes_to_array(text)}
    members.update(arrays)
    comment = COMMENT_PREFIX + hashlib.sha256(text).hexdigest().encode('ascii')
    if hasattr(f, 'write'):
        backend.save_npz(f, members, comment)
        return
    with atomic_write(f, 'wb', make_dirs=False) as handle:
        backend.save_npz(handle, members, comment)


def _digest(array):
    """SHA-256 of an array's values (C order, its own byte order)."""
    return hashlib.sha256(_xp.ascontiguousarray(array).reshape(-1).view(_xp.uint8)).hexdigest()


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
    array = _xp.asarray(backend.to_host(array))
    if array.dtype.hasobject:
        raise TypeError("minigrad.save cannot store an array of Python objects (dtype object): it "
                        "stores arrays of numbers and booleans")
    arrays[name] = array
    return name


# --------------------------------------------------------------------------------------------- load
def load(f, map_location=None, weights_only=True):
    """Read an object written by :func:`save`, a plain NumPy ``.npz`` (it loads as an ``OrderedDict``
    name -> Tensor), or a state dict written by ``torch.save`` (zip or legacy layout). Tensors come back
    on the CPU, or on ``map_location``.

    ``weights_only`` is accepted for PyTorch compatibility: loading never runs code from the file, so
    ``weights_only=False`` is refused. Raises :class:`LoadError` for damaged, foreign or unsafe files.
    """
    if not weights_only:
        raise ValueError("minigrad.load(weights_only=False) is not supported: minigrad never unpickles "
                         "arbitrary objects; a torch.save file with objects other than tensors and plain "
                         "containers must be loaded with torch.load and re-saved as a state dict")
    device = backend.as_device(map_location) if map_location is not None else None
    if hasattr(f, 'read'):
        return _load(f, getattr(f, 'name', '<file object>'), device)
    path = os.fspath(f)
    with open(path, 'rb') as handle:
        return _load(handle, path, device)


def _load(handle, label, device):
    start = handle.tell()
    head = handle.read(16)
    handle.seek(start)
    try:
        if head[:2] == b'PK':
            return _load_zip(handle, start, label, device)
        if head[:1] == b'\x80' and head[1:2] in (b'\x02', b'\x03', b'\x04', b'\x05'):
            return _convert(_torch_format.load_legacy(handle), device)
    except _torch_format.Refused as exc:
        raise LoadError(f"refusing to load {label!r}: it holds pickled Python objects that minigrad does "
                        f"not admit ({exc}). minigrad.load admits only tensors, storages, OrderedDict and "
                        "plain containers (as torch.load(weights_only=True) does) and never runs code from "
                        "a file; if you trust the file, open it with torch.load and save its state_dict"
                        ) from None
    except LoadError:
        raise
    except _DAMAGE as exc:
        raise LoadError(f"cannot load {label!r}: the file is truncated or damaged "
                        f"({type(exc).__name__}: {exc})") from None
    if not head:
        raise LoadError(f"cannot load {label!r}: the file is empty")
    if head[:6] == b'\x93NUMPY':
        raise LoadError(f"cannot load {label!r}: the file holds a single .npy array, not an .npz archive "
                        "(read it with numpy.load)")
    raise LoadError(f"cannot load {label!r}: it is not a minigrad, NumPy .npz or torch.save file (it "
                    f"starts with {head[:12]!r})")


def _load_zip(handle, start, label, device):
    try:
        archive = zipfile.ZipFile(handle)
    except _DAMAGE as exc:
        raise LoadError(f"cannot load {label!r}: the file is truncated or is not an .npz archive "
                        f"({type(exc).__name__}: {exc}); save it again with minigrad.save") from None
    with archive:
        names = archive.namelist()
        if _marked_minigrad(archive, names, handle, start):
            return _load_minigrad(archive, names, label, device)
        if _torch_format.is_torch_zip(names):
            return _convert(_torch_format.load_zip(archive), device)
        arrays = collections.OrderedDict()
        for member in names:
            arrays[member[:-4] if member.endswith('.npy') else member] = _read_npy(archive, member, label)
        return collections.OrderedDict((name, _tensor(a, device)) for name, a in arrays.items())


def _marked_minigrad(archive, names, handle, start):
    """Whether the archive is a minigrad file: its comment, a member's name or the name in the first
    local header says so (one damaged spot cannot hide all three)."""
    if archive.comment.startswith(b'minigrad') or any(MANIFEST in n for n in names):
        return True
    handle.seek(start)
    local = handle.read(30)
    if len(local) == 30 and local[:4] == b'PK\x03\x04':
        (length,) = struct.unpack('<H', local[26:28])
        return MANIFEST.encode() in handle.read(length)
    return False


def _load_minigrad(archive, names, label, device):
    def refuse(what):
        raise LoadError(f"cannot load {label!r}: {what}; the file is damaged (save it again)")

    member = MANIFEST + '.npy'
    if member not in names:
        refuse(f"its manifest ({member}) is missing from the archive, which lists {names[:6]}")
    text = _read_npy(archive, member, label, expect=('|u1', None)).tobytes()
    comment = archive.comment
    try:
        manifest = json.loads(text.decode('utf-8'))
        if not isinstance(manifest, dict) or manifest.get('format') != 'minigrad':
            raise ValueError('not a minigrad manifest')
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot load {label!r}: its manifest is corrupt ({exc})") from None
    version = manifest.get('version', 0)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise LoadError(f"cannot load {label!r}: it was written by a newer minigrad (format version "
                        f"{version}, this one reads up to {FORMAT_VERSION}); upgrade minigrad")
    if version >= 2:
        if not comment.startswith(COMMENT_PREFIX):
            refuse(f"its archive comment, which records the manifest's checksum, reads {comment[:60]!r}")
        if hashlib.sha256(text).hexdigest().encode('ascii') != comment[len(COMMENT_PREFIX):]:
            refuse("its manifest does not match the SHA-256 recorded in the archive comment")
        listing = manifest.get('arrays')
        if not isinstance(listing, dict):
            refuse("its manifest has no list of arrays")
        expected = [member] + [name + '.npy' for name in listing]
        if len(set(names)) != len(names):
            refuse(f"members appear twice: {sorted({n for n in names if names.count(n) > 1})}")
        missing, extra = sorted(set(expected) - set(names)), sorted(set(names) - set(expected))
        if missing or extra:
            refuse(f"its members do not match its manifest (missing {missing}, unexpected {extra})")
        arrays = {}
        for name, info in listing.items():
            array = _read_npy(archive, name + '.npy', label, expect=(info['dtype'], info['shape']))
            if _digest(array) != info['sha256']:
                refuse(f"array {name!r} (member {name}.npy) fails its SHA-256 check")
            arrays[name] = array
    else:  # version 1 (no checksums): read as written
        arrays = {n[:-4]: _read_npy(archive, n, label) for n in names if n != member}
    try:
        return _decode(manifest['object'], arrays, device)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise LoadError(f"cannot load {label!r}: its manifest does not match its arrays ({exc!r})") from None


def _read_npy(archive, member, label, expect=None):
    """One ``.npy`` member as a new array (pickles refused; read to the end, so the zip CRC is checked).
    ``expect`` is ``(dtype str, shape or None)``: the header must say so before any data is read."""
    fmt = _xp.lib.format
    with archive.open(member) as f:
        version = fmt.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = fmt.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = fmt.read_array_header_2_0(f)
        else:
            raise ValueError(f'unsupported .npy format version {version}')
        if dtype.hasobject:
            raise LoadError(f"refusing to load {label!r}: member {member!r} holds pickled Python objects, "
                            "which could run arbitrary code when loaded. minigrad files hold only plain "
                            "arrays; if you trust the file, open it yourself with numpy.load(allow_pickle="
                            "True)")
        if expect is not None and (dtype.str != expect[0] or
                                   (expect[1] is not None and list(shape) != list(expect[1]))):
            raise LoadError(f"cannot load {label!r}: member {member!r} holds {dtype.str} {list(shape)}, "
                            f"its manifest says {expect[0]} {expect[1]}; the file is damaged (save it again)")
        array = _xp.empty(shape, dtype, order='F' if fortran else 'C')
        buffer = array.reshape(-1, order='A').view(_xp.uint8) if array.size else None
        done = 0
        while buffer is not None and done < len(buffer):
            n = f.readinto(memoryview(buffer[done:]))
            if not n:
                raise EOFError(f'member {member!r} ends after {done} of its {len(buffer)} bytes')
            done += n
        if f.read(1):
            raise ValueError(f'member {member!r} has bytes after its array')
    return array


def _convert(obj, device):
    """Replace the placeholders of a torch file by Tensors (Parameters where torch had them)."""
    if isinstance(obj, _torch_format.TensorRef):
        from .nn.parameter import Parameter
        t = _tensor(obj.array(), device)
        if obj.parameter:
            return Parameter(t, obj.requires_grad)
        return t.requires_grad_() if obj.requires_grad else t
    if isinstance(obj, collections.OrderedDict):
        return collections.OrderedDict((k, _convert(v, device)) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: _convert(v, device) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_convert(v, device) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_convert(v, device) for v in obj)
    if isinstance(obj, (set, frozenset, str, bytes, int, float, complex)) or obj is None:
        return obj
    raise _torch_format.Refused(f'a {type(obj).__name__} outside a tensor (a bare storage?)')


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
