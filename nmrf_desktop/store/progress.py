"""Derived state kept by the store: a recommendation's current status, a change's base."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.store.models import Change, ProgressUpdate, Recommendation


def trunk_base(session: Session, entity: str, entity_id: str, version: int) -> int:
    """The base version a new change names: the central record's version it builds on.

    Local edits bump the local version, but until the central record acknowledges them
    the base stays the version last received from it (or 1 for a record created here).
    """
    pending = session.execute(
        select(Change.base_version, Change.op).where(
            Change.entity == entity, Change.entity_id == entity_id,
            Change.acknowledged.is_(False)).order_by(Change.seq).limit(1)).first()
    if pending is None:
        return version
    return pending[0] if pending[0] is not None else 1


def status_without(session: Session, recommendation_id: str, update_id: str) -> str:
    """The status the history shows without one update (not started when none)."""
    status = session.execute(
        select(ProgressUpdate.status)
        .where(ProgressUpdate.recommendation_id == recommendation_id,
               ProgressUpdate.id != update_id)
        .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc())
        .limit(1)).scalar()
    return status or ImplementationStatus.NOT_STARTED.value


def refresh_status(session: Session, rec: Recommendation) -> None:
    """Set the recommendation's status to its latest progress update's (by as-of date)."""
    latest = session.execute(
        select(ProgressUpdate.status, ProgressUpdate.as_of)
        .where(ProgressUpdate.recommendation_id == rec.id)
        .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc()).limit(1)
    ).first()
    status, as_of = (latest[0], latest[1]) if latest else (None, None)
    if (rec.status, rec.last_update_on) != (status, as_of):
        session.execute(Recommendation.__table__.update()
                        .where(Recommendation.id == rec.id)
                        .values(status=status, last_update_on=as_of))
        session.expire(rec, ["status", "last_update_on"])


def refresh_statuses(session: Session, rec_ids: Sequence[str]) -> None:
    """refresh_status for many recommendations with two queries per 500."""
    for start in range(0, len(rec_ids), 500):
        chunk = list(rec_ids[start:start + 500])
        latest: dict[str, tuple[str, object]] = {}
        for rid, status, as_of in session.execute(
                select(ProgressUpdate.recommendation_id, ProgressUpdate.status,
                       ProgressUpdate.as_of)
                .where(ProgressUpdate.recommendation_id.in_(chunk))
                .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc())):
            latest.setdefault(rid, (status, as_of))
        rows = [{"rid": rid, "s": latest.get(rid, (None, None))[0],
                 "d": latest.get(rid, (None, None))[1]} for rid in chunk]
        table = Recommendation.__table__
        session.execute(table.update().where(table.c.id == bindparam("rid"))
                        .values(status=bindparam("s"), last_update_on=bindparam("d")), rows)
