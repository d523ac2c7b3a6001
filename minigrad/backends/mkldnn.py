"""``minigrad.backends.mkldnn``: oneDNN is not used by minigrad (its CPU kernels are NumPy's)."""
enabled = False


def is_available():
    return False
