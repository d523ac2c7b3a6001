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
import math

from . import backend
from .autograd.grad_mode import enable_grad
from .nn.module import clear_grad
from .conversion import constant
from .tensor import Tensor


class _Required:
    def __repr__(self):
        return '<required parameter>'


required = _Required()


class Optimizer:
    """Base class: parameter groups, ``zero_grad``, ``state_dict`` / ``load_state_dict``.

    A subclass sets its defaults and implements ``step``; its per-parameter state lives in
    ``self.state[param]`` (a dict of arrays and numbers).
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = collections.defaultdict(dict)
        self.param_groups = []
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
        """Add a group of parameters with its own settings (e.g. a different lr)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get('params')
        if isinstance(params, Tensor):
            params = [params]
        _check_ordered(params)
        params = list(params or ())
        unique = []
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one produced by an op); optimise the "
                                 "leaf it comes from, or .detach().requires_grad_() a copy")
            if any(p is q for q in unique):
                continue  # listed twice in one group: update it once
            unique.append(p)
        group['params'] = unique
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            group.setdefault(name, default)
        known = {id(p) for g in self.param_groups for p in g['params']}
        if any(id(p) in known for p in unique):
            raise ValueError("some parameters appear in more than one parameter group")
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
    def state_dict(self):
        """``{'state': {index: {name: value}}, 'param_groups': [{settings..., 'params': [index, ...]}]}``
        with parameters numbered in order across groups, as PyTorch. Arrays come back as Tensors that
        share memory with the optimiser's state."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            packed['params'] = [index.setdefault(id(p), len(index)) for p in group['params']]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group['params']:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {k: constant(v) if hasattr(v, 'dtype') and hasattr(v, 'shape')
                                           else v for k, v in self.state[p].items()}
        return {'state': state, 'param_groups': groups}

    def load_state_dict(self, state_dict):
        """Restore settings and state saved by :meth:`state_dict` (copies; state arrays move to each
        parameter's device and floating ones to its dtype)."""
        groups = state_dict['param_groups']
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter group(s), this optimizer has "
                             f"{len(self.param_groups)}")
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
            own.update({k: v for k, v in saved.items() if k != 'params'})

    def __repr__(self):
        lines = [type(self).__name__ + ' (']
        for i, group in enumerate(self.param_groups):
            lines.append(f'Parameter Group {i}')
            for key in sorted(k for k in group if k != 'params'):
                lines.append(f'    {key}: {group[key]}')
        lines.append(')')
        return '\n'.join(lines)


def _check_ordered(params):
    if isinstance(params, (set, frozenset)):
        raise TypeError("optimizer parameters need to be organized in ordered collections, but the "
                        "ordering of tensors in sets changes between runs; use a list instead")


def _int_key(key):
    # Checkpoints written by minigrad.save keep int keys; tolerate string ones from other encodings.
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _state_value(key, value, param):
    if isinstance(value, Tensor):
        value = value._array
    if key == 'step':  # a count, kept as a Python int
        return int(value)
    if hasattr(value, 'dtype') and hasattr(value, 'shape'):
        array = backend.to_device(value, param.device).copy()
        return array.astype(param.dtype, copy=False) if array.dtype.kind == 'f' else array
    return value


def _check_hyper(name, value, low=0.0):
    if not value >= low:
        raise ValueError(f"Invalid {name} value: {value} (must be >= {low})")


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's rule. With ``g`` the gradient::

        g = g + weight_decay * p                   (if weight_decay)
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf   (if momentum)
        p = p - lr * g
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False):
        _check_hyper('learning rate', lr)
        _check_hyper('momentum', momentum)
        _check_hyper('weight_decay', weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

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
                        buf = state['momentum_buffer'] = g.copy()
                    else:
                        buf *= momentum
                        buf += g if dampening == 0 else (1 - dampening) * g
                    g = g + momentum * buf if nesterov else buf
                p._array -= lr * g
                self._updated(p)
        return loss


class Adam(Optimizer):
    """Adam (Kingma & Ba), PyTorch's rule. With ``g`` the gradient and ``t`` the step count::

        g = g + weight_decay * p            (decoupled_weight_decay: p = p * (1 - lr * weight_decay))
        m = m + (1 - beta1) * (g - m)
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)               (amsgrad; then v_max replaces v below)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False, decoupled_weight_decay=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_hyper('weight_decay', weight_decay)
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize,
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
                    xp = backend.array_module(p._array)
                    state['step'] = 0
                    state['exp_avg'] = xp.zeros_like(p._array)
                    state['exp_avg_sq'] = xp.zeros_like(p._array)
                    if amsgrad:
                        state['max_exp_avg_sq'] = xp.zeros_like(p._array)
                state['step'] += 1
                t = state['step']
                if weight_decay:
                    if group['decoupled_weight_decay']:
                        p._array *= 1 - lr * weight_decay
                    else:
                        g = g + weight_decay * p._array
                m, v = state['exp_avg'], state['exp_avg_sq']
                m += (1 - beta1) * (g - m)
                v *= beta2
                v += (1 - beta2) * g * g
                if amsgrad:
                    v_max = state['max_exp_avg_sq']
                    backend.array_module(v).maximum(v_max, v, out=v_max)
                    v = v_max
                denom = backend.array_module(v).sqrt(v)
                denom /= math.sqrt(1 - beta2 ** t)
                denom += eps
                p._array -= (lr / (1 - beta1 ** t)) * (m / denom)
                self._updated(p)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (``p = p * (1 - lr * weight_decay)`` before the Adam update),
    default ``weight_decay=1e-2``, as ``torch.optim.AdamW``."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
