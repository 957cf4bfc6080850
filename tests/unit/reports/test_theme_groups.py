"""The theme report and its shared reading: every recommendation under every theme and group."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.reports import terms
from nmrf_desktop.store import search
from nmrf_desktop.store.recommendations import fetch_rows
from tests.conftest import NZ_CSV

TE_REO_THEME = "Te reo Māori me ōna tikanga"
TWO_THEMES_TEXT = ("Guarantee that tamariki in state care keep their whakapapa, language and "
                   "culture, and that whānau are heard in every decision.")
TWO_THEMES_CSV = (
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
    f'New Zealand,WEOG,,"{TWO_THEMES_TEXT}",Fiji,Asia-Pacific,,Accepted,4,'
    f'"Rights of the Child,{TE_REO_THEME}",46\n')


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

