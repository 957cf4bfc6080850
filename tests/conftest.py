"""Shared fixtures: real SQLite databases built by the migrations, the real UPR Info data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from nmrf_desktop.bundles import key_wrap
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record

# --engine=postgresql runs the store, search, bundle and report tests on PostgreSQL;
# new SQLite records are copies of one the migrations built (see tests/new_records.py).
pytest_plugins = ("tests.pg.plugin", "tests.new_records")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "upr-info"
NZ_CSV = SHARED_DATA / "upr_info_new_zealand_2009_2014.csv"
ALL_UPR_CSV = sorted(SHARED_DATA.glob("upr_info_sessions_*.csv"))
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user data folder from a test."""
    monkeypatch.setenv("NMRF_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
    monkeypatch.delenv("NMRF_DB", raising=False)
    # No organisation policy on the test machine leaks in, and crash logs stay here.
    monkeypatch.setenv("NMRF_POLICY_FILE", "")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture(autouse=True)
def _quick_key_wrapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key files wrapped with real scrypt at a test's cost (N=2^12, not 2^17: about 0.3 s
    less per key made or opened, and the suite makes hundreds). Tests of the wrapping
    itself set the real cost back; the e2e tests run `nmrf`, which always uses it."""
    monkeypatch.setattr(key_wrap, "SCRYPT_N", 2 ** 12)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "record.sqlite3"


@pytest.fixture
def record(db_path: Path) -> Iterator[Record]:
    """An empty record, created by the migrations."""
    rec = open_record(db_path)
    yield rec
    rec.close()


@pytest.fixture
def nz_record(record: Record) -> Record:
    """A record holding the 228 real New Zealand UPR recommendations (2009, 2014)."""
    import_files(record, "upr-info", [NZ_CSV])
    return record


@pytest.fixture(scope="session")
def nz_csv() -> Path:
    assert NZ_CSV.exists(), f"shared data missing: {NZ_CSV}"
    return NZ_CSV
