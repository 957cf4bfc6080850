"""Crash points for durability tests: `NMRF_CRASH_AT=name` kills the process right there.

Production runs never set the variable; the crash tests start a subprocess with it to
prove that each job is all-or-nothing when the process dies at that step.
"""

from __future__ import annotations

import os

EXIT_CODE = 86


def crashpoint(name: str) -> None:
    if os.environ.get("NMRF_CRASH_AT") == name:
        os._exit(EXIT_CODE)
