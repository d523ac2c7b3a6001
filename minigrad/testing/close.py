"""``minigrad.testing.assert_close``: ``torch.testing.assert_close`` with its tolerances per dtype, its
checks (shape, device, dtype) and its messages.

Tensors (and NumPy arrays), Python numbers, sequences and mappings of them are compared, recursively.
Default tolerances, from ``actual``'s dtype (``|actual - expected| <= atol + rtol * |expected|``):

=========================  ========  ======
dtype                      rtol      atol
=========================  ========  ======
float16                    1e-3      1e-5
bfloat16                   1.6e-2    1e-5
float32, complex64         1.3e-6    1e-5
float64, complex128        1e-7      1e-7
integers, bool             0         0
=========================  ========  ======
"""
import collections.abc
import math

import numpy

from .. import backend
from ..tensor import Tensor

_TOLERANCES = {'float16': (1e-3, 1e-5), 'bfloat16': (1.6e-2, 1e-5), 'float32': (1.3e-6, 1e-5),
               'float64': (1e-7, 1e-7), 'complex64': (1.3e-6, 1e-5), 'complex128': (1e-7, 1e-7)}


def default_tolerances(dtype):
    """``(rtol, atol)`` that ``assert_close`` uses for ``dtype`` when none are given."""
    return _TOLERANCES.get(numpy.dtype(dtype).name, (0.0, 0.0))


