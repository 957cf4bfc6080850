"""What a UN document reader returns: the document, its recommendations, follow-up and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from nmrf_desktop.domain.enums import Position


class DocumentKind(StrEnum):
    UPR_MATRIX = "upr-matrix"
    UPR_REPORT = "upr-report"
    UPR_REPORT_ADDENDUM = "upr-report-addendum"
    CONCLUDING_OBSERVATIONS = "concluding-observations"


class NotADocument(ValueError):
    """The file is none of the kinds we read (or unreadable: scanned, encrypted, not Word);
    the message names the file and says why, fit to show a person."""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """The document itself: what it is, whose, and when."""

    kind: DocumentKind
    symbol: str = ""  # "A/HRC/41/4", "CERD/C/NZL/CO/21-22"; "" when the document has none
    body: str = ""  # "UPR", "CERD", "CRC", … (the record's body names)
    country: str = ""  # the State under review / State party, as the document names it
    date: dt.date | None = None
    upr_session: int | None = None
    cycle: int | None = None


@dataclass(slots=True)
class DocumentRecommendation:
    """One recommendation as read, with the source text it came from (for the review screen).

    `paragraph` is the document's own number: "140.1" (UPR), "26(a)" (a treaty-body
    sub-paragraph), "12" (a whole paragraph). `position` is None when the document does not
    say (a Working Group report before its addendum, concluding observations).
    """

    paragraph: str
    text: str
    recommending_states: tuple[str, ...] = ()
    position: Position | None = None
    themes: tuple[str, ...] = ()
    affected_groups: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()  # goal numbers as text: "5", "16"
    section: str = ""  # the heading it sits under (a treaty-body theme), "" if none
    source_text: str = ""  # the paragraph/cell exactly as it stood in the document
    follow_up: bool = False  # singled out for follow-up (treaty bodies)
    important: bool = False  # among the "paragraphs of particular importance"
    position_source: str = ""  # "A/HRC/41/4/Add.1 - Para.3" when the document names it

    def as_json(self) -> dict[str, Any]:
        return {"paragraph": self.paragraph, "text": self.text,
                "recommending_states": list(self.recommending_states),
                "position": self.position.value if self.position else None,
                "themes": list(self.themes), "affected_groups": list(self.affected_groups),
                "sdgs": list(self.sdgs)}


@dataclass(slots=True)
class DocumentPreview:
    """Everything read from one document, before anything is written."""

    file: str
    document: DocumentInfo
    recommendations: list[DocumentRecommendation] = field(default_factory=list)
    follow_up_paragraphs: list[str] = field(default_factory=list)
    follow_up_due: dt.date | None = None
    important_paragraphs: list[str] = field(default_factory=list)
    next_report_due: dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The shape `nmrf import document --json` prints (issue 13)."""
        d = self.document
        return {
            "document": {"symbol": d.symbol, "kind": d.kind.value, "body": d.body,
                         "date": d.date.isoformat() if d.date else None},
            "recommendations": [r.as_json() for r in self.recommendations],
            "follow_up": {"paragraphs": list(self.follow_up_paragraphs),
                          "due": self.follow_up_due.isoformat() if self.follow_up_due
                          else None},
            "important_paragraphs": list(self.important_paragraphs),
            "next_report_due": self.next_report_due.isoformat() if self.next_report_due
            else None,
            "warnings": list(self.warnings),
        }
