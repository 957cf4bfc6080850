"""Which state's recommendations an output is about, when a record holds several states'."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.domain.text import and_list
from nmrf_desktop.store.models import Recommendation


def state_counts(session: Session) -> list[tuple[str, int]]:
    """Each state under review the record holds, with how many recommendations: most first."""
    rows = session.execute(select(Recommendation.country, func.count())
                           .group_by(Recommendation.country)).tuples().all()
    return sorted(((str(c), int(n)) for c, n in rows), key=lambda x: (-x[1], x[0]))


def scoped(session: Session, filters: Filters) -> tuple[Filters, list[tuple[str, int]]]:
    """`filters` as given when they name a state or the record holds one state; else the
    same filters narrowed to the state with the most recommendations (the record's own: a
    New Zealand record that also imported another state's matrix publishes and drafts New
    Zealand's). Also returns the states left out, with their counts."""
    if filters.country:
        return filters, []
    states = state_counts(session)
    if len(states) < 2:
        return filters, []
    return dataclasses.replace(filters, country=states[0][0]), states[1:]


def left_out_line(others: list[tuple[str, int]]) -> str:
    """'The record also holds 215 recommendations to Slovenia, left out.' ('' for none)."""
    if not others:
        return ""
    parts = [f"{n:,} recommendation{'s' if n != 1 else ''} to {c}" for c, n in others]
    return f"The record also holds {and_list(parts)}, left out."
