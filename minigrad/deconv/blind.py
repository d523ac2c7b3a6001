"""Blind deconvolution with two untrained generators (Ren et al., "Neural Blind Deconvolution Using Deep
Priors", CVPR 2020, "SelfDeblur"): the image ``x = G_x(z_x)`` and the kernel ``k = G_k(z_k)`` are
fitted jointly to the blurred ``y`` through ``y ~ k * x`` (valid convolution), from fixed noise inputs.

The networks are written once, as builders taking the library's ``nn`` (``minigrad.nn`` or
``torch.nn``), so the same code runs on both; the benchmark compares them side by side.

    G_x: a DIP-style encoder-decoder ("skip" network of Ulyanov et al.'s Deep Image Prior): per scale a
         stride-2 3x3 convolution down, a 3x3 convolution, a 1x1 skip branch, bilinear upsampling, a
         3x3 and a 1x1 convolution up; reflection padding, batch norm, LeakyReLU(0.2), sigmoid out.
         Input: fixed noise with ``input_depth`` channels at (H + K - 1, W + K - 1).
    G_k: Linear(200 -> 1000) -> ReLU6 -> Linear(1000 -> K^2) -> Softmax: a kernel >= 0 summing to 1.

Training as the published code: one Adam, lr 0.01 for G_x and 1e-4 for G_k, both halved at 40, 60 and
80 % of the iterations (its MultiStepLR milestones 2000, 3000, 4000 of 5000), the loss the MSE of
``k * x`` against ``y`` for the first 20 % of the iterations (1000 of 5000) then ``1 - SSIM``, and the
image generator's input perturbed each iteration by noise of std 0.001.
"""
import collections
import importlib
import math
import sys
import time

from .. import backend
from .data import check_grey, check_kernel_size

numpy = backend.module_for('cpu')

#: the image generator's sizes: scales, channels per scale (down and up), skip channels, input channels
PRESETS = {
    'small': dict(scales=3, channels=16, skip=4, input_depth=8),     # CPU: ~20k parameters
    'paper': dict(scales=5, channels=128, skip=16, input_depth=8),   # the published network (GPU)
}
KERNEL_HIDDEN = 1000
KERNEL_INPUT = 200


def _root(nn):
    """The library an ``nn`` package belongs to (``torch`` for ``torch.nn``, ``minigrad`` for
    ``minigrad.nn``)."""
    return importlib.import_module(nn.__name__.split('.')[0])


def _conv(nn, cin, cout, size, stride=1):
    """A convolution with reflection padding, as Deep Image Prior's ``conv(..., pad='reflection')``."""
    layers = []
    pad = (size - 1) // 2
    if pad:
        layers.append(nn.ReflectionPad2d(pad))
    layers.append(nn.Conv2d(cin, cout, size, stride, padding=0, bias=True))
    return nn.Sequential(*layers)


def _concat_class(nn):
    lib = _root(nn)

    class Concat(nn.Module):
        """Run the branches on one input and concatenate their outputs along the channels, each
        centre-cropped to the smallest height and width (odd sizes lose a row going down and up)."""

        def __init__(self, *branches):
            super().__init__()
            self.branches = nn.ModuleList(branches)

        def forward(self, x):
            outs = [branch(x) for branch in self.branches]
            h = min(o.shape[2] for o in outs)
            w = min(o.shape[3] for o in outs)
            cropped = []
            for o in outs:
                top, left = (o.shape[2] - h) // 2, (o.shape[3] - w) // 2
                cropped.append(o if (o.shape[2], o.shape[3]) == (h, w) else
                               o[:, :, top:top + h, left:left + w])
            return lib.cat(cropped, 1)

    return Concat


def image_generator(nn, input_depth=8, out_channels=1, scales=5, channels=128, skip=16):
    """Deep Image Prior's ``skip`` network (``num_channels_down = num_channels_up = [channels] * scales``,
    ``num_channels_skip = [skip] * scales``, bilinear upsampling, reflection padding, LeakyReLU(0.2),
    sigmoid out), built from ``nn`` = ``minigrad.nn`` or ``torch.nn``."""
    Concat = _concat_class(nn)

    def act():
        return nn.LeakyReLU(0.2)

    def build(i, cin):
        """Scale i: Concat(skip, deeper) -> BN -> conv up; ``deeper`` holds scale i + 1."""
        deeper = nn.Sequential(_conv(nn, cin, channels, 3, 2), nn.BatchNorm2d(channels), act(),
                               _conv(nn, channels, channels, 3), nn.BatchNorm2d(channels), act())
        if i + 1 < scales:
            deeper.append(build(i + 1, channels))
        deeper.append(nn.Upsample(scale_factor=2, mode='bilinear'))
        layers = []
        if skip:
            branch = nn.Sequential(_conv(nn, cin, skip, 1), nn.BatchNorm2d(skip), act())
            layers.append(Concat(branch, deeper))
        else:
            layers.append(deeper)
        layers += [nn.BatchNorm2d(skip + channels), _conv(nn, skip + channels, channels, 3),
                   nn.BatchNorm2d(channels), act(), _conv(nn, channels, channels, 1), nn.BatchNorm2d(channels),
                   act()]
        return nn.Sequential(*layers)

    return nn.Sequential(build(0, input_depth), _conv(nn, channels, out_channels, 1), nn.Sigmoid())


