"""Reading files written by ``torch.save`` -- without torch, and without ever running code from them.

Two layouts are read: the zip archive ``torch.save`` writes since PyTorch 1.6 (``<name>/data.pkl``, one
member ``<name>/data/<key>`` per storage) and the older "legacy" stream (three small pickles, the object's
pickle, the list of storage keys, then each storage's raw bytes).

The pickle is read by a restricted unpickler, as ``torch.load(weights_only=True)`` does: the only
globals it admits are the tensor-rebuilding functions of ``torch._utils``, the storage types,
``collections.OrderedDict``, ``set``/``frozenset``/``complex`` and ``_codecs.encode`` (how protocol 2
writes ``bytes``), each replaced by a function of this module. Any other global (``os.system``,
``builtins.eval``, a class from the user's code, ...) stops the load with :class:`Refused` naming it.
Nothing is imported and no callable from the file is ever called. Tensors come back as NumPy arrays in
placeholders that :mod:`minigrad.serialization` turns into Tensors.
"""
import collections
import pickle
import struct

from . import backend

_xp = backend.module_for('cpu')

#: torch storage type -> NumPy dtype name ('bfloat16' is widened to float32 exactly, see _as_array).
STORAGE_DTYPES = {
    'DoubleStorage': 'float64', 'FloatStorage': 'float32', 'HalfStorage': 'float16',
    'BFloat16Storage': 'bfloat16', 'LongStorage': 'int64', 'IntStorage': 'int32', 'ShortStorage': 'int16',
    'CharStorage': 'int8', 'ByteStorage': 'uint8', 'BoolStorage': 'bool', 'ComplexFloatStorage': 'complex64',
    'ComplexDoubleStorage': 'complex128', 'UntypedStorage': 'uint8',
}
_ITEMSIZE = {'bfloat16': 2}
LEGACY_MAGIC = 0x1950a86a20f9469cfc6c
LEGACY_PROTOCOL = 1001


class Refused(Exception):
    """The file asks for something the restricted unpickler does not admit (the message names it)."""


class Damaged(Exception):
    """The file's structure is inconsistent (sizes, offsets, missing storages)."""


class _StorageType:
    def __init__(self, name):
        self.name, self.dtype = name, STORAGE_DTYPES[name]

    @property
    def itemsize(self):
        return _ITEMSIZE.get(self.dtype) or _xp.dtype(self.dtype).itemsize


class _Storage:
    """A storage named in the pickle; its bytes are read afterwards (``array``: 1-D, its own dtype)."""

    def __init__(self, key, storage_type, numel):
        self.key, self.type, self.numel, self.array = key, storage_type, numel, None

    def __setstate__(self, state):
        raise Refused('state set on a storage')


class TensorRef:
    """A tensor of the file: its storage, offset, size and stride (PyTorch's, in elements)."""
    __slots__ = ('storage', 'offset', 'size', 'stride', 'requires_grad', 'parameter')

    def __init__(self, storage, offset, size, stride, requires_grad=False):
        if not isinstance(storage, _Storage):
            raise Refused(f'a tensor rebuilt from a {type(storage).__name__}, not a storage')
        self.storage, self.offset = storage, offset
        self.requires_grad, self.parameter = bool(requires_grad), False
        self.size, self.stride = tuple(size), tuple(stride)
        if not all(isinstance(v, int) for v in (offset,) + self.size + self.stride):
            raise Damaged('tensor sizes, strides and offsets must be integers')

    def __setstate__(self, state):
        raise Refused('state set on a tensor (a tensor subclass or tensor attributes)')

    def array(self):
        """The tensor's values as a new C-contiguous NumPy array."""
        storage = self.storage
        base = storage.array
        count = 1
        for d in self.size:
            count *= d
        if min(self.size + self.stride + (self.offset, 0)) < 0:
            raise Damaged(f'negative size, stride or offset in storage {storage.key!r}')
        if count and self.offset + sum((d - 1) * s for d, s in zip(self.size, self.stride)) >= len(base):
            raise Damaged(f'a tensor of size {self.size} and stride {self.stride} at offset {self.offset} '
                          f'runs past the end of storage {storage.key!r} ({len(base)} elements)')
        if not count:
            out = _xp.empty(self.size, base.dtype)
        else:
            view = _xp.lib.stride_tricks.as_strided(base[self.offset:], self.size,
                                                    [s * base.itemsize for s in self.stride], writeable=False)
            out = _xp.array(view, order='C')
        if storage.type.dtype == 'bfloat16':  # the top half of a float32: widening is exact
            out = (out.astype(_xp.uint32) << 16).view(_xp.float32)
        return out


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    return TensorRef(storage, storage_offset, size, stride, requires_grad)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    if not isinstance(data, TensorRef):
        raise Refused(f'a Parameter rebuilt from a {type(data).__name__}')
    data.requires_grad, data.parameter = bool(requires_grad), True
    return data


def _encode(text, encoding='utf-8'):
    if not isinstance(text, str) or encoding.lower() not in ('latin1', 'latin-1', 'utf-8', 'utf8'):
        raise Refused(f'_codecs.encode of a {type(text).__name__} as {encoding!r}')
    return text.encode(encoding)


