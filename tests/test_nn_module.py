"""nn.Module: registration, traversal, state dicts, modes, grads, dtype/device moves, repr."""
import collections
import copy
import pickle

import numpy as np
import pytest

import minigrad
from minigrad import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 3)
        self.out = nn.Linear(3, 2)
        self.register_buffer('steps', minigrad.zeros(1))
        self.note = 'plain attribute'

    def forward(self, X):
        return self.out(minigrad.relu(self.hidden(X)))


def test_parameter_is_a_leaf_that_requires_grad_and_shares_memory():
    t = minigrad.zeros(2, 3)
    p = nn.Parameter(t)
    assert p.requires_grad and p.is_leaf and isinstance(p, minigrad.Tensor)
    p.data[0, 0] = 5.0
    assert t[0, 0].item() == 5.0
    assert repr(p).startswith('Parameter containing:\ntensor(')
    assert not nn.Parameter(t, requires_grad=False).requires_grad


def test_parameter_from_an_op_result_is_a_leaf():
    x = minigrad.ones(2, requires_grad=True)
    p = nn.Parameter(x * 2)
    assert p.is_leaf and p.grad_fn is None


def test_registration_by_assignment():
    m = TwoLayer()
    assert list(m._modules) == ['hidden', 'out']
    assert [n for n, _ in m.named_parameters()] == ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    assert [n for n, _ in m.named_buffers()] == ['steps']
    assert 'note' not in m._parameters and m.note == 'plain attribute'
    assert [n for n, _ in m.named_children()] == ['hidden', 'out']
    assert [n for n, _ in m.named_modules()] == ['', 'hidden', 'out']
    assert len(list(m.modules())) == 3 and len(list(m.children())) == 2


def test_assigning_a_plain_tensor_over_a_parameter_is_refused():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="nn.Parameter or None expected"):
        m.weight = minigrad.zeros(2, 2)
    m.bias = None
    assert m.bias is None and [n for n, _ in m.named_parameters()] == ['weight']


def test_reassigning_a_name_moves_it_between_registries():
    m = nn.Module()
    m.layer = nn.Linear(2, 2)
    m.layer = nn.Parameter(minigrad.zeros(1))
    assert 'layer' not in m._modules and 'layer' in m._parameters
    del m.layer
    assert not hasattr(m, 'layer')


def test_assignment_before_init_says_to_call_super():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minigrad.zeros(1))

    with pytest.raises(AttributeError, match=r'super\(\).__init__\(\)'):
        Broken()


def test_missing_forward_is_a_clear_error():
    with pytest.raises(NotImplementedError, match='forward'):
        nn.Module()(minigrad.zeros(1))


def test_shared_layer_parameters_appear_once():
    shared = nn.Linear(3, 3)
    net = nn.Sequential(nn.Linear(2, 3), shared, nn.ReLU(), shared)
    params = list(net.parameters())
    assert len(params) == 4
    assert len({id(p) for p in params}) == 4
    assert [n for n, _ in net.named_modules()] == ['', '0', '1', '2']
    # state_dict lists a module used twice under both names, as PyTorch
    assert list(net.state_dict()) == ['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']


def test_state_dict_is_detached_and_shares_memory():
    m = TwoLayer()
    sd = m.state_dict()
    assert isinstance(sd, collections.OrderedDict)
    assert list(sd) == ['steps', 'hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']  # own first
    w = sd['hidden.weight']
    assert not w.requires_grad and not isinstance(w, nn.Parameter)
    w[0, 0] = 7.0
    assert m.hidden.weight[0, 0].item() == 7.0
    assert m.state_dict(keep_vars=True)['hidden.weight'] is m.hidden.weight


def test_non_persistent_buffer_is_not_in_state_dict():
    m = nn.Module()
    m.register_buffer('scratch', minigrad.zeros(2), persistent=False)
    assert 'scratch' not in m.state_dict() and list(m.buffers())


def test_load_state_dict_copies_in_place():
    a, b = TwoLayer(), TwoLayer()
    weight_object = b.hidden.weight
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.hidden.weight is weight_object
    np.testing.assert_array_equal(b.hidden.weight.detach().numpy(), a.hidden.weight.detach().numpy())


def test_load_state_dict_lists_every_problem_at_once():
    m = TwoLayer()
    sd = m.state_dict()
    del sd['out.bias']
    sd['extra.weight'] = minigrad.zeros(1)
    sd['hidden.weight'] = minigrad.zeros(5, 5)
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(sd)
    text = str(info.value)
    assert 'Missing key(s) in state_dict: "out.bias"' in text
    assert 'Unexpected key(s) in state_dict: "extra.weight"' in text
    assert 'size mismatch for hidden.weight' in text and '[5, 5]' in text and '[3, 4]' in text


