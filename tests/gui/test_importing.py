"""File → Import Recommendations…: the real dialog driven by keys and mouse, the import on
the worker, the result dialog; a refused file changes nothing; Cancel leaves the record as it
was."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QWidget

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.models import ImportRun
from nmrf_desktop.ui.help.context import UserGuide
from nmrf_desktop.ui.importing.dialog import ImportDialog
from nmrf_desktop.ui.importing.hub import ImportHub
from nmrf_desktop.ui.importing.results import ImportResultDialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.conftest import NZ_CSV
from tests.unit.importers.biff8 import write_xls
from tests.unit.importers.test_upr_info_shapes import NATIVE, nz_rows, pledges, write_xlsx

from .test_accessibility import unnamed_controls
from .test_translations import CLOSE, OPEN, PseudoTranslator, escaped, texts_of

WAIT = 20_000
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHOTS = Path("/tmp/nmrf-import-shots")


def _window(qtbot, runner: TaskRunner, db: Path, role: str = "coordinator"  # type: ignore[no-untyped-def]
            ) -> MainWindow:
    record = open_record(db)
    save_profile(record, Profile(role=role, agency="" if role == "coordinator" else "MOJ",
                                 officer_name="Hēmi Walker"))
    record.close()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    window.open_database(db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator == (role == "coordinator"),
                    timeout=WAIT)
    return window


def _hub(window: MainWindow) -> ImportHub:
    hub = window.importing  # type: ignore[attr-defined]
    assert isinstance(hub, ImportHub)
    return hub


def _dialog(qtbot, window: MainWindow) -> ImportDialog:  # type: ignore[no-untyped-def]
    hub = _hub(window)
    qtbot.waitUntil(lambda: hub.dialog is not None and hub.dialog.isVisible(), timeout=WAIT)
    assert hub.dialog is not None
    return hub.dialog


def _with_files(qtbot, window: MainWindow, *paths: Path) -> ImportDialog:  # type: ignore[no-untyped-def]
    dialog = _hub(window).open_dialog()
    assert dialog is not None
    dialog.add_files(list(paths))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(paths) and not dialog._sniffing,
                    timeout=WAIT)
    return dialog


def _result(qtbot, window: MainWindow) -> ImportResultDialog:  # type: ignore[no-untyped-def]
    hub = _hub(window)
    qtbot.waitUntil(lambda: hub.result is not None and hub.result.isVisible(), timeout=WAIT)
    qtbot.waitUntil(window.is_idle, timeout=WAIT)  # the table refreshed
    assert hub.result is not None
    return hub.result


def _count(record: Record) -> tuple[int, int]:
    """Recommendations and import runs in the record."""
    with record.reading() as session:
        runs = session.query(ImportRun).count()
    return len(browsing.all_ids(record, Filters())), runs


def _focused_in(qtbot, window: QWidget) -> None:  # type: ignore[no-untyped-def]
    """The keyboard focus is in `window`: activated as a window manager would (offscreen has
    none to do it when a dialog opens)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isAncestorOf(QApplication.focusWidget()), timeout=WAIT)


def _shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def _column(dialog: ImportResultDialog, row: int) -> list[str]:
    table = dialog.files
    return [table.item(row, c).text() if table.item(row, c) else ""
            for c in range(table.columnCount())]


def _with_bad_rows(tmp_path: Path) -> Path:
    with NZ_CSV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[3][10] = "ninety"
    rows[7][7] = "Maybe"
    path = tmp_path / "ngā rārangi hē.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_the_file_menu_offers_it_to_coordinators_only(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                       db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    action = _hub(window).import_action
    file_menu = window.file_menu()
    assert action in file_menu.actions()
    assert action.text() == "Import &Recommendations…" and action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+I"
    window.profile = Profile(role="officer", agency="MOJ", officer_name="Aroha")
    _hub(window).set_coordinator(False)
    assert not action.isVisible() and not action.isEnabled()
    assert _hub(window).open_dialog() is None


