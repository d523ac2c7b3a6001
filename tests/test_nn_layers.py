"""Layers: Linear and its lazy forms, activations, Flatten, Dropout, Sequential/ModuleList, nn.init."""
import math

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F


def arr(t):
    return t.detach().numpy()


# -------------------------------------------------------------------------------------------- Linear
def test_linear_forward_is_x_wt_plus_b():
    layer = nn.Linear(5, 3)
    x = minigrad.randn(4, 5)
    expected = arr(x) @ arr(layer.weight).T + arr(layer.bias)
    np.testing.assert_allclose(arr(layer(x)), expected, rtol=1e-6, atol=1e-6)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)


def test_linear_handles_leading_batch_dims_and_no_bias():
    layer = nn.Linear(5, 3, bias=False)
    assert layer.bias is None and len(list(layer.parameters())) == 1
    assert layer(minigrad.randn(2, 7, 5)).shape == (2, 7, 3)
    assert 'bias=False' in repr(layer)


def test_linear_default_init_is_within_pytorch_bounds():
    minigrad.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = arr(layer.weight), arr(layer.bias)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-b, b) has standard deviation b / sqrt(3); 120,000 samples pin it to well under 1%
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert abs(w.mean()) < 0.01 * bound


def test_linear_dtype_argument_and_default_dtype():
    assert nn.Linear(2, 2, dtype=minigrad.float64).weight.dtype == minigrad.float64
    minigrad.set_default_dtype(minigrad.float64)
    try:
        assert nn.Linear(2, 2).weight.dtype == minigrad.float64
    finally:
        minigrad.set_default_dtype(minigrad.float32)


def test_linear_shape_error_names_the_features():
    with pytest.raises(RuntimeError, match='input has 4 features but the weight expects 5'):
        nn.Linear(5, 3)(minigrad.randn(2, 4))


def test_manual_seed_makes_init_reproducible():
    minigrad.manual_seed(3)
    a = arr(nn.Linear(4, 4).weight)
    minigrad.manual_seed(3)
    b = arr(nn.Linear(4, 4).weight)
    np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------------------------------ lazy
@pytest.mark.parametrize('make', [lambda: nn.LazyLinear(7), lambda: nn.Linear(7),
                                  lambda: nn.Linear(out_features=7)])
def test_lazy_forms_infer_in_features_and_become_linear(make):
    layer = make()
    assert isinstance(layer, nn.LazyLinear) and isinstance(layer, nn.Linear)
    assert 'in_features=0' in repr(layer)
    out = layer(minigrad.randn(3, 5))
    assert out.shape == (3, 7)
    assert type(layer) == nn.Linear
    assert layer.in_features == 5 and layer.weight.shape == (7, 5) and layer.bias.shape == (7,)
    assert type(layer.weight) is nn.Parameter
    bound = 1 / math.sqrt(5)
    assert np.abs(arr(layer.weight)).max() <= bound


def test_lazy_layer_used_twice_initialises_once():
    shared = nn.LazyLinear(8)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
    net(minigrad.rand(2, 4))
    weight_after_first_call = arr(shared.weight).copy()
    net(minigrad.rand(2, 4))
    np.testing.assert_array_equal(arr(shared.weight), weight_after_first_call)
    assert net[2] is net[4] and shared.weight.shape == (8, 8)


def test_optimizer_built_before_the_first_call_updates_the_lazy_parameters():
    net = nn.Sequential(nn.LazyLinear(3), nn.ReLU(), nn.LazyLinear(1))
    opt = minigrad.optim.SGD(net.parameters(), lr=0.1)
    assert len(opt.param_groups[0]['params']) == 4
    x = minigrad.rand(5, 2)
    net(x).sum().backward()
    before = arr(net[0].weight).copy()
    opt.step()
    assert not np.array_equal(before, arr(net[0].weight))


