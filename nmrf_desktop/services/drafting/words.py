"""The words a draft is written in: titles, body names, dates, agency names (te reo Māori
marked as such), the sources of a paragraph and the text of a gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from nmrf_desktop.domain.text import and_list
from nmrf_desktop.reports.draft_model import MI, DraftKind, Run, Source
from nmrf_desktop.reports.pdf_styles import human, long_date
from nmrf_desktop.services.drafting.gather import AgencyName, EvidenceFact, Item, UpdateFact

BODY_NAMES: dict[str, str] = {
    "UPR": "the Universal Periodic Review",
    "CCPR": "the Human Rights Committee",
    "CESCR": "the Committee on Economic, Social and Cultural Rights",
    "CERD": "the Committee on the Elimination of Racial Discrimination",
    "CEDAW": "the Committee on the Elimination of Discrimination against Women",
    "CAT": "the Committee against Torture",
    "SPT": "the Subcommittee on Prevention of Torture",
    "CRC": "the Committee on the Rights of the Child",
    "CRPD": "the Committee on the Rights of Persons with Disabilities",
    "CED": "the Committee on Enforced Disappearances",
    "CMW": "the Committee on Migrant Workers",
    "SP": "the special procedures",
}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def body_name(code: str) -> str:
    return BODY_NAMES.get(code, code)


def cycle_words(cycles: Iterable[int]) -> str:
    """'(third cycle)', '(first and second cycles)', '' for none."""
    found = sorted(set(cycles))
    words = [ORDINALS[c - 1] if 0 < c <= len(ORDINALS) else f"cycle {c}" for c in found]
    if not words:
        return ""
    if len(words) == 1:
        return f" ({words[0]} cycle)"
    return f" ({', '.join(words[:-1])} and {words[-1]} cycles)"


def title_of(kind: DraftKind, body: str, cycles: Iterable[int], country: str) -> str:
    upr = f"Mid-term report on the recommendations of the Universal Periodic Review" \
          f"{cycle_words(cycles)}"
    if kind is DraftKind.UPR_MID_TERM:
        return upr
    if kind is DraftKind.CONSULTATION:
        if body and body != "UPR":
            return (f"Consultation draft: implementation of the recommendations of "
                    f"{body_name(body)}")
        return f"Consultation draft: {upr[0].lower()}{upr[1:]}"
    if kind is DraftKind.FOLLOW_UP:
        of = f" of {body_name(body)}" if body else ""
        return (f"Information received from {country or 'the State party'} on follow-up to "
                f"the concluding observations{of}")
    return (f"Periodic report of {country or 'the State party'} to {body_name(body)}: "
            "implementation of the concluding observations")


def subject_of(kind: DraftKind, body: str, country: str) -> str:
    who = country or "the State"
    if kind is DraftKind.FOLLOW_UP:
        return f"{who}: follow-up to the concluding observations of {body_name(body)}"
    if kind is DraftKind.PERIODIC:
        return f"{who}: implementation of the recommendations of {body_name(body)}"
    return f"{who}: progress on the recommendations of {body_name(body or 'UPR')}"


def day(value: dt.date | None) -> str:
    return long_date(value) if value else ""


def received_words(item: Item, since: dt.date | None) -> str:
    """When the draft counts from for a recommendation: the later of `since` and when it
    was received (the document's date, else its year); '' when the record knows neither."""
    got, year = item.received, item.row.year
    if since and ((got and since >= got) or (not got and (not year or since.year >= year))):
        return long_date(since)
    if got:
        return long_date(got)
    return str(year) if year else ""


def gap_text(item: Item, since: dt.date | None, agencies: dict[str, AgencyName]) -> str:
    when = received_words(item, since)
    leads = [agencies[c].en if c in agencies else c for c, role in item.agencies
             if role == "lead"]
    who = (f"lead agenc{'ies' if len(leads) > 1 else 'y'}: {and_list(leads)}" if leads
           else "no lead agency assigned")
    return f"[No progress recorded{f' since {when}' if when else ''}; {who}]"


def agency_runs(code: str, agencies: dict[str, AgencyName]) -> list[Run]:
    """'Ministry of Justice (Te Tāhū o te Ture)': the Māori name marked as te reo."""
    name = agencies.get(code)
    if name is None:
        return [Run(code)]
    if name.mi and name.mi != name.en:
        return [Run(f"{name.en} ("), Run(name.mi, lang=MI), Run(")")]
    return [Run(name.en)]


def agency_list(item: Item, agencies: dict[str, AgencyName]) -> str:
    """The responsible agencies, lead first: 'Ministry of Justice (lead); …'."""
    parts = []
    for code, role in item.agencies:
        name = agencies[code].en if code in agencies else code
        parts.append(f"{name} (lead)" if role == "lead" else name)
    return "; ".join(parts) or "None assigned"


def latest_per_agency(updates: Iterable[UpdateFact]) -> list[UpdateFact]:
    """Each agency's latest update (oldest first)."""
    latest: dict[str, UpdateFact] = {}
    for u in updates:  # oldest first: the last one kept is the latest
        latest[u.agency] = u
    return sorted(latest.values(), key=lambda u: (u.as_of, u.agency))


def action_words(title: str, status: str, start: dt.date | None, target: dt.date | None,
                 completed: dt.date | None) -> str:
    dates = []
    if start:
        dates.append(f"started {long_date(start)}")
    if completed:
        dates.append(f"completed {long_date(completed)}")
    elif target:
        dates.append(f"due {long_date(target)}")
    return f"{title} ({human(status).lower()}{'; ' + ', '.join(dates) if dates else ''})"


def rec_source(item: Item) -> Source:
    """The recommendation by reference; its document symbol and paragraph, else its review
    ('UPR session 18, 2014')."""
    row = item.row
    if row.document_symbol and row.paragraph and row.document_symbol in row.reference \
            and row.reference.endswith(row.paragraph):
        return Source("recommendation", row.reference)  # the reference says it all
    parts = [row.document_symbol, f"para. {row.paragraph}" if row.paragraph else ""]
    if not row.document_symbol:
        review = f"{row.body} session {row.session}" if row.session else row.body
        parts = [review, str(row.year or ""), *parts[1:]]
    return Source("recommendation", row.reference, ", ".join(p for p in parts if p))


def evidence_sources(found: Iterable[EvidenceFact]) -> list[Source]:
    return [Source("evidence", e.title, e.detail) for e in found]
