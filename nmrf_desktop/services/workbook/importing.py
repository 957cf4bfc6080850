"""Import use case for the progress workbook: its recommendations as the template, and new
progress updates from its Progress sheet; Assignments, Actions and Evidence are checked.

The history is append-only. A Progress row left as exported changes nothing; a row whose
Status or Narrative was edited becomes a new update for the same recommendation and agency,
dated by its As of cell if that was edited too, else today; a row added without an Update
ID is a new update. The other sheets are for reading: a cell edited there is refused, by
file, sheet, row and column, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.entry import InvalidEntry, ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import ImportReport, RecommendationIn, RowProblem
from nmrf_desktop.importers import template, template_sheets as sheets
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.template_sheets import SheetRow
from nmrf_desktop.services.import_run import import_transaction
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workbook import rows as workbook_rows
from nmrf_desktop.store import audit
from nmrf_desktop.store.changes import record_change
from nmrf_desktop.store.models import Agency, ProgressUpdate, Recommendation
from nmrf_desktop.store.progress import refresh_statuses

log = logging.getLogger(__name__)

_FIXED = ("Update ID", "Recommendation ID", "Reference", "Agency")
_ADVICE = {
    sheets.ASSIGNMENTS: "assignments are changed by the coordinator in NMRF Desktop",
    sheets.ACTIONS: "actions are changed in NMRF Desktop (Record menu)",
    sheets.EVIDENCE: "evidence is attached in NMRF Desktop",
}
_DRAFT_COLUMNS = {"narrative": "Narrative", "as_of": "As of", "status": "Status"}


@dataclass(slots=True)
class WorkbookReport(ImportReport):
    """An import's report, with the progress updates the Progress sheet added."""

    progress_added: int = 0

    def as_dict(self) -> dict[str, object]:
        return ImportReport.as_dict(self) | {"progress_added": self.progress_added}


@dataclass(frozen=True, slots=True)
class _NewUpdate:
    rec_id: str
    agency: str
    status: str
    narrative: str
    as_of: dt.date
    public: bool


def import_workbooks(record: Record, paths: Sequence[Path], *, skip_bad_rows: bool = False,
                     progress: Progress = NO_PROGRESS, today: dt.date | None = None
                     ) -> WorkbookReport:
    """Import template or progress workbooks, all of it or nothing, in one transaction."""
    today = today or dt.date.today()
    report = WorkbookReport(source="xlsx", files=[str(p) for p in paths])
    records: list[RecommendationIn] = []
    rows: dict[str, list[SheetRow]] = defaultdict(list)
    progress.start(len(paths) + 1, "Reading workbooks")
    for path in paths:
        parsed = template.parse_recommendations(Path(path))
        records += parsed.records
        report.rejected += parsed.rejected
        report.repeats += parsed.repeats
        for name, found in parsed.sheets.items():
            rows[name] += found
        progress.advance(1)
    with import_transaction(record, report, records, paths,
                            skip_bad_rows=skip_bad_rows) as write:
        session = write.session
        problems: list[RowProblem] = []
        for name in (sheets.ASSIGNMENTS, sheets.ACTIONS, sheets.EVIDENCE):
            problems += _check_reference_sheet(session, name, rows.get(name, []))
        updates = _plan_progress(session, rows.get(sheets.PROGRESS, []), today, problems)
        report.rejected += problems
        if problems and not skip_bad_rows:
            raise ImportFailed(problems)  # rolls the whole import back
        report.progress_added = _append(session, updates, write.actor)
        write.details["progress_added"] = report.progress_added
    progress.advance(1)
    progress.finish()
    log.info("import xlsx: %s", report.as_dict() | {"rejected": len(report.rejected)})
    return report


def _problem(row: SheetRow, column: str, message: str) -> RowProblem:
    return RowProblem(row.file, row.line, column, message)


def _shown(value: object) -> str:
    if value is None or value == ():
        return "empty"
    if isinstance(value, tuple):
        value = ", ".join(value)
    text = str(value)
    return repr(text if len(text) <= 60 else text[:59] + "…")


