"""Text for a Word draft made safe: XML cannot hold most control characters."""

from __future__ import annotations

import logging

from nmrf_desktop.domain.text import XML_ILLEGAL

log = logging.getLogger(__name__)

def clean(value: object) -> str:
    """`value` as text Word can hold: control characters dropped (and logged), CR as LF."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    safe = XML_ILLEGAL.sub("", text)
    if safe != text:
        log.debug("draft: dropped %d control character(s) from %r", len(text) - len(safe),
                    safe[:60])
    return safe.replace("\r\n", "\n").replace("\r", "\n")
