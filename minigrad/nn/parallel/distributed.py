"""DistributedDataParallel: the same model on every rank, each rank on its own share of the data,
gradients averaged between the ranks during the backward pass.

How the gradients travel (PyTorch's design, on MPI):

1. At construction the parameters (those that require grad) are cut into *buckets* of about
   ``bucket_cap_mb`` megabytes, in REVERSE order of ``module.parameters()`` -- the order in which the
   backward pass produces their gradients (the first bucket is kept small, 1 MB, as in PyTorch, so that
   the first all-reduce starts early). Each bucket owns one flat buffer. Rank 0's parameters and buffers
   are broadcast to every rank, so all start from the same model.
2. Each parameter has a post-accumulate-grad hook (``Tensor.register_post_accumulate_grad_hook``):
   the engine calls it as soon as that parameter's ``.grad`` is complete, in the middle of the
   backward. The hook copies the gradient into its bucket; when a bucket is full, a non-blocking
   all-reduce (``MPI_Iallreduce``) of it starts -- buckets are launched in bucket order on every rank,
   as MPI requires -- and the backward goes on computing the next gradients while the bytes travel.
3. When the last bucket has been launched (the backward's last gradient), the reducer waits for all of
   them, divides by the world size and writes the averages back into each ``.grad``. The optimiser
   step that follows sees the same gradients on every rank, so the replicas stay identical.

``no_sync()`` skips step 2 (gradients accumulate locally); the first backward after it averages the
accumulated sums. ``find_unused_parameters=True`` walks the forward's graph to find the parameters it
did not use, marks them ready at once (their share is zero) and leaves ``.grad`` alone for those that
no rank used. ``state_dict()`` has the keys of the wrapped module prefixed with ``module.`` (the
module is the attribute ``module``), as PyTorch's DDP; save ``ddp.module.state_dict()`` for keys
without it, or strip it with :func:`consume_prefix_in_state_dict_if_present`.
"""
import contextlib
import os
import threading
import time


from ... import backend
from ...autograd.function import wrap
from ...autograd.grad_mode import state as _grad_state
from ...tensor import Tensor
from ..module import Module
from ..parameter import UninitializedParameter

_FIRST_BUCKET_BYTES = 1024 * 1024


class _Progress:
    """A background thread that keeps MPI moving the buckets in flight.

    MPI advances a non-blocking collective only inside MPI calls; the backward, meanwhile, is in NumPy
    kernels that release the GIL. While buckets are in flight this thread calls ``MPI_Testall`` on them
    every ``interval`` seconds, so the bytes travel during the kernels instead of at the backward's end.
    The requests are tested under a lock and handed back before the main thread waits on them (MPI
    forbids two threads completing one request). Needs MPI_THREAD_MULTIPLE (mpi4py's default).
    """

    def __init__(self, interval=200e-6):
        self.interval = interval
        self.lock = threading.Lock()
        self.requests = []
        self.go = threading.Event()
        self.thread = threading.Thread(target=self._run, name='minigrad-ddp-progress', daemon=True)
        self.thread.start()

    def _run(self):
        from mpi4py import MPI
        while True:
            self.go.wait()
            with self.lock:
                if self.requests:
                    MPI.Request.Testall(self.requests)
                else:
                    self.go.clear()
            time.sleep(self.interval)

    def add(self, request):
        with self.lock:
            self.requests.append(request)
        self.go.set()

    def take(self):
        """Stop testing: the requests are the caller's again."""
        with self.lock:
            requests, self.requests = self.requests, []
            self.go.clear()
        return requests


class _Bucket:
    """Parameters whose gradients travel together in one flat buffer (one dtype and device)."""

    def __init__(self, params, host):
        self.params = params
        self.offsets, total = [], 0
        for p in params:
            self.offsets.append(total)
            total += p._array.size
        self.numel = total
        dtype = params[0]._array.dtype
        xp = backend.host if host else backend.array_module(params[0]._array)
        with backend.on_device(backend.device_of(params[0]._array)):
            self.flat = xp.zeros(total, dtype=dtype)
        self.host = host
        self.pending = len(params)
        self.request = None

    @property
    def nbytes(self):
        return self.flat.nbytes