def _in_record(session: Session, name: str, keys: list[str]) -> dict[str, dict[str, object]]:
    """The typed cells the record would export for these keys, by key."""
    sheet = sheets.BY_NAME[name]
    if name == sheets.ASSIGNMENTS:
        found = workbook_rows.assignments(session, sorted({k.split("\x1f")[0] for k in keys}))
    else:
        found = {sheets.ACTIONS: workbook_rows.actions, sheets.PROGRESS: workbook_rows.progress,
                 sheets.EVIDENCE: workbook_rows.evidence}[name](session, keys)
    return {key: sheets.record_row(sheet, values) for key, values in found}


def _key(name: str, row: SheetRow) -> str:
    if name == sheets.ASSIGNMENTS and row.key:
        return workbook_rows.assignment_key(row.key, str(row.values.get("Agency") or ""))
    return row.key


def _changed(row: SheetRow, stored: dict[str, object]) -> list[str]:
    return [label for label in row.values if row.values[label] != stored[label]]


def _check_reference_sheet(session: Session, name: str, rows: list[SheetRow]
                           ) -> list[RowProblem]:
    """Every row must be in the record, as exported: this sheet is for reading."""
    sheet = sheets.BY_NAME[name]
    stored = _in_record(session, name, [_key(name, r) for r in rows if r.key])
    problems = []
    for row in rows:
        key = _key(name, row)
        if not row.key:
            problems.append(_problem(row, sheet.key, f"is empty: new rows cannot be added "
                                     f"here ({_ADVICE[name]})"))
        elif key not in stored:
            problems.append(_problem(row, sheet.key if name != sheets.ASSIGNMENTS else "Agency",
                                     "names no such row in this record: rows cannot be added "
                                     f"here ({_ADVICE[name]})"))
        else:
            problems += [_problem(row, label, f"was changed (the record holds "
                                  f"{_shown(stored[key][label])}): this sheet is for "
                                  f"reading; {_ADVICE[name]}")
                         for label in _changed(row, stored[key])]
    return problems


def _plan_progress(session: Session, rows: list[SheetRow], today: dt.date,
                   problems: list[RowProblem]) -> list[_NewUpdate]:
    """The new updates the Progress sheet asks for; problems for rows that cannot be one."""
    stored = _in_record(session, sheets.PROGRESS, [r.key for r in rows if r.key])
    recs = _recommendations(session, rows)
    agencies = set(session.execute(select(Agency.code)).scalars())
    latest = _latest(session, {r for r in recs.values()})
    out: list[_NewUpdate] = []
    for row in rows:
        before = len(problems)
        if row.key:
            if row.key not in stored:
                problems.append(_problem(row, "Update ID", "is not a progress update in this "
                                         "record; leave Update ID empty to add a new update"))
                continue
            wanted = _edited(row, stored[row.key], today, problems)
        else:
            wanted = _added(row, recs, agencies, today, problems)
        if wanted is None or len(problems) > before:
            continue
        try:
            ProgressDraft(wanted.rec_id, wanted.agency, ImplementationStatus(wanted.status),
                          wanted.narrative, wanted.as_of, wanted.public).validate(today)
        except InvalidEntry as exc:
            problems.append(_problem(row, _DRAFT_COLUMNS.get(exc.field, ""), str(exc)))
            continue
        pair = (wanted.rec_id, wanted.agency)
        if latest.get(pair) == (wanted.status, wanted.narrative):
            continue  # already recorded (the same workbook imported again)
        latest[pair] = (wanted.status, wanted.narrative)
        out.append(wanted)
    return out


def _edited(row: SheetRow, stored: dict[str, object], today: dt.date,
            problems: list[RowProblem]) -> _NewUpdate | None:
    """An exported row: unchanged (None), or edited into a new update."""
    changed = _changed(row, stored)
    fixed = [label for label in changed if label in _FIXED]
    for label in fixed:
        problems.append(_problem(row, label, f"was changed (the record holds "
                                 f"{_shown(stored[label])}): an update's recommendation "
                                 "and agency stay as they are; add a new row instead"))
    if not changed or fixed:
        return None
    if "Status" not in changed and "Narrative" not in changed:
        label = changed[0]
        problems.append(_problem(row, label, "was changed, but progress updates are never "
                                 "rewritten: change Status or Narrative to record a new "
                                 "update, or add a row"))
        return None
    value = {**stored, **row.values}
    if not value["Status"]:
        problems.append(_problem(row, "Status", "is empty"))
        return None
    as_of = value["As of"] if "As of" in changed else today
    return _NewUpdate(str(stored["Recommendation ID"]), str(stored["Agency"]),
                      str(value["Status"]), str(value["Narrative"] or ""),
                      as_of if isinstance(as_of, dt.date) else today, bool(value["Public"]))


