"""File → Import UN Document…: read in the background (Cancel drops it), the review screen
driven by keyboard and mouse (edit, leave out, source text beside), Apply as one write."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
)
from sqlalchemy import func, select

from nmrf_desktop.services.documents.plan import plan
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.models import Recommendation
from nmrf_desktop.ui.documents.hub import DocumentsHub
from nmrf_desktop.ui.documents.review_dialog import ReviewDialog
from nmrf_desktop.ui.documents.review_model import (
    INCLUDE,
    POSITION,
    SDGS,
    STATES,
    TEXT,
    THEMES,
    WILL,
    ReviewModel,
)
from nmrf_desktop.ui.help.context import UserGuide
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.unit.documents import previews

MATRIX = (Path(__file__).resolve().parents[3] / "shared" / "data" / "un-documents"
          / "upr34-slovenia-thematic-list-of-recommendations.docx")
WAIT = 20_000


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


def _hub(window: MainWindow) -> DocumentsHub:
    hub = window.documents  # type: ignore[attr-defined]
    assert isinstance(hub, DocumentsHub)
    return hub


def _count(record: Record, *where: object) -> int:
    with record.reading() as s:
        return int(s.execute(select(func.count()).select_from(Recommendation)
                             .where(*where)).scalar_one())  # type: ignore[arg-type]


def _committed(qtbot, table: QTableView) -> None:  # type: ignore[no-untyped-def]
    """The delegate commits an edit on the next turn of the event loop."""
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState,
                    timeout=WAIT)


def _review(qtbot, hub: DocumentsHub) -> ReviewDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: hub.review is not None and hub.review.isVisible(), timeout=WAIT)
    assert hub.review is not None
    return hub.review


def test_the_file_menu_offers_it_to_coordinators_only(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                       nz_db: Path) -> None:
    window = _window(qtbot, runner, nz_db)
    action = _hub(window).import_action
    file_menu = window.file_menu()
    assert action in file_menu.actions()
    assert action.text() == "Import UN &Document…" and action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+U"
    window.profile = Profile(role="officer", agency="MOJ", officer_name="Aroha")
    _hub(window).set_coordinator(False)
    assert not action.isVisible() and not action.isEnabled()


def test_read_review_edit_leave_out_and_apply(qtbot, runner: TaskRunner, nz_db: Path,  # type: ignore[no-untyped-def]
                                             nz_record: Record) -> None:
    window = _window(qtbot, runner, nz_db)
    hub = _hub(window)
    before = _count(nz_record)
    hub.read(MATRIX)
    dialog = _review(qtbot, hub)
    model = dialog.model
    assert model.rowCount() == 215
    facts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "UPR matrix" in facts and "A/HRC/43/15" in facts and "Slovenia" in facts
    # Slovenia's matrix into New Zealand's record: said before anything is applied.
    warning = dialog.findChild(QLabel, "documentWarnings")
    assert warning is not None and "its recommendations are to Slovenia, and this record " \
        "holds recommendations to New Zealand (228)" in warning.text()
    assert model.index(0, WILL).data() == "New recommendation"
    assert "215 of 215 recommendations will be applied." in dialog.summary.text()
    # the source text of the current row is shown beside it
    source = dialog.findChild(QPlainTextEdit, "documentSource")
    assert source.toPlainText().startswith("121.1 Ratify the International Convention")
    # keyboard: the second row, leave it out (Ctrl+Space), edit the first row's text (F2)
    table = dialog.table
    dialog.select_row(1)
    qtbot.keyClick(table, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert model.included[1] is False
    assert "214 of 215" in dialog.summary.text()
    table.setCurrentIndex(model.index(0, TEXT))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(model.index(0, TEXT)) or table.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(editor, "Ratify the ICPPED, as the reviewer put it ")
    editor.insert("— Māori text kept")  # type: ignore[attr-defined]  # (an input method)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    _committed(qtbot, table)
    assert model.rows[0].text == "Ratify the ICPPED, as the reviewer put it — Māori text kept"
    # the mouse: the third row's checkbox
    rect = table.visualRect(model.index(2, INCLUDE))
    model.setData(model.index(2, INCLUDE), Qt.CheckState.Unchecked.value,
                  Qt.ItemDataRole.CheckStateRole)
    assert rect.isValid() and model.excluded() == {1, 2}
    dialog.select_row(1)
    dialog.toggle_button.click()  # row 1, left out: include it again
    assert model.excluded() == {2}
    qtbot.waitUntil(window.is_idle, timeout=WAIT)
    dialog.grab().save("/tmp/document_review.png")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _count(nz_record) == before + 214 and window.is_idle(),
                    timeout=WAIT)
    assert "214 recommendations added" in window.statusBar().currentMessage()
    with nz_record.reading() as s:
        text = s.execute(select(Recommendation.text).where(
            Recommendation.paragraph == "121.1")).scalar_one()
    assert text == "Ratify the ICPPED, as the reviewer put it — Māori text kept"
    # Read again: every row is held now, and the summary says applying changes nothing.
    hub.review = None  # the applied review closed itself
    hub.read(MATRIX)
    again = _review(qtbot, hub)
    again.model.setData(again.model.index(2, INCLUDE), Qt.CheckState.Unchecked.value,
                        Qt.ItemDataRole.CheckStateRole)  # the row left out, not held
    assert again.summary.text() == ("The record already holds all 214 recommendations "
                                    "included: applying changes nothing.")


def test_review_shows_what_apply_fills_in_on_records_held(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                          nz_db: Path, nz_record: Record,
                                                          tmp_path: Path) -> None:
    window = _window(qtbot, runner, nz_db)
    hub = _hub(window)
    dialog = hub.show_review(plan(nz_record, previews.matrix(tmp_path)))
    model = dialog.model
    will = model.index(0, WILL).data()
    assert will.startswith("Fills in paragraph, themes, affected groups, SDGs on NZL-UPR18-")
    dialog.grab().save("/tmp/document_review_fills.png")
    # a position chosen from the list; the plan is worked out again on the worker
    table = dialog.table
    table.setCurrentIndex(model.index(0, POSITION))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    box = table.indexWidget(model.index(0, POSITION)) or table.focusWidget()
    assert isinstance(box, QComboBox), box
    box.setCurrentIndex(box.findData("noted"))  # type: ignore[attr-defined]
    qtbot.keyClick(box, Qt.Key.Key_Return)
    _committed(qtbot, table)
    assert model.rows[0].position is not None and model.rows[0].position.value == "noted"
    qtbot.waitUntil(window.is_idle, timeout=WAIT)
    before = _count(nz_record)
    qtbot.keyClick(dialog.apply_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.is_idle() and "filled in" in
                    window.statusBar().currentMessage(), timeout=WAIT)
    assert _count(nz_record) == before
    assert _count(nz_record, Recommendation.paragraph.startswith("128.")) == len(
        model.rows)


def test_cancel_while_reading_drops_the_result_and_writes_nothing(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, nz_record: Record) -> None:
    window = _window(qtbot, runner, nz_db)
    hub = _hub(window)
    before = _count(nz_record)
    hub.read(MATRIX)
    assert hub.progress is not None
    button = hub.progress.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    button.click()
    qtbot.waitUntil(window.is_idle, timeout=WAIT)
    qtbot.wait(200)
    assert hub.review is None and hub.progress is None
    assert "cancelled; nothing changed" in window.statusBar().currentMessage()
    assert _count(nz_record) == before


@pytest.mark.parametrize("content", [b"", b"plain words, no document at all"])
def test_a_file_that_is_no_document_is_one_message_naming_it(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, nz_record: Record, tmp_path: Path,
        content: bytes) -> None:
    window = _window(qtbot, runner, nz_db)
    hub = _hub(window)
    bad = tmp_path / "minutes.docx"
    bad.write_bytes(content)
    before = _count(nz_record)
    hub.read(bad)
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in window.findChildren(QMessageBox)), timeout=WAIT)
    box = next(w for w in window.findChildren(QMessageBox) if w.isVisible())
    assert "minutes.docx" in box.text()
    assert hub.review is None and _count(nz_record) == before
    box.close()


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_f1_on_the_review_screen_opens_its_part_of_the_guide(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, nz_db: Path, nz_record: Record, tmp_path: Path) -> None:
    window = _window(qtbot, runner, nz_db)
    dialog = _hub(window).show_review(plan(nz_record, previews.concluding_observations(
        tmp_path)))
    facts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "paragraphs 12, 20, due 2018-08-25" in facts and "2020-12-22" in facts
    assert "Treaty-body concluding observations" in facts and "Particular importance" in facts
    dialog.grab().save("/tmp/document_review_co.png")
    dialog.activateWindow()
    qtbot.keyClick(dialog.table, Qt.Key.Key_F1)
    guide = UserGuide.of(window)
    assert guide is not None
    qtbot.waitUntil(lambda: guide._window is not None and guide._window.isVisible(),
                    timeout=WAIT)
    assert guide._window is not None and guide._window.current_anchor == "import-un-document"
    guide._window.close()
    assert dialog.isVisible()


def test_review_model_is_a_sound_item_model_and_edits_lists(qtmodeltester, nz_record: Record,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    model = ReviewModel(plan(nz_record, previews.concluding_observations(tmp_path)))
    qtmodeltester.check(model, force_py=True)
    assert model.index(3, THEMES).data() == "Migrant workers"  # its section heading
    assert model.setData(model.index(3, THEMES), "Migrant workers; Te Tiriti o Waitangi")
    assert model.rows[3].themes == ("Migrant workers", "Te Tiriti o Waitangi")
    assert model.rows[3].section == ""
    assert model.setData(model.index(3, STATES), "Aotearoa; ; Niue")
    assert model.rows[3].recommending_states == ("Aotearoa", "Niue")
    assert model.setData(model.index(3, SDGS), "16; 10")
    assert not model.setData(model.index(3, TEXT), "   ")  # words are kept
    assert set(model.edits()) == {3} and model.excluded() == set()
