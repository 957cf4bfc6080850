"""The same recommendation by several routes: a document, UPR Info, UHRI, another document.

Two rows are one recommendation when they are of the same State and review (UPR session,
or treaty-body document) and have the same paragraph number, or, when either has none,
the same text once normalised (case, accents, punctuation, the recommending states in
parentheses and the paragraph number at its start set aside).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.countries import iso3
from nmrf_desktop.domain.records import RecommendationIn
from nmrf_desktop.domain.text import fold
from nmrf_desktop.store.models import Recommendation, RecommendationState, State

_ADDENDUM = re.compile(r"/(Add|Corr|Rev)\.\s*\d+\s*$", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(para(graph)?\.?\s*)?\d+(\.\d+)*\.?\s*(\([a-z]{1,4}\)\s*)?",
                             re.IGNORECASE)
_TRAILING_STATES = re.compile(r"(\s*\([^()]{2,80}\)\s*[;.,]?\s*)+$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def symbol_base(symbol: str) -> str:
    """The document a symbol belongs to: 'A/HRC/41/4/Add.1' -> 'A/HRC/41/4' (upper case)."""
    text = " ".join(symbol.split()).upper()
    while _ADDENDUM.search(text):
        text = _ADDENDUM.sub("", text)
    return text


def paragraph_key(paragraph: str) -> str:
    """'para 26 (a)' -> '26(a)'; '140.1.' -> '140.1'."""
    text = re.sub(r"^\s*para(graph)?\.?\s*", "", paragraph.casefold())
    return re.sub(r"\s+", "", text).rstrip(".")


def text_key(text: str) -> str:
    """A recommendation's text as matching compares it: its words only, folded."""
    body = _LEADING_NUMBER.sub("", text, count=1)
    body = _TRAILING_STATES.sub("", body)
    return _NOT_WORD.sub(" ", fold(body)).strip()


def country_key(country: str) -> str:
    return iso3(" ".join(country.split())) if country.strip() else ""


def review_of(body: str, upr_session: int | None, symbol: str) -> str:
    """Which review a row belongs to: 'UPR 34', or the treaty-body document's symbol."""
    if body == "UPR" and upr_session:
        return f"UPR {upr_session}"
    base = symbol_base(symbol)
    return f"{body} {base}" if base else body


@dataclass(slots=True)
class Held:
    """A recommendation the record holds, as matching sees it."""

    id: str
    num: int
    reference: str
    source: str
    source_id: str
    country: str
    review: str
    paragraph: str
    text: str
    states: frozenset[str] = frozenset()  # recommending states, folded


def state_key(name: str) -> str:
    return _NOT_WORD.sub(" ", fold(name)).strip()


@dataclass(slots=True)
class Candidates:
    """Held recommendations of some States and reviews, indexed for matching."""

    by_paragraph: dict[tuple[str, str, str], list[Held]] = field(
        default_factory=lambda: defaultdict(list))
    by_text: dict[tuple[str, str, str], list[Held]] = field(
        default_factory=lambda: defaultdict(list))
    by_text_any_review: dict[tuple[str, str], list[Held]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, held: Held) -> None:
        if held.paragraph:
            self.by_paragraph[(held.country, held.review, held.paragraph)].append(held)
        key = text_key(held.text)
        if key:
            self.by_text[(held.country, held.review, key)].append(held)
            self.by_text_any_review[(held.country, key)].append(held)

    def find(self, country: str, review: str, paragraph: str, text: str,
             states: Iterable[str] = (), *, any_review: bool = False) -> list[Held]:
        """Held rows that are this recommendation: same paragraph, else same text.

        Matched on text, a held row with another paragraph number is another
        recommendation, and so is one from other recommending states (when both name
        theirs): "Ratify the ICRMW" from Chad is not the same as from Burkina Faso.
        """
        para = paragraph_key(paragraph)
        if para:
            found = self.by_paragraph.get((country, review, para))
            if found:
                return found
        key = text_key(text)
        if not key:
            return []
        if any_review:
            found = self.by_text_any_review.get((country, key), [])
        else:
            found = self.by_text.get((country, review, key), [])
        wanted = {state_key(s) for s in states}
        return [h for h in found if (not para or not h.paragraph or h.paragraph == para)
                and (not wanted or not h.states or wanted & h.states)]


_COLUMNS = (Recommendation.id, Recommendation.num, Recommendation.reference,
            Recommendation.source, Recommendation.source_id, Recommendation.country,
            Recommendation.body, Recommendation.upr_session, Recommendation.document_symbol,
            Recommendation.paragraph, Recommendation.text)


def _held(row: Sequence[object]) -> Held:
    (rid, num, ref, source, source_id, country, body, session_no, symbol, paragraph,
     text) = row
    return Held(str(rid), int(num), str(ref), str(source), str(source_id),  # type: ignore[call-overload]
                country_key(str(country)),
                review_of(str(body), session_no, str(symbol)),  # type: ignore[arg-type]
                paragraph_key(str(paragraph)), str(text))


def load(session: Session, bodies: Iterable[str], countries: Iterable[str], *,
         exclude_source: str | None = None, only_sources: Iterable[str] = (),
         with_paragraph: bool = False) -> Candidates:
    """The held recommendations of these bodies and States (by ISO code), for matching.

    `exclude_source`: leave out one source's rows (an import matches other routes only);
    `only_sources` / `with_paragraph`: keep rows of these sources, or (also) any row with a
    paragraph number.
    """
    r = Recommendation
    stmt = select(*_COLUMNS).where(r.body.in_(set(bodies)))
    if exclude_source:
        stmt = stmt.where(r.source != exclude_source)
    sources = set(only_sources)
    if sources and with_paragraph:
        stmt = stmt.where(r.source.in_(sources) | (r.paragraph != ""))
    elif sources:
        stmt = stmt.where(r.source.in_(sources))
    elif with_paragraph:
        stmt = stmt.where(r.paragraph != "")
    wanted = set(countries)
    held: dict[str, Held] = {}
    names: dict[str, str] = {}
    for row in session.execute(stmt):
        name = row[5]
        code = names.get(name)
        if code is None:
            code = names[name] = country_key(name)
        if code in wanted:
            held[row[0]] = _held(tuple(row))
    states: dict[str, set[str]] = defaultdict(set)
    if held:
        for rid, name in session.execute(
                select(RecommendationState.recommendation_id, State.name)
                .join(State, State.id == RecommendationState.state_id)
                .where(RecommendationState.recommendation_id.in_(
                    stmt.with_only_columns(r.id).scalar_subquery()))):
            if rid in held:
                states[rid].add(state_key(name))
    out = Candidates()
    for rid, h in held.items():
        h.states = frozenset(states.get(rid, ()))
        out.add(h)
    return out


def key_of(rec: RecommendationIn) -> tuple[str, str]:
    """(country code, review) of a row about to be written."""
    return country_key(rec.country), review_of(rec.body, rec.upr_session, rec.document_symbol)
