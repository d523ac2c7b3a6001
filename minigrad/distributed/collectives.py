"""Collectives on Tensors, in place, as ``torch.distributed`` has them, each one MPI call.

Every rank must call the same collectives in the same order (MPI's rule, and PyTorch's). With
``async_op=True`` a collective is started with MPI's non-blocking form (``Iallreduce``, ``Ibcast``, ...)
and returns a :class:`Work`; the tensor holds the result once ``work.wait()`` returns.

Buffers: a contiguous NumPy tensor is handed to MPI as it is (no copy). A CuPy tensor goes through a
host copy ("staging": device -> host, MPI, host -> device) unless the MPI library is CUDA-aware, which
is asked of the library itself (``MPIX_Query_cuda_support``, MPICH and Open MPI have it) and can be
forced with ``MINIGRAD_MPI_CUDA_AWARE=1`` (or ``0``); then the device buffer is given to MPI directly,
after the current stream is synchronised. dtypes MPI has no type for (bfloat16) are staged as float32.
"""
import ctypes
import os


from .. import backend
from ..tensor import Tensor
from .group import _check_group, _mpi, _state, comm

_IN_PLACE = []  # MPI.IN_PLACE, once mpi4py is imported (by init_process_group)


class ReduceOp:
    """The reductions of :func:`all_reduce`/:func:`reduce`/:func:`reduce_scatter_tensor`."""
    SUM = 'sum'
    AVG = 'avg'
    PRODUCT = 'product'
    MIN = 'min'
    MAX = 'max'
    BAND = 'band'
    BOR = 'bor'
    BXOR = 'bxor'


_OPS = {ReduceOp.SUM: 'SUM', ReduceOp.AVG: 'SUM', ReduceOp.PRODUCT: 'PROD', ReduceOp.MIN: 'MIN',
        ReduceOp.MAX: 'MAX', ReduceOp.BAND: 'BAND', ReduceOp.BOR: 'BOR', ReduceOp.BXOR: 'BXOR'}
_BOOL_OPS = {ReduceOp.SUM: 'LOR', ReduceOp.MAX: 'LOR', ReduceOp.PRODUCT: 'LAND', ReduceOp.MIN: 'LAND',
             ReduceOp.BAND: 'LAND', ReduceOp.BOR: 'LOR', ReduceOp.BXOR: 'LXOR'}


_op_cache = {}


def _mpi_op(op, dtype, what):
    key = (op, dtype)
    found = _op_cache.get(key)
    if found is not None:
        return found
    found = _op_cache[key] = _resolve_op(op, dtype, what)
    return found


def _resolve_op(op, dtype, what):
    if op not in _OPS:
        raise ValueError(f"{what}: unknown op {op!r}; use minigrad.distributed.ReduceOp.SUM, AVG, "
                         "PRODUCT, MIN, MAX, BAND, BOR or BXOR")
    if op == ReduceOp.AVG and dtype.kind not in 'fc':
        raise TypeError(f"{what}: ReduceOp.AVG needs a floating-point tensor, got {dtype}; use SUM and "
                        "divide, or convert the tensor to float")
    name = _BOOL_OPS[op] if dtype.kind == 'b' else _OPS[op]
    return getattr(_mpi(), name)


# ------------------------------------------------------------------------------------- CUDA-aware MPI
_cuda_aware = {}


def cuda_aware():
    """Whether the MPI library accepts device (CUDA) buffers: ``MINIGRAD_MPI_CUDA_AWARE`` (1/0) when set,
    else what the library answers to ``MPIX_Query_cuda_support``, else False (stage through the host)."""
    forced = os.environ.get('MINIGRAD_MPI_CUDA_AWARE')
    if forced is not None:
        return forced.strip().lower() in ('1', 'true', 'yes')
    if 'answer' not in _cuda_aware:
        _mpi()
        answer = False
        try:
            with open('/proc/self/maps') as f:
                libs = sorted({line.split()[-1] for line in f if 'libmpi' in line.split()[-1]})
            for path in libs:
                query = getattr(ctypes.CDLL(path), 'MPIX_Query_cuda_support', None)
                if query is not None:
                    answer = bool(query())
                    break
        except OSError:
            answer = False
        _cuda_aware['answer'] = answer
    return _cuda_aware['answer']


