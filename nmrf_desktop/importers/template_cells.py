"""Reading one row of the XLSX template: typed cell values, each bad cell a RowProblem."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import from_excel

from nmrf_desktop.domain.enums import Mechanism, Position
from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.domain.text import squash
from nmrf_desktop.importers.base import check_text_cell, cut
from nmrf_desktop.importers.template_layout import (
    MECHANISMS_READ,
    POSITIONS_READ,
    YES_NO_READ,
    Column,
)

_LINE_BREAK = re.compile(r"\r\n?")
_DIGITS = re.compile(r"[0-9]{1,9}")


class RowCells:
    """The cells of one data row, by column label, and the problems found reading them."""

    def __init__(self, file: str, row: int, values: dict[str, object],
                 problems: list[RowProblem], reported: set[str]) -> None:
        self.file = file
        self.row = row
        self.values = values
        self.problems = problems
        self.reported = reported  # columns with a problem already: one message each

    def problem(self, column: str, message: str) -> None:
        if column not in self.reported:
            self.reported.add(column)
            self.problems.append(RowProblem(self.file, self.row, column, message))

    def raw(self, column: str) -> object:
        value = self.values.get(column)
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, column: str) -> str:
        """A one-line text value, whitespace squashed (numbers as typed: 26.1, 5)."""
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        return squash(str(value))

    def long_text(self, column: str) -> str:
        """A text kept as written (line breaks too), only trimmed and in NFC form."""
        value = self.raw(column)
        if value is None:
            return ""
        return unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", str(value))).strip()

    def lines(self, column: str, *, keep_blank: bool = False) -> list[str]:
        """A newline-separated list, one squashed item a line."""
        value = self.raw(column)
        if value is None:
            return []
        items = [squash(x) for x in _LINE_BREAK.sub("\n", str(value)).split("\n")]
        return items if keep_blank else [x for x in items if x]

    def whole(self, column: str, low: int, high: int) -> int | None:
        value = self.raw(column)
        if value is None:
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            number = int(value.strip())
        if number is None or not low <= number <= high:
            self.problem(column, f"{cut(str(value))} is not a whole number from {low} to "
                                 f"{high}")
            return None
        return number

    def date(self, column: str) -> dt.date | None:
        value = self.raw(column)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            if isinstance(value, int | float) and not isinstance(value, bool):
                found = from_excel(value)
                return found.date() if isinstance(found, dt.datetime) else None
            if isinstance(value, str):
                return dt.date.fromisoformat(value.strip()[:10])
        except (ValueError, TypeError, OverflowError):
            pass
        self.problem(column, f"{value!r} is not a date (write it as 2019-03-22)")
        return None

    def yes_no(self, column: str) -> bool | None:
        """True/False, or None for an empty cell (the record keeps what it holds)."""
        value = self.raw(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            return value
        found = YES_NO_READ.get(str(value).strip().casefold())
        if found is None:
            self.problem(column, f"{value!r} is not Yes or No")
            return False
        return found

    def position(self, column: str) -> Position | None:
        value = self.text(column)
        if not value:
            return None
        found = POSITIONS_READ.get(value.casefold())
        if not isinstance(found, Position):
            self.problem(column, f"{value!r} is not a position (Supported, Supported in part, "
                                 "Noted or Not applicable)")
            return None
        return found

    def mechanism(self, column: str) -> Mechanism | None:
        value = self.text(column)
        if not value:
            return None
        found = MECHANISMS_READ.get(value.casefold())
        if not isinstance(found, Mechanism):
            self.problem(column, f"{value!r} is not a mechanism (UPR, Treaty body or "
                                 "Special procedure)")
            return None
        return found


def unsafe_cell(value: object, data_type: str, column: Column | None, label: str,
                file: str, row: int) -> RowProblem | None:
    """A problem if the cell is a formula, an error, or text a spreadsheet would run."""
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        shown = str(value)[:40]
        return RowProblem(file, row, label, f"is a formula ({shown!r}); the template holds "
                          "values only: type the value itself")
    if data_type == "e":
        return RowProblem(file, row, label, f"holds the spreadsheet error {value}")
    if not isinstance(value, str):
        return None
    if ILLEGAL_CHARACTERS_RE.search(value):
        return RowProblem(file, row, label, "holds a control character; retype the value")
    parts = value.split("\n") if column is not None and column.kind == "list" else [value]
    for part in parts:
        problem = check_text_cell(part.strip(), file, row, label)
        if problem:
            return problem
    return None
