"""Merging one verified bundle's changes into the central record (ODK Central's model).

Base version current → apply. Other fields changed since the base → apply, flag soft.
The same field changed to another value → keep the current value, queue the incoming
one, flag hard. Inserts are keyed by UUID and never conflict. Every version is kept.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.store.history import (
    ACTION_FIELDS,
    action_fields,
    changed_by_others,
    snapshot_action,
)
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    AppliedChange,
    Assignment,
    Conflict,
    Evidence,
    ProgressUpdate,
    Recommendation,
    RecordVersion,
)
from nmrf_desktop.store.progress import refresh_statuses

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
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(session.execute(select(Assignment.recommendation_id).where(
            Assignment.agency_code == agency, Assignment.active.is_(True),
            Assignment.recommendation_id.in_(ids[start:start + 500]))).scalars())
    return found


def authorize(session: Session, agency: str, changes: list[ChangeLine]) -> None:
    """Every change must target a recommendation assigned to `agency` (and its own records).

    A valid signature is not permission: this runs before anything is written.
    """
    new_actions = {c.entity_id for c in changes if c.entity == "action" and c.op == "insert"}
    wanted: set[str] = set()
    for c in changes:
        links = c.fields.get("recommendation_ids")
        if isinstance(links, list):
            wanted.update(x for x in links if isinstance(x, str))
        rid = c.fields.get("recommendation_id")
        if isinstance(rid, str):
            wanted.add(rid)
    assigned = _assigned(session, agency, sorted(wanted))
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
            missing = set(links) - assigned
            if missing:
                raise Unauthorized(f"{where}: recommendation {sorted(missing)[0]} is not "
                                   f"assigned to {agency}")
        elif c.entity == "progress":
            rid = f.get("recommendation_id")
            if f.get("agency_code") != agency:
                raise Unauthorized(f"{where}: writes for agency {f.get('agency_code')!r}, "
                                   f"not {agency}")
            if not isinstance(rid, str) or rid not in assigned:
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
            elif not isinstance(rid, str) or rid not in assigned:
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
        """Apply every change once. Inserts are collected and written in batches; an
        update is applied in order, after the inserts before it are written."""
        self._seen = {
            "change": _existing(self.session, AppliedChange.change_id,
                                [c.change_id for c in changes]),
            "action": _existing(self.session, Action.id, _ids(changes, "action")),
            "progress": _existing(self.session, ProgressUpdate.id, _ids(changes, "progress")),
            "evidence": _existing(self.session, Evidence.id, _ids(changes, "evidence")),
        }
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._touched: set[str] = set()
        applied: list[dict[str, Any]] = []
        for change in changes:
            if change.change_id in self._seen["change"]:
                self.outcome.already_applied += 1
                continue
            if change.op == "update":
                self._write_batches()
            handler = getattr(self, f"_{change.entity}_{change.op}")
            applied.append({"change_id": change.change_id, "bundle_id": self.bundle_id,
                            "outcome": handler(change)})
        self._write_batches()
        _insert(self.session, AppliedChange, applied)
        refresh_statuses(self.session, sorted(self._touched))
        return self.outcome

    def _write_batches(self) -> None:
        """Write collected inserts in an order the foreign keys accept."""
        for model in (Action, ActionLink, RecordVersion, ProgressUpdate, Evidence):
            rows = self._rows.pop(model.__tablename__, [])
            _insert(self.session, model, rows)

    # -- actions

    def _action_insert(self, c: ChangeLine) -> str:
        if c.entity_id in self._seen["action"]:
            self.outcome.already_applied += 1
            return "exists"
        self._seen["action"].add(c.entity_id)
        values = action_values(c.fields)
        now = _now()
        row = {"id": c.entity_id, "agency_code": self.agency, "title": "", "description": "",
               "kind": "other", "status": "planned", "start_date": None, "target_date": None,
               "completed_date": None, "is_public": False, "created_by": None, "version": 1,
               "created_at": now, "updated_at": now} | values
        self._rows["actions"].append(row)
        links = sorted(dict.fromkeys(c.fields.get("recommendation_ids", [])))
        self._rows["action_links"] += [{"action_id": c.entity_id, "recommendation_id": rid}
                                       for rid in links]
        fields = {name: _plain(row[name]) for name in ACTION_FIELDS}
        fields["recommendation_ids"] = links
        self._rows["record_versions"].append({
            "entity": "action", "entity_id": c.entity_id, "version": 1,
            "fields": json.dumps(fields, ensure_ascii=False, sort_keys=True),
            "origin": self.origin_key, "actor": self.actor, "at": now})
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
        if c.entity_id in self._seen["progress"]:
            self.outcome.already_applied += 1
            return "exists"
        self._seen["progress"].add(c.entity_id)
        f = c.fields
        if f.get("status") not in {s.value for s in ImplementationStatus}:
            raise BadChange(f"unknown progress status {f.get('status')!r}")
        narrative = f.get("narrative")
        if not isinstance(narrative, str):
            raise BadChange("a progress update needs a narrative")
        rec_id = f["recommendation_id"]  # authorize() checked it is assigned
        self._rows["progress_updates"].append({
            "id": c.entity_id, "recommendation_id": rec_id, "agency_code": self.agency,
            "officer_id": None, "status": f["status"], "narrative": narrative,
            "as_of": _date(f.get("as_of"), "as_of") or dt.date.today(),
            "is_public": bool(f.get("is_public")), "created_at": _now()})
        self._touched.add(rec_id)
        self.outcome.applied += 1
        if self._withdrawn(rec_id):
            self._conflict(c, "withdrawn", "soft", True, f["status"])
            return "soft"
        return "applied"

    def _withdrawn(self, rec_id: str) -> bool:
        cache = self.__dict__.setdefault("_withdrawn_ids", None)
        if cache is None:
            cache = set(self.session.execute(select(Recommendation.id).where(
                Recommendation.withdrawn.is_(True))).scalars())
            self._withdrawn_ids = cache
        return rec_id in cache

    def _evidence_insert(self, c: ChangeLine) -> str:
        if c.entity_id in self._seen["evidence"]:
            self.outcome.already_applied += 1
            return "exists"
        self._seen["evidence"].add(c.entity_id)
        f = c.fields
        now = _now()
        self._rows["evidence"].append({
            "id": c.entity_id, "action_id": f.get("action_id"),
            "recommendation_id": f.get("recommendation_id"), "agency_code": self.agency,
            "sha256": f.get("sha256"), "size": f.get("size"),
            "media_type": str(f.get("media_type", "")),
            "display_name": str(f.get("display_name", ""))[:300], "url": str(f.get("url", "")),
            "is_public": bool(f.get("is_public")), "removed": False, "version": 1,
            "created_at": now, "updated_at": now})
        self.outcome.applied += 1
        return "applied"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _ids(changes: list[ChangeLine], entity: str) -> list[str]:
    return [c.entity_id for c in changes if c.entity == entity and c.op == "insert"]


def _existing(session: Session, column: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(session.execute(select(column).where(
            column.in_(ids[start:start + 500]))).scalars())
    return found


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(model.__table__.insert(), rows)
