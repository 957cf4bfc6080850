"""One UHRI data row read by column name into a RecommendationIn, its problems collected."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from nmrf_desktop.domain.enums import Position, Source
from nmrf_desktop.domain.records import RecommendationIn, RowProblem, StateRef
from nmrf_desktop.domain.text import identity_text, squash
from nmrf_desktop.domain.upr import (
    BODIES,
    body_code,
    cycle_of_session,
    mechanism_of_body,
    year_of_session,
)
from nmrf_desktop.importers.base import check_text_cell, cut
from nmrf_desktop.importers.uhri_cells import sdg_label, split_paragraph, strip_dash, to_date
from nmrf_desktop.importers.uhri_sheet import Header

_POSITIONS = {
    "supported": Position.SUPPORTED, "accepted": Position.SUPPORTED,
    "noted": Position.NOTED, "rejected": Position.NOTED,
    "supported/noted": Position.SUPPORTED_IN_PART,
    "partially supported": Position.SUPPORTED_IN_PART,
    "supported in part": Position.SUPPORTED_IN_PART,
    "partially accepted": Position.SUPPORTED_IN_PART,
}
_MAORI = re.compile(r"\bm(a|ā)ori\b", re.IGNORECASE)
# Three sessions a year from 2008: session 150 is some 2050; anything above is not a session.
_LAST_SESSION = 150
_EXPONENT = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")  # 1e+300: a float, not session 1


def _body(names: tuple[str, ...]) -> str:
    """One canonical body code from the cell's names, preferring a known code."""
    codes = [body_code(n) for n in names]
    return next((c for c in codes if c in BODIES), codes[0])


def _identity(symbol: str, paragraph: str, text: str) -> str:
    key = "\x1f".join([squash(symbol).casefold(), paragraph, identity_text(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


class Row:
    """One data row, read by canonical column name; its problems are collected as read."""

    def __init__(self, cells: tuple[Any, ...], header: Header, file: str, line: int,
                 epoch: dt.datetime, problems: list[RowProblem]) -> None:
        self.cells, self.header, self.file, self.line = cells, header, file, line
        self.epoch = epoch
        self.problems = problems
        self.bad_columns: set[str] = set()

    def problem(self, column: str, message: str) -> None:
        label = self.header.labels.get(column, column)
        self.problems.append(RowProblem(self.file, self.line, label, message))
        self.bad_columns.add(column)

    def raw(self, column: str) -> Any:
        i = self.header.index.get(column)
        if i is None or i >= len(self.cells):
            return None
        cell = self.cells[i]
        if cell.data_type == "f":
            self.problem(column, f"is a spreadsheet formula ({str(cell.value)[:30]!r}); "
                                 f"UHRI exports hold values only")
            return None
        return cell.value

    def _checked(self, column: str, value: str) -> bool:
        problem = check_text_cell(value, self.file, self.line,
                                  self.header.labels.get(column, column))
        if problem:
            self.problems.append(problem)
            self.bad_columns.add(column)
        return problem is None

    def items(self, column: str) -> tuple[str, ...]:
        """The "- " items of a list cell (one per line), squashed, repeats dropped."""
        value = self.raw(column)
        if value is None:
            return ()
        text = str(value)
        if not self._checked(column, text):
            return ()
        out: list[str] = []
        for line in text.splitlines():
            item = squash(strip_dash(line))
            if item and self._checked(column, item):
                out.append(item)
        return tuple(dict.fromkeys(out))

    def text(self, column: str) -> str:
        """A single value: the first item of the cell."""
        items = self.items(column)
        return items[0] if items else ""

    def date(self, column: str) -> dt.date | None:
        try:
            return to_date(self.raw(column), self.epoch)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None

    def session(self) -> int | None:
        text = self.text("UPR Session")
        if not text:
            return None
        # The first number in the cell ("32", "32nd session"); checked as digits before it
        # is converted, so a cell of a million digits is a problem, not an exception.
        match = re.search(r"[0-9]+", text)
        digits = match.group().lstrip("0") if match else ""
        if (not match or len(digits) > 4 or _EXPONENT.fullmatch(text)
                or not 1 <= int(digits or "0") <= _LAST_SESSION):
            self.problem("UPR Session", f"{cut(text)} is not a UPR session number "
                                        f"(1-{_LAST_SESSION})")
            return None
        return int(digits)

    def position(self, upr: bool) -> Position | None:
        values = self.items("UPR Position")
        if not values:
            return None if upr else Position.NOT_APPLICABLE
        found: set[Position] = set()
        for value in values:
            position = _POSITIONS.get(re.sub(r"\s*/\s*", "/", value.casefold()))
            if position is None:
                self.problem("UPR Position", f"{value!r} is not Supported, Noted, "
                                             f"Supported/Noted or Partially supported")
                return None
            found.add(position)
        if len(found) > 1:
            return Position.SUPPORTED_IN_PART
        return found.pop()

    def full_text(self) -> str:
        """The Text cell: one value that may hold line breaks, so not split as a list."""
        value = self.raw("Text")
        raw = str(value) if value is not None else ""
        text = squash(strip_dash(raw))
        if not (self._checked("Text", raw) and self._checked("Text", text)):
            return ""
        return self.required("Text", text)

    def required(self, column: str, value: str) -> str:
        """`value`, noting the column as empty unless it already has a problem."""
        if not value and column not in self.bad_columns:
            self.problem(column, "is empty")
        return value

    def states(self) -> tuple[StateRef, ...]:
        regions = self.items("Recommending Regions")
        group = regions[0] if len(regions) == 1 else ""
        return tuple(StateRef(name, group) for name in self.items("UPR Recommending States"))

    def other_kind(self) -> str:
        """What the row is when its Type says it is not a recommendation ("Concerns",
        "Observations"…), else "": a row whose Type is empty or names a recommendation is one."""
        value = self.raw("Type")
        if value is None:
            return ""
        kinds = [squash(strip_dash(line)) for line in str(value).splitlines()]
        kinds = [k for k in kinds if k]
        if not kinds or any(k.casefold().startswith("recommendation") for k in kinds):
            return ""
        return ", ".join(kinds)

    def record(self) -> RecommendationIn | None:
        full_text = self.full_text()
        country = self.required("Countries Concerned", self.text("Countries Concerned"))
        bodies = self.items("Recommending Body")
        self.required("Recommending Body", ", ".join(bodies))
        symbol = self.text("Document Symbol")
        published = self.date("Document Publication Date")
        session = self.session()
        annotation = self.text("OHCHR Annotation Id")
        themes, groups = self.items("Themes"), self.items("Affected Persons")
        sdgs = tuple(dict.fromkeys(sdg_label(s) for s in self.items("Sdgs")))
        states = self.states()
        body = _body(bodies) if bodies else ""
        position = self.position(body == "UPR")
        if self.bad_columns:
            return None
        paragraph, text = split_paragraph(full_text)
        if _MAORI.search(text):
            groups = tuple(dict.fromkeys((*groups, "Māori")))
        year = published.year if published else (year_of_session(session) if session else None)
        return RecommendationIn(
            source=Source.UHRI,
            source_id=annotation or _identity(symbol, paragraph, text),
            text=text,
            country=country,
            mechanism=mechanism_of_body(body),
            body=body,
            states=states,
            position=position,
            upr_session=session,
            cycle=cycle_of_session(session) if session else None,
            year=year,
            published_on=published,
            document_symbol=symbol,
            paragraph=paragraph,
            themes=themes,
            groups=groups,
            sdgs=sdgs,
            reference=f"{symbol} para {paragraph}" if symbol and paragraph else "",
            origin=(self.file, self.line),
        )
