"""Activation checkpointing: trade compute for memory, as ``torch.utils.checkpoint``.

``checkpoint(fn, *args)`` runs ``fn`` without recording its graph, so none of the activations inside it
are kept; backward runs ``fn`` again on the saved inputs, this time recording, and back-propagates
through that fresh graph. A network of ``L`` layers split into ``sqrt(L)`` checkpointed segments keeps
about ``sqrt(L)`` activations instead of ``L``, for the price of one more forward pass::

    def block(x):
        return layer2(layer1(x).relu()).relu()

    y = checkpoint(block, x)          # the intermediate `layer1(x).relu()` is not stored
    y.sum().backward()                # recomputes block(x), then back-propagates through it

Parameters used inside ``fn`` (a module's weights) get their gradients as usual. With
``preserve_rng_state=True`` (the default) the recomputation sees the same random numbers as the first run
(dropout masks agree). ``fn`` may return a Tensor or a tuple of Tensors of one dtype.
"""
import copy

from .. import backend
from ..autograd import function as _function
from ..autograd.engine import run_backward
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad

__all__ = ['checkpoint', 'checkpoint_sequential']


def _rng_state(devices):
    return {dev: copy.deepcopy(backend.generator(dev).bit_generator.state) for dev in devices}


def _set_rng_state(states):
    for dev, st in states.items():
        backend.generator(dev).bit_generator.state = copy.deepcopy(st)


class Checkpoint(Function):
    """One node standing for a whole segment: its forward runs the segment unrecorded; its backward
    reruns it recorded and back-propagates through it."""

    @staticmethod
    def forward(ctx, plan, *arrays):
        fn, is_tensor, requires, kwargs, preserve = plan
        Tensor = _function.Tensor
        ctx.plan = plan
        ctx.save_for_backward(*[a for a, t in zip(arrays, is_tensor) if t])
        ctx.others = [a for a, t in zip(arrays, is_tensor) if not t]
        ctx.devices = sorted({str(backend.device_of(a)) for a, t in zip(arrays, is_tensor) if t} or {'cpu'})
        if preserve:
            ctx.rng = _rng_state(ctx.devices)
        args = [_function.wrap(a) if t else a for a, t in zip(arrays, is_tensor)]
        with no_grad():
            out = fn(*args, **kwargs)
        single = isinstance(out, Tensor)
        outs = (out,) if single else tuple(out)
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                raise TypeError(f"checkpoint: the function must return a Tensor or a tuple of Tensors; "
                                f"output {i} is a {type(o).__name__}")
        dtypes = {o.dtype for o in outs}
        if len(dtypes) > 1:
            raise TypeError(f"checkpoint: the outputs have several dtypes ({sorted(str(d) for d in dtypes)}); "
                            "checkpoint a function whose outputs share one dtype")
        ctx.layout = single, [tuple(o.shape) for o in outs]
        xp = backend.array_module(outs[0].array)
        return xp.concatenate([o.array.reshape(-1) for o in outs]) if not single else outs[0].array

    @staticmethod
    def backward(ctx, grad):
        fn, is_tensor, requires, kwargs, preserve = ctx.plan
        Tensor = _function.Tensor
        saved = iter(ctx.saved_tensors)
        others = iter(ctx.others)
        inputs, args = [], []
        for t, r in zip(is_tensor, requires):
            if t:
                x = _function.wrap(next(saved)).requires_grad_(r)
                args.append(x)
                if r:
                    inputs.append(x)
            else:
                args.append(next(others))
        if preserve:
            after = _rng_state(ctx.devices)
            _set_rng_state(ctx.rng)
        try:
            with enable_grad():
                out = fn(*args, **kwargs)
        finally:
            if preserve:
                _set_rng_state(after)
        outs = (out,) if isinstance(out, Tensor) else tuple(out)
        single, shapes = ctx.layout
        grads, start = [], 0
        g = grad._array if isinstance(grad, Tensor) else grad
        for shape in shapes:
            n = 1
            for k in shape:
                n *= k
            grads.append(g.reshape(shape) if single else g[start:start + n].reshape(shape))
            start += n
        roots = [(o._ctx or o, gi) for o, gi in zip(outs, grads) if o.requires_grad]
        captured = {}
        if roots:
            slots = {x: i for i, x in enumerate(inputs)}
            captured = run_backward([r for r, _ in roots], [gi for _, gi in roots], capture=slots)
        results = [None]
        for t, r, x in zip(is_tensor, requires, _positions(is_tensor, requires, inputs)):
            results.append(captured.get(x) if x is not None else None)
        return tuple(results)


def _positions(is_tensor, requires, inputs):
    it = iter(inputs)
    for t, r in zip(is_tensor, requires):
        yield next(it) if (t and r) else None


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, context_fn=None,
               determinism_check='default', debug=False, **kwargs):
    """``function(*args, **kwargs)`` without keeping its activations; recomputed during backward.

    ``use_reentrant``, ``context_fn``, ``determinism_check`` and ``debug`` are accepted for PyTorch's
    sake; minigrad has one implementation (recompute in the segment's backward, like PyTorch's
    reentrant variant, which also gives parameters used inside ``function`` their gradients).
    """
    Tensor = _function.Tensor
    if not is_grad_enabled():
        return function(*args, **kwargs)
    # A leaf that requires grad makes the segment a recorded node even when no input requires grad
    # (the data entering the first segment): the parameters inside still need their gradients.
    anchor = _function.wrap(backend.as_array(0.0)).requires_grad_()
    args = (anchor,) + args
    is_tensor = tuple(isinstance(a, Tensor) for a in args)
    requires = (False,) + tuple(isinstance(a, Tensor) and a.requires_grad for a in args[1:])
    plan = (_Skip(function), is_tensor, requires, kwargs, preserve_rng_state)
    out = Checkpoint.apply(plan, *args)
    single, shapes = out._ctx.layout
    if single:
        return out
    pieces, start = [], 0
    for shape in shapes:
        n = 1
        for k in shape:
            n *= k
        pieces.append(out[start:start + n].reshape(shape))
        start += n
    return tuple(pieces)


class _Skip:
    """The segment's function, called without the anchor argument."""

    def __init__(self, function):
        self.function = function

    def __call__(self, anchor, *args, **kwargs):
        return self.function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a ``Sequential`` (or a list of modules) in ``segments`` checkpointed pieces; the last piece is
    run normally, as in PyTorch."""
    if hasattr(functions, 'children') and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())
    functions = list(functions)
    if segments < 1:
        raise ValueError(f"checkpoint_sequential: segments must be at least 1, got {segments}")
    size = max(len(functions) // segments, 1)

    def run(start, end):
        def forward(x):
            for f in functions[start:end + 1]:
                x = f(x)
            return x
        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, **kwargs)
    return run(end + 1, len(functions) - 1)(input)
