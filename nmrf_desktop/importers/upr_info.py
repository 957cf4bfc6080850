"""UPR Info database export (CSV): UTF-8, UTF-16 or Mac Roman, CR or LF line ends, HTML entities.

Columns: To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, Action, Issue,
Session. A row's identity is its state under review, session, recommending state and
text (whitespace and case folded), so a re-import matches it and a repeated row is
merged into the first (listed in the import report).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import unicodedata
from pathlib import Path

from nmrf_desktop.domain.enums import Mechanism, Position, Source
from nmrf_desktop.domain.records import RecommendationIn, RowProblem, StateRef
from nmrf_desktop.domain.text import _FORMULA_START, identity_text, squash
from nmrf_desktop.domain.upr import cycle_of_session, year_of_session
from nmrf_desktop.importers.base import (
    ImportFailed,
    Parsed,
    check_text_cell,
    cut,
    merge_repeats,
    read_file,
)
from nmrf_desktop.importers.text_encoding import decode

COLUMNS = ("To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response",
           "Action", "Issue", "Session")
REQUIRED = ("To", "Text", "From", "Response", "Session")
_POSITIONS = {"accepted": Position.SUPPORTED, "supported": Position.SUPPORTED,
              "noted": Position.NOTED, "rejected": Position.NOTED,
              "partially accepted": Position.SUPPORTED_IN_PART}

# UPR Info issues that name who is affected, mapped to the affected-groups taxonomy.
ISSUE_GROUPS = {
    "Women's rights": "Women",
    "Rights of the Child": "Children",
    "Indigenous peoples": "Indigenous peoples",
    "Persons with disabilities": "Persons with disabilities",
    "Migrants": "Migrants",
    "Minorities": "Minorities",
    "Sexual Orientation and Gender Identity": "LGBTQIA+ people",
    "Asylum-seekers - refugees": "Refugees and asylum seekers",
    "Elderly": "Older persons",
    "Human rights defenders": "Human rights defenders",
}
_MAORI = re.compile(r"\bm(a|ā)oris?\b", re.IGNORECASE)
# UPR Working Group sessions run three a year since 2008: anything past this is not one.
MAX_SESSION = 150


def _whole(cell: str) -> int | None:
    """A plain ASCII whole number of at most 6 digits ('²' and '١' are digits to Python)."""
    return int(cell) if cell.isascii() and cell.isdigit() and len(cell) <= 6 else None


def identity(to: str, session: int, frm: str, text: str) -> str:
    key = "\x1f".join([squash(to).casefold(), str(session), squash(frm).casefold(),
                       identity_text(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (squash(x) for x in value.split(",")) if p))


def _squash(text: str) -> str:
    """`squash` for the hot path: str.split() and `\\s+` agree on what whitespace is."""
    joined = " ".join(text.split())
    return joined if joined.isascii() else unicodedata.normalize("NFC", joined)


def _has_maori(text: str) -> bool:
    # A cheap test that every match of _MAORI passes (few texts do), before the regex.
    lower = text.lower()
    return ("aor" in lower or "āor" in lower) and _MAORI.search(text) is not None


def parse(path: Path, encoding: str | None = None) -> Parsed:
    """Read one UPR Info CSV; every bad row is a RowProblem, nothing is guessed."""
    name = path.name
    text = decode(read_file(path), name, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [html.unescape(h).strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFailed([RowProblem(name, 1, "", f"no header row ({exc})")]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFailed([RowProblem(
            name, 1, ", ".join(missing),
            f"is not a UPR Info export: missing column(s) {', '.join(missing)} "
            f"(expected {', '.join(COLUMNS)})")])
    index = {c: header.index(c) for c in COLUMNS if c in header}
    out = Parsed()
    line = 1
    reading = _Reader(index, name, out.rejected)
    try:
        for line, row in enumerate(reader, start=2):
            rec = reading.record(row, line)
            if rec is not None:
                out.records.append(rec)
    except csv.Error as exc:
        raise ImportFailed([RowProblem(name, line + 1, "",
                                       f"the file is damaged or truncated ({exc})")]) from None
    out.records, out.repeats = merge_repeats(out.records, _describe_repeat)
    return out


def _describe_repeat(rec: RecommendationIn, first: RecommendationIn) -> str:
    frm = rec.states[0].name if rec.states else ""
    return (f"{rec.origin[0]} row {rec.origin[1]} repeats row {first.origin[1]} "
            f"({rec.country} / session {rec.upr_session} / {frm}): merged into one")


_NO_COLUMN = -1


class _Reader:
    """Turns rows into records. Cells that repeat (states, groups, issues) are cleaned once."""

    def __init__(self, index: dict[str, int], name: str, problems: list[RowProblem]) -> None:
        self.name = name
        self.problems = problems
        self.width = len(index)
        self.needed = max(index.values()) + 1
        self.cols = tuple(index.get(c, _NO_COLUMN) for c in COLUMNS)
        self.standard = self.cols == tuple(range(len(COLUMNS)))  # the export's own order
        self.names: dict[str, tuple[str, str]] = {}  # cell -> (squashed, identity form)
        self.state_refs: dict[tuple[str, str], tuple[StateRef, ...]] = {}
        self.issues: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def _name(self, value: str) -> tuple[str, str]:
        found = self.names.get(value)
        if found is None:
            squashed = squash(value)
            found = self.names[value] = (squashed, squash(squashed).casefold())
        return found

    def _issues(self, value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        found = self.issues.get(value)
        if found is None:
            themes = _split(value)
            groups = tuple(ISSUE_GROUPS[t] for t in themes if t in ISSUE_GROUPS)
            found = self.issues[value] = (themes, groups)
        return found

    def record(self, row: list[str], line: int) -> RecommendationIn | None:
        """The row as a record; None for a blank row or a bad one (its problems noted)."""
        width = len(row)
        if width == self.width and self.standard:
            cells = [(html.unescape(v) if "&" in v else v).strip() for v in row]
        else:
            cells = [(html.unescape(row[i]) if "&" in row[i] else row[i]).strip()
                     if 0 <= i < width else "" for i in self.cols]
        if not any(cells) and not any(cell.strip() for cell in row):
            return None
        if width != self.width and width < self.needed:
            self.problems.append(RowProblem(self.name, line, "", f"has {width} fields, "
                                            f"expected {self.needed}"))
            return None
        (to_cell, _to_rgrp, _to_org, text_cell, frm_cell, rgrp_cell, _frm_org, response_cell,
         action_cell, issue_cell, session_cell) = cells
        problems = self.problems
        before = len(problems)
        for column, value in (("To", to_cell), ("Text", text_cell), ("From", frm_cell),
                              ("From-Rgrp", rgrp_cell), ("Issue", issue_cell)):
            if value.startswith(_FORMULA_START):
                problem = check_text_cell(value, self.name, line, column)
                if problem:
                    problems.append(problem)
        text = _squash(text_cell)
        to, to_key = self._name(to_cell)
        frm, frm_key = self._name(frm_cell)
        for column, value in (("Text", text), ("To", to), ("From", frm)):
            if not value:
                problems.append(RowProblem(self.name, line, column, "is empty"))
        session = _whole(session_cell)
        if session is None or not 1 <= session <= MAX_SESSION:
            session = None
            problems.append(RowProblem(self.name, line, "Session",
                                       f"{cut(session_cell)} is not a UPR session number"))
        response = response_cell.casefold()
        position = _POSITIONS.get(response)
        if response and position is None:
            problems.append(RowProblem(self.name, line, "Response",
                                       f"{cut(response_cell)} is not Accepted or Noted"))
        action = _whole(action_cell)
        if action_cell and (action is None or not 1 <= action <= 5):
            problems.append(RowProblem(self.name, line, "Action",
                                       f"{cut(action_cell)} is not an action category 1-5"))
        if len(problems) > before or session is None:
            return None
        themes, groups = self._issues(issue_cell)
        if _has_maori(text):
            groups = tuple(dict.fromkeys((*groups, "Māori")))
        else:
            groups = tuple(dict.fromkeys(groups))
        states = self.state_refs.get((frm, rgrp_cell))
        if states is None:
            states = self.state_refs[(frm, rgrp_cell)] = (StateRef(frm, squash(rgrp_cell)),)
        key = "\x1f".join((to_key, str(session), frm_key, _squash(text).casefold()))
        return RecommendationIn(
            source=Source.UPR_INFO,
            source_id=hashlib.sha256(key.encode("utf-8")).hexdigest()[:40],
            text=text,
            country=to,
            mechanism=Mechanism.UPR,
            body="UPR",
            states=states,
            position=position,
            upr_session=session,
            cycle=cycle_of_session(session),
            year=year_of_session(session),
            action_category=action,
            themes=themes,
            groups=groups,
            origin=(self.name, line),
        )
