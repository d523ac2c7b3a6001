"""``minigrad.backends.mps``: Apple's Metal backend. minigrad has none, so both answers are False."""


def is_available():
    return False


def is_built():
    return False
