"""Cross-check a minigrad computation against the same computation in PyTorch (needs ``torch``).

::

    x = numpy.random.randn(3, 4)
    compare_with_torch(lambda t: t.softmax(dim=1), lambda t: t.softmax(dim=1), x)

Both functions get tensors built from the same NumPy inputs; the forward outputs must agree in shape,
dtype and values, and so must the gradients of every floating input for the same random upstream
gradient.
"""
import numpy

__all__ = ['compare_with_torch']


def _as_list(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _dtype_name(dtype):
    return str(dtype).replace('torch.', '').replace('minigrad.', '')


def _host(t):
    import torch
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy()
    return numpy.asarray(t.detach().cpu().numpy())


def _check_close(what, got, expected, atol, rtol):
    """Raise AssertionError naming ``what`` and the worst element when ``got`` and ``expected`` differ."""
    if got.shape != expected.shape:
        raise AssertionError(f"compare_with_torch: {what}: minigrad gives shape {got.shape}, torch "
                             f"gives {expected.shape}")
    if got.dtype.kind == 'b' or expected.dtype.kind == 'b' or got.dtype.kind in 'iu':
        bad = got != expected
    else:
        with numpy.errstate(invalid='ignore'):
            both_nan = numpy.isnan(got) & numpy.isnan(expected)
            same_inf = numpy.isinf(got) & (got == expected)
            close = numpy.abs(got - expected) <= atol + rtol * numpy.abs(expected)
        bad = ~(close | both_nan | same_inf)
    if bad.any():
        where = tuple(int(j) for j in numpy.argwhere(bad)[0]) if bad.ndim else ()
        raise AssertionError(f"compare_with_torch: {what} differ at {int(bad.sum())} of {bad.size} "
                             f"elements; at index {where} minigrad gives {got[where].item()!r}, torch gives "
                             f"{expected[where].item()!r} (atol={atol}, rtol={rtol})")


def compare_with_torch(minigrad_fn, torch_fn, *inputs, atol=1e-7, rtol=1e-6, backward=True, seed=0):
    """Run ``minigrad_fn`` and ``torch_fn`` on the same inputs and check that they agree.

    ``inputs``: NumPy arrays (or anything ``numpy.asarray`` accepts, minigrad Tensors included) become
    tensors of each library with the same dtype; floating ones require grad. Other arguments (Python
    scalars, None) are passed unchanged. Each function returns a tensor or a tuple of tensors.

    Checks, per output: shape, dtype and values; then (``backward=True``) whether it requires grad,
    and, for a random upstream gradient drawn with ``seed``, the gradient of every floating input
    (an input one library leaves without gradient counts as zeros). Raises ``AssertionError`` naming
    the output or input, the index and both values; returns None when all agree.
    """
    import torch

    import minigrad

    def build(lib):
        tensors = []
        for x in inputs:
            if x is None or type(x) in (bool, int, float):  # NumPy scalars become 0-d tensors
                tensors.append(x)
                continue
            array = numpy.asarray(x.detach().cpu() if isinstance(x, minigrad.Tensor) else x)
            tensors.append(lib.tensor(array, requires_grad=backward and array.dtype.kind == 'f'))
        return tensors

    mg_inputs, th_inputs = build(minigrad), build(torch)
    mg_out, th_out = _as_list(minigrad_fn(*mg_inputs)), _as_list(torch_fn(*th_inputs))
    if len(mg_out) != len(th_out):
        raise AssertionError(f"compare_with_torch: minigrad returns {len(mg_out)} outputs, torch "
                             f"returns {len(th_out)}")
    for k, (a, b) in enumerate(zip(mg_out, th_out)):
        if _dtype_name(a.dtype) != _dtype_name(b.dtype):
            raise AssertionError(f"compare_with_torch: output {k}: minigrad gives dtype "
                                 f"{_dtype_name(a.dtype)}, torch gives {_dtype_name(b.dtype)}")
        _check_close(f"output {k} values", _host(a), _host(b), atol, rtol)
    if not backward:
        return None

    for k, (a, b) in enumerate(zip(mg_out, th_out)):
        if a.requires_grad != b.requires_grad:
            raise AssertionError(f"compare_with_torch: output {k}: requires_grad is {a.requires_grad} "
                                 f"in minigrad but {b.requires_grad} in torch")
    rng = numpy.random.default_rng(seed)
    pairs = [(a, b, rng.standard_normal(a.shape)) for a, b in zip(mg_out, th_out) if b.requires_grad]
    wanted = [k for k, t in enumerate(th_inputs) if isinstance(t, torch.Tensor) and t.requires_grad]
    if not pairs or not wanted:
        return None
    mg_grads = minigrad.autograd.grad(
        [a for a, _, _ in pairs], [mg_inputs[k] for k in wanted],
        [minigrad.tensor(v, dtype=a.dtype) for a, _, v in pairs], allow_unused=True)
    th_grads = torch.autograd.grad(
        [b for _, b, _ in pairs], [th_inputs[k] for k in wanted],
        [torch.tensor(v, dtype=b.dtype) for _, b, v in pairs], allow_unused=True)
    for k, g_mg, g_th in zip(wanted, mg_grads, th_grads):
        shape = tuple(th_inputs[k].shape)
        got = numpy.zeros(shape) if g_mg is None else _host(g_mg)
        expected = numpy.zeros(shape) if g_th is None else _host(g_th)
        _check_close(f"gradients of input {k}", got, expected, atol, rtol)
    return None