class _Reducer:
    """The bucket bookkeeping of one DDP module (its own MPI communicator, so that the order of its
    non-blocking collectives never mixes with the user's)."""

    def __init__(self, params, comm, bucket_cap_bytes, first_bucket_bytes):
        from ...distributed.collectives import cuda_aware
        self.comm = comm
        self.world = comm.Get_size()
        self.params = params
        self.buckets = []
        self.where = {}  # id(param) -> (bucket index, position in bucket)
        groups, current, size, cap = [], [], 0, first_bucket_bytes
        for p in reversed(params):
            key = (p._array.dtype, backend.device_of(p._array))
            if current and (size >= cap or (current[0]._array.dtype, backend.device_of(current[0]._array))
                            != key):
                groups.append(current)
                current, size, cap = [], 0, bucket_cap_bytes
            current.append(p)
            size += p._array.nbytes
        if current:
            groups.append(current)
        for i, group in enumerate(groups):
            on_device = backend.device_of(group[0]._array).type != 'cpu'
            self.buckets.append(_Bucket(group, host=not (on_device and cuda_aware())))
            for j, p in enumerate(group):
                self.where[id(p)] = (i, j)
        self.sync = None            # set by DDP.forward (PyTorch decides at forward time)
        self.used_map = None        # find_unused_parameters: this iteration's used flags, all-reduced
        self.used_request = None
        self.index = {id(p): i for i, p in enumerate(params)}
        self.stats = {'wait_seconds': 0.0, 'iterations': 0}
        self.progress = None
        from mpi4py import MPI
        if self.world > 1 and MPI.Query_thread() == MPI.THREAD_MULTIPLE and \
                os.environ.get('MINIGRAD_DDP_PROGRESS_THREAD', '1') != '0':
            self.progress = _Progress()
        self._reset()

    def _reset(self):
        self.next_launch = 0
        self.ready = [False] * len(self.buckets)
        self.marked = set()
        for b in self.buckets:
            b.pending = len(b.params)
            b.request = None

    @property
    def in_progress(self):
        return bool(self.marked)

    # ----------------------------------------------------------------------------------- per parameter
    def mark_ready(self, p, grad_array):
        """``p``'s gradient (an array, or None for zero) for this iteration: into its bucket."""
        pid = id(p)
        if pid in self.marked:
            raise RuntimeError(
                "DistributedDataParallel: a parameter's gradient was marked ready twice in one iteration "
                "(two backward passes without a forward through the DDP module in between). Call the "
                "DDP module before every backward, or use no_sync() for the extra backward passes.")
        self.marked.add(pid)
        i, j = self.where[pid]
        b = self.buckets[i]
        start, n = b.offsets[j], p._array.size
        view = b.flat[start:start + n]
        if grad_array is None:
            view[...] = 0
        elif b.host:
            view[...] = backend.to_host(grad_array).reshape(-1)
        else:
            view[...] = grad_array.reshape(-1)
        b.pending -= 1
        if b.pending == 0:
            self.ready[i] = True
            self._launch()
        self._progress()
        if self.next_launch == len(self.buckets):
            self._finalize()

    def _launch(self):
        from mpi4py import MPI
        while self.next_launch < len(self.buckets) and self.ready[self.next_launch]:
            b = self.buckets[self.next_launch]
            if not b.host:
                backend.array_module(b.flat).cuda.get_current_stream().synchronize()
            b.request = self.comm.Iallreduce(MPI.IN_PLACE, b.flat, op=MPI.SUM)
            if self.progress is not None:
                self.progress.add(b.request)
            self.next_launch += 1

    def _progress(self):
        """Let MPI move the launched buckets along (MPI progresses inside MPI calls), unless the
        progress thread does."""
        if self.progress is not None:
            return
        from mpi4py import MPI
        pending = [b.request for b in self.buckets[:self.next_launch] if b.request is not None]
        if pending:
            MPI.Request.Testall(pending)

    def _finalize(self):
        from mpi4py import MPI
        if self.progress is not None:
            self.progress.take()
        start = time.perf_counter()
        MPI.Request.Waitall([b.request for b in self.buckets])
        if self.used_request is not None:
            self.used_request.Wait()
        done = time.perf_counter()
        self.stats.update(backward_end=start, reduced=done)  # this iteration's (for the benchmark)
        self.stats['wait_seconds'] += done - start
        self.stats['iterations'] += 1
        used = self.used_map
        for b in self.buckets:
            b.flat /= self.world
            for p, offset in zip(b.params, b.offsets):
                if used is not None and not used[self.index[id(p)]]:
                    continue  # no rank used it: its .grad is left as it was
                values = b.flat[offset:offset + p._array.size].reshape(p._array.shape)
                if not b.host or backend.device_of(p._array).type != 'cpu':
                    values = backend.asarray(values, dev=backend.device_of(p._array))
                if p.grad is None or p.grad._array.shape != p._array.shape:
                    p.grad = wrap(values.copy())
                else:
                    p.grad._array[...] = values
        self.used_map = self.used_request = None
        self.sync = None
        self._reset()

    def check_finished(self):
        if self.in_progress:
            missing = [i for i, p in enumerate(self.params) if id(p) not in self.marked]
            self._reset()
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. "
                "This error indicates that your module has parameters that were not used in producing "
                f"loss (parameter indices {missing[:10]} received no gradient). Pass "
                "find_unused_parameters=True to DistributedDataParallel, or make sure every parameter "
                "takes part in the loss.")


