"""Where each page of the site lives: stable file names from stable values, relative links."""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from xml.sax.saxutils import escape

CSS = "assets/site.css"
HOME = "index.html"
SEARCH = "search.html"
ABOUT = "about.html"
DATA = "data/index.html"
BROWSE = "browse/index.html"
INDICATORS = "indicators/index.html"
SITEMAP = "sitemap.xml"
_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 60) -> str:
    """'Te Puni Kōkiri – Māori' -> 'te-puni-kokiri-maori': ASCII, lower case, hyphens."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = _UNSAFE.sub("-", folded.lower()).strip("-")[:limit].strip("-")
    return out or "x"


def unique_slugs(values: Iterable[str]) -> dict[str, str]:
    """A file-name slug for each value; values whose slugs collide each get a short hash of
    the value added, so a value's file name never depends on which other values exist."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for value in dict.fromkeys(values):
        by_slug[slug(value)].append(value)
    out: dict[str, str] = {}
    for base, values_ in by_slug.items():
        for value in values_:
            if len(values_) == 1:
                out[value] = base
            else:
                digest = hashlib.sha256(value.encode()).hexdigest()[:8]
                out[value] = f"{base}-{digest}"
    return out


def recommendation(slug_: str) -> str:
    return f"recommendations/{slug_}.html"


def indicator(slug_: str) -> str:
    return f"indicators/{slug_}.html"


def facet_index(facet: str) -> str:
    return f"browse/{facet}/index.html"


def facet_page(facet: str, slug_: str, number: int = 1) -> str:
    return f"browse/{facet}/{slug_}.html" if number == 1 else \
        f"browse/{facet}/{slug_}-{number}.html"


def relative(page: str, target: str) -> str:
    """The link from `page` to `target` (both site paths), e.g. '../index.html'."""
    here, there = posixpath.dirname(page), posixpath.dirname(target)
    if here == there:
        return posixpath.basename(target)
    if here and there.startswith(here + "/"):
        return target[len(here) + 1:]
    return "../" * (here.count("/") + 1 if here else 0) + target


def sitemap(base_url: str, pages: list[str]) -> bytes:
    """sitemap.xml: every page's address (for a site published at `base_url`)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(base_url + page)}</loc></url>" for page in sorted(pages)]
    return ("\n".join([*lines, "</urlset>"]) + "\n").encode("utf-8")
