"""Indicator values in bundles at the centre: who may send them, and merging them.

Only the steward agency adds values to an indicator, and only to one the central record
holds. A value is a new version of its slot (period, units, disaggregation): made
against the version the laptop saw (the change's base version) it supersedes it; if the
slot moved on since (another officer, an import), a different value is a hard conflict
for the coordinator and the current value stays. Every version is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.domain.indicator_values import (
    VALUE_ENTITY,
    InvalidValue,
    ValueEntry,
    entry_of_change,
)
from nmrf_desktop.store import indicators as store
from nmrf_desktop.store.indicator_models import Indicator, IndicatorValue
from nmrf_desktop.store.merge_errors import BadChange, Unauthorized, Unresolved, shown
from nmrf_desktop.store.models import Evidence, new_id, utcnow

_CHUNK = 400


def check_value(c: ChangeLine) -> ValueEntry:
    """The value a change carries, checked as the merge will write it (BadChange names the
    field)."""
    try:
        return entry_of_change(c.fields)
    except InvalidValue as exc:
        raise BadChange(str(exc)) from None


def _lookup(session: Session, column: Any, wanted: Iterable[str], *cols: Any
            ) -> dict[str, tuple[Any, ...]]:
    ids = sorted(set(wanted))
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), _CHUNK):
        for row in session.execute(select(column, *cols).where(
                column.in_(ids[start:start + _CHUNK]))):
            found[row[0]] = tuple(row[1:])
    return found


class ValueAuthority:
    """What one bundle's indicator values may touch, read in a few queries."""

    def __init__(self, session: Session, agency: str, changes: list[ChangeLine],
                 pending: bool) -> None:
        self.agency, self.pending = agency, pending
        mine = [c for c in changes if c.entity == VALUE_ENTITY]
        wanted = [c.fields.get("indicator_id") for c in mine]
        self.indicators = _lookup(session, Indicator.id,
                                  [w for w in wanted if isinstance(w, str)],
                                  Indicator.code, Indicator.steward)
        self.values = _lookup(session, IndicatorValue.id, [c.entity_id for c in mine],
                              IndicatorValue.indicator_id)
        evidence = [c.fields.get("evidence_id") for c in mine]
        self.evidence = _lookup(session, Evidence.id,
                                [e for e in evidence if isinstance(e, str)],
                                Evidence.agency_code)
        self.bundle_evidence = {c.entity_id for c in changes
                                if c.entity == "evidence" and c.op == "insert"}

    def check(self, c: ChangeLine) -> None:
        """The indicator exists and is stewarded by the signer's agency; the evidence named
        is the agency's; the value's id is no other indicator's."""
        iid = c.fields.get("indicator_id")
        if not isinstance(iid, str):
            raise BadChange("indicator_id: must name an indicator")
        if iid not in self.indicators:
            raise Unresolved(f"indicator_id: indicator {shown(iid)} is unknown to the "
                             "central record")
        code, steward = self.indicators[iid]
        if steward != self.agency:
            raise Unauthorized(f"indicator_id: indicator {code} is stewarded by "
                               f"{steward or 'no agency'}, not {self.agency}: only its "
                               "steward agency may add values to it")
        held = self.values.get(c.entity_id)
        if held is not None and held[0] != iid:
            raise Unauthorized(f"entity_id: {c.entity_id} is another indicator's value")
        evidence = c.fields.get("evidence_id")
        if evidence is None or evidence in self.bundle_evidence:
            return
        owner = self.evidence.get(evidence)
        if owner is not None and owner[0] != self.agency:
            raise Unauthorized(f"evidence_id: {evidence} is another agency's evidence")
        if owner is None and not self.pending:
            raise Unresolved(f"evidence_id: evidence {evidence} is unknown to the central "
                             "record")


def value_json(row: Any) -> dict[str, Any]:
    """A stored value as a conflict shows it."""
    return {"period": row.period, "disaggregation": json.loads(row.disaggregation),
            "units": row.units, "value": row.value, "status": row.status, "note": row.note,
            "version": row.version}


def new_version(session: Session, indicator_id: str, entry: ValueEntry, *, value_id: str,
                previous: Any, actor: str, source: str) -> dict[str, Any]:
    """Write `entry` as the slot's next version (superseding `previous`, if any)."""
    row = {"id": value_id, "indicator_id": indicator_id, "key": entry.key,
           "period": entry.period, "disaggregation": entry.disaggregation,
           "units": entry.units, "value": entry.value, "status": entry.status,
           "observation_status": entry.observation_status, "attributes": "{}",
           "note": entry.note, "evidence_id": entry.evidence_id,
           "maori_data": previous.maori_data if previous is not None else None,
           "version": previous.version + 1 if previous is not None else 1,
           "current": True, "superseded_by": None, "recorded_at": utcnow(),
           "recorded_by": actor[:200], "source_file": source[:300], "source_row": None}
    if previous is not None:
        store.supersede(session, [(previous.id, value_id)])
    store.insert_values(session, [row])
    return row


def current_at(session: Session, indicator_id: str, key: str) -> Any:
    """The current version of one slot (a row of IndicatorValue's columns), or None."""
    table = IndicatorValue.__table__
    return session.execute(select(table).where(
        table.c.indicator_id == indicator_id, table.c.key == key,
        table.c.current.is_(True))).first()


class ValueMerger:
    """Applies a bundle's indicator values inside the merge's transaction."""

    def __init__(self, session: Session, bundle_id: str, actor: str,
                 conflict: Callable[[ChangeLine, str, str, Any, Any], None]) -> None:
        self.session, self.bundle_id, self.actor = session, bundle_id, actor
        self.conflict = conflict

    def insert(self, c: ChangeLine) -> str:
        """'exists' (already merged), 'applied', 'same' (the slot already holds it) or
        'hard' (the slot moved on since the base: queued for the coordinator)."""
        if self.session.get(IndicatorValue, c.entity_id) is not None:
            return "exists"
        entry = check_value(c)
        iid = c.fields["indicator_id"]
        current = current_at(self.session, iid, entry.key)
        base = c.base_version
        if current is not None and (base is None or current.version != base):
            if entry.same_as(current.value, current.status, current.note,
                             current.evidence_id):
                return "same"
            self.conflict(c, "value", "hard", value_json(current),
                          {**c.fields, "base_version": base})
            return "hard"
        new_version(self.session, iid, entry, value_id=c.entity_id, previous=current,
                    actor=self.actor, source=f"bundle {self.bundle_id}")
        return "applied"


def take_incoming(session: Session, conflict: Any, value: Any, actor: str) -> None:
    """Resolve a value conflict with the incoming (or an edited) value: a new version of
    the slot over whatever is current. `value` is the conflict's incoming fields, or a
    number to record instead."""
    incoming = json.loads(conflict.incoming_value)
    fields = {k: v for k, v in incoming.items() if k != "base_version"}
    if not isinstance(value, dict):
        fields["value"] = value if isinstance(value, str) else json.dumps(value)
    try:
        entry = entry_of_change(fields)
    except InvalidValue as exc:
        raise BadChange(str(exc)) from None
    iid = fields["indicator_id"]
    if session.get(Indicator, iid) is None:
        raise BadChange("the indicator is no longer in the record")
    current = current_at(session, iid, entry.key)
    if session.get(IndicatorValue, conflict.entity_id) is None:
        value_id = conflict.entity_id
    else:
        value_id = new_id()
    new_version(session, iid, entry, value_id=value_id, previous=current, actor=actor,
                source=f"conflict {conflict.id}")