def _added(row: SheetRow, recs: dict[str, str], agencies: set[str], today: dt.date,
           problems: list[RowProblem]) -> _NewUpdate | None:
    """A row typed without an Update ID: a new update."""
    v = row.values
    rec_id, ref = str(v.get("Recommendation ID") or ""), str(v.get("Reference") or "")
    found = {recs.get(x) for x in (rec_id, ref) if x}
    if not found:
        problems.append(_problem(row, "Reference", "is empty: name the recommendation by "
                                 "its Reference or Recommendation ID"))
    elif None in found:
        problems.append(_problem(row, "Recommendation ID" if rec_id and rec_id not in recs
                                 else "Reference", "names no recommendation in this record"))
    elif len(found) > 1:
        problems.append(_problem(row, "Reference", "names another recommendation than the "
                                 "Recommendation ID: keep one of them"))
    agency = str(v.get("Agency") or "")
    if agency not in agencies:
        problems.append(_problem(row, "Agency", f"{agency!r} is not an agency code in this record"
                                 if agency else "is empty"))
    if not v.get("Status"):
        problems.append(_problem(row, "Status", "is empty"))
    if len(found) != 1 or None in found or agency not in agencies or not v.get("Status"):
        return None
    as_of = v.get("As of")
    return _NewUpdate(str(found.pop()), agency, str(v["Status"]), str(v.get("Narrative") or ""),
                      as_of if isinstance(as_of, dt.date) else today, bool(v.get("Public")))


def _recommendations(session: Session, rows: list[SheetRow]) -> dict[str, str]:
    """Recommendation ids by the ids and references the new rows name."""
    names = {str(r.values.get(c)) for r in rows if not r.key
             for c in ("Recommendation ID", "Reference") if r.values.get(c)}
    out: dict[str, str] = {}
    found = list(names)
    for start in range(0, len(found), 400):
        chunk = found[start:start + 400]
        for rid, ref in session.execute(select(Recommendation.id, Recommendation.reference)
                                        .where(or_(Recommendation.id.in_(chunk),
                                                   Recommendation.reference.in_(chunk)))):
            out[rid] = out[ref] = rid
    for row in rows:  # exported rows keep their recommendation: no lookup needed
        if row.key and row.values.get("Recommendation ID"):
            rid = str(row.values["Recommendation ID"])
            out.setdefault(rid, rid)
    return out


def _latest(session: Session, rec_ids: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """The latest (status, narrative) of each recommendation and agency."""
    p = ProgressUpdate
    out: dict[tuple[str, str], tuple[str, str]] = {}
    ids = sorted(rec_ids)
    for start in range(0, len(ids), 400):
        for rid, agency, status, narrative in session.execute(
                select(p.recommendation_id, p.agency_code, p.status, p.narrative)
                .where(p.recommendation_id.in_(ids[start:start + 400]))
                .order_by(p.as_of, p.created_at)):
            out[(rid, agency)] = (status, narrative)
    return out


def _append(session: Session, updates: list[_NewUpdate], actor: str) -> int:
    """Add the updates (in the change log for the next bundle, and audited)."""
    for u in updates:
        row = ProgressUpdate(recommendation_id=u.rec_id, agency_code=u.agency, status=u.status,
                             narrative=u.narrative.strip(), as_of=u.as_of, is_public=u.public)
        session.add(row)
        session.flush()
        record_change(session, "progress", row.id, "insert", {
            "recommendation_id": u.rec_id, "agency_code": u.agency, "status": row.status,
            "narrative": row.narrative, "as_of": row.as_of, "is_public": row.is_public}, None)
        audit.append(session, "progress.add", actor=actor, entity="recommendation",
                     entity_id=u.rec_id, details={"status": row.status,
                                                  "as_of": row.as_of.isoformat(),
                                                  "source": "xlsx"})
    refresh_statuses(session, sorted({u.rec_id for u in updates}))
    return len(updates)
