"""UPR Info database export: Excel 97 `.xls`, `.xlsx` or CSV (UTF-8, UTF-16 or Mac Roman, CR or
LF line ends), HTML entities; any of its header layouts (`upr_info_layouts`).

A row's identity is its state under review, session, recommending state and text
(whitespace and case folded), so a re-import matches it, whatever shape the file came in,
and a repeated row is merged into the first (listed in the import report). Voluntary
pledges are not recommendations: a file of them is refused with one message, and the odd
pledge among recommendations is skipped and counted.
"""

from __future__ import annotations

import hashlib
import html
import logging
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
)
from nmrf_desktop.importers.upr_info_layouts import COLUMNS, NO_COLUMN, Layout, detect
from nmrf_desktop.importers.upr_info_sheets import read_sheet

log = logging.getLogger(__name__)

REQUIRED = ("To", "Text", "From", "Response", "Session")
PLEDGES = "voluntary pledges"
_PLEDGE = "voluntary pledge"
_POSITIONS = {"accepted": Position.SUPPORTED, "supported": Position.SUPPORTED,
              "noted": Position.NOTED, "rejected": Position.NOTED,
              "not supported": Position.NOTED, "not accepted": Position.NOTED,
              "partially accepted": Position.SUPPORTED_IN_PART,
              "partially supported": Position.SUPPORTED_IN_PART,
              "supported in part": Position.SUPPORTED_IN_PART,
              "supported/noted": Position.SUPPORTED_IN_PART}
_NO_POSITION = frozenset({"pending", "pending response", "no response", "-"})
_ACTIONS = {"minimal action": 1, "continuing action": 2, "considering action": 3,
            "general action": 4, "specific action": 5}
_SESSION = re.compile(r"(?:session\s*)?0*([0-9]{1,3})(?:st|nd|rd|th)?(?:\s*session)?")
_CYCLE = re.compile(r"(?:(?:upr\s*)?cycle\s*)?([0-9])(?:st|nd|rd|th)?(?:\s*cycle)?")
_ACTION = re.compile(r"(?:category\s*)?([1-5])(?:\s*[-–:.]\s*\D.*)?")

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


def _number(pattern: re.Pattern[str], cell: str) -> int | None:
    """The ASCII number `pattern` finds in the whole cell ('²' and '١' are digits to Python)."""
    if cell.isascii() and cell.isdigit() and len(cell) <= 3:  # the common case, quickly
        return int(cell)
    match = pattern.fullmatch(cell.casefold()) if cell.isascii() else None
    return int(match.group(1)) if match else None


def _action(cell: str) -> int | None:
    """UPR Info's action category: '5', 'Category 5', '5 - Specific action' or its name."""
    number = _number(_ACTION, cell)
    if number is not None:
        return number if 1 <= number <= 5 else None
    return _ACTIONS.get(" ".join(cell.casefold().split()))


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
    """Read one UPR Info export (.xls, .xlsx or CSV, any of its header layouts); every bad
    row is a RowProblem, nothing is guessed. A voluntary-pledges export is refused whole."""
    name = path.name
    sheet = read_sheet(Path(path), encoding)
    header = [html.unescape(h).strip() for h in sheet.header]
    layout = detect(header, name, sheet.header_row)
    out = Parsed(layout=f"{layout.title}, {sheet.shape_title}")
    reading = _Reader(layout, name, out.rejected)
    for line, row in sheet.rows:
        rec = reading.record(row, line)
        if rec is not None:
            out.records.append(rec)
    if reading.pledges:
        if reading.pledges * 2 >= reading.rows:
            raise ImportFailed([RowProblem(
                name, 0, "",
                f"is a UPR Info voluntary-pledges export ({reading.pledges} of its "
                f"{reading.rows} rows are voluntary pledges), not recommendations: a pledge "
                f"is a commitment the State under review made itself, not a recommendation "
                f"made to it, so this record does not import them")])
        out.skipped[PLEDGES] = reading.pledges
    log.info("upr-info %s: %s; %d rows read, %d rejected, %d pledges skipped", name,
             out.layout, len(out.records), len(out.rejected), reading.pledges)
    out.records, out.repeats = merge_repeats(out.records, _describe_repeat)
    return out


