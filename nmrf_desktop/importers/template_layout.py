"""The product's own XLSX template: its columns, labels and value vocabularies.

Shared by the writer (`reports.xlsx_template`) and the reader (`importers.template`), so
what one writes the other reads back without loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from nmrf_desktop.domain.enums import Mechanism, Position, label
from nmrf_desktop.domain.records import RecommendationIn

SHEET = "Recommendations"


@dataclass(frozen=True, slots=True)
class Column:
    """One template column: its header label, width in characters, and kind of value."""

    label: str
    width: int
    # text | long (kept as written) | list | int | date | yes_no | position | mechanism,
    # or a vocabulary of the extra sheets (template_sheets.VOCABULARIES)
    kind: str = "text"
    hidden: bool = False


# The order of the exported sheet. The reader finds columns by their header label,
# so a person may reorder or delete optional columns.
COLUMNS: tuple[Column, ...] = (
    Column("Reference", 18),
    Column("ID", 38),
    Column("Source", 10),
    Column("Source ID", 22),
    Column("Country", 16),
    Column("Mechanism", 18, "mechanism"),
    Column("Body", 10),
    Column("UPR session", 8, "int"),
    Column("Cycle", 7, "int"),
    Column("Year", 7, "int"),
    Column("Date", 12, "date"),
    Column("Document symbol", 20),
    Column("Paragraph", 10),
    Column("Text", 80),
    Column("Position", 18, "position"),
    Column("Recommending states", 22, "list"),
    Column("Regional groups", 14, "list"),
    Column("Themes", 30, "list"),
    Column("Affected groups", 24, "list"),
    Column("SDGs", 24, "list"),
    Column("UPR Info action category", 10, "int"),
    Column("Te Tiriti", 9, "yes_no"),
    Column("Withdrawn", 10, "yes_no"),
)
BY_LABEL: dict[str, Column] = {c.label.casefold(): c for c in COLUMNS}
REQUIRED = ("Country", "Body", "Text")

MECHANISM_LABELS: dict[Mechanism, str] = {
    Mechanism.UPR: "UPR",
    Mechanism.TREATY_BODY: "Treaty body",
    Mechanism.SPECIAL_PROCEDURE: "Special procedure",
}
POSITION_LABELS: dict[Position, str] = {p: label(p) for p in Position}
YES, NO = "Yes", "No"


_E = TypeVar("_E", bound=StrEnum)


def lookup(labels: dict[_E, str], extra: dict[str, object]) -> dict[str, object]:
    """Accept a label, the stored value, or either with '_' for spaces, any case."""
    out: dict[str, object] = dict(extra)
    for value, text in labels.items():
        for key in (text, value.value, value.value.replace("_", " ")):
            out[key.casefold()] = value
    return out


MECHANISMS_READ = lookup(MECHANISM_LABELS, {"treaty bodies": Mechanism.TREATY_BODY,
                                             "special procedures": Mechanism.SPECIAL_PROCEDURE})
POSITIONS_READ = lookup(POSITION_LABELS, {"accepted": Position.SUPPORTED,
                                           "partially supported": Position.SUPPORTED_IN_PART,
                                           "n/a": Position.NOT_APPLICABLE})
YES_NO_READ: dict[str, bool] = {"yes": True, "y": True, "true": True, "1": True,
                                "no": False, "n": False, "false": False, "0": False}


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One exported row: the recommendation and its id."""

    id: str
    rec: RecommendationIn
