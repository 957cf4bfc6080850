"""The PDF report: gather a report's data in one read transaction and write the PDF.

The data is read as plain records (reports/model.py) and streamed to the PDF writer chunk
by chunk inside the same read transaction, so the report shows one state of the record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import (
    KIND_TITLES,
    Entry,
    ReportData,
    ReportKind,
    ReportMeta,
    Summary,
)
from nmrf_desktop.reports.pdf_report import write_pdf
from nmrf_desktop.reports.pdf_styles import long_date
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports import (
    data as report_data,
    indicators as report_indicators,
    terms as report_terms,
)
from nmrf_desktop.services.reports.clusters import build_clusters_pdf
from nmrf_desktop.services.reports.indicators_pdf import build_indicators_pdf
from nmrf_desktop.services.reports.request import (
    ReportRequest,
    ReportResult,
    check_output_file,
    fingerprint,
    scope_lines,
    validate,
    writing,
)
from nmrf_desktop.store import search
from nmrf_desktop.store.models import (
    Agency,
)

STATUS_ORDER = ("implemented", "partially_implemented", "in_progress", "ongoing",
                "not_started", "no_further_action", "none")


THEMATIC = (ReportKind.THEME, ReportKind.THEMATIC_LIST)


def summary_of(rows: Sequence[tuple[str, str | None]], by_cycle: Counter[str]) -> Summary:
    """Counts by status × body from (body, status) pairs."""
    bodies_count = Counter(body for body, _s in rows)
    bodies = tuple(b for b, _n in sorted(bodies_count.items(), key=lambda kv: (-kv[1], kv[0])))
    index = {b: i for i, b in enumerate(bodies)}
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(bodies))
    for body, status in rows:
        grid[status or "none"][index[body]] += 1
    statuses = tuple(s for s in STATUS_ORDER if s in grid) + tuple(
        sorted(s for s in grid if s not in STATUS_ORDER))
    return Summary(bodies=bodies, statuses=statuses,
                   counts={s: tuple(grid[s]) for s in statuses},
                   by_cycle=tuple(sorted(by_cycle.items())))


def build_pdf(record: Record, request: ReportRequest, out: Path,
              progress: Progress = NO_PROGRESS) -> ReportResult:
    """Write the report `request` asks for to `out`; nothing is written on error or cancel."""
    if str(request.kind) == ReportKind.CLUSTERS:  # by overlap cluster: its own layout and data
        return build_clusters_pdf(record, request, out, progress)
    if str(request.kind) == ReportKind.INDICATORS:  # by indicator, with charts
        return build_indicators_pdf(record, request, out, progress)
    request = validate(record, request)
    check_output_file(out)
    kind = ReportKind(request.kind)
    with record.reading() as session:
        names = dict(session.execute(select(Agency.code, Agency.name_en)).tuples().all())
        ids = search.search_ids(session, request.filters)
        annual = None
        if kind is ReportKind.ANNUAL:
            assert request.start and request.end
            annual, ids = report_data.annual_changes(session, ids, request.start, request.end)
        keys = report_data.section_keys(session, ids, kind, request.filters)
        summary = summary_of([(k.body, k.status) for k in keys], Counter(
            k.cycle_label for k in keys))
        if kind in THEMATIC:  # under every theme and group each carries: ids repeat
            placed, sections, summary = _thematic(session, ids, keys, request.filters, summary)
        else:
            ordered = sorted(range(len(ids)), key=lambda i: keys[i].sort)
            placed = [ids[i] for i in ordered]
            sections = [keys[i].title for i in ordered]
        print_ = fingerprint(session)
        period: tuple[dt.date, dt.date] | None = None
        if annual and request.start and request.end:  # both given for an annual report
            period = (request.start, request.end)
        meta = ReportMeta(
            title=KIND_TITLES[kind], subtitle=_subtitle(kind, request.filters, names, period),
            scope=scope_lines(request.filters, names, period),
            generated=dt.datetime.now().replace(microsecond=0), fingerprint=print_,
            author=record.setting("officer_name") or "NMRF Desktop",
            subject="Progress on UN human-rights recommendations: "
                    + "; ".join(scope_lines(request.filters, names, period)),
            landscape=request.landscape, total=len(ids))
        # The agency summary and the Te Tiriti report show their recommendations' indicators.
        linked = report_indicators.sections(session, ids) if kind in (
            ReportKind.AGENCY, ReportKind.TIRITI) else ()
        progress.start(len(placed), "Writing the PDF report")
        entries = _entries(session, placed, sections)
        data = ReportData(kind, meta, summary, entries, annual, linked)
        count = writing(out, lambda: write_pdf(data, out, progress))
    progress.finish()
    return ReportResult(out, count, print_)


def _subtitle(kind: ReportKind, filters: Filters, names: dict[str, str],
              period: tuple[dt.date, dt.date] | None) -> str:
    if period:
        return f"{long_date(period[0])} – {long_date(period[1])}"
    if filters.agency:
        return names.get(filters.agency, filters.agency)
    if kind is ReportKind.TIRITI:
        return "Recommendations relevant to Māori"
    if filters.bodies:
        return ", ".join(filters.bodies)
    return "New Zealand's UN human-rights recommendations"


def _thematic(session: Session, ids: list[str], keys: list[report_data.SectionKey],
              filters: Filters, summary: Summary) -> tuple[list[str], list[str], Summary]:
    """The thematic layouts' placements (id, section title), one per theme or group an id
    carries, and the summary with the counts by theme and group."""
    by_num = [ids[i] for i in sorted(range(len(ids)), key=lambda i: keys[i].num)]
    found = report_terms.sections(session, by_num, filters.themes, filters.groups)
    statuses = {rid: key.status for rid, key in zip(ids, keys, strict=True)}
    placed = [rid for section in found for rid in section.ids]
    titles = [section.title for section in found for _rid in section.ids]
    counts = report_terms.counts(found, statuses, STATUS_ORDER)
    return placed, titles, replace(summary, by_term=counts)


def _entries(session: Session, ids: list[str], sections: list[str]) -> Iterator[Entry]:
    """The entries in order; an id listed under several sections is read once per chunk."""
    for start in range(0, len(ids), report_data.CHUNK):
        chunk = ids[start:start + report_data.CHUNK]
        unique = list(dict.fromkeys(chunk))
        read = {e.row.id: e for e in report_data.entries(session, unique, [""] * len(unique))}
        for rid, section in zip(chunk, sections[start:start + len(chunk)], strict=True):
            if rid in read:
                yield replace(read[rid], section=section)
