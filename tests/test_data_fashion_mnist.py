"""Fashion-MNIST: the IDX reader's errors, the search order, verified atomic downloads, --ensure.

Everything runs on small generated IDX files; the one test on the real data skips when it is absent.
"""
import gzip
import os
import shutil

import numpy
import pytest

import minigrad
from minigrad.data import DataError, DataNotFoundError, fashion_mnist, parse_idx, read_idx
from data_fixtures import idx_bytes, isolate_data_places, make_fashion_mnist, use_tiny_fashion_mnist

LABELS = numpy.array([3, 1, 4, 1, 5], numpy.uint8)


def test_parse_good_idx():
    images = numpy.arange(2 * 3 * 4, dtype=numpy.uint8).reshape(2, 3, 4)
    assert numpy.array_equal(parse_idx(idx_bytes(images)), images)
    assert numpy.array_equal(parse_idx(idx_bytes(LABELS)), LABELS)


def test_read_good_file_compressed_or_not(tmp_path):
    raw = idx_bytes(LABELS)
    (tmp_path / 'a').write_bytes(raw)
    with gzip.open(tmp_path / 'a.gz', 'wb') as f:
        f.write(raw)
    for name in ('a', 'a.gz'):
        assert read_idx(tmp_path / name).tolist() == LABELS.tolist()


def test_truncated_data_names_the_file_and_the_sizes(tmp_path):
    path = tmp_path / 'labels'
    path.write_bytes(idx_bytes(LABELS)[:-2])
    with pytest.raises(DataError, match=r"labels: truncated.*\(5,\).*5 bytes.*only 3"):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / 'images.gz'
    with gzip.open(path, 'wb') as f:
        f.write(idx_bytes(numpy.random.default_rng(0).integers(0, 255, (50, 28, 28))))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"images.gz: the gzip stream ends .*truncated"):
        read_idx(path)


def test_not_gzip(tmp_path):
    path = tmp_path / 'images.gz'
    path.write_bytes(b'this is not gzip at all')
    with pytest.raises(DataError, match=r"images.gz: not a valid gzip file"):
        read_idx(path)


def test_wrong_magic_number(tmp_path):
    path = tmp_path / 'labels'
    path.write_bytes(b'\x1f\x8b\x08\x00' + idx_bytes(LABELS)[4:])
    with pytest.raises(DataError, match=r"labels: wrong magic number 0x1F8B0800.*0x00000801"):
        read_idx(path)


def test_extra_bytes_and_short_header():
    with pytest.raises(DataError, match='2 bytes more'):
        parse_idx(idx_bytes(LABELS) + b'xx', 'x')
    with pytest.raises(DataError, match='shorter than an IDX header'):
        parse_idx(b'\x00\x00', 'x')
    with pytest.raises(DataError, match='inside its header'):
        parse_idx(bytes([0, 0, 8, 3, 0, 0]), 'x')


def test_wrong_checksum(tmp_path):
    path = tmp_path / 'labels'
    path.write_bytes(idx_bytes(LABELS))
    with pytest.raises(DataError, match=r"labels: checksum mismatch.*expected 0{64}.*delete it"):
        read_idx(path, sha256='0' * 64)


# ------------------------------------------------------------------------------------- finding the data
def test_load_tiny_dataset_shapes_dtypes_and_scaling(monkeypatch, tmp_path):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, n_train=30, n_test=20)
    images, labels = fashion_mnist.load(train=True)
    assert images.shape == (30, 1, 28, 28) and images.dtype == numpy.float32
    assert labels.shape == (30,) and labels.dtype == numpy.int64
    assert 0.0 <= images.min() and images.max() <= 1.0
    raw = read_idx(tmp_path / 'tiny-fashion-mnist' / 'train-images-idx3-ubyte.gz')
    assert numpy.array_equal(images[:, 0], raw.astype(numpy.float32) / numpy.float32(255))
    test = minigrad.data.FashionMNIST(train=False)
    assert len(test) == 20 and test[0][0].shape == (1, 28, 28) and test.targets.dtype == minigrad.int64


