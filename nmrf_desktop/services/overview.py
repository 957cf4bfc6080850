"""The overview page's figures: counts by status, body and cycle, and items gone stale.

For one agency, status and staleness are that agency's own: its latest progress update on
each recommendation assigned to it (`agency_latest`), not the recommendation's latest from
whichever agency wrote last. An agency that never reported on one shows "no update".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Subquery, case, func, or_, select

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import STALE_MONTHS
from nmrf_desktop.store import search
from nmrf_desktop.store.models import ProgressUpdate, Recommendation

STALE_LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class StaleItem:
    id: str
    reference: str
    body: str
    status: str | None
    last_update_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Overview:
    """What the overview shows for one agency (or all): counts and the stale list."""

    agency: str | None
    total: int
    by_status: tuple[tuple[str | None, int], ...]
    by_body: tuple[tuple[str, int], ...]
    by_cycle: tuple[tuple[int | None, int], ...]
    stale_before: dt.date
    stale_count: int
    stale: tuple[StaleItem, ...]


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def agency_latest(agency: str | None = None) -> Subquery:
    """Each agency's latest progress update on each recommendation (only `agency`'s when
    given): recommendation_id, agency_code, status, as_of. Latest as in
    store/progress.refresh_status: by as-of date, then by when it was entered."""
    pu = ProgressUpdate
    ranked = select(pu.recommendation_id, pu.agency_code, pu.status, pu.as_of,
                    func.row_number().over(
                        partition_by=(pu.recommendation_id, pu.agency_code),
                        order_by=(pu.as_of.desc(), pu.created_at.desc(), pu.id.desc()),
                    ).label("rank"))
    if agency:
        ranked = ranked.where(pu.agency_code == agency)
    inner = ranked.subquery("ranked_updates")
    return select(inner.c.recommendation_id, inner.c.agency_code, inner.c.status,
                  inner.c.as_of).where(inner.c.rank == 1).subquery("agency_latest")


def overview(record: Record, agency: str | None = None, months: int | None = None,
             today: dt.date | None = None) -> Overview:
    """Counts for the recommendations assigned to `agency` (None: every recommendation);
    for an agency, status and last update are its own (see the module's docstring)."""
    months = STALE_MONTHS.default if months is None else months
    cutoff = months_before(today or dt.date.today(), months)
    r = Recommendation
    where = search.filter_clauses(Filters(agency=agency))
    own = agency_latest(agency) if agency else None
    status, last = (own.c.status, own.c.as_of) if own is not None else (r.status,
                                                                       r.last_update_on)
    is_stale = or_(last.is_(None), last < cutoff)
    by_status: Counter[str | None] = Counter()
    by_body: Counter[str] = Counter()
    by_cycle: Counter[int | None] = Counter()
    total = stale_count = 0
    with record.reading() as session:
        # One pass over the matching rows, grouped finely; the three counts are sums of it.
        stale_flag = case((is_stale, 1), else_=0)
        counts = select(status, r.body, r.cycle, stale_flag, func.count()).select_from(r)
        items = select(r.id, r.reference, r.body, status, last).select_from(r)
        if own is not None:
            counts = counts.outerjoin(own, own.c.recommendation_id == r.id)
            items = items.outerjoin(own, own.c.recommendation_id == r.id)
        for state, body, cycle, stale, n in session.execute(
                counts.where(*where).group_by(status, r.body, r.cycle, stale_flag)):
            by_status[state] += n
            by_body[body] += n
            by_cycle[cycle] += n
            total += n
            stale_count += n if stale else 0
        stale = tuple(StaleItem(*row) for row in session.execute(
            items.where(*where, is_stale)
            .order_by(last.asc().nulls_first(), r.num).limit(STALE_LIST_LIMIT)))
    return Overview(agency=agency, total=total, by_status=_sorted(by_status),
                    by_body=_sorted(by_body), by_cycle=_sorted(by_cycle),
                    stale_before=cutoff, stale_count=stale_count, stale=stale)


def _sorted(counts: Counter) -> tuple:  # type: ignore[type-arg]
    """(key, count) pairs by key, None last."""
    return tuple(sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0
                                                        if isinstance(kv[0], int) else
                                                        kv[0] or "")))
