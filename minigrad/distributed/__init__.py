"""Data-parallel training across processes and machines, shaped like ``torch.distributed``, on MPI
(through mpi4py): start the same script once per process with an MPI launcher, and each process
trains on its share of the data while gradients are averaged between them.

>>> import minigrad.distributed as dist                       # doctest: +SKIP
>>> dist.init_process_group('mpi')          # rank and world size come from `mpiexec -n 4 ...`
>>> t = minigrad.tensor([float(dist.get_rank())])
>>> dist.all_reduce(t, op=dist.ReduceOp.SUM)                 # in place: 0 + 1 + 2 + 3 on every rank
>>> work = dist.all_reduce(t, async_op=True); work.wait()    # non-blocking (MPI_Iallreduce)

What is here: :func:`init_process_group` / :func:`destroy_process_group` / :func:`is_initialized` /
:func:`is_available`, :func:`get_rank`, :func:`get_world_size`, :func:`barrier`, and the collectives
:func:`all_reduce`, :func:`broadcast`, :func:`reduce`, :func:`all_gather`,
:func:`all_gather_into_tensor`, :func:`reduce_scatter_tensor`, :func:`gather`, :func:`scatter`,
:func:`send`/:func:`recv` (:func:`isend`/:func:`irecv`), all in place on Tensors, with ``async_op=True``
returning a :class:`Work`. Only the default group exists (no ``new_group``). See docs/distributed.md.
:class:`minigrad.nn.parallel.DistributedDataParallel` and
:class:`minigrad.utils.data.DistributedSampler` are built on these.
"""
from .collectives import (ReduceOp, Work, all_gather, all_gather_into_tensor, all_reduce, barrier,
                          broadcast, cuda_aware, gather, irecv, isend, recv, reduce, reduce_scatter_tensor,
                          scatter, send)
from .group import (WORLD, DistributedError, destroy_process_group, get_backend, get_rank, get_world_size,
                    group, init_process_group, is_available, is_initialized, is_main_process,
                    is_mpi_available, launched_by_mpi)

__all__ = ['init_process_group', 'destroy_process_group', 'is_available', 'is_initialized',
           'is_mpi_available', 'get_rank', 'get_world_size', 'get_backend', 'barrier', 'ReduceOp', 'Work',
           'all_reduce', 'broadcast', 'reduce', 'all_gather', 'all_gather_into_tensor',
           'reduce_scatter_tensor', 'gather', 'scatter', 'send', 'recv', 'isend', 'irecv', 'group', 'WORLD',
           'DistributedError', 'is_main_process', 'launched_by_mpi', 'cuda_aware']
