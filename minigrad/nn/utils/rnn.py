"""``nn.utils.rnn``: batching sequences of different lengths (``pad_sequence``)."""
from ... import backend, conversion
from ...tensor import Tensor
from ...functions import shape as _shape

__all__ = ['pad_sequence']


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
    """Stack tensors of shape (L_i, *) into one padded tensor: (L_max, B, *) or, with
    ``batch_first=True``, (B, L_max, *); missing positions hold ``padding_value`` (on the right, or on
    the left with ``padding_side='left'``). Differentiable with respect to every sequence."""
    if isinstance(sequences, Tensor):
        sequences = [sequences[i] for i in range(sequences.shape[0])]
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    if padding_side not in ('right', 'left'):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences:
        if s.ndim == 0 or tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: every sequence must have shape (L, {', '.join(map(str, trailing))})"
                               f" with the same trailing dimensions, got {tuple(s.shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            xp = backend.array_module(s._array)
            fill = conversion.constant(xp.full((missing,) + trailing, padding_value, dtype=s._array.dtype))
            s = _shape.cat([s, fill] if padding_side == 'right' else [fill, s], dim=0)
        padded.append(s)
    return _shape.stack(padded, dim=0 if batch_first else 1)
