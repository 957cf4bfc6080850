"""The local change log: one row per edit, with its base version, for update bundles."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from nmrf_desktop.store.models import Change, IssuedPack


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record_change(session: Session, entity: str, entity_id: str, op: str,
                  fields: dict[str, Any], base_version: int | None,
                  officer_id: str | None = None) -> Change:
    """Append one change; never commits (the caller's transaction decides)."""
    row = Change(entity=entity, entity_id=entity_id, op=op,
                 fields=json.dumps({k: _plain(v) for k, v in fields.items()},
                                   ensure_ascii=False, sort_keys=True),
                 base_version=base_version, officer_id=officer_id)
    session.add(row)
    return row


def plain_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` as `record_change` stores them (dates as ISO text), to compare with a row's."""
    plain: dict[str, Any] = json.loads(json.dumps({k: _plain(v) for k, v in fields.items()},
                                                  ensure_ascii=False, sort_keys=True))
    return plain


def _packed_since(session: Session, moment: dt.datetime) -> bool:
    """On the central record: a pack issued at or after `moment` took the record out."""
    return session.execute(select(IssuedPack.version).where(
        IssuedPack.created_at >= moment).limit(1)).first() is not None


def has_left(session: Session, entity: str, entity_ids: Sequence[str]) -> bool:
    """Whether anything of these records has left this database.

    Left: a change of theirs is in a bundle, or (on the central record, which never
    bundles) a pack was issued since their first change. A record with no change here
    came from elsewhere (a pack, a merged bundle), so the other side has it: left too.
    """
    if not entity_ids:
        return False
    rows = session.execute(select(Change.entity_id, Change.bundle_id, Change.created_at)
                           .where(Change.entity == entity,
                                  Change.entity_id.in_(list(entity_ids)))).all()
    if {r.entity_id for r in rows} != set(entity_ids):
        return True
    if any(r.bundle_id is not None for r in rows):
        return True
    return _packed_since(session, min(r.created_at for r in rows))


def change_has_left(session: Session, change: Change) -> bool:
    """Whether this one change is in a bundle (or, at the centre, in a pack issued since)."""
    return change.bundle_id is not None or _packed_since(session, change.created_at)


def latest_change(session: Session, entity: str, entity_id: str) -> Change | None:
    """The newest change of one record, sent or not."""
    return session.execute(select(Change).where(
        Change.entity == entity, Change.entity_id == entity_id)
        .order_by(Change.seq.desc()).limit(1)).scalar()


def drop_unsent(session: Session, entity: str, entity_ids: Sequence[str]) -> int:
    """Delete the unsent changes of these records (an undo before they left); how many."""
    if not entity_ids:
        return 0
    where = (Change.entity == entity, Change.entity_id.in_(list(entity_ids)),
             Change.bundle_id.is_(None))
    count = int(session.execute(select(func.count()).select_from(Change)
                                .where(*where)).scalar_one())
    session.execute(delete(Change).where(*where))
    return count
