"""`nmrf init`, where the database is (--db, NMRF_DB, the user folder), and user mistakes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.support import assert_user_error, nmrf, nmrf_ok


def _agencies(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM agencies").fetchone()[0])
    finally:
        conn.close()


def test_init_creates_a_migrated_database_and_is_repeatable(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "folder" / "record.sqlite3"
    out = nmrf_ok("init", db=db)
    assert out == f"database ready: sqlite:///{db}\n"
    assert _agencies(db) == 24
    assert nmrf_ok("init", db=db) == out
    assert _agencies(db) == 24
    assert nmrf_ok("check", db=db) == "ok\n"


def test_db_option_wins_over_env_which_wins_over_the_user_folder(tmp_path: Path) -> None:
    data_dir, from_env, from_option = tmp_path / "data", tmp_path / "env.db", tmp_path / "opt.db"
    env = {"NMRF_DATA_DIR": str(data_dir)}

    nmrf_ok("init", env=env)
    assert (data_dir / "nmrf.sqlite3").exists()

    assert nmrf_ok("init", env=env | {"NMRF_DB": str(from_env)}).endswith(f"{from_env}\n")
    assert from_env.exists()

    out = nmrf_ok("--db", str(from_option), "init", env=env | {"NMRF_DB": str(from_env)})
    assert out.endswith(f"{from_option}\n") and from_option.exists()


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["search", "--limit", "many"],
    ["search", "--position", "maybe"],
    ["search", "--cycle", "two"],
    ["search", "--te-tiriti", "--not-te-tiriti"],
    ["assign"],
    ["assign", "--agency", "MOJ", "--lead-defaults"],
    ["assign", "--agency", "MOJ", "--role", "boss"],
    ["import"],
    ["import", "upr-info"],
    ["import", "upr-info", "x.csv", "--bogus"],
    ["--db"],
])
def test_argument_mistakes_exit_2_with_one_line(argv: list[str], tmp_path: Path) -> None:
    done = nmrf(*argv, env={"NMRF_DB": str(tmp_path / "db.sqlite3")})
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()  # the mistake, and where to read more: no usage text
    assert line.startswith("nmrf") and ": error: " in line, line
    assert line.endswith(" --help`"), line
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "db.sqlite3").exists(), "a usage error touched the database"


def test_a_mistake_after_a_command_points_to_its_help(tmp_path: Path) -> None:
    done = nmrf("search", "--bogus", env={"NMRF_DB": str(tmp_path / "db.sqlite3")})
    assert done.stderr == ("nmrf: error: unrecognized arguments: --bogus; see `nmrf search "
                           "--help`\n")
    done = nmrf("keys", "register", env={"NMRF_DB": str(tmp_path / "db.sqlite3")})
    assert done.stderr.startswith("nmrf keys register: error: the following arguments are "
                                  "required: public_key, --officer, --agency; see `nmrf keys "
                                  "register --help`")


def test_version_and_help(tmp_path: Path) -> None:
    assert nmrf_ok("--version").startswith("nmrf ")
    helptext = nmrf_ok("--help")
    for command in ("init", "import", "export", "search", "assign", "stats", "check"):
        assert command in helptext


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 200)
    done = nmrf("stats", db=notes)
    assert_user_error(done, "cannot open the database", "notes.txt", "not a database")
    assert notes.read_text() == "shopping list\n" * 200


def test_a_folder_as_database_is_a_clear_error(tmp_path: Path) -> None:
    assert_user_error(nmrf("stats", db=tmp_path), "cannot open the database", str(tmp_path))


def test_database_below_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_user_error(nmrf("init", db=blocker / "record.sqlite3"), "cannot create the database")


def test_database_from_a_newer_version_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "newer.sqlite3"
    nmrf_ok("init", db=db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    assert_user_error(nmrf("stats", db=db), "cannot open the database", "9999")
