"""Frozen entry point of the command line (the `nmrf` executable)."""

import sys

from nmrf_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
