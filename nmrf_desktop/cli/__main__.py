"""`python -m nmrf_desktop.cli`: the same as the `nmrf` command."""

import sys

from nmrf_desktop.cli.main import main

sys.exit(main())
