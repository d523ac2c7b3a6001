"""Small generated Fashion-MNIST folders for the data, d2l and seed-listing tests.

``make_fashion_mnist(folder, n_train, n_test)`` writes the four IDX files (gzip-compressed) with images
that depend on their label (a fixed template per class plus noise), so that a model can learn them,
and returns the SHA-256 sums of their content in the shape of ``minigrad.data.fashion_mnist.FILES``.
"""
import gzip
import hashlib
import os

import numpy


def idx_bytes(array):
    """The IDX encoding of an unsigned-byte array."""
    array = numpy.ascontiguousarray(array, dtype=numpy.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b''.join(int(n).to_bytes(4, 'big') for n in array.shape)
    return header + array.tobytes()


def write_idx(path, array, compress=True):
    raw = idx_bytes(array)
    if compress:
        with gzip.open(path, 'wb') as f:
            f.write(raw)
    else:
        with open(path, 'wb') as f:
            f.write(raw)
    return hashlib.sha256(raw).hexdigest()


def make_split(n, seed):
    rng = numpy.random.default_rng(seed)
    templates = numpy.random.default_rng(1234).integers(0, 256, size=(10, 28, 28))
    labels = numpy.arange(n) % 10
    rng.shuffle(labels)
    noise = rng.integers(-40, 41, size=(n, 28, 28))
    images = numpy.clip(templates[labels] + noise, 0, 255).astype(numpy.uint8)
    return images, labels.astype(numpy.uint8)


def make_fashion_mnist(folder, n_train=300, n_test=100, compress=True):
    """Write a tiny Fashion-MNIST into ``folder``; returns ``{stem: (content_sha256, gz_sha256)}``."""
    os.makedirs(folder, exist_ok=True)
    sums = {}
    suffix = '.gz' if compress else ''
    for prefix, n, seed in (('train', n_train, 0), ('t10k', n_test, 1)):
        images, labels = make_split(n, seed)
        for stem, array in ((f'{prefix}-images-idx3-ubyte', images), (f'{prefix}-labels-idx1-ubyte', labels)):
            path = os.path.join(folder, stem + suffix)
            content = write_idx(path, array, compress)
            with open(path, 'rb') as f:
                sums[stem] = (content, hashlib.sha256(f.read()).hexdigest())
    return sums


def isolate_data_places(monkeypatch, tmp_path):
    """Point every place Fashion-MNIST is searched at empty folders under ``tmp_path``."""
    from minigrad.data import fashion_mnist
    monkeypatch.delenv('MINIGRAD_DATA', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    monkeypatch.setattr(fashion_mnist, 'SYSTEM_DIR', str(tmp_path / 'system'))


def use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=300, n_test=100):
    """Make a tiny Fashion-MNIST the one minigrad finds (through $MINIGRAD_DATA); returns its folder."""
    from minigrad.data import fashion_mnist
    isolate_data_places(monkeypatch, tmp_path)
    folder = tmp_path / 'tiny-fashion-mnist'
    sums = make_fashion_mnist(str(folder), n_train, n_test)
    monkeypatch.setattr(fashion_mnist, 'FILES', sums)
    monkeypatch.setenv('MINIGRAD_DATA', str(folder))
    return folder