def test_uninitialized_parameter_says_to_run_a_forward_first():
    layer = nn.LazyLinear(3)
    with pytest.raises(RuntimeError, match='forward pass first'):
        layer.weight * 2
    assert repr(layer.weight) == '<UninitializedParameter>'


def test_lazy_layer_honours_to_before_the_first_call():
    layer = nn.LazyLinear(3).double()
    layer(minigrad.rand(2, 4, dtype=minigrad.float64))
    assert layer.weight.dtype == minigrad.float64


def test_loading_a_checkpoint_into_a_lazy_model_materialises_it():
    trained = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    fresh = nn.Sequential(nn.LazyLinear(3), nn.ReLU(), nn.LazyLinear(2))
    fresh.load_state_dict(trained.state_dict())
    assert type(fresh[0]) is nn.Linear and fresh[0].in_features == 4
    x = minigrad.rand(2, 4)
    np.testing.assert_array_equal(arr(fresh(x)), arr(trained(x)))


def test_linear_with_two_sizes_is_not_lazy():
    assert type(nn.Linear(3, 4)) is nn.Linear
    assert type(nn.Linear(in_features=3, out_features=4)) is nn.Linear


# ----------------------------------------------------------------------------------- activations
def test_activation_modules_match_the_functions():
    x = minigrad.randn(3, 4)
    np.testing.assert_array_equal(arr(nn.ReLU()(x)), np.maximum(arr(x), 0))
    np.testing.assert_allclose(arr(nn.Sigmoid()(x)), 1 / (1 + np.exp(-arr(x))), rtol=1e-6)
    np.testing.assert_allclose(arr(nn.Tanh()(x)), np.tanh(arr(x)), rtol=1e-6)
    s = arr(nn.Softmax(dim=1)(x))
    np.testing.assert_allclose(s.sum(1), 1, rtol=1e-6)
    np.testing.assert_allclose(arr(nn.LogSoftmax(dim=1)(x)), np.log(s), rtol=1e-5, atol=1e-6)
    assert repr(nn.Softmax(dim=1)) == 'Softmax(dim=1)'


def test_inplace_relu_changes_a_non_leaf_and_backpropagates():
    x = minigrad.randn(6, requires_grad=True)
    h = x * 1.0
    out = nn.ReLU(inplace=True)(h)
    assert out is h
    out.sum().backward()
    np.testing.assert_array_equal(arr(x.grad), (arr(x) > 0).astype(np.float32))
    assert repr(nn.ReLU(inplace=True)) == 'ReLU(inplace=True)'


# ------------------------------------------------------------------------------------------ Flatten
def test_flatten_keeps_the_batch_dimension():
    x = minigrad.rand(2, 1, 28, 28)
    assert nn.Flatten()(x).shape == (2, 784)
    assert nn.Flatten(0, -1)(x).shape == (2 * 784,)
    assert nn.Flatten(2, 3)(x).shape == (2, 1, 784)


# ------------------------------------------------------------------------------------------ Dropout
def test_dropout_train_and_eval():
    minigrad.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = minigrad.ones(200, 100)
    y = arr(drop(x))
    kept = y != 0
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}
    assert abs(kept.mean() - 0.75) < 0.02      # 20,000 draws: sd of the fraction is 0.003
    drop.eval()
    assert drop(x) is x


def test_dropout_gradient_uses_the_same_mask():
    minigrad.manual_seed(1)
    x = minigrad.ones(50, requires_grad=True)
    y = F.dropout(x, 0.5, training=True)
    y.sum().backward()
    np.testing.assert_array_equal(arr(x.grad), arr(y))


def test_dropout_edges_and_seed():
    x = minigrad.ones(10)
    assert float(F.dropout(x, 1.0).sum()) == 0
    assert F.dropout(x, 0.0) is x
    with pytest.raises(ValueError, match='between 0 and 1'):
        nn.Dropout(1.5)
    minigrad.manual_seed(5)
    a = arr(F.dropout(minigrad.ones(100), 0.5))
    minigrad.manual_seed(5)
    b = arr(F.dropout(minigrad.ones(100), 0.5))
    np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------- containers
