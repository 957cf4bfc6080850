"""Recording what agencies do: actions, progress updates and evidence, each one transaction.

Every write also appends to the change log (for the next update bundle) and to the
hash-chained audit log.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nmrf_desktop import policy
from nmrf_desktop.domain.entry import (
    ActionDraft,
    ActionRecord,
    EvidenceRecord,
    InvalidEntry,
    ProgressDraft,
    ProgressRecord,
)
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.domain.text import MAX_LINK, is_http_link
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import EVIDENCE_MAX_BYTES
from nmrf_desktop.store import audit
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.changes import record_change
from nmrf_desktop.store.history import snapshot_action
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Agency,
    Evidence,
    ProgressUpdate,
    Recommendation,
    utcnow,
)
from nmrf_desktop.store.progress import refresh_status, trunk_base

ACTION_FIELDS = ("title", "description", "kind", "status", "start_date", "target_date",
                 "completed_date", "is_public")


class StaleEdit(Exception):
    """Someone else changed the record since it was read; reload and try again."""


def _check_links(session: Session, ids: Sequence[str]) -> None:
    found = set(session.execute(
        select(Recommendation.id).where(Recommendation.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidEntry("recommendations", f"No recommendation with id {missing[0]}.")


def _check_agency(session: Session, code: str) -> None:
    if session.get(Agency, code) is None:
        raise InvalidEntry("agency", f"Unknown agency code {code!r}.")


def action_record(session: Session, row: Action) -> ActionRecord:
    links = tuple(session.execute(select(ActionLink.recommendation_id).where(
        ActionLink.action_id == row.id).order_by(ActionLink.recommendation_id)).scalars())
    return ActionRecord(
        id=row.id, agency=row.agency_code, title=row.title, description=row.description,
        kind=row.kind, status=row.status, start_date=row.start_date,
        target_date=row.target_date, completed_date=row.completed_date,
        is_public=row.is_public, version=row.version, recommendation_ids=links)


def _draft_values(draft: ActionDraft) -> dict[str, object]:
    return {"title": draft.title.strip(), "description": draft.description,
            "kind": draft.kind.value, "status": draft.status.value,
            "start_date": draft.start_date, "target_date": draft.target_date,
            "completed_date": draft.completed_date, "is_public": draft.is_public}


def create_action(record: Record, draft: ActionDraft, action_id: str | None = None
                  ) -> ActionRecord:
    draft.validate()
    actor = record.actor()
    with record.unit_of_work() as session:
        row = insert_action(session, draft, actor, action_id)
        audit.append(session, "action.create", actor=actor, entity="action", entity_id=row.id,
                     details={"title": row.title, "links": len(draft.recommendation_ids)})
        session.flush()
        return action_record(session, row)


def insert_action(session: Session, draft: ActionDraft, actor: str,
                  action_id: str | None = None) -> Action:
    """Add an action, its links, its insert change and first version (no audit event)."""
    _check_agency(session, draft.agency)
    _check_links(session, draft.recommendation_ids)
    values = _draft_values(draft)
    row = Action(agency_code=draft.agency, **values)
    if action_id:
        row.id = action_id
    session.add(row)
    session.flush()
    for rid in dict.fromkeys(draft.recommendation_ids):
        session.add(ActionLink(action_id=row.id, recommendation_id=rid))
    record_change(session, "action", row.id, "insert",
                  values | {"agency_code": draft.agency,
                            "recommendation_ids": list(draft.recommendation_ids)}, None)
    snapshot_action(session, row, "local", actor)
    return row


def _editable_action(session: Session, action_id: str, expected_version: int) -> Action:
    row = session.get(Action, action_id)
    if row is None:
        raise InvalidEntry("action", "That action no longer exists.")
    if row.version != expected_version:
        raise StaleEdit(f"The action '{row.title}' was changed elsewhere; reload it.")
    return row


def update_action(record: Record, action_id: str, draft: ActionDraft,
                  expected_version: int) -> ActionRecord:
    """Change an action; fails with StaleEdit if it changed since `expected_version`."""
    draft.validate()
    actor = record.actor()
    with record.unit_of_work() as session:
        row = _editable_action(session, action_id, expected_version)
        _check_links(session, draft.recommendation_ids)
        changed = change_action(session, row, _draft_values(draft),
                                draft.recommendation_ids, actor)
        if changed:
            audit.append(session, "action.update", actor=actor, entity="action",
                         entity_id=row.id, details={"fields": sorted(changed)})
            session.flush()
        return action_record(session, row)


def change_action(session: Session, row: Action, values: dict[str, object],
                  links: Sequence[str] | None, actor: str) -> dict[str, object]:
    """Set these values (and links, unless None) as one new change; the fields it changed.

    The change names the base version the central record knows (`trunk_base`), bumps the
    action's version and keeps a snapshot. Nothing is written when nothing differs.
    """
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    old_links = set(session.execute(select(ActionLink.recommendation_id).where(
        ActionLink.action_id == row.id)).scalars())
    new_links = old_links if links is None else set(links)
    if new_links != old_links:
        session.execute(delete(ActionLink).where(ActionLink.action_id == row.id))
        for rid in sorted(new_links):
            session.add(ActionLink(action_id=row.id, recommendation_id=rid))
        changed["recommendation_ids"] = sorted(new_links)
    if not changed:
        return changed
    base = trunk_base(session, "action", row.id, row.version)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()  # an UPDATE even when only the links changed: bumps version
    session.flush()
    record_change(session, "action", row.id, "update", changed, base)
    snapshot_action(session, row, "local", actor)
    return changed


def cancel_action(record: Record, action_id: str, expected_version: int) -> ActionRecord:
    """Cancel, never delete: a shared action stays in the record with status cancelled."""
    actor = record.actor()
    with record.unit_of_work() as session:
        row = _editable_action(session, action_id, expected_version)
        base = trunk_base(session, "action", row.id, row.version)
        row.status = ActionStatus.CANCELLED.value
        session.flush()
        record_change(session, "action", row.id, "update", {"status": row.status}, base)
        snapshot_action(session, row, "local", actor)
        audit.append(session, "action.cancel", actor=actor, entity="action", entity_id=row.id)
        return action_record(session, row)


def actions_for(record: Record, recommendation_id: str) -> list[ActionRecord]:
    with record.reading() as session:
        rows = session.execute(
            select(Action).join(ActionLink, ActionLink.action_id == Action.id)
            .where(ActionLink.recommendation_id == recommendation_id)
            .order_by(Action.created_at)).scalars().all()
        return [action_record(session, r) for r in rows]


def add_progress(record: Record, draft: ProgressDraft, update_id: str | None = None
                 ) -> ProgressRecord:
    """Append a progress update; the recommendation's current status follows the latest."""
    draft.validate()
    actor = record.actor()
    with record.unit_of_work() as session:
        row = insert_progress(session, draft, update_id)
        audit.append(session, "progress.add", actor=actor, entity="recommendation",
                     entity_id=row.recommendation_id,
                     details={"status": row.status, "as_of": row.as_of.isoformat()})
        return progress_record(row, actor)


