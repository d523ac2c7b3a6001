"""Optimisers with PyTorch's update rules: ``SGD`` (momentum, dampening, Nesterov, weight decay),
``Adam`` (with AMSGrad and decoupled weight decay) and ``AdamW``.

::

    opt = minigrad.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    for X, y in loader:
        loss = loss_fn(net(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

Parameters are updated in place on their arrays (the tensors the model holds), outside the graph, and
their version counters advance, so a graph saved before the step refuses to back-propagate through
the old values. Per-parameter groups: ``SGD([{'params': net[0].parameters(), 'lr': 0.01},
{'params': net[2].parameters()}], lr=0.1)``; a group's missing settings come from the arguments.
"""
import collections
import copy
import functools
import itertools
import math

from .. import backend
from ..autograd.grad_mode import enable_grad
from ..conversion import constant
from ..nn.module import clear_grad
from ..tensor import Tensor


class _Required:
    def __repr__(self):
        return '<required parameter>'


required = _Required()

# Settings PyTorch keeps in every group that only choose an implementation or a CUDA-graph mode.
# ``foreach`` is accepted and ignored (one implementation, same results); the others are refused when on.
_UNSUPPORTED = ('capturable', 'differentiable', 'fused')


class Optimizer:
    """Base class: parameter groups, ``zero_grad``, ``state_dict`` / ``load_state_dict``.

    A subclass sets its defaults and implements ``step``; its per-parameter state lives in
    ``self.state[param]``: a dict of Tensors under PyTorch's names (``'step'`` a 0-d tensor,
    ``'exp_avg'``, ``'momentum_buffer'``, ...), updated in place.
    """

    def __init__(self, params, defaults):
        for name in _UNSUPPORTED:
            if defaults.get(name):
                raise ValueError(f"{type(self).__name__}({name}=True) is not supported by minigrad "
                                 f"(it selects a PyTorch-specific implementation); leave it False/None")
        self.defaults = dict(defaults)
        self.state = collections.defaultdict(dict)
        self.param_groups = []
        for name in _HOOK_KINDS:
            setattr(self, name, collections.OrderedDict())
        _patch_step(type(self))
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or "
                            "dicts, but got a Tensor: wrap it in a list, e.g. SGD([w], lr=0.1)")
        _check_ordered(params)
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list (did the model create its parameters? "
                             "a lazy layer creates them at its first call)")
        if not isinstance(groups[0], dict):
            groups = [{'params': groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own settings (e.g. a different lr). ``params`` may be
        tensors or ``(name, tensor)`` pairs (``named_parameters()``), as in PyTorch; names are kept
        under ``'param_names'``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get('params')
        if isinstance(params, Tensor):
            params = [params]
        _check_ordered(params)
        params = list(params or ())
        names = None
        if params and isinstance(params[0], tuple):
            if not all(isinstance(item, tuple) and len(item) == 2 for item in params):
                raise ValueError("all optimizer params should be of the same kind: all tensors or all "
                                 "(name, tensor) pairs")
            names = [name for name, _ in params]
            params = [p for _, p in params]
        unique, unique_names = [], []
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one produced by an op); optimise the "
                                 "leaf it comes from, or .detach().requires_grad_() a copy")
            if any(p is q for q in unique):
                continue  # listed twice in one group: update it once
            unique.append(p)
            if names is not None:
                unique_names.append(names[i])
        group['params'] = unique
        if names is not None:
            group['param_names'] = unique_names
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            group.setdefault(name, default)
        known = {id(p) for g in self.param_groups for p in g['params']}
        if any(id(p) in known for p in unique):
            raise ValueError("some parameters appear in more than one parameter group")
        if self.param_groups and (('param_names' in group) != ('param_names' in self.param_groups[0])):
            raise ValueError("all optimizer param groups should be with/without names")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Forget the gradients (``set_to_none=False`` fills them with zeros instead)."""
        for group in self.param_groups:
            for p in group['params']:
                clear_grad(p, set_to_none)

    def step(self, closure=None):
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _updated(p):
        """Mark a parameter as changed in place (see the module docstring)."""
        p._bump_version()

    # ------------------------------------------------------------------------------------- state
    # ------------------------------------------------------------------------------------- hooks
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before each ``step``; it may return ``(args, kwargs)``
        to replace the step's arguments. Returns a handle whose ``remove()`` unregisters it."""
        return _Handle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after each ``step``."""
        return _Handle(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs before ``state_dict()`` builds its dict."""
        return _Handle(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs on the finished dict; it may return a replacement."""
        return _Handle(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict)`` runs before loading; it may return the dict to load instead."""
        return _Handle(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs after loading."""
        return _Handle(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    def state_dict(self):
        """``{'state': {index: {name: tensor}}, 'param_groups': [{settings..., 'params': [index, ...]}]}``
        with parameters numbered in order across groups, as PyTorch. The state's tensors are the
        optimiser's own (not copies), as in PyTorch: save them, or ``copy.deepcopy`` the dict."""
        for hook in getattr(self, '_optimizer_state_dict_pre_hooks', {}).values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            packed['params'] = [index.setdefault(id(p), len(index)) for p in group['params']]
            groups.append(packed)
        state = {}
        for p, entry in self.state.items():  # every entry, empty ones too, in insertion order (PyTorch's)
            state[index[id(p)] if id(p) in index else p] = dict(entry)
        result = {'state': state, 'param_groups': groups}
        for hook in getattr(self, '_optimizer_state_dict_post_hooks', {}).values():
            replaced = hook(self, result)
            if replaced is not None:
                result = replaced
        return result

    def load_state_dict(self, state_dict):
        """Restore settings and state saved by :meth:`state_dict`. The state is copied; tensors move to
        each parameter's device and floating ones to its dtype (``'step'`` stays as saved), as in
        PyTorch, so training resumes exactly where it stopped."""
        for hook in getattr(self, '_optimizer_load_state_dict_pre_hooks', {}).values():
            replaced = hook(self, state_dict)
            if replaced is not None:
                state_dict = replaced
        groups = state_dict['param_groups']
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has a different number of parameter groups "
                             f"({len(groups)}) than this optimizer ({len(self.param_groups)})")
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved['params']) != len(own['params']):
                raise ValueError(f"loaded state dict contains a parameter group {i} of "
                                 f"{len(saved['params'])} parameters, which doesn't match the size of "
                                 f"optimizer's group ({len(own['params'])})")
        saved_state = {_int_key(k): v for k, v in state_dict['state'].items()}
        self.state = collections.defaultdict(dict)
        for saved, own in zip(groups, self.param_groups):
            for index, p in zip(saved['params'], own['params']):
                entry = saved_state.get(_int_key(index))
                if entry is not None:
                    self.state[p] = {k: _state_value(k, v, p) for k, v in entry.items()}
        new_groups = []
        for saved, own in zip(groups, self.param_groups):
            group = copy.deepcopy({k: v for k, v in saved.items() if k != 'params'})
            group['params'] = own['params']
            if 'param_names' in own and 'param_names' not in saved:
                group['param_names'] = own['param_names']
            new_groups.append(group)
        self.param_groups = new_groups
        for hook in getattr(self, '_optimizer_load_state_dict_post_hooks', {}).values():
            hook(self)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in _HOOK_KINDS:
            self.__dict__.setdefault(name, collections.OrderedDict())

    def __repr__(self):
        lines = [type(self).__name__ + ' (']
        for i, group in enumerate(self.param_groups):
            lines.append(f'Parameter Group {i}')
            for key in sorted(k for k in group if k not in ('params', 'param_names')):
                lines.append(f'    {key}: {group[key]}')
        lines.append(')')
        return '\n'.join(lines)