# ------------------------------------------------------------------------------------------- buffers
class _Buffer:
    """What MPI reads and writes for one tensor: its own array when it can, else a staged copy that
    ``finish()`` writes back."""

    def __init__(self, tensor, what, writable=True):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"{what} expects a minigrad Tensor, got {type(tensor).__name__}")
        self.tensor = tensor
        array = tensor._array
        self.on_device = backend.device_of(array).type != 'cpu'
        self.writable = writable
        if self.on_device and cuda_aware() and _mpi_can_carry(array.dtype):
            xp = backend.array_module(array)
            buf = array if array.flags.c_contiguous else xp.ascontiguousarray(array)
            xp.cuda.get_current_stream().synchronize()
        else:
            buf = backend.to_host(array)
            if not _mpi_can_carry(buf.dtype):
                buf = buf.astype(backend.host.float32)
            elif not buf.flags.c_contiguous or (writable and not buf.flags.writeable):
                buf = backend.host.ascontiguousarray(buf).copy()
        self.array = buf
        self.staged = buf is not array

    def finish(self):
        """Write a staged result back into the tensor (and mark it changed in place)."""
        if not self.writable:
            return
        t = self.tensor
        if self.staged:
            t._array[...] = backend.asarray(self.array.astype(t._array.dtype, copy=False),
                                            dev=backend.device_of(t._array))
        t._bump_version()


_carry_cache = {}


def _mpi_can_carry(dtype):
    found = _carry_cache.get(dtype)
    if found is None:  # bfloat16 (ml_dtypes) has no MPI type: it is staged as float32
        found = _carry_cache[dtype] = dtype.kind in 'biufc' and dtype.name != 'bfloat16'
    return found


class Work:
    """The handle of a collective started with ``async_op=True``: ``wait()`` blocks until it is done
    (the tensors then hold the result), ``is_completed()`` asks without blocking."""

    def __init__(self, requests, finish=(), result=None):
        self._requests = list(requests)
        self._finish = list(finish)
        self._result = result
        self._done = False

    def _complete(self):
        for f in self._finish:
            f()
        self._finish = []
        self._done = True

    def wait(self, timeout=None):
        if not self._done:
            _mpi().Request.Waitall(self._requests)
            self._complete()
        return True

    def is_completed(self):
        if not self._done and _mpi().Request.Testall(self._requests):
            self._complete()
        return self._done

    def is_success(self):
        return self._done

    def result(self):
        self.wait()
        return self._result

    def __repr__(self):
        return f"Work({'completed' if self._done else 'in progress'})"


def _run(blocking_call, nonblocking_call, finish, async_op, result=None):
    if async_op:
        return Work([nonblocking_call()], finish, result)
    blocking_call()
    for f in finish:
        f()
    return None


