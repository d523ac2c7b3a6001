"""DataLoader and datasets: batching, shuffling by permutation, collation, PyTorch's shapes."""
import numpy
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.data import DataLoader, Dataset, TensorDataset, synthetic_regression
from minigrad.utils import data as utils_data


def _dataset(n, features=3):
    X = minigrad.from_numpy(numpy.arange(n * features, dtype=numpy.float32).reshape(n, features))
    y = minigrad.arange(n)
    return TensorDataset(X, y)


def test_utils_data_is_the_same_objects():
    assert utils_data.DataLoader is DataLoader
    assert utils_data.TensorDataset is TensorDataset
    assert utils_data.Dataset is Dataset
    assert minigrad.utils.data.DataLoader is DataLoader


@given(n=st.integers(1, 60), batch_size=st.integers(1, 17), shuffle=st.booleans(),
       drop_last=st.booleans(), seed=st.integers(0, 2 ** 31))
def test_every_sample_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(_dataset(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    batches = list(loader)
    assert len(batches) == len(loader)
    sizes = [len(b[1]) for b in batches]
    assert all(s == batch_size for s in sizes[:-1])
    seen = numpy.concatenate([b[1].numpy() for b in batches]) if batches else numpy.array([], int)
    if drop_last:
        assert len(loader) == n // batch_size
        assert len(seen) == (n // batch_size) * batch_size
        assert len(set(seen.tolist())) == len(seen)
    else:
        assert len(loader) == -(-n // batch_size)
        assert sorted(seen.tolist()) == list(range(n))
    if not shuffle:
        assert seen.tolist() == list(range(len(seen)))
    for X, y in batches:  # rows stay paired with their labels
        assert numpy.array_equal(X.numpy()[:, 0], y.numpy() * 3.0)


def test_batches_are_lists_of_tensors_with_pytorch_shapes():
    X, y = minigrad.randn(10, 2), minigrad.randn(10, 1)
    batch = next(iter(DataLoader(TensorDataset(X, y), batch_size=4)))
    assert isinstance(batch, list) and len(batch) == 2
    assert batch[0].shape == (4, 2) and batch[1].shape == (4, 1)
    assert not batch[0].requires_grad


def test_shuffle_changes_order_between_epochs_and_seed_reproduces_it():
    a = DataLoader(_dataset(50), batch_size=50, shuffle=True, seed=3)
    b = DataLoader(_dataset(50), batch_size=50, shuffle=True, seed=3)
    first, second = [next(iter(a))[1].tolist() for _ in range(2)]
    assert first != second
    assert [next(iter(b))[1].tolist() for _ in range(2)] == [first, second]


def test_manual_seed_drives_the_default_shuffle():
    loader = DataLoader(_dataset(50), batch_size=50, shuffle=True)
    minigrad.manual_seed(7)
    one = next(iter(loader))[1].tolist()
    minigrad.manual_seed(7)
    assert next(iter(loader))[1].tolist() == one
    assert one != list(range(50))


def test_generator_argument():
    loader = DataLoader(_dataset(30), batch_size=30, shuffle=True, generator=numpy.random.default_rng(1))
    expected = numpy.random.default_rng(1).permutation(30).tolist()
    assert next(iter(loader))[1].tolist() == expected


def test_in_order_batches_are_views_not_copies():
    ds = _dataset(8)
    X, _ = next(iter(DataLoader(ds, batch_size=4)))
    assert numpy.shares_memory(X.numpy(), ds.tensors[0].numpy())


def test_num_workers_runs_in_process():
    loader = DataLoader(_dataset(9), batch_size=4, num_workers=4)
    assert [len(b[0]) for b in loader] == [4, 4, 1]


class _Squares(Dataset):
    """A dataset without __getitems__: exercises the per-sample path and default_collate."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return minigrad.tensor([float(i), 1.0]), i * i


def test_per_sample_dataset_is_collated():
    X, y = next(iter(DataLoader(_Squares(), batch_size=5)))
    assert X.shape == (5, 2)
    assert y.tolist() == [0, 1, 4, 9, 16] and y.dtype == minigrad.int64
    shuffled = list(DataLoader(_Squares(), batch_size=2, shuffle=True, seed=0))
    assert sorted(v for b in shuffled for v in b[1].tolist()) == [0, 1, 4, 9, 16]


def test_collate_fn_is_used():
    batches = list(DataLoader(_Squares(), batch_size=2, collate_fn=lambda samples: len(samples)))
    assert batches == [2, 2, 1]


def test_tensor_dataset_indexing_and_errors():
    ds = _dataset(4)
    X0, y0 = ds[2]
    assert X0.tolist() == [6.0, 7.0, 8.0] and y0.item() == 2
    with pytest.raises(ValueError, match='same first dimension'):
        TensorDataset(minigrad.zeros(3, 2), minigrad.zeros(4))
    with pytest.raises(ValueError, match='at least one tensor'):
        TensorDataset()


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match='positive integer'):
        DataLoader(_dataset(3), batch_size=0)
    with pytest.raises(ValueError, match='not both'):
        DataLoader(_dataset(3), generator=numpy.random.default_rng(), seed=1)
    with pytest.raises(ValueError, match='mutually exclusive with shuffle'):
        DataLoader(_dataset(3), sampler=[0, 1, 2], shuffle=True)


def test_a_dataset_that_requires_grad_stays_in_the_graph():
    X = minigrad.randn(6, 2, requires_grad=True)
    ds = TensorDataset(X, minigrad.arange(6))
    batch = next(iter(DataLoader(ds, batch_size=6, shuffle=True, seed=0)))
    batch[0].sum().backward()
    assert numpy.array_equal(X.grad.numpy(), numpy.ones((6, 2), numpy.float32))


def test_synthetic_regression_matches_its_formula():
    minigrad.manual_seed(0)
    w = minigrad.tensor([2, -3.4])
    X, y = synthetic_regression(w, 4.2, 2000, noise=0.01)
    assert X.shape == (2000, 2) and y.shape == (2000, 1) and X.dtype == minigrad.float32
    residual = y.numpy()[:, 0] - (X.numpy() @ numpy.array([2, -3.4]) + 4.2)
    assert abs(residual.std() - 0.01) < 0.002 and abs(residual.mean()) < 0.002


def test_batches_stay_on_the_device_of_the_data():
    """On the guarded stand-in for a GPU (tests/guarded_numpy.py): the permutation is moved to the
    data's device, batches are indexed there and never pass through host NumPy."""
    from guarded_numpy import DEVICE, GuardedArray, guarded, installed
    with installed():
        X = minigrad.arange(20.0).reshape(10, 2).to(DEVICE)
        y = minigrad.arange(10).to(DEVICE)
        for shuffle in (False, True):
            batches = list(DataLoader(TensorDataset(X, y), batch_size=4, shuffle=shuffle, seed=0))
            assert all(type(t.array) is GuardedArray for batch in batches for t in batch)
            labels = numpy.concatenate([guarded.asnumpy(batch[1].array) for batch in batches])
            assert sorted(labels.tolist()) == list(range(10))
            rows = numpy.concatenate([guarded.asnumpy(batch[0].array) for batch in batches])
            assert numpy.array_equal(rows[:, 0], labels * 2.0)
