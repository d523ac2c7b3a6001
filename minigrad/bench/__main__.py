"""``python -m minigrad.bench <name> [options]``."""
import sys

from . import main

sys.exit(main())
