"""Report use cases: gather a report's data in one read transaction and write the PDF.

The data is read as plain records (reports/model.py) and streamed to the PDF writer chunk
by chunk inside the same read transaction, so the report shows one state of the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.records import Filters
from ..reports.model import KIND_TITLES, Entry, ReportData, ReportKind, ReportMeta, Summary
from ..reports.pdf_report import write_pdf
from ..reports.pdf_styles import long_date
from ..store import search
from ..store.models import (
    Action,
    Agency,
    Assignment,
    AuditEvent,
    Evidence,
    ProgressUpdate,
    Recommendation,
)
from . import report_data
from .agency import laptop_agency
from .progress import NO_PROGRESS, Cancelled, Progress
from .record import Record

log = logging.getLogger(__name__)

STATUS_ORDER = ("implemented", "partially_implemented", "in_progress", "ongoing",
                "not_started", "no_further_action", "none")


class ReportError(Exception):
    """A report cannot be made as asked (bad kind, dates or output): nothing was written."""


@dataclass(slots=True)
class ReportRequest:
    kind: ReportKind | str = ReportKind.AGENCY
    filters: Filters = field(default_factory=Filters)
    start: dt.date | None = None
    end: dt.date | None = None
    landscape: bool = False


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    recommendations: int
    fingerprint: str


def check_output_file(out: Path) -> None:
    """The folder must exist and be writable; else a clear error before any work is done."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ReportError(f"{out} is a folder; name the PDF file to write")
    if not folder.is_dir():
        raise ReportError(f"cannot write {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"cannot write {out}: the folder {folder} is not writable")


def _kind(value: ReportKind | str) -> ReportKind:
    try:
        return ReportKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in ReportKind)
        raise ReportError(f"unknown report kind {value!r} (choose from {choices})") from None


def validate(record: Record, request: ReportRequest) -> ReportRequest:
    """The request with defaults filled in; ReportError when it cannot be honoured."""
    kind = _kind(request.kind)
    filters = replace(request.filters)
    start, end = request.start, request.end
    if kind is not ReportKind.ANNUAL and (start or end):
        raise ReportError("--from and --to apply to the annual report (--kind annual)")
    if kind is ReportKind.ANNUAL:
        end = end or dt.date.today()
        start = start or end.replace(year=end.year - 1) + dt.timedelta(days=1)
        if start > end:
            raise ReportError(f"the period starts ({start}) after it ends ({end})")
    if kind is ReportKind.AGENCY and not filters.agency:
        filters.agency = laptop_agency(record)
        if not filters.agency:
            raise ReportError("an agency summary needs an agency: --assigned-to AGENCY")
    if kind is ReportKind.TIRITI:
        filters.te_tiriti = True
    if filters.agency:
        with record.reading() as session:
            if session.get(Agency, filters.agency) is None:
                raise ReportError(f"unknown agency {filters.agency!r}; see `nmrf agencies`")
    return ReportRequest(kind, filters, start, end, request.landscape)


def fingerprint(session: Session) -> str:
    """SHA-256 over the audit log's head hash and the record's counts."""
    head = session.execute(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
                           ).scalar() or ""
    counts = {name: session.execute(select(func.count()).select_from(model)).scalar_one()
              for name, model in (("recommendations", Recommendation),
                                  ("assignments", Assignment), ("actions", Action),
                                  ("progress_updates", ProgressUpdate),
                                  ("evidence", Evidence))}
    payload = json.dumps({"audit_head": head, "counts": counts}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def scope_lines(filters: Filters, agency_names: dict[str, str],
                period: tuple[dt.date, dt.date] | None = None) -> tuple[str, ...]:
    """The filters in words, one line each."""
    f = filters
    lines = []
    if period:
        lines.append(f"Period: {long_date(period[0])} to {long_date(period[1])}")
    if f.agency:
        role = f" ({f.role} agency)" if f.role else ""
        lines.append(f"Assigned to {agency_names.get(f.agency, f.agency)} ({f.agency}){role}")
    elif f.role:
        lines.append(f"Assigned as {f.role} agency")
    for label, values in (("Mechanism", [f.mechanism] if f.mechanism else []),
                          ("Body", f.bodies), ("Cycle", [str(c) for c in f.cycles]),
                          ("UPR session", [str(s) for s in f.sessions]),
                          ("State under review", [f.country] if f.country else []),
                          ("Recommending state", f.states), ("Position", f.positions),
                          ("Theme", f.themes), ("Affected group", f.groups), ("SDG", f.sdgs),
                          ("Status", f.statuses)):
        if values:
            words = ", ".join(v.replace("_", " ") for v in values)
            lines.append(f"{label}{'s' if len(values) > 1 else ''}: {words}")
    if f.te_tiriti is True:
        lines.append("Te Tiriti o Waitangi: recommendations flagged relevant to Māori")
    elif f.te_tiriti is False:
        lines.append("Te Tiriti o Waitangi: recommendations not flagged")
    if f.text:
        lines.append(f"Text search: “{f.text}”")
    return tuple(lines) or ("All recommendations in the record",)


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
    if str(request.kind) == "clusters":  # by overlap cluster: its own layout and data
        from .overlap_report import build_clusters_pdf

        return build_clusters_pdf(record, request, out, progress)
    request = validate(record, request)
    check_output_file(out)
    kind = ReportKind(request.kind)
    with record.reading() as session:
        names = dict(session.execute(select(Agency.code, Agency.name_en)).all())
        ids = search.search_ids(session, request.filters)
        annual = None
        if kind is ReportKind.ANNUAL:
            assert request.start and request.end
            annual, ids = report_data.annual_changes(session, ids, request.start, request.end)
        keys = report_data.section_keys(session, ids, kind, request.filters)
        ordered = sorted(range(len(ids)), key=lambda i: keys[i].sort)
        ids = [ids[i] for i in ordered]
        sections = [keys[i].title for i in ordered]
        summary = summary_of([(k.body, k.status) for k in keys], Counter(
            k.cycle_label for k in keys))
        print_ = fingerprint(session)
        period = (request.start, request.end) if annual else None
        meta = ReportMeta(
            title=KIND_TITLES[kind], subtitle=_subtitle(kind, request.filters, names, period),
            scope=scope_lines(request.filters, names, period),
            generated=dt.datetime.now().replace(microsecond=0), fingerprint=print_,
            author=record.setting("officer_name") or "NMRF Desktop",
            subject="Progress on UN human-rights recommendations: "
                    + "; ".join(scope_lines(request.filters, names, period)),
            landscape=request.landscape, total=len(ids))
        progress.start(len(ids), "Writing the PDF report")
        entries = _entries(session, ids, sections)
        try:
            count = write_pdf(ReportData(kind, meta, summary, entries, annual), out, progress)
        except Cancelled:
            log.info("report cancelled; nothing written to %s", out)
            raise
        except OSError as exc:
            raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from None
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


def _entries(session: Session, ids: list[str], sections: list[str]) -> Iterator[Entry]:
    for start in range(0, len(ids), report_data.CHUNK):
        chunk = ids[start:start + report_data.CHUNK]
        yield from report_data.entries(session, chunk, sections[start:start + len(chunk)])

