"""`minigrad bench peers`: see minigrad/bench/peers.py (`python benchmarks/peers.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import peers  # noqa: E402

if __name__ == '__main__':
    sys.exit(peers.main())
