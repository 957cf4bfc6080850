"""The database the app opened last, noted in a plain file: what `nmrf` defaults to."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmrf_desktop import paths, policy
from nmrf_desktop.services import last_database
from nmrf_desktop.services.last_database import DEFAULT, LAST_OPENED, DefaultDatabase
from nmrf_desktop.services.record import open_record


def test_nothing_noted_means_the_default_database() -> None:
    assert last_database.last_opened() == ""
    assert last_database.default_database() == DefaultDatabase(
        str(policy.default_database()), DEFAULT)
    assert not last_database.pointer_file().exists()  # reading makes nothing


def test_the_database_noted_is_the_default_while_it_is_there(tmp_path: Path) -> None:
    record = tmp_path / "Ngā rēkoata" / "pūrongo.sqlite3"  # macrons survive the file
    open_record(record).close()
    last_database.remember(str(record))
    assert last_database.pointer_file() == paths.user_data_dir() / "last-database.txt"
    assert last_database.pointer_file().read_text(encoding="utf-8") == f"{record}\n"
    assert last_database.last_opened() == str(record)
    assert last_database.default_database() == DefaultDatabase(str(record), LAST_OPENED)
    record.unlink()  # deleted since: the default database again
    assert last_database.default_database().reason == DEFAULT


def test_a_server_noted_is_taken_as_it_is() -> None:
    last_database.remember("postgresql://aroha@db.example/nmrf")
    assert last_database.default_database() == DefaultDatabase(
        "postgresql://aroha@db.example/nmrf", LAST_OPENED)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"://not an address\n", b"\xff\xfe\x00"])
def test_a_note_that_is_no_database_is_ignored(content: bytes) -> None:
    last_database.pointer_file().parent.mkdir(parents=True, exist_ok=True)
    last_database.pointer_file().write_bytes(content)
    assert last_database.default_database().reason == DEFAULT


def test_the_last_note_wins_and_a_note_that_cannot_be_written_is_no_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    last_database.remember(str(first))
    last_database.remember(str(second))
    assert last_database.last_opened() == str(second)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("NMRF_DATA_DIR", str(blocker / "data"))  # a folder that cannot be
    last_database.remember(str(first))  # logged, not raised
    assert last_database.last_opened() == ""
    assert blocker.read_text() == "x"
