"""minigrad.deconv without the networks: the blur op (values, gradients, torch), metrics against
scikit-image, the non-blind baselines, data and the bad-input errors."""
import numpy
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.deconv import (align, blur, center_crop, deconv_valid, error_ratio, make_sample, psnr,
                             psnr_aligned, read_png, richardson_lucy, shake_kernel, ssim, synthetic_set,
                             test_image, to_grey, wiener, write_png)
from minigrad.deconv.blur import correlate_valid
from minigrad.testing import gradcheck, gradgradcheck

MODES = ('valid', 'same', 'full', 'circular')


def _scipy_reference(x, k, mode):
    from scipy.ndimage import convolve
    from scipy.signal import convolve2d
    if mode == 'circular':
        return convolve(x, k, mode='wrap')
    return convolve2d(x, k, mode)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('method', ('direct', 'fft'))
def test_blur_is_a_true_convolution(mode, method):
    pytest.importorskip('scipy')
    rng = numpy.random.default_rng(0)
    x, k = rng.standard_normal((9, 11)), rng.standard_normal((3, 5))
    numpy.testing.assert_allclose(blur(x, k, mode, method).numpy(), _scipy_reference(x, k, mode), atol=1e-12)


@given(h=st.integers(4, 9), w=st.integers(4, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
       mode=st.sampled_from(('valid', 'same', 'full')), method=st.sampled_from(('direct', 'fft')),
       seed=st.integers(0, 2 ** 16))
def test_blur_gradients_by_finite_differences(h, w, kh, kw, mode, method, seed):
    rng = numpy.random.default_rng(seed)
    x = minigrad.tensor(rng.standard_normal((2, h, w)), requires_grad=True)
    k = minigrad.tensor(rng.standard_normal((kh, kw)), requires_grad=True)
    gradcheck(lambda a, b: blur(a, b, mode, method), [x, k])


def test_blur_circular_gradients_and_second_derivatives():
    rng = numpy.random.default_rng(1)
    x = minigrad.tensor(rng.standard_normal((7, 8)), requires_grad=True)
    k = minigrad.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    gradcheck(lambda a, b: blur(a, b, 'circular'), [x, k])
    gradgradcheck(lambda a, b: blur(a, b, 'valid'), [x, k])
    gradgradcheck(lambda a, b: blur(a, b, 'same', 'fft'), [x, k])


def test_direct_and_fft_agree_on_large_kernels():
    rng = numpy.random.default_rng(2)
    x, w = rng.standard_normal((3, 40, 41)), rng.standard_normal((17, 15))
    numpy.testing.assert_allclose(correlate_valid(x, w, 'direct'), correlate_valid(x, w, 'fft'), atol=1e-10)
    big = rng.standard_normal((3, 30, 31))   # the kernel larger than the output: the other direct loop
    numpy.testing.assert_allclose(correlate_valid(x, big, 'direct'), correlate_valid(x, big, 'fft'), atol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize('method', ('direct', 'fft'))
def test_blur_matches_torch_conv2d_with_the_kernel_flipped(method):
    torch = pytest.importorskip('torch')
    rng = numpy.random.default_rng(3)
    x, k = rng.standard_normal((2, 1, 12, 13)), rng.standard_normal((5, 4))
    g = rng.standard_normal((2, 1, 8, 10))
    xm, km = minigrad.tensor(x, requires_grad=True), minigrad.tensor(k, requires_grad=True)
    ym = blur(xm, km, 'valid', method)
    (ym * minigrad.tensor(g)).sum().backward()
    xt, kt = torch.tensor(x, requires_grad=True), torch.tensor(k, requires_grad=True)
    yt = torch.nn.functional.conv2d(xt, kt.flip(-2, -1)[None, None])
    (yt * torch.tensor(g)).sum().backward()
    numpy.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), atol=1e-10)
    numpy.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    numpy.testing.assert_allclose(km.grad.numpy(), kt.grad.numpy(), atol=1e-10)


def test_blur_errors():
    x = numpy.zeros((8, 8))
    with pytest.raises(ValueError, match='odd kernel size'):
        blur(x, numpy.ones((4, 3)), 'circular')
    with pytest.raises(ValueError, match='larger than the image'):
        blur(x, numpy.ones((9, 3)), 'valid')
    with pytest.raises(ValueError, match="mode must be one of"):
        blur(x, numpy.ones((3, 3)), 'periodic')


# ------------------------------------------------------------------------------------------- metrics
def _noisy_pair(seed=0, size=96):
    ref = test_image('camera', size)
    rng = numpy.random.default_rng(seed)
    return numpy.clip(ref + 0.05 * rng.standard_normal(ref.shape), 0, 1), ref


