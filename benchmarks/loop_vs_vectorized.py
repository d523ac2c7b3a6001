"""`minigrad bench loop-vs-vectorized`: see minigrad/bench/loop_vs_vectorized.py (`python benchmarks/loop_vs_vectorized.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import loop_vs_vectorized  # noqa: E402

if __name__ == '__main__':
    sys.exit(loop_vs_vectorized.main())
