"""The header rows UPR Info's exports come with, told apart by what the header row holds.

Three layouts carry the same recommendations:

- the database export itself (Excel 97 `.xls`, "UPR Info database export", or it saved
  as CSV/.xlsx): `SuR, Rgrp, Org, Recommendation, RS, Rgrp, Org, Response, Action, Issue,
  Session`. `Rgrp` and `Org` come twice: the pair after `SuR` is the State under review's,
  the pair after `RS` the recommending State's;
- the same columns renamed by a researcher (the bundled CSVs): `To, To-Rgrp, To-Org, Text,
  From, From-Rgrp, From-Org, Response, Action, Issue, Session`;
- today's UPR Info database fields: `State under Review, Recommending State,
  Recommendation, Response, Issues, Cycle, Session, Action Category` (and regional groups
  when the export has them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.importers.base import ImportFailed

# The canonical columns every layout is read into, in the renamed CSVs' order.
COLUMNS = ("To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response",
           "Action", "Issue", "Session", "Cycle")
NO_COLUMN = -1


@dataclass(frozen=True, slots=True)
class Layout:
    """A header row understood: which layout, where each canonical column is, its label."""

    key: str                    # "upr-info-export" | "upr-info-csv" | "upr-info-database"
    title: str                  # said in the import report
    cols: tuple[int, ...]       # position of each of COLUMNS in a row, NO_COLUMN if absent
    labels: dict[str, str]      # canonical column -> the header text in the file
    width: int                  # cells in the header row

    @property
    def needed(self) -> int:
        """Cells a row must have to reach every column this layout reads."""
        return max(self.cols) + 1


def _fold(label: str) -> str:
    return re.sub(r"[\s_\-–—]+", " ", label).strip().casefold()


_RENAMED = {"to": "To", "to rgrp": "To-Rgrp", "to org": "To-Org", "text": "Text",
            "from": "From", "from rgrp": "From-Rgrp", "from org": "From-Org",
            "response": "Response", "action": "Action", "issue": "Issue",
            "session": "Session"}
_NATIVE_SINGLE = {"sur": "To", "recommendation": "Text", "rs": "From",
                  "response": "Response", "action": "Action", "issue": "Issue",
                  "session": "Session"}
_DATABASE = {
    "state under review": "To", "sur": "To", "country": "To",
    "state under review regional group": "To-Rgrp", "sur regional group": "To-Rgrp",
    "recommendation": "Text", "recommendations": "Text",
    "recommending state": "From", "recommending states": "From", "recommending country": "From",
    "recommending state regional group": "From-Rgrp", "rs regional group": "From-Rgrp",
    "regional group": "From-Rgrp",
    "response": "Response", "position": "Response", "state response": "Response",
    "action category": "Action", "action": "Action", "category": "Action",
    "issues": "Issue", "issue": "Issue", "themes": "Issue",
    "session": "Session", "upr session": "Session",
    "cycle": "Cycle", "upr cycle": "Cycle",
}
REQUIRED = ("To", "Text", "From", "Response", "Session")
# How each layout spells the canonical columns, for naming the missing ones.
_SPELLING: dict[str, dict[str, str]] = {
    "upr-info-export": {"To": "SuR", "Text": "Recommendation", "From": "RS"},
    "upr-info-csv": {},
    "upr-info-database": {"To": "State under Review", "Text": "Recommendation",
                          "From": "Recommending State"},
}

EXPECTED = (
    "the UPR Info database export (SuR, Rgrp, Org, Recommendation, RS, Rgrp, Org, Response, "
    "Action, Issue, Session)",
    "its renamed CSV (To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, "
    "Action, Issue, Session)",
    "today's UPR Info database fields (State under Review, Recommending State, "
    "Recommendation, Response, Issues, Cycle, Session, Action Category)",
)


def _native(folded: Sequence[str]) -> dict[str, int]:
    """SuR/RS columns; the Rgrp/Org pair after SuR is its, the pair after RS the recommender's."""
    found: dict[str, int] = {}
    sur = folded.index("sur") if "sur" in folded else NO_COLUMN
    rs = folded.index("rs") if "rs" in folded else NO_COLUMN
    for i, label in enumerate(folded):
        column = _NATIVE_SINGLE.get(label)
        if column and column not in found:
            found[column] = i
        elif label in ("rgrp", "org"):
            # Whose: the nearest of SuR and RS before it (position decides, not the name).
            before = [(p, o) for p, o in ((sur, "To"), (rs, "From")) if 0 <= p < i]
            owner = max(before)[1] if before else "To"
            column = f"{owner}-{'Rgrp' if label == 'rgrp' else 'Org'}"
            found.setdefault(column, i)
    return found


def _mapped(folded: Sequence[str], names: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, label in enumerate(folded):
        column = names.get(label)
        if column and column not in found:
            found[column] = i
    return found


def detect(header: Sequence[str], name: str, row: int = 1) -> Layout:
    """The layout of `header`, or ImportFailed saying what it holds and what was expected."""
    labels = [" ".join(h.split()) for h in header]
    folded = [_fold(h) for h in labels]
    candidates = (
        ("upr-info-export", "UPR Info database export (SuR/RS headers)", _native(folded)),
        ("upr-info-csv", "UPR Info CSV with renamed headers (To/Text/From)",
         _mapped(folded, _RENAMED)),
        ("upr-info-database", "UPR Info database fields (State under Review/Recommending "
                              "State)", _mapped(folded, _DATABASE)),
    )
    # The native export is told by SuR and RS, the renamed one by To and From; the
    # database fields by their long names. Whichever reads the most required columns wins.
    best = max(candidates, key=lambda c: sum(col in c[2] for col in REQUIRED))
    key, title, found = best
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        held = ", ".join(repr(h) for h in labels if h) or "nothing"
        if len(missing) < len(REQUIRED):  # some of one layout's columns: name the rest
            names = ", ".join(_SPELLING[key].get(c, c) for c in missing)
            why = (f"is not a complete UPR Info export: its header row holds {_cut(held)}; "
                   f"missing column(s) {names} of the {title}")
        else:
            why = (f"is not a UPR Info export: its header row holds {_cut(held)}; expected "
                   f"{'; or '.join(EXPECTED)}")
        raise ImportFailed([RowProblem(name, row, "", why)])
    cols = tuple(found.get(c, NO_COLUMN) for c in COLUMNS)
    spelt = {c: _label(labels, found[c]) for c in found}
    return Layout(key, title, cols, spelt, len(header))


def _label(labels: Sequence[str], i: int) -> str:
    """The header text of column i; a repeated one (Rgrp, Org) named with its position."""
    label = labels[i]
    if labels.count(label) > 1:
        return f"{label} (column {i + 1})"
    return label


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
