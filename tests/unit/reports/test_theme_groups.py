"""The theme report and its shared reading: every recommendation under every theme and group."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import event

from nmrf_desktop.domain.entry import ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters, RecommendationRow
from nmrf_desktop.reports.pdf_styles import human
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.reports import terms
from nmrf_desktop.services.reports.pdf import STATUS_ORDER, build_pdf
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.store import search
from nmrf_desktop.store.recommendations import fetch_rows
from tests.conftest import NZ_CSV
from tests.unit.reports.conftest import pdf_text

TE_REO_THEME = "Te reo Māori me ōna tikanga"
TWO_THEMES_TEXT = ("Guarantee that tamariki in state care keep their whakapapa, language and "
                   "culture, and that whānau are heard in every decision.")
TWO_THEMES_CSV = (
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
    f'New Zealand,WEOG,,"{TWO_THEMES_TEXT}",Fiji,Asia-Pacific,,Accepted,4,'
    f'"Rights of the Child,{TE_REO_THEME}",46\n'
    'New Zealand,WEOG,,"Publish the annual statistics of the courts online.",Tonga,'
    'Asia-Pacific,,Accepted,4,,46\n')
# The report's scope: the first cycle's session and the two added recommendations.
SCOPE = Filters(sessions=(5, 46))


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Record]:
    """The 228 New Zealand recommendations and one more carrying two themes (one in te reo
    Māori) and the group "Children"."""
    folder = tmp_path_factory.mktemp("themes")
    extra = folder / "two-themes.csv"
    extra.write_text(TWO_THEMES_CSV, encoding="utf-8")
    record = open_record(folder / "record.sqlite3")
    import_files(record, "upr-info", [NZ_CSV])
    import_files(record, "upr-info", [extra])
    assign_lead_defaults(record)
    with record.reading() as session:
        ids = search.search_ids(session, SCOPE)
    steps = (ImplementationStatus.IN_PROGRESS, ImplementationStatus.IMPLEMENTED)
    for i, rid in enumerate([*ids[:6], _two_themes_id(record)]):
        entry.add_progress(record, ProgressDraft(rid, "MOJ", steps[i % 2], "Mahi tahi.",
                                                 dt.date(2025, 3, 1)))
    yield record
    record.close()


def _all_ids(record: Record, filters: Filters | None = None) -> list[str]:
    with record.reading() as session:
        return search.search_ids(session, filters or Filters())


def _two_themes_id(record: Record) -> str:
    with record.reading() as session:
        ids = search.search_ids(session, Filters(text="whakapapa"))
        rows = fetch_rows(session, ids)
    (row,) = [r for r in rows if r.text == TWO_THEMES_TEXT]
    return row.id


def test_memberships_match_each_recommendations_own_lists(themed: Record) -> None:
    ids = _all_ids(themed)
    with themed.reading() as session:
        found = terms.memberships(session, ids)
        rows = fetch_rows(session, ids)
    expected: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        for kind, labels in (("theme", row.themes), ("group", row.affected_groups),
                             ("sdg", row.sdgs)):
            for label in labels:
                expected.setdefault((kind, label), []).append(row.id)
    assert found == expected  # the same ids, in the order given
    assert list(found) == sorted(found, key=terms.sort_key)
    kinds = [kind for kind, _label in found]
    assert kinds == sorted(kinds, key=terms.KINDS.index)  # themes, then groups


def test_every_child_rights_recommendation_is_counted(themed: Record) -> None:
    """The source file's own count: every row whose Issue cell names the theme."""
    with NZ_CSV.open(encoding="utf-8", newline="") as f:
        in_source = sum("Rights of the Child" in row["Issue"].split(",")
                        for row in csv.DictReader(f))
    with themed.reading() as session:
        found = terms.memberships(session, _all_ids(themed))
    assert in_source > 23  # more than the one-primary-theme layout showed
    assert len(found[("theme", "Rights of the Child")]) == in_source + 1  # and the added one


def test_one_recommendation_is_in_each_of_its_themes_and_its_group(themed: Record) -> None:
    rid = _two_themes_id(themed)
    with themed.reading() as session:
        found = terms.memberships(session, _all_ids(themed))
    carrying = {key for key, ids in found.items() if rid in ids}
    assert carrying == {("theme", "Rights of the Child"), ("theme", TE_REO_THEME),
                        ("group", "Children")}


