"""The public transparency export: only what is marked public, as XLSX, CSV and PDF.

Recommendations are public UN text. Of what agencies record, only actions, progress
updates and evidence marked public leave, and of evidence only its name, date and SHA-256.
Officer names, assignments, non-public narratives and non-public evidence never do; the
status shown is the latest *public* update's, never the stored (possibly private) one.
Indicators linked to the recommendations leave with their values only where publishable:
Māori data never, unless its release is recorded (services.indicators.is_public).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.indicators import as_json_number, describe_disaggregation
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.model import Entry, ReportData, ReportKind, ReportMeta
from nmrf_desktop.reports.pdf_report import write_pdf
from nmrf_desktop.reports.public_files import Table, write_csv, write_xlsx
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports import data as report_data, indicators as report_indicators, safe
from nmrf_desktop.services.reports.pdf import summary_of
from nmrf_desktop.services.reports.request import ReportError, fingerprint, scope_lines
from nmrf_desktop.store import search
from nmrf_desktop.store.models import Action, ActionLink, Evidence, ProgressUpdate
from nmrf_desktop.store.recommendations import fetch_rows

log = logging.getLogger(__name__)

PDF_NAME = "nmrf-public.pdf"
XLSX_NAME = "nmrf-public.xlsx"


@dataclass(frozen=True, slots=True)
class PublicResult:
    folder: Path
    files: tuple[str, ...]
    counts: dict[str, int]


def _check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out} exists and is not a folder")
    parent = out if out.exists() else out.parent
    if not parent.is_dir():
        raise ReportError(f"cannot write to {out}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ReportError(f"cannot write to {out}: the folder {parent} is not writable")


def export_public(record: Record, out: Path, filters: Filters | None = None,
                  progress: Progress = NO_PROGRESS) -> PublicResult:
    """Write the public dataset into folder `out` (created if needed); all files or none."""
    filters = filters or Filters()
    _check_folder(out)
    created = not out.exists()
    out.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".nmrf-public-", dir=out))
    try:
        with record.reading() as session:
            ids = search.search_ids(session, filters)
            # Every indicator when no filter is set, else those linked to the scope.
            tables, statuses, publishable = public_tables(
                session, ids, None if filters == Filters() else ids)
            for table in tables:
                write_csv(work / f"{table.name}.csv", table)
            write_xlsx(work / XLSX_NAME, tables)
            keys = report_data.section_keys(session, ids, ReportKind.BODY, filters, statuses)
            ordered = sorted(range(len(ids)), key=lambda i: keys[i].sort)
            meta = ReportMeta(
                title="Public progress report", subtitle="Information marked public",
                scope=scope_lines(filters, {}), generated=dt.datetime.now().replace(
                    microsecond=0), fingerprint=fingerprint(session),
                author="National Mechanism for Reporting and Follow-up",
                subject="UN human-rights recommendations and the public record of progress",
                public=True, total=len(ids))
            summary = summary_of([(keys[i].body, keys[i].status) for i in ordered],
                                 Counter(keys[i].cycle_label for i in ordered))
            progress.start(len(ids), "Writing the public PDF")
            entries = _entries(session, [ids[i] for i in ordered],
                               [keys[i].title for i in ordered])
            write_pdf(ReportData(ReportKind.BODY, meta, summary, entries,
                                 indicators=tuple(g.section for g in publishable)),
                      work / PDF_NAME, progress)
        names = sorted(p.name for p in work.iterdir())
        for name in names:
            os.replace(work / name, out / name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    shutil.rmtree(work, ignore_errors=True)
    progress.finish()
    counts = {t.name: len(t.rows) for t in tables}
    log.info("public export to %s: %s", out, counts)
    return PublicResult(out, tuple(names), counts)


def public_tables(session: Session, ids: list[str], indicator_scope: list[str] | None
                  ) -> tuple[list[Table], dict[str, str | None], list[report_indicators.Gathered]]:
    """The public tables of `ids` (cells made safe), each one's public status, and the
    publishable indicators linked to `indicator_scope` (all of them when None): the one
    rule the public export and the public site both publish by."""
    tables, statuses = _tables(session, ids)
    found = report_indicators.gather(session, indicator_scope, public=True)
    tables += _indicator_tables(found)
    return [replace(t, rows=[safe.row(r) for r in t.rows]) for t in tables], statuses, found


def _indicator_tables(found: list[report_indicators.Gathered]) -> list[Table]:
    """The publishable indicators and their values (the rule applied by `gather`)."""
    indicators: list[tuple[object, ...]] = []
    values: list[tuple[object, ...]] = []
    for g in found:
        s = g.section
        indicators.append((s.code, s.title, s.title_mi, s.kind, s.unit, s.sdg, s.sdg_title,
                           s.steward, s.source, s.method, s.baseline, s.target,
                           "; ".join(s.recommendations), "; ".join(s.clusters),
                           s.governance.removeprefix("Māori data — governance: ")
                           if s.governance else ""))
        for v in g.values:
            values.append((s.code, v.period, describe_disaggregation(v.disaggregation)
                           if v.disaggregation else "Total", v.units,
                           as_json_number(v.value), v.status, v.observation_status,
                           v.sentence))
    return [
        Table("indicators", ("code", "title", "title_mi", "kind", "unit", "sdg", "sdg_title",
                             "steward", "source", "method", "baseline", "target",
                             "recommendations", "overlap_clusters", "maori_data_governance"),
              indicators, (16, 40, 30, 11, 16, 8, 40, 24, 30, 30, 14, 14, 30, 30, 30)),
        Table("indicator_values", ("code", "period", "disaggregation", "units", "value",
                                   "status", "observation_status", "trend"), values,
              (16, 10, 30, 18, 12, 11, 16, 60)),
    ]


def _entries(session: Session, ids: list[str], sections: list[str]) -> Iterator[Entry]:
    for start in range(0, len(ids), report_data.CHUNK):
        chunk = ids[start:start + report_data.CHUNK]
        yield from report_data.entries(session, chunk, sections[start:start + len(chunk)],
                                       public=True)


def _tables(session: Session, ids: list[str]) -> tuple[list[Table], dict[str, str | None]]:
    """The four public tables, and each recommendation's latest public status."""
    refs: dict[str, str] = {}
    recs: list[tuple[object, ...]] = []
    statuses: dict[str, str | None] = {}
    for chunk in report_data.chunks(ids, 500):
        latest = report_data.latest_updates(session, chunk, public=True)
        for row in fetch_rows(session, chunk):
            refs[row.id] = row.reference
            update = latest.get(row.id)
            statuses[row.id] = update.status if update else None
            recs.append((row.reference, row.mechanism, row.body, row.session, row.cycle,
                         row.year, row.document_symbol, row.paragraph, row.text,
                         row.position, "; ".join(row.recommending_states),
                         "; ".join(row.themes), "; ".join(row.affected_groups),
                         "; ".join(row.sdgs), row.te_tiriti,
                         update.status if update else None, update.as_of if update else None))
    rec_table = Table("recommendations", (
        "reference", "mechanism", "body", "session", "cycle", "year", "document_symbol",
        "paragraph", "text", "position", "recommending_states", "themes", "affected_groups",
        "sdgs", "te_tiriti", "public_status", "public_status_as_of"), recs,
        (18, 12, 10, 8, 6, 6, 16, 9, 80, 14, 30, 30, 24, 20, 9, 18, 12))
    return [rec_table, *_entry_tables(session, refs)], statuses


