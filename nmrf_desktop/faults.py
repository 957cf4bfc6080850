"""Crash points for durability tests: `NMRF_CRASH_AT=name` kills the process right there.

Production runs never set the variable; the crash tests start a subprocess with it to
prove that each job is all-or-nothing when the process dies at that step.

Pause points mark the windows where another importer may commit between this one's
check and its write. They do nothing unless a test registers an action with
`pause_at`; the race tests use them to run the competing import at that very moment,
so the interleaving happens every time, not by luck.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

EXIT_CODE = 86


def crashpoint(name: str) -> None:
    if os.environ.get("NMRF_CRASH_AT") == name:
        os._exit(EXIT_CODE)


_pause_actions: dict[str, Callable[[], None]] = {}


def pausepoint(name: str) -> None:
    """Run the action a test registered for `name`, once; a no-op otherwise."""
    # Forgotten before it runs: the action may itself pass this point (a competing import).
    action = _pause_actions.pop(name, None)
    if action is not None:
        action()


@contextmanager
def pause_at(name: str, action: Callable[[], None]) -> Iterator[None]:
    """Test hook: within the block, run `action` the first time the code passes `name`."""
    _pause_actions[name] = action
    try:
        yield
    finally:
        _pause_actions.pop(name, None)
