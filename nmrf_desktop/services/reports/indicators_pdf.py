"""The `indicators` PDF report: the indicators linked to the recommendations in scope (every
indicator when no filter is set), read in one transaction, then written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import KIND_TITLES, ReportKind, ReportMeta
from nmrf_desktop.reports.pdf_indicators import write_indicators_pdf
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports import indicators as report_indicators
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
from nmrf_desktop.store.models import Agency


def build_indicators_pdf(record: Record, request: ReportRequest, out: Path,
                         progress: Progress = NO_PROGRESS) -> ReportResult:
    """A section per indicator linked to the recommendations in scope: its facts, whose
    data it is, each series' trend, and its charts with their numbers."""
    request = validate(record, request)
    check_output_file(out)
    filters = request.filters
    with record.reading() as session:
        names = dict(session.execute(select(Agency.code, Agency.name_en)).tuples().all())
        ids = None if filters == Filters() else search.search_ids(session, filters)
        found = report_indicators.sections(session, ids)
        print_ = fingerprint(session)
    meta = ReportMeta(
        title=KIND_TITLES[ReportKind.INDICATORS],
        subtitle="Trends and charts",
        scope=scope_lines(filters, names), generated=dt.datetime.now().replace(microsecond=0),
        fingerprint=print_, author=record.setting("officer_name") or "NMRF Desktop",
        subject="Indicators of progress on UN human-rights recommendations: "
                + "; ".join(scope_lines(filters, names)),
        landscape=request.landscape, total=len(found))
    progress.start(len(found), "Writing the indicators report")
    count = writing(out, lambda: write_indicators_pdf(meta, found, out, progress))
    progress.finish()
    linked = {ref for s in found for ref in s.recommendations}
    return ReportResult(out, len(linked), print_, indicators=count)
