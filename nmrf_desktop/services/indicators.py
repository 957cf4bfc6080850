"""Indicators (issue 14): add and link them, import and export their values, read trends.

The coordinator, on the central record, adds indicators and imports their values; a
laptop copy refuses (its values will come in bundles). Every write is one transaction and
one audit event. A value that changed is a new version (the old one is kept, superseded);
importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from nmrf_desktop.domain.indicators import (
    Direction,
    IndicatorDraft,
    IndicatorRecord,
    InvalidIndicator,
    Observation,
    SeriesTrend,
    ValueIn,
    ValueRecord,
    ValuesReport,
    canonical_disaggregation,
    check_draft,
    describe_disaggregation,
    period_sort_key,
    status_of,
    trend,
)
from nmrf_desktop.files import atomic_write
from nmrf_desktop.importers.base import ImportFailed, read_file
from nmrf_desktop.importers.open_sdg import csv_bytes, parse_bytes, unknown_dimensions, write_xlsx
from nmrf_desktop.services import sdg
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, indicators as store
from nmrf_desktop.store.indicator_models import Indicator
from nmrf_desktop.store.laptop import is_laptop
from nmrf_desktop.store.models import new_id, utcnow

log = logging.getLogger(__name__)


class IndicatorRefused(Exception):
    """The indicator cannot be used so: unknown, or this is a laptop copy. Nothing changed."""


_LAPTOP = ("this is a laptop copy: only the coordinator, on the central record, {what}; "
           "nothing was changed")


def _central(session: Session, what: str) -> None:
    if is_laptop(session):
        raise IndicatorRefused(_LAPTOP.format(what=what))


def _find(session: Session, code: str) -> Indicator:
    found = store.by_code(session, code.strip())
    if found is None:
        raise IndicatorRefused(f"no indicator with the code {code.strip()!r}")
    return found


def is_public(indicator_maori: bool, release_public: bool, series_maori: bool | None = None
              ) -> bool:
    """Whether a value may go into a public output: Māori data (the indicator's, or the
    series' own flag where set) only when its release is recorded."""
    maori = indicator_maori if series_maori is None else series_maori
    return release_public or not maori


# -- reading ---------------------------------------------------------------------------------


def _record(session: Session, row: Indicator, refs: tuple[str, ...] | None = None,
            clusters: tuple[str, ...] | None = None, values: int | None = None
            ) -> IndicatorRecord:
    if refs is None:
        refs = store.linked_references(session, [row.id]).get(row.id, ())
    if clusters is None:
        clusters = store.linked_clusters(session, [row.id]).get(row.id, ())
    if values is None:
        values = store.current_counts(session).get(row.id, 0)
    return IndicatorRecord(
        id=row.id, code=row.code, title=row.title, title_mi=row.title_mi, kind=row.kind,
        unit=row.unit, unit_multiplier=row.unit_multiplier, direction=row.direction,
        source=row.source, method=row.method, steward=row.steward, sdg=row.sdg,
        sdg_title=sdg.title_of(row.sdg), baseline_value=row.baseline_value,
        baseline_period=row.baseline_period, target_value=row.target_value,
        target_period=row.target_period, maori_data=row.maori_data,
        governance=row.governance, governance_note=row.governance_note,
        release_public=row.release_public, recommendations=refs, clusters=clusters,
        values=values, version=row.version)


def list_indicators(record: Record) -> list[IndicatorRecord]:
    """Every indicator, by code, with its links and number of current values."""
    with record.reading() as session:
        rows = store.all_indicators(session)
        ids = [r.id for r in rows]
        refs = store.linked_references(session, ids)
        clusters = store.linked_clusters(session, ids)
        counts = store.current_counts(session)
        return [_record(session, r, refs.get(r.id, ()), clusters.get(r.id, ()),
                        counts.get(r.id, 0)) for r in rows]


def get_indicator(record: Record, code: str) -> IndicatorRecord:
    with record.reading() as session:
        return _record(session, _find(session, code))


def _value_record(row: Any) -> ValueRecord:
    return ValueRecord(
        id=row.id, period=row.period, value=row.value,
        disaggregation=json.loads(row.disaggregation), units=row.units, status=row.status,
        observation_status=row.observation_status, attributes=json.loads(row.attributes),
        note=row.note, maori_data=row.maori_data, version=row.version, current=row.current,
        superseded_by=row.superseded_by,
        recorded_at=row.recorded_at.replace(microsecond=0).isoformat(),
        recorded_by=row.recorded_by, source_file=row.source_file, source_row=row.source_row)


def _ordered(rows: Sequence[Any]) -> list[Any]:
    """Series by units and disaggregation, periods in time, versions in order."""
    return sorted(rows, key=lambda v: (v.units, v.disaggregation != "{}", v.disaggregation,
                                       period_sort_key(v.period), v.version))


def values(record: Record, code: str, *, history: bool = False) -> list[ValueRecord]:
    """The indicator's current values (every version, with `history`)."""
    with record.reading() as session:
        row = _find(session, code)
        return [_value_record(v) for v in
                _ordered(store.values_of(session, row.id, history=history))]


def trends(record: Record, code: str) -> list[SeriesTrend]:
    """The trend of each series (units + disaggregation) of the indicator."""
    with record.reading() as session:
        row = _find(session, code)
        current = _ordered(store.values_of(session, row.id))
        direction = Direction(row.direction) if row.direction else None
        target, base_period, base_value = row.target_value, row.baseline_period, \
            row.baseline_value
    series: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for value in current:
        series[(value.units, value.disaggregation)].append(
            Observation(value.period, value.value))
    out = []
    for (units, dis), observations in series.items():
        found = trend(observations, direction=direction, target=target,
                      baseline_period=base_period, baseline_value=base_value,
                      disaggregation=json.loads(dis), units=units)
        if found is not None:
            out.append(found)
    return out


# -- writing ---------------------------------------------------------------------------------


def _validate(session: Session, draft: IndicatorDraft) -> tuple[IndicatorDraft, dict[str, str],
                                                                str | None]:
    tidy, problems = check_draft(draft)
    if tidy.code and store.by_code(session, tidy.code) is not None:
        problems.append(("code", f"An indicator with the code {tidy.code!r} is already in "
                                 "the record."))
    steward = None
    if tidy.steward:
        steward = store.agency_code(session, tidy.steward)
        if steward is None:
            problems.append(("steward", f"No agency with the code {tidy.steward!r}."))
    if tidy.sdg:
        why = sdg.indicator_problem(tidy.sdg)
        if why:
            problems.append(("sdg", why))
    ids = _recommendations(session, tidy.recommendations, problems)
    _clusters(session, tidy.clusters, problems)
    if problems:
        raise InvalidIndicator(problems)
    return tidy, ids, steward


def _recommendations(session: Session, refs: Sequence[str],
                     problems: list[tuple[str, str]]) -> dict[str, str]:
    ids = store.recommendation_ids(session, refs)
    missing = [r for r in refs if r not in ids]
    if missing:
        problems.append(("recommendations", "No recommendation with the reference"
                         f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}."))
    return ids


def _clusters(session: Session, clusters: Sequence[str],
              problems: list[tuple[str, str]]) -> None:
    missing = [c for c in clusters if c not in store.known_clusters(session, clusters)]
    if missing:
        problems.append(("clusters", f"No overlap cluster {', '.join(missing)}."))


def add_indicator(record: Record, draft: IndicatorDraft) -> IndicatorRecord:
    """Validate and save one indicator with its links, audited; nothing is written when
    anything is wrong (InvalidIndicator names every problem)."""
    actor = record.actor()
    with record.unit_of_work("the indicator was not added") as session:
        _central(session, "adds indicators")
        tidy, ids, steward = _validate(session, draft)
        row = Indicator(
            code=tidy.code, title=tidy.title, title_mi=tidy.title_mi, kind=tidy.kind,
            unit=tidy.unit, unit_multiplier=tidy.unit_multiplier, direction=tidy.direction,
            source=tidy.source, method=tidy.method, steward=steward, sdg=tidy.sdg,
            baseline_value=tidy.baseline_value, baseline_period=tidy.baseline_period,
            target_value=tidy.target_value, target_period=tidy.target_period,
            maori_data=tidy.maori_data, governance=tidy.governance,
            governance_note=tidy.governance_note, release_public=tidy.release_public)
        session.add(row)
        session.flush()
        store.add_links(session, row.id, [ids[r] for r in tidy.recommendations],
                        tidy.clusters)
        added = _record(session, row)
        audit.append(session, "indicator.add", actor=actor, entity="indicator",
                     entity_id=row.id, details={
                         k: v for k, v in added.as_json().items() if k != "values"})
    log.info("indicator %s added", added.code)
    return added


def link(record: Record, code: str, references: Sequence[str] = (),
         clusters: Sequence[str] = ()) -> tuple[IndicatorRecord, list[str], list[str]]:
    """Link an indicator to recommendations (by reference) and overlap clusters; links it
    has already are kept. Returns the indicator and the references and clusters added."""
    refs = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    wanted = list(dict.fromkeys(c.strip() for c in clusters if c.strip()))
    if not refs and not wanted:
        raise InvalidIndicator([("recommendations", "Name a recommendation or an overlap "
                                                    "cluster to link.")])
    actor = record.actor()
    with record.unit_of_work("nothing was linked") as session:
        _central(session, "links indicators")
        row = _find(session, code)
        problems: list[tuple[str, str]] = []
        ids = _recommendations(session, refs, problems)
        _clusters(session, wanted, problems)
        if problems:
            raise InvalidIndicator(problems)
        new_recs, new_clusters = store.add_links(session, row.id, [ids[r] for r in refs],
                                                 wanted)
        by_id = store.references_of(session, list(new_recs))  # as written, not as typed
        added_refs = [by_id[i] for i in new_recs]
        if added_refs or new_clusters:
            audit.append(session, "indicator.link", actor=actor, entity="indicator",
                         entity_id=row.id, details={"code": row.code,
                                                    "recommendations": added_refs,
                                                    "clusters": new_clusters})
        result = _record(session, row)
    return result, added_refs, new_clusters


def mark_series(record: Record, code: str, disaggregation: dict[str, str], units: str,
                maori_data: bool | None) -> int:
    """Mark one series (its current values, and the versions that follow them) as Māori
    data, as not, or as the indicator says (None). The values themselves are untouched.
    Returns how many current values the series has."""
    key_of = canonical_disaggregation(disaggregation)
    actor = record.actor()
    with record.unit_of_work("the series was not marked") as session:
        _central(session, "marks Māori data")
        row = _find(session, code)
        ids = store.series_ids(session, row.id, key_of, units)
        if not ids:
            shown = describe_disaggregation(disaggregation) + (f" in {units}" if units else "")
            raise IndicatorRefused(f"{row.code} has no series {shown}; nothing was changed")
        store.set_series_maori(session, ids, maori_data)
        audit.append(session, "indicator.mark_series", actor=actor, entity="indicator",
                     entity_id=row.id, details={"code": row.code,
                                                "disaggregation": disaggregation,
                                                "units": units, "maori_data": maori_data})
    return len(ids)


def _row_dict(indicator_id: str, value: ValueIn, version: int, actor: str, file: str,
              maori_data: bool | None) -> dict[str, object]:
    return {"id": new_id(), "indicator_id": indicator_id, "key": value.key,
            "period": value.period, "disaggregation": value.disaggregation,
            "units": value.units, "value": value.value,
            "status": status_of(value.observation_status).value,
            "observation_status": value.observation_status, "attributes": value.attributes,
            "note": "", "evidence_id": None, "maori_data": maori_data, "version": version,
            "current": True, "superseded_by": None, "recorded_at": utcnow(),
            "recorded_by": actor, "source_file": file[:300], "source_row": value.row}


def import_values(record: Record, code: str, path: Path, *, encoding: str | None = None
                  ) -> ValuesReport:
    """Import one Open SDG file (CSV or XLSX) of the indicator's values, all or nothing.

    A row whose period, units and disaggregation the record holds with the same value,
    observation status and attributes is unchanged; with others it is a new version of
    that value; else it is a new value. Values the file does not hold are kept.
    """
    path = Path(path)
    data = read_file(path)
    parsed = parse_bytes(data, path.name, encoding)  # ImportFailed before any transaction
    report = ValuesReport(code=code, file=path.name, missing=parsed.missing,
                          sha256=hashlib.sha256(data).hexdigest())
    actor = record.actor()
    with record.unit_of_work("no value was imported") as session:
        _central(session, "imports indicator values")
        row = _find(session, code)
        report.code = row.code
        misspelt = unknown_dimensions(parsed, store.disaggregation_names(session, row.id))
        if misspelt:
            raise ImportFailed(misspelt)
        held = store.current_by_key(session, row.id)
        new_rows: list[dict[str, object]] = []
        successors: list[tuple[str, str]] = []
        for value in parsed.values:
            old = held.get(value.key)
            if old is None:
                new_rows.append(_row_dict(row.id, value, 1, actor, path.name, None))
                report.new += 1
            elif (old.value, old.observation_status, old.attributes) == (
                    value.value, value.observation_status, value.attributes):
                report.unchanged += 1
            else:
                fresh = _row_dict(row.id, value, old.version + 1, actor, path.name,
                                  old.maori_data)
                successors.append((old.id, str(fresh["id"])))
                new_rows.append(fresh)
                report.changed += 1
        store.supersede(session, successors)
        store.insert_values(session, new_rows)
        audit.append(session, "indicator.import_values", actor=actor, entity="indicator",
                     entity_id=row.id, details={**report.as_json(), "sha256": report.sha256,
                                                "layout": parsed.layout})
    log.info("indicator %s: %s from %s", report.code, report.summary(), path.name)
    return report


def export_values(record: Record, code: str, out: Path) -> int:
    """Write the indicator's current values in the Open SDG layout (XLSX when `out` ends in
    .xlsx, else CSV), so importing the file again changes nothing. Returns how many."""
    out = Path(out)
    with record.reading() as session:
        row = _find(session, code)
        current = _ordered(store.values_of(session, row.id))
        items = [ValueIn(period=v.period, value=v.value, disaggregation=v.disaggregation,
                         units=v.units, observation_status=v.observation_status,
                         attributes=v.attributes) for v in current]
    if out.suffix.lower() == ".xlsx":
        with atomic_write(out) as fh:
            write_xlsx(fh, items)
    else:
        data = csv_bytes(items)
        with atomic_write(out) as fh:
            fh.write(data)
    return len(items)
