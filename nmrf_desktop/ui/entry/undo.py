"""Undo and redo of this session's entries: the service decides, the Edit menu says which.

Each step runs on the task runner and calls `services.undo`, which takes back what never
left this computer (removes it, so nothing of it is sent or printed) and corrects what did
(a correcting progress entry, a cancellation, the old values as a new change). Evidence
that left stays, and undo says so.

A command's text names what the next undo will do, so the Edit menu reads "Undo Add
Progress Update on … (not sent yet: removes it)" or "(already sent: adds a correction)".
`Editing` asks again (`probe`) whenever the unsent change log may have changed, and each
step reports what it really did in the status bar. Once undone, the text is the plain
name, for "Redo …".

A command's record state (which entry the next undo takes, what the last undo removed) is
read and written only by its jobs, which run in order on the one worker, so an undo and a
redo pressed quickly each see the other's result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.domain.entry import (
    ActionRecord,
    EvidenceRecord,
    InvalidEntry,
    ProgressRecord,
)
from nmrf_desktop.services import undo as undoing, undo_actions
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.undo import EvidenceUndo, Outcome, ProgressUndo
from nmrf_desktop.services.undo_actions import ActionUndo
from nmrf_desktop.ui.plural import counted
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Undo"


@dataclass(frozen=True, slots=True)
class Context:
    """What a command needs of the window."""

    runner: TaskRunner
    record: Record
    changed: Callable[[], None]  # refresh the views that show what the command touches
    failed: Callable[[str], None]  # an error the user must see
    told: Callable[[str], None]  # what a step did, in the status bar


def context_of(window: Shell, changes: Changed) -> Context | None:
    """The context of a command on `window`'s open record (None when none is open); its
    steps tell the window they touched `changes`."""
    record = window.record
    if record is None:
        return None
    return Context(window.runner, record, lambda: window.did_change(changes), window.show_error,
                   lambda text: window.statusBar().showMessage(text, 8000))


def run_step(command: QUndoCommand, context: Context, name: str, job: Callable[[], Any],
             done: Callable[[Any], None], failure: str) -> None:
    """Run one undo or redo step of `command` on the worker: then `done(result)` (while the
    command still exists) and refresh the views; a failure is shown, naming the command."""

    def finished(result: Any) -> None:
        if shiboken6.isValid(command):
            done(result)
        context.changed()

    def failed(exc: BaseException) -> None:
        log.error("undo/redo step failed: %s", name, exc_info=exc)
        context.failed(failure.format(name, exc))
        context.changed()
    context.runner.run(job, finished, failed)


class EntryCommand(QUndoCommand):
    """A command whose first redo already happened (in a dialog) and whose steps run async."""

    def __init__(self, name: str, context: Context) -> None:
        super().__init__()
        self.name = name
        self._context = context
        self._record = context.record
        self._done = True  # on the undo side of the stack
        self._first_redo = True
        self._left = False  # the next undo corrects (it left) rather than removes
        self._show()

    # -- what the Edit menu shows -----------------------------------------------------------

    def suffix(self, left: bool) -> str:
        raise NotImplementedError

    def probe(self) -> bool:
        """On the worker: whether what the next undo takes has left this computer."""
        raise NotImplementedError

    def set_left(self, left: bool) -> None:
        """What the next undo will do is known again: say so (while it is the undo side's)."""
        self._left = left
        if self._done:
            self._show()

    def _show(self) -> None:
        if shiboken6.isValid(self):  # the stack may have been cleared meanwhile
            self.setText(f"{self.name} ({self.suffix(self._left)})" if self._done
                         else self.name)

    # -- steps ---------------------------------------------------------------------------------

    def undo(self) -> None:
        self._done = False
        self._show()
        self._run(self.undo_step, self.undone, _T(_C, "Could not undo “{0}”: {1}"))

    def redo(self) -> None:
        self._done = True
        if self._first_redo:
            self._first_redo = False  # the dialog did it; the stack only records it
            return
        self._show()
        self._run(self.redo_step, self._redone, _T(_C, "Could not redo “{0}”: {1}"))

    def undo_step(self) -> Any:
        raise NotImplementedError

    def undone(self, result: Any) -> None:
        raise NotImplementedError

    def redo_step(self) -> bool:
        """On the worker: put it back; whether what the next undo takes has left."""
        raise NotImplementedError

    def _redone(self, left: bool) -> None:
        self.set_left(left)
        self._context.told(_T(_C, "Redone: {0}.").format(self.name))

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None], failure: str) -> None:
        run_step(self, self._context, self.name, job, done, failure)


