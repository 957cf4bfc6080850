"""Packs: central issues each agency its signed pack; a laptop verifies and imports it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from nmrf_desktop import policy
from nmrf_desktop.bundles.keys import SigningKey, fingerprint
from nmrf_desktop.bundles.pack_file import PackRejected, VerifiedPack, read_pack, write_pack
from nmrf_desktop.domain.enums import Mechanism, Position, Source
from nmrf_desktop.domain.records import RecommendationIn, StateRef
from nmrf_desktop.faults import crashpoint
from nmrf_desktop.services import overlap
from nmrf_desktop.services.exchange import pack_indicators, pack_rows
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, carry_forward as carry_store, recommendations as recs_store
from nmrf_desktop.store.models import (
    Action,
    ActionLink,
    Agency,
    Assignment,
    Change,
    Evidence,
    IssuedPack,
    MergedBundle,
    ProgressUpdate,
    Recommendation,
    RecommendationState,
    RecommendationTerm,
    SentBundle,
    Setting,
    SigningKeyRow,
    State,
    Term,
    utcnow,
)
from nmrf_desktop.store.progress import refresh_statuses

log = logging.getLogger(__name__)

PINNED_KEY = "pinned_central_key_id"
PACK_VERSION = "pack_version"
PACK_SHA = "pack_sha256"
PACK_ID = "pack_id"
PACK_EXPIRES = "pack_expires_at"
_HEX64 = re.compile(r"[0-9a-f]{64}")
# JSON {key id: officer name}: the agency's keys as the central record registered them.
REGISTERED_NAMES = "registered_officer_names"
AGENCY = "agency"

_REC_FIELDS = ("id", "reference", "source", "source_id", "country", "text", "paragraph",
               "document_symbol", "mechanism", "body", "upr_session", "cycle", "year",
               "published_on", "position", "action_category", "te_tiriti", "withdrawn",
               "follow_up", "important", "version")
# Carried since the treaty-body flags (0012); a pack from before them leaves them as they are.
_REC_FLAGS = ("follow_up", "important")
_ACTION_FIELDS = ("id", "agency_code", "title", "description", "kind", "status", "start_date",
                  "target_date", "completed_date", "is_public", "version")
_PROGRESS_FIELDS = ("id", "recommendation_id", "agency_code", "status", "narrative", "as_of",
                    "is_public", "created_at")
_EVIDENCE_FIELDS = ("id", "action_id", "recommendation_id", "agency_code", "sha256", "size",
                    "media_type", "display_name", "url", "is_public", "version")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _row(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: _plain(getattr(obj, n)) for n in names}


# ---------------------------------------------------------------- central: export


def _loaded(session: Session, model: Any, where: Any, order: tuple[Any, ...], noun: str,
            left_out: list[str]) -> list[Any]:
    """The rows of `model` matching `where`; when one cannot even be loaded (a date column
    holding something that is no date), each is loaded alone and the bad ones left out."""
    try:
        return list(session.execute(select(model).where(where).order_by(*order)).scalars())
    except (ValueError, TypeError, OverflowError):
        ids = session.execute(select(model.id).where(where).order_by(*order)).scalars().all()
    rows = []
    for one in ids:
        try:
            rows.append(session.execute(select(model).where(model.id == one)).scalar_one())
        except (ValueError, TypeError, OverflowError) as exc:
            text = f"{noun} {one}: a value cannot be read ({str(exc)[:120]})"
            log.warning("pack export: left out %s", text)
            left_out.append(text)
    return rows


def build_payload(session: Session, agency: str, version: int, valid_days: int,
                  left_out: list[str] | None = None) -> dict[str, Any]:
    """The agency's pack payload; rows that cannot even be read are named in `left_out`."""
    left_out = left_out if left_out is not None else []
    rec_ids = list(session.execute(select(Assignment.recommendation_id).where(
        Assignment.agency_code == agency, Assignment.active.is_(True))).scalars())
    recs = []
    lists: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(rec_ids):
        for rid, name, group in session.execute(
                select(RecommendationState.recommendation_id, State.name, State.regional_group)
                .join(State).where(RecommendationState.recommendation_id.in_(chunk))
                .order_by(State.name)):
            lists[rid]["states"].append([name, group])
        for rid, kind, label in session.execute(
                select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
                .join(Term).where(RecommendationTerm.recommendation_id.in_(chunk))
                .order_by(RecommendationTerm.term_id)):
            lists[rid][kind].append(label)
        for rec in _loaded(session, Recommendation, Recommendation.id.in_(chunk),
                           (Recommendation.num,), "recommendation", left_out):
            extra = lists[rec.id]
            recs.append(_row(rec, _REC_FIELDS) | {
                "states": extra["states"], "themes": extra["theme"], "groups": extra["group"],
                "sdgs": extra["sdg"]})
    assignments = [
        _row(a, ("id", "recommendation_id", "agency_code", "role", "active", "version"))
        for chunk in _chunks(rec_ids) for a in session.execute(
            select(Assignment).where(Assignment.recommendation_id.in_(chunk))).scalars()]
    actions = []
    for a in _loaded(session, Action, Action.agency_code == agency, (Action.created_at,),
                     "action", left_out):
        links = sorted(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == a.id)).scalars())
        actions.append(_row(a, _ACTION_FIELDS) | {"recommendation_ids": links})
    progress = [_row(p, _PROGRESS_FIELDS) for chunk in _chunks(rec_ids)
                for p in _loaded(session, ProgressUpdate,
                                 ProgressUpdate.recommendation_id.in_(chunk),
                                 (ProgressUpdate.id,), "progress update", left_out)]
    evidence = [_row(e, _EVIDENCE_FIELDS) for e in _loaded(
        session, Evidence, (Evidence.agency_code == agency) & Evidence.removed.is_(False),
        (Evidence.id,), "evidence entry", left_out)]
    acknowledged = [{"bundle_id": m.bundle_id, "key_id": m.key_id, "sequence": m.sequence}
                    for m in session.execute(select(MergedBundle).where(
                        MergedBundle.agency_code == agency)
                        .order_by(MergedBundle.sequence)).scalars()]
    agencies = [[a.code, a.name_en, a.name_mi] for a in
                session.execute(select(Agency).order_by(Agency.code)).scalars()]
    officers = registered_officers(session, agency)
    now = utcnow().replace(microsecond=0)
    return {
        "format": 1, "kind": "pack", "pack_id": str(uuid.uuid4()), "agency": agency,
        "version": version, "created_at": now.isoformat(),
        "expires_at": (now + dt.timedelta(days=valid_days)).isoformat(),
        "agencies": agencies, "recommendations": recs, "assignments": assignments,
        "actions": actions, "progress": progress, "evidence": evidence,
        "acknowledged": acknowledged,
        "overlap_decisions": overlap.decisions_for(session, rec_ids),
        "carry_forwards": carry_store.for_pack(session, rec_ids, left_out),
        "officers": officers,
        **pack_indicators.for_pack(session, agency, rec_ids),
    }


