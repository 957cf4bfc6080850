"""Every kind of page exists, its links resolve, its structure is accessible (landmarks,
one h1, headings in order, tables with captions and scoped headers, charts with titles),
te reo Māori is marked and keeps its macrons, and the browse pages list a recommendation
under every theme and group it carries."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from nmrf_desktop.reports.site.facets import FACETS
from nmrf_desktop.reports.site.paths import slug
from nmrf_desktop.reports.site.render import window

from .conftest import MACRON_TEXT, Site, site_files

_EMPTY = {"meta", "link", "br", "img", "input", "hr", "source", "col", "wbr"}


@dataclass
class Shape:
    """What a page is made of, as the checks need it."""

    lang: str = ""
    headings: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    landmarks: list[str] = field(default_factory=list)
    main_id: str = ""
    first_link: str = ""
    tables: int = 0
    captions: int = 0
    unscoped_th: int = 0
    svgs: int = 0
    svg_titles: int = 0
    svg_roles: int = 0
    mi_text: list[str] = field(default_factory=list)
    scripts: int = 0
    pagefind_body: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape = Shape()
        self.stack: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        s = self.shape
        if tag == "html":
            s.lang = a.get("lang") or ""
        if re.fullmatch(r"h[1-6]", tag):
            s.headings.append(int(tag[1]))
        if tag in ("header", "nav", "main", "footer"):
            s.landmarks.append(tag)
        if tag == "main":
            s.main_id = a.get("id") or ""
            s.pagefind_body = "data-pagefind-body" in a
        for name in ("href", "src"):
            if a.get(name) and tag != "html":
                s.links.append(a[name] or "")
                if tag == "a" and not s.first_link:
                    s.first_link = a[name] or ""
        s.tables += tag == "table"
        s.captions += tag == "caption"
        s.unscoped_th += tag == "th" and a.get("scope") not in ("col", "row")
        s.svgs += tag == "svg"
        s.svg_roles += tag == "svg" and a.get("role") == "img"
        s.svg_titles += tag == "title" and any(t == "svg" for t, _l in self.stack)
        s.scripts += tag == "script"
        if tag not in _EMPTY:
            self.stack.append((tag, a.get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and any(lang == "mi" for _t, lang in self.stack):
            self.shape.mi_text.append(data.strip())


def shape(html: bytes) -> Shape:
    reader = _Reader()
    reader.feed(html.decode("utf-8"))
    return reader.shape


def _pages(site: Site) -> dict[str, bytes]:
    return {n: d for n, d in site_files(site.out).items() if n.endswith(".html")
            and not n.startswith("pagefind/")}


def test_every_page_kind_exists(site: Site) -> None:
    pages = _pages(site)
    assert {"index.html", "search.html", "about.html", "data/index.html", "browse/index.html",
            "indicators/index.html", "indicators/pris-remand.html"} <= set(pages)
    for facet in FACETS:
        assert f"browse/{facet}/index.html" in pages
        assert any(n.startswith(f"browse/{facet}/") and n != f"browse/{facet}/index.html"
                   for n in pages), facet
    recs = [n for n in pages if n.startswith("recommendations/")]
    assert len(recs) == site.result.recommendations == 230
    assert len(pages) == site.result.pages
    # 226 recommendations have no public update: three pages of 100.
    assert {f"browse/status/no-public-update{s}.html" for s in ("", "-2", "-3")} <= set(pages)
    for name in ("recommendations", "progress", "actions", "evidence", "indicators",
                 "indicator_values"):
        assert (site.out / "data" / f"{name}.csv").is_file()
    assert (site.out / "data" / "nmrf-public.xlsx").is_file()
    assert (site.out / "data" / "nmrf-public.json").is_file()


def test_links_resolve_and_structure_is_accessible(site: Site) -> None:
    for name, html in _pages(site).items():
        s = shape(html)
        assert s.lang == "en", name
        assert s.headings and s.headings[0] == 1 and s.headings.count(1) == 1, name
        steps = [b - a for a, b in zip(s.headings, s.headings[1:], strict=False)]
        assert max(steps, default=0) <= 1, (name, s.headings)
        assert s.landmarks.count("main") == 1 and {"header", "nav", "footer"} <= set(
            s.landmarks), name
        assert s.first_link == "#main" and s.main_id == "main", name
        assert s.captions == s.tables and s.unscoped_th == 0, name
        assert s.svg_roles == s.svg_titles == s.svgs, name
        assert s.scripts == (2 if name == "search.html" else 0), name
        for link in s.links:
            if link.startswith("#") or re.match(r"[a-z]+:", link):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name),
                                                       link.split("#")[0]))
            assert (site.out / target).is_file(), f"{name} links to missing {link}"


def test_search_covers_content_pages_only(site: Site) -> None:
    pages = _pages(site)
    indexed = {n for n, html in pages.items() if shape(html).pagefind_body}
    assert {n for n in pages if n.startswith(("recommendations/", "indicators/"))} - {
        "indicators/index.html"} <= indexed
    assert not [n for n in indexed if n.startswith("browse/")]


def _cbor(data: bytes, at: int = 0) -> tuple[object, int]:
    """One CBOR item (the parts Pagefind's index uses: numbers, text, bytes, arrays, maps)."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        arg = info
    else:
        size = 1 << (info - 24)
        arg, at = int.from_bytes(data[at:at + size], "big"), at + size
    if major in (0, 1, 7):
        return (arg if major != 1 else -1 - arg), at
    if major in (2, 3):
        raw = data[at:at + arg]
        return (raw.decode() if major == 3 else raw), at + arg
    if major == 6:
        return _cbor(data, at)
    items = []
    for _ in range(arg * (2 if major == 5 else 1)):
        item, at = _cbor(data, at)
        items.append(item)
    return items, at


def _words(node: object) -> dict[str, list[str]]:
    """Each indexed word -> the texts nested in its entry (its variants among them)."""
    found: dict[str, list[str]] = {}
    if isinstance(node, list):
        if node and isinstance(node[0], str):
            found.setdefault(node[0], _texts_in(node[1:]))
        for child in node:
            found.update(_words(child))
    return found


def _texts_in(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    return [t for child in node for t in _texts_in(child)] if isinstance(node, list) else []


def test_search_index_finds_maori_without_the_macron(site: Site) -> None:
    """Pagefind indexes each word folded: the entry 'maori' holds the variant 'māori'."""
    words: dict[str, list[str]] = {}
    for name, data in site_files(site.out).items():
        if name.endswith(".pf_index"):
            assert data.startswith(b"pagefind_dcd")
            words.update(_words(_cbor(data, len(b"pagefind_dcd"))[0]))
    assert "māori" in words["maori"] and "whānau" in words["whanau"]


def test_macrons_and_te_reo_marked(site: Site) -> None:
    pages = _pages(site)
    macron = [n for n, html in pages.items() if n.startswith("recommendations/")
              and MACRON_TEXT in html.decode()]
    assert len(macron) == 1
    page = shape(pages[f"recommendations/{site.maori[0].lower()}.html"])
    assert "Te Puni Kōkiri" in page.mi_text  # the agency's Māori name, lang="mi"
    indicator = shape(pages["indicators/pris-remand.html"])
    assert "Te hunga mauhere kāore anō kia whiua" in indicator.mi_text
    agencies = shape(pages["browse/agency/index.html"])
    assert "Te Tāhū o te Ture" in agencies.mi_text
    data = (site.out / "data" / "recommendations.csv").read_text(encoding="utf-8-sig")
    assert MACRON_TEXT in data


def test_browse_lists_every_theme_and_group_a_recommendation_carries(site: Site) -> None:
    with (site.out / "data" / "recommendations.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    pages = _pages(site)
    for facet, column in (("theme", "themes"), ("group", "affected_groups")):
        expected: dict[str, set[str]] = {}
        for row in rows:
            for label in filter(None, row[column].split("; ")):
                expected.setdefault(label, set()).add(row["reference"])
        index = pages[f"browse/{facet}/index.html"].decode()
        listed: dict[str, set[str]] = {}
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', index):
            if href.endswith(".html") and "/" not in href and href != "index.html":
                text = b"".join(html for n, html in pages.items()
                                if re.fullmatch(rf"browse/{facet}/{href[:-5]}(-\d+)?\.html",
                                                n)).decode()
                listed[label.replace("&amp;", "&").replace("&#39;", "'")] = set(
                    re.findall(r"recommendations/([a-z0-9-]+)\.html", text))
        assert {k: len(v) for k, v in listed.items()} == {k: len(v) for k, v in
                                                         expected.items()}, facet
        assert all({slug(r) for r in expected[k]} == listed[k] for k in expected)
    assert sum(len(v) for v in listed.values()) > len(rows) / 2


def test_related_and_indicators_linked(site: Site) -> None:
    a, b = site.related
    page = _pages(site)[f"recommendations/{a.lower()}.html"].decode()
    assert f'href="{b.lower()}.html"' in page
    assert 'href="../indicators/pris-remand.html"' in page


def test_open_data_is_the_public_tables(site: Site) -> None:
    document = json.loads((site.out / "data" / "nmrf-public.json").read_text("utf-8"))
    assert len(document["tables"]["recommendations"]) == 230
    about = re.search(r"<h2>Last update of the record</h2>\s*<p>([0-9-]+)</p>",
                      _pages(site)["about.html"].decode())
    assert about and document["last_change"] == about[1]
    text = io.TextIOWrapper(io.BytesIO((site.out / "data" / "progress.csv").read_bytes()),
                            encoding="utf-8-sig").read()
    assert len(text.strip().splitlines()) == 4  # the header and three public updates
    assert Path(site.out / "data" / "nmrf-public.xlsx").read_bytes()[:2] == b"PK"


def test_pager_shows_first_last_and_nearby_pages(site: Site) -> None:
    assert window(7, 20) == [1, 0, 5, 6, 7, 8, 9, 0, 20]
    assert window(1, 3) == [1, 2, 3] and window(20, 20) == [1, 0, 18, 19, 20]
    second = _pages(site)["browse/status/no-public-update-2.html"].decode()
    assert 'aria-current="page">Page 2</a>' in second
    assert second.count('rel="prev"') == second.count('rel="next"') == 2  # top and foot
