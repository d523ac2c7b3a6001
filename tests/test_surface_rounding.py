"""The rounding family against PyTorch: rounding steps (zero gradient), fmod/remainder sign rules,
clamp with tensor bounds (their gradient), lerp/addcmul/addcdiv, the add*mm family (beta=0 ignores
input), nan_to_num, predicates, isclose, heaviside, copysign, hypot, logaddexp, xlogy, float_power."""
import numpy
import pytest

import minigrad
from surface_compare import check

pytestmark = pytest.mark.torch

rng = numpy.random.default_rng(1)
X = rng.standard_normal((3, 5)) * 3
Y = rng.standard_normal((3, 5)) * 2
P = rng.uniform(0.5, 2, (3, 5))
I = rng.integers(-7, 8, (3, 4))
J = rng.integers(1, 4, (3, 4)) * numpy.sign(rng.standard_normal((3, 4))).astype(int)
H = numpy.array([0.5, 1.5, 2.5, -0.5, -1.5, 0.0, 2.675])
NI = numpy.array([numpy.nan, numpy.inf, -numpy.inf, 1.0, -2.0])
A = rng.standard_normal((3, 4))
B = rng.standard_normal((4, 2))
C = rng.standard_normal((3, 2))
Bt = rng.standard_normal((2, 3, 4))
Bu = rng.standard_normal((2, 4, 2))
CASES = {
 'sign floor ceil trunc':(lambda m,x: (m.sign(x), m.floor(x), x.ceil(), m.trunc(x), x.sgn(), m.fix(x)),[X]),
 'round half even':(lambda m,x: (m.round(x), x.round()),[H]),
 'round decimals':(lambda m,x: m.round(x, decimals=1),[X]),
 'round int':(lambda m,x: (m.round(x), m.floor(x), m.sign(x)),[I]),
 'frac':(lambda m,x: m.frac(x),[X]),
 'fmod remainder':(lambda m,a,b: (m.fmod(a,b), m.remainder(a,b), a % b, a % 2.5, m.remainder(a,-1.5), m.fmod(a,-1.5)),[X,Y]),
 'rmod':(lambda m,a: 7.0 % a,[Y], {'grad': False}),  # torch: no derivative
 'int remainder':(lambda m,a,b: (m.remainder(a,b), m.fmod(a,b), a % 3, a % -3, m.remainder(a, 2.5)),[I,J]),
 'clamp tensor bounds':(lambda m,x,lo,hi: m.clamp(x, lo, hi),[X, -numpy.abs(Y), numpy.abs(Y)]),
 'clamp tensor min only':(lambda m,x,lo: (m.clamp(x, min=lo), x.clamp_min(lo), m.clip(x, lo)),[X, Y]),
 'clamp min>max':(lambda m,x,lo,hi: m.clamp(x, lo, hi),[X, numpy.abs(Y)+1, -numpy.abs(Y)]),
 'clamp numbers':(lambda m,x: (x.clamp_min(0.5), x.clamp_max(-0.5), m.clamp_min(x, 0)),[X]),
 'lerp':(lambda m,a,b,w: (m.lerp(a,b,0.3), a.lerp(b,w)),[X,Y,P]),
 'addcmul addcdiv':(lambda m,a,b,c: (m.addcmul(a,b,c,value=0.5), a.addcdiv(b,c,value=-2), m.addcdiv(a,b,c)),[X,Y,P]),
 'addmm':(lambda m,c,a,b: (m.addmm(c,a,b), m.addmm(c,a,b,beta=0.5,alpha=2), c.addmm(a,b,beta=0)),[C,A,B]),
 'addmm broadcast':(lambda m,c,a,b: m.addmm(c,a,b),[C[0],A,B]),
 'addmv':(lambda m,c,a,b: m.addmv(c,a,b,alpha=3),[C[:,0],A,B[:,0]]),
 'addbmm baddbmm':(lambda m,c,a,b,d: (m.addbmm(c,a,b), m.baddbmm(d,a,b,beta=2,alpha=0.5)),[C,Bt,Bu,numpy.stack([C,C])]),
 'addr':(lambda m,c,a,b: m.addr(c,a,b,alpha=2),[C,A[:,0],B[0]]),
 'nan_to_num':(lambda m,x: (m.nan_to_num(x), m.nan_to_num(x,nan=1.0,posinf=2.0,neginf=-3.0)),[NI]),
 'nan_to_num float32':(lambda m,x: m.nan_to_num(x.float()),[NI]),
 'predicates':(lambda m,x: (m.isnan(x), m.isinf(x), m.isfinite(x), m.isposinf(x), m.isneginf(x), x.isnan(), m.signbit(x)),[NI]),
 'predicates int':(lambda m,x: (m.isnan(x), m.isinf(x), m.isfinite(x)),[I]),
 'isclose':(lambda m,a,b: (m.isclose(a,b), m.isclose(a,b,equal_nan=True), m.isclose(a, a+1e-9)),[NI, numpy.array([numpy.nan, numpy.inf, numpy.inf, 1.0+1e-7, -2.1])]),
 'heaviside':(lambda m,x,v: m.heaviside(x,v),[numpy.array([-1.0,0.0,2.0]), numpy.array([0.5])], {'grad': False}),
 'copysign':(lambda m,a,b: (m.copysign(a,b), m.copysign(a,-1.0)),[X,Y]),
 'hypot':(lambda m,a,b: m.hypot(a,b),[X,Y]),
 'logaddexp':(lambda m,a,b: (m.logaddexp(a*100,b), m.logaddexp2(a,b)),[X,Y]),
 'xlogy':(lambda m,a,b: (m.xlogy(a,b), m.xlogy(a*0,b)),[X,P]),
 'xlogy zero':(lambda m,a,b: m.xlogy(a,b),[numpy.array([0.0, 1.0, 2.0]), numpy.array([0.0, 0.5, 3.0])]),
 'float_power':(lambda m,a,b: (m.float_power(a,2), m.float_power(a.float(),b), m.float_power(a, 0.5)),[P,Y]),
 'float_power int':(lambda m,a: m.float_power(a, 2),[I]),
}

@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_torch(name):
    fn, arrays, *options = CASES[name]
    check(fn, *arrays, **(options[0] if options else {}))


def test_clamp_tensor_bounds_receive_gradients():
    x = minigrad.tensor([-2.0, 0.0, 2.0], requires_grad=True)
    lo = minigrad.tensor([-1.0, -1.0, -1.0], requires_grad=True)
    hi = minigrad.tensor([1.0, 1.0, 1.0], requires_grad=True)
    minigrad.clamp(x, lo, hi).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0] and hi.grad.tolist() == [0.0, 0.0, 1.0]


def test_in_place_forms():
    x = minigrad.tensor(X.copy())
    assert x.floor_() is x and numpy.array_equal(x.numpy(), numpy.floor(X))
    y = minigrad.tensor(X.copy())
    y.clamp_(minigrad.tensor(-1.0), minigrad.tensor(1.0))
    numpy.testing.assert_array_equal(y.numpy(), numpy.clip(X, -1, 1))


def test_integer_remainder_by_zero_raises():
    with pytest.raises(RuntimeError, match='ZeroDivisionError'):
        minigrad.remainder(minigrad.tensor([1, 2]), 0)
