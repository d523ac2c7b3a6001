"""`minigrad bench deconv`: see minigrad/bench/deconv.py (`python benchmarks/deconv.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import deconv  # noqa: E402

if __name__ == '__main__':
    sys.exit(deconv.main())
