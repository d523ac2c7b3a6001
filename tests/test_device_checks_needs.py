"""The device checks' ``needs()`` fails a test whose module or name is missing; it never skips it."""
import pytest

from device_checks import needs


def test_a_missing_name_fails_instead_of_skipping():
    with pytest.raises(pytest.fail.Exception, match='minigrad.optim has no NoSuchOptimizer'):
        needs('minigrad.optim', 'SGD', 'NoSuchOptimizer')
    with pytest.raises(pytest.fail.Exception, match='minigrad.no_such_module cannot be imported'):
        needs('minigrad.no_such_module')
    assert needs('minigrad.optim', 'SGD').SGD