def kernel_generator(nn, kernel_size, inputs=KERNEL_INPUT, hidden=KERNEL_HIDDEN):
    """SelfDeblur's ``fcn``: Linear(inputs -> hidden) -> ReLU6 -> Linear(hidden -> K^2) -> Softmax; its
    output, viewed (K, K), is a kernel >= 0 summing to 1."""
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU6(), nn.Linear(hidden, kernel_size * kernel_size),
                         nn.Softmax(dim=-1))


def count_parameters(module):
    return sum(int(numpy.prod(tuple(p.shape))) for p in module.parameters())


# ---------------------------------------------------------------------- the two libraries, one loop
class Library:
    """What the blind loop needs from a library, beyond ``nn``: tensors from host arrays and back, the
    valid true convolution and the Gaussian filter of SSIM."""

    def __init__(self, name, device='cpu'):
        if name not in ('minigrad', 'torch'):
            raise ValueError(f"blind_deconv: library must be 'minigrad' or 'torch', not {name!r}")
        self.name = name
        self.lib = importlib.import_module(name)
        self.nn = self.lib.nn
        self.device = device
        if name == 'torch':
            self.F = importlib.import_module('torch.nn.functional')

    def tensor(self, array):
        return self.lib.tensor(numpy.ascontiguousarray(array, dtype=numpy.float32), device=self.device)

    def host(self, t):
        return numpy.asarray(t.detach().cpu().numpy() if self.name == 'torch' else t.detach().numpy(),
                             dtype=numpy.float64)

    def blur_valid(self, x, k):
        """x (1, 1, H, W), k (K, K): ``k * x``, valid, (1, 1, H - K + 1, W - K + 1)."""
        if self.name == 'torch':
            return self.F.conv2d(x, k.flip(-2, -1)[None, None])
        from .blur import blur
        return blur(x, k, 'valid')

    def gaussian_same(self, x, window):
        """x (N, 1, H, W) filtered by the 2-D window, zero padding, same size (pytorch_ssim's conv2d)."""
        if self.name == 'torch':
            return self.F.conv2d(x, window[None, None], padding=window.shape[-1] // 2)
        from .blur import blur
        return blur(x, window, 'same')

    def ssim(self, a, b, window):
        """The SSIM of pytorch_ssim (the published code's loss): 11x11 Gaussian window (sigma 1.5), zero
        padding, mean over all pixels, C1 = 0.01^2, C2 = 0.03^2 (data range 1)."""
        mu_a, mu_b = self.gaussian_same(a, window), self.gaussian_same(b, window)
        saa = self.gaussian_same(a * a, window) - mu_a * mu_a
        sbb = self.gaussian_same(b * b, window) - mu_b * mu_b
        sab = self.gaussian_same(a * b, window) - mu_a * mu_b
        c1, c2 = 0.01 ** 2, 0.03 ** 2
        s = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a * mu_a + mu_b * mu_b + c1) * (saa + sbb + c2))
        return s.mean()

    def seed(self, seed):
        self.lib.manual_seed(seed)


def ssim_window(size=11, sigma=1.5):
    t = numpy.arange(size) - size // 2
    g = numpy.exp(-t ** 2 / (2 * sigma ** 2))
    g /= g.sum()
    return numpy.outer(g, g)


Result = collections.namedtuple('Result', ['image', 'kernel', 'history', 'refined', 'seconds'])
Result.__doc__ = """``image``: the (H + K - 1, W + K - 1) estimate (its centre is aligned with y);
``kernel``: (K, K), >= 0, sum 1, as a true-convolution kernel (``y ~ blur(image, kernel)``);
``history``: dict of lists (``iteration``, ``loss``, ``mse`` of ``k * x`` against y, ``psnr`` when ``x_true`` was given, of the centre
crop against it); ``refined``: ``deconv_valid(y, kernel)`` when ``refine=True``, else None;
``seconds``: wall time of the optimisation."""


