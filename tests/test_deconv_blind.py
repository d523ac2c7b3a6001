"""The blind method (SelfDeblur): the generators built from one code for both libraries, minigrad
matching torch step for step from the same weights, and a CI smoke run (< 60 s)."""
import numpy
import pytest

import minigrad
from minigrad.deconv import center_crop, make_sample, psnr_aligned, shake_kernel, test_image
from minigrad.deconv.blind import (BlindProblem, blind_deconv, count_parameters, image_generator,
                                   kernel_generator, schedule)

LAYERS = ('Conv2d', 'BatchNorm2d', 'LeakyReLU', 'ReLU6', 'Upsample', 'ReflectionPad2d', 'Softmax')
MISSING = [name for name in LAYERS if not hasattr(minigrad.nn, name)]
needs_layers = pytest.mark.skipif(bool(MISSING), reason=f"minigrad.nn lacks {', '.join(MISSING)}")


@pytest.fixture(autouse=True, scope='module')
def one_torch_thread():
    """torch's own thread pool on a small, shared CPU oversubscribes it many times over: use one."""
    try:
        import torch
    except ImportError:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _sample(K=13, seed=1, size=64):
    return make_sample(test_image('camera', None), shake_kernel(K, seed=seed), 0.01, seed=0, size=size)


def test_schedule_scales_the_published_one():
    assert schedule(5000) == ([2000, 3000, 4000], 1000)
    assert schedule(500) == ([200, 300, 400], 100)


@pytest.mark.parametrize('library', ['torch', 'minigrad'])
def test_learning_rates_are_halved_at_the_milestones(library):
    if library == 'torch':
        pytest.importorskip('torch')
    elif MISSING:
        pytest.skip(f"minigrad.nn lacks {', '.join(MISSING)}")
    s = _sample(K=5, size=16)
    problem = BlindProblem(s.blurred, 5, 10, library=library)      # milestones 4, 6, 8
    rates = []
    for i in range(1, 11):
        problem.step(i)
        rates.append([group['lr'] for group in problem.optimizer.param_groups])
    assert rates[2] == pytest.approx([0.01, 1e-4])
    assert rates[3] == pytest.approx([0.005, 5e-5])                  # after 4 steps
    assert rates[-1] == pytest.approx([0.00125, 1.25e-5])


@pytest.mark.torch
def test_presets_have_the_published_sizes():
    torch = pytest.importorskip('torch')
    small = count_parameters(image_generator(torch.nn, 8, 1, scales=3, channels=16, skip=4))
    paper = count_parameters(image_generator(torch.nn, 8, 1, scales=5, channels=128, skip=16))
    assert 10_000 < small < 100_000           # "tens of thousands": CPU
    assert 2_200_000 < paper < 2_300_000      # Deep Image Prior's skip net as SelfDeblur configures it
    net = kernel_generator(torch.nn, 13)
    k = net(torch.rand(1, 200)).reshape(13, 13).detach()
    assert float(k.min()) >= 0 and float(k.sum()) == pytest.approx(1.0, abs=1e-5)


@needs_layers
@pytest.mark.torch
def test_one_builder_gives_the_same_network_on_both_libraries():
    torch = pytest.importorskip('torch')
    for builder in (lambda nn: image_generator(nn, 8, 1, 3, 16, 4), lambda nn: kernel_generator(nn, 9)):
        a, b = builder(torch.nn), builder(minigrad.nn)
        assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]
        assert list(a.state_dict()) == list(b.state_dict())