def insert_progress(session: Session, draft: ProgressDraft, update_id: str | None = None
                    ) -> ProgressUpdate:
    """Append one update, its insert change and the status it sets (no audit event)."""
    _check_agency(session, draft.agency)
    rec = session.get(Recommendation, draft.recommendation_id)
    if rec is None:
        raise InvalidEntry("recommendation", "No such recommendation.")
    row = ProgressUpdate(recommendation_id=rec.id, agency_code=draft.agency,
                         status=draft.status.value, narrative=draft.narrative.strip(),
                         as_of=draft.as_of, is_public=draft.is_public)
    if update_id:
        row.id = update_id
    session.add(row)
    session.flush()
    refresh_status(session, rec)
    record_change(session, "progress", row.id, "insert", {
        "recommendation_id": rec.id, "agency_code": draft.agency, "status": row.status,
        "narrative": row.narrative, "as_of": row.as_of, "is_public": row.is_public}, None)
    return row


def progress_record(row: ProgressUpdate, officer: str = "") -> ProgressRecord:
    return ProgressRecord(id=row.id, recommendation_id=row.recommendation_id,
                          agency=row.agency_code, status=row.status, narrative=row.narrative,
                          as_of=row.as_of, is_public=row.is_public, officer=officer,
                          created_at=row.created_at)


def progress_for(record: Record, recommendation_id: str) -> list[ProgressRecord]:
    """The full history, newest first."""
    with record.reading() as session:
        rows = session.execute(
            select(ProgressUpdate).where(ProgressUpdate.recommendation_id == recommendation_id)
            .order_by(ProgressUpdate.as_of.desc(), ProgressUpdate.created_at.desc())
        ).scalars().all()
        return [progress_record(r) for r in rows]


