"""The overview page's figures: counts by status, body and cycle, and items gone stale."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import STALE_MONTHS
from nmrf_desktop.store import search
from nmrf_desktop.store.models import Recommendation

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


def overview(record: Record, agency: str | None = None, months: int | None = None,
             today: dt.date | None = None) -> Overview:
    """Counts for the recommendations assigned to `agency` (None: every recommendation)."""
    months = STALE_MONTHS.default if months is None else months
    cutoff = months_before(today or dt.date.today(), months)
    r = Recommendation
    where = search.filter_clauses(Filters(agency=agency))
    is_stale = or_(r.last_update_on.is_(None), r.last_update_on < cutoff)
    by_status: Counter[str | None] = Counter()
    by_body: Counter[str] = Counter()
    by_cycle: Counter[int | None] = Counter()
    total = stale_count = 0
    with record.reading() as session:
        # One pass over the matching rows, grouped finely; the three counts are sums of it.
        stale_flag = case((is_stale, 1), else_=0)
        for status, body, cycle, stale, n in session.execute(
                select(r.status, r.body, r.cycle, stale_flag, func.count())
                .where(*where).group_by(r.status, r.body, r.cycle, stale_flag)):
            by_status[status] += n
            by_body[body] += n
            by_cycle[cycle] += n
            total += n
            stale_count += n if stale else 0
        stale = tuple(StaleItem(*row) for row in session.execute(
            select(r.id, r.reference, r.body, r.status, r.last_update_on)
            .where(*where, is_stale)
            .order_by(r.last_update_on.asc().nulls_first(), r.num).limit(STALE_LIST_LIMIT)))
    return Overview(agency=agency, total=total, by_status=_sorted(by_status),
                    by_body=_sorted(by_body), by_cycle=_sorted(by_cycle),
                    stale_before=cutoff, stale_count=stale_count, stale=stale)


def _sorted(counts: Counter) -> tuple:  # type: ignore[type-arg]
    """(key, count) pairs by key, None last."""
    return tuple(sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0
                                                        if isinstance(kv[0], int) else
                                                        kv[0] or "")))