class AddProgressCommand(EntryCommand):
    """Undo removes the update while unsent, else appends a correcting entry."""

    def __init__(self, update: ProgressRecord, reference: str, context: Context) -> None:
        self._update = update
        self._reference = reference
        super().__init__(_T(_C, "Add Progress Update on {0}").format(reference), context)
        self._target = update.id  # the entry the next undo takes (a redo may add another)
        self._undone: ProgressUndo | None = None

    def suffix(self, left: bool) -> str:
        return _T(_C, "already sent: adds a correction") if left \
            else _T(_C, "not sent yet: removes it")

    def probe(self) -> bool:
        return undoing.progress_has_left(self._record, self._target)

    def undo_step(self) -> ProgressUndo:
        update = self._update
        note = _T(_C, "Correction: the progress update of {0} (“{1}”) was entered in error "
                  "and is withdrawn.").format(update.as_of.isoformat(), _short(update.narrative))
        self._undone = undoing.undo_progress(self._record, self._target, note)
        return self._undone

    def undone(self, result: ProgressUndo) -> None:
        ref = self._reference
        self._context.told(
            _T(_C, "Removed the unsent update on {0}.").format(ref)
            if result.outcome is Outcome.REMOVED else
            _T(_C, "Update on {0} already sent: correction added.").format(ref))

    def redo_step(self) -> bool:
        if self._undone is None:
            raise _not_undone()
        standing = undoing.redo_progress(self._record, self._undone)
        self._target = standing.id
        return undoing.progress_has_left(self._record, standing.id)


class CreateActionCommand(EntryCommand):
    """Undo removes the action (and its evidence) while unsent, else cancels it."""

    def __init__(self, action: ActionRecord, sources: Sequence[Path], context: Context) -> None:
        self._action = action
        self._sources = tuple(sources)
        super().__init__(_T(_C, "New Action “{0}”").format(_short(action.title, 40)), context)
        self._undone: ActionUndo | None = None

    def suffix(self, left: bool) -> str:
        return _T(_C, "already sent: cancels it") if left \
            else _T(_C, "not sent yet: removes it")

    def probe(self) -> bool:
        return undo_actions.action_has_left(self._record, self._action.id)

    def undo_step(self) -> ActionUndo:
        self._undone = undo_actions.undo_create_action(self._record, self._action.id)
        return self._undone

    def undone(self, result: ActionUndo) -> None:
        title = _short(self._action.title, 40)
        if result.outcome is Outcome.REMOVED:
            text = _T(_C, "Removed the unsent action “{0}”.").format(title)
            if result.evidence:
                n = len(result.evidence)
                text += " " + counted(_T(_C, "%n evidence item(s) with it.", "", n), n)
        else:
            text = _T(_C, "Action “{0}” already sent: cancelled.").format(title)
        self._context.told(text)

    def redo_step(self) -> bool:
        if self._undone is None:
            raise _not_undone()
        undo_actions.redo_action(self._record, self._undone, self._sources)
        return undo_actions.action_has_left(self._record, self._action.id)


