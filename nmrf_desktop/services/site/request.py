"""What publishing the site is asked for and what it gives, and its checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from nmrf_desktop.reports.site.strings import LANGS
from nmrf_desktop.services.reports.request import ReportError


@dataclass(frozen=True, slots=True)
class PublishRequest:
    out: Path
    base_url: str = ""  # absolute URL the site will live at ("" = relative links only)
    lang: str = "en"  # "en" | "mi": the chrome strings' language


@dataclass(frozen=True, slots=True)
class PublishResult:
    folder: Path
    recommendations: int
    pages: int  # HTML pages
    written: int  # files written (changed or new), search index included
    unchanged: int  # files left as they were: their bytes had not changed
    removed: int  # files of the previous site that are gone
    index_bytes: int  # the search index's size
    left_out: tuple[tuple[str, int], ...] = ()  # other states the record holds: not published


class PublishError(ReportError):
    """The site cannot be published as asked; nothing was written. `field` is "out",
    "base_url" or "lang"."""


def checked_base_url(text: str) -> str:
    """'' or an absolute http(s) address, ending in '/' (pages are named relative to it)."""
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or any(c.isspace() for c in text):
        raise PublishError(f"the base URL must be an absolute http:// or https:// address "
                           f"with no query or fragment, not {text!r}", "base_url")
    return text if text.endswith("/") else text + "/"


def checked_lang(lang: str) -> str:
    if lang not in LANGS:
        raise PublishError(f"unknown site language {lang!r}: choose one of "
                           f"{', '.join(LANGS)}", "lang")
    return lang
