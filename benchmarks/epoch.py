"""`minigrad bench epoch`: see minigrad/bench/epoch.py (`python benchmarks/epoch.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import epoch  # noqa: E402

if __name__ == '__main__':
    sys.exit(epoch.main())
