"""The guide's bundled HTML: where it is, its sections (for the contents list) and its images."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from nmrf_desktop import paths

HEADINGS = {"h2": 1, "h3": 2}


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the guide: its anchor, its text and its depth (1 for h2, 2 for h3)."""

    anchor: str
    title: str
    level: int


def guide_dir() -> Path:
    return paths.resources_dir() / "guide"


def guide_file() -> Path:
    return guide_dir() / "index.html"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.images: list[str] = []
        self.sections: list[Section] = []
        self._heading: tuple[str, int] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "img" and found.get("src"):
            self.images.append(found["src"] or "")
        if tag in HEADINGS and found.get("id"):
            self._heading, self._text = (found["id"] or "", HEADINGS[tag]), []

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self._heading is not None:
            anchor, level = self._heading
            self.sections.append(Section(anchor, " ".join("".join(self._text).split()), level))
            self._heading = None


def read(path: Path | None = None) -> _Reader:
    reader = _Reader()
    reader.feed((path or guide_file()).read_text(encoding="utf-8"))
    reader.close()
    return reader


def sections(path: Path | None = None) -> list[Section]:
    """The h2 and h3 headings that have an id, in order."""
    return read(path).sections


def anchors(path: Path | None = None) -> set[str]:
    """Every id in the guide: what a dialog's help topic may name."""
    return set(read(path).ids)


def images(path: Path | None = None) -> list[str]:
    """The src of every picture, relative to the guide's folder."""
    return read(path).images
