"""The seed's listings of sections 6.1-6.2 (layers and modules, parameter management), transcribed with
only the imports changed from PyTorch's."""
import collections

import numpy as np

import minigrad as torch
from minigrad import nn
from minigrad.nn import functional as F


def test_sequential_of_lazy_layers():
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    X = torch.rand(2, 20)
    assert net(X).shape == torch.Size([2, 10])
    assert repr(net(X).shape) == 'minigrad.Size([2, 10])'


class MLP(nn.Module):
    def __init__(self):
        # Call the constructor of the parent class nn.Module to perform
        # the necessary initialization
        super().__init__()
        self.hidden = nn.Linear(256)
        self.out = nn.Linear(10)

    # Define the forward propagation of the model, that is, how to return the
    # required model output based on the input X
    def forward(self, X):
        return self.out(F.relu(self.hidden(X)))


def test_custom_mlp_module():
    X = torch.rand(2, 20)
    net = MLP()
    assert net(X).shape == (2, 10)
    assert [n for n, _ in net.named_parameters()] == ['hidden.weight', 'hidden.bias', 'out.weight',
                                                      'out.bias']
    assert net.hidden.weight.shape == (256, 20)
    expected = np.maximum(X.numpy() @ net.hidden.weight.detach().numpy().T
                          + net.hidden.bias.detach().numpy(), 0) @ net.out.weight.detach().numpy().T \
        + net.out.bias.detach().numpy()
    np.testing.assert_allclose(net(X).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


class FixedHiddenMLP(nn.Module):
    def __init__(self):
        super().__init__()
        # Random weight parameters that will not compute gradients and
        # therefore keep constant during training
        self.rand_weight = torch.rand((20, 20))
        self.linear = nn.Linear(20)

    def forward(self, X):
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        # Reuse the fully connected layer. This is equivalent to sharing
        # parameters with two fully connected layers
        X = self.linear(X)
        # Control flow
        while X.abs().sum() > 1:
            X /= 2
        return X.sum()


def test_fixed_hidden_mlp_forward_and_backward():
    torch.manual_seed(0)
    X = torch.rand(2, 20)
    net = FixedHiddenMLP()
    out = net(X)
    assert out.ndim == 0
    # the constant weight is a plain attribute: not a parameter, not in the state dict
    assert [n for n, _ in net.named_parameters()] == ['linear.weight', 'linear.bias']
    assert 'rand_weight' not in net.state_dict()

    # Reference in NumPy: the same computation, with the number of halvings it took.
    W, b = net.linear.weight.detach().numpy(), net.linear.bias.detach().numpy()
    R = net.rand_weight.numpy()
    h1 = X.numpy() @ W.T + b
    h2 = np.maximum(h1 @ R + 1, 0)
    h3 = h2 @ W.T + b
    halvings = 0
    while np.abs(h3 / 2 ** halvings).sum() > 1:
        halvings += 1
    assert abs(out.item() - (h3 / 2 ** halvings).sum()) <= 1e-5 * abs(out.item())

    # backward through the in-place halvings and the reused layer: d out / d b, by the chain rule
    out.backward()
    scale = 0.5 ** halvings
    relu_mask = (h1 @ R + 1 > 0).astype(np.float64)
    # out = scale * sum(h3) = scale * sum(h2 @ W.T + b); b appears in h1 (through h2) and in h3
    d_h3 = np.full(h3.shape, scale)
    d_b_second = d_h3.sum(0)
    d_h2 = d_h3 @ W
    d_h1 = (d_h2 * relu_mask) @ R.T
    d_b_first = d_h1.sum(0)
    np.testing.assert_allclose(net.linear.bias.grad.numpy(), d_b_first + d_b_second, rtol=1e-4, atol=1e-6)
    d_W = d_h3.T @ h2 + d_h1.T @ X.numpy()
    np.testing.assert_allclose(net.linear.weight.grad.numpy(), d_W, rtol=1e-4, atol=1e-6)
    assert net.rand_weight.grad is None


class NestMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64), nn.ReLU(),
                                 nn.Linear(32), nn.ReLU())
        self.linear = nn.Linear(16)

    def forward(self, X):
        return self.linear(self.net(X))


def test_nest_mlp_and_chimera():
    X = torch.rand(2, 20)
    assert NestMLP()(X).shape == (2, 16)
    chimera = nn.Sequential(NestMLP(), nn.Linear(20), FixedHiddenMLP())
    out = chimera(X)
    assert out.ndim == 0 and np.isfinite(out.item())
    names = [n for n, _ in chimera.named_parameters()]
    assert names == ['0.net.0.weight', '0.net.0.bias', '0.net.2.weight', '0.net.2.bias', '0.linear.weight',
                     '0.linear.bias', '1.weight', '1.bias', '2.linear.weight', '2.linear.bias']
    out.backward()
    assert all(p.grad is not None for p in chimera.parameters())


def test_parameter_access_state_dict():
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    X = torch.rand(2, 4)
    net(X)
    sd = net[2].state_dict()
    assert isinstance(sd, collections.OrderedDict)
    assert list(sd) == ['weight', 'bias']
    assert sd['weight'].shape == (1, 8) and sd['bias'].shape == (1,)
    text = repr(sd)
    assert text.startswith("OrderedDict({'weight': tensor([[") or text.startswith("OrderedDict([('weight', tensor([[")
    assert type(net[2].bias) == nn.Parameter
    assert net[2].weight.grad is None


def test_shared_parameters():
    X = torch.rand(2, 4)
    # We need to give the shared layer a name so that we can refer to its
    # parameters
    shared = nn.LazyLinear(8)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(),
                        shared, nn.ReLU(),
                        shared, nn.ReLU(),
                        nn.LazyLinear(1))
    net(X)
    # Check whether the parameters are the same
    assert bool((net[2].weight.data[0] == net[4].weight.data[0]).all())
    net[2].weight.data[0, 0] = 100
    # Make sure that they are actually the same object rather than just having the
    # same value
    assert bool((net[2].weight.data[0] == net[4].weight.data[0]).all())
    assert net[4].weight.data[0, 0].item() == 100
    assert len(list(net.parameters())) == 6


def test_shared_gradient_is_the_sum_of_both_uses():
    torch.manual_seed(1)
    X = torch.rand(3, 4, dtype=torch.float64)
    shared = nn.Linear(8, 8, dtype=torch.float64)
    first = nn.Linear(4, 8, dtype=torch.float64)
    net = nn.Sequential(first, nn.ReLU(), shared, nn.ReLU(), shared)
    net(X).sum().backward()
    total = shared.weight.grad.numpy().copy()

    # The same computation with two separate copies of the shared layer: their gradients must add up.
    copy_a = nn.Linear(8, 8, dtype=torch.float64)
    copy_b = nn.Linear(8, 8, dtype=torch.float64)
    for c in (copy_a, copy_b):
        c.load_state_dict(shared.state_dict())
    first.zero_grad()
    nn.Sequential(first, nn.ReLU(), copy_a, nn.ReLU(), copy_b)(X).sum().backward()
    np.testing.assert_allclose(total, copy_a.weight.grad.numpy() + copy_b.weight.grad.numpy(), rtol=1e-12)
