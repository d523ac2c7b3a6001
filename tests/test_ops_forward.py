"""Every op of the table against its NumPy reference, in float64 and float32 (values, shape, dtype)."""
import numpy
import pytest
from hypothesis import given, strategies as st

import minigrad
from minigrad.testing.op_table import OPS

SPECS = list(OPS.values())


def _run(spec, case):
    out = spec.call(minigrad, *case.tensors(minigrad), **case.kwargs)
    return out.detach().numpy()


@pytest.mark.parametrize('spec', SPECS, ids=lambda s: s.name)
@given(data=st.data())
def test_forward_matches_numpy_float64(spec, data):
    case = data.draw(spec.cases, label='case')
    got = _run(spec, case)
    expected = numpy.asarray(spec.reference(*case.arrays, **case.kwargs))
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    numpy.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('spec', SPECS, ids=lambda s: s.name)
@given(data=st.data())
def test_forward_float32_keeps_dtype(spec, data):
    case = data.draw(spec.cases, label='case')
    small = case.astype(numpy.float32)
    got = _run(spec, small)
    # NumPy's dtype on float32 inputs is PyTorch's too (Python scalars do not promote);
    # the values are compared with the float64 reference at float32 precision.
    assert got.dtype == numpy.asarray(spec.reference(*small.arrays, **small.kwargs)).dtype
    expected = numpy.asarray(spec.reference(*case.arrays, **case.kwargs))
    numpy.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-5)
