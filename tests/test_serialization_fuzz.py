"""Damaged minigrad files: every one is either refused with a LoadError or loads exactly as saved.

A small checkpoint is saved once; then every byte gets one flipped bit (a different bit per byte,
plus random extra flips), the file is cut at every length, and its members are renamed, swapped,
dropped, duplicated or joined by a stranger. Nothing may come back as different data, and nothing
may escape as another exception. Bounded to a few seconds (the file is ~2 kB).
"""
import collections
import io
import random
import zipfile

import numpy as np
import pytest

import minigrad
from minigrad.serialization import LoadError


def _checkpoint():
    return {'model': collections.OrderedDict([('w', minigrad.arange(6, dtype=minigrad.float32).reshape(2, 3)),
                                              ('b', minigrad.tensor([1, -2], dtype=minigrad.int64))]),
            'epoch': 7, 'lr': 0.5, 'name': 'mlp', 'betas': (0.9, 0.99)}


def _same(a, b):
    if isinstance(a, minigrad.Tensor):
        return (isinstance(b, minigrad.Tensor) and a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a.numpy(), b.numpy()))
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


@pytest.fixture(scope='module')
def original():
    buffer = io.BytesIO()
    minigrad.save(_checkpoint(), buffer)
    return buffer.getvalue()


def _outcome(data):
    """'refused' or 'exact'; anything else fails the test."""
    try:
        loaded = minigrad.load(io.BytesIO(data))
    except LoadError:
        return 'refused'
    assert _same(loaded, _checkpoint()), f"a damaged file loaded as different data: {loaded!r}"
    return 'exact'


def test_the_undamaged_file_loads_exactly(original):
    assert _outcome(original) == 'exact'


def test_every_byte_with_a_flipped_bit_is_refused_or_exact(original):
    rng = random.Random(0)
    outcomes = collections.Counter()
    for position in range(len(original)):
        for bit in {position % 8, rng.randrange(8)}:
            damaged = bytearray(original)
            damaged[position] ^= 1 << bit
            outcomes[_outcome(bytes(damaged))] += 1
    assert outcomes['refused'] > len(original)  # most damage is seen, not merely harmless


def test_random_multi_bit_damage_is_refused_or_exact(original):
    rng = random.Random(1)
    for _ in range(500):
        damaged = bytearray(original)
        for _ in range(rng.randint(2, 6)):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        _outcome(bytes(damaged))


def test_every_truncation_is_refused(original):
    for length in range(len(original)):
        assert _outcome(original[:length]) == 'refused', length


def _rewrite(original, change):
    """The archive with its members passed through ``change(list of (name, bytes))``."""
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
        comment = z.comment
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.comment = comment
        for name, data in change(members):
            z.writestr(name, data)
    return buffer.getvalue()


CHANGES = {
    'swap the data of two arrays': lambda m: [m[0], (m[1][0], m[2][1]), (m[2][0], m[1][1])] + m[3:],
    'swap the names of two arrays': lambda m: [m[0], (m[2][0], m[1][1]), (m[1][0], m[2][1])] + m[3:],
    'rename an array': lambda m: [m[0], ('a9.npy', m[1][1])] + m[2:],
    'rename the manifest': lambda m: [('__minigrad_.npy', m[0][1])] + m[1:],
    'drop the manifest': lambda m: m[1:],
    'drop an array': lambda m: m[:1] + m[2:],
    'duplicate an array': lambda m: m + [m[1]],
    'add a stranger': lambda m: m + [('extra.npy', m[1][1])],
    'members in another order': lambda m: m[::-1],
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize('change', sorted(CHANGES))
def test_swapped_renamed_dropped_or_extra_members_are_refused(original, change):
    damaged = _rewrite(original, CHANGES[change])
    if change == 'members in another order':
        assert _outcome(damaged) == 'exact'
    else:
        with pytest.raises(LoadError, match='damaged'):
            minigrad.load(io.BytesIO(damaged))
