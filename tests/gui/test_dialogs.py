"""Every dialog refuses bad input with a message beside the field, and saves nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QDateEdit, QLabel

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog, entry, facets
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import EVIDENCE_MAX_BYTES
from nmrf_desktop.ui.entry.action_dialog import ActionDialog
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.profile_dialog import ProfileDialog

WAIT = 10_000


@pytest.fixture
def ids(nz_record: Record) -> list[str]:
    return [r.id for r in catalog.search_recommendations(nz_record, Filters(), limit=2)]


def _saved_counts(record: Record) -> tuple[object, ...]:
    stats = catalog.stats(record)
    return stats["actions"], stats["evidence"], stats["progress_updates"]


def _action_dialog(qtbot, runner: TaskRunner, record: Record, ids: list[str],  # type: ignore[no-untyped-def]
                   **kwargs) -> ActionDialog:
    dialog = ActionDialog(runner, record, facets.agency_choices(record), "MOJ", **kwargs)
    qtbot.addWidget(dialog)
    dialog.picker.load_ids(ids)
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    dialog.title.setText("A good title")
    return dialog


def _refused(qtbot, dialog, runner: TaskRunner, record: Record, field: str,  # type: ignore[no-untyped-def]
             words: str) -> None:
    before = _saved_counts(record)
    dialog.save()
    qtbot.waitUntil(lambda: not runner.busy and not dialog.saving, timeout=WAIT)
    label = dialog.errors._labels[field]
    assert label.isVisibleTo(dialog), dialog.errors.shown()
    assert words in label.text()
    assert _saved_counts(record) == before
    assert dialog.result() != dialog.DialogCode.Accepted


def test_action_needs_a_title(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                              ids: list[str]) -> None:
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    dialog.title.setText("   ")
    _refused(qtbot, dialog, runner, nz_record, "title", "needs a title")


def test_target_before_start_is_refused(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                        ids: list[str]) -> None:
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    dialog.start.set_value(dt.date(2025, 5, 1))
    dialog.target.set_value(dt.date(2025, 4, 30))
    _refused(qtbot, dialog, runner, nz_record, "target_date", "before the start date")
    dialog.target.set_value(None)  # "no date" is allowed
    assert dialog.draft().target_date is None


def test_an_action_needs_a_recommendation(qtbot, runner: TaskRunner, nz_record: Record) -> None:  # type: ignore[no-untyped-def]
    dialog = _action_dialog(qtbot, runner, nz_record, [])
    _refused(qtbot, dialog, runner, nz_record, "recommendations", "at least one")


def test_empty_evidence_file_is_refused(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                        ids: list[str], tmp_path: Path) -> None:
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert not dialog.add_files([empty])
    assert "empty (0 bytes)" in dialog.errors._labels["file"].text()
    assert dialog.pending_files() == []


def test_evidence_over_the_cap_is_refused(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                          ids: list[str], tmp_path: Path) -> None:
    big = tmp_path / "huge.bin"
    with big.open("wb") as fh:  # sparse: one byte over the real cap, nothing written
        fh.truncate(EVIDENCE_MAX_BYTES.default + 1)
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    assert not dialog.add_files([big])
    assert "over the" in dialog.errors._labels["file"].text()


def test_evidence_that_changed_after_adding_saves_nothing(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                          nz_record: Record, ids: list[str],
                                                          tmp_path: Path) -> None:
    good, gone = tmp_path / "good.txt", tmp_path / "gone.txt"
    good.write_text("fine")
    gone.write_text("here for now")
    dialog = _action_dialog(qtbot, runner, nz_record, ids, max_bytes=100)
    assert dialog.add_files([good, gone])
    gone.unlink()  # unreadable by the time the officer saves
    _refused(qtbot, dialog, runner, nz_record, "file", "cannot be read")
    gone.write_bytes(b"x" * 101)  # now over this dialog's cap
    _refused(qtbot, dialog, runner, nz_record, "file", "over the 100 byte limit")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_evidence_is_refused(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                        ids: list[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(b"secret")
    locked.chmod(0)
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    assert not dialog.add_files([locked])
    assert "cannot be read" in dialog.errors._labels["file"].text()


def test_files_can_be_dropped_and_links_attached(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                 nz_record: Record, ids: list[str],
                                                 tmp_path: Path) -> None:
    dropped = tmp_path / "report.txt"
    dropped.write_text("report")
    dialog = _action_dialog(qtbot, runner, nz_record, ids)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    dialog.dropEvent(event)
    assert dialog.pending_files() == [dropped]
    assert not dialog.add_link("ftp://example.org/x")
    assert "https://" in dialog.errors._labels["file"].text()
    assert dialog.add_link("https://www.legislation.govt.nz/act/public/2023/0001/latest/")
    before = _saved_counts(nz_record)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=WAIT)
    actions, evidence, _ = _saved_counts(nz_record)
    assert (actions, evidence) == (before[0] + 1, before[1] + 2)  # type: ignore[operator]


def test_progress_update_needs_a_narrative(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                           ids: list[str]) -> None:
    dialog = UpdateDialog(runner, nz_record, ids[0], "NZL-UPR5-001",
                          facets.agency_choices(nz_record), "MOJ")
    qtbot.addWidget(dialog)
    dialog.narrative.setPlainText("  ")
    _refused(qtbot, dialog, runner, nz_record, "narrative", "narrative is empty")


@pytest.mark.parametrize("ahead", ["days", "year"])
def test_a_typed_future_as_of_date_is_kept_and_refused(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                       nz_record: Record, ids: list[str],
                                                       ahead: str) -> None:
    """The date typed stays as typed (Qt used to clamp it to another date) and Save says
    why it cannot be saved, beside the field."""
    dialog = UpdateDialog(runner, nz_record, ids[0], "NZL-UPR5-001",
                          facets.agency_choices(nz_record), "MOJ")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.narrative.setPlainText("The bill was introduced.")
    today = QDate.currentDate()
    typed = today.addDays(13) if ahead == "days" else today.addYears(1)
    dialog.as_of.setFocus()
    dialog.as_of.setSelectedSection(QDateEdit.Section.YearSection)
    QTest.keyClicks(dialog.as_of, typed.toString("yyyyMMdd"))  # each full part moves on
    assert dialog.as_of.date() == typed
    assert dialog.as_of.calendarPopup()
    _refused(qtbot, dialog, runner, nz_record, "as_of",
             f"The as-of date cannot be after today ({QLocale().toString(today, 'd MMMM yyyy')}).")
    assert dialog.as_of.date() == typed


def test_cancel_this_action_only_for_an_existing_action(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                        nz_record: Record,
                                                        ids: list[str]) -> None:
    new = _action_dialog(qtbot, runner, nz_record, ids)
    new.show()
    qtbot.waitExposed(new)
    assert not new.cancel_action_button.isVisible()
    action = entry.create_action(nz_record, ActionDraft(
        title="Review", agency="MOJ", recommendation_ids=tuple(ids)))
    dialog = _action_dialog(qtbot, runner, nz_record, ids, action=action)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.cancel_action_button.isVisible()
    with qtbot.waitSignal(dialog.cancelled, timeout=WAIT) as blocker:
        dialog.cancel_action_button.click()
    assert blocker.args[0].after.status == ActionStatus.CANCELLED.value
    assert dialog.result() == dialog.DialogCode.Accepted


def test_profile_dialog_needs_a_name(qtbot, nz_record: Record) -> None:  # type: ignore[no-untyped-def]
    dialog = ProfileDialog(facets.agency_choices(nz_record), first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._accept()
    assert "Enter your name" in dialog.errors._labels["officer_name"].text()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Te Tāhū o te Ture" in dialog.agency.itemText(dialog.agency.findData("MOJ"))


def test_profile_dialog_mnemonics_are_unique(qtbot, nz_record: Record) -> None:  # type: ignore[no-untyped-def]
    """Alt+letter names one control each; Coordinator is Alt+R (C is Cancel's where a style
    gives the standard buttons mnemonics)."""
    dialog = ProfileDialog(facets.agency_choices(nz_record), first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    widgets = [*dialog.findChildren(QAbstractButton), *dialog.findChildren(QLabel)]
    texts = [w.text() for w in widgets if w.isVisible() and "&" in w.text().replace("&&", "")]
    letters = [t[t.index("&") + 1].lower() for t in (x.replace("&&", "") for x in texts)]
    assert len(letters) == len(set(letters)), texts
    assert QKeySequence.mnemonic(dialog.coordinator.text()) == QKeySequence("Alt+R")
