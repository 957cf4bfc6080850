"""Merging one verified bundle's changes into the central record (ODK Central's model).

Base version current → apply. Other fields changed since the base → apply, flag soft.
The same field changed to another value → keep the current value, queue the incoming
one, flag hard. Inserts are keyed by UUID and never conflict. Every version is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.indicator_values import VALUE_ENTITY
from nmrf_desktop.store.history import (
    ACTION_FIELDS,
    action_fields,
    changed_by_others,
    snapshot_action,
)
from nmrf_desktop.store.merge_errors import (  # re-exported: the exchange imports them here
    BadChange as BadChange,
    Unauthorized as Unauthorized,
    Unresolved as Unresolved,
    shown,
)
from nmrf_desktop.store.merge_indicators import ValueAuthority, ValueMerger, check_value
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
_HEX64 = re.compile(r"[0-9a-f]{64}")
_URL_SCHEMES = ("https://", "http://")
MAX_INT64 = 2 ** 63 - 1


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


def _owners(session: Session, model: Any, ids: Iterable[str]) -> dict[str, str | None]:
    """id → agency_code of the rows of `model` with those ids."""
    wanted = sorted(set(ids))
    found: dict[str, str | None] = {}
    for start in range(0, len(wanted), 500):
        found.update(session.execute(select(model.id, model.agency_code).where(
            model.id.in_(wanted[start:start + 500]))).tuples().all())
    return found


def _links(session: Session, action_ids: Iterable[str]) -> dict[str, set[str]]:
    wanted = sorted(set(action_ids))
    found: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(wanted), 500):
        for aid, rid in session.execute(select(ActionLink.action_id, ActionLink.recommendation_id)
                                        .where(ActionLink.action_id.in_(
                                            wanted[start:start + 500]))):
            found[aid].add(rid)
    return found


def _agency_files(session: Session, agency: str, shas: Iterable[str]) -> dict[str, int | None]:
    """sha256 → size of the evidence files this agency's merged records already hold."""
    wanted = sorted(set(shas))
    found: dict[str, int | None] = {}
    for start in range(0, len(wanted), 500):
        for sha, size in session.execute(select(Evidence.sha256, Evidence.size).where(
                Evidence.agency_code == agency,
                Evidence.sha256.in_(wanted[start:start + 500]))).tuples():
            if sha is not None:
                found[sha] = size
    return found


def authorize(session: Session, agency: str, changes: list[ChangeLine], *,
              carried: Mapping[str, int], pending: bool = False) -> None:
    """Every change is `agency`'s to make and every reference in it resolves.

    A valid signature is not permission: this runs before anything is written, the
    evidence files included. `carried` is the bundle's own evidence (sha256 → size, from
    its verified manifest). With `pending` (a bundle held for a missing predecessor) an
    action the central record does not know yet is allowed, as the missing bundle may
    create it, but only while no other agency owns that id; at release it runs again in
    full. Raises Unauthorized, Unresolved or BadChange naming the change (its line in the
    change log) and the field.
    """
    _Authority(session, agency, changes, carried, pending).check_all()


