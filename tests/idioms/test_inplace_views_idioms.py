"""Autograd mechanics around in-place updates and views, as user code writes them: writing into a slice
of a non-leaf, masking in place, views sharing storage, grad_fn names. Several are the views/in-place
family's (see GAPS)."""
import pytest

from idiomcheck import check_idiom, data, idioms

pytestmark = pytest.mark.torch


def idiom_setitem_into_nonleaf_grad(lib):
    x = lib.tensor(data(0, 4), requires_grad=True)
    y = x * 2
    y[1:3] = x[1:3] ** 2
    y.sum().backward()
    return y, x.grad


def idiom_masked_inplace_grad(lib):
    x = lib.tensor(data(1, 5), requires_grad=True)
    y = x.clone()
    y[y < 0] = 0
    (y * y).sum().backward()
    return y, x.grad


def idiom_views_share_storage(lib):
    base = lib.zeros(2, 3)
    v = base.view(6)
    v[0] = 5
    t = base.t()
    t[1, 1] = 7
    row = base[1]
    row += 1
    d = base.detach()
    d[0, 2] = 9
    n = base.numpy()
    return base, n[0, 0], v.shape


def idiom_inplace_activation_grad(lib):
    x = lib.tensor(data(2, 4), requires_grad=True)
    y = x * 1
    lib.nn.functional.relu(y, inplace=True)
    y.sum().backward()
    return y, x.grad


def idiom_grad_fn_names(lib):
    x = lib.tensor(data(3, 3), requires_grad=True)
    names = [type(f).__name__ if lib.__name__ == 'torch' else f.name() for f in
             ((x * 2).grad_fn, (x + 1).grad_fn, x.sum().grad_fn, x.exp().grad_fn, x[0].grad_fn, x.view(3).grad_fn,
              (x @ x).grad_fn, x.mean().grad_fn, lib.relu(x).grad_fn)]
    return names


def idiom_detach_inplace_after_backward(lib):
    w = lib.tensor(data(4, 3), requires_grad=True)
    loss = (w ** 2).sum()
    loss.backward()
    w.data -= 0.1 * w.grad
    w.grad.detach_()
    w.grad.zero_()
    return w, w.grad, w.is_leaf


GAPS = {'grad_fn_names': (AssertionError, "x[0] names its node SliceBackward0 (PyTorch: SelectBackward0) and a 1-D "
                                          "x @ x MmBackward0 (PyTorch: DotBackward0); names are per Function class")}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
