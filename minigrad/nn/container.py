"""Containers: ``Sequential`` (layers applied in order), ``ModuleList`` (a list of sub-modules),
``ModuleDict``, ``ParameterList`` and ``ParameterDict``."""
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


class ModuleDict(Module):
    """A dict of named sub-modules whose parameters are registered; keeps insertion order.

    >>> heads = nn.ModuleDict({'cls': nn.Linear(8, 10), 'box': nn.Linear(8, 4)})
    >>> heads['box'](minigrad.rand(2, 8)).shape
    minigrad.Size([2, 4])
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def clear(self):
        self._modules.clear()

    def pop(self, key):
        module = self._modules[key]
        del self._modules[key]
        return module

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        """Add (or replace) modules from a mapping or an iterable of (name, module) pairs."""
        if hasattr(modules, 'items'):
            modules = modules.items()
        for entry in modules:
            if not isinstance(entry, (tuple, list)) or len(entry) != 2:
                raise TypeError("ModuleDict.update: expected a mapping or (name, module) pairs, got an "
                                f"element of type {type(entry).__name__}")
            name, module = entry
            self[name] = module


def _as_parameter(value, container):
    """Tensors are wrapped in ``nn.Parameter`` (as PyTorch's parameter containers do)."""
    from ..tensor import Tensor
    from .parameter import Parameter
    if isinstance(value, Parameter) or value is None:
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{container} holds Parameters (or tensors, wrapped as Parameters), got "
                    f"{type(value).__name__}")


def _parameter_line(key, p):
    from ..tensor import Tensor
    if isinstance(p, Tensor):
        size = 'x'.join(str(n) for n in p.shape)
        device = '' if p.device.type == 'cpu' else f' ({p.device})'
        return f'({key}): Parameter containing: [minigrad.{p.dtype.name} of size {size}{device}]'
    return f'({key}): Object of type: {type(p).__name__}'


class ParameterList(Module):
    """A list of Parameters, registered under the names '0', '1', ... (plain tensors are wrapped in
    ``nn.Parameter``)."""

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def _key(self, index):
        return str(_position(index, len(self), 'ParameterList'))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ParameterList(list(self)[index])
        return getattr(self, self._key(index))

    def __setitem__(self, index, value):
        self._parameters[self._key(index)] = _as_parameter(value, 'ParameterList')

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(list(self._parameters.values()))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        self.register_parameter(str(len(self)), _as_parameter(value, 'ParameterList'))
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        return '\n'.join(_parameter_line(i, p) for i, p in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """A dict of named Parameters (plain tensors are wrapped in ``nn.Parameter``), in insertion order."""

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        value = _as_parameter(value, 'ParameterDict')
        if key in self._parameters:
            self._parameters[key] = value
        else:
            self.register_parameter(key, value)

    def __delitem__(self, key):
        del self._parameters[key]

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def get(self, key, default=None):
        return self._parameters.get(key, default)

    def pop(self, key):
        value = self._parameters[key]
        del self._parameters[key]
        return value

    def clear(self):
        self._parameters.clear()

    def update(self, parameters):
        if hasattr(parameters, 'items'):
            parameters = parameters.items()
        for name, value in parameters:
            self[name] = value

    def extra_repr(self):
        return '\n'.join(_parameter_line(k, p) for k, p in self.items())

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterDict should not be called.")
