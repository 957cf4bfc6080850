"""Wires carrying work forward into the main window: the menu command, the review screen,
its decisions on the undo stack, and the lineage lines in the detail pane."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.services import carry_forward, catalog
from nmrf_desktop.services.carry_forward import Lineage
from nmrf_desktop.ui.entry.undo import context_of
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.overlap.carry_dialog import CarryDialog
from nmrf_desktop.ui.overlap.carry_undo import CARRY_CHANGES, CarryCommand
from nmrf_desktop.ui.overlap.clusters_view import ClustersView
from nmrf_desktop.ui.window.hub import Hub
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "CarryForward"

# What may change the suggestions: clusters and decisions, and the work on recommendations.
SHOWN = Changed.OVERLAP | Changed.ASSIGNMENTS | Changed.ACTIONS | Changed.PROGRESS \
    | Changed.RECOMMENDATIONS


def laptop_reason() -> str:
    return _T(_C, "Only the coordinator carries work forward, on the central record: this "
                  "database is a laptop copy.")


class CarryHub(Hub):
    """Coordinator menu → Carry Work Forward…; decisions undoable; lineage for everyone."""

    def __init__(self, window: Shell, view: ClustersView | None = None) -> None:
        super().__init__(window)
        self._view = view  # the Overlaps tab, whose button opens the screen too
        self.dialog: CarryDialog | None = None
        self.central: bool | None = None  # the open record is the central one (None: unknown)
        menu = window.window_actions.coordinator_menu
        self.action = self.add_command(
            _T(_C, "Carry &Work Forward…"), self.open_dialog, "Ctrl+Shift+W",
            _T(_C, "Give repeated recommendations the agencies and actions of the earlier "
                   "ones they repeat"), menu)
        self.action.setObjectName("carryForwardAction")
        self.for_role(True, actions=(self.action,), hide_actions=False)
        detail = window.detail
        detail.detailShown.connect(self._load_lineage)
        detail.referenceActivated.connect(self._open_reference)
        window.databaseOpened.connect(lambda _path: self.opened())
        window.changed.connect(self._changed)
        self.follow_coordinator_menu()
        self.set_coordinator(False)

    # -- state ----------------------------------------------------------------------------

    def opened(self) -> None:
        """A database was opened: ask whether it is the central record; close the old screen."""
        self._follow_profile()
        if self.dialog is not None:
            self.dialog.close()
        self.central = None
        self._check_central()

    def set_coordinator(self, coordinator: bool) -> None:
        super().set_coordinator(coordinator)
        self._show_availability()
        if not coordinator and self.dialog is not None:
            self.dialog.close()  # an officer does not decide what is carried
        if coordinator and self._window.record is not None:
            self._check_central()  # the role is part of what makes a laptop

    def _check_central(self) -> None:
        record = self._window.record
        if record is None or self._window.runner.closed:
            return
        self._window.runner.run(lambda: carry_forward.can_decide(record),
                                guarded(self._central_known), guarded(self._check_failed))

    def _central_known(self, central: bool) -> None:
        self.central = central
        self._show_availability()

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("could not tell whether this is the central record: %s", exc)

    def _show_availability(self) -> None:
        can = self._coordinator and self.central is not False
        self.action.setEnabled(can)
        tip = _T(_C, "Give repeated recommendations the agencies and actions of the earlier "
                     "ones they repeat")
        self.action.setStatusTip(tip if can or not self._coordinator else laptop_reason())
        self.action.setToolTip(self.action.statusTip())
        if self._view is not None:
            self._view.set_carry_refusal(laptop_reason() if self.central is False else "")

    def _changed(self, changes: Changed) -> None:
        if self.dialog is not None and self.dialog.isVisible() and changes.affects(SHOWN):
            self.dialog.refresh()

    # -- the review screen ------------------------------------------------------------------

    def open_dialog(self) -> CarryDialog | None:
        """The review screen (one at a time), for a coordinator on the central record."""
        window, record = self._window, self._window.record
        if record is None:
            return None
        if not self._coordinator or self.central is False:
            window.statusBar().showMessage(laptop_reason(), 8000)
            return None
        if self.dialog is not None:
            self.dialog.show()
            self.dialog.raise_()
            self.dialog.activateWindow()
            self.dialog.refresh()
            return self.dialog
        actions = window.window_actions
        dialog = CarryDialog(window.runner, record, window, (actions.undo, actions.redo))
        dialog.decided.connect(self._decided)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.dialog = dialog
        dialog.show()
        dialog.refresh()
        dialog.focus_first()
        return dialog

    def _closed(self, dialog: CarryDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            dialog.deleteLater()

    def _decided(self, verdict: str, decisions: list[Lineage]) -> None:
        window = self._window
        context = context_of(window, CARRY_CHANGES)
        if context is not None:
            window.undo_stack.push(CarryCommand(verdict, decisions, context))
        window.did_change(CARRY_CHANGES)

    # -- lineage in the detail pane ----------------------------------------------------------

    def _load_lineage(self, rec_id: str) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(lambda: carry_forward.lineage_of(record, rec_id),
                                guarded(self._lineage_loaded, rec_id),
                                guarded(self._lineage_failed), key="carry-lineage")

    def _lineage_loaded(self, rec_id: str, found: list[Lineage]) -> None:
        self._window.detail.show_lineage(rec_id, found)

    def _lineage_failed(self, exc: BaseException) -> None:
        log.warning("could not read the carry-forward lineage: %s", exc)

    def _open_reference(self, reference: str) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(lambda: catalog.ids_for_references(record, [reference]),
                                guarded(self._reference_found, reference))

    def _reference_found(self, reference: str, ids: dict[str, str]) -> None:
        rec_id = ids.get(reference)
        if rec_id is None:
            self._window.statusBar().showMessage(
                _T(_C, "{0} is not in this database.").format(reference), 8000)
            return
        self._window.open_recommendation(rec_id)
