"""Filter choices: the distinct values present in the record, for the filter panel."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.text import natural
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import Agency, Recommendation, RecommendationState, State, Term


@dataclass(frozen=True, slots=True)
class AgencyChoice:
    """An agency as pickers show it: code, English name and te reo Māori name."""

    code: str
    name_en: str
    name_mi: str

    def display(self) -> str:
        if self.name_mi and self.name_mi != self.name_en:
            return f"{self.name_en} — {self.name_mi} ({self.code})"
        return f"{self.name_en} ({self.code})"


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """Every value each filter can take in this record, in display order."""

    mechanisms: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    cycles: tuple[tuple[int, int | None], ...] = ()  # (cycle, first year)
    positions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    agencies: tuple[AgencyChoice, ...] = ()
    # Whether any recommendation is flagged for follow-up / of particular importance.
    follow_up: bool = False
    important: bool = False


def agency_choices(record: Record) -> list[AgencyChoice]:
    """Active agencies by English name."""
    with record.reading() as session:
        rows = session.execute(
            select(Agency.code, Agency.name_en, Agency.name_mi)
            .where(Agency.active.is_(True)).order_by(Agency.name_en)).all()
    return [AgencyChoice(code, en, mi or "") for code, en, mi in rows]


def _any(session: Session, flag) -> bool:  # type: ignore[no-untyped-def]
    return session.execute(select(Recommendation.id).where(flag.is_(True)).limit(1)
                           ).first() is not None


def choices(record: Record) -> FilterChoices:
    """The distinct values of every filterable field (a handful of small indexed queries)."""
    r = Recommendation
    with record.reading() as session:
        def values(column) -> tuple:  # type: ignore[no-untyped-def, type-arg]
            return tuple(v for v in session.execute(
                select(distinct(column)).where(column.is_not(None)).order_by(column)).scalars()
                if v != "")

        cycles: dict[int, int | None] = {}
        for cycle, year in session.execute(
                select(r.cycle, r.year).where(r.cycle.is_not(None)).distinct()
                .order_by(r.cycle, r.year)):
            cycles.setdefault(cycle, year)
        terms: dict[str, list[str]] = {"theme": [], "group": [], "sdg": []}
        for kind, label in session.execute(
                select(Term.kind, Term.label).order_by(Term.kind, Term.label)):
            terms.setdefault(kind, []).append(label)
        terms["sdg"].sort(key=natural)  # SDG 2 before SDG 10
        states = tuple(session.execute(
            select(State.name).where(State.id.in_(select(RecommendationState.state_id)))
            .order_by(State.name)).scalars())
        found = FilterChoices(
            mechanisms=values(r.mechanism), bodies=values(r.body),
            cycles=tuple(cycles.items()), positions=values(r.position),
            statuses=values(r.status), themes=tuple(terms["theme"]),
            groups=tuple(terms["group"]), sdgs=tuple(terms["sdg"]), states=states,
            follow_up=_any(session, r.follow_up), important=_any(session, r.important))
    return replace(found, agencies=tuple(agency_choices(record)))
