"""The global SDG framework (resources/sdg): official titles, and checking an indicator code."""

from __future__ import annotations

import csv
import functools
import logging
from dataclasses import dataclass

from nmrf_desktop import paths
from nmrf_desktop.domain.indicators import is_sdg_indicator_code

log = logging.getLogger(__name__)

FRAMEWORK_FILE = "global_sdg_framework.csv"


@dataclass(frozen=True, slots=True)
class SdgEntry:
    """One goal, target or indicator of the framework."""

    kind: str  # goal | target | indicator
    code: str
    parent: str
    title: str


@functools.cache
def framework() -> dict[str, SdgEntry]:
    """Code -> entry, read once from resources/sdg/global_sdg_framework.csv."""
    path = paths.resources_dir() / "sdg" / FRAMEWORK_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        entries = {row["code"]: SdgEntry(row["kind"], row["code"], row["parent"], row["title"])
                   for row in csv.DictReader(fh)}
    log.debug("read %d SDG framework entries from %s", len(entries), path)
    return entries


def code_in(text: str) -> str:
    """The code a field holds when it holds a code and (part of) that code's official title,
    as a list of suggestions shows it ("16.3.2 — Unsentenced detainees as a ..." or
    "16.3.2 Unsentenced ..."): '16.3.2'. Any other text is returned as it is, stripped."""
    text = " ".join(text.split())
    code, _sep, rest = text.partition(" ")
    entry = framework().get(code)
    rest = rest.removeprefix("— ").removeprefix("- ").casefold()
    if entry is not None and rest and entry.title.casefold().startswith(rest):
        return code
    return text


def title_of(code: str | None) -> str:
    """The official title of a goal, target or indicator code; '' for none or unknown."""
    entry = framework().get(code or "")
    return entry.title if entry else ""


def indicators_of(target: str) -> list[str]:
    return [e.code for e in framework().values() if e.kind == "indicator" and e.parent == target]


def indicator_problem(code: str) -> str | None:
    """Why `code` is no global SDG indicator (said with what it could be), or None."""
    entries = framework()
    entry = entries.get(code)
    if entry is not None and entry.kind == "indicator":
        return None
    if entry is not None:  # a goal or a target
        below = indicators_of(code) if entry.kind == "target" else []
        hint = f": its indicators are {', '.join(below)}" if below else \
            ": give one of its indicators (16.3.2, not 16 or 16.3)"
        return f"SDG {code} is a {entry.kind}, not an indicator{hint}."
    if not is_sdg_indicator_code(code):
        return (f"{code!r} is not an SDG indicator code: write it as goal.target.indicator, "
                "e.g. 16.3.2.")
    target = code.rsplit(".", 1)[0]
    known = indicators_of(target)
    hint = f" (target {target} has {', '.join(known)})" if known else \
        f" (there is no target {target})"
    return f"SDG {code} is not in the global indicator framework{hint}."
