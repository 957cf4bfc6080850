"""The crash handler: uncaught errors go to a rotating log file, and the user is told where."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from nmrf_desktop import paths

log = logging.getLogger(__name__)

LOG_NAME = "nmrf-desktop.log"
FAULT_NAME = "native-crashes.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"

_log_file: Path | None = None
_handler: logging.Handler | None = None
_fault_stream: IO[str] | None = None
_previous_qt_handler: Any = None
_notifier: Any = None
_showing = False


def log_file() -> Path | None:
    """The log file the handler writes to (None until `install`)."""
    return _log_file


def install(log_dir: Path | None = None, *, qt: bool = True) -> Path:
    """Log to <user log dir>/nmrf-desktop.log (rotating) and catch every uncaught error.

    Installs sys.excepthook, threading.excepthook, faulthandler (native crashes) and, with
    `qt`, a Qt message handler that logs Qt's warnings and its fatal messages. Returns the
    log file's path. Calling it again only moves the log file.
    """
    global _log_file, _handler, _fault_stream
    folder = log_dir or paths.user_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / LOG_NAME
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    handler = logging.handlers.RotatingFileHandler(target, maxBytes=MAX_BYTES,
                                                   backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
        for other in root.handlers:  # keep stderr as quiet as it was
            if other is not handler and other.level == logging.NOTSET:
                other.setLevel(logging.WARNING)
    _log_file, _handler = target, handler
    if _fault_stream is not None:
        _fault_stream.close()
    _fault_stream = (folder / FAULT_NAME).open("a", encoding="utf-8")
    faulthandler.enable(_fault_stream)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    if qt:
        _install_qt_handler()
    log.info("logging to %s", target)
    return target


def _excepthook(kind: type[BaseException], value: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.critical("unexpected error", exc_info=(kind, value, tb))
    _flush()
    tell_user(f"{kind.__name__}: {value}")


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    log.critical("unexpected error in thread %s", name,
                 exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]
    _flush()
    tell_user(f"{args.exc_type.__name__}: {args.exc_value}")


def _flush() -> None:
    if _handler is not None:
        _handler.flush()


def message(summary: str) -> str:
    where = _log_file or paths.user_log_dir() / LOG_NAME
    return (f"NMRF Desktop met an unexpected error: {summary}\n\nThe details were saved to "
            f"{where}. Please send that file to your IT support. Your saved work is safe in "
            "the database.")


def tell_user(summary: str) -> None:
    """A message box when a QApplication runs (from any thread), else a note on stderr."""
    app = _qt_app()
    if app is None:
        _stderr(message(summary))
        return
    if threading.current_thread() is threading.main_thread():
        _show_box(summary)
    else:
        _notifier_for(app).show.emit(summary)


def _stderr(text: str) -> None:
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _qt_app() -> Any:
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return None
    return widgets.QApplication.instance()


def _show_box(summary: str) -> None:
    """One non-blocking box at a time; later errors while it is up are only logged."""
    global _showing
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QMessageBox

    text = message(summary)
    _stderr(text)
    if _showing:
        return
    _showing = True
    box = QMessageBox(QMessageBox.Icon.Critical,
                      QCoreApplication.translate("Crash", "NMRF Desktop"), text)
    box.setObjectName("crashBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.destroyed.connect(_box_gone)
    box.show()


def _box_gone(*_args: object) -> None:
    global _showing
    _showing = False


def _notifier_for(app: Any) -> Any:
    """A QObject living on the GUI thread whose signal carries a message there."""
    global _notifier
    if _notifier is None:
        from PySide6.QtCore import QObject, Signal

        class _Notifier(QObject):
            show = Signal(str)

        notifier = _Notifier()
        notifier.moveToThread(app.thread())
        notifier.show.connect(_show_box)
        _notifier = notifier
    return _notifier


def _install_qt_handler() -> None:
    global _previous_qt_handler
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    qt_log = logging.getLogger("qt")

    def handler(kind: QtMsgType, context: Any, text: str) -> None:
        level = levels.get(kind, logging.WARNING)
        if kind == QtMsgType.QtFatalMsg:
            qt_log.critical("Qt fatal error: %s (%s:%s)", text, context.file, context.line,
                            stack_info=True)
            _flush()
            _stderr(message(f"Qt fatal error: {text}"))  # Qt aborts next: no box possible
            return
        qt_log.log(level, "%s", text)
        if _previous_qt_handler is not None:
            _previous_qt_handler(kind, context, text)

    _previous_qt_handler = qInstallMessageHandler(handler)
