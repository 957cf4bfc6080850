"""Waiting for the window to settle and saving it as a PNG (for --screenshot and the script)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread
from PySide6.QtWidgets import QApplication

from nmrf_desktop.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def wait_until(condition: Callable[[], bool], timeout_ms: int = 30_000) -> bool:
    """Run the event loop until `condition()` holds; False on timeout."""
    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            return False
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(10)
    return True


def settle(window: MainWindow, timeout_ms: int = 30_000) -> bool:
    """Let the window finish opening, querying and fetching what it shows."""
    # Two idle checks with painting in between: a repaint may ask for rows not yet fetched.
    if not wait_until(window.is_idle, timeout_ms):
        return False
    window.repaint()
    return wait_until(window.is_idle, timeout_ms)


def save_png(window: MainWindow, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pixmap = window.grab()
    if not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write the screenshot {path}")
    log.info("screenshot saved: %s (%dx%d)", path, pixmap.width(), pixmap.height())


def capture(window: MainWindow, path: Path, *, select_first: bool = True,
            timeout_ms: int = 30_000) -> bool:
    """Wait for the database to be shown, select the first row, and save the window."""
    failed: list[str] = []
    window.openFailed.connect(failed.append)
    opened = wait_until(lambda: window.database_path is not None or bool(failed), timeout_ms)
    if not opened or failed:
        log.error("no database to capture: %s", failed[0] if failed else "timed out")
        return False
    if not settle(window, timeout_ms):
        return False
    if select_first and window.model.rowCount() > 0:
        window.select_row(0)
        if not settle(window, timeout_ms):
            return False
    save_png(window, path)
    return True
