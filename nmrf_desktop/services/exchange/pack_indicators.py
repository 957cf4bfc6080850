"""Indicators in packs: the ones an agency stewards or whose recommendations it holds.

The centre carries each such indicator (definition, links to recommendations in the pack,
Māori-data flags and governance) and its current values; the laptop, after the schema
and every reference have been checked, takes the definitions as they are and adds the
values it lacks as the current versions, except where an officer's unsent value sits on
top (it stays current until its bundle has been merged).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from nmrf_desktop.domain.indicator_values import VALUE_ENTITY, InvalidValue, check_entry
from nmrf_desktop.store.indicator_models import Indicator, IndicatorLink, IndicatorValue
from nmrf_desktop.store.models import Change, utcnow

_CHUNK = 400
INDICATOR_FIELDS = ("id", "code", "title", "title_mi", "kind", "unit", "unit_multiplier",
                    "direction", "source", "method", "steward", "sdg", "baseline_value",
                    "baseline_period", "target_value", "target_period", "maori_data",
                    "governance", "governance_note", "release_public", "version")
VALUE_FIELDS = ("id", "indicator_id", "period", "units", "value", "status",
                "observation_status", "note", "maori_data", "version", "recorded_by")


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def for_pack(session: Session, agency: str, rec_ids: list[str]) -> dict[str, list[Any]]:
    """The pack's `indicators` and `indicator_values`: every indicator `agency` stewards or
    linked to one of `rec_ids` (its assigned recommendations), with its current values."""
    linked: dict[str, set[str]] = {}
    wanted = set(rec_ids)
    measuring: set[str] = set()
    for chunk in _chunks(rec_ids):
        measuring.update(session.execute(select(IndicatorLink.indicator_id).where(
            IndicatorLink.recommendation_id.in_(chunk))).scalars())
    rows = list(session.execute(select(Indicator).where(or_(
        Indicator.steward == agency, Indicator.id.in_(sorted(measuring)))).order_by(
        Indicator.code)).scalars())
    ids = [r.id for r in rows]
    for chunk in _chunks(ids):
        for iid, rid in session.execute(select(
                IndicatorLink.indicator_id, IndicatorLink.recommendation_id).where(
                IndicatorLink.indicator_id.in_(chunk))):
            if rid in wanted:
                linked.setdefault(iid, set()).add(rid)
    indicators = [{n: getattr(r, n) for n in INDICATOR_FIELDS}
                  | {"recommendation_ids": sorted(linked.get(r.id, set()))} for r in rows]
    values: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        for v in session.execute(select(IndicatorValue.__table__).where(
                IndicatorValue.indicator_id.in_(chunk), IndicatorValue.current.is_(True))
                .order_by(IndicatorValue.indicator_id, IndicatorValue.key)):
            values.append({n: getattr(v, n) for n in VALUE_FIELDS}
                          | {"disaggregation": json.loads(v.disaggregation),
                             "recorded_at": v.recorded_at.replace(microsecond=0).isoformat()})
    return {"indicators": indicators, "indicator_values": values}


def dependents(payload: dict[str, Any], recs: set[str], agencies: set[str]
               ) -> list[tuple[str, dict[str, Any], str]]:
    """At export, after the schema screen: drop (in place) the values of an indicator left
    out and links to recommendations left out; return the rows dropped, with why."""
    dropped: list[tuple[str, dict[str, Any], str]] = []
    if "indicators" not in payload:
        return dropped
    kept = []
    for row in payload["indicators"]:
        if row["steward"] is not None and row["steward"] not in agencies:
            dropped.append(("indicators", row, "field steward names an agency left out"))
            continue
        row["recommendation_ids"] = [r for r in row["recommendation_ids"] if r in recs]
        kept.append(row)
    payload["indicators"] = kept
    ids = {r["id"] for r in kept}
    values = []
    for row in payload.get("indicator_values", []):
        if row["indicator_id"] in ids:
            values.append(row)
        else:
            dropped.append(("indicator_values", row,
                            "field indicator_id names an indicator left out"))
    payload["indicator_values"] = values
    return dropped


def import_problem(payload: dict[str, Any], recs: set[str], agencies: set[str]
                   ) -> str | None:
    """The first indicator or value of a verified pack the laptop cannot use, named."""
    indicators = payload.get("indicators", [])
    ids: set[str] = set()
    codes: set[str] = set()
    for number, row in enumerate(indicators, start=1):
        if row["id"] in ids or row["code"].casefold() in codes:
            return f"indicator {number}, field code repeats an indicator already in the pack"
        ids.add(row["id"])
        codes.add(row["code"].casefold())
        if row["steward"] is not None and row["steward"] not in agencies:
            return (f"indicator {number}, field steward names an agency neither the pack "
                    "nor this laptop holds")
        if any(r not in recs for r in row["recommendation_ids"]):
            return (f"indicator {number}, field recommendation_ids names a recommendation "
                    "neither the pack nor this laptop holds")
    slots: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for number, row in enumerate(payload.get("indicator_values", []), start=1):
        where = f"indicator value {number}"
        if row["indicator_id"] not in ids:
            return f"{where}, field indicator_id names an indicator the pack does not carry"
        try:
            entry = check_entry(period=row["period"], value=row["value"],
                                disaggregation=row["disaggregation"], units=row["units"],
                                status=row["status"], note=row["note"], strict=True)
        except InvalidValue as exc:
            return f"{where}, field {exc}"
        slot = (row["indicator_id"], entry.key)
        if row["id"] in seen or slot in slots:
            return f"{where}, field period repeats a value already in the pack"
        seen.add(row["id"])
        slots.add(slot)
    return None


def apply(session: Session, payload: dict[str, Any]) -> tuple[int, int] | None:
    """Take the pack's indicators and values (after `import_problem`): how many of each it
    carried, or None when the pack is from before indicators travelled (left as they are)."""
    if "indicators" not in payload:
        return None
    indicators = payload["indicators"]
    ids = [r["id"] for r in indicators]
    codes = {r["code"]: r["id"] for r in indicators}
    # An indicator the centre replaced under the same code: its old copy is let go.
    stale = [i for c, i in session.execute(select(Indicator.code, Indicator.id).where(
        Indicator.code.in_(sorted(codes)))).tuples() if codes[c] != i]
    for chunk in _chunks(stale):
        session.execute(delete(IndicatorValue).where(IndicatorValue.indicator_id.in_(chunk)))
        session.execute(delete(IndicatorLink).where(IndicatorLink.indicator_id.in_(chunk)))
        session.execute(delete(Indicator).where(Indicator.id.in_(chunk)))
    held = set(session.execute(select(Indicator.id)).scalars())
    now = utcnow()
    for row in indicators:
        values = {n: row[n] for n in INDICATOR_FIELDS}
        if row["id"] in held:
            session.execute(update(Indicator.__table__).where(Indicator.id == row["id"])
                            .values(**{k: v for k, v in values.items() if k != "id"},
                                    updated_at=now))
        else:
            session.execute(Indicator.__table__.insert(),
                            [values | {"created_at": now, "updated_at": now}])
    for chunk in _chunks(ids):
        session.execute(delete(IndicatorLink).where(IndicatorLink.indicator_id.in_(chunk)))
    links = [{"indicator_id": r["id"], "recommendation_id": rid}
             for r in indicators for rid in dict.fromkeys(r["recommendation_ids"])]
    if links:
        session.execute(IndicatorLink.__table__.insert(), links)
    session.expire_all()
    return len(indicators), _apply_values(session, payload.get("indicator_values", []))


def _apply_values(session: Session, rows: list[dict[str, Any]]) -> int:
    """Each value of the pack becomes its slot's current version (added if this laptop
    lacks it), unless one of this laptop's values the centre has not acknowledged yet
    (unsent, or sent and not merged) is current there: it stays on top, the pack's beneath."""
    pending = set(session.execute(select(Change.entity_id).where(
        Change.entity == VALUE_ENTITY, Change.acknowledged.is_(False))).scalars())
    have: set[str] = set()
    for chunk in _chunks([r["id"] for r in rows]):
        have.update(session.execute(select(IndicatorValue.id).where(
            IndicatorValue.id.in_(chunk))).scalars())
    table = IndicatorValue.__table__
    new: list[dict[str, Any]] = []
    currents: dict[tuple[str, str], str] = {}  # (indicator, slot key) -> its current value
    for chunk in _chunks(sorted({r["indicator_id"] for r in rows})):
        for iid, key, vid in session.execute(select(
                table.c.indicator_id, table.c.key, table.c.id).where(
                table.c.indicator_id.in_(chunk), table.c.current.is_(True))):
            currents[(iid, key)] = vid
    for row in rows:
        entry = check_entry(period=row["period"], value=row["value"],
                            disaggregation=row["disaggregation"], units=row["units"],
                            status=row["status"], note=row["note"], strict=True)
        current = currents.get((row["indicator_id"], entry.key))
        if row["id"] in have:  # the Māori-data flag of a series changes without a version
            session.execute(update(table).where(table.c.id == row["id"]).values(
                maori_data=row["maori_data"]))
        if current == row["id"]:
            continue
        on_top = current is not None and current in pending
        if on_top:  # the officer's value stays above the centre's: its version too
            session.execute(update(table).where(
                table.c.id == current, table.c.version <= row["version"]).values(
                version=row["version"] + 1))
        elif current is not None:
            session.execute(update(table).where(table.c.id == current).values(
                current=False, superseded_by=row["id"]))
        if row["id"] in have:
            session.execute(update(table).where(table.c.id == row["id"]).values(
                current=not on_top, superseded_by=current if on_top else None))
            continue
        new.append({
            "id": row["id"], "indicator_id": row["indicator_id"], "key": entry.key,
            "period": entry.period, "disaggregation": entry.disaggregation,
            "units": entry.units, "value": entry.value, "status": entry.status,
            "observation_status": row["observation_status"], "attributes": "{}",
            "note": entry.note, "evidence_id": None, "maori_data": row["maori_data"],
            "version": row["version"], "current": not on_top,
            "superseded_by": current if on_top else None,
            "recorded_at": _time(row["recorded_at"]), "recorded_by": row["recorded_by"],
            "source_file": "pack", "source_row": None})
    if new:  # one executemany: a pack may carry tens of thousands
        session.execute(table.insert(), new)
    return len(rows)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)
