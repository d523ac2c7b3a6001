"""Script boilerplate: seeds, devices, default dtypes, legacy constructors and type strings, grad-mode
switches, backends flags, autograd entry points."""
import pytest

from idiomcheck import check_idiom, data, idioms

pytestmark = pytest.mark.torch


def idiom_seed_and_device_boilerplate(lib):
    g = lib.manual_seed(42)
    lib.cuda.manual_seed_all(42)
    lib.cuda.manual_seed(42)
    lib.random.manual_seed(0)
    lib.backends.cudnn.deterministic = True
    lib.backends.cudnn.benchmark = False
    device = lib.device("cuda" if lib.cuda.is_available() else "cpu")
    mps = lib.backends.mps.is_available()
    x = lib.randn(2, 3).to(device)
    return (isinstance(g, lib.Generator), str(device), mps, x.device.type, lib.get_default_dtype(),
            lib.device(device) == device, lib.cuda.device_count())


def idiom_default_dtype(lib):
    before = lib.get_default_dtype()
    lib.set_default_dtype(lib.float64)
    try:
        made = (lib.tensor([1.0]).dtype, lib.zeros(2).dtype, lib.arange(3.0).dtype, lib.tensor([1]).dtype,
                lib.nn.Linear(2, 2).weight.dtype, lib.rand(2).dtype, lib.tensor(1.0).dtype)
    finally:
        lib.set_default_dtype(before)
    return before, made, lib.tensor([1.0]).dtype


def idiom_legacy_constructors(lib):
    a = lib.Tensor([1, 2])
    b = lib.Tensor(2, 3)
    c = lib.FloatTensor([1.5])
    d = lib.LongTensor([1, 2])
    return a, a.dtype, b.shape, b.dtype, c, d, d.dtype, lib.tensor([1.0]).type(), lib.tensor([1]).type(), \
        lib.BoolTensor([True]).dtype, lib.DoubleTensor([1.0]).dtype, lib.IntTensor([1]).dtype


def idiom_tensor_type_checks(lib):
    x = lib.tensor([1.0, 2.0])
    return (lib.is_tensor(x), lib.is_floating_point(x), lib.numel(x), isinstance(x, lib.Tensor),
            lib.is_tensor([1.0]), x.is_floating_point(), lib.tensor([1]).is_floating_point(), x.dtype.is_floating_point,
            lib.int64.is_floating_point, x.dtype == lib.float, x.element_size(), x.dtype.itemsize,
            x.is_contiguous(), x.is_leaf)


def idiom_autograd_entry_points(lib):
    x = lib.tensor(data(0, 3), requires_grad=True)
    y = lib.tensor(data(1, 3), requires_grad=True)
    z1 = (x * y).sum()
    z2 = (x ** 2).sum()
    lib.autograd.backward([z1, z2])
    gx1 = x.grad.clone()
    x.grad = None
    y.grad = None
    (x * y).sum().backward(inputs=[x])
    only_x = (x.grad.clone(), y.grad)
    x.grad = None
    w = x * 2
    lib.autograd.backward(w, grad_tensors=lib.ones(3))
    with lib.autograd.set_detect_anomaly(True):
        pass
    with lib.autograd.detect_anomaly():
        q = (x * 3).sum()
        q.backward()
    return gx1, only_x, x.grad, lib.autograd.grad((x * x).sum(), x)[0]


def idiom_grad_mode_functions(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.no_grad():
        inside = lib.is_grad_enabled()
        with lib.enable_grad():
            y = x * 2
    with lib.inference_mode():
        inf = lib.is_inference_mode_enabled()
        z = x * 2
    return inside, y.requires_grad, inf, z.requires_grad, lib.is_grad_enabled(), lib.is_inference_mode_enabled()


def idiom_item_and_conversions_errors(lib):
    out = []
    for f in (lambda: lib.tensor([1.0, 2.0]).item(), lambda: float(lib.tensor([1.0, 2.0])),
              lambda: lib.tensor([1, 2], requires_grad=True), lambda: lib.ones(2, 3) @ lib.ones(2, 3),
              lambda: lib.ones(2).view(3), lambda: lib.cat([lib.ones(2, 3), lib.ones(3, 2)]),
              lambda: lib.ones(2)[5], lambda: bool(lib.tensor([True, False]))):
        try:
            f()
            out.append('ok')
        except Exception as e:
            out.append(type(e).__name__ if not isinstance(e, (RuntimeError, ValueError, IndexError, TypeError))
                       else ('RuntimeError' if isinstance(e, RuntimeError) else type(e).__name__))
    return out


GAPS = {}


@pytest.mark.parametrize('fn', idioms(globals()))
def test_idiom(fn):
    check_idiom(fn)
