"""The bundle inbox: real bundles imported through the view land merged, held or rejected."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.inbox import SETTLED, InboxRow, list_inbox
from nmrf_desktop.ui.exchange.inbox_model import InboxColumn, InboxModel
from nmrf_desktop.ui.exchange.inbox_view import InboxView
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.test_inbox_rejections import unregistered_laptop
from tests.unit.exchange.world import World, add_action, forge_bundle


def _statuses(model: InboxModel) -> list[tuple[int | None, str]]:
    """(sequence, status) of every inbox row, in order (the forged bundle's sequence is
    the one it names, unverified)."""
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
    assert _statuses(view.model) == [(1, "merged"), (1, "rejected"), (3, "held")]
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
        [(1, "merged"), (2, "merged"), (3, "merged"), (1, "rejected")], key=str)
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


def _cell(view: InboxView, row: InboxRow, column: InboxColumn,
          role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    return view.model.index(view.model.row_of(row.id), column).data(role)


def _shoot(view: InboxView, name: str) -> None:
    """Save the view when NMRF_SHOTS names a folder (to look at it)."""
    folder = os.environ.get("NMRF_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()  # lay out the texts just set
        view.grab().save(str(Path(folder) / name))


def test_rejected_rows_name_who_unverified_and_what_to_do(qtbot, qtmodeltester,  # type: ignore[no-untyped-def]
                                                          tasks: TaskRunner, world: World,
                                                          outbox: Path) -> None:
    tui, pub = unregistered_laptop(world, "Tūī Ngata", "MOJ")
    add_action(tui, world.rec_ids(), "Hui with whānau in Ōtautahi")
    tui_bundle = tui.export(outbox)
    *_, forged = _three_bundles(world, outbox)
    view = _view(qtbot, tasks, world)
    with qtbot.waitSignal(view.bundlesImported, timeout=20_000):
        view.import_files([tui_bundle, forged])
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(view.model)
    assert view.count_label.text() == "2 bundles · 0 held · 2 rejected"
    message = view.message.text()  # what to do, once for the two unknown keys
    assert message.count("What to do: Register this officer's key") == 1
    assert tui_bundle.name in message and forged.name in message

    refused = next(r for r in view.model.rows() if r.file == tui_bundle.name)
    assert _cell(view, refused, InboxColumn.STATUS) == "Rejected"
    assert _cell(view, refused, InboxColumn.AGENCY) == "MOJ"
    assert _cell(view, refused, InboxColumn.OFFICER) == "Tūī Ngata (unverified)"
    assert _cell(view, refused, InboxColumn.OFFICER, Qt.ItemDataRole.FontRole).italic()
    assert "not verified" in str(_cell(view, refused, InboxColumn.AGENCY,
                                       Qt.ItemDataRole.ToolTipRole))
    assert _cell(view, refused, InboxColumn.CHANGES) == ""  # unknown, not "0"
    remedy = str(_cell(view, refused, InboxColumn.REMEDY))
    assert remedy.startswith("Register this officer's key: Exchange → Signing Keys → "
                             "Register from File…")

    # The details, reached from the keyboard, say the same and what the registry knows.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    while view.model.row_at(view.table.currentIndex().row()).id != refused.id:
        qtbot.keyClick(view.table, Qt.Key.Key_Down)
    # Each row's details are read in the background as the keys pass it: wait for this
    # row's (the row passed on the way, also rejected, has a "What to do" of its own).
    qtbot.waitUntil(lambda: "What to do" in view.detail.toPlainText()
                    and "Tūī Ngata" in view.detail.toPlainText(), timeout=10_000)
    details = view.detail.toPlainText()
    assert "Tūī Ngata (unverified)" in details and "not registered here" in details
    assert remedy in details and "none of them is verified" in details
    _shoot(view, "inbox-rejected.png")

    # The coordinator registers the key and imports the same file again: merged, and the
    # rejection shows as settled; only the forged bundle still needs action.
    keys.register_key(world.central, pub, officer="Tūī Ngata", agency="MOJ")
    with qtbot.waitSignal(view.bundlesImported, timeout=20_000):
        view.import_files([tui_bundle])
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(view.model)
    settled = next(r for r in view.model.rows() if r.id == refused.id)
    assert _cell(view, settled, InboxColumn.STATUS) == "Rejected, then merged"
    assert str(_cell(view, settled, InboxColumn.REMEDY)).startswith(
        "Nothing to do: merged later as bundle 1 of MOJ, on ")
    assert view.count_label.text() == ("3 bundles · 0 held · 1 rejected · "
                                       "1 rejected, then merged")
    # Still selected, its details now say so.
    qtbot.waitUntil(lambda: "Nothing to do: merged later" in view.detail.toPlainText(),
                    timeout=10_000)
    assert "Rejected, then merged" in view.detail.toPlainText()
    _shoot(view, "inbox-settled.png")

    # Show: Rejected lists what needs action; Rejected, then merged the settled one.
    view.filter.setFocus()
    view.filter.setCurrentIndex(view.filter.findData("rejected"))
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 1, timeout=10_000)
    assert view.model.rows()[0].file == forged.name
    view.filter.setCurrentIndex(view.filter.findData(SETTLED))
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rows()[0].id == refused.id,
                    timeout=10_000)
    assert view.model.rowCount() == 1


def test_a_held_row_says_which_bundle_it_waits_for(qtbot, tasks: TaskRunner, world: World,
                                                  outbox: Path) -> None:
    first, second, third, _forged = _three_bundles(world, outbox)
    view = _view(qtbot, tasks, world)
    with qtbot.waitSignal(view.bundlesImported, timeout=20_000):
        view.import_files([first, third])
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 2, timeout=10_000)
    held = next(r for r in view.model.rows() if r.status == "held")
    assert str(_cell(view, held, InboxColumn.REMEDY)).startswith(
        "Held until bundle 2 from this officer arrives; then both merge.")
    assert view.count_label.text() == "2 bundles · 1 held · 0 rejected"
    del second
