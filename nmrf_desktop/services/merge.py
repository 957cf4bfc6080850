"""Merging one verified bundle's changes into the central record (ODK Central's model).

Base version current → apply. Other fields changed since the base → apply, flag soft.
The same field changed to another value → keep the current value, queue the incoming
one, flag hard. Inserts are keyed by UUID and never conflict. Every version is kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bundles.manifest import ChangeLine
from ..domain.enums import ActionKind, ActionStatus, ImplementationStatus
from ..store.history import action_fields, changed_by_others, snapshot_action
from ..store.models import (
    Action,
    ActionLink,
    AppliedChange,
    Assignment,
    Conflict,
    Evidence,
    ProgressUpdate,
    Recommendation,
)

_EDITABLE = {"title", "description", "kind", "status", "start_date", "target_date",
             "completed_date", "is_public", "recommendation_ids"}
_DATES = {"start_date", "target_date", "completed_date"}


class Unauthorized(ValueError):
    """A change targets something the signer's agency has no assignment for."""


class BadChange(ValueError):
    """A change is malformed (a missing or wrongly typed field)."""


@dataclass(slots=True)
class MergeOutcome:
    applied: int = 0
    already_applied: int = 0
    soft: int = 0
    hard: int = 0
    conflicts: list[str] = field(default_factory=list)


def _assigned(session: Session, agency: str, rec_ids: Iterable[str]) -> set[str]:
    ids = list(rec_ids)
    if not ids:
        return set()
    return set(session.execute(select(Assignment.recommendation_id).where(
        Assignment.agency_code == agency, Assignment.active.is_(True),
        Assignment.recommendation_id.in_(ids))).scalars())


def authorize(session: Session, agency: str, changes: list[ChangeLine]) -> None:
    """Every change must target a recommendation assigned to `agency` (and its own records).

    A valid signature is not permission: this runs before anything is written.
    """
    new_actions = {c.entity_id for c in changes if c.entity == "action" and c.op == "insert"}
    for number, c in enumerate(changes, start=1):
        where = f"change {number} ({c.entity} {c.op})"
        f = c.fields
        if c.entity == "action":
            if c.op == "insert" and f.get("agency_code") != agency:
                raise Unauthorized(f"{where}: creates an action for agency "
                                   f"{f.get('agency_code')!r}, not {agency}")
            if c.op == "update":
                row = session.get(Action, c.entity_id)
                if row is None and c.entity_id not in new_actions:
                    raise Unauthorized(f"{where}: updates an action unknown to the central record")
                if row is not None and row.agency_code != agency:
                    raise Unauthorized(f"{where}: updates another agency's action")
            links = f.get("recommendation_ids", [])
            if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
                raise BadChange(f"{where}: recommendation_ids must be a list of ids")
            if c.op == "insert" and not links:
                raise BadChange(f"{where}: an action must answer at least one recommendation")
            missing = set(links) - _assigned(session, agency, links)
            if missing:
                raise Unauthorized(f"{where}: recommendation {sorted(missing)[0]} is not "
                                   f"assigned to {agency}")
        elif c.entity == "progress":
            rid = f.get("recommendation_id")
            if f.get("agency_code") != agency:
                raise Unauthorized(f"{where}: writes for agency {f.get('agency_code')!r}, "
                                   f"not {agency}")
            if not isinstance(rid, str) or not _assigned(session, agency, [rid]):
                raise Unauthorized(f"{where}: recommendation {rid} is not assigned to {agency}")
        elif c.entity == "evidence":
            if f.get("agency_code") != agency:
                raise Unauthorized(f"{where}: evidence for agency {f.get('agency_code')!r}")
            action_id, rid = f.get("action_id"), f.get("recommendation_id")
            if action_id:
                row = session.get(Action, action_id)
                if row is None and action_id not in new_actions:
                    raise Unauthorized(f"{where}: evidence for an unknown action")
                if row is not None and row.agency_code != agency:
                    raise Unauthorized(f"{where}: evidence for another agency's action")
            elif not isinstance(rid, str) or not _assigned(session, agency, [rid]):
                raise Unauthorized(f"{where}: recommendation {rid} is not assigned to {agency}")


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadChange(f"{name} {value!r} is not a date") from None


def action_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in fields.items() if k in _EDITABLE and k != "recommendation_ids"}
    for name in _DATES & values.keys():
        values[name] = _date(values[name], name)
    if "kind" in values and values["kind"] not in {k.value for k in ActionKind}:
        raise BadChange(f"unknown action kind {values['kind']!r}")
    if "status" in values and values["status"] not in {s.value for s in ActionStatus}:
        raise BadChange(f"unknown action status {values['status']!r}")
    if "title" in values and (not isinstance(values["title"], str) or not values["title"]):
        raise BadChange("an action needs a title")
    return values


