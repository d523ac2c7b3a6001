"""``python -m minigrad.bench <name> [options]``."""
from . import main

main()