# ---------------------------------------------------------------------------------------- collectives
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` over all ranks, in place on every rank (``ReduceOp.AVG``: the mean)."""
    if group is not None:
        _check_group(group, 'all_reduce')
    c = _state['comm'] or comm('all_reduce()')
    array = getattr(tensor, '_array', None)
    if type(array) is backend.host.ndarray and op != ReduceOp.AVG and array.flags.c_contiguous and \
            array.flags.writeable and _mpi_can_carry(array.dtype):
        # the common case, kept short: MPI works on the tensor's own memory
        mpi_op = _mpi_op(op, array.dtype, 'all_reduce')
        if async_op:
            return Work([c.Iallreduce(_IN_PLACE[0], array, op=mpi_op)], [tensor._bump_version], [tensor])
        c.Allreduce(_IN_PLACE[0], array, op=mpi_op)
        tensor._bump_version()
        return None
    buf = _Buffer(tensor, 'all_reduce')
    mpi_op = _mpi_op(op, buf.array.dtype, 'all_reduce')
    MPI = _mpi()
    finish = []
    if op == ReduceOp.AVG:
        size = c.Get_size()

        def average():
            buf.array /= size
        finish.append(average)
    finish.append(buf.finish)
    return _run(lambda: c.Allreduce(MPI.IN_PLACE, buf.array, op=mpi_op),
                lambda: c.Iallreduce(MPI.IN_PLACE, buf.array, op=mpi_op), finish, async_op, [tensor])


def broadcast(tensor, src=0, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s ``tensor`` into ``tensor`` on every rank."""
    _check_group(group, 'broadcast')
    src = src if group_src is None else group_src
    c = comm('broadcast()')
    _check_rank(src, c, 'broadcast', 'src')
    buf = _Buffer(tensor, 'broadcast')
    return _run(lambda: c.Bcast(buf.array, root=src), lambda: c.Ibcast(buf.array, root=src),
                [buf.finish], async_op, [tensor])


def reduce(tensor, dst=0, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` over all ranks into rank ``dst``'s ``tensor``; the others' are unchanged."""
    _check_group(group, 'reduce')
    dst = dst if group_dst is None else group_dst
    c = comm('reduce()')
    _check_rank(dst, c, 'reduce', 'dst')
    root = c.Get_rank() == dst
    buf = _Buffer(tensor, 'reduce', writable=root)
    mpi_op = _mpi_op(op, buf.array.dtype, 'reduce')
    MPI = _mpi()
    finish = []
    if root and op == ReduceOp.AVG:
        size = c.Get_size()

        def average():
            buf.array /= size
        finish.append(average)
    finish.append(buf.finish)
    if root:
        args = (MPI.IN_PLACE, buf.array)
    else:
        args = (buf.array, None)
    return _run(lambda: c.Reduce(*args, op=mpi_op, root=dst),
                lambda: c.Ireduce(*args, op=mpi_op, root=dst), finish, async_op, [tensor])


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Fill ``tensor_list`` (one tensor per rank, shaped like ``tensor``) with every rank's ``tensor``."""
    _check_group(group, 'all_gather')
    c = comm('all_gather()')
    size = c.Get_size()
    if len(tensor_list) != size:
        raise ValueError(f"all_gather: tensor_list needs one tensor per rank ({size}), got "
                         f"{len(tensor_list)}")
    send = _Buffer(tensor, 'all_gather', writable=False)
    for t in tensor_list:
        _same_layout(t, tensor, 'all_gather', 'tensor_list')
    recv = backend.host.empty((size,) + send.array.shape, send.array.dtype) if not _device_direct(send) else \
        backend.array_module(send.array).empty((size,) + send.array.shape, send.array.dtype)

    def scatter_back():
        for i, t in enumerate(tensor_list):
            _write(t, recv[i])
    return _run(lambda: c.Allgather(send.array, recv), lambda: c.Iallgather(send.array, recv),
                [scatter_back], async_op, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor`` one after another in ``output_tensor`` (shape ``(world * n, ...)``
    or ``(world, n, ...)``)."""
    _check_group(group, 'all_gather_into_tensor')
    c = comm('all_gather_into_tensor()')
    size = c.Get_size()
    if output_tensor.numel() != size * input_tensor.numel() or output_tensor.dtype != input_tensor.dtype:
        raise ValueError(f"all_gather_into_tensor: output_tensor needs world_size ({size}) times "
                         f"input_tensor's elements and its dtype, got {tuple(output_tensor.shape)} "
                         f"{output_tensor.dtype} for {tuple(input_tensor.shape)} {input_tensor.dtype}")
    send = _Buffer(input_tensor, 'all_gather_into_tensor', writable=False)
    out = _Buffer(output_tensor, 'all_gather_into_tensor')
    return _run(lambda: c.Allgather(send.array, out.array), lambda: c.Iallgather(send.array, out.array),
                [out.finish], async_op, [output_tensor])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` (world_size blocks) over the ranks; rank ``r`` gets block ``r`` in ``output``."""
    _check_group(group, 'reduce_scatter_tensor')
    c = comm('reduce_scatter_tensor()')
    size = c.Get_size()
    if input.numel() != size * output.numel() or output.dtype != input.dtype:
        raise ValueError(f"reduce_scatter_tensor: input needs world_size ({size}) times output's "
                         f"elements and its dtype, got {tuple(input.shape)} for {tuple(output.shape)}")
    send = _Buffer(input, 'reduce_scatter_tensor', writable=False)
    out = _Buffer(output, 'reduce_scatter_tensor')
    mpi_op = _mpi_op(op, out.array.dtype, 'reduce_scatter_tensor')
    finish = []
    if op == ReduceOp.AVG:
        def average():
            out.array /= size
        finish.append(average)
    finish.append(out.finish)
    return _run(lambda: c.Reduce_scatter_block(send.array, out.array, op=mpi_op),
                lambda: c.Ireduce_scatter_block(send.array, out.array, op=mpi_op), finish, async_op,
                [output])


def gather(tensor, gather_list=None, dst=0, group=None, async_op=False, group_dst=None):
    """Rank ``dst`` receives every rank's ``tensor`` into ``gather_list`` (None on the other ranks)."""
    _check_group(group, 'gather')
    dst = dst if group_dst is None else group_dst
    c = comm('gather()')
    _check_rank(dst, c, 'gather', 'dst')
    size, root = c.Get_size(), c.Get_rank() == dst
    send = _Buffer(tensor, 'gather', writable=False)
    if root:
        if gather_list is None or len(gather_list) != size:
            raise ValueError(f"gather: on the destination rank {dst}, gather_list needs one tensor per rank "
                             f"({size})")
        for t in gather_list:
            _same_layout(t, tensor, 'gather', 'gather_list')
        recv = backend.host.empty((size,) + send.array.shape, send.array.dtype) if not _device_direct(send) else \
            backend.array_module(send.array).empty((size,) + send.array.shape, send.array.dtype)
    elif gather_list:
        raise ValueError(f"gather: gather_list must be None (or empty) on ranks other than dst={dst}")
    else:
        recv = None

    def scatter_back():
        if root:
            for i, t in enumerate(gather_list):
                _write(t, recv[i])
    return _run(lambda: c.Gather(send.array, recv, root=dst), lambda: c.Igather(send.array, recv, root=dst),
                [scatter_back], async_op, gather_list)


def scatter(tensor, scatter_list=None, src=0, group=None, async_op=False, group_src=None):
    """Rank ``r`` receives ``scatter_list[r]`` of rank ``src`` into ``tensor``."""
    _check_group(group, 'scatter')
    src = src if group_src is None else group_src
    c = comm('scatter()')
    _check_rank(src, c, 'scatter', 'src')
    size, root = c.Get_size(), c.Get_rank() == src
    recv = _Buffer(tensor, 'scatter')
    if root:
        if scatter_list is None or len(scatter_list) != size:
            raise ValueError(f"scatter: on the source rank {src}, scatter_list needs one tensor per rank "
                             f"({size})")
        for t in scatter_list:
            _same_layout(t, tensor, 'scatter', 'scatter_list')
        send = backend.host.stack([_Buffer(t, 'scatter', writable=False).array for t in scatter_list]) \
            if not _device_direct(recv) else backend.array_module(recv.array).stack(
                [_Buffer(t, 'scatter', writable=False).array for t in scatter_list])
    elif scatter_list:
        raise ValueError(f"scatter: scatter_list must be None (or empty) on ranks other than src={src}")
    else:
        send = None
    return _run(lambda: c.Scatter(send, recv.array, root=src), lambda: c.Iscatter(send, recv.array, root=src),
                [recv.finish], async_op, [tensor])


def send(tensor, dst, group=None, tag=0):
    """Send ``tensor`` to rank ``dst`` (blocking; :func:`isend` does not block)."""
    isend(tensor, dst, group, tag).wait()


def recv(tensor, src=None, group=None, tag=0):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag)
    work.wait()
    return work._source()