class EditActionCommand(EntryCommand):
    """An edit or a cancellation (with the evidence attached in the same save): undo drops
    the change while unsent, else appends the earlier values as a new change."""

    def __init__(self, before: ActionRecord, after: ActionRecord, evidence_added: int,
                 sources: Sequence[Path], context: Context) -> None:
        cancelled = after.status == "cancelled" and before.status != "cancelled"
        self._cancelled = cancelled
        name = _T(_C, "Cancel Action “{0}”") if cancelled else _T(_C, "Edit Action “{0}”")
        super().__init__(name.format(_short(after.title, 40)), context)
        self._before, self._after = before, after
        self._evidence_added, self._sources = evidence_added, tuple(sources)
        self._undone: ActionUndo | None = None

    def suffix(self, left: bool) -> str:
        if left:
            return _T(_C, "already sent: adds a change back")
        return _T(_C, "not sent yet: removes the cancellation") if self._cancelled \
            else _T(_C, "not sent yet: removes the edit")

    def probe(self) -> bool:
        return undo_actions.edit_has_left(self._record, self._before, self._after,
                                     self._evidence_added)

    def undo_step(self) -> ActionUndo:
        self._undone = undo_actions.revert_action(self._record, self._before, self._after,
                                             self._evidence_added)
        return self._undone

    def undone(self, result: ActionUndo) -> None:
        title = _short(self._before.title, 40)
        if result.outcome is Outcome.REMOVED:
            text = _T(_C, "Took back the unsent change to “{0}”.").format(title)
        else:
            text = _T(_C, "Change to “{0}” already sent: earlier values sent again.").format(
                title)
        if result.kept_evidence:
            n = result.kept_evidence
            text += " " + counted(_T(_C, "%n evidence item(s) already sent stay.", "", n), n)
        self._context.told(text)

    def redo_step(self) -> bool:
        undone = self._undone
        if undone is None:
            raise _not_undone()
        now = undo_actions.redo_action(self._record, undone, self._sources)
        if undone.outcome is Outcome.REMOVED and undone.after is not None:
            self._before = undone.after  # the values the change starts from, as they are now
        self._after = now
        return self.probe()


class AttachEvidenceCommand(EntryCommand):
    """Undo removes evidence attached to a recommendation while unsent; sent, it stays."""

    def __init__(self, evidence: Sequence[EvidenceRecord], sources: Sequence[Path],
                 context: Context) -> None:
        self._ids = tuple(e.id for e in evidence)
        self._sources = tuple(sources)
        name = _T(_C, "Attach Evidence “{0}”").format(_short(evidence[0].display_name, 40)) \
            if len(evidence) == 1 else counted(_T(_C, "Attach %n Evidence File(s)", "",
                                                   len(evidence)), len(evidence))
        super().__init__(name, context)
        self._undone: EvidenceUndo | None = None

    def suffix(self, left: bool) -> str:
        return _T(_C, "already sent: stays in the record") if left \
            else counted(_T(_C, "not sent yet: removes %n file(s)", "", len(self._ids)),
                          len(self._ids))

    def probe(self) -> bool:
        return undoing.evidence_has_left(self._record, self._ids)

    def undo_step(self) -> EvidenceUndo:
        self._undone = undoing.undo_evidence(self._record, self._ids)
        return self._undone

    def undone(self, result: EvidenceUndo) -> None:
        if result.evidence:
            n = len(result.evidence)
            self._context.told(counted(_T(_C, "Removed %n unsent evidence file(s).", "", n),
                                       n))
        if result.kept:
            self._context.failed(counted(_T(
                _C, "%n evidence file(s) had already been sent to the secretariat, so they "
                "stay in the record: an update bundle cannot take evidence back.", "",
                result.kept), result.kept))

    def redo_step(self) -> bool:
        undone = self._undone
        if undone is None:
            raise _not_undone()
        if undone.evidence:
            undoing.redo_evidence(self._record, undone, self._sources)
        return undoing.evidence_has_left(self._record, self._ids)


def _not_undone() -> InvalidEntry:
    return InvalidEntry("undo", _T(_C, "its undo did not finish, so there is nothing to put "
                                       "back"))


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