def test_psnr_and_ssim_match_scikit_image():
    metrics = pytest.importorskip('skimage.metrics')
    x, ref = _noisy_pair()
    assert psnr(x, ref) == pytest.approx(metrics.peak_signal_noise_ratio(ref, x, data_range=1.0), abs=1e-10)
    expected = metrics.structural_similarity(ref, x, data_range=1.0, gaussian_weights=True, sigma=1.5,
                                             use_sample_covariance=False)
    assert ssim(x, ref) == pytest.approx(expected, abs=1e-10)
    assert ssim(x * 255, ref * 255, data_range=255) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize('shift', [(0.5, -1.25), (-2.0, 0.75), (0.25, 3.0)])
def test_alignment_finds_a_known_subpixel_shift(shift):
    ndimage = pytest.importorskip('scipy.ndimage')
    ref = test_image('camera', 128)
    moved = ndimage.shift(ref, shift, order=1, mode='nearest')
    a = align(moved, ref)
    assert a.shift == shift
    assert psnr_aligned(moved, ref) > psnr(moved, ref) + 10


def test_error_ratio_is_the_ssd_ratio():
    ref = test_image('camera', 96)
    error = 0.05 * numpy.random.default_rng(1).standard_normal(ref.shape)
    x, worse = ref + error, ref + 2 * error        # twice the error: four times the SSD
    assert error_ratio(worse, x, ref, maxshift=0) == pytest.approx(4.0)
    r = error_ratio(worse, x, ref)
    assert r == pytest.approx(align(worse, ref).ssd / align(x, ref).ssd) and r > 2
    assert error_ratio(x, x, ref) == pytest.approx(1.0)


def test_metric_errors():
    with pytest.raises(ValueError, match='differ in shape'):
        psnr(numpy.zeros((4, 4)), numpy.zeros((5, 4)))
    with pytest.raises(ValueError, match='to_grey'):
        ssim(numpy.zeros((20, 20, 3)), numpy.zeros((20, 20, 3)))


# ------------------------------------------------------------------------------------ non-blind
def _odd_kernel(seed=4, size=9):
    return shake_kernel(size, seed=seed)


def test_wiener_matches_scikit_image():
    restoration = pytest.importorskip('skimage.restoration')
    y = test_image('camera', 64)
    k = _odd_kernel()
    got = wiener(y, k, nsr=0.02, regulariser='identity')
    expected = restoration.wiener(y, k, 0.02, reg=numpy.ones((1, 1)), clip=False)
    numpy.testing.assert_allclose(got, expected, atol=1e-10)
    got = wiener(y, k, nsr=0.05, regulariser='laplacian')
    numpy.testing.assert_allclose(got, restoration.wiener(y, k, 0.05, clip=False), atol=1e-10)


def test_richardson_lucy_matches_scikit_image():
    restoration = pytest.importorskip('skimage.restoration')
    y = test_image('brick', 64)
    k = _odd_kernel(5, 7)
    for clip in (True, False):
        expected = restoration.richardson_lucy(y, k, num_iter=10, clip=clip)
        numpy.testing.assert_allclose(richardson_lucy(y, k, 10, clip=clip), expected, atol=1e-10)


def test_deconv_valid_recovers_an_image_at_low_noise():
    """> 35 dB with the true kernel at 0.1 % noise (the valid model: no boundary artefacts), scored as
    every estimate is, by Levin et al.'s protocol (15 px crop: next to the border of y the scene is seen
    through only part of the kernel)."""
    image = test_image('camera', None)
    s = make_sample(image, shake_kernel(13, seed=7), noise=0.001, seed=0, size=96)
    x = deconv_valid(s.blurred, s.kernel, weight=3e-5, irls_iterations=3, cg_iterations=150)
    assert x.shape == s.sharp.shape
    assert psnr_aligned(center_crop(x, 96), s.truth, maxshift=0) > 35
    assert psnr_aligned(s.blurred, s.truth) < 27


def test_deconv_valid_priors_beat_the_blurred_input():
    s = synthetic_set(1, size=96, kernel_sizes=(15,))[0]
    base = psnr_aligned(s.blurred, s.truth)
    for prior in ('gaussian', 'sparse'):
        x = center_crop(deconv_valid(s.blurred, s.kernel, prior=prior, cg_iterations=40, irls_iterations=3), 96)
        assert psnr_aligned(x, s.truth) > base + 4, prior


def test_non_blind_errors():
    colour = numpy.zeros((32, 32, 3))
    for fn in (wiener, richardson_lucy, deconv_valid):
        with pytest.raises(ValueError, match=r'to_grey\(image\)'):
            fn(colour, numpy.ones((3, 3)) / 9)
        with pytest.raises(ValueError, match='larger than the image'):
            fn(numpy.zeros((8, 8)), numpy.ones((9, 9)))
    with pytest.raises(ValueError, match='odd'):
        wiener(numpy.zeros((8, 8)), numpy.ones((2, 2)))
    with pytest.raises(ValueError, match="prior must be"):
        deconv_valid(numpy.zeros((8, 8)), numpy.ones((3, 3)), prior='tv')


