"""``python -m minigrad <command>``: the same as the ``minigrad`` command (see :mod:`minigrad.cli`)."""
import sys

from .cli import main

sys.exit(main())
