"""`minigrad bench op-overhead`: see minigrad/bench/op_overhead.py (`python benchmarks/op_overhead.py --help`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from minigrad.bench import op_overhead  # noqa: E402

if __name__ == '__main__':
    sys.exit(op_overhead.main())
