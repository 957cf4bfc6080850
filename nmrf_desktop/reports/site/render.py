"""Jinja2 rendering of one page: the templates (package data, autoescaped) and the helpers
every page has (chrome strings, relative links, the canonical address)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from nmrf_desktop.reports.site import paths
from nmrf_desktop.reports.site.strings import Chrome, mechanism


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to write: where, with which template and values."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    indexed: bool = False  # searchable (Pagefind indexes its main content)
    section: str = ""  # which top navigation entry it belongs to


def window(number: int, total: int, around: int = 2) -> list[int]:
    """The page numbers a pager shows: the first, the last and those around `number`;
    0 marks a gap. window(7, 20) == [1, 0, 5, 6, 7, 8, 9, 0, 20]."""
    shown = sorted({1, total, *range(max(1, number - around), min(total, number + around) + 1)})
    out: list[int] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(0)
        out.append(n)
    return out


def environment() -> Environment:
    env = Environment(loader=PackageLoader("nmrf_desktop.reports.site", "templates"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["mechanism"] = mechanism
    env.globals["window"] = window
    return env


class Renderer:
    """Renders pages of one site language and address to UTF-8 bytes."""

    def __init__(self, lang: str, base_url: str = "") -> None:
        self.env = environment()
        self.chrome = Chrome(lang)
        self.lang = lang
        self.base_url = base_url
        # Content is recorded in English: on a te reo Māori site its elements say so.
        self.en = Markup(' lang="en"') if lang == "mi" else Markup("")

    def render(self, page: Page) -> bytes:
        def url(target: str) -> str:
            return paths.relative(page.path, target)

        values = {
            "t": self.chrome, "lang": self.lang, "en": self.en, "url": url, "page": page,
            "paths": paths,
            "canonical": self.base_url + page.path if self.base_url else "",
            **page.context,
        }
        text = self.env.get_template(page.template).render(values)
        return text.encode("utf-8")

    def static(self, name: str) -> bytes:
        """A static file shipped with the templates (the stylesheet)."""
        source = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return source[0].encode("utf-8")
