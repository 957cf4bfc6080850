"""Recording work from the main window: action and update dialogs, evidence, undo stack.

Every save is pushed on the undo stack as a command (ui/entry/undo). The text of the next
undo says whether it removes unsent work or corrects sent work; it is asked again whenever
the unsent change log may have changed (a write, an export, a pack) and when the Edit
menu opens.
"""

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
from nmrf_desktop.ui.entry.undo import (
    AddProgressCommand,
    AttachEvidenceCommand,
    Context,
    CreateActionCommand,
    EditActionCommand,
    EntryCommand,
    context_of,
)
from nmrf_desktop.ui.entry.update_dialog import UpdateDialog
from nmrf_desktop.ui.plural import counted
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
        self.undo_stack.indexChanged.connect(lambda _index: self.check_next_undo())
        window.changed.connect(self._changed)

    def _context(self, changes: Changed) -> Context | None:
        return context_of(self._window, changes)

    # -- what the next undo will do -------------------------------------------------------

    def _changed(self, changes: Changed) -> None:
        if changes.affects(Changed.EXCHANGE):  # an edit, an export, a pack: sent or not?
            self.check_next_undo()

    def next_undo(self) -> EntryCommand | None:
        index = self.undo_stack.index()
        command = self.undo_stack.command(index - 1) if index > 0 else None
        return command if isinstance(command, EntryCommand) else None

    def check_next_undo(self) -> None:
        """Ask again whether the next undo removes or corrects; its text follows."""
        command = self.next_undo()
        if command is None or self._window.runner.closed:
            return
        self._window.runner.run(command.probe, lambda left: self._checked(command, left),
                                self._check_failed, key="undo-probe")

    def _checked(self, command: EntryCommand, left: bool) -> None:
        command.set_left(left)
        if command is self.next_undo():  # the stack shows a command's text as it is pushed
            self.undo_stack.undoTextChanged.emit(self.undo_stack.undoText())

    def _check_failed(self, exc: BaseException) -> None:
        log.warning("could not tell whether the next undo was sent: %s", exc)

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
        dialog.saved.connect(lambda result: self._action_saved(result, dialog.pending_files()))
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
        dialog.saved.connect(lambda result: self._action_saved(result, dialog.pending_files()))
        dialog.cancelled.connect(lambda result: self._action_saved(result, []))
        dialog.open()
        return dialog

    def _action_saved(self, result: ActionSaved, files: list[Path]) -> None:
        """Record the save on the undo stack (`files`: those attached, for a redo that must
        store one again)."""
        context = self._context(ACTION_ENTRY)
        if context is not None:
            command: QUndoCommand
            if result.before is None:
                command = CreateActionCommand(result.after, files, context)
            else:
                command = EditActionCommand(result.before, result.after, result.evidence_added,
                                            files, context)
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
        context = self._context(PROGRESS_ENTRY)
        if context is not None:
            self.undo_stack.push(AddProgressCommand(update, reference, context))
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

        def done(attached: list[EvidenceRecord]) -> None:
            context = self._context(EVIDENCE_ENTRY)
            if attached and context is not None and context.record is record:
                self.undo_stack.push(AttachEvidenceCommand(attached, paths, context))
            n = len(attached)
            window.statusBar().showMessage(
                counted(self.tr("Attached %n evidence file(s).", "", n), n), 8000)
            window.did_change(EVIDENCE_ENTRY)

        def failed(exc: BaseException) -> None:
            log.error("evidence could not be attached", exc_info=exc)
            window.show_error(self.tr("The evidence was not attached.\n\n{0}").format(exc))
            window.did_change(EVIDENCE_ENTRY)  # files stored before the one that failed
        window.statusBar().showMessage(self.tr("Saving…"))
        window.runner.run(job, done, failed)
