"""The by-cluster PDF report: the stored overlap clusters in scope, read once, then written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import ReportMeta
from nmrf_desktop.reports.pdf_clusters import (
    KIND,
    TITLE,
    ClusterMember,
    ClusterSection,
    write_clusters_pdf,
)
from nmrf_desktop.services.overlap import ClusterSummary, cluster_summaries
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.request import (
    ReportRequest,
    ReportResult,
    check_output_file,
    fingerprint,
    not_annual,
    scope_lines,
    unknown_agency,
    writing,
)
from nmrf_desktop.store import search
from nmrf_desktop.store.models import Agency


def _cycle(cycle: int | None, year: int | None) -> str:
    if cycle is None:
        return str(year or "—")
    return f"{cycle} ({year})" if year else str(cycle)


def section_of(c: ClusterSummary) -> ClusterSection:
    mix = ", ".join(f"{n} {s.replace('_', ' ') if s != 'none' else 'no update'}"
                    for s, n in c.status_mix)
    return ClusterSection(c.id, c.country, c.reasons, tuple(
        ClusterMember(m.reference, m.body, _cycle(m.cycle, m.year), m.excerpt, m.status)
        for m in c.members), mix)


def build_clusters_pdf(record: Record, request: ReportRequest, out: Path,
                       progress: Progress = NO_PROGRESS) -> ReportResult:
    """One section per cluster holding a recommendation in the request's scope."""
    if request.start or request.end:
        raise not_annual()
    check_output_file(out)
    filters = request.filters
    with record.reading() as session:
        names: dict[str, str] = {code: name for code, name in session.execute(
            select(Agency.code, Agency.name_en))}
        if filters.agency and filters.agency not in names:
            raise unknown_agency(filters.agency)
        ids = None if filters == Filters() else search.search_ids(session, filters)
        print_ = fingerprint(session)
    found = cluster_summaries(record, ids=ids)
    meta = ReportMeta(
        title=TITLE, subtitle="Recommendations that ask for the same action",
        scope=scope_lines(filters, names), generated=dt.datetime.now().replace(microsecond=0),
        fingerprint=print_, author=record.setting("officer_name") or "NMRF Desktop",
        subject="Overlapping UN human-rights recommendations, by cluster",
        landscape=request.landscape, total=len(found))
    progress.start(len(found), "Writing the clusters report")
    sections = (section_of(c) for c in found)
    count = writing(out, lambda: write_clusters_pdf(meta, sections, out, progress))
    progress.finish()
    return ReportResult(out, sum(c.size for c in found[:count]), print_)


__all__ = ["KIND", "build_clusters_pdf"]
