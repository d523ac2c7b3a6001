"""The IDX file format (MNIST, Fashion-MNIST), read into NumPy with errors that name the file.

An IDX file is a 4-byte magic number -- two zero bytes, a type code (0x08 for unsigned bytes) and the
number of dimensions -- then one big-endian int32 per dimension, then the values in C order. Files may
be gzip-compressed (``.gz``). Every way a file can be bad (not gzip, cut short, wrong magic number, sizes
that do not add up, wrong checksum) raises :class:`DataError` saying which file and what was expected.
"""
import gzip
import hashlib
import os
import zlib

import numpy


class DataError(RuntimeError):
    """A data file is missing, truncated or corrupted; the message names it and says what to do."""


class DataNotFoundError(DataError, FileNotFoundError):
    """No copy of a dataset was found anywhere minigrad looks, and none could be downloaded."""


# IDX type code -> (NumPy dtype, big-endian), from the format's definition
IDX_TYPES = {0x08: numpy.dtype('u1'), 0x09: numpy.dtype('i1'), 0x0B: numpy.dtype('>i2'),
             0x0C: numpy.dtype('>i4'), 0x0D: numpy.dtype('>f4'), 0x0E: numpy.dtype('>f8')}


def read_bytes(path):
    """The (decompressed, for ``.gz``) bytes of ``path``; gzip damage raises :class:`DataError`."""
    path = os.fspath(path)
    if not path.endswith('.gz'):
        with open(path, 'rb') as f:
            return f.read()
    try:
        with gzip.open(path, 'rb') as f:
            return _read_gzip(path, f)
    except EOFError:
        raise DataError(f"{path}: the gzip stream ends before its end marker: the file is truncated "
                        "(an interrupted download or copy?)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise DataError(f"{path}: not a valid gzip file ({exc})") from None


#: DEFLATE's largest expansion ratio (zlib's technical details: 1032:1), which bounds a gzip member's
#: uncompressed size by its compressed size.
MAX_DEFLATE_RATIO = 1032


def _read_gzip(path, stream):
    """Decompress into one preallocated buffer sized by the gzip trailer (the uncompressed size modulo
    2**32): ``GzipFile.read()`` would join its chunks into a second copy, doubling the peak memory of
    loading a dataset. Falls back to reading the rest when the trailer's size is short.

    The trailer of a damaged file (cut short, or not gzip at all) holds any four bytes: it is trusted
    only for a gzip file (magic bytes 1f 8b) and up to DEFLATE's largest expansion (1032 to 1) of the
    compressed size, so that a broken 40-byte file cannot make this allocate 4 GiB."""
    with open(path, 'rb') as raw:
        magic = raw.read(2)
        raw.seek(0, os.SEEK_END)
        compressed = raw.tell()
        raw.seek(max(compressed - 4, 0))
        size = int.from_bytes(raw.read(4), 'little')
    if magic != b'\x1f\x8b' or compressed < 18:
        size = 0  # not gzip, or shorter than gzip's header and trailer: let gzip say what is wrong
    size = min(size, compressed * MAX_DEFLATE_RATIO)
    buffer = bytearray(size)
    view = memoryview(buffer)
    filled = 0
    while filled < size:
        n = stream.readinto(view[filled:])
        if n == 0:
            break
        filled += n
    view.release()
    rest = stream.read()  # empty unless the file is over 4 GiB or its trailer lies
    if filled < size:
        del buffer[filled:]
    if rest:
        buffer += rest
    return buffer


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def parse_idx(raw, name='<bytes>'):
    """The array stored in the IDX bytes ``raw`` (``name`` is used in error messages).

    >>> parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9])).tolist()
    [7, 8, 9]
    """
    if len(raw) < 4:
        raise DataError(f"{name}: {len(raw)} bytes, shorter than an IDX header: the file is truncated")
    magic = int.from_bytes(raw[:4], 'big')
    code, ndim = raw[2], raw[3]
    if raw[0] != 0 or raw[1] != 0 or code not in IDX_TYPES or ndim == 0:
        raise DataError(f"{name}: wrong magic number 0x{magic:08X}: an IDX file starts with 0x00 0x00, a "
                        "type code (0x08 = unsigned bytes) and the number of dimensions, e.g. 0x00000803 "
                        "for images and 0x00000801 for labels. Is this an IDX file?")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{name}: truncated inside its header ({len(raw)} bytes, the header of a "
                        f"{ndim}-d IDX file has {header})")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    dtype = IDX_TYPES[code]
    expected = int(numpy.prod(shape)) * dtype.itemsize
    found = len(raw) - header
    if found < expected:
        raise DataError(f"{name}: truncated: its header announces shape {shape} ({expected} bytes of "
                        f"data) but only {found} bytes follow (an interrupted download or copy?)")
    if found > expected:
        raise DataError(f"{name}: {found - expected} bytes more than its header's shape {shape} "
                        f"announces ({expected} bytes): the file is corrupted")
    return numpy.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def read_idx(path, sha256=None):
    """The array in the IDX file ``path`` (``.gz`` or not), checked against ``sha256``, the SHA-256 of
    the uncompressed content, when given.

    The checksum is that of the IDX content, not of the ``.gz`` file, because the same data is shipped
    compressed differently (Debian's package recompresses the upstream files).
    """
    path = os.fspath(path)
    raw = read_bytes(path)
    array = parse_idx(raw, path)
    if sha256 is not None:
        found = sha256_hex(raw)
        if found != sha256:
            raise DataError(f"{path}: checksum mismatch: the SHA-256 of its IDX content is {found}, "
                            f"expected {sha256}. The file is corrupted or is not the file of that name; "
                            "delete it (minigrad will look elsewhere or download it again)")
    return array
