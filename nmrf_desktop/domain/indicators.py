"""Indicators: their vocabularies, value and period rules, series keys, and the trend."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from nmrf_desktop.domain.text import squash


class IndicatorKind(StrEnum):
    """OHCHR's three kinds (HR/PUB/12/5): commitment, effort, result."""

    STRUCTURAL = "structural"
    PROCESS = "process"
    OUTCOME = "outcome"


class Direction(StrEnum):
    """Which way is better: higher (up), lower (down), or neither (none)."""

    UP = "up"
    DOWN = "down"
    NONE = "none"


class ValueStatus(StrEnum):
    PROVISIONAL = "provisional"
    FINAL = "final"


class Trend(StrEnum):
    """Where a series is heading, said plainly: never an implementation status."""

    TOWARD = "moving toward the target"
    AWAY = "moving away"
    NO_CHANGE = "no change"
    NO_TARGET = "no target"
    NO_DIRECTION = "direction not set"


MAX_CODE = 40
MAX_PERIOD = 40
MAX_NUMBER = 50  # characters of a value's canonical text

# -- numbers ---------------------------------------------------------------------------------


def canonical_number(value: object) -> str | None:
    """The canonical text of a number ('1.50' -> '1.5', 2019.0 -> '2019', '1e3' -> '1000'),
    or None when `value` is not a finite number (text, a bool, NaN, thousands commas)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # the shortest text that reads back as this float
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?", text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite():
        return None
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "+0", ""):
        text = "0"
    return text if len(text) <= MAX_NUMBER else None


def as_json_number(text: str) -> int | float:
    """A canonical number for JSON: an int when whole, else a float."""
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


# -- periods ---------------------------------------------------------------------------------

_YEAR = r"(1[89]\d\d|2[01]\d\d)"
_SINGLE = re.compile(rf"{_YEAR}(?:\.0+)?")
_QUARTER = re.compile(rf"{_YEAR}[- ]?Q([1-4])", re.IGNORECASE)
# A span: financial or academic year (2019/20, 2019/2020) or years averaged (2017-19,
# 2003-2007, 2014 to 2015, 2015/16 to 2017/18).
_PART = rf"{_YEAR}(?:/(\d\d|\d\d\d\d))?"
_SPAN = re.compile(rf"{_PART}(?:(/)|(-| to ))(\d\d|\d\d\d\d)(?:/(\d\d|\d\d\d\d))?")


def _full_year(start: int, text: str) -> int:
    """'20' after 2019 -> 2020; '2020' -> 2020; '00' after 1999 -> 2000."""
    if len(text) == 4:
        return int(text)
    year = start // 100 * 100 + int(text)
    return year + 100 if year < start else year


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A period as written (canonical text) and the key that sorts it in time."""

    start: int
    end: int
    quarter: int
    text: str = field(compare=False)


