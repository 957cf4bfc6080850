"""Pack records checked one by one against pack.schema.json and against one another.

Export: a row the format cannot carry (a non-finite number, a hash that is a path, text
too long or not text at all) is left out and named, with the rows that lean on it; every
other row, and every other agency's pack, still goes. Import: a record the laptop cannot
use refuses the whole pack, naming the record kind, its number and the field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nmrf_desktop.bundles import schemas
from nmrf_desktop.services.exchange import pack_indicators
from nmrf_desktop.store import recommendations as recs_store

log = logging.getLogger(__name__)

# The record lists of a pack, in the words a message uses for one of their records.
KINDS = {"agencies": "agency", "recommendations": "recommendation",
         "assignments": "assignment", "actions": "action", "progress": "progress update",
         "evidence": "evidence entry", "acknowledged": "acknowledged bundle",
         "overlap_decisions": "overlap decision", "carry_forwards": "carry-forward decision",
         "indicators": "indicator", "indicator_values": "indicator value"}


@dataclass(slots=True)
class Screened:
    """The rows left out of a pack, each named: '<kind> <id>: field <name> <problem>'."""

    left_out: list[str] = field(default_factory=list)


def _name(kind: str, row: Any, number: int) -> str:
    """A row named by its id (or code) when it has a usable one, else by its number."""
    noun = KINDS.get(kind, kind)
    ident = None
    if isinstance(row, dict):
        ident = row.get("id", row.get("bundle_id"))
    elif isinstance(row, list) and row:
        ident = row[0]
    if isinstance(ident, str) and ident and len(ident) <= 80 and ident.isprintable():
        return f"{noun} {ident}"
    return f"{noun} {number}"


def _skeleton(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's header with every record list empty (to check one row at a time)."""
    return {k: ([] if k in KINDS else v) for k, v in payload.items()}


def _words(payload: dict[str, Any], kind: str, row: Any) -> str:
    """What is wrong with one row, in the schema's words: 'field size must be …'."""
    found = schemas.problem("pack", _skeleton(payload) | {kind: [row]})
    if found is None:
        return "cannot be carried in a pack"
    where, words = found
    _record, _sep, inside = where.partition(", ")
    return f"{inside or 'the record'} {words}"


def screen_export(payload: dict[str, Any]) -> Screened:
    """Leave out (in place) every row of `payload` that breaks the pack format, and the rows
    that lean on one left out; the header itself is made by the app and trusted."""
    screened = Screened()
    bad: dict[str, set[int]] = {}
    for error in schemas.validator("pack").iter_errors(payload):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] in KINDS and isinstance(path[1], int):
            bad.setdefault(str(path[0]), set()).add(path[1])
        else:  # the header: the app's own values, never the database's
            raise ValueError(f"the pack header is malformed: {schemas.where(path)}")
    for kind, numbers in bad.items():
        rows = payload[kind]
        for number in sorted(numbers):
            _leave_out(screened, kind, rows[number], number + 1,
                       _words(payload, kind, rows[number]))
        payload[kind] = [r for i, r in enumerate(rows) if i not in numbers]
    _unreproducible(payload, screened)
    _dependents(payload, screened)
    return screened


def _leave_out(screened: Screened, kind: str, row: Any, number: int, why: str) -> None:
    text = f"{_name(kind, row, number)}: {why}"
    screened.left_out.append(text)
    log.warning("pack export: left out %s", text)


def _unreproducible(payload: dict[str, Any], screened: Screened) -> None:
    kept = []
    for number, rec in enumerate(payload["recommendations"], start=1):
        if recs_store.stable_id(rec["source"], rec["source_id"]) != rec["id"]:
            _leave_out(screened, "recommendations", rec, number,
                       "field id is not the one its source and source_id give")
        else:
            kept.append(rec)
    payload["recommendations"] = kept


