"""minigrad.save / minigrad.load: round trips, atomic writes, and refusal of unsafe or broken files."""
import collections
import os
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad import nn
from minigrad.serialization import LoadError


def test_state_dict_round_trip_keeps_names_order_dtypes_and_values(tmp_path):
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 2, dtype=minigrad.float64)))
    net.register_buffer('count', minigrad.tensor([3, 4]))
    path = tmp_path / 'net.npz'
    minigrad.save(net.state_dict(), path)
    loaded = minigrad.load(path)
    assert isinstance(loaded, collections.OrderedDict)
    assert list(loaded) == list(net.state_dict()) == ['count', '0.weight', '0.bias', '2.0.weight', '2.0.bias']
    for name, value in net.state_dict().items():
        assert loaded[name].dtype == value.dtype
        np.testing.assert_array_equal(loaded[name].numpy(), value.numpy())
    fresh = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 2, dtype=minigrad.float64)))
    fresh.register_buffer('count', minigrad.zeros(2, dtype=minigrad.int64))
    fresh.load_state_dict(loaded)
    x = minigrad.rand(2, 4)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), net(x).detach().numpy())


def test_the_path_is_used_as_given_and_file_permissions_are_ordinary(tmp_path):
    path = tmp_path / 'weights.bin'
    minigrad.save({'w': minigrad.ones(2)}, str(path))
    assert path.exists() and not (tmp_path / 'weights.bin.npz').exists()
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_nested_checkpoint_with_optimizer_state_round_trips(tmp_path):
    net = nn.Linear(3, 2)
    opt = minigrad.optim.Adam(net.parameters(), lr=0.01)
    net(minigrad.rand(4, 3)).sum().backward()
    opt.step()
    checkpoint = {'model': net.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3, 'note': None,
                  'betas': (0.9, 0.999), 'history': [1.5, float('inf')], 'array': np.arange(3)}
    minigrad.save(checkpoint, tmp_path / 'ckpt.npz')
    back = minigrad.load(tmp_path / 'ckpt.npz')
    assert back['epoch'] == 3 and back['note'] is None and back['betas'] == (0.9, 0.999)
    assert back['history'] == [1.5, float('inf')]
    np.testing.assert_array_equal(back['array'], np.arange(3))
    assert list(back['optimizer']['state']) == [0, 1]
    assert back['optimizer']['param_groups'][0]['betas'] == (0.9, 0.999)
    opt2 = minigrad.optim.Adam(net.parameters(), lr=0.01)
    opt2.load_state_dict(back['optimizer'])
    np.testing.assert_array_equal(opt2.state[net.weight]['exp_avg'], opt.state[net.weight]['exp_avg'])
    assert opt2.state[net.weight]['step'] == 1


def test_parameters_and_requires_grad_survive(tmp_path):
    p = nn.Parameter(minigrad.ones(2))
    t = minigrad.zeros(2, requires_grad=True)
    minigrad.save([p, t, minigrad.tensor(1.5)], tmp_path / 'x.npz')
    a, b, c = minigrad.load(tmp_path / 'x.npz')
    assert isinstance(a, nn.Parameter) and a.requires_grad
    assert type(b) is minigrad.Tensor and b.requires_grad
    assert c.item() == 1.5 and c.ndim == 0


@given(st.dictionaries(st.text(min_size=1, max_size=12), st.sampled_from(['float32', 'float64', 'int64',
                                                                          'bool']), min_size=1, max_size=5),
       st.integers(0, 2 ** 31 - 1))
def test_any_names_and_dtypes_round_trip(tmp_path_factory, spec, seed):
    rng = np.random.default_rng(seed)
    state = collections.OrderedDict(
        (name, minigrad.tensor((rng.standard_normal(tuple(rng.integers(0, 4, rng.integers(0, 3)))) * 10)
                               .astype(dtype))) for name, dtype in spec.items())
    path = tmp_path_factory.mktemp('rt') / 'state.npz'
    minigrad.save(state, path)
    loaded = minigrad.load(path)
    assert list(loaded) == list(state)
    for name in state:
        assert loaded[name].dtype == state[name].dtype and loaded[name].shape == state[name].shape
        np.testing.assert_array_equal(loaded[name].numpy(), state[name].numpy())


def test_a_failed_save_leaves_nothing_behind_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / 'model.npz'
    minigrad.save({'w': minigrad.ones(3)}, path)
    original = path.read_bytes()

    def crash(file, arrays, comment=b''):
        file.write(b'half an archive')
        raise OSError('disk full')

    monkeypatch.setattr(minigrad.backend, 'save_npz', crash)
    with pytest.raises(OSError, match='disk full'):
        minigrad.save({'w': minigrad.zeros(3)}, path)
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ['model.npz']


