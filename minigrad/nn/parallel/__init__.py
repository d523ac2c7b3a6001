"""``torch.nn.parallel``'s data parallelism across processes: :class:`DistributedDataParallel` (on
:mod:`minigrad.distributed`, i.e. MPI). See docs/distributed.md."""
from .distributed import DistributedDataParallel, consume_prefix_in_state_dict_if_present

__all__ = ['DistributedDataParallel', 'consume_prefix_in_state_dict_if_present']