@pytest.mark.qt_log_ignore(r"This plugin does not support")  # the chooser's raise(), grab
def test_import_the_nz_csv_by_keyboard_into_a_fresh_record(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                           record: Record,
                                                           db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    assert window.model.rowCount() == 0
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_I, CTRL)
    dialog = _dialog(qtbot, window)
    assert dialog.property("help_topic") == "import-un-data"
    assert not dialog.import_button.isEnabled()  # no file yet

    # Alt+A: Qt's own file dialog (offscreen has no native one) takes a typed path, Enter.
    # The button clicks a moment after its key, and the chooser runs its own event loop:
    # the typing is done from a timer inside it.
    errors: list[BaseException] = []

    def type_path() -> None:
        try:
            chooser = QApplication.activeModalWidget()
            assert isinstance(chooser, QFileDialog), chooser
            chooser.activateWindow()  # the window manager's part (offscreen has none)
            qtbot.waitUntil(lambda: chooser.isAncestorOf(QApplication.focusWidget()),
                            timeout=WAIT)
            QTest.keyClicks(QApplication.focusWidget(), str(NZ_CSV))
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        except BaseException as exc:  # never leave the chooser open on a failure
            errors.append(exc)
            box = QApplication.activeModalWidget()
            if isinstance(box, QFileDialog):
                box.reject()
    _focused_in(qtbot, dialog)
    QTimer.singleShot(600, type_path)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: bool(errors) or (dialog.table.rowCount() == 1
                                             and dialog.import_button.isEnabled()),
                    timeout=WAIT)
    assert not errors, errors
    assert dialog.table.item(0, 1).text() == "UPR Info export"
    assert dialog.encoding.isEnabled()  # a CSV is in the list: its encoding may be chosen
    _shot(dialog, "import-dialog.png")

    _focused_in(qtbot, dialog)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_I, ALT)  # &Import
    result = _result(qtbot, window)
    assert _column(result, 0) == [
        NZ_CSV.name, "UPR Info CSV with renamed headers (To/Text/From), CSV", "Imported",
        "228", "0", "0", "0", "0"]
    assert result.summary.text() == ("1 file imported: 228 new recommendations, 0 updated, "
                                     "0 unchanged.")
    assert not result.refusals.isVisible() and not result.problems.isVisible()
    _shot(result, "import-result.png")
    qtbot.waitUntil(lambda: window.model.rowCount() == 228, timeout=WAIT)
    assert _count(record) == (228, 1)
    assert "1 of 1 file imported" in window.statusBar().currentMessage()
    QTest.keyClick(result, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _hub(window).result is None, timeout=WAIT)


def test_a_refused_file_is_said_and_changes_nothing(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                   nz_record: Record, db_path: Path,
                                                   tmp_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    before = _count(nz_record)
    assert before == (228, 1)
    voluntary = write_xls(tmp_path / "voluntary.xls", [NATIVE, *pledges(947)])
    bad_rows = _with_bad_rows(tmp_path)
    dialog = _with_files(qtbot, window, voluntary, bad_rows)
    assert not dialog.encoding.isEnabled() or dialog.table.rowCount() == 2
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = _result(qtbot, window)
    _shot(result, "import-refused.png")
    assert result.summary.text() == "2 files refused: nothing of them was imported."
    lines = result.refusals.text().splitlines()
    assert lines[0] == (
        "voluntary.xls was not imported: it is a UPR Info voluntary-pledges export (947 of "
        "its 947 rows are voluntary pledges), not recommendations: a pledge is a commitment "
        "the State under review made itself, not a recommendation made to it, so this "
        "record does not import them")
    assert lines[1].startswith("ngā rārangi hē.csv was not imported: 2 problems, listed below.")
    assert _column(result, 0)[2] == "Refused: nothing changed"
    assert _column(result, 1)[2:] == ["Refused: nothing changed", "", "", "", "", "2"]
    problems = result.problems
    assert problems.rowCount() == 3
    assert [(problems.item(r, 0).text(), problems.item(r, 1).text(),
             problems.item(r, 2).text()) for r in (1, 2)] == [
        ("ngā rārangi hē.csv", "4", "Session"), ("ngā rārangi hē.csv", "8", "Response")]
    qtbot.mouseClick(result.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0] == "File\tRow\tColumn\tProblem"
    assert copied[2].startswith("ngā rārangi hē.csv\t4\tSession\t")
    assert _count(nz_record) == before  # not a row, not an import run
    assert window.model.rowCount() == 228


def test_a_file_not_recognised_asks_for_its_kind(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                 record: Record, db_path: Path,
                                                 tmp_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7\n\x00\x01 a scanned page")
    dialog = _with_files(qtbot, window, NZ_CSV, scan)
    assert dialog.table.item(1, 1).text() == "Not recognised: choose its kind"
    assert not dialog.import_button.isEnabled()
    assert "1 file not recognised from the content" in dialog.message.text()
    assert dialog.table.currentRow() == 1  # the one to choose for is selected
    _shot(dialog, "import-unknown.png")
    # keyboard: to the Kind box (its mnemonic), Down picks the first kind
    _focused_in(qtbot, dialog)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_K, ALT)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox) and combo is dialog.kind
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert dialog.table.item(1, 1).text() == "UPR Info export"
    assert dialog.import_button.isEnabled() and not dialog.message.isVisible()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = _result(qtbot, window)
    assert result.refusals.text().startswith(
        "scan.pdf was not imported: row 2: is a binary file, not a CSV text file")
    assert _column(result, 0)[2:4] == ["Imported", "228"]
    assert _count(record) == (228, 1)


