"""minigrad.load reads state dicts written by torch.save (zip and legacy layouts) through a restricted
unpickler, and refuses every pickle that asks for anything but tensors, storages and plain containers.

The files in tests/data/torch/ were written by torch 2.13 (tests/data/torch/make_files.py); their
values are rebuilt here with NumPy, so these tests need no torch. The tests marked ``torch`` compare
with torch.load itself and with files torch writes now.
"""
import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.serialization import LoadError

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'torch')


def _bfloat16(x):
    """float32 -> bfloat16 -> float32 with round-to-nearest-even (what torch's .bfloat16() does)."""
    bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def expected_dtypes():
    base = np.arange(24, dtype=np.float64).reshape(4, 6) / 8 - 1
    return {
        'float64': base, 'float32': base.astype(np.float32), 'float16': base.astype(np.float16),
        'bfloat16': _bfloat16(base), 'int64': np.arange(-5, 5),
        'int32': np.arange(6, dtype=np.int32).reshape(2, 3),
        'int16': np.arange(4, dtype=np.int16), 'int8': np.arange(-3, 3, dtype=np.int8),
        'uint8': np.arange(250, 256, dtype=np.uint8), 'bool': np.arange(5) % 2 == 0,
        'scalar': np.float32(2.5), 'empty': np.zeros((0, 3), np.float32),
        'transposed': base.astype(np.float32).T, 'offset_view': base.astype(np.float32)[1:, 2:4],
        'parameter': np.arange(3, dtype=np.float32),
    }


@pytest.mark.parametrize('name', ['dtypes.pt', 'dtypes_legacy.pt'])
def test_tensors_of_every_dtype_and_layout_load_exactly(name):
    loaded = minigrad.load(os.path.join(HERE, name))
    expected = expected_dtypes()
    assert list(loaded) == list(expected)
    for key, value in expected.items():
        got = loaded[key]
        assert isinstance(got, minigrad.Tensor), key
        assert got.shape == value.shape, key
        assert got.dtype == value.dtype, key   # bfloat16 is widened to float32, exactly
        np.testing.assert_array_equal(got.detach().numpy(), value, err_msg=key)
    assert isinstance(loaded['parameter'], nn.Parameter) and loaded['parameter'].requires_grad
    assert not loaded['float32'].requires_grad
    loaded['transposed'].add_(1)  # a fresh, writable array (not a view into the file's bytes)


