"""What applying a document would do: each recommendation new, filling in a held one, or
unchanged; worked out against the record inside the caller's session."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from nmrf_desktop.domain.enums import Mechanism, Position, Source
from nmrf_desktop.domain.records import RecommendationIn, StateRef
from nmrf_desktop.domain.text import identity_text, squash
from nmrf_desktop.domain.upr import body_code, cycle_of_session, mechanism_of_body, year_of_session
from nmrf_desktop.importers.documents.model import (
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.services.documents import filling, matching
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.state_scope import state_counts
from nmrf_desktop.store.models import Recommendation


class DocumentRefused(ValueError):
    """The document cannot be applied as read (no State named, …); the message names the
    file and says why, fit to show a person."""


class Outcome(StrEnum):
    NEW = "new"  # a recommendation the record does not hold
    FILLS = "fills"  # fills in what a held recommendation lacks
    UNCHANGED = "unchanged"  # the record already holds all of it
    NOT_FOUND = "not-found"  # position only (an addendum) for a recommendation not held


@dataclass(frozen=True, slots=True)
class Planned:
    """What apply does with one recommendation read."""

    outcome: Outcome
    references: tuple[str, ...] = ()  # the held recommendations it is (FILLS, UNCHANGED)
    fills: tuple[str, ...] = ()  # what it fills in on them: "position", "themes", …

    def describe(self) -> str:
        """In English, for the command line."""
        refs = ", ".join(self.references)
        if self.outcome is Outcome.NEW:
            return "new"
        if self.outcome is Outcome.FILLS:
            return f"fills in {', '.join(self.fills)} on {refs}"
        if self.outcome is Outcome.UNCHANGED:
            return f"unchanged ({refs})"
        return "not in the record: nothing to fill in"

    def as_json(self) -> dict[str, Any]:
        return {"action": self.outcome.value, "references": list(self.references),
                "fills": list(self.fills)}


@dataclass(slots=True)
class DocumentPlan:
    """A document as read, and what apply would do with each of its recommendations."""

    preview: DocumentPreview
    planned: list[Planned] = field(default_factory=list)

    @classmethod
    def all_new(cls, preview: DocumentPreview) -> DocumentPlan:
        """Planned without a record: whatever has text is new."""
        return cls(preview, [Planned(Outcome.NEW if r.text.strip() else Outcome.NOT_FOUND)
                             for r in preview.recommendations])

    def counts(self) -> dict[str, int]:
        out = {o.value: 0 for o in Outcome}
        for p in self.planned:
            out[p.outcome.value] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        """The preview's JSON, with what apply would do ("apply", one per recommendation)."""
        return self.preview.as_json() | {
            "apply": [p.as_json() | {"paragraph": r.paragraph} for p, r in
                      zip(self.planned, self.preview.recommendations, strict=True)]}


@dataclass(slots=True)
class Reading:
    """One recommendation read, as the record would hold it."""

    index: int
    read: DocumentRecommendation
    rec: RecommendationIn
    follow_up: bool
    important: bool


def _marked(paragraph: str, marked: Collection[str]) -> bool:
    """'26(a)' is marked when paragraph 26 (or 26(a) itself) is."""
    key = matching.paragraph_key(paragraph)
    return any(key == (m := matching.paragraph_key(p)) or key.startswith(f"{m}(")
               for p in marked)


def _source_id(country: str, review: str, paragraph: str, text: str) -> str:
    if paragraph:
        key = f"{country}:{review}:{matching.paragraph_key(paragraph)}"
        if len(key) <= 80:
            return key
    digest = hashlib.sha256(f"{country}\x1f{review}\x1f{paragraph}\x1f{identity_text(text)}"
                            .encode()).hexdigest()[:40]
    return f"{country}:{digest}"