_HOOK_KINDS = ('_optimizer_step_pre_hooks', '_optimizer_step_post_hooks', '_optimizer_state_dict_pre_hooks',
               '_optimizer_state_dict_post_hooks', '_optimizer_load_state_dict_pre_hooks',
               '_optimizer_load_state_dict_post_hooks')
_global_step_pre_hooks = collections.OrderedDict()
_global_step_post_hooks = collections.OrderedDict()
_hook_ids = itertools.count()


class _Handle:
    """What the ``register_*_hook`` methods return: ``remove()`` unregisters the hook."""

    def __init__(self, hooks, hook, prepend=False):
        self.hooks_dict_ref, self.id = hooks, next(_hook_ids)
        hooks[self.id] = hook
        if prepend:
            hooks.move_to_end(self.id, last=False)

    def remove(self):
        self.hooks_dict_ref.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_optimizer_step_pre_hook(hook):
    """A step pre-hook for every optimiser (runs before each one's own)."""
    return _Handle(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """A step post-hook for every optimiser (runs after each one's own)."""
    return _Handle(_global_step_post_hooks, hook)


def _patch_step(cls):
    """Make ``cls.step`` run the step hooks, once per class (PyTorch patches the class at the first
    construction too). With no hook registered it costs one extra call per step."""
    step = cls.__dict__.get('step')
    if step is None:
        for base in cls.__mro__[1:]:
            if 'step' in base.__dict__:
                step = base.__dict__['step']
                break
    if step is None or getattr(step, 'runs_step_hooks', False):
        return

    @functools.wraps(step)
    def step_with_hooks(*args, **kwargs):
        self = args[0]  # as in PyTorch, the hooks' ``args`` start with the optimiser itself
        pre = getattr(self, '_optimizer_step_pre_hooks', None)
        post = getattr(self, '_optimizer_step_post_hooks', None)
        if not (pre or post or _global_step_pre_hooks or _global_step_post_hooks):
            return step(*args, **kwargs)
        for hook in itertools.chain(_global_step_pre_hooks.values(), (pre or {}).values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), but "
                                       f"got {result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for hook in itertools.chain((post or {}).values(), _global_step_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    step_with_hooks.runs_step_hooks = True
    cls.step = step_with_hooks


def _check_ordered(params):
    if isinstance(params, (set, frozenset)):
        raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                        "ordering of tensors in sets changes between runs; use a list instead")


