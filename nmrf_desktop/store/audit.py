"""The hash-chained audit log: append an event, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.store import postgres
from nmrf_desktop.store.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, actor: str, event: str, entity: str, entity_id: str,
            details: str) -> str:
    payload = json.dumps(
        [prev_hash, at, actor, event, entity, entity_id, details],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(session: Session, event: str, *, actor: str = "", entity: str = "",
           entity_id: str = "", details: dict[str, Any] | None = None) -> AuditEvent:
    """Add one event whose hash covers the previous event's hash. Never commits."""
    if session.bind.dialect.name == "postgresql":  # type: ignore[union-attr]
        # Concurrent transactions would each read the same head and fork the chain.
        postgres.lock_audit_chain(session.connection())
    last = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last or GENESIS
    at = utcnow().replace(microsecond=0)
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    row = AuditEvent(
        at=at, actor=actor, event=event, entity=entity, entity_id=entity_id, details=body,
        prev_hash=prev,
        hash=_digest(prev, at.isoformat(), actor, event, entity, entity_id, body),
    )
    session.add(row)
    session.flush()
    return row


def verify(session: Session) -> list[str]:
    """Walk the chain from the start; return the problems found (empty when intact)."""
    problems: list[str] = []
    prev = GENESIS
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for row in rows:
        if row.prev_hash != prev:
            problems.append(f"audit event {row.seq}: previous hash does not match event before it")
        expected = _digest(row.prev_hash, row.at.isoformat(), row.actor, row.event, row.entity,
                           row.entity_id, row.details)
        if row.hash != expected:
            problems.append(f"audit event {row.seq}: content does not match its hash")
        prev = row.hash
    return problems
