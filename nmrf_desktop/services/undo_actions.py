"""Undo and redo of actions: a new action, an edit, a cancellation (see `services.undo`).

A new action whose changes never left is removed with its links, its evidence and their
unsent changes; once sent it is cancelled. An edit (or cancellation) still unsent is
dropped from the log and the action gets back its values and version, as if it never
happened; once sent, the earlier values are appended as a new change. Evidence attached
in the same save goes the way `services.undo` takes evidence.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from nmrf_desktop.domain.entry import ActionRecord, InvalidEntry
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services.entry import (
    ACTION_FIELDS,
    action_record,
    change_action,
    insert_action,
)
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.undo import (
    Outcome,
    RemovedEvidence,
    delete_unnamed_files,
    put_evidence_back,
    restore_files,
    take_back_evidence,
)
from nmrf_desktop.store import audit
from nmrf_desktop.store.changes import (
    change_has_left,
    drop_unsent,
    has_left,
    latest_change,
    plain_fields,
)
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Change,
    Evidence,
    RecordVersion,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class ActionUndo:
    outcome: Outcome
    before: ActionRecord  # the action as it was before the undo
    after: ActionRecord | None  # as the undo left it (None: removed from the record)
    evidence: tuple[RemovedEvidence, ...] = ()  # removed with it
    kept_evidence: int = 0  # evidence that had left and stays



# -- whether an undo would remove or correct (for the Undo command's text) -----------------

def action_has_left(record: Record, action_id: str) -> bool:
    """Whether the action, or evidence attached to it, has left (undo would cancel it)."""
    with record.reading() as session:
        return _action_left(session, action_id)


def edit_has_left(record: Record, before: ActionRecord, after: ActionRecord,
                  evidence_added: int = 0) -> bool:
    """Whether the change that took the action from `before` to `after` has left (or can no
    longer be told apart from later changes): undo would then append, not drop it. A save
    that changed no field but attached evidence: whether that evidence left."""
    with record.reading() as session:
        row = session.get(Action, after.id)
        if row is None:
            return True
        if _diff(before, after):
            return _droppable(session, row, before, after) is None
        return any(has_left(session, "evidence", [e.id])
                   for e in _last_evidence(session, row.id, evidence_added))


# -- undo and redo ---------------------------------------------------------------------------

def undo_create_action(record: Record, action_id: str) -> ActionUndo:
    """Take back a new action, in one transaction.

    Not yet sent: the action, its links, its evidence and all their unsent changes are
    deleted (evidence files no other row names go too). Sent: it is cancelled, a new change.
    """
    actor = record.actor()
    with record.unit_of_work() as session:
        row = _action_row(session, action_id)
        before = action_record(session, row)
        if _action_left(session, row.id):
            change_action(session, row, {"status": ActionStatus.CANCELLED.value}, None, actor)
            audit.append(session, "action.undo", actor=actor, entity="action",
                         entity_id=row.id, details={"outcome": Outcome.CORRECTED.value,
                                                    "status": row.status})
            return ActionUndo(Outcome.CORRECTED, before, action_record(session, row))
        rows = list(session.execute(select(Evidence).where(
            Evidence.action_id == row.id)).scalars())
        removed, _kept, orphans = take_back_evidence(session, rows)
        drop_unsent(session, "action", [row.id])
        session.execute(delete(ActionLink).where(ActionLink.action_id == row.id))
        session.execute(delete(RecordVersion).where(RecordVersion.entity == "action",
                                                    RecordVersion.entity_id == row.id))
        session.delete(row)
        session.flush()
        audit.append(session, "action.undo", actor=actor, entity="action", entity_id=before.id,
                     details={"outcome": Outcome.REMOVED.value, "title": before.title,
                              "evidence": len(removed)})
    delete_unnamed_files(record, orphans)
    return ActionUndo(Outcome.REMOVED, before, None, removed)


def revert_action(record: Record, before: ActionRecord, after: ActionRecord,
                  evidence_added: int = 0) -> ActionUndo:
    """Take back the change that took an action from `before` to `after` (an edit or a
    cancellation), and the `evidence_added` files attached with it, in one transaction.

    Not yet sent: that change is dropped from the unsent log and the action has its values
    and version from before it, as if it never happened. Sent: `before`'s values of the
    fields it changed are appended as a new change.
    """
    actor = record.actor()
    with record.unit_of_work() as session:
        row = _action_row(session, after.id)
        now = action_record(session, row)
        made = _diff(before, after)
        change = _droppable(session, row, before, after)
        if change is not None:
            session.delete(change)
            _put_back(session, row, before, made, after.version)
            outcome = Outcome.REMOVED
        else:
            change_action(session, row, _values(before, made),
                          before.recommendation_ids if "recommendation_ids" in made else None,
                          actor)
            outcome = Outcome.REMOVED if not made else Outcome.CORRECTED
        removed, kept, orphans = take_back_evidence(
            session, _last_evidence(session, row.id, evidence_added))
        audit.append(session, "action.undo", actor=actor, entity="action", entity_id=row.id,
                     details={"outcome": outcome.value, "fields": sorted(made),
                              "evidence": len(removed)})
        session.flush()
        result = ActionUndo(outcome, now, action_record(session, row), removed, kept)
    delete_unnamed_files(record, orphans)
    return result


def redo_action(record: Record, undone: ActionUndo, sources: Sequence[Path] = ()
                ) -> ActionRecord:
    """Put back what `undo_create_action` or `revert_action` took back; the action now.

    Removed: made again as new (same id and values, new unsent changes), with its evidence
    (a file the evidence folder lost is stored again from `sources`, the files attached).
    Corrected: the correcting change is dropped while unsent, else appended back.
    """
    if undone.outcome is not Outcome.REMOVED:
        if undone.after is None:
            raise InvalidEntry("action", "Nothing to redo.")
        return revert_action(record, undone.before, undone.after).after or undone.before
    restore_files(record, undone.evidence, sources)
    actor = record.actor()
    action = undone.before
    with record.unit_of_work() as session:
        if undone.after is None:
            if session.get(Action, action.id) is not None:
                raise InvalidEntry("action", "That action is already in the record.")
            row = insert_action(session, action.draft(), actor, action.id)
        else:
            row = _action_row(session, action.id)
            made = _diff(undone.after, action)
            change_action(session, row, _values(action, made),
                          action.recommendation_ids if "recommendation_ids" in made else None,
                          actor)
        restored = put_evidence_back(session, undone.evidence)
        audit.append(session, "action.redo", actor=actor, entity="action", entity_id=row.id,
                     details={"outcome": "added" if undone.after is None else "changed",
                              "evidence": len(restored)})
        session.flush()
        return action_record(session, row)


def _action_row(session: Session, action_id: str) -> Action:
    row = session.get(Action, action_id)
    if row is None:
        raise InvalidEntry("action", "That action is no longer in the record.")
    return row


def _action_left(session: Session, action_id: str) -> bool:
    evidence = list(session.execute(select(Evidence.id).where(
        Evidence.action_id == action_id)).scalars())
    return has_left(session, "action", [action_id]) or any(
        has_left(session, "evidence", [e]) for e in evidence)


def _fields(action: ActionRecord) -> dict[str, Any]:
    fields = {name: getattr(action, name) for name in ACTION_FIELDS}
    fields["recommendation_ids"] = sorted(action.recommendation_ids)
    return plain_fields(fields)


def _diff(before: ActionRecord, after: ActionRecord) -> dict[str, Any]:
    """The fields (JSON form, as the change log holds them) that differ: `after`'s values."""
    old, new = _fields(before), _fields(after)
    return {k: v for k, v in new.items() if old[k] != v}


