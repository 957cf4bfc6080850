"""GUI fixtures: settings in a temporary folder, a task runner, a window on real NZ data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings go to a fresh temporary folder: tests never touch the real user config."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, folder)
    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION)


@pytest.fixture
def runner(record: Record) -> Iterator[TaskRunner]:
    """A task runner; shut down before the record it worked on is closed."""
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


@pytest.fixture
def nz_db(nz_record: Record, db_path: Path) -> Path:
    """The 228 real New Zealand recommendations, leads assigned, used by a MOJ officer."""
    assign_lead_defaults(nz_record)
    save_profile(nz_record, Profile(role="officer", agency="MOJ", officer_name="Test Officer"))
    return db_path


@pytest.fixture
def window(qtbot, runner: TaskRunner, nz_db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The main window, shown, with the New Zealand database open and its first rows in."""
    win = MainWindow(runner)
    qtbot.addWidget(win)
    win.open_database(nz_db)
    win.show()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=10_000)
    return win


# The offscreen platform (headless tests) warns that it cannot propagate size hints when
# a main window is shown; that says nothing about our code, so it is not a failure here.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))
