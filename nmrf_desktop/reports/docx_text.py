"""Text for a Word draft made safe (XML cannot hold most control characters) and dates
written out in words, the same on every machine."""

from __future__ import annotations

import datetime as dt
import logging
import re

log = logging.getLogger(__name__)

# The rule of services.reports.safe (which this layer may not import): XML 1.0 keeps tab,
# newline and carriage return of the C0 controls; the rest, and the non-characters, go.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def clean(value: object) -> str:
    """`value` as text Word can hold: control characters dropped (and logged), CR as LF."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    safe = _ILLEGAL.sub("", text)
    if safe != text:
        log.debug("draft: dropped %d control character(s) from %r", len(text) - len(safe),
                    safe[:60])
    return safe.replace("\r\n", "\n").replace("\r", "\n")


def long_date(day: dt.date) -> str:
    """'2 December 2026', whatever the machine's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
