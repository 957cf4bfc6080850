"""The demo database: built from the bundled real data, once, and rebuilt only when stale."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from nmrf_desktop import paths
from nmrf_desktop.domain.records import Filters, RecommendationRow
from nmrf_desktop.services import catalog, demo
from nmrf_desktop.services.assigning import theme_table_path
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.facets import agency_choices
from nmrf_desktop.services.record import Record, open_record

SHARED_NZ = Path(__file__).resolve().parents[4] / "shared" / "data" / "upr-info" / \
    "upr_info_new_zealand_2009_2014.csv"


def _import_runs(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM import_runs").fetchone()[0])


def test_the_bundled_data_is_the_real_extract_with_its_source_named() -> None:
    assert paths.demo_source().read_bytes() == SHARED_NZ.read_bytes()
    source = (paths.demo_source().parent / "SOURCE.md").read_text(encoding="utf-8")
    for fact in ("UPR Info", "rochelleterman/uprs", "v.2/Data/CSVs/", "986898e9", "2015",
                 "UTF-8", "No licence", "UN documents"):
        assert fact in source


def test_builds_the_demo_with_lead_and_contributing_agencies() -> None:
    path = ensure_demo_database()
    assert path == paths.demo_database()
    record = open_record(path, create=False)
    try:
        stats = catalog.stats(record)
        assert stats["recommendations"] == 228
        assert stats["actions"] == stats["progress_updates"] == stats["evidence"] == 0
        assert catalog.check(record) == []
        for lead in ("MFAT", "MOJ"):  # UPR: MFAT and MOJ lead on every one (Annex II)
            assert catalog.count_recommendations(record, Filters(agency=lead, role="lead")) \
                == 228
    finally:
        record.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM recommendations WHERE te_tiriti").fetchone() \
            == (0,)
        assert conn.execute("SELECT count(*) FROM assignments WHERE role = 'contributing'"
                            ).fetchone()[0] > 228
    assert not path.with_name(path.name + "-wal").exists()
    assert not list(path.parent.glob("*.building-*"))


def _texts_by_agency(record: Record) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(text by recommendation id, ids by agency code) of the record's active assignments."""
    texts = {r.id: r.text for r in catalog.search_recommendations(record, Filters(),
                                                                  limit=None)}
    by_agency = {a.code: {r.id for r in catalog.search_recommendations(
        record, Filters(agency=a.code), limit=None)} for a in agency_choices(record)}
    return texts, by_agency


# What an officer of each agency sees with "Mine only" in the demo.
DEMO_OFFICERS = ("MOJ", "MSD", "OT", "TPK", "MFW", "WHAIKAHA", "MPP", "MBIE")


def test_each_demo_officer_sees_a_distinct_sensible_share() -> None:
    record = open_record(ensure_demo_database(), create=False)
    try:
        texts, by_agency = _texts_by_agency(record)
    finally:
        record.close()
    counts = {code: len(by_agency[code]) for code in DEMO_OFFICERS}
    assert len(set(counts.values())) == len(DEMO_OFFICERS), counts  # no two the same
    assert counts["MOJ"] == 228  # the UPR lead sees them all
    for code in DEMO_OFFICERS[1:]:
        assert 0 < counts[code] < 228, (code, counts[code])
    assert counts["MSD"] > counts["OT"] > counts["MFW"] > counts["MPP"], counts

    def mentioning(pattern: str) -> set[str]:
        return {rid for rid, text in texts.items() if re.search(pattern, text, re.I)}
    for pattern, agencies in ((r"\bchild(ren)?\b", ("OT", "MSD")),
                              (r"\bm[aā]oris?\b", ("TPK",)),
                              (r"\bwomen\b", ("MFW",)),
                              (r"\bdisabilit(y|ies)\b", ("WHAIKAHA",)),
                              (r"\b(pacific|pasifika)\b", ("MPP",)),
                              (r"\b(migrants?|refugees?|asylum)\b", ("MBIE",))):
        found = mentioning(pattern)
        assert found, pattern
        for code in agencies:
            assert found <= by_agency[code], (pattern, code, len(found - by_agency[code]))
    # ... and nothing unrelated: Oranga Tamariki's share all concerns children.
    children = mentioning(r"child|juvenile|youth|minors|adolescent|infant|orphan|underage")
    rights_of_the_child = {r.id for r in _rows(Filters(themes=("Rights of the Child",)))}
    assert by_agency["OT"] <= children | rights_of_the_child