def _describe_repeat(rec: RecommendationIn, first: RecommendationIn) -> str:
    frm = rec.states[0].name if rec.states else ""
    return (f"{rec.origin[0]} row {rec.origin[1]} repeats row {first.origin[1]} "
            f"({rec.country} / session {rec.upr_session} / {frm}): merged into one")


class _Reader:
    """Turns rows into records. Cells that repeat (states, groups, issues) are cleaned once."""

    def __init__(self, layout: Layout, name: str, problems: list[RowProblem]) -> None:
        self.name = name
        self.problems = problems
        self.labels = layout.labels
        self.width = layout.width
        self.needed = layout.needed
        self.cols = layout.cols
        # The export's own order (native or renamed headers, no Cycle): cells as they come.
        self.standard = self.cols == (*range(len(COLUMNS) - 1), NO_COLUMN)
        self.names: dict[str, tuple[str, str]] = {}  # cell -> (squashed, identity form)
        self.state_refs: dict[tuple[str, str], tuple[StateRef, ...]] = {}
        self.issues: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.rows = 0     # data rows that are not blank
        self.pledges = 0  # of them, voluntary pledges

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

    def _problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.name, line, self.labels.get(column, column),
                                        message))

    def record(self, row: list[str], line: int) -> RecommendationIn | None:
        """The row as a record; None for a blank row, a pledge or a bad one (its problems
        noted)."""
        width = len(row)
        if width == self.width and self.standard:
            cells = [(html.unescape(v) if "&" in v else v).strip() for v in row[:11]]
            cells.append("")
        else:
            cells = [(html.unescape(row[i]) if "&" in row[i] else row[i]).strip()
                     if 0 <= i < width else "" for i in self.cols]
        if not any(cells) and not any(cell.strip() for cell in row):
            return None
        self.rows += 1
        if width != self.width and width < self.needed:
            self.problems.append(RowProblem(self.name, line, "", f"has {width} fields, "
                                            f"expected {self.needed}"))
            return None
        (to_cell, _to_rgrp, _to_org, text_cell, frm_cell, rgrp_cell, _frm_org, response_cell,
         action_cell, issue_cell, session_cell, cycle_cell) = cells
        response = response_cell.casefold()
        if response not in _POSITIONS:
            response = " ".join(response.split())
        if response == _PLEDGE:
            self.pledges += 1
            return None
        problems = self.problems
        before = len(problems)
        for column, value in (("To", to_cell), ("Text", text_cell), ("From", frm_cell),
                              ("From-Rgrp", rgrp_cell), ("Issue", issue_cell)):
            if value.startswith(_FORMULA_START):
                problem = check_text_cell(value, self.name, line,
                                          self.labels.get(column, column))
                if problem:
                    problems.append(problem)
        text = _squash(text_cell)
        to, to_key = self._name(to_cell)
        frm, frm_key = self._name(frm_cell)
        for column, value in (("Text", text), ("To", to), ("From", frm)):
            if not value:
                self._problem(line, column, "is empty")
        session = _number(_SESSION, session_cell)
        if session is None or not 1 <= session <= MAX_SESSION:
            session = None
            self._problem(line, "Session", f"{cut(session_cell)} is not a UPR session number")
        cycle = cycle_of_session(session) if session else None
        if cycle_cell:
            given = _number(_CYCLE, cycle_cell)
            if given is None or given < 1:
                self._problem(line, "Cycle", f"{cut(cycle_cell)} is not a UPR cycle")
            elif session is not None and cycle is not None and given != cycle:
                self._problem(line, "Cycle", f"cycle {given} does not match session "
                                             f"{session} (cycle {cycle})")
            else:
                cycle = given
        position = _POSITIONS.get(response)
        if response and position is None and response not in _NO_POSITION:
            self._problem(line, "Response", f"{cut(response_cell)} is not Accepted, "
                                            f"Supported, Noted or Not Supported")
        action = _action(action_cell) if action_cell else None
        if action_cell and action is None:
            self._problem(line, "Action", f"{cut(action_cell)} is not an action category 1-5")
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
            cycle=cycle,
            year=year_of_session(session),
            action_category=action,
            themes=themes,
            groups=groups,
            origin=(self.name, line),
        )