def _entry_tables(session: Session, refs: dict[str, str]) -> list[Table]:
    """Public progress updates, public actions, and public evidence of what is public."""
    p, a, e = ProgressUpdate, Action, Evidence
    updates: list[tuple[object, ...]] = []
    for rid, agency, status, as_of, narrative in session.execute(
            select(p.recommendation_id, p.agency_code, p.status, p.as_of, p.narrative)
            .where(p.is_public.is_(True)).order_by(p.as_of, p.created_at, p.id)):
        if rid in refs:
            updates.append((refs[rid], agency, status, as_of, narrative))
    links: dict[str, list[str]] = {}
    for aid, rid in session.execute(
            select(ActionLink.action_id, ActionLink.recommendation_id)
            .join(a, a.id == ActionLink.action_id).where(a.is_public.is_(True))):
        if rid in refs:
            links.setdefault(aid, []).append(refs[rid])
    actions: list[tuple[object, ...]] = []
    titles: dict[str, str] = {}
    for aid, agency, title, desc, kind, status, start, target, done in session.execute(
            select(a.id, a.agency_code, a.title, a.description, a.kind, a.status,
                   a.start_date, a.target_date, a.completed_date)
            .where(a.is_public.is_(True)).order_by(a.created_at, a.id)):
        if aid in links:
            titles[aid] = title
            actions.append((aid, agency, title, desc, kind, status, start, target, done,
                            "; ".join(sorted(links[aid]))))
    evidence: list[tuple[object, ...]] = []
    for aid, rid, name, created, sha in session.execute(
            select(e.action_id, e.recommendation_id, e.display_name, e.created_at, e.sha256)
            .where(e.is_public.is_(True), e.removed.is_(False))
            .order_by(e.created_at, e.id)):
        if aid is not None and aid not in titles:
            continue  # belongs to an action that is not public
        if aid is None and rid not in refs:
            continue
        evidence.append((name, created.date() if created else None,
                         safe.sha256(sha, f"public evidence {name!r}"),
                         titles.get(aid, "") if aid else "", "" if aid else refs[rid]))
    return [
        Table("progress", ("reference", "agency", "status", "as_of", "narrative"), updates,
              (18, 10, 18, 12, 90)),
        Table("actions", ("action_id", "agency", "title", "description", "kind", "status",
                          "start_date", "target_date", "completed_date", "recommendations"),
              actions, (38, 10, 40, 60, 14, 14, 12, 12, 12, 40)),
        Table("evidence", ("name", "date", "sha256", "action", "recommendation"), evidence,
              (40, 12, 68, 40, 18)),
    ]
