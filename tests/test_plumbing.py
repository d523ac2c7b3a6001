"""Grad mode, anomaly mode, threads, default device, backends flags, accelerator queries, constants,
assert_close, determinism flag and the random state, as PyTorch has them."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn

torch = pytest.importorskip('torch')


def leaf():
    return minigrad.ones(2, requires_grad=True)


# ------------------------------------------------------------------------------------ grad mode
@pytest.mark.parametrize('lib', [minigrad, torch])
def test_grad_mode_forms_behave_like_torch(lib):
    x = lib.ones(2, requires_grad=True)

    @lib.no_grad()
    def called():
        return (x * 2).requires_grad

    @lib.no_grad
    def bare():
        return (x * 2).requires_grad

    @lib.enable_grad()
    def enabled():
        return (x * 2).requires_grad

    @lib.set_grad_enabled(False)
    def off():
        return (x * 2).requires_grad

    assert lib.is_grad_enabled()  # decorating with set_grad_enabled changes nothing by itself
    assert (called(), bare(), off()) == (False, False, False)
    with lib.no_grad():
        assert enabled() is True
    lib.set_grad_enabled(False)
    assert not lib.is_grad_enabled()
    lib.set_grad_enabled(True)
    with lib.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert lib.is_grad_enabled()


@pytest.mark.parametrize('lib', [minigrad, torch])
def test_inference_mode_forms(lib):
    x = lib.ones(2, requires_grad=True)
    assert not lib.is_inference_mode_enabled()
    with lib.inference_mode():
        assert lib.is_inference_mode_enabled() and not lib.is_grad_enabled()
        assert not (x * 2).requires_grad
    with lib.inference_mode(False):
        assert not lib.is_inference_mode_enabled()
        assert (x * 2).requires_grad

    @lib.inference_mode()
    def f():
        return lib.is_inference_mode_enabled(), (x * 2).requires_grad

    @lib.inference_mode
    def g():
        return lib.is_inference_mode_enabled()

    assert f() == (True, False) and g() is True
    assert lib.is_grad_enabled() and not lib.is_inference_mode_enabled()


def test_grad_mode_decorates_generators():
    x = leaf()

    @minigrad.no_grad()
    def gen():
        for _ in range(2):
            yield (x * 2).requires_grad

    assert list(gen()) == [False, False]


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with minigrad.inference_mode():
            1 / 0
    assert minigrad.is_grad_enabled() and not minigrad.is_inference_mode_enabled()


def test_anomaly_mode_as_context_managers():
    assert not minigrad.autograd.is_anomaly_enabled()
    with minigrad.autograd.detect_anomaly():
        assert minigrad.autograd.is_anomaly_enabled()
        x = leaf()
        with pytest.raises(RuntimeError, match='anomaly detected'), np.errstate(all='ignore'):
            (x * 0).sqrt().sum().backward()
    assert not minigrad.autograd.is_anomaly_enabled()
    with minigrad.autograd.set_detect_anomaly(True):
        assert minigrad.autograd.is_anomaly_enabled()
    assert not minigrad.autograd.is_anomaly_enabled()
    with minigrad.autograd.detect_anomaly(check_nan=False):
        assert not minigrad.autograd.is_anomaly_check_nan_enabled()
        x = leaf()
        with np.errstate(all='ignore'):
            (x * 0).sqrt().sum().backward()  # no check: the NaN gradient goes through, as in PyTorch
        assert math.isnan(float(x.grad[0]))
    assert minigrad.autograd.is_anomaly_check_nan_enabled()

    @minigrad.autograd.detect_anomaly()
    def inside():
        return minigrad.autograd.is_anomaly_enabled()
    assert inside() and not minigrad.autograd.is_anomaly_enabled()


# ------------------------------------------------------------------------------------ threads, devices
def test_num_threads_round_trip():
    before = minigrad.get_num_threads()
    assert before >= 1
    minigrad.set_num_threads(1)
    assert minigrad.get_num_threads() == 1
    minigrad.set_num_threads(before)
    assert minigrad.get_num_threads() == before
    with pytest.raises(ValueError, match='positive integer'):
        minigrad.set_num_threads(0)
    minigrad.set_num_interop_threads(2)
    assert minigrad.get_num_interop_threads() == 2


def test_default_device_drives_the_factories():
    assert minigrad.get_default_device() == 'cpu'
    assert minigrad.get_default_device() == torch.get_default_device().type
    minigrad.set_default_device('cpu')
    try:
        for t in [minigrad.zeros(2), minigrad.tensor([1.0]), minigrad.arange(3), minigrad.rand(2),
                  minigrad.full((2,), 1.0), minigrad.eye(2), minigrad.linspace(0, 1, 3)]:
            assert t.device == 'cpu'
    finally:
        minigrad.set_default_device(None)
    if not minigrad.cuda.is_available():
        minigrad.set_default_device('cuda')  # allowed, as in PyTorch; creating a tensor then fails
        try:
            with pytest.raises(Exception, match='(?i)cuda|cupy'):
                minigrad.zeros(2)
        finally:
            minigrad.set_default_device(None)
    assert minigrad.zeros(1).device == 'cpu'


def test_device_objects():
    d = minigrad.device('cuda', 0)
    assert d == 'cuda:0' and d == minigrad.device('cuda:0') and d.type == 'cuda' and d.index == 0
    assert str(d) == str(torch.device('cuda', 0)) and repr(d) == repr(torch.device('cuda', 0))
    assert minigrad.device('cpu') == 'cpu' and minigrad.device('cpu') != 'cuda'
    assert {minigrad.device('cpu'): 1}[minigrad.device('cpu')] == 1


def test_backends_flags_match_torch_on_this_machine():
    assert minigrad.backends.mps.is_available() is False and minigrad.backends.mps.is_built() is False
    assert minigrad.backends.cuda.is_built() == minigrad.backend.cuda_is_built()
    assert minigrad.cuda.is_available() == minigrad.backend.cuda_is_available()
    assert minigrad.backends.cudnn.is_available() is False  # minigrad never calls cuDNN
    for name in ('benchmark', 'deterministic', 'enabled', 'allow_tf32'):
        assert getattr(minigrad.backends.cudnn, name) == getattr(torch.backends.cudnn, name), name
    minigrad.backends.cudnn.benchmark = True
    import minigrad.backends.cudnn as cudnn
    assert cudnn.benchmark is True
    with cudnn.flags(enabled=False, benchmark=False):
        assert cudnn.benchmark is False and cudnn.enabled is False
    assert cudnn.benchmark is True and cudnn.enabled is True
    minigrad.backends.cudnn.benchmark = False
    assert minigrad.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    assert minigrad.backends.cpu.get_cpu_capability() in ('DEFAULT', 'AVX2', 'AVX512', 'SVE256')


def test_accelerator_queries():
    assert minigrad.accelerator.is_available() == minigrad.cuda.is_available()
    assert minigrad.accelerator.device_count() == minigrad.cuda.device_count()
    current = minigrad.accelerator.current_accelerator(check_available=True)
    assert (current == 'cuda') if minigrad.cuda.is_available() else current is None
    if not minigrad.cuda.is_available():
        assert minigrad.accelerator.current_device_index() == -1
    minigrad.accelerator.synchronize()


def test_cuda_seeding_without_a_gpu_is_allowed():
    minigrad.cuda.manual_seed_all(3)
    minigrad.cuda.manual_seed(3)


# ------------------------------------------------------------------------------------ constants, flags
def test_constants():
    assert minigrad.inf == torch.inf == math.inf and math.isnan(minigrad.nan)
    assert minigrad.pi == torch.pi and minigrad.e == torch.e


def test_deterministic_flag_is_recorded():
    assert minigrad.are_deterministic_algorithms_enabled() is False
    minigrad.use_deterministic_algorithms(True, warn_only=True)
    assert minigrad.are_deterministic_algorithms_enabled() and \
        minigrad.is_deterministic_algorithms_warn_only_enabled()
    minigrad.use_deterministic_algorithms(False)
    assert not minigrad.are_deterministic_algorithms_enabled()


def test_rng_state_round_trip():
    minigrad.manual_seed(0)
    state = minigrad.get_rng_state()
    assert state.dtype == minigrad.uint8 and state.dim() == 1
    a = minigrad.randn(5)
    minigrad.set_rng_state(state)
    np.testing.assert_array_equal(minigrad.randn(5).numpy(), a.numpy())
    with pytest.raises(RuntimeError, match='get_rng_state'):
        minigrad.set_rng_state(minigrad.zeros(4, dtype=minigrad.uint8))


# ------------------------------------------------------------------------------------ assert_close
CLOSE_CASES = [
    lambda L: (L.tensor([1., 2., 3.]), L.tensor([1., 2.5, 3.])),
    lambda L: (L.tensor([1., 2., 3.]), L.tensor([1., 2., 3.], dtype=L.float64)),
    lambda L: (L.tensor([1., 2.]), L.tensor([1., 2., 3.])),
    lambda L: (1.0, 1.5),
    lambda L: (L.tensor([1, 2]), L.tensor([1, 3])),
    lambda L: (L.tensor([1., 2.]), [1., 2.]),
    lambda L: ([L.tensor(1.), L.tensor(2.)], [L.tensor(1.), L.tensor(2.5)]),
    lambda L: ({'a': L.tensor(1.)}, {'a': L.tensor(2.)}),
    lambda L: (L.tensor([math.nan]), L.tensor([math.nan])),
    lambda L: (L.tensor([[1., 2.], [3., 4.]]), L.tensor([[1., 2.], [3., 4.5]])),
    lambda L: (L.tensor(1.), L.tensor(2.)),
    lambda L: (L.tensor([True]), L.tensor([False])),
    lambda L: (L.tensor([1., 0.]), L.tensor([1., 1e-6])),
    lambda L: (L.tensor([0.]), L.tensor([0.5])),
    lambda L: (1, 1.0),
    lambda L: ([1, 2], [1, 2, 3]),
    lambda L: (L.tensor([math.inf, 1.]), L.tensor([math.inf, 1.])),
    lambda L: (L.tensor([math.inf]), L.tensor([-math.inf])),
    lambda L: (L.tensor([1., 2.], dtype=L.float64), L.tensor([1., 2. + 1e-8], dtype=L.float64)),
    lambda L: (L.tensor([1., 2.], dtype=L.float64), L.tensor([1., 2. + 1e-6], dtype=L.float64)),
]


def outcome(fn, lib, **kwargs):
    a, b = fn(lib)
    try:
        lib.testing.assert_close(a, b, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the type and message are what is compared
        return type(exc).__name__, str(exc).replace('torch.', 'minigrad.').replace('minigrad.tensor.Tensor', 'minigrad.Tensor')
    return 'OK', ''


@pytest.mark.parametrize('i', range(len(CLOSE_CASES)))
def test_assert_close_matches_torch_outcome_and_message(i):
    assert outcome(CLOSE_CASES[i], minigrad) == outcome(CLOSE_CASES[i], torch)


def test_assert_close_options_match_torch():
    for kwargs in [dict(equal_nan=True), dict(rtol=0.1, atol=0.0), dict(rtol=0.1), dict(msg='custom'),
                   dict(check_dtype=False)]:
        for fn in CLOSE_CASES[:2] + CLOSE_CASES[8:9]:
            assert outcome(fn, minigrad, **kwargs) == outcome(fn, torch, **kwargs), kwargs


def test_assert_close_accepts_numpy_arrays_and_parameters():
    minigrad.testing.assert_close(nn.Parameter(minigrad.ones(2)), minigrad.ones(2))
    minigrad.testing.assert_close(np.ones(3), np.ones(3))
    with pytest.raises(AssertionError, match='not close'):
        minigrad.testing.assert_close(np.ones(3), np.zeros(3))


# ------------------------------------------------------------------------------------ dtypes
def test_dtypes_print_as_torch_and_compare_with_numpy():
    for name in ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool']:
        mine, theirs = getattr(minigrad, name), getattr(torch, name)
        assert str(mine) == str(theirs).replace('torch.', 'minigrad.') == repr(mine)
        assert mine == np.dtype(name if name != 'bool' else 'bool') and np.dtype(mine) == mine
        assert (mine.is_floating_point, mine.is_complex, mine.is_signed, mine.itemsize) == \
            (theirs.is_floating_point, theirs.is_complex, theirs.is_signed, theirs.itemsize), name
    assert minigrad.float is minigrad.float32 and minigrad.double is minigrad.float64
    assert minigrad.long is minigrad.int64 and minigrad.half is minigrad.float16
    x = minigrad.ones(2)
    assert x.dtype is minigrad.float32 and str(x.dtype) == 'minigrad.float32'
    assert x.dtype == np.float32 and x.dtype != minigrad.float64 and x.dtype.kind == 'f'
    assert {minigrad.float32: 1}[np.dtype('float32')] == 1 and {np.dtype('int64'): 2}[minigrad.int64] == 2
    assert isinstance(x.dtype, minigrad.dtype)
    assert str(minigrad.get_default_dtype()) == 'minigrad.float32'
    assert np.zeros(2, dtype=minigrad.float64).dtype == np.float64  # NumPy takes them as dtypes
    assert x.to(minigrad.int32).dtype is minigrad.int32 and x.double().dtype is minigrad.float64
    import copy
    import pickle
    assert pickle.loads(pickle.dumps(minigrad.float32)) is minigrad.float32
    assert copy.deepcopy(minigrad.int64) is minigrad.int64


def test_default_device_reaches_factories_and_layers_on_a_second_device():
    from guarded_numpy import DEVICE, installed
    with installed():
        minigrad.set_default_device(DEVICE)
        try:
            assert minigrad.get_default_device() == DEVICE
            for t in [minigrad.zeros(2), minigrad.ones(2, 3), minigrad.tensor([1.0, 2.0]), minigrad.rand(3),
                      minigrad.randn(2), minigrad.arange(4), minigrad.full((2,), 3.0), minigrad.eye(2),
                      minigrad.linspace(0, 1, 5), minigrad.randint(0, 5, (3,)), minigrad.empty(2)]:
                assert t.device == DEVICE
            layer = nn.Linear(3, 2)
            assert layer.weight.device == DEVICE and layer.bias.device == DEVICE
            assert nn.LazyLinear(2).weight.device == DEVICE
            assert minigrad.zeros(2, device='cpu').device == 'cpu'  # an explicit device wins
        finally:
            minigrad.set_default_device(None)
    assert minigrad.zeros(2).device == 'cpu'


def test_finfo_iinfo_match_torch():
    for name in ['float16', 'float32', 'float64']:
        mine, theirs = minigrad.finfo(getattr(minigrad, name)), torch.finfo(getattr(torch, name))
        for attr in ('bits', 'eps', 'max', 'min', 'tiny', 'smallest_normal', 'resolution', 'dtype'):
            assert getattr(mine, attr) == getattr(theirs, attr), (name, attr)
        assert repr(mine) == repr(theirs)
    assert repr(minigrad.finfo()) == repr(torch.finfo())
    for name in ['uint8', 'int8', 'int16', 'int32', 'int64']:
        mine, theirs = minigrad.iinfo(getattr(minigrad, name)), torch.iinfo(getattr(torch, name))
        assert (mine.bits, mine.min, mine.max, mine.dtype) == (theirs.bits, theirs.min, theirs.max, theirs.dtype)
        assert repr(mine) == repr(theirs)
    with pytest.raises(TypeError, match='requires an integer'):
        minigrad.iinfo(minigrad.float32)
    with pytest.raises(TypeError, match='requires a floating point'):
        minigrad.finfo(minigrad.int64)


def test_cuda_memory_queries_without_a_gpu_answer_zero():
    if minigrad.cuda.is_available():
        pytest.skip('checks the answers without a GPU')
    assert minigrad.cuda.memory_allocated() == 0 and minigrad.cuda.memory_reserved() == 0
    assert minigrad.cuda.empty_cache() is None