class _Progress:
    """One status line on stderr, rewritten in place (``progress=False``: silent)."""

    def __init__(self, total, enabled):
        self.total, self.enabled, self.start = total, enabled, time.perf_counter()
        self.every = max(1, total // 100)

    def update(self, i, loss, extra=''):
        if not self.enabled or (i % self.every and i != self.total):
            return
        elapsed = time.perf_counter() - self.start
        done = int(30 * i / self.total)
        rate = elapsed / max(i, 1)
        sys.stderr.write(f"\rblind_deconv [{'#' * done}{'.' * (30 - done)}] {i}/{self.total} loss {loss:.3g}"
                         f"{extra} {rate:.2f} s/it, {rate * (self.total - i):.0f} s left ")
        sys.stderr.flush()
        if i == self.total:
            sys.stderr.write('\n')


def build(library, kernel_size, preset='small', seed=0, image_shape=(64, 64), **sizes):
    """The two generators and their fixed inputs for a problem of blurred size ``image_shape``; returns
    ``(image_net, kernel_net, z_x, z_k)`` on ``library`` (a :class:`Library`). Weights are seeded
    through the library's generator; the inputs are drawn on the host (same numbers in both libraries)."""
    if preset not in PRESETS:
        raise ValueError(f"blind_deconv: preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    config = dict(PRESETS[preset], **sizes)
    library.seed(seed)
    nn = library.nn
    net_x = image_generator(nn, config['input_depth'], 1, config['scales'], config['channels'], config['skip'])
    net_k = kernel_generator(nn, kernel_size)
    if library.device != 'cpu':
        net_x, net_k = net_x.to(library.device), net_k.to(library.device)
    rng = numpy.random.default_rng(seed)
    H, W = image_shape
    # Deep Image Prior's get_noise(..., 'noise'): uniform noise scaled by 1/10
    z_x = rng.uniform(0, 0.1, (1, config['input_depth'], H + kernel_size - 1, W + kernel_size - 1))
    z_k = rng.uniform(0, 0.1, (KERNEL_INPUT,))
    return net_x, net_k, z_x, z_k


def schedule(iterations):
    """The published schedule scaled to ``iterations``: (learning-rate milestones, first SSIM step)."""
    return [int(round(iterations * f)) for f in (0.4, 0.6, 0.8)], int(round(iterations * 0.2))


def blind_deconv(y, kernel_size, iterations=1000, preset='small', device='cpu', seed=0, x_true=None,
                 refine=False, progress=True, library='minigrad', lr=0.01, kernel_lr=1e-4,
                 input_noise=0.001, record_every=10, **sizes):
    """Estimate the sharp image and the kernel from the grey blurred image ``y`` (H, W) in [0, 1].

    ``kernel_size``: odd K; ``iterations``: Adam steps (the paper: 5000); ``preset``: ``'small'`` (CPU)
    or ``'paper'`` (5 scales of 128 channels, GPU), sizes overridable (``scales channels skip
    input_depth``); ``library``: ``'minigrad'`` or ``'torch'`` (the same networks); ``x_true`` (H, W):
    record PSNR in the history; ``refine``: also return ``deconv_valid(y, kernel)``.
    Returns a :class:`Result` (image, kernel, history, refined, seconds).
    """
    y = numpy.asarray(backend.to_host(getattr(y, '_array', y)), dtype=numpy.float64)
    check_grey('blind_deconv', y)
    check_kernel_size('blind_deconv', kernel_size, y.shape)
    if iterations < 1:
        raise ValueError(f"blind_deconv: iterations must be >= 1, got {iterations}")
    lib = Library(library, device)
    net_x, net_k, z_x, z_k = build(lib, kernel_size, preset, seed, y.shape, **sizes)
    optimizer = lib.lib.optim.Adam([{'params': list(net_x.parameters())},
                                    {'params': list(net_k.parameters()), 'lr': kernel_lr}], lr=lr)
    milestones, ssim_from = schedule(iterations)
    target = lib.tensor(y[None, None])
    zk = lib.tensor(z_k[None])
    window = lib.tensor(ssim_window())
    rng = numpy.random.default_rng(seed + 1)
    history = {'iteration': [], 'loss': [], 'mse': []}
    if x_true is not None:
        history['psnr'] = []
        from .metrics import psnr
    bar = _Progress(iterations, progress)
    K = kernel_size
    start = time.perf_counter()
    for i in range(1, iterations + 1):
        if i - 1 in milestones:
            for group in optimizer.param_groups:
                group['lr'] *= 0.5
        zx = lib.tensor(z_x + input_noise * rng.standard_normal(z_x.shape)) if input_noise else lib.tensor(z_x)
        optimizer.zero_grad()
        x = net_x(zx)
        k = net_k(zk).reshape(K, K)
        out = lib.blur_valid(x, k)
        mse = ((out - target) ** 2).mean()
        loss = mse if i <= ssim_from else 1 - lib.ssim(out, target, window)
        loss.backward()
        optimizer.step()
        value = float(loss.item())
        if not math.isfinite(value):
            raise FloatingPointError(f"blind_deconv: the loss became {value} at iteration {i}; lower lr")
        extra = ''
        if i % record_every == 0 or i == iterations or i == 1:
            history['iteration'].append(i)
            history['loss'].append(value)
            history['mse'].append(float(mse.item()))
            if x_true is not None:
                estimate = lib.host(x)[0, 0, K // 2:K // 2 + y.shape[0], K // 2:K // 2 + y.shape[1]]
                history['psnr'].append(psnr(estimate, x_true))
                extra = f" psnr {history['psnr'][-1]:.2f}"
        bar.update(i, value, extra)
    seconds = time.perf_counter() - start
    # the final estimate without the input perturbation, batch norm as in training (the published code)
    x = lib.host(net_x(lib.tensor(z_x)))[0, 0]
    kernel = lib.host(net_k(zk).reshape(K, K))
    refined = None
    if refine:
        from .nonblind import deconv_valid
        refined = deconv_valid(y, kernel)
    return Result(x, kernel, history, refined, seconds)
