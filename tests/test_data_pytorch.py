"""torch.utils.data's behaviour: samplers, random_split, Subset/Concat/Stack/Iterable datasets,
DataLoader's sampler=/batch_sampler=/collate_fn= rules and default_collate's types, checked against
torch where the result is deterministic (orders drawn from a generator differ by design: NumPy's)."""
import collections

import numpy
import pytest

import minigrad
from minigrad.utils import data as D

torch = pytest.importorskip('torch')
tdata = torch.utils.data

Point = collections.namedtuple('Point', 'x label')


def _as_plain(batch):
    """A batch (minigrad or torch) as nested Python values plus dtype names, for comparison."""
    if hasattr(batch, 'dtype') and hasattr(batch, 'tolist'):
        return ('tensor', str(batch.dtype).split('.')[-1], batch.tolist())
    if isinstance(batch, dict):
        return {k: _as_plain(v) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, '_fields'):
        return (type(batch).__name__,) + tuple(_as_plain(v) for v in batch)
    if isinstance(batch, (list, tuple)):
        return (type(batch).__name__, [_as_plain(v) for v in batch])
    return batch


SAMPLES = {
    'floats are float64': [1.5, 2.5],
    'ints are int64': [1, 2],
    'bools': [True, False],
    'strings stay a list': ['a', 'b'],
    'numpy float32 scalars': [numpy.float32(1), numpy.float32(2)],
    'numpy int32 scalars': [numpy.int32(1), numpy.int32(2)],
    'numpy arrays': [numpy.zeros(2, numpy.float32), numpy.ones(2, numpy.float32)],
    'tuples become lists': [(1, 'a', 0.5), (2, 'b', 1.5)],
    'lists': [[1, 2], [3, 4]],
    'dicts': [{'x': 1, 's': 'a', 'f': 0.5}, {'x': 2, 's': 'b', 'f': 1.0}],
    'namedtuples': [Point(1, 2.0), Point(3, 4.0)],
    'nested': [{'pair': (numpy.float64(1), [1, 2])}, {'pair': (numpy.float64(2), [3, 4])}],
}


@pytest.mark.parametrize('name', SAMPLES)
def test_default_collate_matches_torch(name):
    samples = SAMPLES[name]
    assert _as_plain(D.default_collate(samples)) == _as_plain(tdata.default_collate(samples))


def test_default_collate_stacks_tensors_and_keeps_their_dtype():
    a = [minigrad.tensor([1.0, 2.0]), minigrad.tensor([3.0, 4.0])]
    t = [torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])]
    assert _as_plain(D.default_collate(a)) == _as_plain(tdata.default_collate(t))
    with pytest.raises(RuntimeError, match='equal size'):
        D.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match='batch must contain'):
        D.default_collate([object(), object()])


@pytest.mark.parametrize('data', [numpy.float32(3), numpy.arange(3), (1, numpy.arange(2)), {'a': [1, 2]},
                                  'text', 7])
def test_default_convert_matches_torch(data):
    assert _as_plain(D.default_convert(data)) == _as_plain(tdata.default_convert(data))


@pytest.mark.parametrize('n, lengths', [(10, [0.33, 0.33, 0.34]), (11, [0.5, 0.5]), (7, [0.1, 0.1, 0.8]),
                                        (5, [0.2, 0.8]), (10, [3, 7]), (100, [0.25] * 4)])
def test_random_split_lengths_match_torch(n, lengths):
    ours = D.random_split(range(n), lengths, generator=0)
    theirs = tdata.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    together = sorted(i for s in ours for i in s)
    assert together == list(range(n))      # disjoint and covering
    assert all(isinstance(s, D.Subset) for s in ours)


