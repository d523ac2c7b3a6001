"""``nn.Module``: the base class of layers and models.

A Module owns parameters, buffers and sub-modules, all registered by plain attribute assignment::

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(20, 256)   # a sub-module: its parameters become ours
            self.out = nn.Linear(256, 10)

        def forward(self, X):                  # X: (N, 20) -> (N, 10)
            return self.out(F.relu(self.hidden(X)))

Registration keeps the three kinds in ordered dicts (``_parameters``, ``_buffers``, ``_modules``) so
that traversal (``parameters()``, ``state_dict()``, ``repr``) follows the order of assignment, as in
PyTorch. Attribute reads fall back to those dicts through ``__getattr__``.
"""
import collections
import itertools

from .. import backend
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _parse_to
from . import _hooks
from .parameter import Parameter

IncompatibleKeys = collections.namedtuple('IncompatibleKeys', ['missing_keys', 'unexpected_keys'])


class Module:
    """Base class of every layer and model; subclasses define ``forward``.

    ``module(x)`` calls ``module.forward(x)``. ``training`` is True until ``eval()`` (it changes what
    layers such as Dropout do).
    """

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these dicts to exist already.
        object.__setattr__(self, 'training', True)
        object.__setattr__(self, '_parameters', collections.OrderedDict())
        object.__setattr__(self, '_buffers', collections.OrderedDict())
        object.__setattr__(self, '_non_persistent_buffers', set())
        object.__setattr__(self, '_modules', collections.OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" '
                                  'function: define forward(self, ...) in the subclass')

    # Hook registries: None until a hook is registered, so a call without hooks costs three lookups.
    _forward_pre_hooks = None
    _forward_hooks = None
    _backward_hooks = None
    _backward_pre_hooks = None

    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks is None and self._forward_hooks is None and \
                self._backward_hooks is None and self._backward_pre_hooks is None:
            return self.forward(*args, **kwargs)
        return _hooks.call_with_hooks(self, args, kwargs)

    # ------------------------------------------------------------------------------------ hooks
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call ``hook(module, args)`` before each forward; a returned value (a tuple, or one value)
        replaces the positional arguments. ``with_kwargs=True``: ``hook(module, args, kwargs)``, which
        may return ``(args, kwargs)``. Returns a handle whose ``remove()`` unregisters the hook."""
        return _hooks.register(self, '_forward_pre_hooks', (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """Call ``hook(module, args, output)`` after each forward; a returned value replaces the output.
        ``with_kwargs=True``: ``hook(module, args, kwargs, output)``; ``always_call=True`` runs it even
        when forward raises."""
        return _hooks.register(self, '_forward_hooks', (hook, with_kwargs, always_call), prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """Call ``hook(module, grad_output)`` when the gradients of the module's outputs are known; a
        returned tuple replaces ``grad_output``."""
        return _hooks.register(self, '_backward_pre_hooks', hook, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call ``hook(module, grad_input, grad_output)`` when the gradients with respect to the module's
        tensor inputs are computed (``None`` for inputs that do not require grad); a returned tuple
        replaces ``grad_input``. See docs/semantics.md for modules with several tensor inputs."""
        return _hooks.register(self, '_backward_hooks', hook, prepend)

    # ------------------------------------------------------------------------------- registration
    def _check_ready(self, what):
        if '_parameters' not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call: call "
                                 "super().__init__() first in your __init__")

    def __setattr__(self, name, value):
        params = self.__dict__.get('_parameters')
        if isinstance(value, Parameter):
            self._check_ready('parameters')
            self._forget(name)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(nn.Parameter or None expected); wrap it: nn.Parameter(tensor)")
            params[name] = None
        elif isinstance(value, Module):
            self._check_ready('child modules')
            self._forget(name)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                "(nn.Module or None expected)")
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _check_free(self, name, registry):
        """PyTorch's rule for register_*: a name already used by another attribute is refused."""
        if name not in registry and (name in self.__dict__ or hasattr(type(self), name) or
                                     any(name in r for r in (self._parameters, self._buffers,
                                                             self._modules) if r is not registry)):
            raise KeyError(f"attribute '{name}' already exists")

    def _forget(self, name):
        """Drop ``name`` from every registry and the instance dict, before it is registered anew."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name):
        # Called only when normal lookup fails: look in the registries.
        d = self.__dict__
        for registry in ('_parameters', '_buffers', '_modules'):
            found = d.get(registry)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) |
                      set(self._modules))

    def register_parameter(self, name, param):
        """Register ``param`` (a Parameter, or None for an absent one such as a disabled bias)."""
        self._check_ready('parameters')
        _check_name(name, 'parameter')
        self._check_free(name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter('{name}'): expected nn.Parameter or None, got "
                            f"{type(param).__name__}; wrap it: nn.Parameter(tensor)")
        self._forget(name)
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Register a tensor that is state but not learnable (e.g. running statistics). Buffers move
        with ``to()`` and, when ``persistent``, are part of ``state_dict()``."""
        self._check_ready('buffers')
        _check_name(name, 'buffer')
        self._check_free(name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer('{name}'): expected a Tensor or None, got "
                            f"{type(tensor).__name__}")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Register ``module`` as the child ``name`` (what attribute assignment does)."""
        self._check_ready('child modules')
        _check_name(name, 'module')
        self._check_free(name, self._modules)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module('{name}'): {type(module).__name__} is not a Module")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    # ---------------------------------------------------------------------------------- traversal
    def named_modules(self, memo=None, prefix='', remove_duplicate=True):
        """``(name, module)`` for this module and every descendant, each once (a module shared by
        two parents is listed under its first name)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            yield from child.named_modules(memo, prefix + ('.' if prefix else '') + name,
                                           remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and child not in seen:
                seen.add(child)
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and value in seen):
                    continue
                seen.add(value)
                yield module_prefix + ('.' if module_prefix else '') + name, value

    def named_parameters(self, prefix='', recurse=True, remove_duplicate=True):
        """``(dotted name, Parameter)`` pairs; a parameter shared by two layers appears once."""
        return self._named_members('_parameters', prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix='', recurse=True, remove_duplicate=True):
        return self._named_members('_buffers', prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def get_submodule(self, target):
        """The descendant named by a dotted path (``'net.0'``); ``''`` is this module."""
        module = self
        for part in target.split('.') if target else ():
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no submodule '{part}' (looking for "
                                     f"'{target}')")
            module = child
        return module

    def get_parameter(self, target):
        """The parameter named by a dotted path (``'net.0.weight'``)."""
        return self._get_member(target, '_parameters', 'parameter')

    def get_buffer(self, target):
        """The buffer named by a dotted path (``'bn.running_mean'``)."""
        return self._get_member(target, '_buffers', 'buffer')

    def _get_member(self, target, registry, kind):
        module_path, _, name = target.rpartition('.')
        module = self.get_submodule(module_path)
        members = getattr(module, registry)
        if name not in members:
            raise AttributeError(f"{type(module).__name__} has no {kind} `{name}` (looking for "
                                 f"'{target}')")
        return members[name]

    # ------------------------------------------------------------------------------------- state
    def state_dict(self, destination=None, prefix='', keep_vars=False):
        """An ``OrderedDict`` of dotted name -> tensor for every parameter and persistent buffer.

        As in PyTorch the tensors share memory with the module (changing one changes the model) and
        are detached (``keep_vars=True`` gives the Parameters themselves); a module used at two places
        appears under both names.
        """
        if destination is None:
            destination = collections.OrderedDict()
        for name, tensor in self._state_items(prefix):
            destination[name] = tensor if keep_vars else tensor.detach()
        return destination

    def _state_items(self, prefix=''):
        """(dotted name, tensor) for each entry of ``state_dict()``, in its order."""
        for name, param in self._parameters.items():
            if param is not None:
                yield prefix + name, param
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers:
                yield prefix + name, buf
        for name, child in self._modules.items():
            if child is not None:
                yield from child._state_items(prefix + name + '.')

    def _prepare_load(self, state_dict, prefix):
        """Hook for modules whose parameters are created from the state dict (lazy layers)."""

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of ``state_dict`` into this module's parameters and buffers, in place (an
        optimiser holding the parameters keeps working).

        Shape mismatches always raise; with ``strict=True`` missing and unexpected keys raise too, all
        listed in one error. Returns ``(missing_keys, unexpected_keys)``.
        """
        if not hasattr(state_dict, 'items'):
            raise TypeError(f"load_state_dict expects a dict of name -> tensor (from state_dict() or "
                            f"minigrad.load), got {type(state_dict).__name__}")
        for name, module in self.named_modules():
            module._prepare_load(state_dict, name + '.' if name else '')
        slots = list(self._state_items())
        own = {name for name, _ in slots}
        missing = [name for name, _ in slots if name not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        mismatched = []
        for name, target in slots:
            if name in state_dict:
                value = state_dict[name]
                shape = tuple(value.shape) if hasattr(value, 'shape') else ()
                if shape != tuple(target.shape):
                    mismatched.append(f"size mismatch for {name}: copying a param with shape "
                                      f"{list(shape)} from checkpoint, the shape in current model is "
                                      f"{list(target.shape)}.")
        problems = list(mismatched)
        if strict:
            if unexpected:
                problems.insert(0, 'Unexpected key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in
                                                                                    unexpected) + '.')
            if missing:
                problems.insert(0, 'Missing key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in
                                                                                 missing) + '.')
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" +
                               '\n\t'.join(problems))
        with no_grad():
            for name, target in slots:
                if name in state_dict:
                    value = state_dict[name]
                    array = value._array if isinstance(value, Tensor) else backend.asarray(value)
                    target._array[...] = backend.to_device(array, target.device)
                    target._bump_version()
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------------------ modes and grads
    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on this module and its descendants."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode): mode must be True or False, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, 'training', mode)
        return self

    def eval(self):
        """Evaluation mode (``train(False)``): Dropout passes its input through unchanged."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of all parameters (``set_to_none=False`` fills them with zeros)."""
        for param in self.parameters():
            clear_grad(param, set_to_none)

    def apply(self, fn):
        """Call ``fn(module)`` on every descendant, then on this module (children first, as PyTorch);
        used for custom initialisation: ``net.apply(init_weights)``."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---------------------------------------------------------------------------- device and dtype
    def _apply_to_arrays(self, convert):
        """Replace every parameter's and buffer's array (and gradient's) by ``convert(array)``, in place
        on the tensor objects, so optimisers that hold the parameters keep working."""
        for tensor in itertools.chain(self.parameters(), self.buffers()):
            tensor._array = convert(tensor._array)
            if tensor.grad is not None:
                tensor.grad._array = convert(tensor.grad._array)
        return self

    def to(self, *args, **kwargs):
        """``to(device)``, ``to(dtype)``, ``to(device, dtype)`` or ``to(tensor)``; in place, returns self.
        Only floating-point parameters and buffers change dtype (as PyTorch)."""
        device, dtype = _parse_to(args, kwargs)
        dtype = backend.as_dtype(dtype)
        if dtype is not None and dtype.kind != 'f':
            raise TypeError(f"Module.to only accepts floating dtypes, got {dtype}")
        if device is not None:
            backend.module_for(device)  # fail now, with the reason, if the device is unusable

        def convert(array):
            if dtype is not None and array.dtype.kind == 'f' and array.dtype != dtype:
                array = array.astype(dtype)
            if device is not None:
                array = backend.to_device(array, device)
            return array

        return self._apply_to_arrays(convert)

    def float(self):
        return self.to(backend.float32)

    def double(self):
        return self.to(backend.float64)

    def half(self):
        return self.to(backend.float16)

    def cpu(self):
        return self.to('cpu')

    def cuda(self, device=None):
        return self.to('cuda' if device is None else device if isinstance(device, str) else
                       f'cuda:{device}')

    # ---------------------------------------------------------------------------------- printing
    def extra_repr(self):
        """The text inside this module's parentheses in ``repr`` (layers override it)."""
        return ''

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split('\n'))
        for name, child in self._modules.items():
            text = repr(child).replace('\n', '\n  ')
            lines.append(f'({name}): {text}')
        if not lines:
            return f'{self._get_name()}()'
        if len(lines) == 1 and not self._modules:
            return f'{self._get_name()}({lines[0]})'
        return self._get_name() + '(\n  ' + '\n  '.join(lines) + '\n)'


def _check_name(name, kind):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name must be a string, got {type(name).__name__}")
    if '.' in name or name == '':
        raise KeyError(f"{kind} name {name!r} must be a non-empty string without '.'")


def clear_grad(param, set_to_none=True):
    """``zero_grad`` for one parameter (shared by Module and the optimisers)."""
    if param.grad is None:
        return
    if set_to_none:
        param.grad = None
    else:
        grad = param.grad
        if grad._ctx is not None or grad._requires_grad:  # a gradient built with create_graph
            grad = grad.detach()
            param.grad = grad
        grad._array[...] = 0
