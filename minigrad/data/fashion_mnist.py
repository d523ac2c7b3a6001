"""Fashion-MNIST: find the four IDX files, or download them (SHA-256 verified, written atomically).

Where the data is looked for, in order (the first place holding all four files wins):

1. the ``root`` argument;
2. the folder named by the environment variable ``MINIGRAD_DATA``;
3. the user cache, ``~/.cache/minigrad/fashion-mnist`` (``$XDG_CACHE_HOME/minigrad`` when set);
4. ``/usr/share/datasets/fashion-mnist``, where Debian/Ubuntu's package ``dataset-fashion-mnist`` puts it.

In each place the files may sit directly, in a ``fashion-mnist/`` subfolder, or in torchvision's
``FashionMNIST/raw/`` layout, compressed (``.gz``) or not. Failing all places, the files are downloaded
from the dataset's canonical location into ``$MINIGRAD_DATA`` (when set) or the cache. Every file read is
checked against the SHA-256 of its IDX content, so a truncated or corrupted copy is never used silently.

Command line: ``python -m minigrad.data.fashion_mnist --ensure`` exits 0 when the data is there (found
or downloaded) and 1, with the list of places and the ways to get the data, otherwise.
"""
import argparse
import hashlib
import os
import sys
import urllib.request

import numpy

from .._files import atomic_write
from .dataset import TensorDataset
from .idx import DataError, DataNotFoundError, read_idx
from .images import resize_bilinear

# file stem -> (SHA-256 of the IDX content, SHA-256 of the upstream .gz file).
# The content sums were computed from Debian's dataset-fashion-mnist (which recompresses the upstream
# files, so its .gz sums differ); the .gz sums are those published for the upstream files.
FILES = {
    'train-images-idx3-ubyte': ('c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
                                '08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc'),
    'train-labels-idx1-ubyte': ('bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
                                'b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc'),
    't10k-images-idx3-ubyte': ('5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
                               '78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229'),
    't10k-labels-idx1-ubyte': ('0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
                               '42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf'),
}
SPLITS = {True: ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
          False: ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')}
# The canonical location (Zalando's bucket), then the project's repository as a mirror.
MIRRORS = ('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
           'https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/')
SYSTEM_DIR = '/usr/share/datasets/fashion-mnist'
CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
           'Ankle boot')
SUBFOLDERS = ('', 'fashion-mnist', os.path.join('FashionMNIST', 'raw'))


