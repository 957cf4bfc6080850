"""The policy in the window: refused databases, the chooser in the allowed folder, the locked
agency in the first-run and settings dialogs, and `nmrf-desktop --db` outside the folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from nmrf_desktop import paths, policy, settings
from nmrf_desktop.services import facets
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, load_profile
from nmrf_desktop.settings import AGENCY, DATA_FOLDER
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.profile_dialog import ProfileDialog
from nmrf_desktop.ui.window.settings_dialog import SettingsDialog

WAIT = 20_000


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(path))
    yield path
    settings.set_user_source(None)


@pytest.fixture
def allowed(policy_file: Path, db_path: Path) -> Path:
    """Databases only in the folder of the test database (db_path)."""
    policy_file.write_text(f'[storage]\ndata_folder = "{db_path.parent.as_posix()}"\n',
                           encoding="utf-8")
    return db_path.parent


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the allowed one (nothing may be made in its 'refused' child)."""
    return tmp_path_factory.mktemp("elsewhere")


class FakeChooser:
    """QFileDialog.getOpenFileName: remembers where it started, answers `answer`."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.started_in: list[str] = []

    def __call__(self, _parent: object, _caption: str, start: str, _filter: str
                 ) -> tuple[str, str]:
        self.started_in.append(start)
        return (str(self.answer) if self.answer else "", "")


def _window(qtbot, runner: TaskRunner, *, ask_profile: bool = False) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(runner, remember_state=False, ask_profile=ask_profile)
    qtbot.addWidget(win)
    win.show()
    return win


def _refused_box(qtbot, win: MainWindow) -> QMessageBox:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "policyRefusedBox") is not None,
                    timeout=WAIT)
    box = win.findChild(QMessageBox, "policyRefusedBox")
    assert box is not None
    return box


def test_a_refused_start_shows_why_then_the_chooser_in_the_allowed_folder(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, allowed: Path, elsewhere: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    chooser = FakeChooser(nz_db)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    win = _window(qtbot, runner)
    outside = elsewhere / "refused" / "nmrf.sqlite3"
    win.open_database(outside)  # what `nmrf-desktop --db PATH` does first
    box = _refused_box(qtbot, win)
    assert str(allowed) in box.text() and str(outside) in box.text()
    assert win.database_path is None and win.record is None
    assert not (elsewhere / "refused").exists()  # no database, no lock file
    assert chooser.started_in == []  # not before the message is read
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: win.database_path == nz_db and win.is_idle(), timeout=WAIT)
    assert chooser.started_in == [str(allowed)]


def test_file_open_starts_in_the_allowed_folder_and_refuses_outside_it(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, allowed: Path, elsewhere: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    outside = elsewhere / "other.sqlite3"
    chooser = FakeChooser(outside)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    win = _window(qtbot, runner)
    win.open_demo()  # the demo is public data: allowed wherever it is kept
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=WAIT)
    assert win.database_path == paths.demo_database()
    win.window_actions.open_database.trigger()
    box = _refused_box(qtbot, win)
    assert chooser.started_in == [str(allowed)]  # not the demo's folder
    assert str(outside) in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.wait(50)
    assert chooser.started_in == [str(allowed)]  # a database is open: no second chooser
    assert win.database_path == paths.demo_database()
    assert not outside.exists()


def test_a_recent_database_outside_the_folder_is_refused(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, policy_file: Path, elsewhere: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    old = elsewhere / "old.sqlite3"
    open_record(old).close()  # opened before the organisation set a data folder
    policy_file.write_text(f'[storage]\ndata_folder = "{nz_db.parent.as_posix()}"\n',
                           encoding="utf-8")
    chooser = FakeChooser(None)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    window_state.add_recent_database(str(old))
    win = _window(qtbot, runner)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.database_path == nz_db and win.is_idle(), timeout=WAIT)
    menu = win.window_actions.recent_menu
    menu.aboutToShow.emit()
    entry = next(a for a in menu.actions() if a.toolTip() == str(old))
    entry.trigger()
    box = _refused_box(qtbot, win)
    assert str(old) in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert win.database_path == nz_db and chooser.started_in == []
    assert not Path(f"{old}.lock").exists()


def test_first_run_shows_the_policy_agency_fixed(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_record: Record, db_path: Path, policy_file: Path
        ) -> None:
    policy_file.write_text(f'[exchange]\nagency = "MSD"\n[storage]\n'
                           f'data_folder = "{db_path.parent.as_posix()}"\n', encoding="utf-8")
    win = _window(qtbot, runner, ask_profile=True)
    win.open_database(db_path)
    qtbot.waitUntil(lambda: win.session.profile_dialog is not None, timeout=WAIT)
    dialog = win.session.profile_dialog
    assert dialog is not None and dialog.isVisible() and dialog.officer.isChecked()
    assert dialog.agency.currentData() == "MSD" and not dialog.agency.isEnabled()
    assert "Set by your organisation" in dialog.agency.toolTip()
    assert dialog.locked_note is not None and dialog.locked_note.isVisibleTo(dialog)
    dialog.coordinator.setChecked(True)
    dialog.officer.setChecked(True)
    assert not dialog.agency.isEnabled()  # choosing the role again does not unlock it
    dialog.name.setText("Aroha Ngata")
    dialog._accept()
    qtbot.waitUntil(lambda: win.profile.is_set, timeout=WAIT)
    assert load_profile(nz_record) == Profile("officer", "MSD", "Aroha Ngata")


def test_the_profile_dialog_shows_the_policy_agency_over_the_stored_one(  # type: ignore[no-untyped-def]
        qtbot, nz_record: Record, policy_file: Path) -> None:
    policy_file.write_text('[exchange]\nagency = "MOJ"\n', encoding="utf-8")
    dialog = ProfileDialog(facets.agency_choices(nz_record), Profile("officer", "MSD", "Hemi"))
    qtbot.addWidget(dialog)
    assert dialog.agency.currentData() == "MOJ" and not dialog.agency.isEnabled()
    assert dialog.profile().agency == "MOJ"
    # A code the database does not list is still shown, as itself.
    policy_file.write_text('[exchange]\nagency = "NEWAG"\n# changed\n', encoding="utf-8")
    unknown = ProfileDialog(facets.agency_choices(nz_record))
    qtbot.addWidget(unknown)
    assert unknown.agency.currentData() == "NEWAG" and unknown.agency.currentText() == "NEWAG"
    # Without a policy agency the choice is the officer's.
    policy_file.write_text("", encoding="utf-8")
    free = ProfileDialog(facets.agency_choices(nz_record), Profile("officer", "MSD", "Hemi"))
    qtbot.addWidget(free)
    assert free.agency.isEnabled() and free.agency.currentData() == "MSD"
    assert free.locked_note is None and "organisation" not in free.agency.toolTip()


def test_first_run_demo_button_works_under_a_data_folder(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, record: Record, db_path: Path, allowed: Path) -> None:
    win = _window(qtbot, runner, ask_profile=True)
    win.open_database(db_path)
    qtbot.waitUntil(lambda: win.session.profile_dialog is not None, timeout=WAIT)
    dialog = win.session.profile_dialog
    assert dialog is not None
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: win.database_path == paths.demo_database() and win.is_idle(),
                    timeout=60_000)


def test_settings_show_the_policy_agency_and_folder_locked(qtbot, policy_file: Path,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    policy_file.write_text(f'[exchange]\nagency = "MOJ"\n[storage]\n'
                           f'data_folder = "{tmp_path.as_posix()}"\n', encoding="utf-8")
    dialog = SettingsDialog(window_state.settings(), database_values={AGENCY.key: "DOC"})
    qtbot.addWidget(dialog)
    for option, shown in ((AGENCY, "MOJ"), (DATA_FOLDER, str(tmp_path))):
        assert dialog.is_locked(option)
        field = dialog.fields[option.key]
        assert isinstance(field, QLabel) and field.text() == shown and not field.isEnabled()
        assert dialog.lock_notes[option.key].text() == "Set by your organisation"


def test_nmrf_desktop_db_outside_the_folder_is_refused_not_crashed(tmp_path: Path) -> None:
    allowed, outside = tmp_path / "allowed", tmp_path / "elsewhere" / "nmrf.sqlite3"
    allowed.mkdir()
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(f'[storage]\ndata_folder = "{allowed.as_posix()}"\n',
                           encoding="utf-8")
    script = Path(sys.executable).with_name("nmrf-desktop")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "nmrf_desktop.app"]
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "NMRF_DATA_DIR": str(tmp_path / "data"),
                        "XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path),
                        policy.ENV_OVERRIDE: str(policy_file)}
    done = subprocess.run([*command, "--db", str(outside), "--screenshot",
                           str(tmp_path / "shot.png")], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1  # no database to show: the screenshot is not taken
    assert "Traceback" not in done.stderr
    assert f"your organisation allows databases only in {allowed}; {outside}" in done.stderr
    assert not outside.parent.exists()


def test_the_status_bar_and_export_dialog_show_the_policy_agency_over_the_stored_one(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, nz_record: Record, policy_file: Path) -> None:
    from nmrf_desktop.ui.exchange.export_bundle_dialog import laptop_state

    assert nz_record.setting(AGENCY.key) == "MOJ"  # stored before the policy
    policy_file.write_text('[exchange]\nagency = "MSD"\n', encoding="utf-8")
    win = _window(qtbot, runner)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.profile.is_set and win.is_idle(), timeout=WAIT)
    assert win.profile.agency == "MSD"
    assert "(MSD)" in win.profile_label.text() and "MOJ" not in win.profile_label.text()
    assert laptop_state(nz_record).agency == "MSD"
