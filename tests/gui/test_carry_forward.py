"""Carry Work Forward in the window: the review screen on real New Zealand data, carry and
decline with Edit → Undo, a laptop refused, and the lineage lines in the detail pane."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import AssignmentRole, ImplementationStatus
from nmrf_desktop.services import carry_forward, entry, overlap
from nmrf_desktop.services.assigning import assign, assign_lead_defaults
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.models import ActionLink, Assignment, Setting
from nmrf_desktop.store.overlap_models import CarryForward
from nmrf_desktop.ui.exchange.common import JobProgress
from nmrf_desktop.ui.overlap.carry_dialog import CarryDialog
from nmrf_desktop.ui.overlap.carry_jobs import carry_all, decline_all
from nmrf_desktop.ui.overlap.carry_lineage import REFERENCE_SCHEME, reference_url
from nmrf_desktop.ui.overlap.carry_model import (
    ACTION,
    AGENCY,
    CANDIDATE,
    KEY_ROLE,
    KIND_ROLE,
    NAME,
    SUGGESTION,
    CarryModel,
    Decision,
)
from nmrf_desktop.ui.overlap.carry_undo import CARRY_CHANGES
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow
from tests.gui.test_accessibility import unnamed_controls
from tests.gui.test_translations import (
    CLOSE,
    database_data,
    escaped,
    pseudo,  # noqa: F401  (the fixture)
    texts_of,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
WAIT = 15_000
ACTION_TITLE = "Cabinet paper on ratifying the convention — Te Puni Kōkiri consulted"


@dataclass(frozen=True, slots=True)
class Pair:
    """A real repeated NZ recommendation and the earlier one given work in the fixture."""

    new_id: str
    new_ref: str
    earlier_id: str
    earlier_ref: str
    action_id: str


def _prepare(record: Record, role: str = "coordinator") -> Pair:
    """Leads by default, overlaps found, and on the earlier recommendation of the first
    suggestion: a contributing agency with a macron in its name, an action, an update."""
    save_profile(record, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    assign_lead_defaults(record)  # the same lead on both: nothing of it to carry
    overlap.update(record)
    # The first cluster the detector found that joins the two cycles.
    new, old = next((new, old) for c in overlap.cluster_summaries(record)
                    for old in c.members if old.cycle == 1
                    for new in c.members if new.cycle == 2)
    assign(record, "TPK", AssignmentRole.CONTRIBUTING, ids=[old.id])
    action = entry.create_action(record, ActionDraft(
        title=ACTION_TITLE, agency="MFAT", recommendation_ids=(old.id,)))
    entry.add_progress(record, ProgressDraft(
        recommendation_id=old.id, agency="MFAT",
        status=ImplementationStatus.IN_PROGRESS, narrative="Officials are consulting iwi."))
    offered = {(s.recommendation_id, c.earlier_id) for s in carry_forward.suggestions(record)
               for c in s.candidates}
    assert (new.id, old.id) in offered
    if role != "coordinator":
        save_profile(record, Profile(role=role, agency="MOJ", officer_name="Test Officer"))
    return Pair(new.id, new.reference, old.id, old.reference, action.id)


@pytest.fixture
def pair(nz_record: Record) -> Pair:
    return _prepare(nz_record)


def _window(qtbot, runner: TaskRunner, db: Path, coordinator: bool = True) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    window.open_database(db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator == coordinator, timeout=WAIT)
    return window


def _open_dialog(qtbot, window: MainWindow) -> CarryDialog:  # type: ignore[no-untyped-def]
    hub = window.overlap.carry
    qtbot.waitUntil(lambda: hub.central is True and hub.action.isEnabled(), timeout=WAIT)
    hub.action.trigger()
    dialog = hub.dialog
    assert dialog is not None and dialog.isVisible()
    _settle(qtbot, window, dialog)
    return dialog


def _settle(qtbot, window: MainWindow, dialog: CarryDialog | None = None) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.is_idle() and (dialog is None or not (
        dialog.busy or dialog.update_pending)), timeout=WAIT)


def _shown(qtbot, dialog: CarryDialog) -> None:  # type: ignore[no-untyped-def]
    """The counts and buttons follow the ticks and the selection (after the event loop)."""
    qtbot.waitUntil(lambda: not dialog.update_pending, timeout=WAIT)


def _find(model: CarryModel, key: tuple[str, ...]) -> QModelIndex:
    def walk(parent: QModelIndex) -> QModelIndex | None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, NAME, parent)
            if index.data(KEY_ROLE) == key:
                return index
            found = walk(index)
            if found is not None:
                return found
        return None
    found = walk(QModelIndex())
    assert found is not None, f"no row {key}"
    return found


def _candidate_keys(model: CarryModel) -> list[tuple[str, ...]]:
    tops = [model.index(row, NAME) for row in range(model.rowCount())]
    return [model.index(r, NAME, top).data(KEY_ROLE) for top in tops
            for r in range(model.rowCount(top))]


def _assignments(record: Record, rec_id: str) -> dict[str, str]:
    with record.reading() as session:
        return dict(session.execute(select(Assignment.agency_code, Assignment.role).where(
            Assignment.recommendation_id == rec_id, Assignment.active.is_(True))).tuples().all())


def _linked(record: Record, action_id: str) -> set[str]:
    with record.reading() as session:
        return set(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id)).scalars())


def _decisions(record: Record) -> list[tuple[str, str, str]]:
    with record.reading() as session:
        return list(session.execute(select(CarryForward.recommendation_id,
                                           CarryForward.earlier_id,
                                           CarryForward.verdict)).tuples().all())


# -- the model ---------------------------------------------------------------------------


def test_model_passes_the_model_tester_and_starts_unticked(qtmodeltester, pair: Pair,  # type: ignore[no-untyped-def]
                                                           nz_record: Record) -> None:
    found = carry_forward.suggestions(nz_record)
    model = CarryModel()
    model.set_suggestions(found)
    qtmodeltester.check(model)
    assert model.rowCount() == len(found) and model.candidate_count() == sum(
        len(s.candidates) for s in found)
    assert model.cluster_count() == len({s.cluster_id for s in found})
    assert model.decisions() == []  # nothing is carried without a decision
    candidate = _find(model, (pair.new_id, pair.earlier_id))
    assert candidate.data(KIND_ROLE) == CANDIDATE
    assert candidate.data() == f"repeats {pair.earlier_ref}"
    kinds = [model.index(r, NAME, candidate).data(KIND_ROLE)
             for r in range(model.rowCount(candidate))]
    assert kinds == [AGENCY, ACTION]
    agency = model.index(0, NAME, candidate)
    assert agency.data() == "Assign TPK (contributing)"
    assert model.index(0, 2, candidate).data() == "Te Puni Kōkiri – Ministry of Māori Development"
    assert model.index(1, 2, candidate).data() == ACTION_TITLE

    # Ticking one item makes its candidate and suggestion partly chosen; the candidate
    # row ticks all under it; unticking the suggestion clears them.
    assert model.setData(agency, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert candidate.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    top = candidate.parent()
    assert top.data(KIND_ROLE) == SUGGESTION
    assert top.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.PartiallyChecked
    (decision,) = model.decisions()
    assert (decision.agencies, decision.actions) == (("TPK",), ())
    model.setData(candidate, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    (decision,) = model.decisions()
    assert (decision.agencies, decision.actions) == (("TPK",), (pair.action_id,))
    model.setData(top, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.decisions() == []
    assert not model.setData(model.index(0, 2, candidate), Qt.CheckState.Checked.value,
                             Qt.ItemDataRole.CheckStateRole)  # only the first column ticks

    # A reload keeps the ticks still offered, and drops the rest.
    model.setData(agency, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.set_suggestions(found, model.checked_keys())
    qtmodeltester.check(model)
    assert [(d.agencies, d.actions) for d in model.decisions()] == [(("TPK",), ())]
    model.set_suggestions([], model.checked_keys())
    assert model.rowCount() == 0 and model.decisions() == []


# -- the review screen --------------------------------------------------------------------


def test_carry_applies_and_undo_takes_it_back(qtbot, runner: TaskRunner, pair: Pair,  # type: ignore[no-untyped-def]
                                              nz_record: Record, db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    model = dialog.model
    offered = len(carry_forward.suggestions(nz_record))
    assert model.rowCount() == offered > 0
    assert f"{offered} repeated recommendations in" in dialog.windowTitle()
    assert not dialog.carry_button.isEnabled()  # nothing ticked yet
    assert pair.earlier_ref in dialog.details.toPlainText()  # the first row, both texts

    # The keyboard: the tree has the focus; Space ticks the current row.
    candidate = _find(model, (pair.new_id, pair.earlier_id))
    agency = model.index(0, NAME, candidate)
    dialog.select(agency)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert agency.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    action = model.index(1, NAME, candidate)
    dialog.select(action)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    _shown(qtbot, dialog)
    assert dialog.carry_button.isEnabled()
    assert "2 assignment" not in dialog.summary.text()
    assert "1 assignment to add" in dialog.summary.text()
    assert "1 action to link" in dialog.summary.text()
    assert "TPK" not in _assignments(nz_record, pair.new_id)

    qtbot.mouseClick(dialog.carry_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, window, dialog)
    assert _assignments(nz_record, pair.new_id)["TPK"] == "contributing"
    assert pair.new_id in _linked(nz_record, pair.action_id)
    assert (pair.new_id, pair.earlier_id, "carried") in _decisions(nz_record)
    assert dialog.message.kind == "success" and "Carried work forward to 1 recommendation" \
        in dialog.message.text()
    qtbot.waitUntil(lambda: (pair.new_id, pair.earlier_id) not in _candidate_keys(model),
                    timeout=WAIT)  # the pair decided is offered no more
    stack = window.undo_stack
    assert stack.count() == 1 and stack.undoText() == f"Carry Work Forward to {pair.new_ref}"

    # Edit → Undo (Ctrl+Z in the screen) takes exactly that back; the screen offers it again.
    dialog.activateWindow()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not stack.canUndo(), timeout=WAIT)
    _settle(qtbot, window, dialog)
    qtbot.waitUntil(lambda: "TPK" not in _assignments(nz_record, pair.new_id), timeout=WAIT)
    assert pair.new_id not in _linked(nz_record, pair.action_id)
    assert _decisions(nz_record) == []
    assert "Undone: 1 carry-forward decision" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: model.rowCount() == offered, timeout=WAIT)
    # Offered again, unticked: carrying it once more is a new decision (or Redo).
    again = _find(model, (pair.new_id, pair.earlier_id))
    assert again.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    # Redo carries the same again.
    window.window_actions.redo.trigger()
    qtbot.waitUntil(lambda: "TPK" in _assignments(nz_record, pair.new_id), timeout=WAIT)
    _settle(qtbot, window, dialog)
    assert pair.new_id in _linked(nz_record, pair.action_id)
    dialog.close()


def test_decline_removes_it_from_the_list_and_undo_offers_it_again(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, pair: Pair, nz_record: Record, db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    model = dialog.model
    before = model.candidate_count()
    dialog.select(_find(model, (pair.new_id, pair.earlier_id)))
    _shown(qtbot, dialog)
    assert dialog.decline_button.isEnabled()
    qtbot.mouseClick(dialog.decline_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, window, dialog)
    qtbot.waitUntil(lambda: model.candidate_count() == before - 1, timeout=WAIT)
    assert (pair.new_id, pair.earlier_id, "declined") in _decisions(nz_record)
    assert (pair.new_id, pair.earlier_id) not in _candidate_keys(model)
    assert "TPK" not in _assignments(nz_record, pair.new_id)  # a decline carries nothing
    assert window.undo_stack.undoText() == (f"Decline Carrying {pair.earlier_ref} to "
                                            f"{pair.new_ref}")
    window.window_actions.undo.trigger()
    qtbot.waitUntil(lambda: model.candidate_count() == before, timeout=WAIT)
    assert _decisions(nz_record) == []
    dialog.close()


def test_select_all_in_this_cluster_ticks_only_that_cluster(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                            pair: Pair, db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    model = dialog.model
    top = _find(model, (pair.new_id,))
    dialog.select(top)
    cluster = model.node(top).suggestion.cluster_id  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.select_cluster_button, Qt.MouseButton.LeftButton)
    chosen = model.decisions()
    assert chosen and {d.suggestion.cluster_id for d in chosen} == {cluster}
    in_cluster = sum(len(s.candidates) for s in model.suggestions if s.cluster_id == cluster)
    assert len(chosen) == in_cluster
    assert "in this cluster" in dialog.message.text()
    _shown(qtbot, dialog)
    dialog.clear_button.click()
    assert model.decisions() == []
    dialog.close()


def test_empty_state_is_said(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                             db_path: Path) -> None:
    save_profile(nz_record, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    overlap.update(nz_record)  # clusters, but no earlier recommendation has any work
    assert carry_forward.suggestions(nz_record) == []
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    assert dialog.stack.currentWidget() is dialog.empty.parentWidget()
    assert dialog.empty.isVisible() and not dialog.intro.isVisible()
    assert dialog.empty.text() == ("No repeated recommendation has earlier work to carry "
                                   "forward.")
    assert "Suggestions come from the overlap clusters" in dialog.empty_hint.text()
    assert dialog.windowTitle() == "Carry Work Forward"
    assert not dialog.carry_button.isEnabled() and not dialog.decline_button.isEnabled()
    dialog.close()


def test_empty_before_detection_says_to_find_overlaps(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                     nz_record: Record, db_path: Path) -> None:
    save_profile(nz_record, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    assign_lead_defaults(nz_record)  # work on every recommendation, but no clusters yet
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    assert dialog.empty.isVisible() and dialog.model.rowCount() == 0
    assert "use Find Overlaps on the Overlaps tab first" in dialog.empty_hint.text()
    dialog.close()


def test_the_clusters_tab_opens_it(qtbot, runner: TaskRunner, pair: Pair,  # type: ignore[no-untyped-def]
                                   db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    hub = window.overlap
    hub.show_action.trigger()
    _settle(qtbot, window)
    button = hub.view.carry_button
    assert button.isVisible() and button.isEnabled() and "&W" in button.text()
    qtbot.waitUntil(lambda: hub.carry.central is True, timeout=WAIT)
    button.click()
    assert hub.carry.dialog is not None and hub.carry.dialog.isVisible()
    _settle(qtbot, window, hub.carry.dialog)
    hub.carry.dialog.close()


# -- a laptop ------------------------------------------------------------------------------


def test_an_officer_laptop_cannot_open_it(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                          db_path: Path) -> None:
    _prepare(nz_record, role="officer")
    window = _window(qtbot, runner, db_path, coordinator=False)
    hub = window.overlap.carry
    assert not hub.action.isEnabled()
    assert not window.window_actions.coordinator_menu.menuAction().isVisible()
    assert not window.overlap.view.carry_button.isVisibleTo(window)
    assert hub.open_dialog() is None and hub.dialog is None
    assert "laptop copy" in window.statusBar().currentMessage()


def test_a_coordinator_profile_on_a_laptop_copy_is_refused(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                           nz_record: Record,
                                                           db_path: Path) -> None:
    _prepare(nz_record)
    with nz_record.unit_of_work() as session:  # it imported a pack: a laptop, whatever its role
        session.merge(Setting(key="pack_version", value="3"))
    window = _window(qtbot, runner, db_path)
    hub = window.overlap.carry
    qtbot.waitUntil(lambda: hub.central is False, timeout=WAIT)
    assert not hub.action.isEnabled()
    assert "laptop copy" in hub.action.statusTip()
    button = window.overlap.view.carry_button  # the Overlaps tab says so too
    assert not button.isEnabled() and "laptop copy" in button.toolTip()
    assert hub.open_dialog() is None and hub.dialog is None
    with pytest.raises(carry_forward.CarryRefused):  # and the service says so too
        carry_forward.decline(nz_record, "NZL-UPR18-001", "NZL-UPR5-003")


# -- lineage in the detail pane -----------------------------------------------------------


def test_detail_pane_shows_the_lineage_both_ways(qtbot, runner: TaskRunner, pair: Pair,  # type: ignore[no-untyped-def]
                                                 nz_record: Record, db_path: Path) -> None:
    carry_forward.carry(nz_record, pair.new_ref, pair.earlier_ref)
    window = _window(qtbot, runner, db_path)
    pane = window.detail
    window.open_recommendation(pair.new_id)
    qtbot.waitUntil(lambda: pane.current_id == pair.new_id and bool(pane.lineage),
                    timeout=WAIT)
    _settle(qtbot, window)
    text = pane.toPlainText()
    assert f"Repeats {pair.earlier_ref} (cycle 1)" in text
    assert (f"Repeats {pair.earlier_ref} (cycle 1) · 1 assignment added · 1 action linked · "
            "decided by Secretariat on ") in text
    assert reference_url(pair.earlier_ref) in pane.toHtml()
    if os.environ.get("NMRF_SCREENSHOTS"):
        window.resize(1280, 860)
        window.splitter.setSizes([300, 520])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SCREENSHOTS / "carry-forward-lineage.png"))
    pane.anchorClicked.emit(QUrl(reference_url(pair.earlier_ref)))
    qtbot.waitUntil(lambda: pane.current_id == pair.earlier_id and bool(pane.lineage),
                    timeout=WAIT)
    _settle(qtbot, window)
    assert f"Repeated by {pair.new_ref} (cycle 2)" in pane.toPlainText()
    assert window.model.id_at(window.table.currentIndex().row()) == pair.earlier_id
    assert REFERENCE_SCHEME == "nmrf-ref"

    # An undo made elsewhere (the CLI, another window) shows once the record says changed.
    (decision,) = carry_forward.lineage_of(nz_record, pair.new_id)
    carry_forward.undo(nz_record, decision.id)
    window.did_change(CARRY_CHANGES)
    qtbot.waitUntil(lambda: pane.lineage == [], timeout=WAIT)
    assert "Repeated by" not in pane.toPlainText()


# -- what it looks like --------------------------------------------------------------------


def test_screenshot_with_real_nz_data(qtbot, runner: TaskRunner, pair: Pair,  # type: ignore[no-untyped-def]
                                      db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    model = dialog.model
    candidate = _find(model, (pair.new_id, pair.earlier_id))
    model.setData(model.index(0, NAME, candidate), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    dialog.select(candidate)
    dialog.resize(1180, 680)
    _shown(qtbot, dialog)
    assert dialog.carry_button.isEnabled() and "1 assignment to add" in dialog.summary.text()
    image = dialog.grab()
    assert image.width() >= 1000
    if os.environ.get("NMRF_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        image.save(str(SCREENSHOTS / "carry-forward.png"))
    dialog.close()


# -- translatable and named ----------------------------------------------------------------


def test_every_text_is_translatable_and_every_control_named(  # type: ignore[no-untyped-def]
        qtbot, pseudo, runner: TaskRunner, pair: Pair, nz_record: Record,  # noqa: F811
        db_path: Path) -> None:
    carry_forward.carry(nz_record, pair.new_ref, pair.earlier_ref, agencies=["TPK"],
                        actions=[])
    window = _window(qtbot, runner, db_path)
    assert window.windowTitle().endswith(CLOSE), "the pseudo-translator is not in use"
    dialog = _open_dialog(qtbot, window)
    assert dialog.model.rowCount() > 0  # others repeat the same earlier one
    dialog.select(dialog.model.index(0, NAME))
    dialog.select_cluster()  # the message strip and the summary, filled
    data = database_data(nz_record, window) | {"TPK", "MFAT", ACTION_TITLE} | {
        c.earlier_text for s in dialog.model.suggestions for c in s.candidates} | {
        c.reason for s in dialog.model.suggestions for c in s.candidates} | {
        s.text for s in dialog.model.suggestions}
    model = dialog.model

    def every_cell(parent: QModelIndex) -> list[tuple[str, str]]:
        out = []
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                out += [(f"cell {index.data(KEY_ROLE)} {column}", value) for value in (
                    index.data(), index.data(Qt.ItemDataRole.ToolTipRole),
                    index.data(Qt.ItemDataRole.AccessibleTextRole)) if isinstance(value, str)]
            out += every_cell(model.index(row, NAME, parent))
        return out
    cells = every_cell(QModelIndex())
    for shown in ("Assign TPK", "Link action (MFAT)", "repeats ", "(cluster "):
        assert any(shown in text for _w, text in cells), shown  # every kind of row
    headers = [(f"header {n}", model.headerData(n, Qt.Orientation.Horizontal))
               for n in range(model.columnCount())]
    problems = escaped(iter([*texts_of(dialog), *cells, *headers]), data)
    assert not problems, "strings not translated:\n" + "\n".join(problems)
    assert not unnamed_controls(dialog)
    dialog.close()
    window.open_recommendation(pair.new_id)
    qtbot.waitUntil(lambda: bool(window.detail.lineage), timeout=WAIT)
    line = next(line for line in window.detail.toPlainText().splitlines()
                if pair.earlier_ref in line and "⟦" in line)
    assert "⟦Repeats {0} (cycle {1})⟧" not in line  # the reference and cycle filled in
    assert escaped(iter([("lineage", line)]), data) == []


# -- long, stopped, refused ------------------------------------------------------------------


def _all_decisions(record: Record) -> list[Decision]:
    return [Decision(s, c, tuple(a[0] for a in c.agencies), tuple(a[0] for a in c.actions))
            for s in carry_forward.suggestions(record) for c in s.candidates]


def test_stop_keeps_what_was_taken_and_a_refusal_stops_the_rest(pair: Pair,  # type: ignore[no-untyped-def]
                                                                 nz_record: Record) -> None:
    chosen = _all_decisions(nz_record)
    assert len(chosen) > 3
    job = JobProgress()
    job.cancel()  # the coordinator pressed Stop as the first decision was being taken
    outcome = carry_all(nz_record, chosen, job)
    assert outcome.stopped and len(outcome.done) == 1 and not outcome.refusal
    assert len(_decisions(nz_record)) == 1 and job.snapshot() == (1, len(chosen))

    # The first is decided now: carrying the same list again is refused at once, by name.
    outcome = carry_all(nz_record, chosen)
    first = chosen[0]
    assert outcome.done == [] and outcome.refusal.startswith(first.suggestion.reference)
    assert "already decided" in outcome.refusal
    # From the second on, everything goes through; declines are refused the same way.
    outcome = carry_all(nz_record, chosen[1:], JobProgress())
    assert len(outcome.done) == len(chosen) - 1 and not outcome.stopped
    refused = decline_all(nz_record, [(first.suggestion, first.candidate)])
    assert refused.done == [] and "already decided" in refused.refusal


def test_nothing_ticked_carries_nothing(qtbot, runner: TaskRunner, pair: Pair,  # type: ignore[no-untyped-def]
                                        nz_record: Record, db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    assert not dialog.carry_button.isEnabled() and not dialog.clear_button.isEnabled()
    dialog.carry_selected()  # even if called: nothing ticked, nothing done
    _settle(qtbot, window, dialog)
    assert _decisions(nz_record) == [] and window.undo_stack.count() == 0
    dialog.tree.selectionModel().clearSelection()
    dialog.tree.setCurrentIndex(QModelIndex())
    _shown(qtbot, dialog)
    assert not dialog.decline_button.isEnabled()
    dialog.decline_selected()
    _settle(qtbot, window, dialog)
    assert _decisions(nz_record) == []
    dialog.close()


def test_undo_keeps_an_assignment_with_work_since_and_says_so(  # type: ignore[no-untyped-def]
        qtbot, runner: TaskRunner, pair: Pair, nz_record: Record, db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    dialog = _open_dialog(qtbot, window)
    candidate = _find(dialog.model, (pair.new_id, pair.earlier_id))
    dialog.model.setData(candidate, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    _shown(qtbot, dialog)
    dialog.carry_button.click()
    _settle(qtbot, window, dialog)
    assert _assignments(nz_record, pair.new_id)["TPK"] == "contributing"
    entry.add_progress(nz_record, ProgressDraft(
        recommendation_id=pair.new_id, agency="TPK", status=ImplementationStatus.IN_PROGRESS,
        narrative="Hui held with iwi on the new recommendation."))
    window.window_actions.undo.trigger()
    _settle(qtbot, window, dialog)

    def told() -> QMessageBox | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
                     and w.isVisible() and "stay" in w.text()), None)
    qtbot.waitUntil(lambda: told() is not None, timeout=WAIT)
    box = told()
    assert box is not None and pair.new_ref in box.text() and "TPK" in box.text()
    box.close()
    assert _assignments(nz_record, pair.new_id)["TPK"] == "contributing"  # kept
    assert pair.new_id not in _linked(nz_record, pair.action_id)  # the link went
    assert _decisions(nz_record) == []
    dialog.close()


def test_keyboard_only(qtbot, runner: TaskRunner, pair: Pair, nz_record: Record,  # type: ignore[no-untyped-def]
                       db_path: Path) -> None:
    window = _window(qtbot, runner, db_path)
    qtbot.waitUntil(lambda: window.overlap.carry.action.isEnabled(), timeout=WAIT)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.overlap.carry.dialog
    assert dialog is not None
    _settle(qtbot, window, dialog)
    qtbot.waitUntil(lambda: dialog.tree.hasFocus(), timeout=WAIT)
    assert dialog.tree.currentIndex().data(KIND_ROLE) == SUGGESTION  # the first row
    # Tab moves on through the texts to the buttons; the tree comes first.
    order = []
    widget = dialog.tree
    for _ in range(4):
        widget = widget.nextInFocusChain()
        while not (widget.isVisible() and widget.isEnabled()
                   and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget = widget.nextInFocusChain()
        order.append(widget)
    assert order[0] is dialog.details and order[1] is dialog.select_cluster_button
    # Alt+A ticks the cluster, Alt+C carries it.
    dialog.select(_find(dialog.model, (pair.new_id,)))
    qtbot.keyClick(dialog, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.model.decisions()), timeout=WAIT)  # an animated click
    chosen = dialog.model.decisions()
    _shown(qtbot, dialog)
    assert chosen and dialog.carry_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    _settle(qtbot, window, dialog)
    qtbot.waitUntil(lambda: len(_decisions(nz_record)) == len(chosen), timeout=WAIT)
    assert _assignments(nz_record, pair.new_id)["TPK"] == "contributing"
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.overlap.carry.dialog is None, timeout=WAIT)
