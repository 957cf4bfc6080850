"""Safety in the window: policy values shown locked, one window per database, backup on close,
and the offer to restore the latest good backup when the start-up check fails."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from nmrf_desktop import policy, settings
from nmrf_desktop.services import catalog
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.instance import InstanceGuard
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.settings import BACKUP_DAILY, BACKUPS_KEPT, EVIDENCE_MAX_BYTES
from nmrf_desktop.ui.backup.hub import SafetyHub, restore_button_of
from nmrf_desktop.ui.backup.messages import contents_text
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window import main_window, state as window_state
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.settings_dialog import MB, SettingsDialog


@pytest.fixture(autouse=True)
def _policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "policy.toml"
    monkeypatch.setenv("NMRF_POLICY_FILE", str(path))
    yield path
    settings.set_user_source(None)


def safe_window(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                monkeypatch: pytest.MonkeyPatch) -> tuple[MainWindow, SafetyHub]:
    """A main window with its SafetyHub (wired here the way MainWindow wires it, if not yet)."""
    win = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(win)
    hub = getattr(win, "safety", None)
    if hub is None:
        hub = SafetyHub(win)
        monkeypatch.setattr(main_window, "open_record", hub.open_record)
        original = win._open_failed

        def open_failed(exc: BaseException) -> None:
            if hub.open_failed(exc):
                win._opening = False
                win.openFailed.emit(str(exc))
                return
            original(exc)
        win._open_failed = open_failed  # type: ignore[method-assign]
    return win, hub


def test_settings_dialog_shows_policy_values_locked(qtbot, _policy: Path) -> None:  # type: ignore[no-untyped-def]
    _policy.write_text('[backup]\nkept = 3\n[exchange]\nagency = "MOJ"\n', encoding="utf-8")
    store = window_state.settings()
    store.setValue(BACKUPS_KEPT.key, 20)
    store.setValue(EVIDENCE_MAX_BYTES.key, 5 * MB)
    dialog = SettingsDialog(store, database_values={"agency": "DOC"})
    qtbot.addWidget(dialog)
    kept = dialog.fields[BACKUPS_KEPT.key]
    assert dialog.is_locked(BACKUPS_KEPT) and not kept.isEnabled()
    assert kept.value() == 3  # the policy's value, not the user's 20
    assert dialog.lock_notes[BACKUPS_KEPT.key].text() == "Set by your organisation"
    assert dialog.lock_notes["agency"].isVisibleTo(dialog)
    assert "MOJ" in dialog.fields["agency"].text()  # the policy's agency, not the profile's
    cap = dialog.fields[EVIDENCE_MAX_BYTES.key]
    assert cap.isEnabled() and cap.value() == 5 and EVIDENCE_MAX_BYTES.key not in \
        dialog.lock_notes
    cap.setValue(7)
    dialog.fields[BACKUP_DAILY.key].setChecked(False)
    dialog.accept()
    assert int(store.value(BACKUPS_KEPT.key)) == 20  # a locked value is never written
    assert int(store.value(EVIDENCE_MAX_BYTES.key)) == 7 * MB
    assert policy.resolve(BACKUP_DAILY, store.value(BACKUP_DAILY.key)).value is False


def test_settings_is_in_the_file_menu_and_opens(qtbot, runner: TaskRunner, nz_db: Path,  # type: ignore[no-untyped-def]
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    win, hub = safe_window(qtbot, runner, monkeypatch)
    menus = [a.menu() for a in win.menuBar().actions() if a.menu() is not None]
    assert any(hub.settings_action in m.actions() for m in menus)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=10_000)
    hub.settings_action.trigger()
    qtbot.waitUntil(lambda: win.findChild(SettingsDialog) is not None, timeout=5_000)
    win.findChild(SettingsDialog).reject()


def test_a_second_window_on_the_same_database_is_refused(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                         nz_db: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    first, _hub = safe_window(qtbot, runner, monkeypatch)
    first.open_database(nz_db)
    qtbot.waitUntil(lambda: first.database_path is not None and first.is_idle(),
                    timeout=10_000)
    second, _ = safe_window(qtbot, runner, monkeypatch)
    second.open_database(nz_db)
    qtbot.waitUntil(lambda: second.findChild(QMessageBox, "inUseBox") is not None,
                    timeout=10_000)
    box = second.findChild(QMessageBox, "inUseBox")
    assert "already open in another NMRF Desktop window" in box.text()
    assert second.database_path is None and second.record is None
    box.close()
    with pytest.raises(Exception, match="already open"):
        InstanceGuard(nz_db).acquire()  # and another process would be refused the same way


def test_closing_backs_up_and_lets_go_of_the_database(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                      nz_db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    win, _hub = safe_window(qtbot, runner, monkeypatch)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=10_000)
    qtbot.waitUntil(lambda: len(backup.list_backups(nz_db)) == 1, timeout=10_000)  # daily
    win.close()
    qtbot.waitUntil(lambda: any(p.name.endswith("-close.nmrfbackup")
                                for p in backup.list_backups(nz_db)), timeout=10_000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    InstanceGuard(nz_db).acquire().release()  # unlocked


def test_a_damaged_database_offers_the_latest_good_backup(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                          nz_record: Record, nz_db: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    before = catalog.stats(nz_record)
    good = backup.backup_database(nz_db)
    nz_record.close()
    size = nz_db.stat().st_size
    with nz_db.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 16384)
    assert backup.quick_check(nz_db)

    win, _hub = safe_window(qtbot, runner, monkeypatch)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "restoreOfferBox") is not None,
                    timeout=20_000)
    box = win.findChild(QMessageBox, "restoreOfferBox")
    assert good.name in box.text()
    assert "the database, 0 evidence files" in box.text()  # what the backup holds
    restore_button_of(box).click()
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=20_000)
    assert backup.quick_check(nz_db) == []
    win.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    reopened = open_record(nz_db)
    try:
        assert catalog.check(reopened) == []
        assert catalog.stats(reopened) == before
    finally:
        reopened.close()
    assert [p for p in nz_db.parent.iterdir() if ".before-restore-" in p.name]


def test_back_up_now_says_what_the_backup_holds_and_names_lost_evidence(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_record: Record, nz_db: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from nmrf_desktop.domain.entry import ActionDraft
    from nmrf_desktop.services import entry
    from nmrf_desktop.store.blobs import BlobStore

    rec = catalog.search_recommendations(nz_record, catalog.Filters(), limit=1)[0].id
    action = entry.create_action(nz_record, ActionDraft(title="Review", agency="MOJ",
                                                        recommendation_ids=(rec,))).id
    for name in ("kept.pdf", "lost.pdf"):
        (tmp_path / name).write_bytes(name.encode() * 1000)
        sha = entry.attach_file(nz_record, tmp_path / name, agency="MOJ",
                                action_id=action).sha256
    assert sha is not None
    BlobStore(nz_record.evidence_root).path_for(sha).unlink()  # lost.pdf is gone
    nz_record.close()
    win, hub = safe_window(qtbot, runner, monkeypatch)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.database_path is not None and win.is_idle(), timeout=10_000)
    hub.back_up_now()
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "backupGapsBox") is not None,
                    timeout=10_000)
    box = win.findChild(QMessageBox, "backupGapsBox")
    assert "incomplete" in box.text() and "(1 in all" in box.text()
    assert "lost.pdf" in box.detailedText() and sha in box.detailedText()
    status = win.statusBar().currentMessage()
    assert "the database, 1 evidence file (" in status and "and 0 key files" in status
    box.close()
    win.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)



@pytest.mark.parametrize("kept", [lambda size: size // 3, lambda size: 10],
                         ids=["truncated", "shorter-than-its-header"])
def test_a_truncated_database_offers_the_latest_good_backup(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_record: Record, nz_db: Path,
        monkeypatch: pytest.MonkeyPatch, kept: Callable[[int], int]) -> None:
    good = backup.backup_database(nz_db)
    nz_record.close()
    with nz_db.open("r+b") as fh:
        fh.truncate(kept(nz_db.stat().st_size))
    cut = nz_db.read_bytes()
    win, _hub = safe_window(qtbot, runner, monkeypatch)
    win.open_database(nz_db)
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "restoreOfferBox") is not None,
                    timeout=20_000)
    box = win.findChild(QMessageBox, "restoreOfferBox")
    assert good.name in box.text() and "is damaged" in box.text()
    assert nz_db.read_bytes() == cut  # never opened, so never made a new database
    assert win.database_path is None
    box.reject()  # Leave It
    win.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)


@pytest.mark.parametrize("content", [b"S", b"Minutes of the meeting.\n" * 100],
                         ids=["one-byte", "text"])
def test_a_file_that_is_no_database_and_never_was_is_refused_untouched(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: bytes) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_bytes(content)
    win, _hub = safe_window(qtbot, runner, monkeypatch)
    failed: list[str] = []
    win.openFailed.connect(failed.append)
    win.open_database(notes)
    qtbot.waitUntil(lambda: bool(failed), timeout=20_000)
    assert failed == [f"The database could not be opened.\n\ncannot open the database "
                      f"{notes.resolve()}: file is not a database"]
    assert notes.read_bytes() == content and win.database_path is None
    for box in win.findChildren(QMessageBox):
        box.close()
    win.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)


def test_counts_in_messages_are_singular_for_one() -> None:
    def holding(evidence: int, keys: int) -> str:
        text = contents_text(backup.Contents(Path("b.nmrfbackup"), False, "manual", 1,
                                             evidence_files=evidence, key_files=keys))
        return re.sub(r" \(.*?\)", "", text)  # the size is written in the user's locale
    assert holding(1, 1) == "the database, 1 evidence file and 1 key file"
    assert holding(0, 2) == "the database, 0 evidence files and 2 key files"