@functools.lru_cache(maxsize=4096, typed=True)  # a file repeats a few periods many times
def parse_period(value: object) -> Period | None:
    """The period a Year cell holds ('2019', '2019-Q1', '2019/20', '2017-19', 2019.0), or
    None when it is no period of years 1800-2199 (text, a note, a later year first)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    text = squash(str(value))
    if len(text) > MAX_PERIOD:
        return None
    if match := _SINGLE.fullmatch(text):
        year = int(match.group(1))
        return Period(year, year, 0, str(year))
    if match := _QUARTER.fullmatch(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        return Period(year, year, quarter, f"{year}-Q{quarter}")
    if match := _SPAN.fullmatch(text):
        start = int(match.group(1))
        first_end = _full_year(start, match.group(2)) if match.group(2) else start
        last_start = _full_year(first_end, match.group(5))
        end = _full_year(last_start, match.group(6)) if match.group(6) else last_start
        # A year written '2019/20' runs into the next one, a span ('2013/16', '2017-19',
        # '2014 to 2015') over several: forward, by 50 years at most.
        steps = [start, first_end, last_start, end]
        if any(b < a for a, b in itertools.pairwise(steps)) or end <= start \
                or end - start > 50:
            return None
        return Period(start, end, 0, text)
    return None


def period_sort_key(text: str) -> tuple[int, int, int, str]:
    """Sorts stored period texts in time (unknown texts last, by text)."""
    found = parse_period(text)
    if found is None:
        return (9999, 9999, 9, text)
    return (found.start, found.end, found.quarter, text)


# -- disaggregations and series --------------------------------------------------------------


def canonical_disaggregation(items: dict[str, str]) -> str:
    """The canonical JSON of a disaggregation: keys sorted, blanks dropped, NFC; '{}' for the
    total."""
    return _canonical(tuple((k, v) for k, v in items.items() if v))


@functools.lru_cache(maxsize=16384)  # a file repeats each disaggregation every period
def _canonical(items: tuple[tuple[str, str], ...]) -> str:
    clean = {unicodedata.normalize("NFC", k): unicodedata.normalize("NFC", v) for k, v in items}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def series_key(period: str, units: str, disaggregation: str) -> str:
    """The identity of one value slot: a period of one series (units + disaggregation).
    The parts hold no control character (the importer refuses them; JSON escapes them)."""
    payload = f"{period}\x1f{units}\x1f{disaggregation}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def describe_disaggregation(disaggregation: dict[str, str]) -> str:
    """'Sex: Female, Age: 15-24', or 'total' for {}."""
    if not disaggregation:
        return "total"
    return ", ".join(f"{k}: {v}" for k, v in disaggregation.items())


# -- status from the observation status ------------------------------------------------------

_PROVISIONAL = re.compile(r"\bprovisional\b|^p$", re.IGNORECASE)


def status_of(observation_status: str) -> ValueStatus:
    """Provisional when the observation status says so (SDMX 'P', 'Provisional value'),
    else final."""
    return (ValueStatus.PROVISIONAL if _PROVISIONAL.search(observation_status.strip())
            else ValueStatus.FINAL)


# -- unit multiplier -------------------------------------------------------------------------

MULTIPLIERS = {"units": 0, "unit": 0, "tens": 1, "hundreds": 2, "thousands": 3,
               "tens of thousands": 4, "hundreds of thousands": 5, "millions": 6,
               "tens of millions": 7, "hundreds of millions": 8, "billions": 9,
               "trillions": 12}


def multiplier_power(text: str) -> int | None:
    """The power of ten a 'Unit multiplier' cell names ('Thousands' -> 3, '6' -> 6), or
    None when it names none."""
    folded = squash(text).casefold()
    if folded in MULTIPLIERS:
        return MULTIPLIERS[folded]
    return int(folded) if re.fullmatch(r"\d{1,2}", folded) else None


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueIn:
    """One value as an importer read it: a period of a series, and where it came from."""

    period: str
    value: str  # canonical number text
    disaggregation: str  # canonical JSON, '{}' for the total
    units: str = ""
    observation_status: str = ""
    attributes: str = "{}"  # canonical JSON of Unit multiplier, Unit measure, GeoCode
    row: int = 0
    key: str = field(init=False, compare=False)  # series_key of the three, made once

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", series_key(self.period, self.units,
                                                   self.disaggregation))

    @property
    def status(self) -> ValueStatus:
        return status_of(self.observation_status)


@dataclass(frozen=True, slots=True)
class Observation:
    """One current value of a series, as the trend reads it."""

    period: str
    value: str


@dataclass(frozen=True, slots=True)
class SeriesTrend:
    """A series' latest value, change since its baseline, and the trend in words."""

    disaggregation: dict[str, str]
    units: str
    latest_period: str
    latest_value: str
    baseline_period: str
    baseline_value: str
    baseline_basis: str  # "baseline period" | "indicator baseline" | "first value"
    change: str | None
    change_percent: float | None
    trend: Trend
    values: int

    def as_json(self) -> dict[str, object]:
        return {
            "disaggregation": self.disaggregation, "units": self.units,
            "latest": {"period": self.latest_period,
                       "value": as_json_number(self.latest_value)},
            "baseline": {"period": self.baseline_period,
                         "value": as_json_number(self.baseline_value),
                         "basis": self.baseline_basis},
            "change": None if self.change is None else as_json_number(self.change),
            "change_percent": self.change_percent,
            "trend": self.trend.value, "values": self.values,
        }


def trend(observations: list[Observation], *, direction: Direction | None,
          target: str | None, baseline_period: str | None = None,
          baseline_value: str | None = None, disaggregation: dict[str, str] | None = None,
          units: str = "") -> SeriesTrend | None:
    """The trend of one series (None when it has no values).

    Baseline: the series' own value in the indicator's baseline period; else, for the
    total series, the indicator's baseline value; else the series' first value. The
    trend is judged from the direction: up or down says which way is toward the target;
    with no better way ("none") the distance to the target decides.
    """
    if not observations:
        return None
    dis = disaggregation or {}
    ordered = sorted(observations, key=lambda o: period_sort_key(o.period))
    latest = ordered[-1]
    at_period = [o for o in ordered if baseline_period and o.period == baseline_period]
    if at_period:
        base, basis = at_period[0], "baseline period"
    elif not dis and baseline_value is not None:
        base, basis = Observation(baseline_period or "", baseline_value), "indicator baseline"
    else:
        base, basis = ordered[0], "first value"
    last, first = Decimal(latest.value), Decimal(base.value)
    delta = last - first
    change = canonical_number(delta)
    percent = None if first == 0 else round(float(delta / abs(first) * 100), 2)
    verdict = _verdict(delta, last, first, direction, target)
    return SeriesTrend(dis, units, latest.period, latest.value, base.period, base.value,
                       basis, change, percent, verdict, len(ordered))


