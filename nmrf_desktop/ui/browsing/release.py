"""Letting go of a large result (270,000 ids, thousands of rows) off the GUI thread, in slices.

Freeing 270,000 strings takes 10-20 ms of one thread's time; done on the GUI thread when a
new query replaces the old result, it would stall typing. The model hands the old result
here instead: a daemon thread frees it a slice at a time, letting go of the GIL between
slices so the GUI thread is never kept waiting for long.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections.abc import Collection

log = logging.getLogger(__name__)

_SLICE = 5_000  # items freed between two chances for the GUI thread to run
_WAIT_S = 0.005  # while the caller still holds a reference
_WAIT_TRIES = 200  # then free it anyway (the last reference will go wherever it goes)
_queue: queue.SimpleQueue[Collection[object]] = queue.SimpleQueue()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def release(big: Collection[object]) -> None:
    """Free `big` (a tuple or list, or a dict with its values) on the release thread.

    The caller lets go of its own references right after this call."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="nmrf-release", daemon=True)
            _thread.start()
    _queue.put(big)


def _run() -> None:
    while True:
        try:
            items = _take(_queue.get())  # the container itself is gone once this returns
        except Exception:  # never lose the thread over one result
            log.exception("taking a released result failed")
            continue
        while items:
            del items[-_SLICE:]
            time.sleep(0)  # let the GIL go between slices


def _take(big: Collection[object]) -> list[object]:
    """`big`'s items in a list of ours; `big` emptied (or, a tuple, freed on return)."""
    # Ours alone first (this frame and getrefcount's own argument): otherwise the caller's
    # last reference would free everything on the GUI thread after all.
    for _ in range(_WAIT_TRIES):
        if sys.getrefcount(big) <= 2:
            break
        time.sleep(_WAIT_S)
    items = list(big.values()) if isinstance(big, dict) else list(big)
    if isinstance(big, dict | list):
        big.clear()  # the items live on in `items`: only references are dropped here
    return items
