"""Small pieces the exchange windows share: message strip, passphrase field, progress bridge."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar, QSizePolicy, QWidget

from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.ui.palette import banner_style

log = logging.getLogger(__name__)

_T = QCoreApplication.translate



class MessageStrip(QLabel):
    """A coloured, word-wrapped message inside a dialog or view; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        self.kind = kind
        style = banner_style(kind, self.palette())  # follows dark mode, high contrast
        self.setStyleSheet(f"QLabel {{ {style} border-radius:4px; padding:6px 8px; }}")
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()


def passphrase_field(parent: QWidget | None = None) -> QLineEdit:
    """A passphrase entry: never echoed, never in the clipboard, never remembered."""
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName("passphrase")
    field.setAccessibleName(_T("Exchange", "Key passphrase"))
    field.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                              | Qt.InputMethodHint.ImhNoPredictiveText
                              | Qt.InputMethodHint.ImhSensitiveData)
    field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return field


def busy_bar(parent: QWidget | None = None) -> QProgressBar:
    bar = QProgressBar(parent)
    bar.setTextVisible(True)
    bar.hide()
    return bar


def guarded(method: Callable[..., Any], *bound: Any) -> Callable[..., None]:
    """A task callback that holds its widget weakly and does nothing once it is gone.

    The runner's worker thread may drop the last reference to a callback; if that were
    a strong reference to a widget, the widget would be destroyed on the worker thread.
    `method` must be a bound method of a QObject; `bound` arguments go first.
    """
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(getattr(target, "__self__", None)):
            target(*bound, *args)
        else:
            log.debug("dropped a result for a closed window")
    return call


class JobProgress:
    """The Progress protocol for a job on the worker, read by the GUI on a timer.

    A plain object (no Qt): the worker writes counters under a lock, the window polls
    them with `ProgressPoller`; `cancel()` makes the next `advance()` raise Cancelled.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self.total = 0
        self.done = 0
        self.label = ""

    def start(self, total: int, label: str = "") -> None:
        with self._lock:
            self.total, self.done, self.label = total, 0, label

    def advance(self, amount: int = 1) -> None:
        with self._lock:
            self.done += amount
        if self._cancel.is_set():
            raise Cancelled()

    def finish(self) -> None:
        with self._lock:
            self.done = self.total

    def snapshot(self) -> tuple[int, int]:
        with self._lock:
            return self.done, self.total

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class ProgressPoller(QObject):
    """Shows a JobProgress on a progress bar while a job runs (GUI thread only)."""

    INTERVAL_MS = 100

    def __init__(self, bar: QProgressBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._job: JobProgress | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.update)

    def watch(self, job: JobProgress, total: int) -> None:
        self._job = job
        self._bar.setRange(0, max(total, 0))
        self._bar.setValue(0)
        self._bar.show()
        self._timer.start()

    @Slot()
    def update(self) -> None:
        if self._job is not None:
            done, total = self._job.snapshot()
            if total:
                self._bar.setRange(0, total)
            self._bar.setValue(min(done, self._bar.maximum()))

    def stop(self) -> None:
        self.update()
        self._timer.stop()
        self._job = None
        self._bar.hide()
