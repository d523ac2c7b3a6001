"""Idiom cross-checks: each program is written once against `lib` (minigrad or torch) and run with both.

An idiom returns a value made of tensors, numbers, strings, tuples, lists and dicts; `check_idiom`
runs it with both libraries and compares the results leaf by leaf: tensors by shape, dtype name and
values (within a tolerance), everything else by equality. Where a program needs random numbers it
draws them from NumPy and hands them to `lib.tensor`, so both runs see the same data; models get
their parameters from `set_params`, so both start from the same weights.
"""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip('torch')

LIBS = {'minigrad': minigrad, 'torch': torch}


def _dtype_name(d):
    return str(d).rsplit('.', 1)[-1]


def _leaf(x, lib):
    if isinstance(x, (lib.Tensor,)):
        return ('<tensor>', tuple(x.shape), _dtype_name(x.dtype), x.detach().cpu().numpy().copy())
    if type(x).__name__ == 'Size':
        return ('<size>', tuple(x))
    if isinstance(x, lib.dtype):
        return ('<dtype>', _dtype_name(x))
    if isinstance(x, np.ndarray):
        return ('<ndarray>', x.shape, str(x.dtype), x)
    if isinstance(x, str):  # reprs and dtype names: the library's own name is the only allowed difference
        return x.replace('minigrad', 'torch')
    return x


def normalise(x, lib):
    if isinstance(x, dict):
        return {k: normalise(v, lib) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and type(x).__name__ != 'Size':
        return type(x)(normalise(v, lib) for v in x) if not hasattr(x, '_fields') else tuple(normalise(v, lib) for v in x)
    return _leaf(x, lib)


def compare(a, b, path='result', rtol=1e-5, atol=1e-6):
    if isinstance(a, dict) or isinstance(b, dict):
        assert isinstance(a, dict) and isinstance(b, dict), f"{path}: {type(a)} vs {type(b)}"
        assert list(a) == list(b), f"{path}: keys {list(a)} vs {list(b)}"
        for k in a:
            compare(a[k], b[k], f"{path}[{k!r}]", rtol, atol)
        return
    if isinstance(a, tuple) and a and a[0] in ('<tensor>', '<ndarray>'):
        assert isinstance(b, tuple) and b and b[0] == a[0], f"{path}: minigrad gave {a[0]}, torch {b!r:.200}"
        assert a[1] == b[1], f"{path}: shape {a[1]} vs torch {b[1]}"
        assert a[2] == b[2], f"{path}: dtype {a[2]} vs torch {b[2]}"
        if a[3].dtype.kind in 'fc':
            np.testing.assert_allclose(a[3], b[3], rtol=rtol, atol=atol, err_msg=path)
        else:
            np.testing.assert_array_equal(a[3], b[3], err_msg=path)
        return
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        assert isinstance(b, (list, tuple)) and isinstance(a, (list, tuple)), f"{path}: {a!r:.200} vs {b!r:.200}"
        assert len(a) == len(b), f"{path}: length {len(a)} vs torch {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(a, float) or isinstance(b, float):
        assert type(a) is type(b), f"{path}: {type(a).__name__} {a!r} vs torch {type(b).__name__} {b!r}"
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=path)
        return
    assert type(a) is type(b) and a == b, f"{path}: {a!r} ({type(a).__name__}) vs torch {b!r} ({type(b).__name__})"


def check_idiom(fn, rtol=1e-5, atol=1e-6):
    expected = normalise(fn(torch), torch)
    got = normalise(fn(minigrad), minigrad)
    compare(got, expected, rtol=rtol, atol=atol)


def set_params(model, lib, seed=0, scale=0.3):
    """Give `model` deterministic parameters (NumPy draws in named_parameters order)."""
    rng = np.random.default_rng(seed)
    with lib.no_grad():
        for _, p in model.named_parameters():
            p.copy_(lib.tensor(rng.standard_normal(tuple(p.shape)).astype(np.float32) * scale))
    return model


def data(seed, *shape, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def idioms(module_globals):
    """The idiom_* functions of a test module, for parametrize.

    A module's ``GAPS`` dict names the idioms minigrad does not run yet: ``{name: (exception, reason)}``.
    Those are expected to fail with that exception only (any other failure still fails the test), and
    pass silently once the gap is closed.
    """
    gaps = module_globals.get('GAPS', {})
    out = []
    for name, f in module_globals.items():
        if name.startswith('idiom_') and callable(f):
            short = name[len('idiom_'):]
            marks = ()
            if short in gaps:
                exc, reason = gaps[short]
                marks = (pytest.mark.xfail(raises=exc, reason=reason, strict=False),)
            out.append(pytest.param(f, id=short, marks=marks))
    return out
