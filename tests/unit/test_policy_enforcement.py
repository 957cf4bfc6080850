"""The policy enforced where records are opened and the laptop's agency is set."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nmrf_desktop import paths, policy
from nmrf_desktop.domain.entry import InvalidEntry
from nmrf_desktop.services import workspace
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.demo import ensure_demo_database
from nmrf_desktop.services.record import (
    DatabaseRefused,
    Record,
    open_record,
    policy_refusal,
    require_allowed,
)
from nmrf_desktop.services.workspace import Profile


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(path))
    return path


@pytest.fixture
def allowed(policy_file: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "allowed"
    folder.mkdir()
    policy_file.write_text(f'[storage]\ndata_folder = "{folder.as_posix()}"\n',
                           encoding="utf-8")
    return folder


def test_open_record_refuses_a_file_outside_the_data_folder_and_creates_nothing(
        allowed: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "record.sqlite3"
    for create in (True, False):
        with pytest.raises(DatabaseRefused) as refused:
            open_record(outside, create=create)
        assert str(allowed) in str(refused.value) and str(outside) in str(refused.value)
        assert refused.value.folder == allowed and refused.value.target == str(outside)
    with pytest.raises(DatabaseRefused):
        open_record(allowed / ".." / "elsewhere" / "record.sqlite3")  # resolved first
    assert not (tmp_path / "elsewhere").exists()
    inside = open_record(allowed / "sub" / "record.sqlite3")
    inside.close()


def test_sqlite_urls_name_files_and_server_urls_are_not_limited(
        allowed: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    outside = tmp_path / "elsewhere" / "record.sqlite3"
    assert str(outside) in (policy_refusal(f"sqlite:///{outside}") or "")
    with pytest.raises(DatabaseRefused):
        open_record(f"sqlite:///{outside}")
    assert not outside.parent.exists()
    assert policy_refusal(f"sqlite:///{allowed / 'x.sqlite3'}") is None
    assert policy_refusal("sqlite://") is None  # in memory: no file anywhere
    assert policy_refusal("sqlite:///:memory:") is None
    with caplog.at_level(logging.INFO, logger="nmrf_desktop.services.record"):
        assert policy_refusal("postgresql://officer:secret@db.example/nmrf") is None
    assert "server database" in caplog.text and "secret" not in caplog.text
    require_allowed(allowed / "x.sqlite3")
    with pytest.raises(DatabaseRefused):
        require_allowed(outside)


def test_the_demo_and_the_apps_own_databases_are_allowed(allowed: Path,
                                                         tmp_path: Path) -> None:
    demo = ensure_demo_database()  # built beside the demo, in the user data folder
    assert demo == paths.demo_database() and not demo.is_relative_to(allowed)
    open_record(demo, create=False).close()
    scratch = open_record(tmp_path / "scratch" / "verify.sqlite3", app_owned=True)
    scratch.close()


def test_backups_verify_and_restore_under_a_data_folder(allowed: Path) -> None:
    database = allowed / "nmrf.sqlite3"
    record = open_record(database)
    record.set_setting("officer_name", "Aroha Ngata")
    record.close()
    made = backup.backup_database(database)
    assert backup.verify(made) == []  # its scratch copy in a temporary folder is the app's
    assert backup.latest_good_backup(database) == made
    backup.restore(database, made, force=True)
    reopened = open_record(database, create=False)
    try:
        assert reopened.setting("officer_name") == "Aroha Ngata"
    finally:
        reopened.close()


def test_browse_folder_starts_in_the_allowed_folder(allowed: Path, tmp_path: Path) -> None:
    assert policy.browse_folder(tmp_path / "elsewhere") == allowed
    assert policy.browse_folder(allowed / "sub") == allowed / "sub"


def test_without_a_policy_anything_goes(policy_file: Path, tmp_path: Path) -> None:
    assert policy_refusal(tmp_path / "x.sqlite3") is None
    assert policy.browse_folder(tmp_path) == tmp_path
    assert policy.agency_refusal("DOC") is None


def test_the_laptops_agency_cannot_be_changed_from_the_policys(policy_file: Path,
                                                               record: Record) -> None:
    policy_file.write_text('[exchange]\nagency = "MOJ"\n', encoding="utf-8")
    assert policy.agency_refusal("MOJ") is None
    refusal = policy.agency_refusal("DOC")
    assert refusal and "MOJ" in refusal and "DOC" in refusal
    with pytest.raises(InvalidEntry) as refused:
        workspace.save_profile(record, Profile("officer", "DOC", "Aroha Ngata"))
    assert refused.value.field == "agency" and "MOJ" in str(refused.value)
    assert record.setting("agency") == ""  # nothing was written
    saved = workspace.save_profile(record, Profile("officer", "MOJ", "Aroha Ngata"))
    assert saved.agency == "MOJ"
    # The coordinator works for no agency: not a different one.
    assert workspace.save_profile(record, Profile("coordinator", "", "Hemi")).is_coordinator
