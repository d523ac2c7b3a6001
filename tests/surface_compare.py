"""One check for the tensor-op surface tests: the same PyTorch-style function run on minigrad and on
torch (``fn(lib, *tensors)``), comparing shapes, dtypes, values and the gradients of every floating
input for a random upstream gradient."""
import numpy


def _name(dtype):
    return str(dtype).split('.')[-1]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for item in out for o in _flat(item)]
    return [out]


def check(fn, *arrays, atol=1e-10, rtol=1e-7, grad=True, seed=0):
    import torch
    import minigrad
    rng = numpy.random.default_rng(seed)
    mine = [minigrad.tensor(a, requires_grad=grad and a.dtype.kind == 'f') for a in arrays]
    theirs = [torch.tensor(a, requires_grad=grad and a.dtype.kind == 'f') for a in arrays]
    got, want = _flat(fn(minigrad, *mine)), _flat(fn(torch, *theirs))
    assert len(got) == len(want)
    loss_m, loss_t = None, None
    for g, w in zip(got, want):
        if not hasattr(w, 'shape'):
            assert g == w if not isinstance(w, float) else abs(g - w) <= atol + rtol * abs(w), (g, w)
            continue
        assert tuple(g.shape) == tuple(w.shape), (g.shape, w.shape)
        assert _name(g.dtype) == _name(w.dtype), (g.dtype, w.dtype)
        numpy.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), atol=atol, rtol=rtol)
        if w.requires_grad:
            assert g.requires_grad
            upstream = rng.standard_normal(tuple(w.shape))
            lm = (g * minigrad.tensor(upstream, dtype=g.dtype)).sum()
            lt = (w * torch.tensor(upstream, dtype=w.dtype)).sum()
            loss_m = lm if loss_m is None else loss_m + lm
            loss_t = lt if loss_t is None else loss_t + lt
    if loss_t is not None:
        loss_m.backward()
        loss_t.backward()
        for m, t in zip(mine, theirs):
            if t.requires_grad:
                if t.grad is None or m.grad is None:
                    for g in (t.grad, m.grad):
                        assert g is None or not g.numpy().any()
                else:
                    numpy.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), atol=atol * 10, rtol=rtol)
    return got
