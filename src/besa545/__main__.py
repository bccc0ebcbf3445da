"""``python -m besa545``: the same command line as ``besa545``."""

import sys

from besa545.cli import main

sys.exit(main())
