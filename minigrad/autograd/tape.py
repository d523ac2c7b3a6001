"""The tape: a text listing of the graph behind a tensor, to study what the engine records.

::

    >>> x = minigrad.randn(2, 3, requires_grad=True)
    >>> y = (x.exp() * x).sum()
    >>> print(tape(y))
    graph of a tensor of shape () float32: 3 ops, 1 leaf, 48 B saved for backward
     #  op    output          inputs  saved for backward
     0  leaf  (2, 3) float32  -       -
     1  Exp   (2, 3) float32  0       output (2, 3) float32 24 B
     2  Mul   (2, 3) float32  1, 0    input 0 (2, 3) float32 24 B; input 1 (2, 3) float32 24 B
     3  Sum   () float32      2       -

Rows are in topological order (inputs before the ops that use them); ``inputs`` are the row numbers
of the inputs that need a gradient (constants and other arguments are not listed). "Saved for
backward" lists what ``backward`` will read: the arrays saved with ``save_for_backward`` (an input,
the output, or a constant) and the arrays kept as ``ctx`` attributes (masks, indices), with their
bytes; an array saved by two ops counts once in the total. After ``backward()`` without
``retain_graph`` everything a node kept for its backward is released and the row says ``freed``.
The walk uses an explicit stack, so a graph of any depth prints.
"""
from ..tensor import Tensor
from .function import NODE_FIELDS, saved_roles

__all__ = ['tape', 'print_tape']


def walk(root):
    """Nodes and leaves reachable from ``root``, each after all of its inputs (iterative DFS)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        if not isinstance(node, Tensor):
            for parent in reversed(node.parents):
                if parent is not None and id(parent) not in seen:
                    stack.append((parent, False))
    return order


def _arrays_in(value):
    """The arrays in a ctx attribute: an array itself, or those inside a tuple/list (an index)."""
    if hasattr(value, 'nbytes') and hasattr(value, 'shape'):
        return [value]
    if isinstance(value, (tuple, list)):
        return [v for v in value if hasattr(v, 'nbytes') and hasattr(v, 'shape')]
    return []


def _describe(array):
    return f"{tuple(array.shape)} {array.dtype} {_bytes(array.nbytes)}"


def _bytes(n):
    for unit in ('B', 'kB', 'MB'):
        if n < 1000 or unit == 'MB':
            return f"{n:.0f} {unit}" if unit == 'B' else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _kept_arrays(node):
    """``(what, array)`` for every array ``node`` keeps for backward; Python scalars as ``(what, value)``."""
    kept = []
    if node.saved_tensors:
        for value, role in zip(node.saved_tensors, saved_roles(node)):
            if value is not None:  # None: a slot the op left empty (that gradient was not needed)
                kept.append(('output' if role == -1 else 'constant' if role is None else f'input {role}',
                             value))
    for name, value in vars(node).items():
        if name not in NODE_FIELDS:
            kept.extend((f'ctx.{name}', array) for array in _arrays_in(value))
    return kept


def _new_bytes(kept, counted):
    """Bytes of the arrays in ``kept`` not already ``counted`` (an array saved twice counts once)."""
    total = 0
    for _, value in kept:
        if hasattr(value, 'nbytes') and id(value) not in counted:
            counted.add(id(value))
            total += value.nbytes
    return total


def _row(number, node, rows_of, kept):
    if isinstance(node, Tensor):
        a = node._array
        note = '' if node.grad is None else f' (grad {tuple(node.grad.shape)})'
        return [str(number), 'leaf', f"{tuple(a.shape)} {a.dtype}", '-', '-' + note]
    inputs = ', '.join(str(rows_of[id(p)]) for p in node.parents if p is not None)
    parts = [f"{what} {_describe(v)}" if hasattr(v, 'nbytes') else f"{what} {v!r}" for what, v in kept]
    saved = '; '.join(parts) if parts else '-'
    if node._freed:
        saved = 'freed'  # the engine drops saved arrays and ctx attributes together
    return [str(number), type(node).__name__, f"{tuple(node.out_shape)} {node.out_dtype}", inputs, saved]


def tape(tensor, limit=40):
    """The graph that produced ``tensor``, one row per op or leaf, as text (see the module docstring).

    ``limit``: at most this many rows are shown (the first and last halves, with a count of those
    left out); ``None`` shows every row. The header always counts every op, leaf and saved byte.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"tape() takes a Tensor, got {type(tensor).__name__}")
    a = tensor._array
    if not tensor._requires_grad:
        return (f"tensor of shape {tuple(a.shape)} {a.dtype} with no graph: it does not require grad "
                "(no input had requires_grad=True, or it was computed under no_grad)")
    order = walk(tensor.grad_fn if tensor.grad_fn is not None else tensor)
    rows_of = {id(node): k for k, node in enumerate(order)}
    shown = set(range(len(order)))
    if limit is not None and len(order) > limit:
        half = max(limit // 2, 1)
        shown = set(range(half)) | set(range(len(order) - half, len(order)))
    counted, total, rows = set(), 0, []
    for k, node in enumerate(order):
        kept = [] if isinstance(node, Tensor) else _kept_arrays(node)
        total += _new_bytes(kept, counted)
        if k in shown:
            rows.append(_row(k, node, rows_of, kept))
        elif k - 1 in shown:
            rows.append(['...', f'{len(order) - len(shown)} rows left out (tape(t, limit=None) shows all)',
                         '', '', ''])
    leaves = sum(isinstance(node, Tensor) for node in order)
    ops = len(order) - leaves
    header = (f"graph of a tensor of shape {tuple(a.shape)} {a.dtype}: {ops} op{'s' * (ops != 1)}, "
              f"{leaves} lea{'ves' if leaves != 1 else 'f'}, {_bytes(total)} saved for backward")
    table = [['#', 'op', 'output', 'inputs', 'saved for backward']] + rows
    widths = [max(len(r[c]) for r in table if r[0] != '...') for c in range(4)]
    lines = [header]
    for r in table:
        if r[0] == '...':
            lines.append(f" ... {r[1]}")
        else:
            lines.append(' ' + '  '.join(cell.ljust(w) for cell, w in zip(r, widths)) + '  ' + r[4])
    return '\n'.join(line.rstrip() for line in lines)


def print_tape(tensor, limit=40):
    """Print :func:`tape` of ``tensor``."""
    print(tape(tensor, limit))
