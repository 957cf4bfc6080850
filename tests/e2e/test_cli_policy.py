"""`nmrf` under the organisation's policy: every command's database must be in its data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmrf_desktop import policy
from nmrf_desktop.cli import main as cli
from tests.conftest import NZ_CSV
from tests.e2e.support import assert_user_error, nmrf, nmrf_in_process, nmrf_ok


@pytest.fixture
def allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real policy file allowing databases only in tmp_path/allowed (this process and
    the processes it starts, through $NMRF_POLICY_FILE)."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    policy_file = tmp_path / "etc" / "policy.toml"
    policy_file.parent.mkdir()
    policy_file.write_text(f'[storage]\ndata_folder = "{folder.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(policy_file))
    return folder


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the allowed one; nothing may ever be made in it."""
    return tmp_path / "elsewhere"


def refusal_line(allowed: Path, database: Path) -> str:
    return (f"nmrf: your organisation allows databases only in {allowed}; "
            f"{database.resolve()} is outside it")


def _commands(out: Path) -> dict[str, list[str]]:
    """One invocation of every `nmrf` command that opens the record, by command name."""
    return {
        "init": ["init"],
        "import": ["import", "upr-info", str(NZ_CSV)],
        "export": ["export", "xlsx", "--out", str(out / "out.xlsx")],
        "search": ["search", "justice"],
        "assign": ["assign", "--agency", "MOJ"],
        "stats": ["stats"],
        "check": ["check"],
        "agencies": ["agencies"],
        "keys": ["keys", "list"],
        "pack": ["pack", "import", str(out / "in.nmrfpack")],
        "bundle": ["bundle", "verify", str(out / "in.nmrfbundle")],
        "conflicts": ["conflicts", "list"],
        "action": ["action", "add", "--rec", "X", "--title", "t", "--agency", "MOJ"],
        "progress": ["progress", "add", "--rec", "X", "--status", "implemented", "--text", "t",
                     "--agency", "MOJ"],
        "overlap": ["overlap"],
        "report": ["report", "xlsx", "--out", str(out / "report.xlsx")],
        "calendar": ["calendar", "list"],
        "dashboard": ["dashboard"],
        "migrate-to": ["migrate-to", str(out / "copy.sqlite3")],
        "indicator": ["indicator", "list"],
        "backup": ["backup"],
        "restore": ["restore", "--force"],
        "draft": ["draft", "upr-mid-term", "--out", str(out / "draft.docx")],
        "publish": ["publish", "--out", str(out / "site")],
    }


def test_every_command_that_opens_the_record_is_listed_here(tmp_path: Path) -> None:
    # `policy show` opens no database; `demo roundtrip` names its own folder (tested below).
    assert set(cli.COMMAND_WINGS) == set(_commands(tmp_path)) | {"policy", "demo"}


@pytest.mark.parametrize("command", sorted(_commands(Path("out"))))
def test_a_database_outside_the_data_folder_is_refused_by_every_command(
        allowed: Path, elsewhere: Path, command: str) -> None:
    database = elsewhere / "record.sqlite3"
    code, out, err = nmrf_in_process(*_commands(elsewhere)[command], db=database)
    assert code == 1, (out, err)
    assert err.splitlines()[0] == refusal_line(allowed, database)
    assert "Traceback" not in err
    assert not elsewhere.exists()  # no database, no lock, no output: nothing at all


def test_the_real_command_refuses_and_creates_nothing(allowed: Path, elsewhere: Path) -> None:
    database = elsewhere / "record.sqlite3"
    done = nmrf("init", db=database)
    first = assert_user_error(done, str(allowed), str(database))
    assert first == refusal_line(allowed, database)
    assert done.returncode == 1
    assert not elsewhere.exists()
    # $NMRF_DB and a sqlite:/// URL name a file too, and are refused the same way.
    assert_user_error(nmrf("init", env={"NMRF_DB": str(database)}), str(allowed))
    assert_user_error(nmrf("--db", f"sqlite:///{database}", "init"), str(allowed))
    assert not elsewhere.exists()


def test_a_database_inside_the_data_folder_works(allowed: Path) -> None:
    database = allowed / "officer" / "nmrf.sqlite3"
    assert nmrf_ok("init", db=database).startswith("database ready")
    code, _out, err = nmrf_in_process("import", "upr-info", NZ_CSV, db=database)
    assert code == 0, err
    code, _out, err = nmrf_in_process("backup", db=database)
    assert code == 0, err  # the backup copy is the app's own: not a database opened here
    # Through a symlink that leads out of the folder, it is outside: resolved, then refused.
    (allowed / "link").symlink_to(allowed.parent / "elsewhere", target_is_directory=True)
    code, _out, err = nmrf_in_process("init", db=allowed / "link" / "x.sqlite3")
    assert code == 1 and "is outside it" in err
    assert not (allowed.parent / "elsewhere").exists()


def test_migrate_to_refuses_a_target_outside_the_data_folder(allowed: Path,
                                                              elsewhere: Path) -> None:
    source = allowed / "nmrf.sqlite3"
    nmrf_ok("init", db=source)
    target = elsewhere / "copy.sqlite3"
    code, out, err = nmrf_in_process("migrate-to", target, db=source)
    assert code == 1, out
    assert err.splitlines()[0] == refusal_line(allowed, target)
    assert not elsewhere.exists()
    code, out, err = nmrf_in_process("migrate-to", allowed / "copy.sqlite3", db=source)
    assert code == 0, err


def test_demo_roundtrip_refuses_a_workdir_outside_the_data_folder(allowed: Path,
                                                                  elsewhere: Path) -> None:
    code, out, err = nmrf_in_process("demo", "roundtrip", "--workdir", elsewhere / "demo")
    assert code == 1, out
    assert refusal_line(allowed, elsewhere / "demo" / "central" / "central.sqlite3") == \
        err.splitlines()[0]
    assert not elsewhere.exists()


def test_without_a_data_folder_any_place_is_allowed(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text('[backup]\nkept = 3\n', encoding="utf-8")
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(policy_file))
    code, _out, err = nmrf_in_process("init", db=tmp_path / "anywhere" / "x.sqlite3")
    assert code == 0, err