class DistributedDataParallel(Module):
    """Wrap ``module`` so that its gradients are averaged across the ranks of the process group.

    >>> dist.init_process_group('mpi')                                # doctest: +SKIP
    >>> model = DistributedDataParallel(MLP())
    >>> loss = loss_fn(model(X_shard), y_shard); loss.backward()      # .grad: the mean over all ranks
    >>> optimizer.step()

    ``bucket_cap_mb`` sets the bucket size; ``broadcast_buffers`` broadcasts rank 0's buffers at every
    forward; ``find_unused_parameters`` allows parameters that a forward does not use. ``device_ids``,
    ``output_device``, ``dim``, ``check_reduction``, ``gradient_as_bucket_view`` and ``static_graph``
    are accepted for PyTorch's signature and change nothing (one device per process; gradients are
    copied to and from the buckets). ``process_group`` must be None (the default group).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        from ... import distributed as dist
        from ...distributed.group import _check_group, comm
        _check_group(process_group, 'DistributedDataParallel')
        group_comm = comm('DistributedDataParallel')
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel wraps an nn.Module, got {type(module).__name__}")
        params = [p for p in module.parameters() if p.requires_grad]
        if any(isinstance(p, UninitializedParameter) for p in module.parameters()):
            raise RuntimeError("DistributedDataParallel: the module has uninitialized (lazy) parameters; "
                               "run one forward pass before wrapping it, so their shapes are known")
        if bucket_cap_mb is None:
            bucket_cap_mb = 25
        self.module = module
        self.broadcast_buffers = bool(broadcast_buffers)
        self.find_unused_parameters = bool(find_unused_parameters)
        self.bucket_cap_mb = bucket_cap_mb
        self.require_backward_grad_sync = True
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.gradient_as_bucket_view, self.static_graph = gradient_as_bucket_view, static_graph
        _check_same_model(group_comm, module)
        if init_sync:
            with _no_grad():
                for t in list(module.parameters()) + list(module.buffers()):
                    dist.broadcast(t, src=0)
        cap = int(bucket_cap_mb * 1024 * 1024)
        reducer = _Reducer(params, group_comm.Dup(), cap, min(_FIRST_BUCKET_BYTES, cap))
        object.__setattr__(self, 'reducer', reducer)   # not a submodule, not in state_dict
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in params]

    def _grad_ready(self, p):
        reducer = self.reducer
        sync = reducer.sync if reducer.sync is not None else self.require_backward_grad_sync
        if sync:
            reducer.mark_ready(p, p.grad._array if p.grad is not None else None)

    def forward(self, *inputs, **kwargs):
        reducer = self.reducer
        grad = _grad_state.enabled
        if grad:
            reducer.check_finished()
            reducer.sync = self.require_backward_grad_sync
        if self.broadcast_buffers:
            from ... import distributed as dist
            with _no_grad():
                for b in self.module.buffers():
                    dist.broadcast(b, src=0)
        out = self.module(*inputs, **kwargs)
        if grad and self.find_unused_parameters and reducer.sync:
            self._mark_unused(out)
        return out

    def _mark_unused(self, out):
        """Find the parameters the graph of ``out`` does not reach; mark them ready (zero) now."""
        from mpi4py import MPI
        reached = set()
        stack = [t._ctx for t in _tensors_in(out) if t._ctx is not None]
        stack += [t for t in _tensors_in(out) if t._ctx is None and t.requires_grad]
        seen = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, Tensor):
                reached.add(id(node))
                continue
            stack.extend(parent for parent in node.parents if parent is not None)
        reducer = self.reducer
        used = backend.host.array([id(p) in reached for p in reducer.params], dtype=backend.host.int32)
        reducer.used_map = used
        reducer.used_request = reducer.comm.Iallreduce(MPI.IN_PLACE, used, op=MPI.MAX)
        for p in reducer.params:
            if id(p) not in reached:
                reducer.mark_ready(p, p.grad._array if p.grad is not None else None)

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward passes accumulate gradients locally without communicating; the first
        synchronised backward after it averages the accumulated gradients. Put the forward inside too
        (PyTorch decides at forward time)."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    def _check_reduction_finished(self):
        """Raise if the last backward left buckets unsent (a parameter without gradient)."""
        self.reducer.check_finished()

    def extra_repr(self):
        return f"bucket_cap_mb={self.bucket_cap_mb}, buckets={len(self.reducer.buckets)}"


def _no_grad():
    from ...autograd.grad_mode import no_grad
    return no_grad()


def _tensors_in(out):
    if isinstance(out, Tensor):
        yield out
    elif isinstance(out, dict):
        for v in out.values():
            yield from _tensors_in(v)
    elif isinstance(out, (list, tuple)):
        for v in out:
            yield from _tensors_in(v)


def _check_same_model(comm, module):
    shapes = [(name, tuple(p.shape), str(p.dtype)) for name, p in module.named_parameters()]
    everyone = comm.allgather(shapes)
    for rank, other in enumerate(everyone):
        if other != shapes:
            raise RuntimeError(f"DistributedDataParallel: the module's parameters differ between rank "
                               f"{comm.Get_rank()} and rank {rank} (names, shapes or dtypes); build the "
                               "same model on every rank")


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip ``prefix`` (e.g. ``'module.'``, what a DDP module's ``state_dict`` has) from the keys of
    ``state_dict`` in place, as ``torch.nn.modules.utils.consume_prefix_in_state_dict_if_present``."""
    keys = list(state_dict.keys())
    for key in keys:
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, '_metadata', None)
    if metadata is not None:
        for key in list(metadata.keys()):
            if key == prefix.rstrip('.') or key.startswith(prefix):
                metadata[key[len(prefix):] if key.startswith(prefix) else ''] = metadata.pop(key)
