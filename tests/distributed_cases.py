"""Checks run under an MPI launcher by tests/test_distributed.py: ``mpiexec -n 2 python
tests/distributed_cases.py CASE``. Every rank checks its own results (against NumPy, or against a
single-process run it computes itself) and raises on a mismatch; an uncaught error aborts the job."""
import sys

import numpy

import minigrad
import minigrad.distributed as dist
from minigrad import nn, optim
from minigrad.nn.parallel import DistributedDataParallel
from minigrad.utils.data import DataLoader, DistributedSampler, TensorDataset


def _close(a, b, what, tol=0):
    a, b = (numpy.asarray(x.detach().numpy() if isinstance(x, minigrad.Tensor) else x) for x in (a, b))
    if a.shape != b.shape or not numpy.allclose(a, b, rtol=tol, atol=tol):
        raise AssertionError(f"rank {dist.get_rank()}: {what}: {a!r} != {b!r}")


def collectives():
    rank, world = dist.get_rank(), dist.get_world_size()
    values = [numpy.arange(6, dtype=numpy.float64).reshape(2, 3) * (r + 1) - r for r in range(world)]
    mine = values[rank]
    reference = {dist.ReduceOp.SUM: sum(values), dist.ReduceOp.AVG: sum(values) / world,
                 dist.ReduceOp.MAX: numpy.max(values, axis=0), dist.ReduceOp.MIN: numpy.min(values, axis=0),
                 dist.ReduceOp.PRODUCT: numpy.prod(values, axis=0)}
    for dtype in ('float64', 'float32', 'int64'):
        for op, expected in reference.items():
            if op == dist.ReduceOp.AVG and dtype == 'int64':
                continue
            for async_op in (False, True):
                t = minigrad.tensor(mine.astype(dtype))
                work = dist.all_reduce(t, op=op, async_op=async_op)
                if async_op:
                    work.wait()
                    assert work.is_completed()
                _close(t.numpy(), expected.astype(dtype), f"all_reduce {op} {dtype} async={async_op}",
                       1e-6 if dtype != 'int64' else 0)
                assert t.numpy().dtype == numpy.dtype(dtype), (t.dtype, dtype)
    t = minigrad.tensor(mine.astype('float16'))
    dist.all_reduce(t)
    _close(t.numpy().astype(numpy.float64), sum(values), 'all_reduce float16', 1e-2)
    flags = minigrad.tensor([rank == 0, True, False])
    dist.all_reduce(flags)   # SUM on bools is a logical or, as in PyTorch
    _close(flags.numpy(), [True, True, False], 'all_reduce bool')
    column = minigrad.tensor(numpy.arange(12.0).reshape(3, 4) * (rank + 1))[:, 1]   # not contiguous
    dist.all_reduce(column)
    _close(column.numpy(), numpy.arange(12.0).reshape(3, 4)[:, 1] * sum(range(1, world + 1)), 'strided')
    for src in range(world):
        for async_op in (False, True):
            t = minigrad.tensor(mine.copy())
            work = dist.broadcast(t, src=src, async_op=async_op)
            if work is not None:
                work.wait()
            _close(t.numpy(), values[src], f'broadcast from {src}')
    for dst in range(world):
        t = minigrad.tensor(mine.copy())
        dist.reduce(t, dst=dst, op=dist.ReduceOp.SUM)
        _close(t.numpy(), sum(values) if rank == dst else mine, f'reduce to {dst}')
    for async_op in (False, True):
        out = [minigrad.zeros(2, 3, dtype=minigrad.float64) for _ in range(world)]
        work = dist.all_gather(out, minigrad.tensor(mine), async_op=async_op)
        if work is not None:
            work.wait()
        for r in range(world):
            _close(out[r].numpy(), values[r], f'all_gather slot {r}')
    flat = minigrad.zeros(world * 2, 3, dtype=minigrad.float64)
    dist.all_gather_into_tensor(flat, minigrad.tensor(mine))
    _close(flat.numpy(), numpy.concatenate(values), 'all_gather_into_tensor')
    out = minigrad.zeros(2, 3, dtype=minigrad.float64)
    dist.reduce_scatter_tensor(out, minigrad.tensor(numpy.concatenate([mine] * world)))
    _close(out.numpy(), sum(values), 'reduce_scatter_tensor')
    gathered = [minigrad.zeros(2, 3, dtype=minigrad.float64) for _ in range(world)] if rank == 0 else None
    dist.gather(minigrad.tensor(mine), gathered, dst=0)
    if rank == 0:
        for r in range(world):
            _close(gathered[r].numpy(), values[r], f'gather slot {r}')
    received = minigrad.zeros(2, 3, dtype=minigrad.float64)
    pieces = [minigrad.tensor(v * 10) for v in values] if rank == 1 else None
    dist.scatter(received, pieces, src=1)
    _close(received.numpy(), values[rank] * 10, 'scatter')
    if world >= 2:
        box = minigrad.zeros(3)
        if rank == 0:
            dist.send(minigrad.tensor([1.0, 2.0, 3.0]), dst=1, tag=7)
        elif rank == 1:
            assert dist.recv(box, src=0, tag=7) == 0
            _close(box.numpy(), [1.0, 2.0, 3.0], 'send/recv')
    dist.barrier()
    dist.barrier(async_op=True).wait()
    try:
        dist.all_reduce(minigrad.tensor([1, 2]), op=dist.ReduceOp.AVG)
    except TypeError as exc:
        assert 'floating' in str(exc)
    else:
        raise AssertionError('AVG on an int tensor should raise')