def test_random_split_is_reproducible_and_checks_lengths():
    a = [list(s) for s in D.random_split(range(20), [0.5, 0.5], generator=3)]
    b = [list(s) for s in D.random_split(range(20), [0.5, 0.5], generator=numpy.random.default_rng(3))]
    assert a == b
    minigrad.manual_seed(1)
    c = [list(s) for s in D.random_split(range(20), [10, 10])]
    minigrad.manual_seed(1)
    assert c == [list(s) for s in D.random_split(range(20), [10, 10])]
    with pytest.raises(ValueError, match='Sum of input lengths'):
        D.random_split(range(5), [2, 2])
    with pytest.warns(UserWarning, match='Length of split at index 0 is 0'):
        D.random_split(range(3), [0.0, 1.0])


def test_samplers_in_deterministic_cases_match_torch():
    ds = list(range(10))
    assert list(D.SequentialSampler(ds)) == list(tdata.SequentialSampler(ds))
    for bs, drop in ((3, False), (3, True), (5, True), (20, False)):
        ours = D.BatchSampler(D.SequentialSampler(ds), bs, drop)
        theirs = tdata.BatchSampler(tdata.SequentialSampler(ds), bs, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for n_samples in (4, 10, 23):
        ours = D.RandomSampler(ds, num_samples=n_samples, generator=1)
        theirs = tdata.RandomSampler(ds, num_samples=n_samples)
        drawn = list(ours)
        assert len(drawn) == len(ours) == len(theirs) == n_samples
        for start in range(0, n_samples - n_samples % 10, 10):   # whole permutations, then a cut one
            assert sorted(drawn[start:start + 10]) == ds
        assert len(set(drawn[n_samples - n_samples % 10:])) == n_samples % 10
    with_replacement = list(D.RandomSampler(ds, replacement=True, num_samples=200, generator=0))
    assert len(with_replacement) == 200 and len(set(with_replacement)) < 200
    subset = D.SubsetRandomSampler([3, 5, 7], generator=0)
    assert sorted(subset) == [3, 5, 7] and len(subset) == 3
    weighted = list(D.WeightedRandomSampler([0, 0, 1.0, 0], 5, generator=0))
    assert weighted == list(tdata.WeightedRandomSampler([0, 0, 1.0, 0], 5))
    no_rep = list(D.WeightedRandomSampler([1, 1, 1, 0], 3, replacement=False, generator=0))
    assert sorted(no_rep) == [0, 1, 2]
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match='num_samples should be a positive integer'):
            D.RandomSampler(ds, num_samples=bad)
    with pytest.raises(ValueError, match='batch_size should be a positive integer'):
        D.BatchSampler(ds, 0, False)


def test_same_generator_seed_same_order_every_run():
    def epoch(seed):
        loader = D.DataLoader(D.TensorDataset(minigrad.arange(30)), batch_size=7, shuffle=True,
                              generator=seed)
        return [b[0].tolist() for b in loader]
    assert epoch(5) == epoch(5) != epoch(6)
    sampler = D.RandomSampler(range(30), generator=numpy.random.default_rng(5))
    assert list(sampler) == sum(epoch(5), [])


def test_subset_concat_stack_datasets():
    base = D.TensorDataset(minigrad.arange(10) * 10, minigrad.arange(10))
    sub = D.Subset(base, [7, 2, 5])
    assert len(sub) == 3 and sub[0][0].item() == 70
    assert [b[1].tolist() for b in D.DataLoader(sub, batch_size=2)] == [[7, 2], [5]]
    cat = D.ConcatDataset([range(3), range(10, 14)])
    tcat = tdata.ConcatDataset([range(3), range(10, 14)])
    assert [cat[i] for i in range(-7, 7)] == [tcat[i] for i in range(-7, 7)]
    assert cat.cumulative_sizes == tcat.cumulative_sizes == [3, 7]
    assert len(D.Dataset.__add__(sub, sub)) == 6
    with pytest.raises(ValueError, match='should not exceed'):
        cat[-8]
    with pytest.raises(ValueError, match='empty'):
        D.ConcatDataset([])
    stack = D.StackDataset(range(3), [0.5, 1.5, 2.5])
    assert stack[1] == (1, 1.5)
    named = D.StackDataset(a=range(3), b=range(3, 6))
    assert named[2] == {'a': 2, 'b': 5}
    batch = next(iter(D.DataLoader(named, batch_size=3)))
    assert batch['b'].tolist() == [3, 4, 5] and batch['b'].dtype == minigrad.int64
    with pytest.raises(ValueError, match='Size mismatch'):
        D.StackDataset(range(2), range(3))