class Merger:
    """Applies one bundle's changes inside the caller's transaction."""

    def __init__(self, session: Session, bundle_id: str, agency: str, actor: str,
                 key_id: str) -> None:
        self.session = session
        self.bundle_id = bundle_id
        self.agency = agency
        self.actor = actor
        self.outcome = MergeOutcome()
        # Versions written on behalf of one officer's key share this origin, so an
        # officer's successive edits never conflict with each other.
        self.origin_key = f"key:{key_id}"

    def apply(self, changes: list[ChangeLine]) -> MergeOutcome:
        for change in changes:
            if self.session.get(AppliedChange, change.change_id) is not None:
                self.outcome.already_applied += 1
                continue
            handler = getattr(self, f"_{change.entity}_{change.op}")
            result = handler(change)
            self.session.add(AppliedChange(change_id=change.change_id,
                                           bundle_id=self.bundle_id, outcome=result))
            self.session.flush()
        return self.outcome

    # -- actions

    def _action_insert(self, c: ChangeLine) -> str:
        if self.session.get(Action, c.entity_id) is not None:
            self.outcome.already_applied += 1
            return "exists"
        values = action_values(c.fields)
        row = Action(id=c.entity_id, agency_code=self.agency, **values)
        self.session.add(row)
        self.session.flush()
        for rid in dict.fromkeys(c.fields.get("recommendation_ids", [])):
            self.session.add(ActionLink(action_id=row.id, recommendation_id=rid))
        snapshot_action(self.session, row, self.origin_key, self.actor)
        self.outcome.applied += 1
        return "applied"

    def _action_update(self, c: ChangeLine) -> str:
        row = self.session.get(Action, c.entity_id)
        if row is None:
            raise BadChange(f"update of unknown action {c.entity_id}")
        incoming = {k: v for k, v in c.fields.items() if k in _EDITABLE}
        current = action_fields(self.session, row)
        base = c.base_version or 0
        # Fields someone else (another officer, the secretariat) changed since the base.
        others = set() if row.version == base else changed_by_others(
            self.session, "action", row.id, base, self.origin_key)
        apply: dict[str, Any] = {}
        hard: list[str] = []
        for name, value in incoming.items():
            if current.get(name) == value:
                continue
            if others is None or name in others:
                hard.append(name)
            else:
                apply[name] = value
        other_changed = bool(others and others - incoming.keys())
        for name in hard:
            self._conflict(c, name, "hard", current.get(name), incoming[name])
        if apply:
            values = action_values(apply)
            for name, value in values.items():
                setattr(row, name, value)
            if "recommendation_ids" in apply:
                self.session.query(ActionLink).filter(ActionLink.action_id == row.id).delete()
                for rid in dict.fromkeys(apply["recommendation_ids"]):
                    self.session.add(ActionLink(action_id=row.id, recommendation_id=rid))
                row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            self.session.flush()
            snapshot_action(self.session, row, self.origin_key, self.actor)
            self.outcome.applied += 1
            if other_changed:
                self._conflict(c, ",".join(sorted(apply)), "soft", None, apply)
        if hard:
            return "hard"
        return "soft" if other_changed else "applied"

    def _conflict(self, c: ChangeLine, name: str, kind: str, current: Any, incoming: Any) -> None:
        self.session.add(Conflict(
            entity=c.entity, entity_id=c.entity_id, field=name, kind=kind,
            base_version=c.base_version, current_value=json.dumps(current, ensure_ascii=False),
            incoming_value=json.dumps(incoming, ensure_ascii=False), change_id=c.change_id,
            bundle_id=self.bundle_id, agency_code=self.agency))
        if kind == "hard":
            self.outcome.hard += 1
        else:
            self.outcome.soft += 1
        self.outcome.conflicts.append(f"{kind}: {c.entity} {c.entity_id} {name}")

    # -- progress and evidence: append-only, keyed by UUID

    def _progress_insert(self, c: ChangeLine) -> str:
        if self.session.get(ProgressUpdate, c.entity_id) is not None:
            self.outcome.already_applied += 1
            return "exists"
        f = c.fields
        if f.get("status") not in {s.value for s in ImplementationStatus}:
            raise BadChange(f"unknown progress status {f.get('status')!r}")
        narrative = f.get("narrative")
        if not isinstance(narrative, str):
            raise BadChange("a progress update needs a narrative")
        rec = self.session.get(Recommendation, f["recommendation_id"])
        assert rec is not None  # authorize() checked the assignment
        row = ProgressUpdate(id=c.entity_id, recommendation_id=rec.id, agency_code=self.agency,
                             status=f["status"], narrative=narrative,
                             as_of=_date(f.get("as_of"), "as_of") or dt.date.today(),
                             is_public=bool(f.get("is_public")))
        self.session.add(row)
        self.session.flush()
        from .entry import refresh_status

        refresh_status(self.session, rec)
        self.outcome.applied += 1
        if rec.withdrawn:
            self._conflict(c, "withdrawn", "soft", True, f["status"])
            return "soft"
        return "applied"

    def _evidence_insert(self, c: ChangeLine) -> str:
        if self.session.get(Evidence, c.entity_id) is not None:
            self.outcome.already_applied += 1
            return "exists"
        f = c.fields
        self.session.add(Evidence(
            id=c.entity_id, action_id=f.get("action_id"),
            recommendation_id=f.get("recommendation_id"), agency_code=self.agency,
            sha256=f.get("sha256"), size=f.get("size"), media_type=str(f.get("media_type", "")),
            display_name=str(f.get("display_name", ""))[:300], url=str(f.get("url", "")),
            is_public=bool(f.get("is_public"))))
        self.outcome.applied += 1
        return "applied"