class _Mismatch(Exception):
    def __init__(self, message, kind=AssertionError):
        super().__init__(message)
        self.kind = kind


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close (see the module docstring).

    ``msg`` replaces the message (a string, or a callable taking the generated message).
    ``check_layout`` and ``check_stride`` are accepted for PyTorch's signature; minigrad tensors are all
    strided and contiguous, so there is nothing to check.
    """
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'atol' if atol is None else 'rtol'}.")
    try:
        _compare(actual, expected, [], dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                                            check_dtype=check_dtype))
    except _Mismatch as failure:
        message = str(failure)
        if failure.kind is AssertionError and msg is not None:
            message = msg(message) if callable(msg) else msg
        raise failure.kind(message) from None


def _is_array(x):
    return isinstance(x, Tensor) or isinstance(x, backend.ndarray) or (
        hasattr(x, '__array_namespace_minigrad__') or type(x).__module__.startswith('cupy'))


def _where(path):
    return '' if not path else '\n\nThe failure occurred for item ' + ''.join(f'[{k!r}]' for k in path)


def _compare(actual, expected, path, options):
    if _is_array(actual) and _is_array(expected):
        return _compare_arrays(actual, expected, path, options)
    numbers = (bool, int, float, complex)
    if isinstance(actual, numbers) and isinstance(expected, numbers) and not _is_array(actual):
        return _compare_numbers(actual, expected, path, options)
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            lines = ["The keys of the mappings do not match:"]
            if missing:
                lines.append(f"Missing keys in the actual mapping: {sorted(missing, key=repr)}")
            if extra:
                lines.append(f"Extra keys in the actual mapping: {sorted(extra, key=repr)}")
            raise _Mismatch('\n'.join(lines) + _where(path))
        for key in expected:
            _compare(actual[key], expected[key], path + [key], options)
        return
    sequence = (collections.abc.Sequence,)
    if isinstance(actual, sequence) and isinstance(expected, sequence) and \
            not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
                            + _where(path))
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, path + [i], options)
        return
    raise _Mismatch(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}." + _where(path), TypeError)


def _tolerances(dtype, options):
    if options['rtol'] is not None:
        return options['rtol'], options['atol']
    return default_tolerances(dtype)


def _compare_numbers(actual, expected, path, options):
    if options['check_dtype'] and type(actual) is not type(expected):
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}." + _where(path))
    kind = complex if complex in (type(actual), type(expected)) else \
        float if float in (type(actual), type(expected)) else int
    rtol, atol = _tolerances('complex128' if kind is complex else 'float64' if kind is float else 'int64',
                             options)
    if _close(actual, expected, rtol, atol, options['equal_nan']):
        return
    diff = abs(actual - expected)
    rel = diff / abs(expected) if expected != 0 else (math.nan if diff != diff else math.inf)
    raise _Mismatch(_scalar_message(actual, expected, diff, rel, rtol, atol) + _where(path))


def _close(a, e, rtol, atol, equal_nan):
    if a == e:
        return True
    if a != a or e != e:
        return bool(equal_nan and a != a and e != e)
    if math.isinf(abs(a)) or math.isinf(abs(e)):
        return False
    return abs(a - e) <= atol + rtol * abs(e)


def _scalar_message(actual, expected, diff, rel, rtol, atol):
    exact = rtol == 0 and atol == 0
    return (f"Scalars are not {'equal' if exact else 'close'}!\n\n"
            f"Expected {expected} but got {actual}.\n"
            f"Absolute difference: {diff}" + ('' if exact else f" (up to {atol} allowed)") + "\n"
            f"Relative difference: {rel}" + ('' if exact else f" (up to {rtol} allowed)"))


def _dtype_name(dtype):
    return f'minigrad.{numpy.dtype(dtype).name}'


def _compare_arrays(actual, expected, path, options):
    a_dev = actual.device if isinstance(actual, Tensor) else backend.device_of(actual)
    e_dev = expected.device if isinstance(expected, Tensor) else backend.device_of(expected)
    a = backend.to_host(actual._array if isinstance(actual, Tensor) else actual)
    e = backend.to_host(expected._array if isinstance(expected, Tensor) else expected)
    if a.shape != e.shape:
        from ..tensor import Size
        raise _Mismatch(f"The values for attribute 'shape' do not match: {Size(a.shape)!r} != "
                        f"{Size(e.shape)!r}." + _where(path))
    if options['check_device'] and a_dev != e_dev:
        raise _Mismatch(f"The values for attribute 'device' do not match: {a_dev} != {e_dev}." + _where(path))
    if a.dtype != e.dtype:
        if options['check_dtype']:
            raise _Mismatch(f"The values for attribute 'dtype' do not match: {_dtype_name(a.dtype)} != "
                            f"{_dtype_name(e.dtype)}." + _where(path))
        common = numpy.promote_types(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    rtol, atol = _tolerances(a.dtype, options)
    if a.dtype.kind in 'biu':
        # integer differences in int64 (bool as int), relative ones in the default float dtype
        diff_dtype, rel_dtype = numpy.int64, backend.get_default_dtype()
        ai, ei = a.astype(numpy.int64), e.astype(numpy.int64)
        ok = numpy.abs(ai - ei) <= atol + rtol * numpy.abs(ei)
        diff = numpy.abs(ai - ei).astype(diff_dtype)
        with numpy.errstate(divide='ignore', invalid='ignore'):
            rel = (diff.astype(rel_dtype) / numpy.abs(ei).astype(rel_dtype))
    else:
        with numpy.errstate(invalid='ignore', over='ignore'):
            same = a == e
            finite = numpy.isfinite(a) & numpy.isfinite(e)
            diff = numpy.abs(a - e)
            ok = same | (finite & (diff <= atol + rtol * numpy.abs(e)))
            if options['equal_nan']:
                ok |= numpy.isnan(a) & numpy.isnan(e)
            with numpy.errstate(divide='ignore'):
                rel = diff / numpy.abs(e)
    if bool(ok.all()):
        return
    exact = rtol == 0 and atol == 0
    if a.ndim == 0:  # PyTorch reports 0-d differences computed on the Python numbers
        x, y = a.item(), e.item()
        if isinstance(x, bool):
            x, y = int(x), int(y)
        d = abs(x - y)
        r = d / abs(y) if y != 0 else (math.nan if d != d else math.inf)
        raise _Mismatch(_scalar_message(a.item(), e.item(), d, r, rtol, atol) + _where(path))
    bad = ~ok
    n_bad, total = int(bad.sum()), a.size
    masked_diff = numpy.where(bad, diff, 0)
    masked_rel = numpy.where(bad, rel, 0)
    i_abs = _argmax(masked_diff)
    i_rel = _argmax(masked_rel)
    lines = [f"Tensor-likes are not {'equal' if exact else 'close'}!", '',
             f"Mismatched elements: {n_bad} / {total} ({100 * n_bad / total:.1f}%)",
             f"Greatest absolute difference: {masked_diff[i_abs].item()} at index {i_abs}"
             + ('' if exact else f" (up to {atol} allowed)"),
             f"Greatest relative difference: {masked_rel[i_rel].item()} at index {i_rel}"
             + ('' if exact else f" (up to {rtol} allowed)")]
    raise _Mismatch('\n'.join(lines) + _where(path))


def _argmax(values):
    """The index of the largest value, NaN counting as largest (as PyTorch reports it)."""
    flat = values.reshape(-1)
    nan = numpy.isnan(flat) if flat.dtype.kind in 'fc' else numpy.zeros(flat.shape, bool)
    pos = int(numpy.argmax(nan)) if nan.any() else int(numpy.argmax(flat))
    return tuple(int(i) for i in numpy.unravel_index(pos, values.shape))
