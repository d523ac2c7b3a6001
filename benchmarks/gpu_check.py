"""`minigrad bench gpu-check`: see minigrad/bench/gpu_check.py (`python benchmarks/gpu_check.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import gpu_check  # noqa: E402

if __name__ == '__main__':
    sys.exit(gpu_check.main())
