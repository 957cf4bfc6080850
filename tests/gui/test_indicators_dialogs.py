"""Add Indicator… and Import Values… in the window: refusals shown by their fields, the SDG
completer, a real Open SDG file imported off the GUI thread (its report, then idempotent),
and a refused file naming row and column with the record unchanged."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from nmrf_desktop.services import indicator_views, indicators, sdg
from nmrf_desktop.ui.indicators.add_dialog import AddIndicatorDialog, split_references
from nmrf_desktop.ui.indicators.import_dialog import ImportValuesDialog
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.gui import test_indicators_page as page_tests
from tests.gui.test_discard_changes import answer_next_question
from tests.gui.test_indicators_page import DATA, hub, open_page

# The page tests' fixtures: the NZ central record with two indicators, its coordinator.
central_db, tasks, coordinator = page_tests.central_db, page_tests.tasks, page_tests.coordinator

NZ_XLSX = DATA / "nz_constructed_remand_by_ethnicity.xlsx"
NZ_CSV = DATA / "nz_constructed_remand_by_ethnicity.csv"
BAD_YEAR = DATA / "ons_indicator_5-5-1.csv"  # as published: years 1974a and 1974b


def _open_add(qtbot, window: MainWindow) -> AddIndicatorDialog:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = hub(window).add_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _count(window: MainWindow) -> int:
    record = window.record
    assert record is not None
    return len(indicators.list_indicators(record))


def test_add_indicator_names_every_refusal_by_its_field(qtbot, coordinator: MainWindow  # type: ignore[no-untyped-def]
                                                        ) -> None:
    window = coordinator
    open_page(qtbot, window)
    dialog = _open_add(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.code, timeout=5_000)
    # On its own: no code, no title, Māori data without its governance, a bad baseline.
    dialog.maori.setChecked(True)
    dialog.baseline_value.setText("about 38")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.errors.message("code") == "An indicator needs a code."
    assert dialog.errors.message("title") == "An indicator needs a title."
    assert dialog.errors.message("governance").startswith("Māori data needs the iwi/Māori")
    assert dialog.errors.message("baseline_value") == "The baseline 'about 38' is not a number."
    assert QApplication.focusWidget() is dialog.code
    # The record's refusals: a code it holds, an SDG target, an unknown reference.
    before = _count(window)
    dialog.maori.setChecked(False)
    dialog.baseline_value.clear()
    dialog.code.setText("pris-remand")
    dialog.title_en.setText("Another remand measure")
    dialog.sdg.setText("16.3")
    dialog.recommendations.setPlainText("NZL-UPR18-003, NZL-NOPE-1")
    dialog.submit()
    qtbot.waitUntil(lambda: bool(dialog.errors.message("sdg")), timeout=10_000)
    assert "already in the record" in dialog.errors.message("code")
    assert dialog.errors.message("sdg") == ("SDG 16.3 is a target, not an indicator: its "
                                            "indicators are 16.3.1, 16.3.2, 16.3.3.")
    assert dialog.errors.message("recommendations") == \
        "No recommendation with the reference NZL-NOPE-1."
    assert dialog.isVisible() and _count(window) == before


def test_the_sdg_completer_shows_titles_and_inserts_the_code(  # type: ignore[no-untyped-def]
        qtbot, coordinator: MainWindow) -> None:
    window = coordinator
    dialog = _open_add(qtbot, window)
    completer = dialog.completer
    completer.setCompletionPrefix("unsentenced")
    shown = completer.completionModel()
    assert shown.rowCount() == 1
    index = shown.index(0, 0)
    assert index.data() == f"16.3.2 — {sdg.title_of('16.3.2')}"
    completer.activated[type(index)].emit(index)  # type: ignore[index]
    assert dialog.sdg.text() == "16.3.2"
    assert dialog.sdg_title.text() == sdg.title_of("16.3.2")


@pytest.mark.parametrize("typed", [
    f"16.3.2 {sdg.title_of('16.3.2')}",  # what a suggestion hovered or highlighted leaves
    f"16.3.2 — {sdg.title_of('16.3.2')}",  # the suggestion as the list shows it
    "16.3.2  Unsentenced detainees",  # its start, spaced as typed
])
def test_a_suggestion_left_whole_in_the_field_is_its_code(  # type: ignore[no-untyped-def]
        qtbot, coordinator: MainWindow, typed: str) -> None:
    # Seen under Xvfb: moving the mouse over a suggestion put "16.3.2 Unsentenced detainees
    # ..." in the field, and the field's own check then refused it as no code.
    dialog = _open_add(qtbot, coordinator)
    dialog.sdg.setText(typed)
    assert dialog.draft().sdg == "16.3.2"
    assert dialog.sdg_title.text() == sdg.title_of("16.3.2")
    dialog.sdg.editingFinished.emit()  # leaving the field shows the code alone
    assert dialog.sdg.text() == "16.3.2"


def test_a_suggestion_chosen_shows_its_code_whatever_the_line_edit_does_after(  # type: ignore[no-untyped-def]
        qtbot, coordinator: MainWindow) -> None:
    # Under X11 the line edit took the suggestion's whole text after `activated`.
    dialog = _open_add(qtbot, coordinator)
    completer = dialog.completer
    completer.setCompletionPrefix("unsentenced")
    index = completer.completionModel().index(0, 0)
    completer.activated[type(index)].emit(index)  # type: ignore[index]
    dialog.sdg.setText(f"16.3.2 {sdg.title_of('16.3.2')}")  # what X11's line edit then did
    qtbot.waitUntil(lambda: dialog.sdg.text() == "16.3.2")


@pytest.mark.parametrize("typed", ["16.3.2 prisoners on remand", "16.3.2 — Remand",
                                   "unsentenced detainees"])
def test_other_text_beside_a_code_is_still_refused(  # type: ignore[no-untyped-def]
        qtbot, coordinator: MainWindow, typed: str) -> None:
    dialog = _open_add(qtbot, coordinator)
    dialog.sdg.setText(typed)
    assert dialog.draft().sdg == typed
    assert dialog.sdg_title.text() == ""


def test_an_indicator_added_is_selected_with_its_macrons(qtbot, coordinator: MainWindow  # type: ignore[no-untyped-def]
                                                         ) -> None:
    window = coordinator
    page = hub(window).page
    open_page(qtbot, window)
    dialog = _open_add(qtbot, window)
    dialog.code.setText("NZ-WHENUA")
    dialog.title_en.setText("Māori land returned through settlements")
    dialog.title_mi.setText("Te whenua Māori i whakahokia")
    dialog.kind.setCurrentIndex(dialog.kind.findData("process"))
    dialog.steward.setCurrentIndex(dialog.steward.findData("MOJ"))
    dialog.maori.setChecked(True)
    dialog.governance.setText("Te Kāhui Raraunga")
    dialog.recommendations.setPlainText("NZL-UPR18-003")
    with qtbot.waitSignal(page.detailShown, timeout=15_000):
        dialog.submit()
    assert hub(window).add_dialog is None
    assert page.current_code() == "NZ-WHENUA"
    text = page.facts.toPlainText()
    assert "Te whenua Māori i whakahokia" in text and "NZL-UPR18-003" in text
    assert "Māori data — governance: Te Kāhui Raraunga" in text
    assert "No values recorded yet." in text
    assert split_references("A-1, B-2;C-3\nD-4  E-5") == ("A-1", "B-2", "C-3", "D-4", "E-5")


def _open_import(qtbot, window: MainWindow) -> ImportValuesDialog:  # type: ignore[no-untyped-def]
    window.activateWindow()  # the offscreen platform does not, when a dialog closes
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = hub(window).import_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_import_values_through_the_dialog(qtbot, coordinator: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = coordinator
    record = window.record
    assert record is not None
    page = hub(window).page
    open_page(qtbot, window)
    dialog = _open_add(qtbot, window)
    dialog.code.setText("NZ-REMAND-2")
    dialog.title_en.setText("Remand, by ethnicity (second copy)")
    with qtbot.waitSignal(page.detailShown, timeout=15_000):
        dialog.submit()
    importing = _open_import(qtbot, window)
    assert importing.code() == "NZ-REMAND-2"  # the one selected
    assert not importing.import_button.isEnabled()  # no file yet
    importing.path.setText(str(NZ_XLSX))
    with NZ_CSV.open(encoding="utf-8", newline="") as fh:
        rows = len(list(csv.DictReader(fh)))
    importing.import_button.click()
    assert not importing.import_button.isEnabled() and importing.progress.isVisibleTo(
        importing)
    qtbot.waitUntil(lambda: bool(importing.outcome.text()), timeout=15_000)
    assert importing.outcome.text() == (f"{NZ_XLSX.name} into NZ-REMAND-2: {rows} new, "
                                        "0 changed, 0 unchanged.")
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.indicator.values == rows,
                    timeout=15_000)
    # Again: nothing changes.
    importing.import_button.click()
    qtbot.waitUntil(lambda: "unchanged." in importing.outcome.text()
                    and importing.import_button.isEnabled(), timeout=15_000)
    assert importing.outcome.text().endswith(f"0 new, 0 changed, {rows} unchanged.")
    # A refused file: every problem named by row and column, and nothing changed.
    held = indicators.values(record, "NZ-REMAND-2", history=True)
    importing.path.setText(str(BAD_YEAR))
    importing.import_button.click()
    qtbot.waitUntil(importing.error.isVisible, timeout=15_000)
    said = importing.error.text()
    assert "ons_indicator_5-5-1.csv, row 17, column 'Year': '1974a' is not a year" in said
    assert "row 18, column 'Year': '1974b'" in said
    assert said.endswith("Nothing was changed.")
    assert importing.outcome.text() == ""
    assert indicators.values(record, "NZ-REMAND-2", history=True) == held
    # A file that is not there.
    importing.path.setText(str(Path(DATA / "no-such-file.csv")))
    importing.import_button.click()
    qtbot.waitUntil(importing.error.isVisible, timeout=15_000)
    assert "no-such-file.csv" in importing.error.text()
    assert indicators.values(record, "NZ-REMAND-2", history=True) == held
    importing.close()



def _mnemonics(widget: QWidget) -> list[str]:
    found = [w.text() for w in widget.findChildren(QLabel) if w.buddy() is not None]
    found += [b.text() for b in widget.findChildren(QAbstractButton)]
    return [m.group(1).casefold() for t in found if (m := re.search(r"&(\w)", t))]


def test_every_field_has_its_own_mnemonic(qtbot, coordinator: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = coordinator
    open_page(qtbot, window)
    adding = _open_add(qtbot, window)
    keys = _mnemonics(adding)
    assert len(keys) >= 17 and len(keys) == len(set(keys)), keys
    qtbot.waitUntil(adding.isActiveWindow, timeout=5_000)
    qtbot.keyClick(adding, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # Māor&i data
    qtbot.waitUntil(adding.maori.isChecked, timeout=2_000)  # a mnemonic clicks, animated
    assert adding.governance.isEnabled()
    qtbot.keyClick(adding, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert adding.governance.hasFocus()
    asked = answer_next_question("Discard")  # a box ticked is a change: Escape asks first
    qtbot.keyClick(adding, Qt.Key.Key_Escape)
    assert [text for text, _default, _escape in asked] == ["Discard the changes you typed?"]
    assert hub(window).add_dialog is None
    importing = _open_import(qtbot, window)
    keys = _mnemonics(importing)
    assert len(keys) >= 4 and len(keys) == len(set(keys)), keys
    page = hub(window).page
    keys = _mnemonics(page)
    assert {"t", "a", "p"} <= set(keys) and len(keys) == len(set(keys)), keys
    importing.close()


def test_add_offers_the_recommendations_selected_in_the_browser(  # type: ignore[no-untyped-def]
        qtbot, coordinator: MainWindow) -> None:
    window = coordinator
    window.select_row(0)
    qtbot.waitUntil(lambda: bool(window.selected_ids()), timeout=10_000)
    record = window.record
    assert record is not None
    [chosen] = indicator_views.references_of(record, window.selected_ids())
    dialog = _open_add(qtbot, window)
    qtbot.waitUntil(lambda: dialog.recommendations.toPlainText() == chosen, timeout=10_000)
    assert chosen.startswith("NZL-")
