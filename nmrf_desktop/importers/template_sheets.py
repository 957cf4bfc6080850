"""The workbook's sheets beside Recommendations: assignments, actions, progress, evidence.

Shared by the writer (`reports.xlsx_workbook`) and the reader (`importers.template`): the
same functions turn a record into cells and cells into typed values, so comparing what a
workbook holds with what the record holds is comparing like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from nmrf_desktop.domain.enums import (
    ActionKind,
    ActionStatus,
    AssignmentRole,
    ImplementationStatus,
    label,
)
from nmrf_desktop.importers.template_cells import RowCells
from nmrf_desktop.importers.template_layout import NO, YES, Column, lookup

ASSIGNMENTS, ACTIONS, PROGRESS, EVIDENCE = "Assignments", "Actions", "Progress", "Evidence"


def _labels(enum: type[StrEnum]) -> dict[StrEnum, str]:
    return {value: label(value) for value in enum}


STATUS_LABELS = _labels(ImplementationStatus)
ACTION_STATUS_LABELS = _labels(ActionStatus)
ACTION_KIND_LABELS = _labels(ActionKind)
ROLE_LABELS = _labels(AssignmentRole)
# Column kind -> (the enum's labels, the name of the vocabulary in messages).
VOCABULARIES: dict[str, tuple[dict[StrEnum, str], str]] = {
    "status": (STATUS_LABELS, "an implementation status"),
    "action_status": (ACTION_STATUS_LABELS, "an action status"),
    "action_kind": (ACTION_KIND_LABELS, "a kind of action"),
    "role": (ROLE_LABELS, "a role"),
}
READ = {kind: lookup(labels, {}) for kind, (labels, _what) in VOCABULARIES.items()}
# The drop-down list of each kind of column.
LISTS = {kind: ",".join(labels.values()) for kind, (labels, _what) in VOCABULARIES.items()}


@dataclass(frozen=True, slots=True)
class Sheet:
    """One extra sheet: its name, columns, and the column holding each row's id."""

    name: str
    columns: tuple[Column, ...]
    key: str

    @property
    def by_label(self) -> dict[str, Column]:
        return {c.label.casefold(): c for c in self.columns}


SHEETS: tuple[Sheet, ...] = (
    Sheet(ASSIGNMENTS, (
        Column("Recommendation ID", 38), Column("Reference", 18), Column("Agency", 10),
        Column("Role", 14, "role"), Column("Active", 8, "yes_no"),
    ), "Recommendation ID"),
    Sheet(ACTIONS, (
        Column("Action ID", 38), Column("Agency", 10), Column("Title", 40, "long"),
        Column("Kind", 14, "action_kind"), Column("Status", 13, "action_status"),
        Column("Start date", 12, "date"), Column("Target date", 12, "date"),
        Column("Completed date", 12, "date"), Column("Public", 8, "yes_no"),
        Column("Recommendations", 20, "list"), Column("Description", 60, "long"),
    ), "Action ID"),
    Sheet(PROGRESS, (
        Column("Update ID", 38), Column("Recommendation ID", 38), Column("Reference", 18),
        Column("Agency", 10), Column("As of", 12, "date"), Column("Status", 22, "status"),
        Column("Narrative", 80, "long"), Column("Public", 8, "yes_no"),
    ), "Update ID"),
    Sheet(EVIDENCE, (
        Column("Evidence ID", 38), Column("Agency", 10), Column("Action ID", 38),
        Column("Reference", 18), Column("Name", 32, "long"), Column("Added", 12, "date"),
        Column("SHA-256", 30), Column("Size", 10, "int"), Column("Media type", 18),
        Column("URL", 40), Column("Public", 8, "yes_no"),
    ), "Evidence ID"),
)
BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}


def clean(value: object) -> object:
    """What the writer stores for a value: Excel cannot hold control characters."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def yes_no(flag: bool) -> str:
    return YES if flag else NO


def enum_label(kind: str, value: str | None) -> str | None:
    """The drop-down label of a stored enum value (unknown values are shown as stored)."""
    if not value:
        return None
    labels = VOCABULARIES[kind][0]
    return next((text for member, text in labels.items() if member.value == value), value)


def assignment_values(rec_id: str, reference: str, agency: str, role: str,
                      active: bool) -> list[object]:
    return [rec_id, reference, agency, enum_label("role", role), yes_no(active)]


def action_values(action_id: str, agency: str, title: str, kind: str, status: str,
                  start: dt.date | None, target: dt.date | None, completed: dt.date | None,
                  public: bool, references: list[str], description: str) -> list[object]:
    return [action_id, agency, title, enum_label("action_kind", kind),
            enum_label("action_status", status), start, target, completed, yes_no(public),
            "\n".join(sorted(references)), description]


def progress_values(update_id: str, rec_id: str, reference: str, agency: str,
                    as_of: dt.date, status: str, narrative: str, public: bool) -> list[object]:
    return [update_id, rec_id, reference, agency, as_of, enum_label("status", status),
            narrative, yes_no(public)]


def evidence_values(evidence_id: str, agency: str | None, action_id: str | None,
                    reference: str, name: str, added: dt.date | None, sha256: str | None,
                    size: int | None, media_type: str, url: str, public: bool) -> list[object]:
    return [evidence_id, agency, action_id, reference, name, added, sha256, size, media_type,
            url, yes_no(public)]


def _choice(row: RowCells, column: str, kind: str) -> str | None:
    text = row.text(column)
    if not text:
        return None
    found = READ[kind].get(text.casefold())
    if found is None:
        labels, what = VOCABULARIES[kind]
        row.problem(column, f"{text!r} is not {what} ({', '.join(labels.values())})")
        return None
    return str(getattr(found, "value", found))


_TYPED: dict[str, Callable[[RowCells, Column], object]] = {
    "text": lambda row, c: row.text(c.label),
    "long": lambda row, c: row.long_text(c.label),
    "list": lambda row, c: tuple(row.lines(c.label)),
    "date": lambda row, c: row.date(c.label),
    "int": lambda row, c: row.whole(c.label, 0, 1 << 53),
    "yes_no": lambda row, c: row.yes_no(c.label),
}


def typed(row: RowCells, column: Column) -> object:
    """One cell as a comparable value: squashed text, a date, a bool, an enum's value…"""
    if column.kind in VOCABULARIES:
        return _choice(row, column.label, column.kind)
    return _TYPED[column.kind](row, column)


@dataclass(slots=True)
class SheetRow:
    """One data row of an extra sheet: where it is, its typed values, and labels present."""

    sheet: str
    file: str  # "name.xlsx, sheet Progress", as messages name it
    line: int
    values: dict[str, object]
    present: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        return str(self.values.get(BY_NAME[self.sheet].key) or "")


def record_row(sheet: Sheet, values: list[object]) -> dict[str, object]:
    """The typed values of a row the writer would write for the record (to compare with)."""
    cells = {c.label: clean(v) for c, v in zip(sheet.columns, values, strict=True)}
    row = RowCells("", 0, cells, [], set())
    return {c.label: typed(row, c) for c in sheet.columns}
