"""Recording indicator values on a laptop: the steward agency's officers, one value a time.

A value is a new version of its period of a series, never an overwrite: the version it
replaces is kept, superseded. Each value is one transaction that also appends a change to
the unsent log (entity `indicator_value`, its base version the one it replaces) and an
audit event; until it leaves in a bundle it can be undone (gone, and the version before it
current again).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nmrf_desktop.domain.changes import Changed
from nmrf_desktop.domain.indicator_values import (
    VALUE_ENTITY,
    InvalidValue,
    ValueEntry,
    check_entry,
)
from nmrf_desktop.domain.indicators import ValueStatus, describe_disaggregation
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, indicators as store
from nmrf_desktop.store.changes import change_has_left, drop_unsent, latest_change, record_change
from nmrf_desktop.store.indicator_models import Indicator, IndicatorValue
from nmrf_desktop.store.laptop import is_laptop
from nmrf_desktop.store.merge_indicators import current_at, new_version
from nmrf_desktop.store.models import Evidence, new_id

log = logging.getLogger(__name__)

# What recording a value writes: the value itself, and an entry in the unsent change log.
VALUE_ENTRY = Changed.INDICATORS | Changed.EXCHANGE


class ValueRefused(Exception):
    """The value cannot be recorded (or undone) here; the message says why. Nothing changed."""


@dataclass(frozen=True, slots=True)
class RecordedValue:
    """What recording did: the new version (or none, when the value was already held)."""

    code: str
    value_id: str | None
    period: str
    value: str
    disaggregation: dict[str, str]
    units: str
    status: str
    version: int
    base_version: int | None
    changed: bool

    def as_json(self) -> dict[str, object]:
        return {"indicator": self.code, "id": self.value_id, "period": self.period,
                "value": self.value, "disaggregation": self.disaggregation,
                "units": self.units, "status": self.status, "version": self.version,
                "base_version": self.base_version, "changed": self.changed}

    def summary(self) -> str:
        where = describe_disaggregation(self.disaggregation)
        if not self.changed:
            return (f"{self.code} {self.period} ({where}) already holds {self.value}: "
                    "nothing was changed")
        return (f"{self.code} {self.period} ({where}): {self.value} recorded as version "
                f"{self.version}, to send in the next bundle")


def _steward_indicator(session: Session, record: Record, code: str) -> tuple[Indicator, str]:
    """The indicator with this code, when this laptop's agency stewards it."""
    agency = laptop_agency(record)
    if not is_laptop(session) or not agency:
        raise ValueRefused("values are recorded on an agency's laptop (after its pack is "
                           "imported); on the central record, import them from a file; "
                           "nothing was changed")
    row = store.by_code(session, code.strip())
    if row is None:
        raise ValueRefused(f"no indicator with the code {code.strip()!r} in this laptop's "
                           "pack; nothing was changed")
    if row.steward != agency:
        raise ValueRefused(f"{row.code} is stewarded by {row.steward or 'no agency'}, not "
                           f"{agency}: only its steward agency records its values; nothing "
                           "was changed")
    return row, agency


def record_value(record: Record, code: str, *, period: object, value: object,
                 disaggregation: dict[str, str] | None = None, units: str = "",
                 status: str = ValueStatus.FINAL.value, note: str = "",
                 evidence_id: str | None = None) -> RecordedValue:
    """Record one value of `code` for `period` (and the series `units` + `disaggregation`).

    InvalidValue names a bad field; ValueRefused says why this laptop may not. The same
    value, status, note and evidence as the current version changes nothing.
    """
    entry = check_entry(period=period, value=value, disaggregation=disaggregation or {},
                        units=units, status=status, note=note, evidence_id=evidence_id)
    actor = record.actor()
    with record.unit_of_work("the value was not recorded") as session:
        row, agency = _steward_indicator(session, record, code)
        if entry.evidence_id is not None:
            _check_evidence(session, entry.evidence_id, agency)
        current = current_at(session, row.id, entry.key)
        if current is not None and entry.same_as(current.value, current.status,
                                                  current.note, current.evidence_id):
            return _recorded(row.code, entry, current.id, current.version,
                             current.version, changed=False)
        value_id = new_id()
        made = new_version(session, row.id, entry, value_id=value_id, previous=current,
                           actor=actor, source="recorded on this laptop")
        base = current.version if current is not None else None
        record_change(session, VALUE_ENTITY, value_id, "insert",
                      entry.change_fields(row.id, agency), base)
        audit.append(session, "indicator.record_value", actor=actor, entity="indicator",
                     entity_id=row.id, details={
                         "code": row.code, "value_id": value_id, "period": entry.period,
                         "disaggregation": json.loads(entry.disaggregation),
                         "units": entry.units, "value": entry.value, "status": entry.status,
                         "version": made["version"], "base_version": base})
    log.info("indicator %s: %s recorded for %s", row.code, entry.value, entry.period)
    return _recorded(row.code, entry, value_id, int(made["version"]), base, changed=True)


def _recorded(code: str, entry: ValueEntry, value_id: str | None, version: int,
              base: int | None, *, changed: bool) -> RecordedValue:
    return RecordedValue(code, value_id, entry.period, entry.value,
                         json.loads(entry.disaggregation), entry.units, entry.status,
                         version, base, changed)


def _check_evidence(session: Session, evidence_id: str, agency: str) -> None:
    found = session.get(Evidence, evidence_id)
    if found is None or found.removed:
        raise InvalidValue("evidence_id", f"no evidence {evidence_id} on this laptop")
    if found.agency_code != agency:
        raise InvalidValue("evidence_id", f"evidence {evidence_id} is another agency's")


def value_has_left(record: Record, value_id: str) -> bool:
    """Whether this value is in a bundle already (or came from elsewhere): then it stays."""
    with record.reading() as session:
        change = latest_change(session, VALUE_ENTITY, value_id)
        return change is None or change_has_left(session, change)


def undo_value(record: Record, value_id: str) -> RecordedValue:
    """Take back a value recorded here and not yet sent: its row and unsent change go, and
    the version it replaced is current again. A value that left stays (record the right
    value instead: a new version). Returns what was taken back (changed=True)."""
    actor = record.actor()
    with record.unit_of_work("nothing was undone") as session:
        row = session.get(IndicatorValue, value_id)
        change = latest_change(session, VALUE_ENTITY, value_id)
        if row is None or change is None:
            raise ValueRefused(f"no value {value_id} recorded on this laptop")
        if change_has_left(session, change):
            raise ValueRefused("this value has left in a bundle: record the right value "
                               "instead (a new version); nothing was changed")
        if not row.current:
            raise ValueRefused("a later value of this period was recorded after it: undo "
                               "that one first; nothing was changed")
        indicator_id = row.indicator_id
        indicator = session.get(Indicator, indicator_id)
        code = indicator.code if indicator is not None else row.indicator_id
        previous = session.execute(select(IndicatorValue.id).where(
            IndicatorValue.superseded_by == value_id)).scalar()
        taken = RecordedValue(code, value_id, row.period, row.value,
                              json.loads(row.disaggregation), row.units, row.status,
                              row.version, row.version - 1 or None, changed=True)
        session.delete(row)
        session.flush()
        if previous is not None:
            session.execute(update(IndicatorValue).where(IndicatorValue.id == previous)
                            .values(current=True, superseded_by=None))
        drop_unsent(session, VALUE_ENTITY, [value_id])
        audit.append(session, "indicator.undo_value", actor=actor, entity="indicator",
                     entity_id=indicator_id, details=taken.as_json())
    return taken
