"""`minigrad bench distributed`: see minigrad/bench/distributed.py (`python benchmarks/distributed.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import distributed  # noqa: E402

if __name__ == '__main__':
    sys.exit(distributed.main())
