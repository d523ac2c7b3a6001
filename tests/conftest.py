"""Shared test configuration: hypothesis profiles and the optional-dependency markers.

Profiles (choose with HYPOTHESIS_PROFILE=...): ``dev`` (default, quick), ``ci`` (what .ci/run uses,
bounded so that `make test` stays well inside CI's time), ``thorough`` (many more examples, on demand).
"""
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile('dev', max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile('ci', max_examples=40, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile('thorough', max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE', 'dev'))


def _torch_available():
    try:
        import torch  # noqa: F401
        return True
    except Exception:
        return False


TORCH = _torch_available()
IN_CI = os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def pytest_collection_modifyitems(config, items):
    _skip_torch_tests(items)
    _skip_gpu_tests(items)


def _skip_gpu_tests(items):
    """Tests marked `gpu` skip cleanly without CuPy or without a CUDA device, saying which."""
    from minigrad import backend
    reason = backend.cuda_unavailable_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"no CUDA: {reason}")
    for item in items:
        if item.get_closest_marker('gpu') is not None:
            item.add_marker(skip)


def _skip_torch_tests(items):
    """Tests marked `torch` skip cleanly without torch, except in CI, where torch must be there."""
    if TORCH:
        return
    if IN_CI:
        raise pytest.UsageError("CI=true but torch is not installed: `make test` installs torch==2.13.0 "
                                "for the cross-checks when CI=true; run it through `make test`")
    skip = pytest.mark.skip(reason="torch is not installed (pip install torch==2.13.0 for cross-checks)")
    for item in items:
        if 'torch' in item.keywords:
            item.add_marker(skip)
