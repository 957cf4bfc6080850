"""The reporting calendar: UN deadlines per body, entered once, with what each covers."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, distinct, func, select, union
from sqlalchemy.orm import Session

from nmrf_desktop.domain.upr import BODIES, body_code
from nmrf_desktop.services.overview import months_before
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.calendar_models import CalendarCover, CalendarEntry
from nmrf_desktop.store.models import Recommendation

log = logging.getLogger(__name__)

WINDOWS = (3, 6, 12)  # months ahead the calendar shows at a glance
TITLE_MAX = 300


class CalendarKind(StrEnum):
    PERIODIC_REPORT = "periodic-report"
    LIST_OF_ISSUES = "list-of-issues"
    FOLLOW_UP = "follow-up"
    UPR_MID_TERM = "upr-mid-term"


KIND_LABELS: dict[str, str] = {
    CalendarKind.PERIODIC_REPORT: "Next periodic report",
    CalendarKind.LIST_OF_ISSUES: "List of issues",
    CalendarKind.FOLLOW_UP: "Follow-up deadline",
    CalendarKind.UPR_MID_TERM: "UPR mid-term report",
}


class InvalidCalendarEntry(ValueError):
    """An entry breaks a rule; `problems` are (field, message) pairs, all of them."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        self.field = self.problems[0][0] if self.problems else ""
        super().__init__(" ".join(message for _field, message in self.problems))


@dataclass(slots=True)
class CalendarDraft:
    """What the user entered: references are human ones (NZL-UPR18-001…)."""

    body: str
    kind: str
    due_on: dt.date | None
    title: str = ""
    references: tuple[str, ...] = ()
    covers_all: bool = False
    cycle: int | None = None


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One entry as shown: its deadline and how many recommendations it covers."""

    id: str
    body: str
    kind: str
    due_on: dt.date
    title: str
    covers_all: bool
    cycle: int | None
    references: tuple[str, ...]
    covered: int
    version: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def scope(self) -> str:
        """What it covers, in words (English; the UI builds its own translated text)."""
        parts = []
        if self.covers_all:
            parts.append(f"all {self.body} recommendations"
                         + (f" of cycle {self.cycle}" if self.cycle else ""))
        if self.references:
            parts.append(", ".join(self.references))
        return "; ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "kind": self.kind,
                "due_on": self.due_on.isoformat(), "title": self.title,
                "covers_all": self.covers_all, "cycle": self.cycle,
                "references": list(self.references), "covered": self.covered,
                "version": self.version}


@dataclass(frozen=True, slots=True)
class CoveredRecommendation:
    id: str
    reference: str
    body: str
    cycle: int | None
    status: str | None
    text: str


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's end)."""
    return months_before(day, -months)


# -- validation ---------------------------------------------------------------------------


def _known_body(session: Session, given: str) -> str | None:
    """The canonical code of a body: one of the UN bodies, or one the record holds."""
    text = given.strip()
    if not text:
        return None
    canonical = {b.upper(): b for b in BODIES}
    canonical.update({b.upper(): b for b in session.execute(
        select(distinct(Recommendation.body))).scalars()})
    if text.upper() in canonical:
        return canonical[text.upper()]
    code = body_code(text)
    return canonical.get(code.upper())


