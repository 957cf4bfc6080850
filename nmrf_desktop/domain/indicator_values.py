"""One indicator value as an officer records it and a bundle carries it, checked field by field.

The same rules hold on the laptop (where a value is typed) and at the centre (where a
signed bundle is still hostile input): a period of years, a number as canonical decimal
text, a disaggregation that is an object of short texts, a status, a note. Every refusal
names the field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from nmrf_desktop.domain.indicators import (
    MAX_NUMBER,
    MAX_PERIOD,
    ValueStatus,
    canonical_disaggregation,
    canonical_number,
    parse_period,
    series_key,
)
from nmrf_desktop.domain.text import squash

VALUE_ENTITY = "indicator_value"  # the change kind in the change log and in bundles
MAX_GROUPS = 20  # names in one disaggregation
MAX_GROUP_TEXT = 200  # characters of one name or its value
MAX_UNITS = 500  # IndicatorValue.units
MAX_NOTE = 100_000  # like a progress narrative
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The fields of an indicator_value change, exactly (the schema refuses any other).
CHANGE_FIELDS = ("indicator_id", "agency_code", "period", "disaggregation", "units", "value",
                 "status", "note", "evidence_id")


class InvalidValue(ValueError):
    """A value breaks a rule; `field` names which field."""

    def __init__(self, name: str, message: str) -> None:
        self.field = name
        super().__init__(f"{name}: {message}")


@dataclass(frozen=True, slots=True)
class ValueEntry:
    """A checked value: period and number canonical, disaggregation canonical JSON."""

    period: str
    value: str
    disaggregation: str
    units: str = ""
    status: str = ValueStatus.FINAL.value
    note: str = ""
    evidence_id: str | None = None
    key: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", series_key(self.period, self.units,
                                                   self.disaggregation))

    @property
    def observation_status(self) -> str:
        """What the Open SDG layout's Observation status column says of it (so an export
        read back keeps its status)."""
        return "Provisional" if self.status == ValueStatus.PROVISIONAL.value else ""

    def change_fields(self, indicator_id: str, agency: str) -> dict[str, Any]:
        """The fields of its change line (change.schema.json, indicator-value-insert)."""
        return {"indicator_id": indicator_id, "agency_code": agency, "period": self.period,
                "disaggregation": json.loads(self.disaggregation), "units": self.units,
                "value": self.value, "status": self.status, "note": self.note,
                "evidence_id": self.evidence_id}

    def same_as(self, value: str, status: str, note: str, evidence_id: str | None) -> bool:
        return (self.value, self.status, self.note, self.evidence_id) == (
            value, status, note, evidence_id)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _text(value: object, name: str, limit: int, *, control: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidValue(name, f"must be text (got {type(value).__name__})")
    if len(value) > limit:
        raise InvalidValue(name, f"is longer than {limit} characters")
    if control and _CONTROL.search(value):
        raise InvalidValue(name, "holds a control character")
    return value


def check_period(value: object, *, strict: bool) -> str:
    """The canonical text of a period; `strict` (a bundle) refuses any other spelling."""
    if isinstance(value, bool) or not isinstance(value, str | int) or \
            (isinstance(value, str) and len(value) > MAX_PERIOD):
        raise InvalidValue("period", f"{_shown(value)} is not a period (2019, 2019-Q1, "
                                     "2019/20)")
    found = parse_period(value)
    if found is None:
        raise InvalidValue("period", f"{_shown(value)} is not a period (2019, 2019-Q1, "
                                     "2019/20)")
    if strict and found.text != value:
        raise InvalidValue("period", f"{_shown(value)} is not written canonically "
                                     f"({found.text!r})")
    return found.text


def check_number(value: object, *, strict: bool) -> str:
    """The canonical decimal text of a finite number; `strict` (a bundle) wants exactly that
    text (never a JSON number, an exponent, NaN or a trailing zero)."""
    if strict and not isinstance(value, str):
        raise InvalidValue("value", "must be a number written as decimal text, such as "
                                    f"\"12.5\" (got {type(value).__name__})")
    if isinstance(value, str) and len(value) > MAX_NUMBER * 2:
        raise InvalidValue("value", f"is longer than {MAX_NUMBER} characters")
    text = canonical_number(value)
    if text is None:
        raise InvalidValue("value", f"{_shown(value)} is not a finite number of at most "
                                    f"{MAX_NUMBER} characters")
    if strict and text != value:
        raise InvalidValue("value", f"{_shown(value)} is not written canonically "
                                    f"({text!r})")
    return text


def check_disaggregation(value: object, *, strict: bool) -> str:
    """The canonical JSON of a disaggregation: an object of at most 20 names, each with a
    non-empty text value, none longer than 200 characters or holding a control character."""
    if not isinstance(value, dict):
        raise InvalidValue("disaggregation", "must be an object of names and text values, "
                                             "such as {\"Sex\": \"Female\"}")
    if len(value) > MAX_GROUPS:
        raise InvalidValue("disaggregation", f"has more than {MAX_GROUPS} names")
    clean: dict[str, str] = {}
    for name, item in value.items():
        label = f"disaggregation.{str(name)[:40]}"
        _text(name, "disaggregation", MAX_GROUP_TEXT, control=True)
        if not squash(name):
            raise InvalidValue("disaggregation", "has an empty name")
        _text(item, label, MAX_GROUP_TEXT, control=True)
        if not squash(item):
            raise InvalidValue(label, "must not be empty")
        if strict and (item != squash(item) or name != squash(name)):
            raise InvalidValue(label, "has spaces to tidy (or is not in NFC form)")
        clean[squash(name)] = squash(item)
    if len(clean) != len(value):
        raise InvalidValue("disaggregation", "names one group twice")
    return canonical_disaggregation(clean)


def check_entry(*, period: object, value: object, disaggregation: object = None,
                units: object = "", status: object = ValueStatus.FINAL.value,
                note: object = "", evidence_id: object = None, strict: bool = False
                ) -> ValueEntry:
    """Every field checked (InvalidValue names the first bad one) and made canonical.

    `strict` is for a bundle: nothing is tidied, a value not already canonical is refused.
    """
    period_text = check_period(period, strict=strict)
    number = check_number(value, strict=strict)
    groups = check_disaggregation({} if disaggregation is None and not strict
                                  else disaggregation, strict=strict)
    unit_text = _text(units, "units", MAX_UNITS, control=True)
    if not strict:
        unit_text = squash(unit_text)
    elif unit_text != squash(unit_text):
        raise InvalidValue("units", "has spaces to tidy (or is not in NFC form)")
    if status not in {s.value for s in ValueStatus}:
        raise InvalidValue("status", f"{_shown(status)} is not provisional or final")
    note_text = _text(note, "note", MAX_NOTE)
    if not strict:
        note_text = unicodedata.normalize("NFC", note_text.strip())
    if evidence_id is not None and (not isinstance(evidence_id, str)
                                    or not _UUID.fullmatch(evidence_id)):
        raise InvalidValue("evidence_id", f"{_shown(evidence_id)} is not an evidence id")
    return ValueEntry(period=period_text, value=number, disaggregation=groups,
                      units=unit_text, status=str(status), note=note_text,
                      evidence_id=evidence_id)


def entry_of_change(fields: dict[str, Any]) -> ValueEntry:
    """The value a bundle's change carries, checked strictly (nothing coerced)."""
    unknown = sorted(set(fields) - set(CHANGE_FIELDS))
    if unknown:
        raise InvalidValue(unknown[0][:40], "is not a field of an indicator value")
    missing = [n for n in CHANGE_FIELDS if n not in fields]
    if missing:
        raise InvalidValue(missing[0], "is missing")
    return check_entry(period=fields["period"], value=fields["value"],
                       disaggregation=fields["disaggregation"], units=fields["units"],
                       status=fields["status"], note=fields["note"],
                       evidence_id=fields["evidence_id"], strict=True)