def readings(preview: DocumentPreview, *, excluded: Collection[int] = (),
             edits: Mapping[int, DocumentRecommendation] | None = None) -> list[Reading]:
    """The recommendations to apply (edited, the excluded left out), as records."""
    info = preview.document
    name = Path(preview.file).name
    country = squash(info.country)
    if not country:
        raise DocumentRefused(f"{name}: the document does not name the State it is about; "
                              "nothing was imported")
    body = body_code(info.body) if info.body.strip() else (
        "UPR" if info.kind is not DocumentKind.CONCLUDING_OBSERVATIONS else "")
    if not body:
        raise DocumentRefused(f"{name}: the document does not say which treaty body issued "
                              "it; give the body (CERD, CRC, …); nothing was imported")
    mechanism = mechanism_of_body(body)
    session_no = info.upr_session if mechanism is Mechanism.UPR else None
    cycle = info.cycle or (cycle_of_session(session_no) if session_no else None)
    year = (info.date.year if info.date else None) or (
        year_of_session(session_no) if session_no else None)
    symbol = matching.symbol_base(info.symbol) if info.symbol.strip() else ""
    code = matching.country_key(country)
    review = matching.review_of(body, session_no, symbol)
    edits = edits or {}
    out: list[Reading] = []
    for i, read in enumerate(preview.recommendations):
        if i in excluded:
            continue
        read = edits.get(i, read)
        text = squash(read.text)
        paragraph = squash(read.paragraph)
        position = read.position if read.position is not None else (
            None if mechanism is Mechanism.UPR else Position.NOT_APPLICABLE)
        rec = RecommendationIn(
            source=Source.DOCUMENT, source_id=_source_id(code, review, paragraph, text),
            text=text, country=country, mechanism=mechanism, body=body,
            states=tuple(StateRef(squash(s)) for s in read.recommending_states if s.strip()),
            position=position, upr_session=session_no, cycle=cycle, year=year,
            published_on=info.date, document_symbol=symbol, paragraph=paragraph,
            themes=_clean(read.themes + ((read.section,) if read.section.strip() else ())),
            groups=_clean(read.affected_groups), sdgs=_clean(read.sdgs),
            reference=f"{symbol} para {paragraph}" if symbol and paragraph else "",
            origin=(name, i + 1))
        out.append(Reading(i, read, rec,
                           read.follow_up or _marked(paragraph, preview.follow_up_paragraphs),
                           read.important or _marked(paragraph, preview.important_paragraphs)))
    return out


def _clean(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in (squash(x) for x in values) if v))


def candidates(session: Session, items: list[Reading]) -> matching.Candidates:
    recs = [r.rec for r in items]
    return matching.load(session, {r.body for r in recs},
                         {matching.country_key(r.country) for r in recs})


def match(found: matching.Candidates, item: Reading) -> list[matching.Held]:
    """The held recommendations this reading is (any route, this document's own included)."""
    country, review = matching.key_of(item.rec)
    return found.find(country, review, item.rec.paragraph, item.rec.text,
                      [s.name for s in item.rec.states],
                      any_review=item.rec.body == "UPR" and not item.rec.upr_session)


def plan_one(session: Session, found: matching.Candidates, item: Reading) -> Planned:
    held = match(found, item)
    if not held:
        return Planned(Outcome.NEW if item.rec.text else Outcome.NOT_FOUND)
    fills: list[str] = []
    for h in held:
        row = session.get(Recommendation, h.id)
        if row is None:
            continue
        for what in filling.missing(row, item.rec, filling.held_terms(session, h.id),
                                    bool(filling.held_states(session, h.id)),
                                    follow_up=item.follow_up, important=item.important):
            if what not in fills:
                fills.append(what)
    refs = tuple(h.reference for h in held)
    return Planned(Outcome.FILLS, refs, tuple(fills)) if fills else Planned(
        Outcome.UNCHANGED, refs)


def plan_in(session: Session, preview: DocumentPreview, *, excluded: Collection[int] = (),
            edits: Mapping[int, DocumentRecommendation] | None = None) -> list[Planned]:
    """One Planned per recommendation of the preview (excluded ones: UNCHANGED, no refs)."""
    items = {r.index: r for r in readings(preview, excluded=excluded, edits=edits)}
    found = candidates(session, list(items.values()))
    return [plan_one(session, found, items[i]) if i in items else Planned(Outcome.UNCHANGED)
            for i in range(len(preview.recommendations))]


def plan(record: Record, preview: DocumentPreview, *, excluded: Collection[int] = (),
         edits: Mapping[int, DocumentRecommendation] | None = None) -> DocumentPlan:
    """What applying `preview` (with these exclusions and edits) would do to the record."""
    with record.reading() as session:
        planned = plan_in(session, preview, excluded=excluded, edits=edits)
        warning = _another_state(session, preview)
    if warning and warning not in preview.warnings:
        preview.warnings.append(warning)
    return DocumentPlan(preview, planned)


def _another_state(session: Session, preview: DocumentPreview) -> str:
    """A warning when the document is about a State the record holds no recommendation to
    (another State's matrix, imported into New Zealand's record by mistake); else ''."""
    country = squash(preview.document.country)
    held = state_counts(session)
    key = matching.country_key(country)
    if not country or not held or any(matching.country_key(c) == key or c.casefold() ==
                                      country.casefold() for c, _n in held):
        return ""
    main, count = held[0]
    return (f"{Path(preview.file).name}: its recommendations are to {country}, and this "
            f"record holds recommendations to {main} ({count:,}). Importing adds a second "
            f"State; drafts and the public site stay about {main} unless another State is "
            "chosen.")


def edited(read: DocumentRecommendation, **changes: Any) -> DocumentRecommendation:
    """A copy of `read` with fields changed (the review screen's edits)."""
    return replace(read, **changes)
