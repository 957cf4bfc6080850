"""Undo and redo of this session's edits, honest to a shared, append-only record.

Nothing shared is ever deleted, so undo never deletes either:

- creating an action: undo cancels it (status "cancelled"); redo restores the values it
  was created with (update_action).
- editing an action: undo updates it back to the values before the edit; redo re-applies.
- cancelling an action: undo restores the values it had before; redo cancels again.
- adding a progress update: the history is append-only and may already be in a bundle,
  so undo does not remove it. It appends a *correcting* entry, dated the same as-of day,
  whose status is what the history said without the undone update (not started when
  there was none) and whose narrative says which update was entered in error. Redo
  appends the original update again (a new entry, same status, narrative and as-of).
  Every step stays visible in the history and in the next bundle.

Each step runs on the task runner (database work off the GUI thread) and reads the
action's current version there, so undo after an edit made elsewhere fails with the
service's StaleEdit only when the record really changed under it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from nmrf_desktop.domain.entry import ActionRecord, InvalidEntry, ProgressDraft, ProgressRecord
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.services import workspace
from nmrf_desktop.services.entry import add_progress, cancel_action, update_action
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.entry.action_dialog import draft_of
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
_T = QCoreApplication.translate

Changed = Callable[[], None]


def _restore(record: Record, action: ActionRecord) -> ActionRecord:
    current = workspace.get_action(record, action.id)
    if current is None:
        raise InvalidEntry("action", "That action no longer exists.")
    return update_action(record, action.id, draft_of(action), current.version)


def _cancel(record: Record, action_id: str) -> ActionRecord:
    current = workspace.get_action(record, action_id)
    if current is None:
        raise InvalidEntry("action", "That action no longer exists.")
    return cancel_action(record, action_id, current.version)


class _RecordCommand(QUndoCommand):
    """A command whose first redo already happened (in a dialog) and whose steps run async."""

    def __init__(self, text: str, runner: TaskRunner, record: Record, changed: Changed,
                 failed: Callable[[str], None]) -> None:
        super().__init__(text)
        self._runner, self._record = runner, record
        self._changed, self._failed = changed, failed
        self._done_once = False

    def _run(self, job: Callable[[], Any]) -> None:
        self._runner.run(job, lambda _result: self._changed(), self._report)

    def _report(self, exc: BaseException) -> None:
        log.error("undo/redo step failed: %s", self.text(), exc_info=exc)
        self._failed(_T("Undo", "Could not {0}: {1}").format(self.text().lower(), exc))
        self._changed()

    def redo(self) -> None:
        if not self._done_once:
            self._done_once = True  # the dialog did it; the stack only records it
            return
        self.redo_step()

    def redo_step(self) -> None:
        raise NotImplementedError


class CreateActionCommand(_RecordCommand):
    def __init__(self, action: ActionRecord, *args: Any) -> None:
        super().__init__(_T("Undo", "New Action “{0}”").format(action.title), *args)
        self._action = action

    def undo(self) -> None:
        record, action_id = self._record, self._action.id
        self._run(lambda: _cancel(record, action_id))

    def redo_step(self) -> None:
        record, action = self._record, self._action
        self._run(lambda: _restore(record, action))


class EditActionCommand(_RecordCommand):
    """An edit, or a cancellation (after.status == cancelled): undo restores `before`."""

    def __init__(self, before: ActionRecord, after: ActionRecord, *args: Any) -> None:
        cancelled = after.status == "cancelled" and before.status != "cancelled"
        text = _T("Undo", "Cancel Action “{0}”") if cancelled \
            else _T("Undo", "Edit Action “{0}”")
        super().__init__(text.format(after.title), *args)
        self._before, self._after, self._cancelled = before, after, cancelled

    def undo(self) -> None:
        record, before = self._record, self._before
        self._run(lambda: _restore(record, before))

    def redo_step(self) -> None:
        record, after = self._record, self._after
        if self._cancelled:
            self._run(lambda: _cancel(record, after.id))
        else:
            self._run(lambda: _restore(record, after))


class AddProgressCommand(_RecordCommand):
    """Undo appends a correcting entry; redo appends the update again (see module doc)."""

    def __init__(self, update: ProgressRecord, reference: str, *args: Any) -> None:
        super().__init__(_T("Undo", "Progress Update on {0}").format(reference), *args)
        self._update = update
        self._latest_id = update.id  # the entry the next undo corrects

    def undo(self) -> None:
        record, update = self._record, self._update
        latest = self._latest_id
        note = _T("Undo", "Correction: the progress update of {0} (“{1}”) was entered in "
                  "error and is withdrawn.").format(update.as_of.isoformat(),
                                                   _short(update.narrative))

        def job() -> ProgressRecord:
            status = workspace.status_without(record, update.recommendation_id, latest)
            return add_progress(record, ProgressDraft(
                recommendation_id=update.recommendation_id, agency=update.agency,
                status=ImplementationStatus(status), narrative=note, as_of=update.as_of,
                is_public=update.is_public))
        self._run(job)

    def redo_step(self) -> None:
        record, update = self._record, self._update

        def job() -> ProgressRecord:
            return add_progress(record, ProgressDraft(
                recommendation_id=update.recommendation_id, agency=update.agency,
                status=ImplementationStatus(update.status), narrative=update.narrative,
                as_of=update.as_of, is_public=update.is_public))
        self._runner.run(job, self._redone, self._report)

    def _redone(self, again: ProgressRecord) -> None:
        self._latest_id = again.id
        self._changed()


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