def test_unsavable_objects_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match='save its state_dict'):
        minigrad.save(nn.Linear(2, 2), tmp_path / 'm.npz')
    with pytest.raises(TypeError, match='cannot store a object'):
        minigrad.save({'x': object()}, tmp_path / 'm.npz')
    assert os.listdir(tmp_path) == []


def test_truncated_file_is_a_clear_error(tmp_path):
    path = tmp_path / 'model.npz'
    minigrad.save(nn.Linear(20, 20).state_dict(), path)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(LoadError, match='truncated or is not an .npz'):
        minigrad.load(path)


def test_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / 'notes.txt'
    path.write_text('hello, not an archive\n' * 20)
    with pytest.raises(LoadError, match=r'notes.txt'):
        minigrad.load(path)
    np.save(tmp_path / 'one.npy', np.ones(3))
    with pytest.raises(LoadError, match='single .npy array'):
        minigrad.load(tmp_path / 'one.npy')


class _Exploit:
    """Unpickling this object would create a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_pickled_objects_are_refused_and_never_run(tmp_path):
    marker = tmp_path / 'pwned'
    raw = tmp_path / 'raw.pkl'
    raw.write_bytes(pickle.dumps({'w': _Exploit(str(marker))}))
    with pytest.raises(LoadError, match='pickled Python objects'):
        minigrad.load(raw)
    inside = tmp_path / 'inside.npz'
    np.savez(inside, w=np.ones(2), evil=np.array([_Exploit(str(marker))], dtype=object))
    with pytest.raises(LoadError, match='pickled Python objects'):
        minigrad.load(inside)
    assert not marker.exists()


def test_a_plain_numpy_npz_loads_as_a_state_dict(tmp_path):
    np.savez(tmp_path / 'plain.npz', weight=np.ones((2, 2), dtype=np.float32), bias=np.zeros(2))
    loaded = minigrad.load(tmp_path / 'plain.npz')
    assert set(loaded) == {'weight', 'bias'} and loaded['weight'].dtype == minigrad.float32


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    np.savez(tmp_path / 'bad.npz', __minigrad__=np.frombuffer(b'{not json', dtype=np.uint8))
    with pytest.raises(LoadError, match='manifest is corrupt'):
        minigrad.load(tmp_path / 'bad.npz')
    with zipfile.ZipFile(tmp_path / 'bad.npz') as z:
        assert '__minigrad__.npy' in z.namelist()


def test_file_objects_work(tmp_path):
    with open(tmp_path / 'f.npz', 'wb') as f:
        minigrad.save({'w': minigrad.arange(3)}, f)
    with open(tmp_path / 'f.npz', 'rb') as f:
        assert minigrad.load(f)['w'].tolist() == [0, 1, 2]


def test_saving_into_a_missing_folder_names_the_folder(tmp_path):
    target = tmp_path / 'no' / 'such' / 'w.npz'
    with pytest.raises(FileNotFoundError, match=r"the folder .*no/such' does not exist"):
        minigrad.save({'w': minigrad.ones(2)}, target)
    assert not (tmp_path / 'no').exists()


def test_a_text_file_named_npz_is_not_called_pickled(tmp_path):
    path = tmp_path / 'model.npz'
    path.write_text('just some notes, not weights\n')
    with pytest.raises(LoadError) as info:
        minigrad.load(path)
    assert 'pickle' not in str(info.value)
    assert "not a minigrad, NumPy .npz or torch.save file (it starts with b'just some no'" in str(info.value)
    path.write_bytes(b'')
    with pytest.raises(LoadError, match='the file is empty'):
        minigrad.load(path)


def test_a_saved_file_records_names_and_checksums_and_is_still_a_plain_npz(tmp_path):
    import json
    minigrad.save({'w': minigrad.ones(2), 'b': minigrad.zeros(3)}, tmp_path / 'x.npz')
    with zipfile.ZipFile(tmp_path / 'x.npz') as z:
        assert z.namelist()[0] == '__minigrad__.npy' and z.comment.startswith(b'minigrad checkpoint')
    with np.load(tmp_path / 'x.npz') as plain:
        manifest = json.loads(plain['__minigrad__'].tobytes())
        assert sorted(manifest['arrays']) == ['a0', 'a1']
        assert manifest['arrays']['a0']['shape'] == [2] and len(manifest['arrays']['a0']['sha256']) == 64
        np.testing.assert_array_equal(plain['a1'], np.zeros(3, np.float32))