def _dependents(payload: dict[str, Any], screened: Screened) -> None:
    """Leave out the rows that name a recommendation, action or agency left out."""
    recs = {r["id"] for r in payload["recommendations"]}
    actions = {a["id"] for a in payload["actions"]}
    agencies = {a[0] for a in payload["agencies"]}
    rules: dict[str, Callable[[dict[str, Any]], str | None]] = {
        "assignments": lambda a: _missing(a, recs, agencies),
        "progress": lambda p: _missing(p, recs, agencies),
        "evidence": lambda e: (_missing(e, recs, agencies)
                               or ("field action_id names an action left out"
                                   if e["action_id"] is not None
                                   and e["action_id"] not in actions else None)),
    }
    for kind, rule in rules.items():
        kept = []
        for number, row in enumerate(payload[kind], start=1):
            why = rule(row)
            if why:
                _leave_out(screened, kind, row, number, why)
            else:
                kept.append(row)
        payload[kind] = kept
    for action in payload["actions"]:
        action["recommendation_ids"] = [r for r in action["recommendation_ids"] if r in recs]
    payload["overlap_decisions"] = [d for d in payload.get("overlap_decisions", [])
                                    if d["a"] in recs and d["b"] in recs]
    if "carry_forwards" in payload:
        payload["carry_forwards"] = [c for c in payload["carry_forwards"]
                                     if c["recommendation_id"] in recs
                                     and c["earlier_id"] in recs]
    for kind, row, why in pack_indicators.dependents(payload, recs, agencies):
        _leave_out(screened, kind, row, 0, why)


def _missing(row: dict[str, Any], recs: set[str], agencies: set[str]) -> str | None:
    rec = row.get("recommendation_id")
    if rec is not None and rec not in recs:
        return "field recommendation_id names a recommendation left out"
    code = row.get("agency_code")
    if code is not None and code not in agencies:
        return "field agency_code names an agency left out"
    return None


def import_problem(payload: dict[str, Any], known_recs: set[str], known_actions: set[str]
                   ) -> str | None:
    """The first record of a verified pack the laptop cannot use, named; None when every
    reference resolves in the pack or on the laptop. The schema was checked by read_pack
    (every VerifiedPack comes from it): this adds what a schema cannot see."""
    recs = known_recs | {r["id"] for r in payload["recommendations"]}
    actions = known_actions | {a["id"] for a in payload["actions"]}
    agencies = {a[0] for a in payload["agencies"]}
    for number, rec in enumerate(payload["recommendations"], start=1):
        if recs_store.stable_id(rec["source"], rec["source_id"]) != rec["id"]:
            return (f"recommendation {number}, field id is not the one its source and "
                    "source_id give")
    checks: list[tuple[str, str, set[str]]] = [
        ("assignments", "recommendation_id", recs), ("assignments", "agency_code", agencies),
        ("progress", "recommendation_id", recs), ("progress", "agency_code", agencies),
        ("evidence", "recommendation_id", recs), ("evidence", "action_id", actions),
        ("evidence", "agency_code", agencies), ("actions", "agency_code", agencies)]
    for kind, name, known in checks:
        for number, row in enumerate(payload[kind], start=1):
            value = row.get(name)
            if value is not None and value not in known:
                return (f"{KINDS[kind]} {number}, field {name} names something neither the "
                        "pack nor this laptop holds")
    for number, action in enumerate(payload["actions"], start=1):
        if any(r not in recs for r in action["recommendation_ids"]):
            return (f"action {number}, field recommendation_ids names a recommendation "
                    "neither the pack nor this laptop holds")
    return (pack_indicators.import_problem(payload, recs, agencies)
            or _carry_problem(payload.get("carry_forwards", []), recs))


def _carry_problem(rows: list[dict[str, Any]], recs: set[str]) -> str | None:
    """The first carry-forward decision naming a recommendation the laptop cannot hold, or
    one pair decided twice (the record keeps one decision a pair)."""
    pairs: set[tuple[str, str]] = set()
    for number, row in enumerate(rows, start=1):
        for name in ("recommendation_id", "earlier_id"):
            if row[name] not in recs:
                return (f"{KINDS['carry_forwards']} {number}, field {name} names a "
                        "recommendation neither the pack nor this laptop holds")
        pair = (row["recommendation_id"], row["earlier_id"])
        if pair in pairs or pair[0] == pair[1]:
            return (f"{KINDS['carry_forwards']} {number}, field earlier_id repeats a pair "
                    "already decided, or names the recommendation itself")
        pairs.add(pair)
    return None
