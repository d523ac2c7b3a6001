"""Adaptive optimisers beside Adam: ``RMSprop Adagrad Adadelta Adamax NAdam RAdam``, with PyTorch's
arguments, defaults, state names and update rules (its single-tensor implementation, step by step).

In every rule ``g`` is the gradient, negated first when ``maximize=True``; ``t`` is the step count
(``state['step']``, a 0-d tensor as in PyTorch). Weight decay adds ``weight_decay * p`` to ``g``
unless a rule says it is decoupled (then ``p *= 1 - lr * weight_decay`` first).
"""
from .. import backend
from ..conversion import constant
from .optimizer import (Optimizer, _check_betas, _check_hyper, _count, _lerp_, _step_tensor, _zeros)


def _grad(p, group):
    g = p.grad._array
    if group['maximize']:
        g = -g
    if group['weight_decay'] and not group.get('decoupled_weight_decay', False):
        g = g + group['weight_decay'] * p._array
    return g


class RMSprop(Optimizer):
    """RMSprop, PyTorch's rule::

        v = alpha * v + (1 - alpha) * g * g
        centered: g_avg = lerp(g_avg, g, 1 - alpha);  avg = sqrt(v - g_avg * g_avg) + eps
        else:     avg = sqrt(v) + eps
        momentum: buf = momentum * buf + g / avg;  p = p - lr * buf
        else:     p = p - lr * g / avg

    State: ``step``, ``square_avg`` (plus ``momentum_buffer`` if momentum, ``grad_avg`` if centered).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_hyper('momentum', momentum)
        _check_hyper('weight_decay', weight_decay)
        _check_hyper('alpha', alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps, momentum = group['lr'], group['alpha'], group['eps'], group['momentum']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['square_avg'] = _zeros(p)
                    if momentum > 0:
                        state['momentum_buffer'] = _zeros(p)
                    if group['centered']:
                        state['grad_avg'] = _zeros(p)
                _count(state)
                g = _grad(p, group)
                xp = backend.array_module(g)
                v = state['square_avg']._array
                v *= alpha
                v += (1 - alpha) * g * g
                if group['centered']:
                    g_avg = state['grad_avg']._array
                    _lerp_(g_avg, g, 1 - alpha)
                    avg = xp.sqrt(v - g_avg * g_avg)
                else:
                    avg = xp.sqrt(v)
                avg += eps
                if momentum > 0:
                    buf = state['momentum_buffer']._array
                    buf *= momentum
                    buf += g / avg
                    p._array -= lr * buf
                else:
                    p._array -= lr * (g / avg)
                self._updated(p)
        return loss


class Adagrad(Optimizer):
    """Adagrad, PyTorch's rule::

        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g                       (s starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    State (created for every parameter at construction, as in PyTorch): ``step``, ``sum``.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_hyper('learning rate', lr)
        _check_hyper('lr_decay', lr_decay)
        _check_hyper('weight_decay', weight_decay)
        _check_hyper('initial_accumulator_value', initial_accumulator_value)
        _check_hyper('epsilon', eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      fused=fused))

    def _init_state(self, p, group):
        state = self.state[p]
        if not state:
            state['step'] = _step_tensor()
            xp = backend.array_module(p._array)
            state['sum'] = constant(xp.full_like(p._array, self.defaults['initial_accumulator_value']))

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group['params']:
            self._init_state(p, group)

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, lr_decay, eps = group['lr'], group['lr_decay'], group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                self._init_state(p, group)
                t = _count(state)
                g = _grad(p, group)
                clr = lr / (1 + (t - 1) * lr_decay)
                s = state['sum']._array
                s += g * g
                std = backend.array_module(s).sqrt(s)
                std += eps
                p._array -= clr * (g / std)
                self._updated(p)
        return loss