def _validate(session: Session, draft: CalendarDraft) -> tuple[str, dict[str, str]]:
    """Check the whole draft; return the canonical body and reference → id, or raise."""
    problems: list[tuple[str, str]] = []
    body = _known_body(session, draft.body)
    if body is None:
        problems.append(("body", f"Unknown body {draft.body.strip()!r}: use one of "
                                 f"{', '.join(BODIES)}." if draft.body.strip()
                         else "Choose the body the deadline belongs to."))
    if draft.kind not in set(CalendarKind):
        problems.append(("kind", f"Unknown kind {draft.kind!r}: use one of "
                                 f"{', '.join(CalendarKind)}."))
    elif body is not None:
        if draft.kind == CalendarKind.UPR_MID_TERM and body != "UPR":
            problems.append(("kind", f"A UPR mid-term report belongs to the UPR, not {body}."))
        if draft.kind == CalendarKind.LIST_OF_ISSUES and body == "UPR":
            problems.append(("kind", "The UPR has no list of issues; choose a treaty body."))
    if draft.due_on is None:
        problems.append(("due_on", "A due date is required."))
    elif not dt.date(1990, 1, 1) <= draft.due_on <= dt.date(2100, 12, 31):
        problems.append(("due_on", f"The due date {draft.due_on.isoformat()} is not a "
                                   "plausible reporting date."))
    if len(draft.title) > TITLE_MAX:
        problems.append(("title", f"The title is longer than {TITLE_MAX} characters."))
    if draft.cycle is not None and draft.cycle < 1:
        problems.append(("cycle", f"Cycle {draft.cycle} is not a cycle number."))
    refs = list(dict.fromkeys(r.strip() for r in draft.references if r.strip()))
    found: dict[str, tuple[str, str]] = {}
    if refs:
        found = {ref: (rid, b) for ref, rid, b in session.execute(
            select(Recommendation.reference, Recommendation.id, Recommendation.body)
            .where(Recommendation.reference.in_(refs)))}
        missing = [r for r in refs if r not in found]
        if missing:
            problems.append(("references", "No recommendation with the reference"
                             f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}."))
        if body is not None:
            other = [f"{r} ({found[r][1]})" for r in refs if r in found and found[r][1] != body]
            if other:
                problems.append(("references", f"Not {body} recommendations: "
                                               f"{', '.join(other)}."))
    if draft.covers_all and body is not None and not problems:
        n = session.execute(select(func.count()).select_from(Recommendation).where(
            *_scope_clauses(body, draft.cycle))).scalar_one()
        if not n:
            problems.append(("cycle", f"The record holds no {body} recommendations"
                                      + (f" of cycle {draft.cycle}." if draft.cycle else ".")))
    if problems:
        raise InvalidCalendarEntry(problems)
    assert body is not None
    return body, {ref: found[ref][0] for ref in refs}


def _scope_clauses(body: str, cycle: int | None) -> list:  # type: ignore[type-arg]
    r = Recommendation
    clauses = [r.body == body, r.withdrawn.is_(False)]
    if cycle is not None:
        clauses.append(r.cycle == cycle)
    return clauses


# -- reading -------------------------------------------------------------------------------


def _covered_ids(entry: CalendarEntry):  # type: ignore[no-untyped-def]
    """A SELECT of the ids of every recommendation the entry covers."""
    linked = select(CalendarCover.recommendation_id.label("id")).where(
        CalendarCover.entry_id == entry.id)
    if not entry.covers_all:
        return linked
    return union(linked, select(Recommendation.id.label("id")).where(
        *_scope_clauses(entry.body, entry.cycle)))


def _item(session: Session, entry: CalendarEntry) -> CalendarItem:
    refs = tuple(session.execute(
        select(Recommendation.reference).join(
            CalendarCover, CalendarCover.recommendation_id == Recommendation.id)
        .where(CalendarCover.entry_id == entry.id).order_by(Recommendation.num)).scalars())
    covered = session.execute(select(func.count()).select_from(
        _covered_ids(entry).subquery())).scalar_one()
    return CalendarItem(entry.id, entry.body, entry.kind, entry.due_on, entry.title,
                        entry.covers_all, entry.cycle, refs, int(covered), entry.version)


def list_entries(record: Record, *, within_months: int | None = None,
                 today: dt.date | None = None, body: str | None = None) -> list[CalendarItem]:
    """Entries by due date: all of them, or those due from today to `within_months` ahead."""
    stmt = select(CalendarEntry).order_by(CalendarEntry.due_on, CalendarEntry.body,
                                          CalendarEntry.id)
    if within_months is not None:
        start = today or dt.date.today()
        stmt = stmt.where(CalendarEntry.due_on >= start,
                          CalendarEntry.due_on <= months_after(start, within_months))
    if body:
        stmt = stmt.where(CalendarEntry.body == body)
    with record.reading() as session:
        return [_item(session, e) for e in session.execute(stmt).scalars()]


def get_entry(record: Record, entry_id: str) -> CalendarItem | None:
    with record.reading() as session:
        rows = _lookup(session, entry_id)
        return _item(session, rows[0]) if len(rows) == 1 else None


def due_counts(record: Record, today: dt.date | None = None,
               windows: Sequence[int] = WINDOWS) -> dict[int, int]:
    """How many entries fall due within each window of months from today."""
    start = today or dt.date.today()
    with record.reading() as session:
        return {months: int(session.execute(
            select(func.count()).select_from(CalendarEntry).where(
                CalendarEntry.due_on >= start,
                CalendarEntry.due_on <= months_after(start, months))).scalar_one())
                for months in windows}


def covered(record: Record, entry_id: str, limit: int | None = 500
            ) -> list[CoveredRecommendation]:
    """The recommendations an entry covers, in record order."""
    with record.reading() as session:
        entry = _find(session, entry_id)
        r = Recommendation
        stmt = (select(r.id, r.reference, r.body, r.cycle, r.status, r.text)
                .where(r.id.in_(_covered_ids(entry))).order_by(r.num))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [CoveredRecommendation(*row) for row in session.execute(stmt)]


def follow_up_dates(session: Session, rec_id: str, body: str,
                    cycle: int | None) -> tuple[dt.date, ...]:
    """The due dates of the follow-up entries covering one recommendation, by name or as
    one of all its body's (and cycle's) recommendations; earliest first."""
    e = CalendarEntry
    chosen = e.id.in_(select(CalendarCover.entry_id).where(
        CalendarCover.recommendation_id == rec_id))
    whole = e.covers_all.is_(True) & (e.body == body)
    whole = whole & (e.cycle.is_(None) | (e.cycle == cycle)) if cycle is not None \
        else whole & e.cycle.is_(None)
    return tuple(session.execute(
        select(distinct(e.due_on)).where(e.kind == str(CalendarKind.FOLLOW_UP),
                                         chosen | whole).order_by(e.due_on)).scalars())


def known_bodies(record: Record) -> list[str]:
    """The bodies an entry may name: the UN's, then any other the record holds."""
    with record.reading() as session:
        held = session.execute(select(distinct(Recommendation.body))).scalars().all()
    return list(dict.fromkeys([*BODIES, *sorted(held)]))


# -- writing -------------------------------------------------------------------------------


def _lookup(session: Session, entry_id: str) -> list[CalendarEntry]:
    """Entries whose id starts with `entry_id` (the CLI shows the first eight characters)."""
    if not entry_id:
        return []
    return list(session.execute(select(CalendarEntry).where(
        CalendarEntry.id.startswith(entry_id))).scalars())


def _find(session: Session, entry_id: str) -> CalendarEntry:
    rows = _lookup(session, entry_id)
    if len(rows) != 1:
        raise InvalidCalendarEntry([("id", f"No single calendar entry matches {entry_id!r}.")])
    return rows[0]


def _details(entry: CalendarEntry, refs: Sequence[str]) -> dict[str, Any]:
    return {"body": entry.body, "kind": entry.kind, "due_on": entry.due_on.isoformat(),
            "title": entry.title, "covers_all": entry.covers_all, "cycle": entry.cycle,
            "references": list(refs)}


def _set_covers(session: Session, entry_id: str, ids: Sequence[str]) -> None:
    session.execute(delete(CalendarCover).where(CalendarCover.entry_id == entry_id))
    session.add_all(CalendarCover(entry_id=entry_id, recommendation_id=i)
                    for i in dict.fromkeys(ids))


def add_entry(record: Record, draft: CalendarDraft) -> CalendarItem:
    """Validate and save one entry, audited; nothing is written when anything is wrong."""
    actor = record.actor()
    with record.unit_of_work() as session:
        body, ids = _validate(session, draft)
        entry = CalendarEntry(body=body, kind=str(draft.kind), due_on=draft.due_on,
                              title=draft.title.strip(), covers_all=draft.covers_all,
                              cycle=draft.cycle if draft.covers_all else None)
        session.add(entry)
        session.flush()
        _set_covers(session, entry.id, list(ids.values()))
        audit.append(session, "calendar.add", actor=actor, entity="calendar_entry",
                     entity_id=entry.id, details=_details(entry, list(ids)))
        session.flush()
        item = _item(session, entry)
    log.info("calendar entry %s added: %s %s due %s", item.id, item.body, item.kind,
             item.due_on)
    return item


def update_entry(record: Record, entry_id: str, draft: CalendarDraft,
                 version: int | None = None) -> CalendarItem:
    """Replace an entry's fields and coverage; refused if someone changed it meanwhile."""
    actor = record.actor()
    with record.unit_of_work() as session:
        entry = _find(session, entry_id)
        if version is not None and entry.version != version:
            raise InvalidCalendarEntry([("id", "Someone else changed this calendar entry "
                                               "meanwhile; reload it and try again.")])
        body, ids = _validate(session, draft)
        before = _details(entry, _item(session, entry).references)
        entry.body, entry.kind, entry.due_on = body, str(draft.kind), draft.due_on  # type: ignore[assignment]
        entry.title, entry.covers_all = draft.title.strip(), draft.covers_all
        entry.cycle = draft.cycle if draft.covers_all else None
        _set_covers(session, entry.id, list(ids.values()))
        session.flush()
        after = _details(entry, list(ids))
        audit.append(session, "calendar.update", actor=actor, entity="calendar_entry",
                     entity_id=entry.id, details={
                         k: {"from": before[k], "to": after[k]}
                         for k in after if before[k] != after[k]})
        item = _item(session, entry)
    return item


def delete_entry(record: Record, entry_id: str) -> CalendarItem:
    """Remove an entry (its coverage links go with it); audited with what it was."""
    actor = record.actor()
    with record.unit_of_work() as session:
        entry = _find(session, entry_id)
        item = _item(session, entry)
        session.execute(delete(CalendarCover).where(CalendarCover.entry_id == entry.id))
        session.delete(entry)
        audit.append(session, "calendar.delete", actor=actor, entity="calendar_entry",
                     entity_id=item.id, details=_details(entry, item.references))
    return item


def all_of(record: Record, body: str, cycle: int | None) -> list[str]:
    """The references of every recommendation of a body (and cycle): to preview a scope."""
    with record.reading() as session:
        return list(session.execute(select(Recommendation.reference).where(
            *_scope_clauses(body, cycle)).order_by(Recommendation.num)).scalars())


def ensure_entry(session: Session, actor: str, *, body: str, kind: CalendarKind,
                 due_on: dt.date, title: str, ids: Sequence[str]) -> str | None:
    """Inside the caller's transaction: the entry (body, kind, due date, title), made if
    missing, covering `ids` too. Returns "added", "extended" or None (nothing to do).

    For writers of deadlines read from a document (an imported concluding observations):
    a second import of the same document finds the entry and changes nothing.
    """
    entry = session.execute(select(CalendarEntry).where(
        CalendarEntry.body == body, CalendarEntry.kind == str(kind),
        CalendarEntry.due_on == due_on, CalendarEntry.title == title[:TITLE_MAX])
    ).scalars().first()
    outcome = None
    if entry is None:
        entry = CalendarEntry(body=body, kind=str(kind), due_on=due_on,
                              title=title[:TITLE_MAX], covers_all=False)
        session.add(entry)
        session.flush()
        outcome = "added"
    held = set(session.execute(select(CalendarCover.recommendation_id).where(
        CalendarCover.entry_id == entry.id)).scalars())
    new = [i for i in dict.fromkeys(ids) if i not in held]
    if new:
        session.add_all(CalendarCover(entry_id=entry.id, recommendation_id=i) for i in new)
        outcome = outcome or "extended"
    if outcome:
        session.flush()
        refs = _item(session, entry).references
        audit.append(session, f"calendar.{'add' if outcome == 'added' else 'update'}",
                     actor=actor, entity="calendar_entry", entity_id=entry.id,
                     details=_details(entry, refs))
    return outcome
