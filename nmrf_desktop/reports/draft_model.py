"""The plain records a drafted Word report is written from: blocks of text the record gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

EN = "en-NZ"
MI = "mi-NZ"  # te reo Māori: runs so marked are spell-checked as Māori, not English


class DraftKind(StrEnum):
    """The reports `nmrf draft KIND` writes."""

    FOLLOW_UP = "follow-up"  # the treaty-body follow-up report on the singled-out paragraphs
    UPR_MID_TERM = "upr-mid-term"  # the UPR mid-term report, by theme or overlap cluster
    PERIODIC = "periodic"  # a periodic-report section for one body, by theme or article
    CONSULTATION = "consultation"  # what may be published, for engagement before submission


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text in one language (the document's own unless `lang` says MI)."""

    text: str
    lang: str = EN
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """Where a drafted paragraph's content comes from, for its footnote or sources list.

    kind "recommendation": label is the reference, detail the symbol and paragraph;
    kind "evidence": label is the evidence title, detail its SHA-256 or URL;
    kind "update": label is the agency, detail the progress update's date.
    """

    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1 to 3
    lang: str = EN


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text; `numbered` paragraphs carry the report's running number (1., 2., …) as UN
    reports do; `sources` become its footnote (or entries in the sources list)."""

    runs: tuple[Run, ...]
    numbered: bool = False
    sources: tuple[Source, ...] = ()
    style: str = ""  # a built-in style name to use instead of Normal ("List Bullet", "Quote")


@dataclass(frozen=True, slots=True)
class Gap:
    """An honest hole: no progress recorded for something in scope. Printed in a highlighted
    style, counted in the summary at the top; never filled with invented text."""

    text: str  # "[No progress recorded since 2024-05-01; lead agency: …]"
    reference: str  # the recommendation it stands for


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[Run | str, ...], ...]
    caption: str = ""
    widths: tuple[float, ...] = ()  # relative column widths; empty: equal


Block = Heading | Paragraph | Gap | Table


@dataclass(frozen=True, slots=True)
class DraftMeta:
    """The title page and document properties."""

    kind: DraftKind
    title: str
    subject: str
    draft_date: dt.date  # the only date that is today's; all others are the record's
    fingerprint: str  # the record's (services.reports.request.fingerprint), custom property
    scope: tuple[str, ...] = ()  # the filters in words, one line each
    author: str = "NMRF Desktop"
    public: bool = False  # consultation drafts: only what may be published


@dataclass(frozen=True, slots=True)
class Draft:
    meta: DraftMeta
    summary: tuple[str, ...]  # lines at the top: counts in scope, gaps, sources
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Gap))

    def references(self) -> tuple[str, ...]:
        """Every recommendation reference the draft names as a source, once, in order."""
        seen: dict[str, None] = {}
        for block in self.blocks:
            if isinstance(block, Paragraph):
                for src in block.sources:
                    if src.kind == "recommendation":
                        seen.setdefault(src.label, None)
            elif isinstance(block, Gap):
                seen.setdefault(block.reference, None)
        return tuple(seen)
