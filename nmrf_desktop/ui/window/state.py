"""What the main window remembers between runs (QSettings, organization NMRF, nmrf-desktop)."""

from __future__ import annotations

import logging
from typing import cast

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

log = logging.getLogger(__name__)

ORGANIZATION = "NMRF"
APPLICATION = "nmrf-desktop"

# Every key the window stores, declared once. Bump STATE_VERSION when the table's
# columns change, so an old header layout is ignored instead of misapplied.
STATE_VERSION = 1
GEOMETRY = "mainWindow/geometry"
WINDOW_STATE = "mainWindow/state"
SPLITTER = "mainWindow/splitter"
TABLE_HEADER = "mainWindow/recommendationsHeader"
LAYOUT_VERSION = "mainWindow/layoutVersion"
LAST_DATABASE = "session/lastDatabase"
RECENT_DATABASES = "session/recentDatabases"
FILTERS = "session/filters"
RECENT_LIMIT = 8


def settings() -> QSettings:
    """The application's settings (tests redirect them with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     ORGANIZATION, APPLICATION)


def save(window: QMainWindow, splitter: QSplitter, header: QHeaderView) -> None:
    store = settings()
    store.setValue(GEOMETRY, window.saveGeometry())
    store.setValue(WINDOW_STATE, window.saveState(STATE_VERSION))
    store.setValue(SPLITTER, splitter.saveState())
    store.setValue(TABLE_HEADER, header.saveState())
    store.setValue(LAYOUT_VERSION, STATE_VERSION)
    store.sync()


def restore(window: QMainWindow, splitter: QSplitter, header: QHeaderView) -> bool:
    """Apply the saved layout; False when there was none (first run) or it is outdated."""
    store = settings()
    # an INI file gives the number back as text
    version = cast("int | str | None", store.value(LAYOUT_VERSION, 0))
    if int(version or 0) != STATE_VERSION:
        return False
    restored = False
    for key, apply in ((GEOMETRY, window.restoreGeometry),
                       (WINDOW_STATE, lambda b: window.restoreState(b, STATE_VERSION)),
                       (SPLITTER, splitter.restoreState),
                       (TABLE_HEADER, header.restoreState)):
        value = store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            restored = bool(apply(value)) or restored
        elif value is not None:
            log.warning("ignoring unreadable setting %s", key)
    return restored


def last_database() -> str:
    return str(settings().value(LAST_DATABASE, "") or "")


def set_last_database(path: str) -> None:
    store = settings()
    store.setValue(LAST_DATABASE, path)
    store.sync()


def recent_databases() -> list[str]:
    """Databases opened before, most recent first."""
    # a list, or a single text when only one was stored
    value = cast("list[object] | str | None", settings().value(RECENT_DATABASES, []))
    if isinstance(value, str):
        value = [value] if value else []
    return [str(v) for v in (value or []) if v]


def add_recent_database(path: str) -> list[str]:
    recent = [path, *(p for p in recent_databases() if p != path)][:RECENT_LIMIT]
    store = settings()
    store.setValue(RECENT_DATABASES, recent)
    store.sync()
    return recent


def clear_recent_databases() -> None:
    store = settings()
    store.remove(RECENT_DATABASES)
    store.sync()


def saved_filters() -> str:
    """The filter panel's last state, as JSON ("" when none)."""
    return str(settings().value(FILTERS, "") or "")


def save_filters(state: str) -> None:
    store = settings()
    store.setValue(FILTERS, state)
    store.sync()
