"""Where things go under a data-folder policy: the default database, backups, record files."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop import paths, policy
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.engine import make_engine
from tests.e2e.support import nmrf_in_process

SERVER = "postgresql://officer:secret@db.invalid/nmrf"  # never connected to


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(path))
    return path


def set_data_folder(policy_file: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    policy_file.write_text(f'[storage]\ndata_folder = "{folder.as_posix()}"\n',
                           encoding="utf-8")
    return folder


@pytest.fixture
def allowed(policy_file: Path, tmp_path: Path) -> Path:
    return set_data_folder(policy_file, tmp_path / "allowed")


@pytest.fixture
def server_record() -> Iterator[Record]:
    """A PostgreSQL record: no file on this computer (the engine never connects here)."""
    record = Record(make_engine(SERVER))
    yield record
    record.close()


# -- the default database ---------------------------------------------------------------


def test_the_default_database_is_in_the_data_folder(allowed: Path) -> None:
    assert policy.data_home() == allowed
    assert policy.default_database() == allowed / "nmrf.sqlite3"
    assert policy.database_refusal(policy.default_database()) is None


def test_without_a_data_folder_the_default_database_is_where_it_always_was(
        policy_file: Path) -> None:
    policy_file.write_text('[backup]\nkept = 3\n', encoding="utf-8")
    assert policy.data_home() == paths.user_data_dir()
    assert policy.default_database() == paths.user_data_dir() / "nmrf.sqlite3"


def test_nmrf_init_and_backup_without_db_just_work_under_a_data_folder(
        allowed: Path) -> None:
    code, out, err = nmrf_in_process("init")
    assert code == 0, err
    assert out.startswith("database ready") and (allowed / "nmrf.sqlite3").is_file()
    code, out, err = nmrf_in_process("backup")
    assert code == 0, err
    assert f"backed up {allowed / 'nmrf.sqlite3'} to {allowed / 'backups'}" in out
    assert not (paths.user_data_dir() / "nmrf.sqlite3").exists()


def test_the_window_starts_on_the_default_database_in_the_data_folder(allowed: Path) -> None:
    from nmrf_desktop import app

    open_record(allowed / "nmrf.sqlite3").close()
    assert app.startup_database(app.build_parser().parse_args([])) == allowed / "nmrf.sqlite3"


# -- automatic backups ------------------------------------------------------------------


def test_automatic_backups_go_inside_the_data_folder(allowed: Path) -> None:
    database = allowed / "officer" / "nmrf.sqlite3"
    record = open_record(database)
    record.set_setting("officer_name", "Aroha Ngata")
    record.close()
    assert backup.backup_folder(database).is_relative_to(allowed / "backups")
    made = backup.backup_database(database, reason="daily")
    assert made.parent == backup.backup_folder(database)
    assert made.is_relative_to(allowed / "backups")
    assert backup.list_backups(database) == [made] and not backup.backup_due(database)
    assert backup.verify(made) == []
    assert not (paths.user_data_dir() / "backups").exists()


def test_an_explicit_backup_folder_stays_the_users_choice(allowed: Path,
                                                          tmp_path: Path) -> None:
    database = allowed / "nmrf.sqlite3"
    open_record(database).close()
    out = tmp_path / "usb" / "copy.nmrfbackup"
    code, _out, err = nmrf_in_process("backup", "--out", out, db=database)
    assert code == 0, err
    assert backup.verify(out) == []


def test_backups_made_before_the_policy_are_named_once_and_left_alone(
        policy_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "allowed"
    database = folder / "nmrf.sqlite3"
    policy_file.write_text("", encoding="utf-8")  # no data folder yet
    folder.mkdir()
    open_record(database).close()
    old = backup.backup_database(database)
    assert old.is_relative_to(paths.user_data_dir() / "backups")
    set_data_folder(policy_file, folder)
    with caplog.at_level(logging.WARNING, logger="nmrf_desktop.services.backup.making"):
        new = backup.backup_database(database)
        backup.list_backups(database)
    assert new.is_relative_to(folder / "backups") and old.is_dir()  # nothing moved
    warnings = [r.getMessage() for r in caplog.records if str(old.parent) in r.getMessage()]
    assert len(warnings) == 1 and "outside your organisation's data folder" in warnings[0]
    assert backup.list_backups(database) == [new]


def test_without_a_data_folder_backups_stay_in_the_user_data_folder(policy_file: Path,
                                                                    tmp_path: Path) -> None:
    database = tmp_path / "anywhere" / "nmrf.sqlite3"
    open_record(database).close()
    made = backup.backup_database(database)
    assert made.is_relative_to(paths.user_data_dir() / "backups")


# -- a record's evidence, keys and bundle folders --------------------------------------


def test_a_server_records_files_live_in_the_data_folder(allowed: Path,
                                                        server_record: Record) -> None:
    assert server_record.data_root == allowed
    assert server_record.evidence_root == allowed / "evidence"
    assert server_record.keys_root == allowed / "keys"


def test_an_in_memory_records_keys_are_written_in_the_data_folder(allowed: Path) -> None:
    record = open_record("sqlite://")
    try:
        assert record.data_root == allowed
        key_id = keys.create_key(record, b"correct horse battery staple")
        assert (allowed / "keys" / f"{key_id}.pem").is_file()
        assert not (paths.user_data_dir() / "keys").exists()
    finally:
        record.close()


def test_a_database_files_folders_are_beside_it(allowed: Path, tmp_path: Path) -> None:
    record = open_record(allowed / "officer" / "nmrf.sqlite3")
    try:
        assert record.data_root == allowed / "officer"
        assert record.evidence_root == allowed / "officer" / "evidence"
        assert record.keys_root == allowed / "officer" / "keys"
    finally:
        record.close()


def test_without_a_data_folder_record_folders_are_where_they_always_were(
        policy_file: Path, server_record: Record, tmp_path: Path) -> None:
    assert server_record.data_root == paths.user_data_dir()
    assert server_record.evidence_root == paths.user_data_dir() / "evidence"
    assert server_record.keys_root == paths.user_data_dir() / "keys"
    record = open_record(tmp_path / "anywhere" / "nmrf.sqlite3")
    try:
        assert record.evidence_root == tmp_path / "anywhere" / "evidence"
    finally:
        record.close()


def test_a_server_records_earlier_files_are_named_once_and_not_moved(
        allowed: Path, server_record: Record, caplog: pytest.LogCaptureFixture) -> None:
    earlier = paths.user_data_dir() / "evidence" / "sha256" / "ab" / "cd"
    earlier.mkdir(parents=True)
    (earlier / ("abcd" + "0" * 60)).write_bytes(b"kept before the policy")
    with caplog.at_level(logging.WARNING, logger="nmrf_desktop.services.record"):
        for _ in range(3):
            assert server_record.evidence_root == allowed / "evidence"
    warnings = [r.getMessage() for r in caplog.records
                if str(paths.user_data_dir() / "evidence") in r.getMessage()]
    assert len(warnings) == 1 and str(allowed) in warnings[0]
    assert (earlier / ("abcd" + "0" * 60)).exists()  # left where it was
