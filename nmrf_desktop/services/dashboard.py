"""The coordinator's dashboard: status by agency and body, stale items, inbox and conflicts.

By agency, status and staleness come from that agency's own progress updates (its latest on
each recommendation assigned to it): an agency that never reported shows "no update", not
what another agency wrote. By body (and for recommendations assigned to nobody) they are
the recommendation's own: its latest update, whoever wrote it.

Rejected bundles are those still needing action: rejected files that no later merge
settled (services/exchange/rejections), each file once; the settled ones are counted apart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.services.calendar import WINDOWS, months_after
from nmrf_desktop.services.exchange.rejections import rejected_counts
from nmrf_desktop.services.overview import agency_latest, months_before
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import STALE_MONTHS
from nmrf_desktop.store.calendar_models import CalendarEntry
from nmrf_desktop.store.models import Agency, Assignment, Conflict, InboxEntry, Recommendation

HELD = "held"
UNASSIGNED = ""  # the agency "code" of recommendations assigned to nobody
NEXT_DEADLINES = 5


@dataclass(frozen=True, slots=True)
class StatusRow:
    """Counts for one agency or one body: by latest status, and how many went stale."""

    key: str
    name: str
    total: int
    by_status: dict[str | None, int] = field(default_factory=dict)
    stale: int = 0

    def count(self, status: str | None) -> int:
        return self.by_status.get(status, 0)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "total": self.total, "stale": self.stale,
                "by_status": {s or "none": n for s, n in self.by_status.items()}}


@dataclass(frozen=True, slots=True)
class Deadline:
    id: str
    body: str
    kind: str
    due_on: dt.date
    title: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the coordinator's dashboard shows, read in one go."""

    today: dt.date
    months: int
    stale_before: dt.date
    total: int
    stale: int
    statuses: tuple[str | None, ...]  # the columns: every status present, None last
    by_agency: tuple[StatusRow, ...]  # assigned recommendations; UNASSIGNED last
    by_body: tuple[StatusRow, ...]
    held: int
    rejected: int  # rejected bundle files no later merge settled
    open_conflicts: int
    hard_conflicts: int
    due: dict[int, int]  # calendar entries due within 3/6/12 months
    next_deadlines: tuple[Deadline, ...]
    rejected_settled: int = 0  # rejected bundle files a later merge settled

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(), "months": self.months,
            "stale_before": self.stale_before.isoformat(), "total": self.total,
            "stale": self.stale, "statuses": [s or "none" for s in self.statuses],
            "by_agency": [r.as_json() for r in self.by_agency],
            "by_body": [r.as_json() for r in self.by_body],
            "bundles": {"held": self.held, "rejected": self.rejected,
                        "rejected_then_merged": self.rejected_settled},
            "conflicts": {"open": self.open_conflicts, "hard": self.hard_conflicts},
            "due": {str(k): v for k, v in self.due.items()},
            "next_deadlines": [{"id": d.id, "body": d.body, "kind": d.kind,
                                "due_on": d.due_on.isoformat(), "title": d.title}
                               for d in self.next_deadlines],
        }


