"""The demo database: built from the bundled real data, once, and rebuilt only when stale."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from nmrf_desktop import paths
from nmrf_desktop.services import catalog, demo
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.record import open_record

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


def test_builds_the_demo_with_lead_agencies_and_nothing_else() -> None:
    path = ensure_demo_database()
    assert path == paths.demo_database()
    record = open_record(path, create=False)
    try:
        stats = catalog.stats(record)
        assert stats["recommendations"] == 228
        assert stats["assignments"] == 228 * 2  # UPR: MFAT and MOJ lead (Annex II)
        assert stats["actions"] == stats["progress_updates"] == stats["evidence"] == 0
        assert catalog.check(record) == []
    finally:
        record.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM recommendations WHERE te_tiriti").fetchone() \
            == (0,)
    assert not path.with_name(path.name + "-wal").exists()
    assert not list(path.parent.glob("*.building-*"))


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