class Adadelta(Optimizer):
    """Adadelta, PyTorch's rule (``lr=1.0`` by default)::

        v = rho * v + (1 - rho) * g * g
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        p = p - lr * delta

    State: ``step``, ``square_avg`` (v), ``acc_delta`` (u).
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_hyper('learning rate', lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho} (must be in [0, 1])")
        _check_hyper('epsilon', eps)
        _check_hyper('weight_decay', weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach,
                                      differentiable=differentiable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps = group['lr'], group['rho'], group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['square_avg'] = _zeros(p)
                    state['acc_delta'] = _zeros(p)
                _count(state)
                g = _grad(p, group)
                xp = backend.array_module(g)
                v, u = state['square_avg']._array, state['acc_delta']._array
                v *= rho
                v += (1 - rho) * g * g
                std = xp.sqrt(v + eps)
                delta = xp.sqrt(u + eps)
                delta /= std
                delta *= g
                u *= rho
                u += (1 - rho) * delta * delta
                p._array -= lr * delta
                self._updated(p)
        return loss


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm), PyTorch's rule::

        m = lerp(m, g, 1 - beta1)
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    State: ``step``, ``exp_avg`` (m), ``exp_inf`` (u).
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_betas(betas)
        _check_hyper('weight_decay', weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['exp_avg'] = _zeros(p)
                    state['exp_inf'] = _zeros(p)
                t = _count(state)
                g = _grad(p, group)
                xp = backend.array_module(g)
                m, u = state['exp_avg']._array, state['exp_inf']._array
                _lerp_(m, g, 1 - beta1)
                u *= beta2
                xp.maximum(u, xp.abs(g) + eps, out=u)
                clr = lr / (1 - beta1 ** t)
                p._array -= clr * (m / u)
                self._updated(p)
        return loss


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum, Dozat), PyTorch's rule with ``momentum_decay`` ``psi``::

        mu_t = beta1 * (1 - 0.5 * 0.96^(t psi)),  mu_{t+1} likewise;  P = P * mu_t   (mu_product)
        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        d = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr (1 - mu_t) / (1 - P) * g / d - lr mu_{t+1} / (1 - P mu_{t+1}) * m / d

    ``decoupled_weight_decay=True`` gives NAdamW. State: ``step``, ``mu_product`` (0-d tensor),
    ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_betas(betas)
        _check_hyper('weight_decay', weight_decay)
        _check_hyper('momentum_decay', momentum_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
            weight_decay, psi = group['weight_decay'], group['momentum_decay']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['mu_product'] = _step_tensor(1.0)
                    state['exp_avg'] = _zeros(p)
                    state['exp_avg_sq'] = _zeros(p)
                t = _count(state)
                g = _grad(p, group)
                if weight_decay and group['decoupled_weight_decay']:
                    p._array *= 1 - lr * weight_decay
                xp = backend.array_module(g)
                bias_correction2 = 1 - beta2 ** t
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
                mu_product = state['mu_product']._array
                mu_product *= mu
                m, v = state['exp_avg']._array, state['exp_avg_sq']._array
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                denom = xp.sqrt(v / bias_correction2)
                denom += eps
                product = float(mu_product)
                p._array += (-lr * (1.0 - mu) / (1.0 - product)) * (g / denom)
                p._array += ((-lr * mu_next) / (1.0 - product * mu_next)) * (m / denom)
                self._updated(p)
        return loss


class RAdam(Optimizer):
    """RAdam (rectified Adam, Liu et al.), PyTorch's rule::

        m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        rho_t > 5: p = p - lr * m / (1 - beta1^t) * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t
                   with r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        else:      p = p - lr * m / (1 - beta1^t)

    ``decoupled_weight_decay=True`` gives RAdamW. State: ``step``, ``exp_avg``, ``exp_avg_sq``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_hyper('learning rate', lr)
        _check_hyper('epsilon', eps)
        _check_betas(betas)
        _check_hyper('weight_decay', weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      differentiable=differentiable))

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group['lr'], group['betas'], group['eps']
            weight_decay = group['weight_decay']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state['step'] = _step_tensor()
                    state['exp_avg'] = _zeros(p)
                    state['exp_avg_sq'] = _zeros(p)
                t = _count(state)
                g = _grad(p, group)
                if weight_decay and group['decoupled_weight_decay']:
                    p._array *= 1 - lr * weight_decay
                xp = backend.array_module(g)
                m, v = state['exp_avg']._array, state['exp_avg_sq']._array
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                bias_correction1 = 1 - beta1 ** t
                bias_correction2 = 1 - beta2 ** t
                corrected = m / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * t * (beta2 ** t) / bias_correction2
                if rho_t > 5.0:
                    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
                    adaptive = xp.sqrt(v)
                    adaptive += eps
                    adaptive = (bias_correction2 ** 0.5) / adaptive
                    p._array -= corrected * lr * adaptive * rect
                else:
                    p._array -= corrected * lr
                self._updated(p)
        return loss


__all__ = ['RMSprop', 'Adagrad', 'Adadelta', 'Adamax', 'NAdam', 'RAdam']