class _Net(nn.Module):
    def __init__(self, n_in=5, hidden=7, unused=False):
        super().__init__()
        self.fc1 = nn.Linear(n_in, hidden)
        self.fc2 = nn.Linear(hidden, 3)
        if unused:
            self.spare = nn.Linear(2, 2)   # never called in forward
        self.register_buffer('scale', minigrad.tensor(1.0, dtype=minigrad.float64))

    def forward(self, X):
        return self.fc2(self.fc1(X).relu()) * self.scale


def _data(n, seed):
    rng = numpy.random.default_rng(seed)
    return (minigrad.tensor(rng.standard_normal((n, 5))), minigrad.tensor(rng.standard_normal((n, 3))))


def _train(model, opt_name, batches, step_every):
    opt = (optim.SGD(model.parameters(), lr=0.1, momentum=0.9) if opt_name == 'sgd'
           else optim.Adam(model.parameters(), lr=0.01))
    for i, (X, y) in enumerate(batches):
        out = model(X)
        loss = ((out - y) ** 2).mean() / step_every
        loss.backward()
        if (i + 1) % step_every == 0:
            opt.step()
            opt.zero_grad()


def ddp():
    """2-rank DDP == one process on the concatenated batch, parameter for parameter (float64)."""
    minigrad.set_default_dtype(minigrad.float64)
    rank, world = dist.get_rank(), dist.get_world_size()
    per_rank, steps = 4, 20
    X, y = _data(per_rank * world * steps * 2, seed=11)
    for opt_name in ('sgd', 'adam'):
        for accumulate in (1, 2):   # 2: every other backward is inside no_sync()
            minigrad.manual_seed(100 + rank)   # different inits: DDP must broadcast rank 0's
            model = _Net()
            ddp_model = DistributedDataParallel(model, bucket_cap_mb=0.0002)  # several buckets
            assert len(ddp_model.reducer.buckets) > 1
            minigrad.manual_seed(100)
            reference = _Net()     # rank 0's initial weights
            opt = (optim.SGD(ddp_model.parameters(), lr=0.1, momentum=0.9) if opt_name == 'sgd'
                   else optim.Adam(ddp_model.parameters(), lr=0.01))
            ref_batches = []
            for step in range(steps * accumulate):
                rows = slice(step * per_rank * world, (step + 1) * per_rank * world)
                Xs, ys = X[rows], y[rows]
                ref_batches.append((Xs, ys))
                local = slice(rank * per_rank, (rank + 1) * per_rank)
                sync = (step + 1) % accumulate == 0
                if sync:
                    loss = ((ddp_model(Xs[local]) - ys[local]) ** 2).mean() / accumulate
                    loss.backward()
                    opt.step()
                    opt.zero_grad()
                else:
                    with ddp_model.no_sync():
                        loss = ((ddp_model(Xs[local]) - ys[local]) ** 2).mean() / accumulate
                        loss.backward()
            _train(reference, opt_name, ref_batches, accumulate)
            for (name, p), q in zip(model.named_parameters(), reference.parameters()):
                _close(p, q, f'{opt_name} accumulate={accumulate} {name}', 1e-6)
    # find_unused_parameters: a parameter no rank uses keeps grad None; the others are averaged
    minigrad.manual_seed(5)
    model = DistributedDataParallel(_Net(unused=True), find_unused_parameters=True)
    Xl, yl = _data(4, seed=rank)
    ((model(Xl) - yl) ** 2).mean().backward()
    assert model.module.spare.weight.grad is None
    g = model.module.fc1.weight.grad.numpy().copy()
    everyone = [minigrad.zeros(*g.shape) for _ in range(world)]
    dist.all_gather(everyone, minigrad.tensor(g))
    for other in everyone:
        _close(other.numpy(), g, 'averaged gradients are the same on every rank')
    # without find_unused_parameters, an unused parameter is reported at the next forward
    plain = DistributedDataParallel(_Net(unused=True))
    ((plain(Xl) - yl) ** 2).mean().backward()
    try:
        plain(Xl)
    except RuntimeError as exc:
        assert 'find_unused_parameters=True' in str(exc)
    else:
        raise AssertionError('an unfinished reduction should raise at the next forward')
    keys = list(DistributedDataParallel(_Net()).state_dict())
    assert set(keys) == {'module.scale', 'module.fc1.weight', 'module.fc1.bias', 'module.fc2.weight',
                         'module.fc2.bias'}, keys