def _verdict(delta: Decimal, last: Decimal, first: Decimal, direction: Direction | None,
             target: str | None) -> Trend:
    if direction is None:
        return Trend.NO_DIRECTION
    if target is None:
        return Trend.NO_TARGET
    if delta == 0:
        return Trend.NO_CHANGE
    if direction is Direction.UP:
        return Trend.TOWARD if delta > 0 else Trend.AWAY
    if direction is Direction.DOWN:
        return Trend.TOWARD if delta < 0 else Trend.AWAY
    goal = Decimal(target)
    before, after = abs(first - goal), abs(last - goal)
    if after == before:
        return Trend.NO_CHANGE
    return Trend.TOWARD if after < before else Trend.AWAY


# -- SDG codes -------------------------------------------------------------------------------

SDG_CODE = re.compile(r"(\d{1,2})\.([0-9]{1,2}|[a-z])\.(\d{1,2})")


def is_sdg_indicator_code(code: str) -> bool:
    """The shape of a global SDG indicator code: 16.3.2, 17.19.1, 1.a.1."""
    return SDG_CODE.fullmatch(code) is not None


# -- indicators ------------------------------------------------------------------------------

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TITLE_MAX = 500
TEXT_MAX = 300


class InvalidIndicator(ValueError):
    """An indicator (or a link) breaks a rule; `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        self.field = self.problems[0][0] if self.problems else ""
        super().__init__(" ".join(message for _field, message in self.problems))


@dataclass(slots=True)
class IndicatorDraft:
    """An indicator as entered; `recommendations` are references (NZL-UPR32-001 …)."""

    code: str
    title: str
    kind: str
    title_mi: str = ""
    unit: str = ""
    unit_multiplier: int = 0
    direction: str | None = None
    source: str = ""
    method: str = ""
    steward: str | None = None
    sdg: str | None = None
    baseline_value: str | None = None
    baseline_period: str | None = None
    target_value: str | None = None
    target_period: str | None = None
    maori_data: bool = False
    governance: str = ""
    governance_note: str = ""
    release_public: bool = False
    recommendations: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()


def check_draft(draft: IndicatorDraft) -> tuple[IndicatorDraft, list[tuple[str, str]]]:
    """The draft tidied (whitespace, NFC, canonical numbers and periods) and every problem
    a draft can have on its own; the record's checks (agency, SDG list, references) are
    the service's."""
    problems: list[tuple[str, str]] = []
    code = squash(draft.code)
    if not code:
        problems.append(("code", "An indicator needs a code."))
    elif len(code) > MAX_CODE or not _CODE.fullmatch(code):
        problems.append(("code", f"The code {code!r} is not a code: use up to {MAX_CODE} "
                                 "letters, digits, dots, dashes or underscores."))
    title = squash(draft.title)
    if not title:
        problems.append(("title", "An indicator needs a title."))
    for name, text in (("title", title), ("title_mi", squash(draft.title_mi))):
        if len(text) > TITLE_MAX:
            problems.append((name, f"The {name.replace('_', ' ')} is longer than "
                                   f"{TITLE_MAX} characters."))
    if draft.kind not in set(IndicatorKind):
        problems.append(("kind", f"Unknown kind {draft.kind!r}: use one of "
                                 f"{', '.join(IndicatorKind)}."))
    if draft.direction is not None and draft.direction not in set(Direction):
        problems.append(("direction", f"Unknown direction {draft.direction!r}: use one of "
                                      f"{', '.join(Direction)}."))
    if not 0 <= draft.unit_multiplier <= 15:
        problems.append(("unit_multiplier", "The unit multiplier is a power of ten from 0 "
                                            "to 15."))
    for name, text in (("unit", draft.unit), ("governance", draft.governance)):
        if len(squash(text)) > TEXT_MAX:
            problems.append((name, f"The {name} is longer than {TEXT_MAX} characters."))
    numbers: dict[str, str | None] = {}
    for name in ("baseline", "target"):
        raw = getattr(draft, f"{name}_value")
        period = getattr(draft, f"{name}_period")
        numbers[name] = None if raw is None else canonical_number(raw)
        if raw is not None and numbers[name] is None:
            problems.append((f"{name}_value", f"The {name} {raw!r} is not a number."))
        if period is not None and parse_period(period) is None:
            problems.append((f"{name}_period", f"The {name} period {period!r} is not a "
                                               "period (2019, 2019-Q1, 2019/20)."))
    governance = squash(draft.governance)
    if draft.maori_data and not governance:
        problems.append(("governance", "Māori data needs the iwi/Māori organisation or "
                                       "agency that holds governance over it."))
    if governance and not draft.maori_data:
        problems.append(("governance", "Governance is recorded for Māori data only: mark "
                                       "the indicator as Māori data."))
    tidy = IndicatorDraft(
        code=code, title=title, kind=draft.kind, title_mi=squash(draft.title_mi),
        unit=squash(draft.unit), unit_multiplier=draft.unit_multiplier,
        direction=draft.direction, source=squash(draft.source),
        method=unicodedata.normalize("NFC", draft.method.strip()),
        steward=squash(draft.steward or "") or None, sdg=squash(draft.sdg or "") or None,
        baseline_value=numbers["baseline"], target_value=numbers["target"],
        baseline_period=_period_text(draft.baseline_period),
        target_period=_period_text(draft.target_period),
        maori_data=draft.maori_data, governance=governance,
        governance_note=unicodedata.normalize("NFC", draft.governance_note.strip()),
        release_public=draft.release_public,
        recommendations=tuple(dict.fromkeys(squash(r) for r in draft.recommendations
                                            if squash(r))),
        clusters=tuple(dict.fromkeys(squash(c) for c in draft.clusters if squash(c))))
    return tidy, problems