def test_search_order_root_then_env_then_cache_then_system(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    sums = None
    folders = {name: tmp_path / name for name in ('root', 'env', 'system')}
    folders['cache'] = tmp_path / 'cache' / 'minigrad' / 'fashion-mnist'
    for folder in folders.values():
        sums = make_fashion_mnist(str(folder), 10, 10)
    monkeypatch.setattr(fashion_mnist, 'FILES', sums)
    monkeypatch.setenv('MINIGRAD_DATA', str(folders['env']))
    monkeypatch.setattr(fashion_mnist, 'SYSTEM_DIR', str(folders['system']))
    for name in ('root', 'env', 'cache', 'system'):
        root = str(folders['root']) if name == 'root' else None
        assert fashion_mnist.ensure(root, download=False) == str(folders[name])
        shutil.rmtree(folders[name])


def test_subfolder_layouts_are_found(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    for layout in ('fashion-mnist', os.path.join('FashionMNIST', 'raw')):
        root = tmp_path / layout.replace(os.sep, '_')
        sums = make_fashion_mnist(str(root / layout), 10, 10, compress=False)
        monkeypatch.setattr(fashion_mnist, 'FILES', sums)
        assert fashion_mnist.ensure(str(root), download=False) == str(root / layout)
        assert fashion_mnist.load(True, str(root), download=False)[0].shape == (10, 1, 28, 28)


def test_nothing_found_lists_the_places_and_the_three_ways(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    partial = tmp_path / 'partial'
    make_fashion_mnist(str(partial), 10, 10)
    os.remove(partial / 't10k-labels-idx1-ubyte.gz')
    with pytest.raises(DataNotFoundError) as info:
        fashion_mnist.ensure(str(partial), download=False)
    message = str(info.value)
    for expected in (str(partial), 'the root argument', 'has only', str(tmp_path / 'cache'),
                     str(tmp_path / 'system'), 'dataset-fashion-mnist', 'Downloading was turned off',
                     '1. with internet', '2. on Debian/Ubuntu', '3. copy the four files', 'MINIGRAD_DATA'):
        assert expected in message
    assert isinstance(info.value, FileNotFoundError)


def test_a_bad_file_is_never_used_silently(monkeypatch, tmp_path):
    folder = use_tiny_fashion_mnist(monkeypatch, tmp_path, 20, 10)
    path = folder / 'train-labels-idx1-ubyte.gz'
    with gzip.open(path, 'wb') as f:  # well-formed IDX, different content
        f.write(idx_bytes(numpy.zeros(20, numpy.uint8)))
    with pytest.raises(DataError, match='train-labels-idx1-ubyte.gz: checksum mismatch'):
        fashion_mnist.load(train=True)
    fashion_mnist.load(train=False)  # the other split's files are fine


# ------------------------------------------------------------------------------------------ downloads
def _mirror(tmp_path, n=12):
    """A folder served through file:// holding the .gz files; FILES patched to its sums."""
    source = tmp_path / 'mirror'
    sums = make_fashion_mnist(str(source), n, n)
    return source.as_uri() + '/', sums


def test_download_through_a_file_url_then_load(monkeypatch, tmp_path, capsys):
    isolate_data_places(monkeypatch, tmp_path)
    url, sums = _mirror(tmp_path)
    monkeypatch.setattr(fashion_mnist, 'FILES', sums)
    folder = fashion_mnist.ensure(mirrors=('file:///nonexistent/first-mirror/', url), log=None)
    assert folder == fashion_mnist.cache_dir()
    assert sorted(os.listdir(folder)) == sorted(stem + '.gz' for stem in sums)  # no temporary left
    monkeypatch.setattr(fashion_mnist, 'MIRRORS', ())  # found now: no download needed
    assert fashion_mnist.load(True)[0].shape == (12, 1, 28, 28)


def test_download_goes_to_minigrad_data_when_set(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    url, sums = _mirror(tmp_path)
    monkeypatch.setattr(fashion_mnist, 'FILES', sums)
    monkeypatch.setenv('MINIGRAD_DATA', str(tmp_path / 'mine'))
    assert fashion_mnist.ensure(mirrors=(url,), log=None) == str(tmp_path / 'mine')


def test_download_with_wrong_checksum_keeps_nothing(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    url, sums = _mirror(tmp_path)
    sums = {stem: (content, '0' * 64) for stem, (content, _) in sums.items()}
    monkeypatch.setattr(fashion_mnist, 'FILES', sums)
    with pytest.raises(DataNotFoundError, match=r"(?s)Downloading into .* failed.*checksum mismatch"):
        fashion_mnist.ensure(mirrors=(url,), log=None)
    assert os.listdir(fashion_mnist.cache_dir()) == []


def test_interrupted_download_leaves_no_partial_file(monkeypatch, tmp_path):
    isolate_data_places(monkeypatch, tmp_path)
    monkeypatch.setattr(fashion_mnist, 'FILES', make_fashion_mnist(str(tmp_path / 'unused'), 5, 5))

    class Broken:
        def __init__(self, *args, **kwargs):
            self.calls = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size):
            self.calls += 1
            if self.calls > 1:
                raise ConnectionResetError('connection reset by peer')
            return b'x' * 10

    monkeypatch.setattr(fashion_mnist.urllib.request, 'urlopen', Broken)
    with pytest.raises(DataNotFoundError, match='connection reset'):
        fashion_mnist.ensure(mirrors=('http://example.invalid/',), log=None)
    assert os.listdir(fashion_mnist.cache_dir()) == []


def test_ensure_command_exit_codes(monkeypatch, tmp_path, capsys):
    isolate_data_places(monkeypatch, tmp_path)
    monkeypatch.setattr(fashion_mnist, 'MIRRORS', ('file:///nonexistent/',))
    assert fashion_mnist.main(['--ensure']) == 1
    assert 'Three ways to get the data' in capsys.readouterr().err
    use_tiny_fashion_mnist(monkeypatch, tmp_path, 10, 10)
    assert fashion_mnist.main(['--ensure', '--no-download']) == 0
    assert 'found and verified' in capsys.readouterr().out


def test_resize_is_bilinear_and_keeps_constant_images_constant(monkeypatch, tmp_path):
    use_tiny_fashion_mnist(monkeypatch, tmp_path, 10, 10)
    ds = minigrad.data.FashionMNIST(train=False, resize=(32, 32))
    X, y = ds.__getitems__(numpy.arange(4))
    assert X.shape == (4, 1, 32, 32) and y.shape == (4,)
    assert ds[0][0].shape == (1, 32, 32)
    from minigrad.data.images import resize_bilinear
    flat = numpy.full((1, 28, 28), 0.25, numpy.float32)
    assert numpy.allclose(resize_bilinear(flat, (56, 40)), 0.25)
    ramp = numpy.tile(numpy.arange(4, dtype=numpy.float32), (1, 4, 1))   # doubling a ramp interpolates it
    assert numpy.allclose(resize_bilinear(ramp, (4, 8))[0, 0], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])


REAL = os.path.join(fashion_mnist.SYSTEM_DIR, 'train-images-idx3-ubyte.gz')


@pytest.mark.skipif(not os.path.exists(REAL), reason='real Fashion-MNIST not installed '
                    '(apt-get install dataset-fashion-mnist)')
def test_real_test_split_is_verified_and_balanced():
    images, labels = fashion_mnist.load(train=False, root=fashion_mnist.SYSTEM_DIR, download=False)
    assert images.shape == (10000, 1, 28, 28)
    assert labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert numpy.bincount(labels).tolist() == [1000] * 10


def test_atomic_write_keeps_the_old_file_on_error(tmp_path):
    from minigrad.utils.files import atomic_write
    path = tmp_path / 'x.txt'
    path.write_text('old')
    with pytest.raises(ZeroDivisionError):
        with atomic_write(str(path), 'w') as f:
            f.write('half of the new')
            1 / 0
    assert path.read_text() == 'old' and os.listdir(tmp_path) == ['x.txt']
    with atomic_write(str(path), 'w') as f:
        f.write('new')
    assert path.read_text() == 'new' and os.listdir(tmp_path) == ['x.txt']


@pytest.mark.parametrize('content', [b'this is not gzip at all', 'truncated', b'\x1f\x8b' + b'\xff' * 30])
def test_a_damaged_gzip_file_is_refused_without_a_huge_allocation(tmp_path, content):
    """The gzip trailer's size of a damaged file is any four bytes (b' all' reads as 1.8 GB): reading it
    must stay small (this made `make test` peak near 4 GB)."""
    import tracemalloc
    path = tmp_path / 'images.gz'
    if content == 'truncated':
        with gzip.open(path, 'wb') as f:
            f.write(idx_bytes(numpy.random.default_rng(0).integers(0, 255, (50, 28, 28))))
        data = bytearray(path.read_bytes()[:-100])
        data[-4:] = b'\xff\xff\xff\xf0'  # a trailer-like tail announcing ~4 GiB
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(content)
    tracemalloc.start()
    try:
        with pytest.raises(DataError, match='images.gz'):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2 ** 20, f"{peak / 2 ** 20:.0f} MiB"  # was 1.8-4 GiB
