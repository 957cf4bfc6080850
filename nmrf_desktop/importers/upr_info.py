"""UPR Info database export (CSV): Mac Roman or UTF-8, CR or LF line ends, HTML entities.

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
from pathlib import Path

from ..domain.enums import Mechanism, Position, Source
from ..domain.records import RecommendationIn, RowProblem, StateRef
from ..domain.text import identity_text, squash
from ..domain.upr import cycle_of_session, year_of_session
from .base import ImportFailed, Parsed, check_text_cell, merge_repeats, read_file

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
_MAORI = re.compile(r"\bm(a|ā)ori\b", re.IGNORECASE)


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Text of the file: the given encoding, else UTF-8, else Mac Roman (UPR Info's own)."""
    if b"\x00" in data[:4096]:
        raise ImportFailed([RowProblem(name, 0, "", "is a binary file, not a CSV text file")])
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ImportFailed([RowProblem(name, 0, "", f"cannot be read as {encoding}: {exc}")]
                               ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("mac_roman")


def identity(to: str, session: int, frm: str, text: str) -> str:
    key = "\x1f".join([squash(to).casefold(), str(session), squash(frm).casefold(),
                       identity_text(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (squash(x) for x in value.split(",")) if p))


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
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            rec = _record(row, index, name, line, out.rejected)
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


def _record(row: list[str], index: dict[str, int], name: str, line: int,
            problems: list[RowProblem]) -> RecommendationIn | None:
    if len(row) != len(index) and len(row) < max(index.values()) + 1:
        problems.append(RowProblem(name, line, "", f"has {len(row)} fields, expected "
                                   f"{max(index.values()) + 1}"))
        return None

    def cell(column: str) -> str:
        i = index.get(column)
        return html.unescape(row[i]).strip() if i is not None and i < len(row) else ""

    before = len(problems)
    for column in ("To", "Text", "From", "Issue"):
        problem = check_text_cell(cell(column), name, line, column)
        if problem:
            problems.append(problem)
    text, to, frm = squash(cell("Text")), squash(cell("To")), squash(cell("From"))
    for column, value in (("Text", text), ("To", to), ("From", frm)):
        if not value:
            problems.append(RowProblem(name, line, column, "is empty"))
    session_text = cell("Session")
    session = int(session_text) if session_text.isdigit() else None
    if session is None or session < 1:
        problems.append(RowProblem(name, line, "Session",
                                   f"{session_text!r} is not a UPR session number"))
    response = cell("Response").casefold()
    position = _POSITIONS.get(response)
    if response and position is None:
        problems.append(RowProblem(name, line, "Response",
                                   f"{cell('Response')!r} is not Accepted or Noted"))
    action_text = cell("Action")
    action = int(action_text) if action_text.isdigit() else None
    if action_text and (action is None or not 1 <= action <= 5):
        problems.append(RowProblem(name, line, "Action",
                                   f"{action_text!r} is not an action category 1-5"))
    if len(problems) > before or session is None:
        return None
    themes = _split(cell("Issue"))
    groups = tuple(dict.fromkeys(
        [ISSUE_GROUPS[t] for t in themes if t in ISSUE_GROUPS]
        + (["Māori"] if _MAORI.search(text) else [])))
    return RecommendationIn(
        source=Source.UPR_INFO,
        source_id=identity(to, session, frm, text),
        text=text,
        country=to,
        mechanism=Mechanism.UPR,
        body="UPR",
        states=(StateRef(frm, squash(cell("From-Rgrp"))),),
        position=position,
        upr_session=session,
        cycle=cycle_of_session(session),
        year=year_of_session(session),
        action_category=action,
        themes=themes,
        groups=groups,
        origin=(name, line),
    )