class _Stream(D.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter({'v': float(i)} for i in range(self.n))


def test_iterable_dataset_and_chain():
    batches = list(D.DataLoader(_Stream(5), batch_size=2))
    assert [b['v'].tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert batches[0]['v'].dtype == minigrad.float64
    assert len(list(D.DataLoader(_Stream(5), batch_size=2, drop_last=True))) == 2
    unbatched = list(D.DataLoader(_Stream(2), batch_size=None))
    assert unbatched == [{'v': 0.0}, {'v': 1.0}]
    chained = _Stream(2) + _Stream(3)
    assert isinstance(chained, D.ChainDataset) and len(list(chained)) == 5
    with pytest.raises(ValueError, match='expected unspecified shuffle'):
        D.DataLoader(_Stream(3), shuffle=True)
    with pytest.raises(TypeError):
        len(D.DataLoader(_Stream(3)))


def test_dataloader_sampler_batch_sampler_and_collate_fn():
    ds = D.TensorDataset(minigrad.arange(10.0), minigrad.arange(10))
    loader = D.DataLoader(ds, batch_size=3, sampler=[9, 0, 4, 4])
    assert [b[1].tolist() for b in loader] == [[9, 0, 4], [4]] and len(loader) == 2
    loader = D.DataLoader(ds, batch_sampler=[[1, 2], [8]])
    assert [b[1].tolist() for b in loader] == [[1, 2], [8]]
    loader = D.DataLoader(ds, batch_size=4, collate_fn=lambda samples: [int(s[1]) for s in samples])
    assert list(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    single = list(D.DataLoader(ds, batch_size=None, sampler=[3]))
    assert single[0][1].item() == 3 and single[0][1].shape == ()
    weighted = D.DataLoader(ds, batch_size=5, sampler=D.WeightedRandomSampler([0] * 9 + [1], 5, generator=0))
    assert next(iter(weighted))[1].tolist() == [9] * 5
    for kwargs, match in (({'sampler': [0], 'shuffle': True}, 'mutually exclusive with shuffle'),
                          ({'batch_sampler': [[0]], 'batch_size': 2}, 'mutually exclusive with batch_size'),
                          ({'batch_sampler': [[0]], 'drop_last': True}, 'mutually exclusive'),
                          ({'num_workers': -1}, 'non-negative'),
                          ({'persistent_workers': True}, 'needs num_workers > 0'),
                          ({'batch_size': None, 'drop_last': True}, 'mutually exclusive with drop_last')):
        with pytest.raises(ValueError, match=match):
            D.DataLoader(ds, **kwargs)
        with pytest.raises(ValueError):
            tdata.DataLoader(range(10), **kwargs)


def test_worker_arguments_are_accepted_and_loading_stays_in_process():
    calls = []
    loader = D.DataLoader(D.TensorDataset(minigrad.arange(6)), batch_size=4, num_workers=2, pin_memory=True,
                          persistent_workers=True, worker_init_fn=calls.append, prefetch_factor=2)
    assert [len(b[0]) for b in loader] == [4, 2]
    list(loader)
    assert calls == [0] and D.get_worker_info() is None


def test_dataloader_over_dict_samples_collates_per_key():
    class Records(D.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {'image': numpy.full((2,), i, numpy.float32), 'label': i, 'weight': 0.5 * i}
    batch = next(iter(D.DataLoader(Records(), batch_size=4)))
    assert batch['image'].shape == (4, 2) and batch['image'].dtype == minigrad.float32
    assert batch['label'].dtype == minigrad.int64 and batch['weight'].dtype == minigrad.float64


def test_random_split_subsets_keep_the_fast_path():
    X = minigrad.arange(40.0).reshape(20, 2)
    train, val = D.random_split(D.TensorDataset(X, minigrad.arange(20)), [0.75, 0.25], generator=0)
    rows = [b for b in D.DataLoader(train, batch_size=4, shuffle=True, generator=1)]
    labels = sorted(v for b in rows for v in b[1].tolist())
    assert labels == sorted(train.indices) and len(labels) == 15
    for Xb, yb in rows:
        assert Xb.numpy()[:, 0].tolist() == (yb.numpy() * 2.0).tolist()


def test_distributed_sampler_partition_matches_torch():
    for n in (10, 11, 1, 3):
        for replicas in (1, 2, 3, 4):
            for drop_last in (False, True):
                if drop_last and n < replicas:
                    continue
                ours = [list(D.DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop_last))
                        for r in range(replicas)]
                theirs = [list(tdata.DistributedSampler(range(n), replicas, r, shuffle=False,
                                                        drop_last=drop_last)) for r in range(replicas)]
                assert ours == theirs


def test_distributed_sampler_shards_are_disjoint_cover_and_reshuffle_per_epoch():
    n, replicas = 103, 4
    samplers = [D.DistributedSampler(range(n), replicas, r, seed=7) for r in range(replicas)]
    shards = [list(s) for s in samplers]
    assert all(len(s) == 26 for s in shards)
    flat = sum(shards, [])
    assert set(flat) == set(range(n)) and len(flat) - len(set(flat)) == 26 * 4 - n  # padding only
    dropped = [list(D.DistributedSampler(range(n), replicas, r, seed=7, drop_last=True))
               for r in range(replicas)]
    flat = sum(dropped, [])
    assert len(flat) == len(set(flat)) == 100
    for s in samplers:
        s.set_epoch(1)
    again = [list(s) for s in samplers]
    assert again != shards and set(sum(again, [])) == set(range(n))
    with pytest.raises(ValueError, match='Invalid rank 4'):
        D.DistributedSampler(range(n), 4, 4)
    with pytest.raises(RuntimeError, match='init_process_group'):
        D.DistributedSampler(range(n))


from hypothesis import given, strategies as st  # noqa: E402


@given(n=st.integers(1, 60), replicas=st.integers(1, 6), drop_last=st.booleans())
def test_distributed_sampler_partition_property_matches_torch(n, replicas, drop_last):
    """In order, the shards are torch's index for index; shuffled, each rank gets as many samples as in
    torch, the shards are disjoint apart from torch's padding, and together cover what torch covers."""
    ours = [list(D.DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop_last))
            for r in range(replicas)]
    theirs = [list(tdata.DistributedSampler(range(n), replicas, r, shuffle=False, drop_last=drop_last))
              for r in range(replicas)]
    assert ours == theirs
    shuffled = [list(D.DistributedSampler(range(n), replicas, r, seed=1, drop_last=drop_last))
                for r in range(replicas)]
    assert [len(s) for s in shuffled] == [len(s) for s in theirs]
    flat = sum(shuffled, [])
    if drop_last:
        assert len(set(flat)) == len(flat)
    else:
        assert set(flat) == set(range(n))


@given(n=st.integers(1, 40), num_samples=st.integers(1, 100), seed=st.integers(0, 2 ** 31))
def test_random_sampler_without_replacement_is_whole_permutations(n, num_samples, seed):
    drawn = list(D.RandomSampler(range(n), num_samples=num_samples, generator=seed))
    assert len(drawn) == num_samples
    for start in range(0, num_samples, n):
        chunk = drawn[start:start + n]
        assert len(set(chunk)) == len(chunk) and set(chunk) <= set(range(n))
