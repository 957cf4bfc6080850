"""Undo and redo of carry-forward decisions on the window's undo stack (Edit → Undo).

A carry or a decline already happened in the review screen when its command is pushed;
undo asks `carry_forward.undo` to take back exactly what each decision added (last
first), redo takes the same decisions again. Steps run on the task runner, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.services import carry_forward
from nmrf_desktop.services.carry_forward import Lineage
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.entry.undo import Context, run_step
from nmrf_desktop.ui.plural import counted

_T = QCoreApplication.translate
_C = "CarryUndo"

# What a carry-forward decision touches: assignments, action links, and the decisions kept
# with the overlap clusters (the detail pane's lineage, the review screen).
CARRY_CHANGES = Changed.ASSIGNMENTS | Changed.ACTIONS | Changed.OVERLAP


def command_name(verdict: str, decisions: Sequence[Lineage]) -> str:
    n = len(decisions)
    if verdict == carry_forward.CARRIED:
        if n == 1:
            return _T(_C, "Carry Work Forward to {0}").format(decisions[0].reference)
        return counted(_T(_C, "Carry Work Forward to %n Recommendation(s)", "", n), n)
    if n == 1:
        return _T(_C, "Decline Carrying {0} to {1}").format(decisions[0].earlier_reference,
                                                           decisions[0].reference)
    return counted(_T(_C, "Decline %n Carry-Forward Suggestion(s)", "", n), n)


def undo_all(record: Record, decisions: Sequence[Lineage]) -> list[Lineage]:
    """On the worker: take back each decision, last first."""
    return [carry_forward.undo(record, d.id) for d in reversed(decisions)]


def redo_all(record: Record, decisions: Sequence[Lineage]) -> list[Lineage]:
    """On the worker: take the same decisions again (they were undone, so offered again)."""
    out = []
    for d in decisions:
        if d.verdict == carry_forward.CARRIED:
            out.append(carry_forward.carry(record, d.reference, d.earlier_reference,
                                           agencies=d.agencies, actions=d.actions,
                                           note=d.note))
        else:
            out.append(carry_forward.decline(record, d.reference, d.earlier_reference,
                                             note=d.note))
    return out


class CarryCommand(QUndoCommand):
    """One Carry Selected or Decline press: its decisions, undone and redone together."""

    def __init__(self, verdict: str, decisions: Sequence[Lineage], context: Context) -> None:
        super().__init__(command_name(verdict, decisions))
        self.verdict = verdict
        self.decisions = list(decisions)  # as now taken (a redo takes new ids)
        self._context = context
        self._first_redo = True

    def undo(self) -> None:
        record, decisions = self._context.record, list(self.decisions)
        self._run(lambda: undo_all(record, decisions), self._undone,
                  _T(_C, "Could not undo “{0}”: {1}"))

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False  # the review screen did it; the stack only records it
            return
        record, decisions = self._context.record, list(self.decisions)
        self._run(lambda: redo_all(record, decisions), self._redone,
                  _T(_C, "Could not redo “{0}”: {1}"))

    def _undone(self, undone: list[Lineage]) -> None:
        n = len(undone)
        self._context.told(counted(_T(_C, "Undone: %n carry-forward decision(s) taken back.",
                                      "", n), n))
        kept = [(d.reference, why) for d in undone for why in d.kept]
        if kept:  # work recorded against a carried assignment since: it stays, and we say so
            self._context.failed(_T(_C, "These assignments stay, because work was recorded "
                                        "against them after the carry:\n\n{0}").format(
                "\n".join(f"{ref}: {why}" for ref, why in kept)))

    def _redone(self, again: list[Lineage]) -> None:
        self.decisions = again
        self._context.told(_T(_C, "Redone: {0}.").format(self.text()))

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None], failure: str) -> None:
        run_step(self, self._context, self.text(), job, done, failure)