@needs_layers
@pytest.mark.torch
def test_minigrad_follows_torch_from_the_same_weights():
    pytest.importorskip('torch')
    s = _sample(size=40, K=9)
    reference = BlindProblem(s.blurred, 9, 20, library='torch')
    ours = BlindProblem(s.blurred, 9, 20, library='minigrad')
    ours.load_weights_from(reference)
    for i in range(1, 6):   # MSE steps then (i > 4) 1 - SSIM steps
        expected, _, _ = reference.step(i)
        got, _, _ = ours.step(i)
        assert float(got.item()) == pytest.approx(float(expected.item()), rel=2e-3), i
    x, k = ours.estimate()
    x_ref, k_ref = reference.estimate()
    numpy.testing.assert_allclose(k, k_ref, rtol=0.05, atol=1e-4)


@needs_layers
def test_smoke_small_preset_deblurs_a_crop():
    """CI smoke run: 64x64 crop, small preset, 500 iterations (~30 s on one core)."""
    s = _sample()
    r = blind_deconv(s.blurred, 13, iterations=500, preset='small', seed=0, x_true=s.truth, progress=False)
    assert r.history['mse'][0] / r.history['mse'][-1] > 10
    assert psnr_aligned(center_crop(r.image, 64), s.truth) > psnr_aligned(s.blurred, s.truth)
    assert r.kernel.shape == (13, 13) and r.kernel.min() >= 0
    assert r.kernel.sum() == pytest.approx(1.0, abs=1e-5)
    assert r.image.shape == (76, 76) and len(r.history['psnr']) == len(r.history['loss'])


@pytest.mark.torch
def test_the_loop_on_torch_fits_the_observation():
    pytest.importorskip('torch')
    s = _sample(K=9, size=40)
    r = blind_deconv(s.blurred, 9, iterations=60, library='torch', refine=True, progress=False)
    assert r.history['mse'][0] / r.history['mse'][-1] > 10
    assert r.refined.shape == (48, 48) and abs(r.kernel.sum() - 1) < 1e-5


def test_bad_inputs():
    grey = numpy.zeros((32, 32))
    with pytest.raises(ValueError, match=r'to_grey\(image\)'):
        blind_deconv(numpy.zeros((32, 32, 3)), 5)
    with pytest.raises(ValueError, match='must be odd'):
        blind_deconv(grey, 6)
    with pytest.raises(ValueError, match='larger than the image'):
        blind_deconv(grey, 33)
    with pytest.raises(ValueError, match='preset must be one of'):
        blind_deconv(grey, 5, preset='huge')
    with pytest.raises(ValueError, match="library must be"):
        blind_deconv(grey, 5, library='jax')


def test_bench_deconv_writes_table_json_and_figure(tmp_path, capsys):
    import json
    from minigrad import bench
    assert bench.main(['deconv', '--quick', '--iterations', '0', '--time-iterations', '0',
                       '--out', str(tmp_path)]) == 0
    record = json.loads((tmp_path / 'deconv.json').read_text())
    assert set(record['summary']) == {'blurred', 'wiener', 'richardson_lucy', 'deconv_valid'}
    assert record['summary']['deconv_valid']['gain_mean'] > 3
    assert (tmp_path / 'deconv.png').stat().st_size > 1000
    assert 'deconv_valid' in capsys.readouterr().out


def test_deblur_command_writes_its_files(tmp_path, capsys):
    from minigrad.cli import main
    from minigrad.deconv import write_png
    if MISSING:
        pytest.importorskip('torch')
    library = 'torch' if MISSING else 'minigrad'
    s = _sample(K=5, size=24)
    image = write_png(str(tmp_path / 'blurred.png'), s.blurred)
    out = tmp_path / 'out'
    assert main(['deblur', image, '--kernel-size', '5', '--iterations', '3', '--library', library,
                 '--refine', '--out', str(out)]) == 0
    for name in ('estimate.png', 'estimate_full.png', 'kernel.png', 'refined.png', 'deblur.png', 'history.json'):
        assert (out / name).stat().st_size > 0, name
    assert 'deblurred in' in capsys.readouterr().out
    assert main(['deblur', image, '--kernel-size', '4', '--out', str(out)]) == 2
    assert 'must be odd' in capsys.readouterr().err
