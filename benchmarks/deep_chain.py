"""`minigrad bench deep-chain`: see minigrad/bench/deep_chain.py (`python benchmarks/deep_chain.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import deep_chain  # noqa: E402

if __name__ == '__main__':
    sys.exit(deep_chain.main())
