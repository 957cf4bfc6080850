"""Values read from the database made safe to print: what an import should have refused is
rendered harmlessly (and named in the log), never allowed to break a PDF, CSV or workbook.

Text loses the control characters XML (so XLSX) cannot hold and is capped; a number that is
not finite, or a value that is not text where text belongs, is left blank; a SHA-256 that is
not 64 lowercase hex (a path, say) is never printed as one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import re
from typing import Any, TypeVar

from nmrf_desktop.domain.text import XML_ILLEGAL

log = logging.getLogger(__name__)

_HEX64 = re.compile(r"[0-9a-f]{64}")
CELL_LIMIT = 32_767  # Excel's most characters in one cell
NAME_LIMIT = 300  # file names and titles: the columns' own size
T = TypeVar("T")


def text(value: object, limit: int = CELL_LIMIT) -> str:
    """`value` as printable text: control characters dropped, capped at `limit` ('…')."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return "(not text)"
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    clean = XML_ILLEGAL.sub("", value if isinstance(value, str) else str(value))
    return clean if len(clean) <= limit else clean[:limit - 1] + "…"


def cell(value: object) -> object:
    """A table cell: text made safe, a non-finite number blank, other values as they are."""
    if isinstance(value, str | bytes | bytearray | memoryview):
        return text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | dt.date | dt.datetime) or value is None:
        return value
    return text(value)


def row(values: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(cell(v) for v in values)


def sha256(value: object, where: str) -> str:
    """A SHA-256 to print, or '' (and a warning naming `where`) when it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and _HEX64.fullmatch(value):
        return value
    log.warning("report: %s has a SHA-256 that is not one (%r): not printed", where,
                text(value, 80))
    return ""


def fields(record: T, limits: dict[str, int] | None = None) -> T:
    """A dataclass record with each text field made safe (capped per `limits`), each
    non-finite number blanked (None), each non-text value in a text field shown as such."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        return record
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str | bytes | bytearray | memoryview):
            safe: Any = text(value, (limits or {}).get(f.name, CELL_LIMIT))
        elif isinstance(value, float) and not math.isfinite(value):
            safe = None
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            safe = tuple(text(v, NAME_LIMIT) for v in value)
        else:
            continue
        if safe != value:
            changes[f.name] = safe
    return dataclasses.replace(record, **changes) if changes else record
