"""`nmrf check`: 0 on a good record; 1 with the reason on tampering, broken structure or a
damaged file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import nmrf, nmrf_in_process


def _tamper(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def audited_db(nz_db: Path) -> Path:
    """The NZ record with three audit events (import, assign, assign)."""
    for agency in ("MOJ", "MFAT"):
        assert nmrf_in_process("assign", "--agency", agency, "--session", "18",
                               db=nz_db)[0] == 0
    return nz_db


def _check_fails(db: Path, reason: str) -> list[str]:
    code, out, err = nmrf_in_process("check", db=db)
    lines = err.splitlines()
    assert (code, out) == (1, ""), err
    assert lines[0].startswith("nmrf: check failed: "), err
    assert reason in err, err
    return lines


def test_good_record_passes(audited_db: Path) -> None:
    done = nmrf("check", db=audited_db)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_empty_new_record_passes(tmp_path: Path) -> None:
    assert nmrf_in_process("init", db=tmp_path / "new.sqlite3")[0] == 0
    assert nmrf_in_process("check", db=tmp_path / "new.sqlite3") == (0, "ok\n", "")


def test_check_of_no_record_makes_none(tmp_path: Path) -> None:
    code, out, err = nmrf_in_process("check", db=tmp_path / "new.sqlite3")
    assert (code, out) == (1, "")
    assert err == f"nmrf: no record at {tmp_path / 'new.sqlite3'}; create one with `nmrf init`\n"
    assert list(tmp_path.iterdir()) == []


def test_edited_audit_event_is_caught(audited_db: Path) -> None:
    _tamper(audited_db, "UPDATE audit_log SET details = '{\"created\":0}' WHERE seq = 2")
    done = nmrf("check", db=audited_db)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == ("nmrf: check failed: audit event 2: content does "
                                           "not match its hash")


def test_rewritten_audit_event_with_its_own_hash_breaks_the_next_link(audited_db: Path) -> None:
    from nmrf_desktop.store.audit import _digest

    conn = sqlite3.connect(audited_db)
    at, actor, event, entity, entity_id, prev = conn.execute(
        "SELECT at, actor, event, entity, entity_id, prev_hash FROM audit_log WHERE seq = 2"
    ).fetchone()
    conn.close()
    from datetime import datetime

    forged = _digest(prev, datetime.fromisoformat(at).isoformat(), actor, event, entity,
                     entity_id, "{}")
    _tamper(audited_db, f"UPDATE audit_log SET details = '{{}}', hash = '{forged}' "
                        "WHERE seq = 2")
    _check_fails(audited_db, "audit event 3: previous hash does not match")


def test_deleted_audit_event_is_caught(audited_db: Path) -> None:
    _tamper(audited_db, "DELETE FROM audit_log WHERE seq = 2")
    _check_fails(audited_db, "audit event 3: previous hash does not match")


def test_broken_foreign_key_is_caught(audited_db: Path) -> None:
    _tamper(audited_db,
            "INSERT INTO assignments (id, recommendation_id, agency_code, role, active, "
            "version, created_at, updated_at) VALUES ('a-1', 'no-such-recommendation', "
            "'MOJ', 'lead', 1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
    _check_fails(audited_db, "foreign key: assignments row")


def test_search_index_missing_a_row_is_caught(audited_db: Path) -> None:
    _tamper(audited_db, "DELETE FROM recommendation_fts WHERE rowid = "
                        "(SELECT min(num) FROM recommendations)")
    _check_fails(audited_db, "search index holds 227 rows for 228 recommendations")


def test_search_index_with_the_right_count_but_wrong_rows_is_caught(audited_db: Path) -> None:
    _tamper(audited_db,
            "DELETE FROM recommendation_fts WHERE rowid = (SELECT min(num) FROM recommendations)",
            "INSERT INTO recommendation_fts (rowid, text, meta) VALUES (999999, 'stray', '')")
    lines = _check_fails(audited_db, "search index: 1 recommendations are not in it")
    assert any("1 entries belong to no recommendation" in line for line in lines)


def test_search_index_with_a_stale_text_is_caught(audited_db: Path) -> None:
    _tamper(audited_db, "UPDATE recommendations SET text = 'Changed behind the index.' "
                        "WHERE num = (SELECT min(num) FROM recommendations)")
    _check_fails(audited_db, "search index: 1 entries hold an out-of-date text")


def _garbage_in_the_middle(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 16384)


def _truncated(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 3)


def _shorter_than_its_header(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(10)  # SQLite alone would take this for a new, empty database


def _not_a_database(db: Path) -> None:
    db.write_text("Minutes of the meeting, not a database.\n" * 200, encoding="utf-8")


@pytest.mark.parametrize(("damage", "reason"), [
    (_garbage_in_the_middle, "is damaged: database disk image is malformed"),
    (_truncated, "is damaged: database disk image is malformed"),
    (_shorter_than_its_header, "is not a database"),
    (_not_a_database, "is not a database"),
])
def test_a_damaged_file_is_one_clear_failure_and_left_as_it_was(
        nz_db: Path, damage: Callable[[Path], None], reason: str) -> None:
    damage(nz_db)
    before = nz_db.read_bytes()
    done = nmrf("check", db=nz_db)
    assert (done.returncode, done.stdout) == (1, ""), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines()[0] == f"nmrf: check failed: {nz_db} {reason}"
    assert nz_db.read_bytes() == before  # nothing migrated or written into it
