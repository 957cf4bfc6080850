"""Version history of shared records: a snapshot of the fields at every version."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.store.models import Action, ActionLink, RecordVersion

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
