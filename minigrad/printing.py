"""How tensors print: PyTorch's rules (``torch._tensor_str``) on a host array's values.

One formatter per tensor decides, from the finite non-zero values (of the summarised data when the
tensor is summarised), between integer mode (``1.``), fixed point (``1.2500``) and scientific notation
(``1.0000e-05``), and the width every element is padded to; rows wrap at ``linewidth``; tensors with
more than ``threshold`` elements show ``edgeitems`` items at each end of every dimension.
``set_printoptions`` takes PyTorch's arguments and profiles.
"""
import math

__all__ = ['set_printoptions', 'get_printoptions']


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {'default': (4, 1000, 3, 80), 'short': (2, 1000, 2, 80), 'full': (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """PyTorch's print options: digits after the point, the element count above which tensors are
    summarised, the items kept at each end, the line width, a profile ('default', 'short', 'full'),
    and ``sci_mode`` (True/False forces scientific notation on or off; None decides per tensor)."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    return {k: getattr(PRINT_OPTS, k) for k in ('precision', 'threshold', 'edgeitems', 'linewidth', 'sci_mode')}


class _Formatter:
    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = PRINT_OPTS.precision
        if not floating:
            for v in values:
                self.max_width = max(self.max_width, len(f'{v}'))
        else:
            nonzero = [v for v in values if math.isfinite(v) and v != 0]
            if nonzero:
                absolute = [abs(v) for v in nonzero]
                lo, hi = min(absolute), max(absolute)
                self.int_mode = all(v == math.ceil(v) for v in nonzero)
                self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
                if PRINT_OPTS.sci_mode is not None:
                    self.sci_mode = PRINT_OPTS.sci_mode
                if self.sci_mode:
                    self.max_width = max(len(f'{v:.{p}e}') for v in nonzero)
                elif self.int_mode:
                    self.max_width = max(len(f'{v:.0f}') + 1 for v in nonzero)
                else:
                    self.max_width = max(len(f'{v:.{p}f}') for v in nonzero)
                return
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode

    def format(self, v):
        p = PRINT_OPTS.precision
        if self.floating:
            if self.sci_mode:
                s = f'{v:{self.max_width}.{p}e}'
            elif self.int_mode:
                s = f'{v:.0f}'
                if math.isfinite(v):
                    s += '.'
            else:
                s = f'{v:.{p}f}'
        else:
            s = f'{v}'
        return (self.max_width - len(s)) * ' ' + s


def _summarised(values, shape):
    """The nested lists ``values`` reduced to ``edgeitems`` at each end of every long dimension."""
    if len(shape) == 0:
        return values
    e = PRINT_OPTS.edgeitems
    if shape[0] > 2 * e:
        keep = values[:e] + values[-e:] if e else []
    else:
        keep = values
    return [_summarised(v, shape[1:]) for v in keep] if len(shape) > 1 else keep


def _flat(values, ndim):
    if ndim == 0:
        return [values]
    if ndim == 1:
        return list(values)
    return [x for v in values for x in _flat(v, ndim - 1)]


def _vector(values, indent, summarize, fmt):
    element_length = fmt.max_width + 2
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / element_length)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ['...']
    elif summarize and len(values) > 2 * e:
        data = [fmt.format(v) for v in values[:e]] + [' ...'] + [fmt.format(v) for v in values[-e:]]
    else:
        data = [fmt.format(v) for v in values]
    lines = [', '.join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return '[' + (',' + '\n' + ' ' * (indent + 1)).join(lines) + ']'


def _nested(values, ndim, indent, summarize, fmt):
    if ndim == 0:
        return fmt.format(values)
    if ndim == 1:
        return _vector(values, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and len(values) > 2 * e:
        slices = ([_nested(v, ndim - 1, indent + 1, summarize, fmt) for v in values[:e]] + ['...'] +
                  [_nested(v, ndim - 1, indent + 1, summarize, fmt) for v in values[-e:]])
    else:
        slices = [_nested(v, ndim - 1, indent + 1, summarize, fmt) for v in values]
    return '[' + (',' + '\n' * (ndim - 1) + ' ' * (indent + 1)).join(slices) + ']'


def tensor_str(array, indent):
    """The body of ``tensor(...)`` for a host array (NumPy), ``indent`` columns in."""
    if array.size == 0:
        return '[]'
    summarize = array.size > PRINT_OPTS.threshold
    kind = array.dtype.kind
    values = array.tolist()
    shape = array.shape
    fmt_values = _summarised(values, shape) if summarize else values
    fmt = _Formatter(_flat(fmt_values, len(shape)), floating=kind in 'fc')
    return _nested(values, len(shape), indent, summarize, fmt)


def add_suffixes(text, suffixes, indent):
    """``text`` closed with ``, suffix`` items, wrapped to a new line where the line would pass linewidth."""
    parts = [text]
    last_line_len = len(text) - text.rfind('\n') + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(',\n' + ' ' * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(', ' + suffix)
            last_line_len += len(suffix) + 2
    parts.append(')')
    return ''.join(parts)