def test_load_state_dict_non_strict_reports_keys_but_still_refuses_shape_mismatch():
    m = TwoLayer()
    sd = m.state_dict()
    del sd['out.bias']
    sd['extra'] = minigrad.zeros(1)
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ['out.bias'] and result.unexpected_keys == ['extra']
    sd['out.weight'] = minigrad.zeros(9)
    with pytest.raises(RuntimeError, match='size mismatch for out.weight'):
        m.load_state_dict(sd, strict=False)


def test_train_eval_propagate():
    m = nn.Sequential(TwoLayer(), nn.Dropout(0.5))
    assert m.training and m[1].training
    assert m.eval() is m
    assert not any(mod.training for mod in m.modules())
    m.train()
    assert all(mod.training for mod in m.modules())
    with pytest.raises(ValueError):
        m.train('yes')


def test_zero_grad_set_to_none_and_zeros():
    m = TwoLayer()
    m(minigrad.rand(5, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_apply_visits_children_first():
    m = TwoLayer()
    seen = []
    assert m.apply(lambda mod: seen.append(type(mod).__name__)) is m
    assert seen == ['Linear', 'Linear', 'TwoLayer']

    def init_weights(mod):
        if type(mod) is nn.Linear:
            nn.init.constant_(mod.weight, 0.5)
            nn.init.zeros_(mod.bias)

    m.apply(init_weights)
    assert float(m.hidden.weight.sum()) == 0.5 * 12


def test_double_and_float_keep_parameter_objects_and_move_grads():
    m = TwoLayer()
    weight = m.hidden.weight
    opt = minigrad.optim.SGD(m.parameters(), lr=0.1)
    m(minigrad.rand(3, 4)).sum().backward()
    assert m.double() is m
    assert m.hidden.weight is weight and weight.dtype == minigrad.float64
    assert weight.grad.dtype == minigrad.float64
    assert m.steps.dtype == minigrad.float64
    before = weight.detach().numpy().copy()
    opt.step()
    assert not np.array_equal(before, weight.detach().numpy())
    m.float()
    assert weight.dtype == minigrad.float32
    out = m(minigrad.rand(3, 4))
    assert out.dtype == minigrad.float32


def test_to_keeps_integer_buffers_and_refuses_integer_dtype():
    m = nn.Module()
    m.register_buffer('count', minigrad.tensor([1, 2]))
    m.to(minigrad.float64)
    assert m.count.dtype == minigrad.int64
    with pytest.raises(TypeError, match='floating'):
        m.to(minigrad.int32)
    assert m.to('cpu') is m


def test_requires_grad_toggle():
    m = TwoLayer().requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_repr_of_a_tree():
    m = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10))
    assert repr(m) == ('Sequential(\n'
                       '  (0): Flatten(start_dim=1, end_dim=-1)\n'
                       '  (1): Linear(in_features=784, out_features=256, bias=True)\n'
                       '  (2): ReLU()\n'
                       '  (3): Dropout(p=0.2, inplace=False)\n'
                       '  (4): Linear(in_features=256, out_features=10, bias=True)\n'
                       ')')
    nested = nn.Sequential(nn.Sequential(nn.Tanh()), nn.Sigmoid())
    assert repr(nested) == ('Sequential(\n  (0): Sequential(\n    (0): Tanh()\n  )\n  (1): Sigmoid()\n)')


def test_add_module_and_register_parameter_validate_names():
    m = nn.Module()
    m.add_module('block', nn.ReLU())
    m.register_parameter('scale', nn.Parameter(minigrad.ones(1)))
    assert m.block is m._modules['block'] and m.scale is m._parameters['scale']
    with pytest.raises(KeyError):
        m.add_module('a.b', nn.ReLU())
    with pytest.raises(TypeError):
        m.register_parameter('w', minigrad.ones(1))
    with pytest.raises(TypeError):
        m.add_module('x', 3)
    assert m.get_submodule('block') is m.block


def test_deepcopy_and_pickle_round_trip():
    m = TwoLayer()
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert isinstance(clone.hidden.weight, nn.Parameter)
        assert clone.hidden.weight is not m.hidden.weight
        np.testing.assert_array_equal(clone.hidden.weight.detach().numpy(), m.hidden.weight.detach().numpy())
        x = minigrad.rand(2, 4)
        np.testing.assert_allclose(clone(x).detach().numpy(), m(x).detach().numpy())
