"""What a report is asked for and what it gives: the request, its checks, the result, and
the words and fingerprint every report prints."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.files import NotAFile, refuse_special_target
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.reports.pdf_styles import long_date
from nmrf_desktop.services.exchange.agency import laptop_agency
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import (
    Action,
    Agency,
    Assignment,
    AuditEvent,
    Evidence,
    ProgressUpdate,
    Recommendation,
)

log = logging.getLogger(__name__)


class ReportError(Exception):
    """A report cannot be made as asked (bad kind, dates or output): nothing was written.

    The message is plain words any caller may show (no command-line syntax); `field` says
    what was wrong, for the caller to point at: "kind", "period", "agency" or "out".
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def not_annual() -> ReportError:
    return ReportError("a period (from and to dates) applies only to the annual report",
                       "period")


def unknown_agency(code: str) -> ReportError:
    return ReportError(f"unknown agency {code!r}", "agency")


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
    indicators: int | None = None  # the indicators report: how many indicators it holds


def writing(out: Path, write: Callable[[], int]) -> int:
    """Call `write()` (a report writer that builds `out` atomically): a cancel is logged and
    passed on, nothing written; a file-system failure becomes a ReportError naming `out`."""
    try:
        return write()
    except Cancelled:
        log.info("report cancelled; nothing written to %s", out)
        raise
    except OSError as exc:
        other = exc.filename and Path(exc.filename) != out  # a file the writer reads, say
        where = f" ({exc.filename})" if other else ""
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}{where}") from None


def check_output_file(out: Path) -> None:
    """The folder must exist and be writable; else a clear error before any work is done."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ReportError(f"{out} is a folder; name the file to write", "out")
    try:
        refuse_special_target(out)
    except NotAFile as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror}", "out") from None
    if not folder.is_dir():
        raise ReportError(f"cannot write {out}: the folder {folder} does not exist", "out")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"cannot write {out}: the folder {folder} is not writable", "out")


def _kind(value: ReportKind | str) -> ReportKind:
    try:
        return ReportKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in ReportKind)
        raise ReportError(f"unknown report kind {value!r} (choose from {choices})",
                          "kind") from None


def validate(record: Record, request: ReportRequest) -> ReportRequest:
    """The request with defaults filled in; ReportError when it cannot be honoured."""
    kind = _kind(request.kind)
    filters = replace(request.filters)
    start, end = request.start, request.end
    if kind is not ReportKind.ANNUAL and (start or end):
        raise not_annual()
    if kind is ReportKind.ANNUAL:
        end = end or dt.date.today()
        start = start or end.replace(year=end.year - 1) + dt.timedelta(days=1)
        if start > end:
            raise ReportError(f"the period starts ({start}) after it ends ({end})", "period")
    if kind is ReportKind.AGENCY and not filters.agency:
        filters.agency = laptop_agency(record)
        if not filters.agency:
            raise ReportError("an agency summary needs an agency", "agency")
    if kind is ReportKind.TIRITI:
        filters.te_tiriti = True
    if filters.agency:
        with record.reading() as session:
            if session.get(Agency, filters.agency) is None:
                raise unknown_agency(filters.agency)
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
    if f.follow_up:
        lines.append("Follow-up requested by the treaty body")
    if f.important:
        lines.append("Of particular importance to the treaty body")
    if f.text:
        lines.append(f"Text search: “{f.text}”")
    return tuple(lines) or ("All recommendations in the record",)