def sampler():
    rank, world = dist.get_rank(), dist.get_world_size()
    n = 37
    ds = TensorDataset(minigrad.arange(n))
    for drop_last in (False, True):
        s = DistributedSampler(ds, shuffle=True, seed=3, drop_last=drop_last)
        assert s.num_replicas == world and s.rank == rank
        s.set_epoch(2)
        loader = DataLoader(ds, batch_size=5, sampler=s)
        mine = numpy.concatenate([b[0].numpy() for b in loader])
        assert len(mine) == len(s)
        out = [minigrad.zeros(len(s), dtype=minigrad.int64) for _ in range(world)]
        dist.all_gather(out, minigrad.tensor(mine))
        every = numpy.concatenate([o.numpy() for o in out])
        if drop_last:
            assert len(set(every.tolist())) == len(every) == n - n % world
        else:
            assert set(every.tolist()) == set(range(n)) and len(every) == len(s) * world


def trainer():
    """d2l.Trainer under the launcher: data sharded, metrics averaged, only rank 0 prints."""
    from minigrad import d2l
    minigrad.manual_seed(0)
    data = d2l.SyntheticRegressionData(w=minigrad.tensor([2.0, -3.4]), b=4.2, num_train=1000, num_val=100,
                                       batch_size=10)
    model = d2l.LinearRegression(lr=0.03)
    model.board.display = False
    history = d2l.Trainer(max_epochs=2, progress=False).fit(model, data)
    w = next(iter(model.parameters())).detach().numpy().copy()
    everyone = [minigrad.zeros(*w.shape) for _ in range(dist.get_world_size())]
    dist.all_gather(everyone, minigrad.tensor(w))
    for other in everyone:
        _close(other.numpy(), w, 'replicas stay identical', 1e-6)
    losses = minigrad.tensor([history[-1]['val_loss']], dtype=minigrad.float64)
    dist.all_reduce(losses, op=dist.ReduceOp.MAX)
    _close(losses.numpy(), [history[-1]['val_loss']], 'the same averaged metrics on every rank', 1e-9)
    assert history[-1]['val_loss'] < 0.01, history


def staging():
    """Tensors on a second device (tests/guarded_numpy.py stands in for CuPy) go through host staging
    and stay on their device; DDP on that device trains as on the CPU."""
    from guarded_numpy import DEVICE, GuardedArray, installed
    rank, world = dist.get_rank(), dist.get_world_size()
    with installed():
        t = minigrad.tensor([1.0, 2.0, 3.0], device=DEVICE) * (rank + 1)
        dist.all_reduce(t)
        assert type(t.array) is GuardedArray
        _close(t.cpu(), numpy.array([1.0, 2.0, 3.0]) * sum(range(1, world + 1)), 'staged all_reduce', 1e-6)
        b = minigrad.full((2,), float(rank), device=DEVICE)
        dist.broadcast(b, src=world - 1)
        assert type(b.array) is GuardedArray
        _close(b.cpu(), [world - 1.0] * 2, 'staged broadcast')
        slots = [minigrad.zeros(2, device=DEVICE) for _ in range(world)]
        dist.all_gather(slots, b * 0 + rank)
        assert all(type(s.array) is GuardedArray for s in slots)
        _close(numpy.concatenate([s.cpu().numpy() for s in slots]), numpy.repeat(numpy.arange(world), 2),
               'staged all_gather')
        results = {}
        for device in ('cpu', DEVICE):
            minigrad.manual_seed(3)
            net = _Net().to(device)
            model = DistributedDataParallel(net, bucket_cap_mb=0.0001)
            opt = optim.SGD(model.parameters(), lr=0.1)
            X, y = _data(8, seed=rank)
            for _ in range(3):
                loss = ((model(X.to(device)) - y.to(device)) ** 2).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
            if device == DEVICE:
                assert all(type(p.grad.array) is GuardedArray for p in net.parameters())
            results[device] = [p.detach().cpu().numpy() for p in net.parameters()]
        for a, b in zip(results['cpu'], results[DEVICE]):
            _close(a, b, 'DDP on the second device equals DDP on the CPU', 1e-6)


def fail():
    """Rank 1 raises while rank 0 waits in a collective: the job must end, not hang."""
    if dist.get_rank() == 1:
        raise ValueError('deliberate failure on rank 1')
    dist.barrier()


def main(cases):
    dist.init_process_group('mpi')
    for case in cases:
        globals()[case]()
        dist.barrier()
    if dist.get_rank() == 0:
        print('ALL PASSED: ' + ' '.join(cases), flush=True)
    dist.destroy_process_group()


if __name__ == '__main__':
    main(sys.argv[1:])