def registered_officers(session: Session, agency: str) -> list[dict[str, str]]:
    """The agency's active officer keys with the names they are registered under: a
    laptop names its officer so, and the centre refuses a bundle naming anyone else."""
    rows = session.execute(select(SigningKeyRow.key_id, SigningKeyRow.officer_name).where(
        SigningKeyRow.agency_code == agency, SigningKeyRow.role == "officer",
        SigningKeyRow.status == "active").order_by(SigningKeyRow.key_id)).all()
    # Only what the pack format can carry: a row the database should never have held
    # (no hash for an id, an over-long name) is left out rather than break every pack.
    return [{"key_id": kid, "officer": name} for kid, name in rows
            if isinstance(kid, str) and _HEX64.fullmatch(kid)
            and isinstance(name, str) and 0 < len(name) <= 200]


def _chunks(ids: list[str], size: int = 500):  # type: ignore[no-untyped-def]
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def export_pack(record: Record, agency: str, out: Path, key: SigningKey,
                valid_days: int = 90) -> dict[str, Any]:
    """Write the agency's signed pack; its version is one more than the last issued."""
    actor = record.actor()
    with record.unit_of_work() as session:
        if session.get(Agency, agency) is None:
            raise PackRejected(f"unknown agency code {agency!r}")
        last = session.execute(select(func.max(IssuedPack.version)).where(
            IssuedPack.agency_code == agency)).scalar() or 0
        unreadable: list[str] = []
        payload = build_payload(session, agency, last + 1, valid_days, unreadable)
        # What the database holds is not trusted either: a row the format cannot carry is
        # left out and named, never allowed to stop the pack (or anyone else's).
        screened = pack_rows.screen_export(payload)
        screened.left_out[:0] = unreadable
        sha = write_pack(out, payload, key)
        session.add(IssuedPack(agency_code=agency, version=last + 1, sha256=sha,
                               expires_at=dt.datetime.fromisoformat(payload["expires_at"]),
                               pack_id=payload["pack_id"]))
        audit.append(session, "pack.export", actor=actor, entity="agency", entity_id=agency,
                     details={"version": last + 1, "sha256": sha,
                              "recommendations": len(payload["recommendations"]),
                              "acknowledged": len(payload["acknowledged"]),
                              "left_out": screened.left_out[:100]})
    return {"agency": agency, "version": last + 1, "path": str(out), "sha256": sha,
            "recommendations": len(payload["recommendations"]),
            "left_out": screened.left_out}


