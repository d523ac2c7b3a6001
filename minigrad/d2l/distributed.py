"""What the :class:`~minigrad.d2l.Trainer` does differently under an MPI launcher (``mpiexec -n 4``,
after ``minigrad.distributed.init_process_group()``); outside a process group of more than one every
function here leaves things as they are.

- the training data is sharded with a :class:`~minigrad.utils.data.DistributedSampler` (each rank
  takes ``batch_size`` examples per step, so a step sees ``world_size * batch_size``, PyTorch's
  convention), reshuffled every epoch from a seed that rank 0 draws from minigrad's generator; the
  validation data is split without padding (rank ``r`` takes rows ``r, r + world, ...``), so averaged
  metrics count every example once;
- the model's gradients are averaged by :class:`~minigrad.nn.parallel.DistributedDataParallel`'s hooks
  (the Trainer keeps calling the model itself; the hooks are on its parameters);
- the epoch's metrics are summed over the ranks (weighted by examples) before they are averaged, so
  every rank reports the same numbers; only rank 0 prints and writes files.
"""
from .. import distributed as dist


def active():
    """True inside a process group of more than one process."""
    return dist.is_initialized() and dist.get_world_size() > 1


def is_main():
    """True on rank 0, or when not distributed: the process that prints and saves."""
    return dist.is_main_process()


def shard_loaders(train_loader, val_loader):
    """The two loaders, each over this rank's share of its dataset (unchanged when not distributed)."""
    if not active():
        return train_loader, val_loader
    from ..data import DataLoader, DistributedSampler, RandomSampler
    seed = _shared_seed()

    def rebuild(loader, sampler):
        kwargs = {} if loader.collate_fn.__name__ in ('default_collate', 'default_convert') else \
            {'collate_fn': loader.collate_fn}
        return DataLoader(loader.dataset, batch_size=loader.batch_size, sampler=sampler,
                          drop_last=loader.drop_last, **kwargs)
    train = train_loader
    if _shardable(train_loader):
        sampler = DistributedSampler(train_loader.dataset, shuffle=isinstance(train_loader.sampler,
                                                                               RandomSampler), seed=seed)
        train = rebuild(train_loader, sampler)
    val = val_loader
    if val_loader is not None and _shardable(val_loader):
        rank, world = dist.get_rank(), dist.get_world_size()
        val = rebuild(val_loader, range(rank, len(val_loader.dataset), world))
    return train, val


def _shardable(loader):
    return hasattr(loader, 'sampler') and hasattr(loader, 'dataset') and loader.batch_sampler is not None \
        and type(loader.batch_sampler).__name__ == 'BatchSampler'


def _shared_seed():
    from .. import backend, factories
    seed = factories.tensor([int(backend.generator('cpu').integers(0, 2 ** 31))])
    dist.broadcast(seed, src=0)
    return int(seed.item())


def set_epoch(loader, epoch):
    sampler = getattr(loader, 'sampler', None)
    if hasattr(sampler, 'set_epoch'):
        sampler.set_epoch(epoch)


def wrap_model(model, batch):
    """A DistributedDataParallel over ``model`` (which then starts from rank 0's weights), or None.
    Lazy layers are first materialised by a forward pass on ``batch`` without grad."""
    if not active():
        return None
    from ..autograd.grad_mode import no_grad
    from ..nn.parallel import DistributedDataParallel
    from ..nn.parameter import UninitializedParameter
    if any(isinstance(p, UninitializedParameter) for p in model.parameters()):
        with no_grad():
            model(*batch[:-1])
    return DistributedDataParallel(model)


def reduce_sums(sums):
    """``{name: (total, count)}`` summed over the ranks (every rank gets the same dict)."""
    if not active():
        return sums
    from .. import factories
    from ..distributed.group import comm
    everyone = comm('Trainer').allgather(list(sums))
    names = list(everyone[0]) + sorted(set().union(*everyone) - set(everyone[0]))  # rank 0's order
    flat = factories.tensor([float(v) for name in names for v in sums.get(name, (0.0, 0))],
                            dtype='float64')
    dist.all_reduce(flat)
    values = flat.tolist()
    return {name: (values[2 * i], values[2 * i + 1]) for i, name in enumerate(names)}
