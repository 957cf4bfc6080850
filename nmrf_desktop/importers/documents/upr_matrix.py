"""OHCHR's "Thematic list of recommendations" (the UPR matrix), in both layouts it has used.

2nd–3rd cycle: `Recommendation | Position | Full list of themes | Assessment/comments on
level of implementation` (themes, "SDGs:" and "Affected persons:" in the third cell).
4th cycle: `Recommendation and recommending State | Position of the State under review |
Human rights themes and groups of persons | Relevant SDGs` ("Groups of Persons:" in the
third cell, the goals in the fourth). In both, "Theme: …" rows head each group of
recommendations, and each recommendation cell ends "Source of Position: A/HRC/…".
"""

from __future__ import annotations

import logging
import re

from nmrf_desktop.domain.upr import cycle_of_session
from nmrf_desktop.importers.documents.blocks import Extracted
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.importers.documents.states import split_states
from nmrf_desktop.importers.documents.text import clean, clean_lines, position_of

log = logging.getLogger(__name__)

_REC = re.compile(r"^(\d{1,3}\.\d{1,3})\.?\s+(.*)$", re.S)
_SOURCE = re.compile(r"\s*Source of position\s*:\s*(.*)$", re.I | re.S)
_THEME_CODE = re.compile(r"^[A-Z]\d{1,2}\s+(?=\S)")
_GROUPS = re.compile(r"^(?:affected persons|groups of persons)\s*:?\s*(.*)$", re.I)
_SDGS = re.compile(r"^SDGs?\s*:?\s*(.*)$", re.I)
_GOAL = re.compile(r"^(?:-\s*)?(?:SDG\s*|Goal\s*)?(\d{1,2})\b")
_REVIEW = re.compile(r"UPR of (.+?)\s*\((\d)\w*\s+Cycle\s*[-–]\s*(\d{1,2})\w*\s+session\)",
                     re.I)


def matrix_columns(table: list[list[str]]) -> tuple[int, ...] | None:
    """(recommendation, position, themes, sdgs-or--1) columns when `table`'s first row
    is a UPR matrix header in either layout, else None."""
    if not table:
        return None
    header = [clean(c).casefold() for c in table[0]]

    def find(*starts: str) -> int:
        return next((i for i, h in enumerate(header) if h.startswith(starts)), -1)

    rec = find("recommendation")
    pos = find("position")
    themes = find("full list of themes", "human rights themes", "themes")
    sdgs = find("relevant sdg", "sdg")
    if rec < 0 or pos < 0 or themes < 0 or pos == rec:
        return None
    return rec, pos, themes, sdgs


def read_matrix(doc: Extracted, table: list[list[str]], columns: tuple[int, ...],
                symbol: str = "") -> DocumentPreview:
    """Every recommendation row of the matrix table, under its theme heading row."""
    rec_col, pos_col, theme_col, sdg_col = columns
    preview = DocumentPreview(file=doc.file, document=_info(doc, symbol))
    section = ""
    seen: set[str] = set()
    for number, row in enumerate(table[1:], start=2):
        cells = [row[i] if i < len(row) else "" for i in range(max(columns) + 1)]
        first = clean(cells[rec_col])
        if not first:
            continue
        if first.casefold().startswith("theme:") or (len(set(map(clean, row))) == 1 and \
                not _REC.match(first)):
            section = _THEME_CODE.sub("", clean(first.split(":", 1)[-1]))
            continue
        rec = _recommendation(cells[rec_col], cells[pos_col], cells[theme_col],
                              cells[sdg_col] if sdg_col >= 0 else "", section)
        if rec is None:
            preview.warnings.append(f"{doc.file}: table row {number} has no recommendation "
                                    f"number; skipped ({first[:60]!r})")
            continue
        if rec.paragraph in seen:
            preview.warnings.append(f"{doc.file}: recommendation {rec.paragraph} appears "
                                    f"twice (row {number}); the second is kept apart")
        seen.add(rec.paragraph)
        if rec.position is None:
            preview.warnings.append(f"{doc.file}: recommendation {rec.paragraph} (row "
                                    f"{number}) has no position")
        preview.recommendations.append(rec)
    if not preview.recommendations:
        preview.warnings.append(f"{doc.file}: the matrix table holds no recommendations")
    return preview


def _recommendation(cell: str, position: str, themes: str, sdgs: str,
                    section: str) -> DocumentRecommendation | None:
    source_text = cell.strip()
    text = "\n".join(clean_lines(cell))
    position_source = ""
    if m := _SOURCE.search(text):
        position_source = clean(m.group(1))
        text = text[:m.start()]
    m = _REC.match(clean(text.replace("\n", " ")))
    if not m:
        return None
    body, states = split_states(m.group(2))
    theme_list, groups, goals = _themes_cell(themes)
    goals += [g for g in _goals(clean_lines(sdgs)) if g not in goals]
    return DocumentRecommendation(
        paragraph=m.group(1), text=body, recommending_states=states,
        position=position_of(clean(position)) if clean(position) else None,
        themes=tuple(theme_list), affected_groups=tuple(groups), sdgs=tuple(goals),
        section=section, source_text=source_text, position_source=position_source)


def _bullet(line: str) -> str:
    return clean(re.sub(r"^[-•–\u2022\u25aa]\s*", "", line))


def _themes_cell(cell: str) -> tuple[list[str], list[str], list[str]]:
    """Themes, affected groups and SDG goal numbers from a themes cell."""
    themes: list[str] = []
    groups: list[str] = []
    sdg_lines: list[str] = []
    into = themes
    for line in clean_lines(cell):
        if m := _GROUPS.match(line):
            into = groups
            line = m.group(1)
        elif m := _SDGS.match(line):
            into = sdg_lines
            line = m.group(1)
        item = _bullet(line)
        if not item:
            continue
        if into is themes:
            item = _THEME_CODE.sub("", item)
        if item not in into:
            into.append(item)
    return themes, groups, _goals(sdg_lines)


def _goals(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        m = _GOAL.match(clean(line))
        if m and 1 <= int(m.group(1)) <= 17 and m.group(1) not in out:
            out.append(str(int(m.group(1))))
    return out


def _info(doc: Extracted, symbol: str) -> DocumentInfo:
    """The review the matrix is for, from its page header ("UPR of Slovenia (3rd Cycle -
    34th Session)"). A matrix has no symbol of its own: it lists the recommendations of a
    Working Group report, whose symbol the Source of Position notes give (A/HRC/43/15)."""
    country, session, cycle = "", None, None
    if m := _REVIEW.search(doc.header or doc.head):
        country = clean(m.group(1))
        cycle = int(m.group(2))
        session = int(m.group(3))
    if session and not cycle:
        cycle = cycle_of_session(session)
    if not symbol:
        found = re.search(r"A/HRC/\d+/\d+", doc.text())
        symbol = found.group(0) if found else ""
    return DocumentInfo(kind=DocumentKind.UPR_MATRIX, symbol=symbol, body="UPR", country=country,
                        upr_session=session, cycle=cycle)