def _period_text(value: str | None) -> str | None:
    found = parse_period(value) if value is not None else None
    return found.text if found else value


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    """An indicator as the record holds it, with its links and how many values."""

    id: str
    code: str
    title: str
    title_mi: str
    kind: str
    unit: str
    unit_multiplier: int
    direction: str | None
    source: str
    method: str
    steward: str | None
    sdg: str | None
    sdg_title: str
    baseline_value: str | None
    baseline_period: str | None
    target_value: str | None
    target_period: str | None
    maori_data: bool
    governance: str
    governance_note: str
    release_public: bool
    recommendations: tuple[str, ...]
    clusters: tuple[str, ...]
    values: int
    version: int

    def as_list_json(self) -> dict[str, object]:
        """The stable shape of `nmrf indicator list --json`."""
        return {"code": self.code, "title": self.title, "kind": self.kind,
                "unit": self.unit, "sdg": self.sdg, "steward": self.steward,
                "recommendations": list(self.recommendations), "values": self.values,
                "maori_data": self.maori_data}

    def as_json(self) -> dict[str, object]:
        """Everything `nmrf indicator show --json` says about the indicator itself."""
        def number(text: str | None) -> int | float | None:
            return None if text is None else as_json_number(text)
        return {**self.as_list_json(), "id": self.id, "title_mi": self.title_mi,
                "unit_multiplier": self.unit_multiplier, "direction": self.direction,
                "source": self.source, "method": self.method, "sdg_title": self.sdg_title,
                "baseline": {"value": number(self.baseline_value),
                             "period": self.baseline_period},
                "target": {"value": number(self.target_value), "period": self.target_period},
                "governance": self.governance, "governance_note": self.governance_note,
                "release_public": self.release_public, "clusters": list(self.clusters),
                "version": self.version}


@dataclass(frozen=True, slots=True)
class ValueRecord:
    """One stored value (any version) of a series."""

    id: str
    period: str
    value: str
    disaggregation: dict[str, str]
    units: str
    status: str
    observation_status: str
    attributes: dict[str, str]
    note: str
    maori_data: bool | None
    version: int
    current: bool
    superseded_by: str | None
    recorded_at: str
    recorded_by: str
    source_file: str
    source_row: int | None

    def as_json(self) -> dict[str, object]:
        """The stable shape of `nmrf indicator values --json`: the contract's four keys, and
        the units, which tell apart two series of one disaggregation (Open SDG's Units
        column: a count and a rate of the same group)."""
        return {"period": self.period, "value": as_json_number(self.value),
                "disaggregation": self.disaggregation, "status": self.status,
                "units": self.units}

    def as_history_json(self) -> dict[str, object]:
        """With --history: every version, and where and when it was recorded."""
        return {**self.as_json(), "observation_status": self.observation_status,
                "version": self.version,
                "current": self.current, "superseded_by": self.superseded_by,
                "recorded_at": self.recorded_at, "recorded_by": self.recorded_by,
                "source": {"file": self.source_file, "row": self.source_row}}


@dataclass(slots=True)
class ValuesReport:
    """What an import of values did."""

    code: str
    file: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    missing: int = 0  # rows with no value (Open SDG's missing observations), skipped
    sha256: str = ""

    def summary(self) -> str:
        text = f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged"
        return text + (f" ({self.missing} rows without a value skipped)"
                       if self.missing else "")

    def as_json(self) -> dict[str, object]:
        return {"indicator": self.code, "file": self.file, "new": self.new,
                "changed": self.changed, "unchanged": self.unchanged,
                "skipped_without_value": self.missing}
