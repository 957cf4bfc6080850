"""End-to-end fixtures: databases on disk, built by the migrations and the real importers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from tests.conftest import NZ_CSV


@pytest.fixture(scope="session")
def _nz_db_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("master") / "nz.sqlite3"
    record = open_record(path)
    import_files(record, "upr-info", [NZ_CSV])
    record.close()  # the last connection checkpoints the WAL into the main file
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def nz_db(_nz_db_master: Path, tmp_path: Path) -> Path:
    """A database file holding the 228 real New Zealand recommendations (a private copy)."""
    path = tmp_path / "nz.sqlite3"
    shutil.copyfile(_nz_db_master, path)
    return path