def _values(action: ActionRecord, names: dict[str, Any]) -> dict[str, object]:
    return {k: getattr(action, k) for k in names if k != "recommendation_ids"}


def _droppable(session: Session, row: Action, before: ActionRecord, after: ActionRecord
               ) -> Change | None:
    """The unsent change that took the action from `before` to `after`, if it can be taken
    out: it is the action's latest change, it holds exactly those fields, nothing changed
    them since, and it has not left."""
    made = _diff(before, after)
    if not made:
        return None
    change = latest_change(session, "action", row.id)
    if change is None or change.op != "update" or json.loads(change.fields) != made:
        return None
    now = _fields(action_record(session, row))
    if any(now[k] != v for k, v in made.items()) or change_has_left(session, change):
        return None
    return change


def _put_back(session: Session, row: Action, before: ActionRecord, made: dict[str, Any],
              version_after: int) -> None:
    """`before`'s values of the fields in `made`, and the version before the change (when
    nothing moved it since: a pack may have set the central record's version meanwhile)."""
    version = version_after - 1 if row.version == version_after else row.version
    if row.version == version_after:
        session.execute(delete(RecordVersion).where(
            RecordVersion.entity == "action", RecordVersion.entity_id == row.id,
            RecordVersion.version == version_after, RecordVersion.origin == "local"))
    table = Action.__table__
    session.execute(update(table).where(table.c.id == row.id).values(
        **_values(before, made), version=version, updated_at=utcnow()))
    if "recommendation_ids" in made:
        session.execute(delete(ActionLink).where(ActionLink.action_id == row.id))
        for rid in sorted(set(before.recommendation_ids)):
            session.add(ActionLink(action_id=row.id, recommendation_id=rid))
    session.flush()
    session.expire(row)


def _last_evidence(session: Session, action_id: str, count: int) -> list[Evidence]:
    """The `count` evidence rows last recorded for an action (by change-log order)."""
    if count <= 0:
        return []
    return list(session.execute(
        select(Evidence).join(Change, and_(Change.entity == "evidence",
                                           Change.entity_id == Evidence.id,
                                           Change.op == "insert"))
        .where(Evidence.action_id == action_id)
        .order_by(Change.seq.desc()).limit(count)).scalars())
