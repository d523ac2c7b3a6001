"""Containers: ``Sequential`` (layers applied in order) and ``ModuleList`` (a list of sub-modules)."""
import collections
import operator

from .module import Module


def _position(index, length, what):
    """An int index (negative counts from the end) -> the position in [0, length)."""
    index = operator.index(index)
    if not -length <= index < length:
        raise IndexError(f"{what} index {index} is out of range for a {what} of length {length}")
    return index + length if index < 0 else index


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: positional access to the modules in ``_modules``."""

    def _keys(self):
        return list(self._modules)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._from_items(list(self._modules.items())[index])
        return self._modules[self._keys()[_position(index, len(self), type(self).__name__)]]

    def __setitem__(self, index, module):
        if not isinstance(module, Module):
            raise TypeError(f"{type(self).__name__} items must be Modules, got {type(module).__name__}")
        key = self._keys()[_position(index, len(self), type(self).__name__)]
        self._modules[key] = module  # in place: add_module would move the key to the end

    def __delitem__(self, index):
        keys = self._keys()
        doomed = keys[index] if isinstance(index, slice) else \
            [keys[_position(index, len(self), type(self).__name__)]]
        for key in doomed:
            del self._modules[key]
        # Renumber so that keys stay 0..n-1, as PyTorch does.
        modules = list(self._modules.values())
        self._modules.clear()
        for i, m in enumerate(modules):
            self._modules[str(i)] = m

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``."""
        n = len(self)
        index = operator.index(index)
        index = max(0, min(n, index + n if index < 0 else index))
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(modules):
            self.add_module(str(i), m)


class Sequential(_ModuleSequence):
    """Modules applied one after the other: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Indexing as a list (``net[0]``, ``net[-1]``; a slice gives a Sequential keeping the original
    names), ``len``, iteration and ``append``. An ``OrderedDict`` of name -> module names the layers.

    >>> net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
    >>> net[0].weight.shape
    minigrad.Size([256, 20])
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], collections.OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(modules):
                self.add_module(str(i), module)

    @classmethod
    def _from_items(cls, items):
        return cls(collections.OrderedDict(items))

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A list of sub-modules whose parameters are registered (a plain Python list would hide them).
    It has no ``forward``: iterate over it in your own."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @classmethod
    def _from_items(cls, items):
        return cls(module for _, module in items)
