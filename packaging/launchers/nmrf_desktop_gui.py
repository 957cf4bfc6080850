"""Frozen entry point of the desktop app (the `nmrf-desktop` executable)."""

import sys

from nmrf_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
