"""Overlaps in the window: related list with reasons, clusters view decisions, cluster actions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from sqlalchemy import select

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.models import ActionLink
from nmrf_desktop.ui.overlap.clusters_view import ClustersModel, MembersModel
from nmrf_desktop.ui.overlap.hub import OverlapHub
from nmrf_desktop.ui.overlap.related_list import ANCHOR, RECOMMENDATION_SCHEME
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "resources" / "screenshots"
ICRMW = "Ratify the ICRMW, signed in 2007"


def hub_of(window: MainWindow) -> OverlapHub:
    """The window's overlap hub (built here until MainWindow builds it itself)."""
    hub = getattr(window, "overlap", None)
    if hub is None:
        hub = OverlapHub(window)
        window.overlap = hub  # type: ignore[attr-defined]
        hub.opened(window.record)
    return hub


def _coordinator_window(qtbot, runner: TaskRunner, db: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    record = open_record(db)
    save_profile(record, Profile(role="coordinator", agency="", officer_name="Secretariat"))
    record.close()
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    hub_of(window)
    window.open_database(db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator, timeout=10_000)
    return window


def _idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(window.is_idle, timeout=15_000)


def _rec_id(record: Record, text_start: str) -> str:
    from nmrf_desktop.store.models import Recommendation

    with record.reading() as session:
        found = session.execute(select(Recommendation.id).where(
            Recommendation.text.startswith(text_start))).scalars().first()
    assert found is not None
    return found


@pytest.fixture
def clustered_db(nz_db: Path, nz_record: Record) -> Path:
    overlap.update(nz_record)
    return nz_db


def _shoot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("NMRF_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SCREENSHOTS / name))


def test_models_pass_the_model_tester(qtmodeltester, nz_record: Record) -> None:  # type: ignore[no-untyped-def]
    overlap.update(nz_record)
    found = overlap.cluster_summaries(nz_record)
    clusters, members = ClustersModel(), MembersModel()
    clusters.set_clusters(found)
    members.set_members(found[0].members)
    qtmodeltester.check(clusters)
    qtmodeltester.check(members)
    assert clusters.rowCount() == len(found) and members.rowCount() == found[0].size


def test_related_list_shows_reasons_and_opens_one(qtbot, window: MainWindow,  # type: ignore[no-untyped-def]
                                                  nz_record: Record) -> None:
    hub = hub_of(window)
    target = _rec_id(nz_record, ICRMW)
    window.open_recommendation(target)
    _idle(qtbot, window)
    pane = window.detail
    assert pane.current_id == target
    assert pane.related is not None and not pane.related.detected
    assert "have not been looked for" in pane.toPlainText()
    assert "Find overlaps" not in pane.toPlainText()  # officers cannot run detection
    assert not hub.view.isVisibleTo(window)  # the clusters tab is the coordinator's

    overlap.update(nz_record)
    window.reload_detail()
    _idle(qtbot, window)
    related = pane.related
    assert related is not None and related.items
    text = pane.toPlainText()
    assert "Related recommendations" in text
    assert "Same instrument:" in text and "both ask to ratify the Migrant Workers" in text
    for item in related.items:
        assert item.reference in text and item.reason
    window.resize(1280, 860)
    window.splitter.setSizes([300, 520])
    pane.scrollToAnchor(ANCHOR)
    _shoot(window, "overlap-detail-related.png")

    other = related.items[0]
    pane.anchorClicked.emit(QUrl(f"{RECOMMENDATION_SCHEME}:{other.id}"))
    _idle(qtbot, window)
    assert pane.current_id == other.id
    assert window.model.id_at(window.table.currentIndex().row()) == other.id


def test_coordinator_finds_overlaps_from_the_detail_pane(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                         nz_db: Path, nz_record: Record) -> None:
    window = _coordinator_window(qtbot, runner, nz_db)
    hub = hub_of(window)
    assert window.tabs.isTabVisible(window.tabs.indexOf(hub.view))
    target = _rec_id(nz_record, ICRMW)
    window.open_recommendation(target)
    _idle(qtbot, window)
    assert "Find overlaps" in window.detail.toPlainText()
    window.detail.findOverlapsRequested.emit()
    qtbot.waitUntil(lambda: not hub.finding and window.is_idle(), timeout=20_000)
    _idle(qtbot, window)
    assert overlap.state(nz_record).clusters > 0
    related = window.detail.related
    assert related is not None and related.detected and related.items


def test_clusters_view_confirm_reject_split_merge(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                  clustered_db: Path, nz_record: Record) -> None:
    window = _coordinator_window(qtbot, runner, clustered_db)
    hub = hub_of(window)
    view = hub.view
    hub.show_action.trigger()
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.clusters.rowCount() > 0, timeout=10_000)
    _idle(qtbot, window)
    assert view.clusters.rowCount() == len(overlap.clusters(nz_record))
    biggest = view.current_cluster()
    assert biggest is not None and biggest.size == view.members.rowCount()
    assert view.clusters.data(view.clusters.index(0, 0)) == str(biggest.size)
    assert "ICRMW" in view.clusters.data(view.clusters.index(0, 5))
    window.resize(1280, 860)
    _shoot(window, "overlap-clusters-view.png")

    def together(a: str, b: str) -> bool:
        return any(a in c.references and b in c.references for c in overlap.clusters(nz_record))

    # Reject a pair: the two are no longer in one cluster.
    a, b = biggest.members[0], biggest.members[1]
    view.select_members([0, 1])
    assert view.reject_button.isEnabled() and view.confirm_button.isEnabled()
    view.reject_button.click()
    qtbot.waitUntil(lambda: view.message.kind == "success", timeout=10_000)
    _idle(qtbot, window)
    assert not together(a.reference, b.reference)
    shown = {view.clusters.cluster_at(r).id for r in range(view.clusters.rowCount())}  # type: ignore[union-attr]
    assert shown == {c.id for c in overlap.clusters(nz_record)}  # the view re-read them

    # Split two members off the (new) biggest cluster into their own.
    current = view.current_cluster()
    assert current is not None and current.size >= 4
    out = [current.members[-1], current.members[-2]]
    view.select_members([current.size - 1, current.size - 2])
    assert view.split_button.isEnabled()
    view.message.clear_message()
    view.split_button.click()
    qtbot.waitUntil(lambda: view.message.kind == "success", timeout=10_000)
    _idle(qtbot, window)
    assert together(out[0].reference, out[1].reference)
    assert not together(out[0].reference, current.members[0].reference)

    # Confirm a pair across clusters by merging two, then one pair confirmed by hand.
    first, second = view.clusters.cluster_at(0), view.clusters.cluster_at(1)
    assert first is not None and second is not None
    selection = view.cluster_table.selectionModel()
    for row in (0, 1):
        selection.select(view.clusters.index(row, 0),
                         selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    assert view.merge_button.isEnabled()
    view.message.clear_message()
    view.merge_button.click()
    qtbot.waitUntil(lambda: view.message.kind == "success", timeout=10_000)
    _idle(qtbot, window)
    assert together(first.members[0].reference, second.members[0].reference)

    view.select_cluster(0)
    view.select_members([0, 1])
    view.message.clear_message()
    view.confirm_button.click()
    qtbot.waitUntil(lambda: view.message.kind == "success", timeout=10_000)
    _idle(qtbot, window)
    pair_ = view.current_cluster()
    assert pair_ is not None
    assert "Confirmed" in view.message.text()


def test_officer_sees_no_decision_buttons(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = hub_of(window).view
    assert not view.confirm_button.isVisibleTo(view)
    assert not view.find_button.isVisibleTo(view)
    assert not hub_of(window).find_action.isEnabled()


def test_link_an_action_to_the_whole_cluster(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                             clustered_db: Path, nz_record: Record) -> None:
    window = _coordinator_window(qtbot, runner, clustered_db)
    hub = hub_of(window)
    view = hub.view
    hub.show_clusters()
    qtbot.waitUntil(lambda: view.clusters.rowCount() > 0, timeout=10_000)
    _idle(qtbot, window)
    cluster = view.current_cluster()
    assert cluster is not None and view.link_button.isEnabled()
    view.link_button.click()
    dialog = hub.action_dialog
    assert dialog is not None
    _idle(qtbot, window)
    assert set(dialog.picker.ids()) == set(cluster.member_ids)
    dialog.title.setText("Report to Cabinet on ratifying the ICRMW")
    dialog.agency.setCurrentIndex(max(0, dialog.agency.findData("MBIE")))
    undo_before = window.editing.undo_stack.count()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    _idle(qtbot, window)
    with nz_record.reading() as session:
        action_ids = set(session.execute(select(ActionLink.action_id).where(
            ActionLink.recommendation_id.in_(cluster.member_ids))).scalars())
        assert len(action_ids) == 1
        linked = set(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_ids.pop())).scalars())
    assert linked == set(cluster.member_ids)
    assert window.editing.undo_stack.count() == undo_before + 1
