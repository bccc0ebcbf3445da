"""``python -m besa545``: the same command line as ``besa545``."""

from besa545.cli import entry

entry()
