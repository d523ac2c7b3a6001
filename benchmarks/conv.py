"""`minigrad bench conv`: see minigrad/bench/conv.py (`python benchmarks/conv.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import conv  # noqa: E402

if __name__ == '__main__':
    sys.exit(conv.main())