def _ordered_dict(*args):
    if args and not isinstance(args[0], (list, tuple, dict)):
        raise Refused('an OrderedDict built from a non-container')
    return collections.OrderedDict(*args)


_GLOBALS = {
    ('collections', 'OrderedDict'): _ordered_dict,
    ('torch._utils', '_rebuild_tensor_v2'): _rebuild_tensor_v2,
    ('torch._utils', '_rebuild_tensor'): _rebuild_tensor,
    ('torch._utils', '_rebuild_parameter'): _rebuild_parameter,
    ('torch._utils', '_rebuild_parameter_with_state'): _rebuild_parameter,
    ('_codecs', 'encode'): _encode,
    ('builtins', 'set'): set, ('builtins', 'frozenset'): frozenset, ('builtins', 'complex'): complex,
}


_PYTHON2_NAMES = {'__builtin__': 'builtins', 'copy_reg': 'copyreg', '_codecs': '_codecs'}


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        module = _PYTHON2_NAMES.get(module, module)  # protocol 2 writes Python 2's module names
        found = _GLOBALS.get((module, name))
        if found is not None:
            return found
        if module in ('torch', 'torch.storage', 'torch.cuda') and name in STORAGE_DTYPES:
            return _StorageType(name)
        raise Refused(f'{module}.{name}')

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) in (5, 6) and pid[0] == 'storage'
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
            raise Refused(f'a persistent id {str(pid)[:80]!r} that is not a storage')
        if len(pid) == 6 and pid[5] is not None:
            raise Refused('a view of a storage (the layout of PyTorch before 1.0)')
        _, storage_type, key, _location, numel = pid[:5]
        storage = self.storages.get(key)
        if storage is None:
            storage = self.storages[key] = _Storage(key, storage_type, numel)
        elif storage.type.dtype != storage_type.dtype:
            raise Refused(f'storage {key!r} read as two dtypes ({storage.type.dtype}, {storage_type.dtype})')
        return storage


def _fill(storage, data):
    expected = storage.numel * storage.type.itemsize
    if len(data) != expected:
        raise Damaged(f'storage {storage.key!r} holds {len(data)} bytes, expected {expected} '
                      f'({storage.numel} x {storage.type.itemsize})')
    dtype = 'uint16' if storage.type.dtype == 'bfloat16' else storage.type.dtype
    storage.array = _xp.frombuffer(data, dtype=_xp.dtype(dtype).newbyteorder('<'))


def is_torch_zip(names):
    return any(n == 'data.pkl' or n.endswith('/data.pkl') for n in names)


def load_zip(archive):
    """The object pickled in a ``torch.save`` zip archive (an open ``zipfile.ZipFile``), with
    :class:`TensorRef` placeholders whose ``array()`` gives each tensor's values."""
    names = archive.namelist()
    pickles = [n for n in names if n == 'data.pkl' or n.endswith('/data.pkl')]
    if len(pickles) != 1:
        raise Damaged(f'{len(pickles)} data.pkl members (expected one)')
    prefix = pickles[0][:-len('data.pkl')]
    if prefix + 'byteorder' in names and archive.read(prefix + 'byteorder').strip() not in (b'little', b''):
        raise Refused(f"byte order {archive.read(prefix + 'byteorder')!r} (only little-endian files are "
                      "read)")
    storages = {}
    with archive.open(pickles[0]) as f:
        obj = _Unpickler(f, storages).load()
    for key, storage in storages.items():
        member = f'{prefix}data/{key}'
        if member not in names:
            raise Damaged(f'the storage member {member!r} is missing')
        _fill(storage, archive.read(member))
    return obj


def load_legacy(f):
    """The object of a legacy (non-zip) ``torch.save`` stream read from the binary file ``f``."""
    storages = {}
    unpickler = _Unpickler(f, storages)
    if unpickler.load() != LEGACY_MAGIC:
        raise Refused('a pickle that is not a torch.save file (no PyTorch magic number)')
    if unpickler.load() != LEGACY_PROTOCOL:
        raise Refused('an unknown version of the legacy torch.save layout')
    info = unpickler.load()
    if not isinstance(info, dict) or not info.get('little_endian', True):
        raise Refused('a big-endian legacy file')
    obj = unpickler.load()
    keys = unpickler.load()
    if not isinstance(keys, list) or sorted(keys) != sorted(storages):
        raise Damaged('the list of storages does not match the storages the object uses')
    for key in keys:
        storage = storages[key]
        head = f.read(8)
        if len(head) != 8:
            raise Damaged(f'the file ends before storage {key!r}')
        (numel,) = struct.unpack('<q', head)
        if numel != storage.numel:
            raise Damaged(f'storage {key!r} has {numel} elements, the pickle says {storage.numel}')
        here = f.tell()
        left = f.seek(0, 2) - here
        f.seek(here)
        if numel * storage.type.itemsize > left:  # before reading: a damaged size must not allocate
            raise Damaged(f'storage {key!r} needs {numel * storage.type.itemsize} bytes, the file has '
                          f'{left} left')
        _fill(storage, f.read(numel * storage.type.itemsize))
    if f.read(1):
        raise Damaged('bytes after the last storage')
    return obj
