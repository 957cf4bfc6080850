"""store.search: what a person types becomes a safe FTS5 query; search runs on real SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store import search
from nmrf_desktop.store.search import fts_query
from tests.conftest import NZ_CSV


@pytest.mark.parametrize(("typed", "query"), [
    ("", ""),
    ("maori", '"maori"*'),
    ("maori ", '"maori"'),
    ("Māori whānau", '"Māori" AND "whānau"*'),
    ('"indigenous peoples"', '"indigenous peoples"'),
    ('"indigenous peoples" land', '"indigenous peoples" AND "land"*'),
    ('"unclosed phrase', '"unclosed phrase"'),
    ("AND OR NOT", '"AND" AND "OR" AND "NOT"*'),
    ("NEAR(a b)", '"NEAR a" AND "b"*'),
    ("col:value", '"col value"'),
    ("!!! ???", ""),
])
def test_fts_query(typed: str, query: str) -> None:
    assert fts_query(typed) == query


def test_prefix_can_be_turned_off() -> None:
    assert fts_query("ratif", prefix_last=False) == '"ratif"'


@given(st.text())
def test_query_is_balanced_and_never_holds_raw_syntax(typed: str) -> None:
    query = fts_query(typed)
    assert query.count('"') % 2 == 0
    outside = query.split('"')[::2]  # the text between phrases
    assert all(part in {"", " AND ", "*"} for part in outside), query


@given(st.lists(st.from_regex(r"[a-z]{1,12}", fullmatch=True), min_size=1, max_size=6))
def test_every_word_is_kept(words: list[str]) -> None:
    query = fts_query(" ".join(words))
    for word in words:
        assert f'"{word}"' in query


@pytest.fixture(scope="module")
def nz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Record]:
    record = open_record(tmp_path_factory.mktemp("search") / "nz.sqlite3")
    import_files(record, "upr-info", [NZ_CSV])
    yield record
    record.close()


def test_no_text_makes_the_sql_query_fail(nz: Record) -> None:
    @settings(max_examples=300, deadline=None)
    @given(typed=st.text(max_size=80)
           | st.text(alphabet='"*^():-+ ANDORNTEāĀ\u0304\\\'{}_', max_size=40))
    def run(typed: str) -> None:
        with nz.reading() as session:
            ids = search.search_ids(session, Filters(text=typed), limit=10)
            assert len(ids) <= 10
            assert search.count(session, Filters(text=typed, positions=("noted",))) <= 69

    run()


def test_count_agrees_with_ids(nz: Record) -> None:
    for filters in (Filters(text="maori"), Filters(text="ratif", positions=("noted",)),
                    Filters(sessions=(5,)), Filters()):
        with nz.reading() as session:
            assert search.count(session, filters) == len(search.search_ids(session, filters))


def test_paging_walks_the_ranked_list(nz: Record) -> None:
    filters = Filters(text="rights")
    with nz.reading() as session:
        everything = search.search_ids(session, filters)
        pages = [search.search_ids(session, filters, limit=7, offset=o)
                 for o in range(0, len(everything), 7)]
    assert [i for page in pages for i in page] == everything
    assert len(everything) == len(set(everything)) > 50