def test_sequential_indexing_slicing_len_iter_append():
    layers = [nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2)]
    net = nn.Sequential(*layers)
    assert len(net) == 3 and list(net) == layers
    assert net[0] is layers[0] and net[-1] is layers[2]
    head = net[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert list(net[1:]._modules) == ['1', '2']
    assert net(minigrad.rand(5, 4)).shape == (5, 2)
    net.append(nn.Sigmoid())
    assert len(net) == 4 and isinstance(net[3], nn.Sigmoid)
    with pytest.raises(IndexError, match='out of range'):
        net[4]
    del net[0]
    assert list(net._modules) == ['0', '1', '2'] and isinstance(net[0], nn.ReLU)
    net[0] = nn.Tanh()
    assert isinstance(net[0], nn.Tanh)


def test_sequential_from_an_ordered_dict_keeps_names():
    import collections
    net = nn.Sequential(collections.OrderedDict([('fc', nn.Linear(2, 3)), ('act', nn.ReLU())]))
    assert net.fc is net[0] and list(net.state_dict()) == ['fc.weight', 'fc.bias']


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    m = Stack()
    assert len(list(m.parameters())) == 6
    assert m(minigrad.rand(2, 3)).shape == (2, 3)
    assert isinstance(m.layers[1:], nn.ModuleList) and len(m.layers[1:]) == 2


# --------------------------------------------------------------------------------------------- init
def test_init_functions_fill_in_place_with_the_right_scale():
    minigrad.manual_seed(0)
    w = nn.Parameter(minigrad.empty(300, 200))
    assert nn.init.zeros_(w) is w and float(w.abs().sum()) == 0
    nn.init.ones_(w)
    assert float(w.sum()) == 300 * 200
    nn.init.constant_(w, 0.3)
    np.testing.assert_allclose(arr(w), 0.3)
    nn.init.uniform_(w, -2, 3)
    assert arr(w).min() >= -2 and arr(w).max() < 3
    nn.init.normal_(w, 1.0, 0.5)
    assert abs(arr(w).mean() - 1) < 0.01 and abs(arr(w).std() - 0.5) < 0.01
    a = math.sqrt(6 / 500)
    nn.init.xavier_uniform_(w)
    assert np.abs(arr(w)).max() <= a and abs(arr(w).std() - a / math.sqrt(3)) < 0.01 * a
    nn.init.xavier_normal_(w, gain=2.0)
    assert abs(arr(w).std() - 2 * math.sqrt(2 / 500)) < 0.01 * 2 * math.sqrt(2 / 500)
    nn.init.kaiming_uniform_(w, nonlinearity='relu')
    b = math.sqrt(2) * math.sqrt(3 / 200)
    assert np.abs(arr(w)).max() <= b and abs(arr(w).std() - b / math.sqrt(3)) < 0.01 * b
    nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu')
    assert abs(arr(w).std() - math.sqrt(2 / 300)) < 0.01 * math.sqrt(2 / 300)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None


def test_calculate_gain_table_and_errors():
    gain = nn.init.calculate_gain
    assert gain('linear') == gain('sigmoid') == 1
    assert gain('tanh') == 5 / 3 and gain('relu') == math.sqrt(2)
    assert gain('leaky_relu') == math.sqrt(2 / (1 + 0.01 ** 2)) and gain('leaky_relu', 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match='unsupported nonlinearity'):
        gain('swish')
    with pytest.raises(ValueError, match='fewer than 2'):
        nn.init.xavier_uniform_(minigrad.empty(3))
    with pytest.raises(ValueError, match="'fan_in' or 'fan_out'"):
        nn.init.kaiming_uniform_(minigrad.empty(3, 3), mode='fan')