def registered_name(record: Record, key_id: str) -> str | None:
    """The name this laptop's key is registered under at the centre (from the last pack
    that said), or None when no pack has said yet."""
    try:
        names = json.loads(record.setting(REGISTERED_NAMES, "{}"))
    except ValueError:
        return None
    name = names.get(key_id) if isinstance(names, dict) else None
    return name if isinstance(name, str) and name else None


# ---------------------------------------------------------------- laptop: import


@dataclass(slots=True)
class PackImport:
    version: int
    agency: str
    fingerprint: str
    first_pin: bool = False
    already_imported: bool = False
    warnings: list[str] = field(default_factory=list)
    recommendations: int = 0
    acknowledged: int = 0
    overlap_decisions: int = 0  # carried by the pack
    overlap_changed: list[str] = field(default_factory=list)  # ids whose verdicts changed
    carry_forwards: int | None = None  # carry-forward decisions held now (None: pack had none)
    indicators: int | None = None  # indicators carried (None: a pack from before they were)
    indicator_values: int = 0  # their current values carried


def import_pack(record: Record, path: Path, now: dt.datetime | None = None) -> PackImport:
    """Verify and import a pack; all or nothing. Unsent local changes survive it."""
    # An organisation's policy decides which central key is trusted, before any pin.
    policy_pins = policy.pins_central_key()
    pinned = None if policy_pins else (record.setting(PINNED_KEY) or None)
    pack = read_pack(path, pinned)
    refusal = policy.central_key_refusal(pack.signer.id)
    if refusal:
        raise PackRejected(refusal)
    payload = pack.payload
    agency = payload["agency"]
    local_agency = laptop_agency(record)
    if local_agency and local_agency != agency:
        raise PackRejected(f"this pack is for agency {agency}; this laptop works for "
                           f"{local_agency}")
    current = int(record.setting(PACK_VERSION, "0"))
    result = PackImport(pack.version, agency, fingerprint(pack.signer.id),
                        first_pin=pinned is None and not policy_pins)
    if pack.version < current:
        raise PackRejected(f"this pack (version {pack.version}) is older than the one already "
                           f"imported (version {current}); refusing to roll back")
    if pack.version == current:
        if record.setting(PACK_SHA) == pack.payload_sha256:
            result.already_imported = True
            return result
        raise PackRejected(f"a different pack with version {current} was already imported")
    moment = now or utcnow()
    if pack.expires_at < moment:
        result.warnings.append(f"this pack expired on {pack.expires_at:%Y-%m-%d}; ask the "
                               "secretariat for a fresh one")
    actor = record.actor()
    crashpoint("pack-import:verified")
    with record.unit_of_work() as session:
        _checked_apply(session, pack, result)
        session.flush()
        crashpoint("pack-import:applied")
        for key, value in ((PINNED_KEY, pack.signer.id), (AGENCY, agency),
                           (PACK_VERSION, str(pack.version)), (PACK_SHA, pack.payload_sha256),
                           (PACK_ID, payload["pack_id"]), (PACK_EXPIRES, payload["expires_at"])):
            _set(session, key, value)
        if "officers" in payload:  # packs from before names travelled leave them as they were
            _set(session, REGISTERED_NAMES, json.dumps(
                {o["key_id"]: o["officer"] for o in payload["officers"]}, ensure_ascii=False))
        audit.append(session, "pack.import", actor=actor, entity="pack",
                     entity_id=payload["pack_id"],
                     details={"version": pack.version, "agency": agency,
                              "signer": pack.signer.id, "warnings": result.warnings})
        session.flush()
        crashpoint("pack-import:before-commit")
    _find_overlaps(record, result)
    return result


