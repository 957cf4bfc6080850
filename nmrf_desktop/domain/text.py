"""Text rules shared by import, search and export: whitespace, folding, cell safety."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Sequence

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends; keep NFC form."""
    return unicodedata.normalize("NFC", _SPACE.sub(" ", text).strip())


def fold(text: str) -> str:
    """Lower-case and strip diacritics ('Māori' -> 'maori'), as search matching does."""
    # Decompose before and after case folding: compatibility forms ('𝓐', 'ﬁ') only take
    # a case once decomposed, and folding can yield new composed forms.
    decomposed = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def identity_text(text: str) -> str:
    """The form of a recommendation's text that decides whether two rows are the same."""
    return squash(text).casefold()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """True for cell text a spreadsheet would run as a formula (CSV/XLSX injection).

    A leading '-' followed by a space is the list-item style real UHRI exports use, and
    plain negative numbers are data, so both are allowed.
    """
    if not value or not value.startswith(_FORMULA_START):
        return False
    if value.startswith("- ") or value.strip() == "-":
        return False
    return not re.fullmatch(r"[-+]?\d+(\.\d+)?", value.strip())


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What XML 1.0 (so XLSX and DOCX) cannot hold: the C0 controls but tab, newline and carriage
# return, DEL, the non-characters and lone surrogates. A PDF shows them as boxes.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
MAX_LINK = 2000  # characters: the bundle and pack formats' limit for an evidence link


def is_http_link(value: str) -> bool:
    """A web link the record may hold and send: http(s), a host, no control characters,
    no white space around it, no backslash in the host part (the formats' one rule)."""
    if _CONTROL.search(value) or value != value.strip():
        return False
    try:
        parts = urllib.parse.urlsplit(value)
        _port = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        return False
    return (parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
            and value[len(parts.scheme):].startswith("://") and "\\" not in parts.netloc)


def and_list(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C' (as an English sentence lists them)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def natural(text: str) -> tuple[tuple[int, str], ...]:
    """A sort key that reads numbers as numbers: 'NZL-UPR5-064' before 'NZL-UPR18-001',
    'para 9' before 'para 12', SDG '2' before '10'."""
    return tuple((int(p), "") if p.isdigit() else (0, p.casefold())
                 for p in re.split(r"(\d+)", text) if p)
