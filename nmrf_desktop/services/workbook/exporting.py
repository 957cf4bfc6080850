"""Export use cases: the recommendations matching some filters as the round-trippable template,
or as the progress workbook (the template plus assignments, actions, progress, evidence)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.enums import Mechanism, Position, Source
from nmrf_desktop.domain.indicator_words import series_label
from nmrf_desktop.domain.indicators import as_json_number, describe_disaggregation
from nmrf_desktop.domain.records import Filters, RecommendationIn, StateRef
from nmrf_desktop.importers.template_layout import TemplateRow
from nmrf_desktop.reports.xlsx_template import write_template
from nmrf_desktop.reports.xlsx_workbook import write_workbook
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports import indicators as report_indicators, safe
from nmrf_desktop.services.workbook import rows as workbook_rows
from nmrf_desktop.store import search
from nmrf_desktop.store.models import (
    Recommendation,
    RecommendationState,
    RecommendationTerm,
    State,
    Term,
)

log = logging.getLogger(__name__)

_CHUNK = 500


def export_template(record: Record, filters: Filters, out: Path,
                    progress: Progress = NO_PROGRESS) -> int:
    """Write every recommendation matching `filters` to `out`; returns the rows written."""
    with record.reading() as session:
        ids = search.search_ids(session, filters)
        progress.start(len(ids), "Exporting recommendations")
        count = write_template(_rows(session, ids, progress), out)
    progress.finish()
    return count


def export_workbook(record: Record, filters: Filters, out: Path,
                    progress: Progress = NO_PROGRESS, ids: Sequence[str] | None = None
                    ) -> dict[str, int]:
    """Write the progress workbook of the recommendations matching `filters` (or of `ids`,
    in search order, when given: a selection); returns the rows written per sheet."""
    with record.reading() as session:
        found = search.search_ids(session, filters)
        if ids is not None:
            wanted = set(ids)
            found = [i for i in found if i in wanted]
        progress.start(len(found) * 5, "Exporting the workbook")
        whole = ids is None and filters == Filters()  # no filter: every indicator
        linked = report_indicators.gather(session, None if whole else found)
        counts = write_workbook(_rows(session, found, progress), {
            name: _sheet(session, found, read, progress)
            for name, read in workbook_rows.BY_RECOMMENDATIONS.items()}, out,
            _indicator_rows(linked), [c for g in linked for c in g.section.charts])
    progress.finish()
    return counts


def _sheet(session: Session, ids: Sequence[str], read: workbook_rows.Reader,
           progress: Progress) -> Iterator[list[object]]:
    seen: set[str] = set()  # an action or evidence answering several recommendations
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for key, values in read(session, chunk):
            if key not in seen:
                seen.add(key)
                yield list(safe.row(tuple(values)))
        progress.advance(len(chunk))


def _indicator_rows(linked: list[report_indicators.Gathered]) -> Iterator[list[object]]:
    """The Indicators sheet: one row per current value of each indicator linked to the
    recommendations, the value a number, with its series' trend."""
    for found in linked:
        s = found.section
        for v in found.values:
            shown = describe_disaggregation(v.disaggregation) if v.disaggregation \
                else series_label(v.disaggregation)
            yield list(safe.row((
                s.code, s.title, s.title_mi, s.kind, v.period, shown,
                as_json_number(v.value), v.units, v.status, v.observation_status,
                "Yes" if v.maori_data else "No",
                s.governance.removeprefix("Māori data — governance: ") if s.governance
                else "", v.sentence, s.sdg or "", s.steward, "\n".join(s.recommendations))))


def _text(value: object) -> str:
    return safe.text(value)


def _number(value: object) -> int | None:
    """A whole number to write, or None for one no database should hold (inf, 1.5, text)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _rows(session: Session, ids: Sequence[str], progress: Progress,
          skipped: list[str] | None = None) -> Iterator[TemplateRow]:
    skipped = skipped if skipped is not None else []
    r = Recommendation
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        base = {row.id: row for row in session.execute(select(
            r.id, r.reference, r.source, r.source_id, r.text, r.country,
            r.mechanism, r.body, r.position, r.upr_session, r.cycle, r.year, r.published_on,
            r.document_symbol, r.paragraph, r.action_category, r.te_tiriti, r.withdrawn,
        ).where(r.id.in_(chunk)))}
        lists: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for rid, name, group in session.execute(
            select(RecommendationState.recommendation_id, State.name, State.regional_group)
            .join(State, State.id == RecommendationState.state_id)
            .where(RecommendationState.recommendation_id.in_(chunk)).order_by(State.name)
        ):
            lists[rid]["states"].append(StateRef(name, group))
        for rid, kind, label in session.execute(
            select(RecommendationTerm.recommendation_id, Term.kind, Term.label)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.recommendation_id.in_(chunk)).order_by(Term.label)
        ):
            lists[rid][kind].append(label)
        for rid in chunk:
            b, links = base[rid], lists[rid]
            try:
                rec = RecommendationIn(
                    source=Source(b.source), source_id=_text(b.source_id), text=_text(b.text),
                    country=_text(b.country), mechanism=Mechanism(b.mechanism),
                    body=_text(b.body), position=Position(b.position) if b.position else None,
                    upr_session=_number(b.upr_session), cycle=_number(b.cycle),
                    year=_number(b.year), published_on=b.published_on,
                    document_symbol=_text(b.document_symbol), paragraph=_text(b.paragraph),
                    action_category=_number(b.action_category), te_tiriti=bool(b.te_tiriti),
                    withdrawn=bool(b.withdrawn), reference=_text(b.reference),
                    states=tuple(StateRef(_text(s.name), _text(s.regional_group))
                                 for s in links["states"]),
                    themes=tuple(map(_text, links["theme"])),
                    groups=tuple(map(_text, links["group"])),
                    sdgs=tuple(map(_text, links["sdg"])),
                )
            except (ValueError, TypeError) as exc:  # a value no import should have let in
                log.warning("export: recommendation %s (%s) left out: %s", rid,
                            safe.text(b.reference, 120), exc)
                skipped.append(f"recommendation {safe.text(b.reference, 120) or rid}: {exc}")
                continue
            yield TemplateRow(rid, rec)
        progress.advance(len(chunk))