def _find_overlaps(record: Record, result: PackImport) -> None:
    """Re-run overlap detection (incrementally), honouring the decisions the pack brought.

    Derived data in its own transaction: the pack is in whatever happens here.
    """
    try:
        overlap.update(record, recheck=result.overlap_changed)
    except Exception as exc:  # the import stands; detection can run again later
        log.exception("overlap detection after a pack import failed")
        result.warnings.append(f"overlapping recommendations were not updated: {exc}")


def _set(session: Session, key: str, value: str) -> None:
    session.merge(Setting(key=key, value=value))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _checked_apply(session: Session, pack: VerifiedPack, result: PackImport) -> None:
    """Apply a verified pack whose every record resolves; anything the laptop cannot use
    refuses the whole pack with the record named (the transaction is rolled back)."""
    known_recs = set(session.execute(select(Recommendation.id)).scalars())
    known_actions = set(session.execute(select(Action.id)).scalars())
    try:
        problem = pack_rows.import_problem(pack.payload, known_recs, known_actions)
        if problem:
            raise PackRejected(f"the pack holds a record this laptop cannot use: {problem}; "
                               "nothing was changed")
        _apply_pack(session, pack, result)
    except PackRejected:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError,
            SQLAlchemyError) as exc:  # a record no check above foresaw: refused, not a crash
        log.warning("pack import refused: %r", exc)
        raise PackRejected("the pack holds a record this laptop cannot use "
                           f"({type(exc).__name__}: {str(exc)[:200]}); nothing was changed"
                           ) from None


def _apply_pack(session: Session, pack: VerifiedPack, result: PackImport) -> None:
    payload = pack.payload
    for code, en, mi in payload["agencies"]:
        session.merge(Agency(code=code, name_en=en, name_mi=mi))
    recs = [_rec_in(r) for r in payload["recommendations"]]
    recs_store.upsert(session, recs)
    for r in payload["recommendations"]:
        if recs_store.stable_id(r["source"], r["source_id"]) != r["id"]:
            raise PackRejected(f"recommendation {r['reference']} has an id this laptop "
                               "cannot reproduce")
    if payload["recommendations"]:
        table = Recommendation.__table__
        session.execute(
            table.update().where(table.c.id == bindparam("rid")).values(version=bindparam("v")),
            [{"rid": r["id"], "v": r["version"]} for r in payload["recommendations"]])
        flagged = [{"rid": r["id"]} | {f"f_{n}": bool(r[n]) for n in _REC_FLAGS}
                   for r in payload["recommendations"] if all(n in r for n in _REC_FLAGS)]
        if flagged:
            session.execute(table.update().where(table.c.id == bindparam("rid")).values(
                {n: bindparam(f"f_{n}") for n in _REC_FLAGS}), flagged)
    result.recommendations = len(recs)
    rec_ids = [r["id"] for r in payload["recommendations"]]
    for chunk in _chunks(rec_ids):
        session.execute(delete(Assignment).where(Assignment.recommendation_id.in_(chunk)))
    session.execute(delete(Assignment).where(Assignment.agency_code == payload["agency"]))
    if payload["assignments"]:
        session.execute(Assignment.__table__.insert(), [
            a | {"created_at": utcnow(), "updated_at": utcnow()}
            for a in payload["assignments"]])
    _apply_actions(session, payload["actions"])
    new_progress = _insert_missing(session, ProgressUpdate, payload["progress"],
                                   dates=("as_of",), datetimes=("created_at",))
    _insert_missing(session, Evidence, payload["evidence"])
    acked = [a["bundle_id"] for a in payload["acknowledged"]]
    if acked:
        session.execute(update(SentBundle).where(SentBundle.bundle_id.in_(acked))
                        .values(acknowledged=True))
        session.execute(update(Change).where(Change.bundle_id.in_(acked))
                        .values(acknowledged=True))
    result.acknowledged = len(acked)
    decisions = payload.get("overlap_decisions", [])
    result.overlap_decisions = len(decisions)
    result.overlap_changed = sorted(overlap.apply_decisions(session, decisions))
    if "carry_forwards" in payload:  # packs from before carry-forward travelled leave them
        result.carry_forwards = carry_store.replace_all(session, payload["carry_forwards"])
    carried = pack_indicators.apply(session, payload)
    if carried is not None:  # packs from before indicators travelled leave them as they are
        result.indicators, result.indicator_values = carried

    refresh_statuses(session, sorted({p["recommendation_id"] for p in new_progress}))


