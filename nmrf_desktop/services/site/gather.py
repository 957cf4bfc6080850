"""The public subset of the record, read once for the site by the same rule as
`nmrf report public` (services.reports.public): its tables, the public PDF's entries, and
the indicators the Māori-data rule lets out."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.enums import Source as SourceKind
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.reports.public_files import Table
from nmrf_desktop.reports.site.model import (
    ActionItem,
    AgencyName,
    EvidenceItem,
    ProgressLine,
    SiteData,
    SiteRec,
    Source,
)
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.reports import (
    data as report_data,
    public,
    safe,
)
from nmrf_desktop.services.reports.terms import memberships
from nmrf_desktop.services.site.related import confirmed_related
from nmrf_desktop.services.state_scope import scoped
from nmrf_desktop.store import search
from nmrf_desktop.store.models import Agency, AuditEvent, Recommendation

SOURCE_NAMES = {
    SourceKind.UPR_INFO: "UPR Info database", SourceKind.UHRI: "Universal Human Rights Index",
    SourceKind.TEMPLATE: "Recommendations workbook", SourceKind.MANUAL: "Entered by hand",
    SourceKind.DOCUMENT: "UN documents",
}


def _split(text: object) -> list[str]:
    return [part for part in str(text or "").split("; ") if part]


def gather_site(session: Session, progress: Progress = NO_PROGRESS) -> SiteData:
    """Everything the public site shows, in the public PDF's order (body, cycle, session)."""
    filters, others = scoped(session, Filters())  # one state's site, when it holds several
    ids = search.search_ids(session, filters)
    tables, statuses, found = public.public_tables(session, ids, None)
    by_name = {t.name: t for t in tables}
    keys = report_data.section_keys(session, ids, ReportKind.BODY, Filters(), statuses)
    ordered = [ids[i] for i in sorted(range(len(ids)), key=lambda i: keys[i].sort)]
    progress_of, actions_of, agencies_of = _activity(by_name)
    as_of = {row[0]: row[16] for row in by_name["recommendations"].rows}
    indicators_of: dict[str, list[str]] = defaultdict(list)
    for g in found:
        for ref in g.section.recommendations:
            indicators_of[ref].append(g.section.code)
    related = confirmed_related(session, set(ids))
    refs = {row[0]: row[1] for chunk in report_data.chunks(ordered, 500) for row in
            session.execute(select(Recommendation.id, Recommendation.reference)
                            .where(Recommendation.id.in_(chunk)))}
    recs: list[SiteRec] = []
    progress.start(len(ordered), "Reading the public record")
    for chunk in report_data.chunks(ordered):
        for entry in report_data.entries(session, chunk, [""] * len(chunk), public=True):
            ref = entry.row.reference
            recs.append(SiteRec(
                row=entry.row, status_as_of=as_of.get(ref),  # type: ignore[arg-type]
                progress=tuple(progress_of.get(ref, ())), actions=tuple(actions_of.get(ref, ())),
                evidence=tuple(EvidenceItem(e.name, e.date, e.sha256, e.action_title)
                               for e in entry.evidence),
                agencies=tuple(sorted(agencies_of.get(ref, ()))),
                related=tuple(sorted(refs[r] for r in related.get(entry.row.id, ()))),
                indicators=tuple(indicators_of.get(ref, ()))))
        progress.advance(len(chunk))
    terms = {key: [refs[i] for i in members]
             for key, members in memberships(session, ordered).items()}
    agencies = {code: AgencyName(code, safe.text(en), safe.text(mi)) for code, en, mi in
                session.execute(select(Agency.code, Agency.name_en, Agency.name_mi))}
    return SiteData(recs, agencies, terms, tuple(g.section for g in found), tables,
                    _last_change(session), _sources(session),
                    {t.name: len(t.rows) for t in tables}, tuple(others))


def _activity(tables: dict[str, Table]) -> tuple[dict[str, list[ProgressLine]],
                                                 dict[str, list[ActionItem]],
                                                 dict[str, set[str]]]:
    """Public progress (newest first) and actions by reference, and the agencies of both."""
    progress: dict[str, list[ProgressLine]] = defaultdict(list)
    actions: dict[str, list[ActionItem]] = defaultdict(list)
    agencies: dict[str, set[str]] = defaultdict(set)
    for ref, agency, status, as_of, narrative in tables["progress"].rows:
        progress[str(ref)].insert(0, ProgressLine(str(agency), str(status), as_of,  # type: ignore[arg-type]
                                                  str(narrative or "")))
        agencies[str(ref)].add(str(agency))
    for _aid, agency, title, desc, kind, status, start, target, done, linked in \
            tables["actions"].rows:
        item = ActionItem(str(agency), str(title), str(desc or ""), str(kind), str(status),
                          start, target, done)  # type: ignore[arg-type]
        for ref in _split(linked):
            actions[ref].append(item)
            agencies[ref].add(str(agency))
    return progress, actions, agencies


def _last_change(session: Session) -> dt.date | None:
    """The date of the record's latest change (its audit log), not the day of publishing."""
    latest = session.execute(select(func.max(AuditEvent.at))).scalar()
    return latest.date() if latest else None


def _sources(session: Session) -> tuple[Source, ...]:
    r = Recommendation
    counts = Counter({(source, mechanism): n for source, mechanism, n in session.execute(
        select(r.source, r.mechanism, func.count()).group_by(r.source, r.mechanism))})
    return tuple(Source(SOURCE_NAMES.get(source, source), mechanism, n)
                 for (source, mechanism), n in sorted(counts.items()))
