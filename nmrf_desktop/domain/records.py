"""Plain records passed between layers: imported rows, search hits, reports."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from nmrf_desktop.domain.enums import Mechanism, Position, Source


@dataclass(frozen=True, slots=True)
class StateRef:
    """A recommending state with its UN regional group (empty when unknown)."""

    name: str
    regional_group: str = ""


@dataclass(slots=True)
class RecommendationIn:
    """One recommendation as an importer read it, before it meets the database.

    `source_id` is the stable identity within `source`: a re-import of the same
    recommendation produces the same value, so it updates instead of duplicating.
    """

    source: Source
    source_id: str
    text: str
    country: str
    mechanism: Mechanism
    body: str
    states: tuple[StateRef, ...] = ()
    position: Position | None = None
    upr_session: int | None = None
    cycle: int | None = None
    year: int | None = None
    published_on: dt.date | None = None
    document_symbol: str = ""
    paragraph: str = ""
    action_category: int | None = None
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    # Coordinator flags: None means "the source does not say", so an import keeps what the
    # record holds; True/False (the XLSX template, a pack) set them.
    te_tiriti: bool | None = None
    withdrawn: bool | None = None
    reference: str = ""
    # Where the row came from, for messages: (file name, row number).
    origin: tuple[str, int] = ("", 0)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row (or cell) in an input file, named precisely enough to fix."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts, rejected rows, repeated rows merged into one, the layout
    found in each file, and rows skipped because they are not recommendations (by kind)."""

    source: str
    files: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)  # file name -> layout found
    skipped: dict[str, int] = field(default_factory=dict)  # kind of row -> rows skipped

    @property
    def rows_read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.repeats)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "files": self.files,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [str(p) for p in self.rejected],
            "repeats_merged": self.repeats,
            "layouts": self.layouts,
            "skipped": self.skipped,
        }


@dataclass(frozen=True, slots=True)
class RecommendationRow:
    """A recommendation as search and lists show it."""

    id: str
    reference: str
    text: str
    country: str
    mechanism: str
    body: str
    session: int | None
    cycle: int | None
    year: int | None
    position: str | None
    document_symbol: str
    paragraph: str
    te_tiriti: bool
    withdrawn: bool
    status: str | None
    recommending_states: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    affected_groups: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    assigned_agencies: tuple[str, ...] = ()
    # Treaty bodies: singled out for follow-up, or of particular importance (issue 13).
    follow_up: bool = False
    important: bool = False

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape of `nmrf search --json` (keys documented in the README)."""
        return {
            "id": self.id,
            "reference": self.reference,
            "text": self.text,
            "mechanism": self.mechanism,
            "body": self.body,
            "session": self.session,
            "cycle": self.cycle,
            "year": self.year,
            "position": self.position,
            "recommending_states": list(self.recommending_states),
            "themes": list(self.themes),
            "affected_groups": list(self.affected_groups),
            "sdgs": list(self.sdgs),
            "assigned_agencies": list(self.assigned_agencies),
        }


@dataclass(slots=True)
class Filters:
    """The filters every list, search, export and report accepts (all optional, ANDed)."""

    text: str = ""
    mechanism: str | None = None
    bodies: tuple[str, ...] = ()
    cycles: tuple[int, ...] = ()
    sessions: tuple[int, ...] = ()
    country: str | None = None
    states: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    agency: str | None = None
    role: str | None = None
    te_tiriti: bool | None = None
    statuses: tuple[str, ...] = ()
    include_withdrawn: bool = True
    # True: only those a treaty body singled out for follow-up / of particular importance.
    follow_up: bool | None = None
    important: bool | None = None

    def __post_init__(self) -> None:
        # Typed or pasted text may arrive decomposed ("a" + combining macron, as macOS
        # and PDFs give it); the search tokenizer only folds the composed form.
        self.text = unicodedata.normalize("NFC", self.text)