class _Authority:
    """What one bundle's changes may touch, read in a few batched queries."""

    def __init__(self, session: Session, agency: str, changes: list[ChangeLine],
                 carried: Mapping[str, int], pending: bool) -> None:
        self.agency, self.changes, self.carried, self.pending = agency, changes, carried, pending
        wanted: set[str] = set()
        action_ids: set[str] = set()
        shas: set[str] = set()
        self.bundle_links: dict[str, set[str]] = defaultdict(set)
        self.inserted: set[str] = set()
        for c in changes:
            f = c.fields
            links = f.get("recommendation_ids")
            if isinstance(links, list):
                wanted.update(x for x in links if isinstance(x, str))
            rid = f.get("recommendation_id")
            if isinstance(rid, str):
                wanted.add(rid)
            if c.entity == "action":
                action_ids.add(c.entity_id)
                if c.op == "insert":
                    self.inserted.add(c.entity_id)
                if isinstance(links, list):
                    self.bundle_links[c.entity_id].update(x for x in links if isinstance(x, str))
            aid = f.get("action_id")
            if c.entity == "evidence" and isinstance(aid, str):
                action_ids.add(aid)
            sha = f.get("sha256")
            if c.entity == "evidence" and isinstance(sha, str) and sha not in carried:
                shas.add(sha)
        self.assigned = _assigned(session, agency, sorted(wanted))
        self.actions = _owners(session, Action, action_ids)
        self.links = _links(session, self.actions)
        self.progress = _owners(session, ProgressUpdate, _ids(changes, "progress"))
        self.evidence = _owners(session, Evidence, _ids(changes, "evidence"))
        self.files = _agency_files(session, agency, shas)
        self.values = ValueAuthority(session, agency, changes, pending)

    def check_all(self) -> None:
        for number, c in enumerate(self.changes, start=1):
            where = f"change {number} ({c.entity} {c.op})"
            try:
                self._agency_of(c)
                getattr(self, f"_{c.entity}_{c.op}")(c)
                check_values(c)
            except (Unauthorized, BadChange) as exc:
                raise type(exc)(f"{where}, {exc}") from None

    def _agency_of(self, c: ChangeLine) -> None:
        """A change that names an agency names the signer's; an insert must name it."""
        named = c.fields.get("agency_code", None if c.op == "update" else "")
        if named is not None and named != self.agency:
            raise Unauthorized(f"agency_code: writes for agency {_shown(named)}, "
                               f"not {self.agency}")
        owners = {"action": self.actions, "progress": self.progress,
                  "evidence": self.evidence}.get(c.entity, {})  # values: ValueAuthority
        owner = owners.get(c.entity_id, self.agency)
        if c.op == "insert" and owner != self.agency:
            raise Unauthorized(f"entity_id: {c.entity_id} is another agency's {c.entity}")

    def _indicator_value_insert(self, c: ChangeLine) -> None:
        self.values.check(c)

    def _own_action(self, action_id: str, name: str) -> bool:
        """Whether `action_id` is this agency's (True) or may yet be (False, held only)."""
        owner = self.actions.get(action_id)
        if owner is not None and owner != self.agency:
            raise Unauthorized(f"{name}: {action_id} is another agency's action")
        if owner is not None or action_id in self.inserted:
            return True
        if self.pending:
            return False  # the missing bundle may create it: checked again at release
        raise Unresolved(f"{name}: action {action_id} is unknown to the central record")

    def _recommendations(self, links: Any, name: str) -> list[str]:
        if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
            raise BadChange(f"{name}: must be a list of recommendation ids")
        missing = sorted(set(links) - self.assigned)
        if missing:
            raise Unauthorized(f"{name}: recommendation {missing[0]} is not assigned to "
                               f"{self.agency}")
        return links

    def _action_insert(self, c: ChangeLine) -> None:
        if not self._recommendations(c.fields.get("recommendation_ids", []),
                                     "recommendation_ids"):
            raise BadChange("recommendation_ids: an action must answer at least one "
                            "recommendation")

    def _action_update(self, c: ChangeLine) -> None:
        self._own_action(c.entity_id, "entity_id")
        if "recommendation_ids" in c.fields:
            self._recommendations(c.fields["recommendation_ids"], "recommendation_ids")

    def _progress_insert(self, c: ChangeLine) -> None:
        rid = c.fields.get("recommendation_id")
        if not isinstance(rid, str) or rid not in self.assigned:
            raise Unauthorized(f"recommendation_id: recommendation {_shown(rid)} is not "
                               f"assigned to {self.agency}")

    def _evidence_insert(self, c: ChangeLine) -> None:
        f = c.fields
        action_id, rid = f.get("action_id"), f.get("recommendation_id")
        for name, value in (("action_id", action_id), ("recommendation_id", rid)):
            if value is not None and not isinstance(value, str):
                raise BadChange(f"{name}: must be an id or null")
        if not action_id and not rid:
            raise BadChange("action_id: evidence must belong to an action or a recommendation")
        known = self._own_action(action_id, "action_id") if action_id else False
        if rid:
            if rid not in self.assigned:
                raise Unauthorized(f"recommendation_id: recommendation {rid} is not assigned "
                                   f"to {self.agency}")
            if action_id and known and rid not in (self.links.get(action_id, set())
                                                   | self.bundle_links.get(action_id, set())):
                raise Unauthorized(f"recommendation_id: action {action_id} does not answer "
                                   f"recommendation {rid}")
        self._evidence_target(f)

    def _evidence_target(self, f: dict[str, Any]) -> None:
        """A file named by its hash, carried here or already sent by this agency; or a web
        link. Never a path, and never a file that merely happens to be stored centrally."""
        sha, url, size = f.get("sha256"), f.get("url", ""), f.get("size")
        if sha is None:
            if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES):
                raise BadChange("url: a link must start with https:// or http://")
            if size is not None:
                raise BadChange("size: a link has no size")
            return
        if not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            raise BadChange("sha256: must be a SHA-256 in lower-case hex")
        if url not in ("", None):
            raise BadChange("url: evidence is a file or a link, not both")
        if sha in self.carried:
            expected: int | None = self.carried[sha]
        elif sha in self.files:
            expected = self.files[sha]
        else:
            raise Unresolved(f"sha256: names a file ({sha[:12]}…) this bundle does not carry "
                             f"and {self.agency} never sent")
        if size != expected or isinstance(size, bool):
            raise BadChange(f"size: {_shown(size)} is not the size of the file it names "
                            f"({expected})")