def test_a_torch_state_dict_loads_into_a_minigrad_module():
    sd = minigrad.load(os.path.join(HERE, 'state_dict.pt'))
    assert type(sd) is collections.OrderedDict
    assert list(sd) == ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var',
                        '1.num_batches_tracked']
    assert sd['1.num_batches_tracked'].dtype == minigrad.int64 and sd['1.num_batches_tracked'].ndim == 0
    lin = nn.Linear(3, 2)
    lin.load_state_dict({'weight': sd['0.weight'], 'bias': sd['0.bias']})
    np.testing.assert_array_equal(lin.weight.detach().numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(lin.bias.detach().numpy(), [1, 2])


def test_nested_checkpoints_with_optimiser_state_and_plain_values():
    ck = minigrad.load(os.path.join(HERE, 'nested.pt'))
    assert ck['epoch'] == 3 and ck['tags'] == ('a', 'b') and ck['raw'] == b'\x00\xff' and ck['none'] is None
    assert ck['history'] == [1.5, float('inf')]
    assert type(ck['ordered']) is collections.OrderedDict and list(ck['ordered']) == ['b', 'a']
    assert list(ck['model']) == list(minigrad.load(os.path.join(HERE, 'state_dict.pt')))
    state = ck['optimizer']['state']
    assert sorted(state) == [0, 1]
    np.testing.assert_array_equal(state[0]['momentum_buffer'].numpy(), np.ones((2, 3), np.float32))
    assert ck['optimizer']['param_groups'][0]['momentum'] == 0.9


# ------------------------------------------------------------------------------- malicious pickles
class _RunsShell:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


class _Evaluates:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


def _torch_zip(payload):
    """A file laid out as torch.save's zip (archive/data.pkl, byteorder, version) holding ``payload``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr('archive/data.pkl', pickle.dumps(payload, protocol=2))
        z.writestr('archive/byteorder', 'little')
        z.writestr('archive/version', '3\n')
    return buffer.getvalue()


def _legacy(payload):
    return b''.join(pickle.dumps(v, protocol=2) for v in
                    (0x1950a86a20f9469cfc6c, 1001, {'protocol_version': 1001, 'little_endian': True},
                     payload, []))


@pytest.mark.parametrize('layout', [_torch_zip, _legacy])
def test_a_pickle_that_would_run_a_shell_command_is_refused_naming_it(tmp_path, layout):
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pt'
    path.write_bytes(layout({'weight': _RunsShell(marker)}))
    with pytest.raises(LoadError, match=r'refusing to load .*evil\.pt.*\((posix|nt|os)\.system\)'):
        minigrad.load(path)
    path.write_bytes(layout([_Evaluates()]))
    with pytest.raises(LoadError, match=r'builtins\.eval'):
        minigrad.load(path)
    assert not marker.exists()


def test_a_persistent_id_that_is_not_a_storage_is_refused(tmp_path):
    class _Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            return ('module', 'os', 'x') if obj == 'hook' else None

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump({'w': 'hook'})
    data = io.BytesIO()
    with zipfile.ZipFile(data, 'w') as z:
        z.writestr('archive/data.pkl', buffer.getvalue())
    path = tmp_path / 'pid.pt'
    path.write_bytes(data.getvalue())
    with pytest.raises(LoadError, match='not a storage'):
        minigrad.load(path)


def test_a_tensor_running_past_its_storage_is_refused(tmp_path):
    """A storage of 2 floats and a tensor that claims 4 of them: refused, nothing read out of bounds."""
    data = (open(os.path.join(HERE, 'dtypes_legacy.pt'), 'rb').read())
    assert data  # the legacy layout is checked end to end above; here, a hand-made zip
    pkl = (b'\x80\x02}X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage'
           b'ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQK\x00K\x04\x85K\x01\x85'
           b'\x89ccollections\nOrderedDict\n)RtRs.')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as z:
        z.writestr('archive/data.pkl', pkl)
        z.writestr('archive/data/0', struct.pack('<2f', 1, 2))
    (tmp_path / 'short.pt').write_bytes(buffer.getvalue())
    with pytest.raises(LoadError, match='runs past the end of storage'):
        minigrad.load(tmp_path / 'short.pt')


def test_weights_only_false_is_refused():
    with pytest.raises(ValueError, match='never unpickles'):
        minigrad.load(os.path.join(HERE, 'state_dict.pt'), weights_only=False)


# ---------------------------------------------------------------------------- against torch itself
@pytest.mark.torch
@pytest.mark.parametrize('name', ['dtypes.pt', 'dtypes_legacy.pt', 'state_dict.pt'])
def test_the_same_values_as_torch_load(name):
    import torch
    ours = minigrad.load(os.path.join(HERE, name))
    theirs = torch.load(os.path.join(HERE, name), weights_only=True)
    assert list(ours) == list(theirs)
    for key, t in theirs.items():
        np.testing.assert_array_equal(ours[key].detach().numpy(), t.detach().float().numpy() if t.dtype ==
                                      torch.bfloat16 else t.detach().numpy(), err_msg=key)


@pytest.mark.torch
def test_files_torch_writes_now_including_a_malicious_one(tmp_path):
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    torch.save(net.state_dict(), tmp_path / 'net.pt')
    ours = minigrad.load(tmp_path / 'net.pt')
    mine = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    mine.load_state_dict(ours)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(mine(minigrad.tensor(x)).detach().numpy(),
                               net(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)
    marker = tmp_path / 'pwned'
    torch.save({'w': torch.ones(2), 'evil': _RunsShell(marker)}, tmp_path / 'evil.pt')
    with pytest.raises(LoadError, match=r'\((posix|nt|os)\.system\)'):
        minigrad.load(tmp_path / 'evil.pt')
    assert not marker.exists()


def test_damaged_torch_files_are_refused_cleanly():
    """Cut or bit-flipped copies of the torch files: a LoadError or a load, never another exception. The
    zip layout's CRCs make every load exact; the legacy layout carries no checksum at all, so a flipped
    bit in its raw storage bytes changes a value unseen (docs/nn.md says so)."""
    import random
    rng = random.Random(0)
    for name in ('state_dict.pt', 'dtypes_legacy.pt'):
        data = open(os.path.join(HERE, name), 'rb').read()
        good = minigrad.load(os.path.join(HERE, name))
        for trial in range(300):
            damaged = bytearray(data)
            if trial % 3 == 0:
                damaged = damaged[:rng.randrange(len(data))]
            else:
                damaged[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            try:
                loaded = minigrad.load(io.BytesIO(bytes(damaged)))
            except LoadError:
                continue
            if name == 'dtypes_legacy.pt':
                continue
            assert list(loaded) == list(good)
            for key in good:
                np.testing.assert_array_equal(loaded[key].detach().numpy(), good[key].detach().numpy())