def _rows(filters: Filters) -> list[RecommendationRow]:
    record = open_record(ensure_demo_database(), create=False)
    try:
        return catalog.search_recommendations(record, filters, limit=None)
    finally:
        record.close()


def test_contributing_never_demotes_a_lead() -> None:
    rows = _rows(Filters(text="criminal justice"))  # MOJ leads; the justice rule names MOJ
    assert rows
    for row in rows:  # a lead is shown by its code alone
        assert "MOJ" in row.assigned_agencies
        assert "MOJ (contributing)" not in row.assigned_agencies


def test_an_old_demo_build_is_rebuilt_with_contributing_agencies(tmp_path: Path) -> None:
    """A demo built by BUILD_VERSION 1 (leads only) is stale: its marker differs."""
    target = tmp_path / "demo.sqlite3"
    ensure_demo_database(target=target)
    with closing(sqlite3.connect(target)) as conn:
        marker = conn.execute("SELECT value FROM meta WHERE key = ?",
                              (demo.MARKER_KEY,)).fetchone()[0]
        conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                     ("1" + marker[marker.index(":"):], demo.MARKER_KEY))
        conn.execute("DELETE FROM assignments WHERE role = 'contributing'")
        conn.commit()
    assert demo.BUILD_VERSION >= 2
    ensure_demo_database(target=target)
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT count(*) FROM assignments WHERE role = 'contributing'"
                            ).fetchone()[0] > 0


def test_a_changed_theme_table_rebuilds_the_demo(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "demo.sqlite3"
    ensure_demo_database(target=target)
    table = tmp_path / "themes.toml"
    table.write_text(theme_table_path().read_text(encoding="utf-8") + "\n# edited\n",
                     encoding="utf-8")
    monkeypatch.setattr(demo, "theme_table_path", lambda: table)
    stamp = target.stat().st_mtime_ns
    ensure_demo_database(target=target)
    assert target.stat().st_mtime_ns != stamp
    assert _import_runs(target) == 1


def test_a_second_call_does_not_import_again() -> None:
    path = ensure_demo_database()
    stamp = path.stat().st_mtime_ns
    assert ensure_demo_database() == path
    assert path.stat().st_mtime_ns == stamp
    assert _import_runs(path) == 1


def test_a_stale_build_is_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ensure_demo_database()
    monkeypatch.setattr(demo, "BUILD_VERSION", demo.BUILD_VERSION + 1)
    ensure_demo_database()
    assert _import_runs(path) == 1  # a fresh database, not a second import into the old one
    with closing(sqlite3.connect(path)) as conn:
        marker = conn.execute("SELECT value FROM meta WHERE key = ?",
                              (demo.MARKER_KEY,)).fetchone()[0]
    assert marker.startswith(f"{demo.BUILD_VERSION}:")


def test_a_changed_source_is_rebuilt(tmp_path: Path) -> None:
    source = tmp_path / "nz.csv"
    lines = paths.demo_source().read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(lines[:11]), encoding="utf-8")  # header and ten rows
    target = tmp_path / "demo.sqlite3"
    ensure_demo_database(target=target, source=source)
    source.write_text("".join(lines[:21]), encoding="utf-8")
    ensure_demo_database(target=target, source=source)
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT count(*) FROM recommendations").fetchone() == (20,)


def test_a_corrupt_demo_file_is_replaced() -> None:
    path = paths.demo_database()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database at all" * 50)
    path.with_name(path.name + "-wal").write_bytes(b"stale wal")
    ensure_demo_database()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM recommendations").fetchone() == (228,)