def _shown(value: Any) -> str:
    """A value from a bundle, shortened for a message."""
    return shown(value)


def _text(value: Any, name: str, column: Any, *, required: bool = False) -> None:
    length = getattr(column.type, "length", None)
    if not isinstance(value, str) or (length is not None and len(value) > length):
        limit = f" of at most {length} characters" if length else ""
        raise BadChange(f"{name}: must be text{limit}")
    if required and not value.strip():
        raise BadChange(f"{name}: must not be empty")


def _flag(fields: dict[str, Any], name: str = "is_public") -> None:
    if name in fields and not isinstance(fields[name], bool):
        raise BadChange(f"{name}: must be true or false")


def check_values(c: ChangeLine) -> None:
    """The values a change writes, checked as the merge will write them (nothing coerced):
    run before anything is stored, so a bad value refuses the bundle, not the transaction."""
    f = c.fields
    _flag(f)
    if c.entity == "action":
        values = action_values(f)
        if c.op == "insert" and "title" not in values:
            raise BadChange("title: an action needs a title")
        for name in ("title", "description"):
            if name in values:
                _text(values[name], name, Action.__table__.c[name], required=name == "title")
    elif c.entity == "progress":
        if f.get("status") not in {s.value for s in ImplementationStatus}:
            raise BadChange(f"status: unknown progress status {_shown(f.get('status'))}")
        _text(f.get("narrative"), "narrative", ProgressUpdate.__table__.c.narrative)
        _date(f.get("as_of"), "as_of")
    elif c.entity == VALUE_ENTITY:
        check_value(c)
    elif c.entity == "evidence":
        table = Evidence.__table__.c
        for name in ("media_type", "display_name", "url"):
            if name in f and f[name] is not None:
                _text(f[name], name, table[name])
        size = f.get("size")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool)
                                 or not 0 <= size <= MAX_INT64):
            raise BadChange(f"size: {_shown(size)} is not a file size")


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadChange(f"{name}: {_shown(value)} is not a date") from None


def action_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in fields.items() if k in _EDITABLE and k != "recommendation_ids"}
    for name in _DATES & values.keys():
        values[name] = _date(values[name], name)
    if "kind" in values and values["kind"] not in {k.value for k in ActionKind}:
        raise BadChange(f"kind: unknown action kind {_shown(values['kind'])}")
    if "status" in values and values["status"] not in {s.value for s in ActionStatus}:
        raise BadChange(f"status: unknown action status {_shown(values['status'])}")
    if "title" in values and (not isinstance(values["title"], str) or not values["title"]):
        raise BadChange("title: an action needs a title")
    return values


class Merger:
    """Applies one bundle's changes inside the caller's transaction."""

    def __init__(self, session: Session, bundle_id: str, agency: str, actor: str,
                 key_id: str, *, officer: str = "") -> None:
        self.session = session
        self.bundle_id = bundle_id
        self.agency = agency
        self.actor = actor
        self.outcome = MergeOutcome()
        # Versions written on behalf of one officer's key share this origin, so an
        # officer's successive edits never conflict with each other.
        self.origin_key = f"key:{key_id}"
        # A value is recorded by the officer the bundle names (checked as the key's owner).
        self._values = ValueMerger(session, bundle_id, officer or actor, self._conflict)

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
            if change.op == "update" or change.entity == VALUE_ENTITY:
                self._write_batches()  # a value may name evidence inserted before it
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
        if not values.get("title"):
            raise BadChange(f"action {c.entity_id}: title: an action needs a title")
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

    # -- indicator values: versions of a slot, authorized for the steward agency only

    def _indicator_value_insert(self, c: ChangeLine) -> str:
        outcome = self._values.insert(c)
        if outcome == "applied":
            self.outcome.applied += 1
        elif outcome in ("exists", "same"):
            self.outcome.already_applied += 1
        return outcome

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
