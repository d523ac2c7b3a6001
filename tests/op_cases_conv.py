"""The convolution and pooling ops as cases of tests/op_cases.py (device-agnostic proof and CUDA tests).

Squaring an output makes the upstream gradient depend on the inputs, so the second derivative of the
harness runs through each op's adjoint Function too (ConvTranspose and ConvWeight, WindowGather, ...)."""
from minigrad import autograd
from minigrad.nn import functional as F

from op_cases import normal

CASES = {
    'conv2d': (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2) ** 2,
               [normal(2, 4, 6, 7), normal(4, 2, 3, 2), normal(4)]),
    'conv2d 1x1 and same padding': (
        lambda x, w1, w3: F.conv2d(F.conv2d(x, w1), w3, padding='same') ** 2,
        [normal(2, 8, 4, 5), normal(8, 8, 1, 1), normal(2, 8, 3, 3)]),
    'conv_transpose2d': (lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1) ** 2,
                         [normal(2, 3, 3, 4), normal(3, 2, 3, 3)]),
    'conv1d': (lambda x, w: F.conv1d(x, w, padding=1) ** 2, [normal(2, 3, 7), normal(2, 3, 3)]),
    'max_pool2d': (lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True) ** 2, [normal(2, 2, 7, 6)]),
    'max_pool2d overlapping': (lambda x: F.max_pool2d(x, 2, 1) ** 2, [normal(1, 2, 5, 5)]),
    'max_pool2d gradient as an output': (  # third derivatives: WindowScatter's own backward
        lambda x: autograd.grad((F.max_pool2d(x, 2) ** 3).sum(), x, create_graph=True)[0] ** 2,
        [normal(1, 2, 4, 4)]),
    'avg_pool2d': (lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False) ** 2, [normal(2, 2, 7, 6)]),
    'adaptive pools': (lambda x: F.adaptive_max_pool2d(x, (3, 4)) ** 2 + F.adaptive_avg_pool2d(x, (3, 4)) ** 2,
                       [normal(2, 2, 7, 6)]),
    'pad modes': (lambda x: (F.pad(x, (1, 2, 2, 0), mode='reflect') ** 2).sum() +
                  (F.pad(x[0], (1, 1), mode='circular') ** 2).sum() + (F.pad(x, (1, -1, 0, 2)) ** 2).sum(),
                  [normal(2, 2, 4, 4)]),
    'interpolate': (lambda x: F.interpolate(x, size=(5, 3)) ** 2 +
                    F.interpolate(x, size=(5, 3), mode='bilinear') ** 2, [normal(1, 2, 3, 4)]),
}