def isend(tensor, dst, group=None, tag=0):
    _check_group(group, 'isend')
    c = comm('isend()')
    _check_rank(dst, c, 'isend', 'dst')
    buf = _Buffer(tensor, 'isend', writable=False)
    return Work([c.Isend(buf.array, dest=dst, tag=tag)], (), [tensor])


def irecv(tensor, src=None, group=None, tag=0):
    _check_group(group, 'irecv')
    c = comm('irecv()')
    MPI = _mpi()
    if src is not None:
        _check_rank(src, c, 'irecv', 'src')
    buf = _Buffer(tensor, 'irecv')
    status = MPI.Status()
    request = c.Irecv(buf.array, source=MPI.ANY_SOURCE if src is None else src, tag=tag)
    work = _RecvWork([request], [buf.finish], [tensor])
    work._status = status
    return work


class _RecvWork(Work):
    def wait(self, timeout=None):
        if not self._done:
            self._requests[0].Wait(self._status)
            self._complete()
        return True

    def _source(self):
        return self._status.Get_source()


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank has reached this call."""
    _check_group(group, 'barrier')
    c = comm('barrier()')
    return _run(c.Barrier, c.Ibarrier, [], async_op)


# ----------------------------------------------------------------------------------------------- help
def _device_direct(buf):
    return buf.on_device and not buf.staged


def _write(tensor, values):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"expected a minigrad Tensor to write into, got {type(tensor).__name__}")
    tensor._array[...] = backend.asarray(values.astype(tensor._array.dtype, copy=False),
                                         dev=backend.device_of(tensor._array))
    tensor._bump_version()


def _same_layout(t, like, what, name):
    if not isinstance(t, Tensor) or tuple(t.shape) != tuple(like.shape) or t.dtype != like.dtype:
        raise ValueError(f"{what}: every tensor of {name} must have the shape and dtype of the tensor "
                         f"({tuple(like.shape)}, {like.dtype})")


def _check_rank(rank, c, what, name):
    if not isinstance(rank, int) or not 0 <= rank < c.Get_size():
        raise ValueError(f"{what}: {name}={rank!r} is not a rank of this group of {c.Get_size()} "
                         f"(0..{c.Get_size() - 1})")