def test_memberships_read_in_batches_not_per_recommendation(
        themed: Record, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _all_ids(themed)
    with themed.reading() as session:
        whole = terms.memberships(session, ids)
    monkeypatch.setattr(terms, "BATCH", 50)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(themed.engine, "before_cursor_execute", count)
    try:
        with themed.reading() as session:
            batched = terms.memberships(session, ids)
    finally:
        event.remove(themed.engine, "before_cursor_execute", count)
    assert batched == whole
    reads = [s for s in statements if "recommendation_terms" in s]
    assert len(reads) == -(-len(ids) // 50)  # one query per batch of 50


def test_memberships_of_some_ids_keep_their_order_and_kinds(themed: Record) -> None:
    ids = list(reversed(_all_ids(themed)))[:40]
    with themed.reading() as session:
        found = terms.memberships(session, ids, kinds=("group",))
        assert terms.memberships(session, []) == {}
    assert found and all(kind == "group" for kind, _label in found)
    for members in found.values():
        assert set(members) <= set(ids)
        assert members == sorted(members, key=ids.index)


def test_sort_key_orders_kinds_then_labels() -> None:
    keys = [("group", "Women"), ("theme", "justice"), ("theme", "Ātaahua"),
            ("theme", "Health"), ("sdg", "1.1")]
    assert sorted(keys, key=terms.sort_key) == [
        ("theme", "Health"), ("theme", "justice"), ("theme", "Ātaahua"),
        ("group", "Women"), ("sdg", "1.1")]



# --- the PDF reports -----------------------------------------------------------------


def _rows(record: Record, filters: Filters = SCOPE) -> list[RecommendationRow]:
    with record.reading() as session:
        return fetch_rows(session, search.search_ids(session, filters))


def _expected(rows: list[RecommendationRow]) -> dict[str, list[RecommendationRow]]:
    """Section title → its recommendations, worked out from each row's own lists."""
    out: dict[str, list[RecommendationRow]] = {}
    for kind, title in (("theme", "Theme"), ("group", "Affected group")):
        labels = sorted({lbl for r in rows for lbl in (r.themes if kind == "theme"
                                                         else r.affected_groups)},
                        key=lambda x: (x.casefold(), x))
        for label in labels:
            out[f"{title}: {label}"] = [r for r in rows if label in (
                r.themes if kind == "theme" else r.affected_groups)]
    bare = [r for r in rows if not r.themes and not r.affected_groups]
    if bare:
        out["No theme or group recorded"] = bare
    return out


def _outline(path: Path) -> list[tuple[str, list[str]]]:
    """Top-level outline entries with the titles of the entries under each."""
    reader = pypdf.PdfReader(path)
    out: list[tuple[str, list[str]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            out[-1][1].extend(str(x.title) for x in item if not isinstance(x, list))
        else:
            out.append((str(item.title), []))
    return out


def _build(record: Record, folder: Path, kind: str, filters: Filters = SCOPE) -> Path:
    out = folder / f"{kind}-{len(list(folder.iterdir()))}.pdf"
    build_pdf(record, ReportRequest(kind=kind, filters=filters), out)
    return out


@pytest.fixture(scope="module")
def theme_pdf(themed: Record, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(themed, tmp_path_factory.mktemp("theme-pdf"), "theme")


@pytest.mark.parametrize("kind", ["theme", "thematic-list"])
def test_every_recommendation_is_under_every_theme_and_group_it_carries(
        kind: str, themed: Record, theme_pdf: Path, tmp_path: Path) -> None:
    path = theme_pdf if kind == "theme" else _build(themed, tmp_path, kind)
    rows = _rows(themed)
    expected = _expected(rows)
    outline = _outline(path)
    assert [title for title, _refs in outline] == ["Cover", "Summary", *expected]
    sections = dict(outline)
    for title, members in expected.items():
        assert sections[title] == [r.reference for r in members], title
    # The two-theme recommendation: under both themes and its group; in full once.
    two = next(r for r in rows if r.text == TWO_THEMES_TEXT)
    holding = [title for title, refs in outline if two.reference in refs]
    assert holding == ["Theme: Rights of the Child", f"Theme: {TE_REO_THEME}",
                       "Affected group: Children"]
    text = pdf_text(path)
    assert text.count(TWO_THEMES_TEXT) == 1
    assert "No theme or group recorded" in sections
    assert f"{len(rows)} recommendations under" in text  # each counted once


def test_cross_references_link_to_the_full_entry(theme_pdf: Path) -> None:
    text = pdf_text(theme_pdf)
    reader = pypdf.PdfReader(theme_pdf)
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", ())
             if a.get_object().get("/Subtype") == "/Link"]
    assert "Full entry under Theme: Rights of the Child" in text
    assert links and all("/Dest" in link or "/A" in link for link in links)


def test_summary_counts_by_theme_and_group_match_the_record(
        themed: Record, theme_pdf: Path) -> None:
    rows = _rows(themed)
    reader = pypdf.PdfReader(theme_pdf)
    summary = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages[1:4]))
    assert "Current status by body" not in summary
    present = {r.status or "none" for r in rows}
    statuses = [s for s in STATUS_ORDER if s in present]  # the columns, in the PDF's order
    assert {"in_progress", "implemented", "none"} <= present
    assert " ".join(["Theme", *(human(s) for s in statuses), "Total"]) in summary
    for title, members in _expected(rows).items():
        label = title.split(": ", 1)[1] if ": " in title else title
        tally = Counter(r.status or "none" for r in members)
        line = " ".join([label, *(str(tally[s]) for s in statuses), str(len(members))])
        assert line in summary, line


@pytest.mark.parametrize(("themes", "groups", "titles"), [
    (("Rights of the Child",), (), ["Theme: Rights of the Child"]),
    ((), ("Māori",), ["Affected group: Māori"]),
    ((TE_REO_THEME,), ("Children",), [f"Theme: {TE_REO_THEME}", "Affected group: Children"]),
])
def test_filters_by_theme_or_group_narrow_the_sections(
        themes: tuple[str, ...], groups: tuple[str, ...], titles: list[str],
        themed: Record, tmp_path: Path) -> None:
    filters = Filters(sessions=SCOPE.sessions, themes=themes, groups=groups)
    rows = _rows(themed, filters)
    assert rows
    path = _build(themed, tmp_path, "theme", filters)
    outline = _outline(path)
    assert [title for title, _refs in outline] == ["Cover", "Summary", *titles]
    expected = _expected(rows)
    for title, refs in outline[2:]:
        assert refs == [r.reference for r in expected[title]], title
    text = pdf_text(path)
    for title in titles:  # te reo Māori labels survive into the text and the outline
        assert title in text
    assert f"{len(rows)} recommendation" in text


def test_a_theme_nobody_carries_gives_an_empty_report(themed: Record, tmp_path: Path) -> None:
    filters = Filters(sessions=SCOPE.sessions, themes=("Rights of the Chlid",))
    path = _build(themed, tmp_path, "theme", filters)
    assert [title for title, _refs in _outline(path)] == ["Cover", "Summary"]
    assert "No recommendation matches this report's scope." in pdf_text(path)
