"""Version history of shared records (a snapshot of the fields at every version), and a
recommendation's history: its progress updates and the cycles it repeats."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    ProgressUpdate,
    Recommendation,
    RecordVersion,
)
from nmrf_desktop.store.overlap_models import CarryForward

ACTION_FIELDS = ("title", "description", "kind", "status", "start_date", "target_date",
                 "completed_date", "is_public", "agency_code")


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def action_fields(session: Session, row: Action) -> dict[str, Any]:
    """The shared fields of an action in JSON form, links included."""
    fields = {name: _plain(getattr(row, name)) for name in ACTION_FIELDS}
    fields["recommendation_ids"] = sorted(session.execute(
        select(ActionLink.recommendation_id).where(ActionLink.action_id == row.id)).scalars())
    return fields


def snapshot(session: Session, entity: str, entity_id: str, version: int,
             fields: dict[str, Any], origin: str, actor: str) -> None:
    session.add(RecordVersion(entity=entity, entity_id=entity_id, version=version,
                              fields=json.dumps(fields, ensure_ascii=False, sort_keys=True),
                              origin=origin, actor=actor))


def snapshot_action(session: Session, row: Action, origin: str, actor: str) -> None:
    session.flush()
    snapshot(session, "action", row.id, row.version, action_fields(session, row), origin, actor)


def fields_at(session: Session, entity: str, entity_id: str, version: int
              ) -> dict[str, Any] | None:
    """The fields as they were at `version`, or None if that version was never seen here."""
    text = session.execute(
        select(RecordVersion.fields).where(RecordVersion.entity == entity,
                                           RecordVersion.entity_id == entity_id,
                                           RecordVersion.version == version)
        .order_by(RecordVersion.seq.desc()).limit(1)).scalar()
    return None if text is None else json.loads(text)


def versions(session: Session, entity: str, entity_id: str) -> list[RecordVersion]:
    return list(session.execute(
        select(RecordVersion).where(RecordVersion.entity == entity,
                                    RecordVersion.entity_id == entity_id)
        .order_by(RecordVersion.seq)).scalars())


def changed_by_others(session: Session, entity: str, entity_id: str, base: int,
                      origin: str) -> set[str] | None:
    """Fields that someone other than `origin` changed after version `base`.

    None when version `base` was never seen here (nothing can be said for sure).
    """
    rows = session.execute(
        select(RecordVersion.version, RecordVersion.fields, RecordVersion.origin)
        .where(RecordVersion.entity == entity, RecordVersion.entity_id == entity_id,
               RecordVersion.version >= base)
        .order_by(RecordVersion.version, RecordVersion.seq)).all()
    if not rows or rows[0][0] != base:
        return None
    changed: set[str] = set()
    previous = json.loads(rows[0][1])
    for _version, text, who in rows[1:]:
        fields = json.loads(text)
        if who != origin:
            changed |= {k for k in fields.keys() | previous.keys()
                        if fields.get(k) != previous.get(k)}
        previous = fields
    return changed


# ---------------------------------------------------------------- a recommendation's history


def describe_lineage(repeats: bool, verdict: str, other: str, cycle: int | None) -> str:
    """The one wording of a carry-forward decision: "repeats NZL-UPR18-042 (cycle 3)",
    "repeated by …", and, declined, "not carried forward from/to …"."""
    named = other + (f" (cycle {cycle})" if cycle is not None else "")
    if verdict == "declined":
        return f"not carried forward {'from' if repeats else 'to'} {named}"
    return f"{'repeats' if repeats else 'repeated by'} {named}"


@dataclass(frozen=True, slots=True)
class LineageRow:
    """A carry-forward decision seen from one recommendation: the other one, which way."""

    decision: CarryForward
    repeats: bool  # this recommendation is the new one
    other_reference: str
    other_cycle: int | None

    @property
    def text(self) -> str:
        return describe_lineage(self.repeats, self.decision.verdict, self.other_reference,
                                self.other_cycle)


def lineage_rows(session: Session, rec_id: str) -> list[LineageRow]:
    """Every carry-forward decision naming this recommendation, oldest first."""
    c, r = CarryForward, Recommendation
    found = list(session.execute(select(c).where(
        (c.recommendation_id == rec_id) | (c.earlier_id == rec_id))
        .order_by(c.decided_at, c.id)).scalars())
    others = {x.earlier_id if x.recommendation_id == rec_id else x.recommendation_id
              for x in found}
    named = {rid: (ref, cycle) for rid, ref, cycle in session.execute(
        select(r.id, r.reference, r.cycle).where(r.id.in_(sorted(others))))} if others else {}
    out = []
    for x in found:
        repeats = x.recommendation_id == rec_id
        ref, cycle = named.get(x.earlier_id if repeats else x.recommendation_id, ("?", None))
        out.append(LineageRow(x, repeats, ref, cycle))
    return out


@dataclass(frozen=True, slots=True)
class Event:
    """One line of a recommendation's history: when, who, what."""

    at: dt.datetime
    by: str
    what: str


def recommendation_history(session: Session, rec_id: str) -> list[Event]:
    """A recommendation's history, oldest first: its progress updates, and the carry-forward
    decisions naming it ("repeats NZL-UPR18-042 (cycle 3)", with who and when)."""
    p = ProgressUpdate
    events = [Event(at, agency, f"progress: {status} (as of {as_of.isoformat()})")
              for at, agency, status, as_of in session.execute(
                  select(p.created_at, p.agency_code, p.status, p.as_of)
                  .where(p.recommendation_id == rec_id))]
    events += [Event(row.decision.decided_at, row.decision.decided_by, row.text)
               for row in lineage_rows(session, rec_id)]
    return sorted(events, key=lambda e: e.at)
