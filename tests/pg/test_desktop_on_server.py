"""PostgreSQL only: the desktop app opens a central record on a server (nmrf-desktop --db URL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from nmrf_desktop import app
from nmrf_desktop.services import locations
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow

pytestmark = pytest.mark.postgresql_only
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "qsettings"
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName(window_state.ORGANIZATION)
    QCoreApplication.setApplicationName(window_state.APPLICATION)
    return folder


def test_locations_keep_a_server_url_whole_and_hide_its_password() -> None:
    url = "postgresql://coord:s3cret@db.example.govt.nz:5432/nmrf"
    assert locations.parse(url) == url  # a Path would make "postgresql:/coord…" of it
    assert locations.is_server(url)
    assert "s3cret" not in locations.safe_text(url)
    assert locations.label(url) == "nmrf on db.example.govt.nz"
    assert locations.parse("sqlite:////tmp/x.sqlite3") == Path("/tmp/x.sqlite3")
    assert app.startup_database(app.build_parser().parse_args(["--db", url])) == url


def test_the_window_opens_the_record_on_the_server(qtbot, nz_record: Record,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path, settings_folder: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = nz_record.engine.url.render_as_string(hide_password=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    runner = TaskRunner()
    window = MainWindow(runner, remember_state=True, ask_profile=False)
    qtbot.addWidget(window)
    try:
        window.open_database(url)
        qtbot.waitUntil(lambda: window.database_path is not None
                        and window.model.rowCount() == 228, timeout=30_000)
        assert window.database_path == url
        assert "on 127.0.0.1" in window.windowTitle()
        assert window_state.recent_databases()[0] == locations.safe_text(url)
        assert not window.safety.backup_action.isEnabled()  # the server's to back up
        window.search_box.setText("Maori")
        qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 228, timeout=30_000)
    finally:
        window.close()
        runner.shutdown()
    assert list(work.iterdir()) == []  # no stray SQLite file named after the URL


def test_nmrf_desktop_db_url_shows_the_record(nz_record: Record, tmp_path: Path) -> None:
    url = nz_record.engine.url.render_as_string(hide_password=False)
    shot = tmp_path / "window.png"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "nmrf_desktop.app", "-v", "--db", url,
                           "--screenshot", str(shot)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert shot.is_file()
    assert "SQLiteImpl" not in done.stderr and "PostgresqlImpl" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["window.png"]