def test_cancel_leaves_the_record_as_it_was(qtbot, runner: TaskRunner, record: Record,  # type: ignore[no-untyped-def]
                                            db_path: Path, tmp_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _with_files(qtbot, window, NZ_CSV, _with_bad_rows(tmp_path))
    gate = threading.Event()
    runner.run(lambda: gate.wait(WAIT / 1000))  # the worker busy: the import waits its turn
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and dialog.progress.isVisible()
    assert not dialog.add_button.isEnabled() and not dialog.import_button.isEnabled()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Escape cancels; it does not close yet
    assert dialog.isVisible() and not dialog.cancel_button.isEnabled()
    assert dialog.progress.format().startswith("Cancelling")
    _shot(dialog, "import-cancelling.png")
    gate.set()
    result = _result(qtbot, window)
    assert result.summary.text() == ("Cancelled: 2 files not imported; nothing of them was "
                                     "changed.")
    assert [_column(result, r)[2] for r in (0, 1)] == ["Not imported: cancelled"] * 2
    assert _count(record) == (0, 0)


@pytest.mark.qt_log_ignore(r"This plugin does not support raise")  # the guide's window
def test_f1_in_the_dialog_opens_its_section(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                            db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _hub(window).open_dialog()
    assert dialog is not None
    _focused_in(qtbot, dialog)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    guide = UserGuide.of(window)
    assert guide is not None
    qtbot.waitUntil(lambda: guide.window.isVisible(), timeout=WAIT)
    assert guide.window.current_anchor == "import-un-data"
    guide.window.close()


@pytest.mark.qt_log_ignore(r"This plugin does not support raise")
def test_every_text_is_translatable_and_every_control_named(  # type: ignore[no-untyped-def]
        qtbot, qapp, runner: TaskRunner, record: Record, db_path: Path,
        tmp_path: Path) -> None:
    pseudo = PseudoTranslator()  # wraps every text asked for: one not asked for shows bare
    qapp.installTranslator(pseudo)
    try:
        _translatable_and_named(qtbot, runner, db_path, tmp_path)
    finally:
        qapp.removeTranslator(pseudo)


def _translatable_and_named(qtbot, runner: TaskRunner, db_path: Path,  # type: ignore[no-untyped-def]
                            tmp_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    assert window.windowTitle().endswith(CLOSE), "the pseudo-translator is not in use"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7\n\x00\x01 a scanned page")
    voluntary = write_xls(tmp_path / "voluntary.xls", [NATIVE, *pledges(3)])
    mixed = write_xlsx(tmp_path / "mixed.xlsx", [NATIVE, *nz_rows()[:10], *pledges(2)])
    dialog = _with_files(qtbot, window, mixed, voluntary, scan)
    data = {mixed.name, voluntary.name, scan.name}
    assert not escaped(texts_of(dialog), data)
    assert not unnamed_controls(dialog)
    dialog.select_file(2)
    dialog.kind.setCurrentIndex(0)
    dialog.kind.activated.emit(0)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = _result(qtbot, window)
    # what the importers say (the layout found, the reasons) is their English, as in `nmrf`
    data |= {p.message for p in result.problem_rows()}
    data |= {o.report.layouts[o.file.path.name] for o in result.outcomes
             if o.report is not None}
    data.add("voluntary pledges")  # a kind of row, as the importer names it
    assert not escaped(texts_of(result), data)
    assert not unnamed_controls(result)
    # the pledges among recommendations: skipped and counted, said below the files
    def bare(text: str) -> str:
        return text.replace(OPEN, "").replace(CLOSE, "")
    assert [bare(t) for t in _column(result, 0)[2:7]] == ["Imported", "10", "0", "0", "2"]
    assert bare(result.notes.text()) == ("mixed.xlsx: 2 rows skipped, not recommendations "
                                         "(voluntary pledges).")
