"""``minigrad.backends.openmp``: whether the BLAS NumPy uses runs on OpenMP threads."""


def is_available():
    """True when threadpoolctl finds an OpenMP runtime loaded in this process."""
    try:
        import threadpoolctl
    except ImportError:
        return False
    return any(info.get('user_api') == 'openmp' for info in threadpoolctl.threadpool_info())
