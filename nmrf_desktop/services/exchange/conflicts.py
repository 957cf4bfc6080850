"""Conflicts between incoming bundles and the central record: list them, resolve them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.indicator_values import VALUE_ENTITY
from nmrf_desktop.domain.indicators import describe_disaggregation
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.history import snapshot_action
from nmrf_desktop.store.indicator_models import Indicator
from nmrf_desktop.store.merge import BadChange, action_values
from nmrf_desktop.store.merge_indicators import take_incoming
from nmrf_desktop.store.models import Action, ActionLink, Conflict, utcnow

KEEP, TAKE, EDIT, ACKNOWLEDGE = "keep-current", "take-incoming", "edit", "acknowledge"


class ResolveRefused(ValueError):
    """The conflict cannot be resolved that way; the message says why."""


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    id: str
    kind: str
    entity: str
    entity_id: str
    field: str
    title: str
    current: Any
    incoming: Any
    agency: str
    bundle_id: str
    status: str
    resolution: str
    created_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "entity": self.entity,
                "entity_id": self.entity_id, "field": self.field, "title": self.title,
                "current": self.current, "incoming": self.incoming, "agency": self.agency,
                "bundle_id": self.bundle_id, "status": self.status,
                "resolution": self.resolution, "created_at": self.created_at.isoformat()}


def list_conflicts(record: Record, status: str | None = "open") -> list[ConflictInfo]:
    with record.reading() as session:
        stmt = select(Conflict).order_by(Conflict.created_at, Conflict.id)
        if status:
            stmt = stmt.where(Conflict.status == status)
        out = []
        for c in session.execute(stmt).scalars():
            action = session.get(Action, c.entity_id) if c.entity == "action" else None
            title = action.title if action else c.entity_id
            if c.entity == VALUE_ENTITY:
                title = _value_title(session, json.loads(c.incoming_value)) or title
            out.append(ConflictInfo(
                c.id, c.kind, c.entity, c.entity_id, c.field,
                title, json.loads(c.current_value),
                json.loads(c.incoming_value), c.agency_code, c.bundle_id, c.status,
                c.resolution, c.created_at))
        return out


def _value_title(session: Session, incoming: Any) -> str:
    """'PRIS-REMAND 2019 (Ethnicity: Māori)': which period of which series a value is."""
    if not isinstance(incoming, dict):
        return ""
    found = session.get(Indicator, incoming.get("indicator_id", ""))
    groups = incoming.get("disaggregation")
    where = describe_disaggregation(groups) if isinstance(groups, dict) else ""
    return f"{found.code if found else '?'} {incoming.get('period', '')} ({where})"


def resolve(record: Record, conflict_id: str, choice: str, value: Any = None) -> ConflictInfo:
    """Keep the current value, take the incoming one, or set an edited one; audited."""
    actor = record.actor()
    with record.unit_of_work() as session:
        rows = session.execute(select(Conflict).where(
            Conflict.id.startswith(conflict_id))).scalars().all()
        if len(rows) != 1:
            raise ResolveRefused(f"no single conflict matches {conflict_id!r}")
        c = rows[0]
        if c.status != "open":
            raise ResolveRefused("this conflict is already resolved")
        if c.kind == "soft" and choice not in (ACKNOWLEDGE, KEEP):
            raise ResolveRefused("a soft conflict was applied already: acknowledge it")
        chosen: Any = None
        if choice in (TAKE, EDIT):
            chosen = json.loads(c.incoming_value) if choice == TAKE else value
            if c.entity == VALUE_ENTITY:  # a new version of the value's period
                _take_value(session, c, chosen, actor)
            else:
                _set_action_field(session, c, chosen, actor)
        elif choice not in (KEEP, ACKNOWLEDGE):
            raise ResolveRefused(f"unknown choice {choice!r}")
        c.status, c.resolution = "resolved", choice
        c.resolved_value = json.dumps(chosen, ensure_ascii=False)
        c.resolved_by, c.resolved_at = actor, utcnow()
        audit.append(session, "conflict.resolve", actor=actor, entity=c.entity,
                     entity_id=c.entity_id, details={"conflict": c.id, "field": c.field,
                                                     "choice": choice, "value": chosen})
        session.flush()
    return next(i for i in list_conflicts(record, None) if i.id == c.id)


def _take_value(session, c: Conflict, value: Any, actor: str) -> None:  # type: ignore[no-untyped-def]
    try:
        take_incoming(session, c, value, actor)
    except BadChange as exc:
        raise ResolveRefused(str(exc)) from None


def _set_action_field(session, c: Conflict, value: Any, actor: str) -> None:  # type: ignore[no-untyped-def]
    if c.entity != "action":
        raise ResolveRefused("only action fields can be set from a conflict")
    row = session.get(Action, c.entity_id)
    if row is None:
        raise ResolveRefused("the action no longer exists")
    if c.field == "recommendation_ids":
        session.query(ActionLink).filter(ActionLink.action_id == row.id).delete()
        for rid in dict.fromkeys(value or []):
            session.add(ActionLink(action_id=row.id, recommendation_id=rid))
        row.updated_at = utcnow()
    else:
        try:
            values = action_values({c.field: value})
        except BadChange as exc:
            raise ResolveRefused(str(exc)) from None
        for name, v in values.items():
            setattr(row, name, v)
    session.flush()
    snapshot_action(session, row, f"conflict:{c.id}", actor)
