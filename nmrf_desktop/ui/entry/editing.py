"""Recording work from the main window: action and update dialogs, evidence, undo stack."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog

from nmrf_desktop.domain.changes import ACTION_ENTRY, EVIDENCE_ENTRY, PROGRESS_ENTRY, Changed
from nmrf_desktop.domain.entry import EvidenceRecord, ProgressRecord
from nmrf_desktop.services import workspace
from nmrf_desktop.services.entry import attach_file
from nmrf_desktop.ui.entry.action_dialog import ActionDialog, ActionSaved
from nmrf_desktop.ui.entry.undo import AddProgressCommand, CreateActionCommand, EditActionCommand
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)


class Editing(QObject):
    """Opens the dialogs, records what they saved on the undo stack, refreshes the window."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self._window = window
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undoStack")
        self.max_bytes: int | None = None  # the evidence cap (None: the setting's default)

    def _common(self, changes: Changed) -> tuple:  # type: ignore[type-arg]
        w = self._window
        return (w.runner, w.record, lambda: w.did_change(changes), w.show_error)

    def _own_agency(self) -> str:
        return self._window.profile.agency

    # -- actions ------------------------------------------------------------------------

    def new_action(self) -> ActionDialog | None:
        window = self._window
        if window.record is None:
            return None
        detail = window.detail.detail
        links = [detail.recommendation.id] + [
            i for i in window.selected_ids() if i != detail.recommendation.id] \
            if detail else window.selected_ids()
        agency = self._own_agency() or next(
            (a.code for a in (detail.assignments if detail else ())
             if a.role == "lead"), "")
        dialog = ActionDialog(window.runner, window.record, window.agencies, agency,
                              link_ids=links, can_choose_agency=window.profile.is_coordinator,
                              max_bytes=self.max_bytes, parent=window)
        dialog.saved.connect(self._action_saved)
        dialog.open()
        return dialog

    def edit_action(self, action_id: str) -> ActionDialog | None:
        window = self._window
        detail = window.detail.detail
        if window.record is None or detail is None:
            return None
        linked = next((a for a in detail.actions if a.action.id == action_id), None)
        if linked is None:
            return None
        dialog = ActionDialog(window.runner, window.record, window.agencies,
                              linked.action.agency, action=linked.action,
                              evidence=linked.evidence, max_bytes=self.max_bytes,
                              parent=window)
        dialog.saved.connect(self._action_saved)
        dialog.cancelled.connect(self._action_saved)
        dialog.open()
        return dialog

    def _action_saved(self, result: ActionSaved) -> None:
        command: QUndoCommand
        if result.before is None:
            command = CreateActionCommand(result.after, *self._common(ACTION_ENTRY))
        else:
            command = EditActionCommand(result.before, result.after,
                                        *self._common(ACTION_ENTRY))
        self.undo_stack.push(command)
        self._window.did_change(ACTION_ENTRY)

    # -- progress updates ---------------------------------------------------------------

    def new_update(self) -> UpdateDialog | None:
        window = self._window
        detail = window.detail.detail
        if window.record is None or detail is None:
            window.show_error(self.tr("Select a recommendation first."))
            return None
        rec = detail.recommendation
        agency = self._own_agency() or next(
            (a.code for a in detail.assignments if a.role == "lead"), "")
        dialog = UpdateDialog(window.runner, window.record, rec.id, rec.reference,
                              window.agencies, agency, current_status=rec.status,
                              can_choose_agency=window.profile.is_coordinator, parent=window)
        dialog.saved.connect(lambda update: self._update_saved(update, rec.reference))
        dialog.open()
        return dialog

    def _update_saved(self, update: ProgressRecord, reference: str) -> None:
        self.undo_stack.push(AddProgressCommand(update, reference,
                                                *self._common(PROGRESS_ENTRY)))
        self._window.did_change(PROGRESS_ENTRY)

    # -- evidence on the recommendation -------------------------------------------------

    def attach_evidence(self, paths: list[Path] | None = None) -> None:
        """Attach files to the selected recommendation for the officer's agency."""
        window = self._window
        detail, record = window.detail.detail, window.record
        if record is None or detail is None:
            window.show_error(self.tr("Select a recommendation first."))
            return
        agency = self._own_agency() or next(
            (a.code for a in detail.assignments if a.role == "lead"), "")
        if not agency:
            window.show_error(self.tr("Choose your agency (File → Your Role and Name) "
                                      "before attaching evidence."))
            return
        if paths is None:
            chosen, _ = QFileDialog.getOpenFileNames(window, self.tr("Attach Evidence"))
            paths = [Path(p) for p in chosen]
        if not paths:
            return
        rec_id, limit = detail.recommendation.id, self.max_bytes

        def job() -> list[EvidenceRecord]:
            for path in paths:  # all checked before any is stored
                workspace.check_evidence_file(path, limit)
            return [attach_file(record, p, agency=agency, recommendation_id=rec_id,
                                max_bytes=limit) for p in paths]
        window.run_write(job, lambda done: self.tr("Attached {0} evidence files.").format(
            len(done)), EVIDENCE_ENTRY)
