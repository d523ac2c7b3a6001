"""Everyday data-pipeline code: Dataset subclasses returning tuples, dicts and NumPy arrays, the default
collate, samplers, Subset/ConcatDataset/random_split, IterableDataset, drop_last, collate_fn, seeded
shuffling by a Generator."""
import numpy as np
import pytest

from idiomcheck import check_idiom, data, idioms

pytestmark = pytest.mark.torch


def _u(lib):
    return __import__(lib.__name__ + '.utils.data', fromlist=['x'])


def idiom_collate_structures(lib):
    u = _u(lib)

    class DictDataset(u.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {'x': np.full((2,), i, dtype=np.float32), 'y': i, 'f': float(i) / 2, 'name': f'item{i}',
                    'pair': (lib.tensor([i, i]), np.int64(i))}
    batches = list(u.DataLoader(DictDataset(), batch_size=2))
    return [(b['x'], b['y'], b['f'], b['name'], b['pair']) for b in batches], len(batches)


def idiom_collate_fn_and_default(lib):
    u = _u(lib)
    ds = [(lib.tensor([float(i)]), i) for i in range(6)]

    def collate(batch):
        xs, ys = zip(*batch)
        return lib.cat(xs), lib.tensor(ys)
    loader = u.DataLoader(ds, batch_size=4, collate_fn=collate)
    dflt = u.default_collate([(np.array([1.0, 2.0]), 3), (np.array([3.0, 4.0]), 5)])
    return [b for b in loader], dflt, u.DataLoader(ds, batch_size=None).__iter__().__next__()


def idiom_samplers(lib):
    u = _u(lib)
    ds = u.TensorDataset(lib.arange(10))
    seq = list(u.SequentialSampler(ds))
    bs = list(u.BatchSampler(u.SequentialSampler(range(7)), batch_size=3, drop_last=False))
    bs_drop = list(u.BatchSampler(range(7), batch_size=3, drop_last=True))
    sub = u.Subset(ds, [1, 3, 5])
    cat = u.ConcatDataset([ds, sub])
    rs = sorted(list(u.RandomSampler(ds)))
    w = list(u.WeightedRandomSampler([0.0, 0.0, 1.0], num_samples=4, replacement=True))
    srs = sorted(list(u.SubsetRandomSampler([2, 4, 6])))
    loader = u.DataLoader(ds, batch_size=4, sampler=u.SequentialSampler(ds))
    loader2 = u.DataLoader(ds, batch_sampler=u.BatchSampler(range(10), 5, False))
    return (seq, bs, bs_drop, [sub[i] for i in range(len(sub))], len(cat), cat[11], rs, w, srs,
            [b[0] for b in loader], [b[0] for b in loader2], len(loader2))


def idiom_seeded_shuffle_is_permutation(lib):
    u = _u(lib)
    g = lib.Generator().manual_seed(0)
    loader = u.DataLoader(u.TensorDataset(lib.arange(12)), batch_size=5, shuffle=True, generator=g)
    got = [b[0] for b in loader]
    parts = u.random_split(range(10), [0.7, 0.3], generator=lib.Generator().manual_seed(1))
    return ([len(b) for b in got], sorted(int(v) for b in got for v in b), [len(p) for p in parts],
            sorted(list(parts[0]) + list(parts[1])))


def idiom_iterable_dataset(lib):
    u = _u(lib)

    class Stream(u.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            for i in range(self.n):
                yield lib.tensor([i, i * i])
    return [b for b in u.DataLoader(Stream(7), batch_size=3)], [b for b in u.DataLoader(Stream(7), batch_size=3, drop_last=True)]


def idiom_loader_options(lib):
    u = _u(lib)
    ds = u.TensorDataset(lib.tensor(data(0, 9, 2)), lib.arange(9))
    loader = u.DataLoader(ds, batch_size=4, shuffle=False, num_workers=0, pin_memory=False, drop_last=False)
    first = next(iter(loader))
    return (len(loader), first[0].shape, first[1], loader.batch_size, loader.drop_last, len(loader.dataset),
            ds.tensors[1], [x.shape for x, _ in loader])


def idiom_loader_over_numpy_and_lists(lib):
    u = _u(lib)
    xs = data(1, 6, 3)
    ys = list(range(6))
    loader = u.DataLoader(list(zip(xs, ys)), batch_size=4)
    return [(x, y) for x, y in loader], [b for b in u.DataLoader(np.arange(5.0), batch_size=2)]


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
