"""One recommendation's part of a draft: the State's information (its actions and latest
progress, with dates and sources), or an honest gap; and its row of a mid-term table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nmrf_desktop.reports.draft_model import Block, Gap, Paragraph, Run, Source
from nmrf_desktop.reports.pdf_styles import human, long_date
from nmrf_desktop.services.drafting.gather import ActionFact, AgencyName, Item, UpdateFact
from nmrf_desktop.services.drafting.words import (
    action_words,
    agency_list,
    agency_runs,
    evidence_sources,
    gap_text,
    latest_per_agency,
    rec_source,
)

CLOSED = ("completed", "cancelled")


@dataclass(frozen=True, slots=True)
class Context:
    """What every part of one draft shares."""

    agencies: dict[str, AgencyName]
    since: dt.date | None


def recent_updates(item: Item, since: dt.date | None) -> list[UpdateFact]:
    """The latest update of each agency (since `since`, when given), oldest first."""
    return latest_per_agency(u for u in item.updates if since is None or u.as_of >= since)


def recent_actions(item: Item, since: dt.date | None) -> list[ActionFact]:
    """The actions (when `since` is given: those still open, or started or completed since)."""
    if since is None:
        return list(item.actions)
    return [a for a in item.actions
            if (a.completed is None and a.status not in CLOSED)
            or (a.completed and a.completed >= since) or (a.start and a.start >= since)]


def has_progress(item: Item, since: dt.date | None) -> bool:
    return bool(recent_updates(item, since))


def information(item: Item, ctx: Context, name_it: bool = False) -> list[Block]:
    """Numbered paragraphs: the implementing actions, then each agency's latest progress
    narrative with its date; a Gap when no progress is recorded (since `ctx.since`).

    `name_it`: the first paragraph opens with the recommendation's reference (where the
    surrounding text does not already name it)."""
    rec = rec_source(item)
    evidence = evidence_sources(item.evidence)
    out: list[Block] = []
    lead_in = [Run(f"{item.row.reference}: ", bold=True)] if name_it else []
    actions = recent_actions(item, ctx.since)
    if actions:
        runs = [*lead_in, Run("Implementing actions: ")]
        for i, a in enumerate(actions):
            if i:
                runs.append(Run("; "))
            runs.append(Run(action_words(a.title, a.status, a.start, a.target, a.completed)
                            + ", by "))
            runs += agency_runs(a.agency, ctx.agencies)
        runs.append(Run("."))
        out.append(Paragraph(tuple(runs), numbered=True, sources=(rec, *evidence)))
        lead_in, evidence = [], []
    for u in recent_updates(item, ctx.since):
        runs = [*lead_in, Run(f"As of {long_date(u.as_of)}, "),
                *agency_runs(u.agency, ctx.agencies),
                Run(f" reported the status as {human(u.status).lower()}: "),
                Run(u.narrative.strip())]
        name = ctx.agencies[u.agency].en if u.agency in ctx.agencies else u.agency
        out.append(Paragraph(tuple(runs), numbered=True, sources=(
            rec, Source("update", name, u.as_of.isoformat()), *evidence)))
        lead_in, evidence = [], []
    if evidence:  # evidence on the recommendation itself, with no action or update to cite it
        titles = "; ".join(s.label for s in evidence)
        out.append(Paragraph((*lead_in, Run(f"Evidence on record: {titles}.")), numbered=True,
                             sources=(rec, *evidence)))
    if not has_progress(item, ctx.since):
        text = gap_text(item, ctx.since, ctx.agencies)
        out.append(Gap(f"{item.row.reference}: {text}" if name_it else text,
                       item.row.reference))
    return out


def quoted(item: Item) -> Paragraph:
    """The recommendation's own words, as the body wrote them."""
    return Paragraph((Run(item.row.text.strip(), italic=True),), style="Quote",
                     sources=(rec_source(item),))


def table_row(item: Item, ctx: Context) -> tuple[str, ...]:
    """Recommendation (text, reference, recommending states), position, implementing
    actions, status, responsible agencies (lead first)."""
    row = item.row
    by = f"; recommended by {', '.join(row.recommending_states)}" \
        if row.recommending_states else ""
    actions = "; ".join(action_words(a.title, a.status, a.start, a.target, a.completed)
                        for a in recent_actions(item, ctx.since)) or "None recorded"
    latest = item.updates[-1] if item.updates else None
    status = (f"{human(latest.status)} ({long_date(latest.as_of)})" if latest
              else "No progress recorded")
    return (f"{row.text.strip()} ({row.reference}{by})", human(row.position, "—"), actions,
            status, agency_list(item, ctx.agencies))
