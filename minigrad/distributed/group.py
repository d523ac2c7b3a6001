"""The process group: one per process, over MPI's ``COMM_WORLD`` (through mpi4py).

The rank and the world size come from the launcher (``mpiexec -n 4 python train.py``, ``srun``); a
script started without a launcher is a group of one (MPI's singleton start). After
:func:`init_process_group`, an exception that nobody catches on any rank prints its traceback (with
the rank) and aborts the whole job (``MPI_Abort``), so that the other ranks, blocked in a collective
that the failed rank will never join, do not hang.
"""
import os
import sys
import traceback

_state = {'comm': None, 'previous_excepthook': None}


class DistributedError(RuntimeError):
    """A collective called in a state where it cannot run (e.g. before ``init_process_group``)."""


def is_available():
    """True when mpi4py (and an MPI library) can be imported: ``pip install 'minigrad[distributed]'``."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


def is_mpi_available():
    return is_available()


def is_initialized():
    """True between :func:`init_process_group` and :func:`destroy_process_group`."""
    return _state['comm'] is not None


def _mpi():
    MPI = _state.get('MPI')
    if MPI is not None:
        return MPI
    try:
        from mpi4py import MPI
        _state['MPI'] = MPI
    except ImportError as exc:
        raise RuntimeError(
            "minigrad.distributed needs mpi4py and an MPI library: pip install 'minigrad[distributed]' "
            f"(mpi4py with the mpich wheel), or mpi4py built against the system's MPI ({exc})") from None
    return MPI


def launched_by_mpi():
    """True when this process was started by an MPI launcher for more than one process (mpiexec of
    MPICH or Open MPI, Slurm's srun): what the training entry points check before they initialise."""
    for name in ('PMI_SIZE', 'OMPI_COMM_WORLD_SIZE', 'MPI_LOCALNRANKS', 'PMIX_SIZE'):
        value = os.environ.get(name)
        if value is not None:
            try:
                return int(value) > 1
            except ValueError:
                return False
    return False


def init_process_group(backend='mpi', init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name='', pg_options=None, device_id=None):
    """Join the job: the rank and world size come from the MPI launcher.

    ``backend`` must be ``'mpi'`` (or None); ``world_size``/``rank``, when given, are checked against
    the launcher's. ``init_method``, ``timeout``, ``store`` and the rest are accepted for PyTorch's
    signature: MPI needs no rendezvous address.
    """
    if backend not in (None, 'mpi', 'MPI'):
        raise ValueError(f"init_process_group(backend={backend!r}): minigrad's only backend is 'mpi' "
                         "(launch with `mpiexec -n N python script.py`); pass backend='mpi'")
    if is_initialized():
        raise RuntimeError("trying to initialize the default process group twice!")
    MPI = _mpi()
    comm = MPI.COMM_WORLD.Dup()  # our own communicator: the user's mpi4py traffic never mixes with ours
    if world_size not in (-1, None) and world_size != comm.Get_size():
        raise ValueError(f"init_process_group(world_size={world_size}): the launcher started "
                         f"{comm.Get_size()} processes; start `mpiexec -n {world_size}` or leave "
                         "world_size out")
    if rank not in (-1, None) and rank != comm.Get_rank():
        raise ValueError(f"init_process_group(rank={rank}): MPI gave this process rank "
                         f"{comm.Get_rank()}; leave rank out, the launcher decides it")
    _state['comm'] = comm
    from . import collectives
    collectives._IN_PLACE[:] = [MPI.IN_PLACE]
    _install_abort_on_error()


def destroy_process_group(group=None):
    """Leave the group (collectives raise again until the next :func:`init_process_group`)."""
    comm = _state['comm']
    if comm is None:
        raise DistributedError("destroy_process_group(): no process group is initialised")
    _state['comm'] = None
    try:
        comm.Free()
    finally:
        _uninstall_abort_on_error()


def comm(what='this call'):
    """The group's MPI communicator; raises, saying what to do, when there is none."""
    c = _state['comm']
    if c is None:
        raise DistributedError(
            f"{what} needs the process group: call minigrad.distributed.init_process_group('mpi') first, "
            "in a script started with an MPI launcher (`mpiexec -n 2 python script.py`; without one "
            "the group has a single process)")
    return c


def _check_group(group, what):
    if group is not None and group is not WORLD:
        raise NotImplementedError(f"{what}: only the default group (group=None) is supported; new_group "
                                  "is not implemented")


class _World:
    """``dist.group.WORLD``: the default group."""

    def __repr__(self):
        return 'minigrad.distributed.group.WORLD'

    def size(self):
        return get_world_size()

    def rank(self):
        return get_rank()


WORLD = _World()


class group:  # noqa: N801 -- torch.distributed.group
    WORLD = WORLD


def get_rank(group=None):
    """This process's rank, 0 .. world_size - 1."""
    _check_group(group, 'get_rank')
    return comm('get_rank()').Get_rank()


def get_world_size(group=None):
    """The number of processes in the job."""
    _check_group(group, 'get_world_size')
    return comm('get_world_size()').Get_size()


def get_backend(group=None):
    comm('get_backend()')
    return 'mpi'


def is_main_process():
    """True on rank 0, and in a process that is not part of a group (what decides who prints)."""
    return not is_initialized() or get_rank() == 0


# -------------------------------------------------------------------- an error on one rank ends the job
def _install_abort_on_error():
    if _state['previous_excepthook'] is not None:
        return
    _state['previous_excepthook'] = sys.excepthook

    def abort_job(exc_type, exc, tb):
        comm_ = _state['comm']
        rank = comm_.Get_rank() if comm_ is not None else '?'
        message = ''.join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(f"[minigrad.distributed] rank {rank} failed with an uncaught exception; "
                         f"aborting the job:\n{message}")
        sys.stderr.flush()
        sys.stdout.flush()
        if comm_ is not None:
            _mpi().COMM_WORLD.Abort(1)  # ends every rank; mpiexec exits non-zero

    sys.excepthook = abort_job


def _uninstall_abort_on_error():
    previous = _state['previous_excepthook']
    if previous is not None:
        sys.excepthook = previous
        _state['previous_excepthook'] = None