# ---------------------------------------------------------------------------------------------- data
def test_shake_kernels_are_seeded_normalised_camera_shake():
    sizes = set()
    for seed in range(12):
        k = shake_kernel(seed=seed)
        assert k.shape[0] == k.shape[1] and k.shape[0] % 2 == 1 and 13 <= k.shape[0] <= 27
        assert k.min() >= 0 and k.sum() == pytest.approx(1.0)
        # a path, not a blob: most of the box is empty, and it spans more than a third of it
        support = k > k.max() * 0.05
        assert support.mean() < 0.5
        rows, cols = numpy.nonzero(support)
        assert max(numpy.ptp(rows), numpy.ptp(cols)) >= k.shape[0] // 3
        sizes.add(k.shape[0])
        numpy.testing.assert_array_equal(k, shake_kernel(seed=seed))
    assert len(sizes) > 3
    with pytest.raises(ValueError, match='odd'):
        shake_kernel(14)


def test_synthetic_set_shapes_and_noise():
    samples = synthetic_set(3, size=64)
    for s in samples:
        K = s.kernel.shape[0]
        assert s.sharp.shape == (64 + K - 1,) * 2 and s.blurred.shape == s.truth.shape == (64, 64)
        residual = s.blurred - blur(s.sharp, s.kernel).numpy()
        assert residual.std() == pytest.approx(0.01, rel=0.1)
    assert len({s.name for s in samples}) == 3


def test_png_round_trip_and_grey_conversion(tmp_path):
    image = test_image('coins', 40)
    path = write_png(str(tmp_path / 'x.png'), image)
    back = read_png(path)
    assert back.shape == image.shape and numpy.abs(back - image).max() <= 1 / 255 + 1e-9
    write_png(str(tmp_path / 'k.png'), image[:5, :5], scale=4)
    assert read_png(str(tmp_path / 'k.png')).shape == (20, 20)
    rgb = numpy.stack([image, image, image], -1)
    numpy.testing.assert_allclose(to_grey(rgb), image, atol=1e-6)
    assert read_png(path, grey=False).shape == image.shape       # grey stays grey
    import skimage.data
    astronaut = read_png(skimage.data.__file__.replace('__init__.py', 'astronaut.png'), grey=False)
    assert astronaut.ndim == 3 and to_grey(astronaut).ndim == 2
    with pytest.raises(ValueError, match='no bundled picture'):
        test_image('nonexistent')


# ------------------------------------------------------------------------------ device-agnostic
@pytest.fixture
def guarded_with_fft(monkeypatch):
    """The guarded NumPy of tests/guarded_numpy.py (standing in for CuPy), with ``xp.fft`` (CuPy has
    cupy.fft.rfft2 / irfft2 under the same names)."""
    import guarded_numpy
    monkeypatch.setattr(guarded_numpy.guarded, 'fft',
                        guarded_numpy._GuardedFunctions(numpy.fft, 'fft.', guarded_numpy.guarded.calls),
                        raising=False)
    with guarded_numpy.installed() as module:
        yield guarded_numpy, module


@pytest.mark.parametrize('method', ('direct', 'fft'))
def test_blur_and_solvers_take_their_array_module_from_the_arrays(guarded_with_fft, method):
    gn, xp = guarded_with_fft
    xp.calls.clear()
    rng = numpy.random.default_rng(0)
    x_host, k_host = rng.standard_normal((2, 9, 10)), rng.standard_normal((3, 3))
    for mode in MODES:
        x = minigrad.tensor(x_host, device=gn.DEVICE, requires_grad=True)
        k = minigrad.tensor(k_host, device=gn.DEVICE, requires_grad=True)
        y = blur(x, k, mode, method)
        (y * y).sum().backward()
        for what, array in (('output', y.array), ('image grad', x.grad.array), ('kernel grad', k.grad.array)):
            assert type(array) is gn.GuardedArray, f"{mode} {what}"
        cpu = blur(minigrad.tensor(x_host), minigrad.tensor(k_host), mode, method).numpy()
        numpy.testing.assert_allclose(xp.asnumpy(y.array), cpu, atol=1e-12)
    y = xp.asarray(test_image('camera', 32))
    kernel = xp.asarray(shake_kernel(5, seed=0))
    for out in (wiener(y, kernel), richardson_lucy(y, kernel, 3),
                deconv_valid(y, kernel, cg_iterations=3, irls_iterations=1)):
        assert type(out) is gn.GuardedArray
    assert isinstance(psnr(y, y * 0.9), float) and isinstance(ssim(y, y * 0.9), float)
    # beyond the project's list, CuPy has these under the same names (cupy.fft, cupy.roll, cupy.conj)
    extra = {'fft.rfft2', 'fft.irfft2', 'roll', 'conj'}
    assert not set(xp.calls) - gn.CUPY_FUNCTIONS - extra, sorted(set(xp.calls) - gn.CUPY_FUNCTIONS)