def _int_key(key):
    # Checkpoints written by minigrad.save keep int keys; tolerate string ones from other encodings.
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _state_value(key, value, param):
    """A copy of one saved state entry, placed as PyTorch places it: on the parameter's device, floating
    tensors in its dtype, ``'step'`` as saved (a number from an old checkpoint becomes a 0-d tensor)."""
    if key == 'step' and not isinstance(value, Tensor) and not hasattr(value, 'shape'):
        return _step_tensor(float(value))
    array = value._array if isinstance(value, Tensor) else value
    if not (hasattr(array, 'dtype') and hasattr(array, 'shape')):
        return copy.deepcopy(value)
    if key == 'step':
        return constant(backend.asarray(backend.to_host(array), copy=True))
    array = backend.to_device(array, param.device).copy()
    if backend.is_floating(array.dtype):
        array = array.astype(param.dtype, copy=False)
    return constant(array)


def _scalar_dtype():
    """PyTorch's dtype for 0-d state such as ``'step'``: float64 under a float64 default, else float32."""
    return backend.float64 if backend.get_default_dtype() == backend.float64 else backend.float32


def _step_tensor(value=0.0):
    """A CPU 0-d tensor holding a step count (PyTorch keeps ``'step'`` as such a tensor)."""
    return constant(backend.asarray(value, _scalar_dtype(), 'cpu', copy=True))


def _count(state):
    """Advance ``state['step']`` in place; return the new count as a Python float."""
    step = state['step']._array
    step += 1
    return float(step)


def _zeros(p):
    return constant(backend.array_module(p._array).zeros_like(p._array))


def _lerp_(start, end, weight):
    """``start.lerp_(end, weight)`` with PyTorch's formula (which form depends on the weight)."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def _check_hyper(name, value, low=0.0):
    if not value >= low:
        raise ValueError(f"Invalid {name} value: {value} (must be >= {low})")


def _check_betas(betas):
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's rule. With ``g`` the gradient (``-g`` if ``maximize``)::

        g = g + weight_decay * p                   (if weight_decay)
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf   (if momentum)
        p = p - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_hyper('learning rate', lr)
        _check_hyper('momentum', momentum)
        _check_hyper('weight_decay', weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                                      foreach=foreach, differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, momentum, dampening = group['lr'], group['momentum'], group['dampening']
            weight_decay, nesterov, maximize = group['weight_decay'], group['nesterov'], group['maximize']
            for p in group['params']:
                if p.grad is None:
                    continue
                g = p.grad._array
                if maximize:
                    g = -g
                if weight_decay:
                    g = g + weight_decay * p._array
                if momentum:
                    state = self.state[p]
                    buf = state.get('momentum_buffer')
                    if buf is None:
                        buf = g.copy()
                        state['momentum_buffer'] = constant(buf)
                    else:
                        buf = buf._array
                        buf *= momentum
                        buf += g if dampening == 0 else (1 - dampening) * g
                    g = g + momentum * buf if nesterov else buf
                p._array -= lr * g
                self._updated(p)
        return loss


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch's rule. With ``g`` the gradient (``-g`` if ``maximize``) and ``t``
    the step count::

        g = g + weight_decay * p            (decoupled_weight_decay: p = p * (1 - lr * weight_decay))
        m = lerp(m, g, 1 - beta1)
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)               (amsgrad; then v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    State: ``step`` (0-d tensor), ``exp_avg``, ``exp_avg_sq`` (and ``max_exp_avg_sq`` with amsgrad).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_hyper('weight_decay', weight_decay)
        _check_betas(betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
            weight_decay, amsgrad = group['weight_decay'], group['amsgrad']
            for p in group['params']:
                if p.grad is None:
                    continue
                g = p.grad._array
                if group['maximize']:
                    g = -g
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['exp_avg'] = _zeros(p)
                    state['exp_avg_sq'] = _zeros(p)
                    if amsgrad:
                        state['max_exp_avg_sq'] = _zeros(p)
                t = _count(state)
                if weight_decay:
                    if group['decoupled_weight_decay']:
                        p._array *= 1 - lr * weight_decay
                    else:
                        g = g + weight_decay * p._array
                m, v = state['exp_avg']._array, state['exp_avg_sq']._array
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                xp = backend.array_module(v)
                if amsgrad:
                    v_max = state['max_exp_avg_sq']._array
                    xp.maximum(v_max, v, out=v_max)
                    v = v_max
                step_size = lr / (1 - beta1 ** t)
                denom = xp.sqrt(v)
                denom /= math.sqrt(1 - beta2 ** t)
                denom += eps
                p._array -= step_size * (m / denom)
                self._updated(p)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (``p = p * (1 - lr * weight_decay)`` before the Adam update),
    default ``weight_decay=1e-2``, as ``torch.optim.AdamW``."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
