"""PostgreSQL only: the RUM rank index gives the same pages as ranking every match."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store import postgres, search, search_pg

pytestmark = pytest.mark.postgresql_only

TYPED = ("right", "rights", "human rights", '"human rights"', "children", "the",
         "indigenous peoples", "discrimination against", "violence", "ensure that",
         "maori", "Māori whānau", "convention on", "prot")
FILTERS = (Filters(), Filters(bodies=("UPR",)), Filters(positions=("supported",)),
           Filters(cycles=(2,)))


@pytest.fixture
def in_index(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the pages read from the rank index (how many rows each read)."""
    used: list[int] = []
    real = search_pg.read_in_rank_order

    def counting(session, stmt, want):  # type: ignore[no-untyped-def]
        rows = real(session, stmt, want)
        used.append(len(rows))
        return rows

    monkeypatch.setattr(search_pg, "read_in_rank_order", counting)
    yield used


def _scan_order(record: Record, filters: Filters) -> list[str]:
    """Every match in `fts_distance` order, scored on every row (no index order)."""
    with record.reading() as session:
        rank = search.rank_key(session)
        assert rank is search_pg.fts_distance
        return list(session.execute(search.matching(filters, rank=rank)).scalars())


def test_the_rank_index_exists(nz_record: Record) -> None:
    with nz_record.reading() as session:
        assert postgres.has_rank_index(session.connection())
        assert search.rank_key(session) is search_pg.fts_distance


@pytest.mark.parametrize("base", FILTERS, ids=lambda f: f"{f.bodies}{f.positions}{f.cycles}")
def test_pages_read_from_the_index_equal_the_full_order(nz_record: Record, in_index: list[int],
                                                        base: Filters) -> None:
    checked = 0
    for typed in TYPED:
        filters = Filters(**{**{k: getattr(base, k) for k in Filters.__dataclass_fields__},
                             "text": typed})
        full = _scan_order(nz_record, filters)
        for limit, offset in ((5, 0), (20, 0), (7, 13), (50, 40)):
            page = [r.id for r in search_recommendations(nz_record, filters, limit=limit,
                                                          offset=offset)]
            assert page == full[offset:offset + limit], (typed, limit, offset)
            checked += 1
    assert checked and in_index, "no page came from the rank index"


def test_pages_and_the_full_list_agree(nz_record: Record, in_index: list[int]) -> None:
    filters = Filters(text="rights")
    first = browsing.first_page(nz_record, filters, limit=30)
    rest = browsing.page(nz_record, filters, None, False, offset=30, limit=30)[0]
    everything = browsing.all_ids(nz_record, filters)
    assert list(everything[:60]) == list(first.ids) + rest
    assert in_index


def _stems(record: Record) -> list[tuple[str, str]]:
    """(word, longer word) pairs of the index's own words: "nation", "nationwid"."""
    with record.reading() as session:
        words = sorted(session.execute(text(
            "SELECT word FROM ts_stat('SELECT doc FROM recommendation_fts')")).scalars())
        plain = [w for w in words if re.fullmatch(r"[a-z]{4,}", w) and session.execute(
            text("SELECT to_tsquery('nmrf', :w)::text = quote_literal(:w)"),
            {"w": w}).scalar()]
    return [(a, b) for a, b in itertools.pairwise(plain) if b.startswith(a)]


def test_the_words_as_typed_rank_above_longer_words(nz_record: Record,
                                                    in_index: list[int]) -> None:
    pairs = _stems(nz_record)
    assert pairs, "the New Zealand texts have words that begin other words"
    for word, _longer in pairs[:10]:
        ids = [r.id for r in search_recommendations(nz_record, Filters(text=word), limit=None)]
        with nz_record.reading() as session:
            holds = dict(session.execute(text(
                "SELECT r.id, f.doc @@ to_tsquery('nmrf', :w) FROM recommendations r "
                "JOIN recommendation_fts f ON f.rowid = r.num WHERE r.id = ANY(:ids)"),
                {"w": word, "ids": ids}).tuples().all())
        flags = [holds[i] for i in ids]
        assert True in flags and flags == sorted(flags, reverse=True), word


def test_without_the_index_search_ranks_every_match(nz_record: Record) -> None:
    with nz_record.unit_of_work() as session:
        postgres.remove_rank_index(session.connection())
    nz_record.engine.dispose()  # forget what pooled connections knew
    with nz_record.reading() as session:
        assert search.rank_key(session) is search_pg.fts_rank
    rights = search_recommendations(nz_record, Filters(text="rights"), limit=None)
    page = search_recommendations(nz_record, Filters(text="rights"), limit=10, offset=5)
    assert [r.id for r in page] == [r.id for r in rights[5:15]]


def test_reopening_a_record_restores_the_index(nz_record: Record) -> None:
    with nz_record.unit_of_work() as session:
        postgres.remove_rank_index(session.connection())
    url = nz_record.engine.url.render_as_string(hide_password=False)
    nz_record.close()
    again = open_record(url, create=False)
    try:
        with again.reading() as session:
            assert postgres.has_rank_index(session.connection())
    finally:
        again.close()


def test_rows_without_the_words_as_typed_are_infinitely_far(nz_record: Record) -> None:
    """What fts_distance relies on: RUM's distance is infinite exactly when `@@` fails."""
    with nz_record.reading() as session:
        for typed in TYPED:
            exact, _ = search_pg.rank_tsquery(search.fts_query(typed))
            wrong = session.execute(text(
                "SELECT count(*) FROM recommendation_fts WHERE (doc @@ to_tsquery('nmrf', :q))"
                " = (doc <=> to_tsquery('nmrf', :q) = 'Infinity'::real)"), {"q": exact}).scalar()
            assert wrong == 0, typed