def cache_dir():
    """The user cache folder for the downloaded files."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'minigrad', 'fashion-mnist')


def default_download_dir():
    """Where a download goes: ``$MINIGRAD_DATA`` when set, else the user cache."""
    return os.environ.get('MINIGRAD_DATA') or cache_dir()


def places(root=None):
    """The folders searched, in order, as ``(folder, why it is searched)`` pairs."""
    out = []
    if root is not None:
        out.append((os.fspath(root), 'the root argument'))
    if os.environ.get('MINIGRAD_DATA'):
        out.append((os.environ['MINIGRAD_DATA'], '$MINIGRAD_DATA'))
    out.append((cache_dir(), 'the user cache'))
    out.append((SYSTEM_DIR, "Debian/Ubuntu's dataset-fashion-mnist package"))
    return out


def _file_in(folder, stem):
    """The path of ``stem`` (uncompressed preferred: faster to read) in ``folder``, or None."""
    for name in (stem, stem + '.gz'):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def find(root=None):
    """The folder holding all four files, searched in :func:`places` order; ``(None, report)`` when
    none does, ``report`` saying what each place held."""
    report = []
    for base, why in places(root):
        seen = []
        for sub in SUBFOLDERS:
            folder = os.path.join(base, sub) if sub else base
            present = [stem for stem in FILES if _file_in(folder, stem)]
            if len(present) == len(FILES):
                return folder, report
            if present:
                seen.append(f"{folder} has only {', '.join(present)}")
        held = '; '.join(seen) if seen else 'no Fashion-MNIST files'
        report.append(f"  - {os.path.abspath(base)} ({why}): {held}")
    return None, report


def _how_to_get_it(download_note):
    return (f"{download_note}\n"
            "Three ways to get the data:\n"
            "  1. with internet access: `python -m minigrad.data.fashion_mnist --ensure` downloads the four "
            f"files (30 MB, SHA-256 verified) into {default_download_dir()}\n"
            "  2. on Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (puts them in "
            f"{SYSTEM_DIR}; `make demo` does this by itself as root or with passwordless sudo)\n"
            "  3. copy the four files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, from "
            "https://github.com/zalandoresearch/fashion-mnist) into a folder and set MINIGRAD_DATA to it "
            "(or pass root=that folder)")


def ensure(root=None, download=True, download_dir=None, mirrors=MIRRORS, log=sys.stderr):
    """The folder holding the four files: found (see :func:`places`) or, failing that and with
    ``download=True``, downloaded into ``download_dir`` (default :func:`default_download_dir`).
    Raises :class:`DataNotFoundError` listing the places searched and the ways to get the data."""
    folder, report = find(root)
    if folder is not None:
        return folder
    looked = "Fashion-MNIST was not found. Places searched, in order:\n" + '\n'.join(report) + '\n'
    if not download:
        raise DataNotFoundError(looked + _how_to_get_it("Downloading was turned off (download=False)."))
    target = download_dir or default_download_dir()
    try:
        fetch(target, mirrors=mirrors, log=log)
    except (DataError, OSError) as exc:
        raise DataNotFoundError(looked + _how_to_get_it(f"Downloading into {target} failed:\n{exc}")) \
            from None
    return target


def fetch(folder, mirrors=MIRRORS, log=sys.stderr, timeout=20):
    """Download the four ``.gz`` files into ``folder``, trying each mirror in turn. Each file is
    streamed into a temporary file beside its target, its SHA-256 checked, then renamed into place
    (``os.replace``), so an interrupted or corrupted download never leaves a file under the real name."""
    os.makedirs(folder, exist_ok=True)
    for stem, (_, gz_sha256) in FILES.items():
        target = os.path.join(folder, stem + '.gz')
        if os.path.isfile(target) and _file_sha256(target) == gz_sha256:
            continue
        failures = []
        for base in mirrors:
            url = base + stem + '.gz'
            try:
                if log:
                    print(f"downloading {url} -> {target}", file=log)
                _download(url, target, gz_sha256, timeout)
                break
            except (OSError, DataError) as exc:  # URLError and HTTPError are OSErrors
                failures.append(f"    {url}: {exc}")
        else:
            raise DataError(f"could not download {stem}.gz:\n" + '\n'.join(failures))


def _download(url, target, sha256, timeout):
    digest = hashlib.sha256()
    with atomic_write(target) as out, urllib.request.urlopen(url, timeout=timeout) as response:
        for chunk in iter(lambda: response.read(1 << 20), b''):
            digest.update(chunk)
            out.write(chunk)
        if digest.hexdigest() != sha256:  # raising here removes the temporary file: nothing is kept
            raise DataError(f"checksum mismatch: SHA-256 {digest.hexdigest()}, expected {sha256} "
                            "(a truncated or altered download); nothing was kept")


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def load(train=True, root=None, download=True, download_dir=None):
    """The images and labels of one split as NumPy arrays, each file verified by its SHA-256 (found or
    downloaded by :func:`ensure`).

    Returns ``images`` float32 of shape (N, 1, 28, 28) scaled to [0, 1] (as torchvision's ``ToTensor``)
    and ``labels`` int64 of shape (N,); N is 60,000 for ``train=True`` and 10,000 otherwise.
    """
    folder = ensure(root, download, download_dir)
    image_stem, label_stem = SPLITS[bool(train)]
    raw_images = read_idx(_file_in(folder, image_stem), FILES[image_stem][0])
    raw_labels = read_idx(_file_in(folder, label_stem), FILES[label_stem][0])
    if raw_images.ndim != 3 or raw_labels.ndim != 1 or raw_images.dtype != numpy.uint8 or \
            len(raw_images) != len(raw_labels):
        raise DataError(f"{folder}: expected unsigned-byte images of shape (N, 28, 28) and N labels, got "
                        f"images {raw_images.dtype}{raw_images.shape} and labels "
                        f"{raw_labels.dtype}{raw_labels.shape}")
    images = numpy.empty((len(raw_images), 1) + raw_images.shape[1:], dtype=numpy.float32)
    numpy.divide(raw_images[:, None], numpy.float32(255), out=images)  # one pass, no float64 temporary
    return images, raw_labels.astype(numpy.int64)


def verify(folder):
    """Read the four files of ``folder``, checking each one's size, header and SHA-256."""
    for stem, (content_sha256, _) in FILES.items():
        read_idx(_file_in(folder, stem), content_sha256)


class FashionMNIST(TensorDataset):
    """One split of Fashion-MNIST in memory: ``dataset[i]`` is ``(image, label)`` with ``image`` a float32
    tensor of shape (1, 28, 28) in [0, 1] and ``label`` an int64 tensor.

    ``root`` is searched first and, as in torchvision, is where a download goes (``download_dir``
    overrides that). ``resize=(h, w)`` resizes images as they are fetched (bilinear, no antialiasing:
    see :mod:`minigrad.data.images`); the stored array stays 28x28. ``device`` moves the whole split
    there once.

    >>> train = FashionMNIST(train=True)                   # doctest: +SKIP
    >>> len(train), train[0][0].shape, FashionMNIST.classes[int(train[0][1])]
    (60000, minigrad.Size([1, 28, 28]), 'Ankle boot')
    """
    classes = CLASSES

    def __init__(self, root=None, train=True, download=True, resize=None, device=None, download_dir=None):
        from ..factories import from_numpy
        images, labels = load(train, root, download, download_dir or root)
        X, y = from_numpy(images), from_numpy(labels)
        if device is not None:
            X, y = X.to(device), y.to(device)
        super().__init__(X, y)
        self.train = bool(train)
        self.resize = tuple(resize) if resize is not None and tuple(resize) != images.shape[-2:] else None

    @property
    def images(self):
        return self.tensors[0]

    @property
    def targets(self):
        return self.tensors[1]

    def __getitem__(self, index):
        X, y = super().__getitem__(index)
        return (self._resized(X), y)

    def __getitems__(self, indices):
        X, y = super().__getitems__(indices)
        return [self._resized(X), y]

    def _resized(self, X):
        if self.resize is None:
            return X
        from ..conversion import constant
        return constant(resize_bilinear(X.array, self.resize))


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m minigrad.data.fashion_mnist',
                                     description="Find (or download) and verify Fashion-MNIST.")
    parser.add_argument('--ensure', action='store_true',
                        help='make sure the data is available: exit 0 when found or downloaded, 1 if not')
    parser.add_argument('--root', help='a folder to search first')
    parser.add_argument('--no-download', action='store_true', help='search only, never download')
    args = parser.parse_args(argv)
    if not args.ensure:
        parser.print_help()
        return 0
    try:
        folder = ensure(args.root, download=not args.no_download)
        verify(folder)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Fashion-MNIST: found and verified in {folder}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