def _rec_in(r: dict[str, Any]) -> RecommendationIn:
    return RecommendationIn(
        source=Source(r["source"]), source_id=r["source_id"], text=r["text"],
        country=r["country"], mechanism=Mechanism(r["mechanism"]), body=r["body"],
        states=tuple(StateRef(n, g) for n, g in r["states"]),
        position=Position(r["position"]) if r["position"] else None,
        upr_session=r["upr_session"], cycle=r["cycle"], year=r["year"],
        published_on=_date(r["published_on"]), document_symbol=r["document_symbol"],
        paragraph=r["paragraph"], action_category=r["action_category"],
        themes=tuple(r["themes"]), groups=tuple(r["groups"]), sdgs=tuple(r["sdgs"]),
        te_tiriti=r["te_tiriti"], withdrawn=r["withdrawn"], reference=r["reference"])


def _unsent_action_fields(session: Session) -> dict[str, dict[str, Any]]:
    """Field values of local action edits not yet in any bundle, latest last."""
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    for entity_id, fields in session.execute(
            select(Change.entity_id, Change.fields).where(
                Change.entity == "action", Change.bundle_id.is_(None)).order_by(Change.seq)):
        out[entity_id].update(json.loads(fields))
    return out


def _apply_actions(session: Session, actions: list[dict[str, Any]]) -> None:
    unsent = _unsent_action_fields(session)
    for incoming in actions:
        values = dict(incoming)
        links = values.pop("recommendation_ids")
        # Re-base: the pack's version underneath, this laptop's unsent edits on top.
        local = unsent.get(values["id"], {})
        for name, value in local.items():
            if name == "recommendation_ids":
                links = value
            elif name in values and name not in ("id", "version", "agency_code"):
                values[name] = value
        for name in ("start_date", "target_date", "completed_date"):
            values[name] = _date(values[name])
        row = session.get(Action, values["id"])
        if row is None:
            session.execute(Action.__table__.insert(), [
                values | {"created_at": utcnow(), "updated_at": utcnow()}])
        else:
            session.execute(update(Action.__table__).where(Action.id == values["id"])
                            .values(**{k: v for k, v in values.items() if k != "id"}))
            session.expire(row)
        session.execute(delete(ActionLink).where(ActionLink.action_id == values["id"]))
        if links:
            session.execute(ActionLink.__table__.insert(), [
                {"action_id": values["id"], "recommendation_id": rid} for rid in links])


def _insert_missing(session: Session, model: Any, rows: list[dict[str, Any]],
                    dates: tuple[str, ...] = (), datetimes: tuple[str, ...] = ()
                    ) -> list[dict[str, Any]]:
    """Insert the rows this database lacks (append-only records); return those inserted."""
    if not rows:
        return []
    have = set(session.execute(select(model.id)).scalars())
    new = []
    for r in rows:
        if r["id"] in have:
            continue
        item = dict(r)
        for name in dates:
            item[name] = _date(item[name])
        for name in datetimes:
            item[name] = dt.datetime.fromisoformat(item[name]) if item[name] else utcnow()
        if "version" in item:
            item |= {"created_at": utcnow(), "updated_at": utcnow()}
        new.append(item)
    if new:
        session.execute(model.__table__.insert(), new)
    return new
