"""The bundle inbox: real bundles imported through the view land merged, held or rejected."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.services.exchange.inbox import list_inbox
from nmrf_desktop.ui.exchange.inbox_model import InboxColumn, InboxModel
from nmrf_desktop.ui.exchange.inbox_view import InboxView
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import World, add_action, forge_bundle


def _statuses(model: InboxModel) -> list[tuple[int | None, str]]:
    """(sequence, status) of every inbox row, in order (the forged bundle has none)."""
    return sorted(((r.sequence, r.status) for r in model.rows()),
                  key=lambda p: (p[0] is None, p[0] or 0, p[1]))


def _three_bundles(world: World, outbox: Path) -> tuple[Path, Path, Path, Path]:
    aroha = world.laptop("aroha", "MOJ")
    ids = world.rec_ids()
    bundles = []
    for n in range(3):
        add_action(aroha, ids, f"Plan {n + 1}")
        bundles.append(aroha.export(outbox))
    stranger = SigningKey.generate()
    forged = forge_bundle(outbox / "stranger.nmrfbundle", stranger, "MOJ", [ChangeLine(
        "7d0c2f7e-0000-4000-8000-000000000001", "action",
        "7d0c2f7e-0000-4000-8000-000000000002", "insert", {"title": "x"}, None)])
    return bundles[0], bundles[1], bundles[2], forged


def _view(qtbot, tasks: TaskRunner, world: World) -> InboxView:  # type: ignore[no-untyped-def]
    view = InboxView(tasks, world.central)
    qtbot.addWidget(view)
    view.resize(1100, 650)
    view.show()
    qtbot.waitUntil(view.is_idle)
    return view


def test_merged_held_and_rejected_with_reasons(qtbot, qtmodeltester, tasks: TaskRunner,
                                               world: World, outbox: Path) -> None:
    first, second, third, forged = _three_bundles(world, outbox)
    view = _view(qtbot, tasks, world)
    assert view.model.rowCount() == 0

    with qtbot.waitSignal(view.bundlesImported, timeout=20_000):
        view.import_files([first, third, forged])
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(view.model)
    assert _statuses(view.model) == [(1, "merged"), (3, "held"), (None, "rejected")]
    by_status = {r.status: r for r in view.model.rows()}
    merged, held, rejected = by_status["merged"], by_status["held"], by_status["rejected"]
    assert "has not arrived yet" in held.reason
    assert rejected.file == forged.name and "unknown" in rejected.reason.lower()
    assert (merged.file, merged.agency, merged.officer) == (first.name, "MOJ", "aroha")
    assert merged.changes == 1  # one change: the new action with its links
    # What the table shows, and the summary above it.
    row = view.model.row_of(rejected.id)
    assert view.model.index(row, InboxColumn.STATUS).data() == "Rejected"
    assert view.model.index(row, InboxColumn.REASON).data() == rejected.reason
    assert view.message.kind == "error"
    assert "1 merged" in view.message.text() and "1 held" in view.message.text()
    assert forged.name in view.message.text()

    # The details panel shows the held bundle's manifest contents.
    view.table.selectRow(view.model.row_of(held.id))
    qtbot.waitUntil(lambda: "aroha" in view.detail.toPlainText(), timeout=10_000)
    details = view.detail.toPlainText()
    assert "Held" in details and "has not arrived yet" in details and "MOJ" in details

    # The missing bundle arrives: it merges and the held one is released.
    with qtbot.waitSignal(view.bundlesImported, timeout=20_000):
        view.import_files([second])
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() >= 4, timeout=10_000)
    statuses = _statuses(view.model)
    # One row per bundle: the held row itself turns into a merged one, under its own name.
    assert sorted(statuses, key=str) == sorted(
        [(1, "merged"), (2, "merged"), (3, "merged"), (None, "rejected")], key=str)
    held_row = next(r for r in list_inbox(world.central) if r.sequence == 3)
    assert held_row.file == third.name and "then merged" in held_row.reason
    assert "2 merged" in view.message.text()  # the bundle and the one it released


def test_dropping_bundle_files_imports_them(qtbot, tasks: TaskRunner, world: World,
                                            outbox: Path) -> None:
    first, *_ = _three_bundles(world, outbox)
    view = _view(qtbot, tasks, world)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(first)),
                  QUrl.fromLocalFile(str(outbox / "notes.txt"))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(view.bundlesImported, timeout=20_000) as blocker:
        view.dropEvent(event)
    assert [r.status for r in blocker.args[0]] == ["merged"]
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 1, timeout=10_000)


def test_without_a_record_the_inbox_is_empty_and_import_is_off(qtbot,
                                                               tasks: TaskRunner) -> None:
    view = InboxView(tasks, None)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 0
    assert not view.import_button.isEnabled()
