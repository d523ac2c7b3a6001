"""Module hooks: forward pre-hooks, forward hooks and full backward (pre-)hooks.

A module without hooks is called directly (``Module.__call__`` checks four class-level Nones). With
hooks, :func:`call_with_hooks` runs them around ``forward``. Backward hooks are built from tensor hooks:
each tensor input that requires grad passes through an identity node whose output's hook sees the
gradient with respect to that input (``grad_input``), and each tensor output through one whose hook
sees ``grad_output``, as PyTorch's ``BackwardHook`` does.
"""
import collections
import itertools

from ..autograd import function as _fn
from ..autograd.function import Function
from ..autograd.grad_mode import state

_ids = itertools.count()


class RemovableHandle:
    """What ``register_*_hook`` returns: ``remove()`` unregisters the hook (also as a context manager)."""

    def __init__(self, registry):
        self._registry = registry
        self.id = next(_ids)

    def remove(self):
        self._registry.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register(module, attribute, entry, prepend):
    registry = module.__dict__.get(attribute)
    if registry is None:
        registry = collections.OrderedDict()
        object.__setattr__(module, attribute, registry)
    handle = RemovableHandle(registry)
    registry[handle.id] = entry
    if prepend:
        registry.move_to_end(handle.id, last=False)
    return handle


class _HookIdentity(Function):
    """The identity, as a separate node so that a tensor hook can watch the gradient passing it."""

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad


def _tensors(value):
    """Positions of the Tensors in ``value`` (a Tensor or a tuple/list of values)."""
    if isinstance(value, _fn.Tensor):
        return [None]
    if isinstance(value, (tuple, list)):
        return [i for i, v in enumerate(value) if isinstance(v, _fn.Tensor)]
    return []


def call_with_hooks(module, args, kwargs):
    pre = module._forward_pre_hooks
    if pre:
        for hook, with_kwargs in list(pre.values()):
            if with_kwargs:
                result = hook(module, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("a forward pre-hook registered with_kwargs=True must return "
                                           f"None or (args, kwargs), got {type(result).__name__}")
                    args, kwargs = result
            else:
                result = hook(module, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
    backward = (module._backward_hooks or module._backward_pre_hooks) and state.enabled
    tracker = None
    if backward:
        tracker = _BackwardTracker(module)
        args = tracker.wrap_inputs(args)
    hooks = module._forward_hooks
    try:
        output = module.forward(*args, **kwargs)
    except Exception:
        if hooks:
            for hook, with_kwargs, always_call in list(hooks.values()):
                if always_call:
                    try:
                        hook(module, args, kwargs, None) if with_kwargs else hook(module, args, None)
                    except Exception:
                        pass
        raise
    if hooks:
        for hook, with_kwargs, _ in list(hooks.values()):
            result = hook(module, args, kwargs, output) if with_kwargs else hook(module, args, output)
            if result is not None:
                output = result
    if tracker is not None:
        output = tracker.wrap_outputs(output)
    return output


class _BackwardTracker:
    """Collects one call's grad_output and grad_input and runs the module's backward hooks on them."""

    def __init__(self, module):
        self.module = module
        self.input_count = 0
        self.waiting = 0  # inputs requiring grad whose gradient has not arrived yet
        self.grad_inputs = []
        self.grad_outputs = None
        self.output_count = 0
        self.outputs_seen = 0

    # ----------------------------------------------------------------------------------- inputs
    def wrap_inputs(self, args):
        args = list(args)
        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, _fn.Tensor)]
        self.input_count = len(tensor_positions)
        self.grad_inputs = [None] * self.input_count
        for slot, i in enumerate(tensor_positions):
            a = args[i]
            if a.requires_grad:
                wrapped = _HookIdentity.apply(a)
                wrapped.register_hook(self._input_hook(slot))
                args[i] = wrapped
                self.waiting += 1
        self.expected = self.waiting
        return tuple(args)

    def _input_hook(self, slot):
        def hook(grad):
            self.grad_inputs[slot] = grad
            self.waiting -= 1
            if self.waiting == 0:
                replaced = self._run_hooks()
                if replaced is not None:
                    if self.expected > 1 and any(replaced[i] is not self.grad_inputs[i]
                                                 for i in range(len(replaced)) if i != slot):
                        raise RuntimeError(
                            f"{type(self.module).__name__}: a full backward hook may replace grad_input "
                            "only for modules with one tensor input that requires grad in minigrad "
                            "(the other inputs' gradients have already been passed on)")
                    return replaced[slot]
            return None
        return hook

    # ---------------------------------------------------------------------------------- outputs
    def wrap_outputs(self, output):
        positions = _tensors(output)
        if positions == [None]:
            if not output.requires_grad:
                return output
            self.output_count = 1
            self.grad_outputs = [None]
            return self._wrap_output(output, 0)
        if not positions:
            return output
        items = list(output)
        wanted = [i for i in positions if items[i].requires_grad]
        self.output_count = len(wanted)
        self.grad_outputs = [None] * len(positions)
        for slot, i in enumerate(positions):
            if items[i].requires_grad:
                items[i] = self._wrap_output(items[i], slot)
        if hasattr(output, '_fields'):  # a namedtuple
            return type(output)(*items)
        return tuple(items) if isinstance(output, tuple) else items

    def _wrap_output(self, t, slot):
        wrapped = _HookIdentity.apply(t)
        wrapped.register_hook(self._output_hook(slot))
        return wrapped

    def _output_hook(self, slot):
        def hook(grad):
            self.grad_outputs[slot] = grad
            self.outputs_seen += 1
            if self.outputs_seen < self.output_count:
                return None
            replaced = None
            pre = self.module._backward_pre_hooks
            if pre:
                for h in list(pre.values()):
                    result = h(self.module, tuple(self.grad_outputs))
                    if result is not None:
                        self.grad_outputs = list(result)
                        replaced = self.grad_outputs[slot]
            if self.expected == 0:  # no input wants a gradient: PyTorch calls the hook now, with Nones
                self._run_hooks()
            return replaced
        return hook

    def _run_hooks(self):
        hooks = self.module._backward_hooks
        if not hooks:
            return None
        grad_input = tuple(self.grad_inputs)
        grad_output = tuple(self.grad_outputs or ())
        replaced = None
        for h in list(hooks.values()):
            result = h(self.module, grad_input, grad_output)
            if result is not None:
                result = tuple(result)
                if len(result) != len(grad_input):
                    raise RuntimeError(f"backward hook returned {len(result)} gradients for "
                                       f"{len(grad_input)} inputs of {type(self.module).__name__}")
                grad_input = replaced = result
        return replaced