def dashboard(record: Record, months: int | None = None,
              today: dt.date | None = None) -> Dashboard:
    """Counts across every agency; `months` without an update makes a recommendation stale.

    A recommendation assigned to two agencies counts under both, each with its own status
    and last update (its latest progress update on it; none: "no update"). By body, status
    and last update are the recommendation's (its latest update, whoever wrote it), as on
    the overview page for all agencies. Withdrawn recommendations are left out.
    """
    months = STALE_MONTHS.default if months is None else months
    today = today or dt.date.today()
    cutoff = months_before(today, months)
    r = Recommendation
    live = r.withdrawn.is_(False)
    stale_flag = case((or_(r.last_update_on.is_(None), r.last_update_on < cutoff), 1), else_=0)
    with record.reading() as session:
        names: dict[str, str] = {code: name for code, name in session.execute(
            select(Agency.code, Agency.name_en))}
        bodies: dict[str, Counter[str | None]] = defaultdict(Counter)
        body_stale: Counter[str] = Counter()
        for body, status, stale, n in session.execute(
                select(r.body, r.status, stale_flag, func.count()).where(live)
                .group_by(r.body, r.status, stale_flag)):
            bodies[body][status] += n
            body_stale[body] += n if stale else 0
        agencies: dict[str, Counter[str | None]] = defaultdict(Counter)
        agency_stale: Counter[str] = Counter()
        own = agency_latest()
        own_stale = case((or_(own.c.as_of.is_(None), own.c.as_of < cutoff), 1), else_=0)
        for code, status, stale, n in session.execute(
                select(Assignment.agency_code, own.c.status, own_stale, func.count())
                .join(r, r.id == Assignment.recommendation_id)
                .outerjoin(own, and_(own.c.recommendation_id == Assignment.recommendation_id,
                                     own.c.agency_code == Assignment.agency_code))
                .where(live, Assignment.active.is_(True))
                .group_by(Assignment.agency_code, own.c.status, own_stale)):
            agencies[code][status] += n
            agency_stale[code] += n if stale else 0
        assigned = select(Assignment.recommendation_id).where(Assignment.active.is_(True))
        for status, stale, n in session.execute(
                select(r.status, stale_flag, func.count()).where(live, r.id.not_in(assigned))
                .group_by(r.status, stale_flag)):
            agencies[UNASSIGNED][status] += n
            agency_stale[UNASSIGNED] += n if stale else 0
        held = int(session.execute(select(func.count()).select_from(InboxEntry).where(
            InboxEntry.status == HELD)).scalar_one())
        rejected = rejected_counts(session)
        conflicts: dict[str, int] = {kind: n for kind, n in session.execute(
            select(Conflict.kind, func.count()).where(Conflict.status == "open")
            .group_by(Conflict.kind))}
        due = {m: int(session.execute(select(func.count()).select_from(CalendarEntry).where(
            CalendarEntry.due_on >= today, CalendarEntry.due_on <= months_after(today, m)))
            .scalar_one()) for m in WINDOWS}
        deadlines = tuple(Deadline(e.id, e.body, e.kind, e.due_on, e.title)
                          for e in session.execute(
                              select(CalendarEntry).where(CalendarEntry.due_on >= today)
                              .order_by(CalendarEntry.due_on, CalendarEntry.body)
                              .limit(NEXT_DEADLINES)).scalars())
    statuses = {s for counts in (*bodies.values(), *agencies.values()) for s in counts}
    by_body = tuple(_row(b, b, bodies[b], body_stale[b]) for b in sorted(bodies))
    by_agency = tuple(_row(code, names.get(code, code) if code else "", agencies[code],
                           agency_stale[code])
                      for code in sorted(agencies, key=lambda c: (c == UNASSIGNED, c)))
    return Dashboard(
        today=today, months=months, stale_before=cutoff,
        total=sum(row.total for row in by_body), stale=sum(body_stale.values()),
        statuses=tuple(sorted(statuses, key=_status_order)),
        by_agency=by_agency, by_body=by_body,
        held=held, rejected=rejected.outstanding, rejected_settled=rejected.settled,
        open_conflicts=int(sum(conflicts.values())),
        hard_conflicts=int(conflicts.get("hard", 0)), due=due, next_deadlines=deadlines)


_ORDER = {s.value: i for i, s in enumerate(ImplementationStatus)}


def _status_order(status: str | None) -> tuple[bool, int, str]:
    """Statuses in the order of the workflow, unknown ones after, "no update yet" last."""
    return status is None, _ORDER.get(status or "", len(_ORDER)), status or ""


def _row(key: str, name: str, counts: Counter[str | None], stale: int) -> StatusRow:
    return StatusRow(key, name, sum(counts.values()), dict(counts), stale)