def check_evidence_file(path: Path, max_bytes: int | None = None) -> int:
    """The size of a file that can be attached; InvalidEntry("file", …) saying why not."""
    limit = max_bytes if max_bytes is not None else policy.value(EVIDENCE_MAX_BYTES)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidEntry("file", f"{name} cannot be read ({exc.strerror}).") from None
    if not path.is_file():
        raise InvalidEntry("file", f"{name} is not a file.")
    if size == 0:
        raise InvalidEntry("file", f"{name} is empty (0 bytes).")
    if size > limit:
        raise InvalidEntry("file", f"{name} is {size:,} bytes, over the {limit:,} byte limit.")
    if not os.access(path, os.R_OK):
        raise InvalidEntry("file", f"{name} cannot be read (permission denied).")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InvalidEntry("file", f"{name} cannot be read ({exc.strerror}).") from None
    return size


def attach_file(record: Record, path: Path, *, agency: str, action_id: str | None = None,
                recommendation_id: str | None = None, is_public: bool = False,
                max_bytes: int | None = None) -> EvidenceRecord:
    """Store a file content-addressed and record it as evidence of an action."""
    limit = max_bytes if max_bytes is not None else policy.value(EVIDENCE_MAX_BYTES)
    name = path.name
    check_evidence_file(path, limit)
    try:
        blob = BlobStore(record.evidence_root).put_file(path, max_size=limit)
    except PermissionError:
        raise InvalidEntry("file", f"{name} cannot be read (permission denied).") from None
    except ValueError as exc:
        raise InvalidEntry("file", f"{name} is {exc}.") from None
    except OSError as exc:
        raise InvalidEntry("file", f"{name} cannot be read ({exc.strerror}).") from None
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return _add_evidence(record, agency=agency, action_id=action_id,
                         recommendation_id=recommendation_id, is_public=is_public,
                         sha256=blob.sha256, size=blob.size, media_type=media_type,
                         display_name=name, url="")


def attach_url(record: Record, url: str, *, agency: str, action_id: str | None = None,
               recommendation_id: str | None = None, title: str = "",
               is_public: bool = False) -> EvidenceRecord:
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")):
        raise InvalidEntry("url", "A link must start with https:// or http://.")
    if len(url) > MAX_LINK:
        raise InvalidEntry("url", f"The link is longer than {MAX_LINK:,} characters.")
    if not is_http_link(url):
        raise InvalidEntry("url", "That is not a web address: it needs a host name after "
                                  "https:// and no control characters.")
    return _add_evidence(record, agency=agency, action_id=action_id,
                         recommendation_id=recommendation_id, is_public=is_public,
                         sha256=None, size=None, media_type="text/uri-list",
                         # a display name is at most 300 characters (its column, the schema)
                         display_name=(title.strip() or url)[:300], url=url)


def _add_evidence(record: Record, **values) -> EvidenceRecord:  # type: ignore[no-untyped-def]
    if not values["action_id"] and not values["recommendation_id"]:
        raise InvalidEntry("action", "Evidence must belong to an action or a recommendation.")
    actor = record.actor()
    agency = values.pop("agency")
    with record.unit_of_work() as session:
        row = insert_evidence(session, agency, values)
        audit.append(session, "evidence.add", actor=actor, entity="evidence",
                     entity_id=row.id, details={"sha256": row.sha256, "name": row.display_name})
        return evidence_record(row)


def insert_evidence(session: Session, agency: str, values: dict[str, object],
                    evidence_id: str | None = None) -> Evidence:
    """Add one evidence row and its insert change (no audit event)."""
    _check_agency(session, agency)
    if values["action_id"] and session.get(Action, values["action_id"]) is None:
        raise InvalidEntry("action", "That action no longer exists.")
    row = Evidence(agency_code=agency, **values)
    if evidence_id:
        row.id = evidence_id
    session.add(row)
    session.flush()
    record_change(session, "evidence", row.id, "insert", values | {"agency_code": agency},
                  None)
    return row


def evidence_record(row: Evidence) -> EvidenceRecord:
    return EvidenceRecord(id=row.id, action_id=row.action_id,
                          recommendation_id=row.recommendation_id,
                          display_name=row.display_name, sha256=row.sha256, size=row.size,
                          media_type=row.media_type, url=row.url, is_public=row.is_public,
                          created_at=row.created_at)


def evidence_for(record: Record, *, action_id: str | None = None,
                 recommendation_id: str | None = None) -> list[EvidenceRecord]:
    with record.reading() as session:
        stmt = select(Evidence).where(Evidence.removed.is_(False))
        if action_id:
            stmt = stmt.where(Evidence.action_id == action_id)
        if recommendation_id:
            stmt = stmt.where(Evidence.recommendation_id == recommendation_id)
        return [evidence_record(r) for r in
                session.execute(stmt.order_by(Evidence.created_at)).scalars()]
