"""Backups and restore: the backup API, rotation, verification, and never losing work."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest

from nmrf_desktop.cli import main as cli
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.services import catalog, entry
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.catalog import ids_for_references
from nmrf_desktop.services.instance import DatabaseInUse, InstanceGuard
from nmrf_desktop.services.record import Record, open_record


@pytest.fixture(autouse=True)
def _no_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMRF_POLICY_FILE", str(tmp_path / "no-policy.toml"))


def run(*argv: str | Path, db: Path) -> tuple[int, str, str]:
    """`nmrf --db DB ARGS…` in this process."""
    args = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db), *args])
    return code, out.getvalue(), err.getvalue()


def record_work(record: Record, title: str) -> None:
    """An action and a progress update, the way an officer records them."""
    refs = list(ids_for_references(record, ["NZ-UPR-2009-1", "NZ-UPR-2014-1"]).values())
    if not refs:
        refs = [r.id for r in catalog.search_recommendations(record, catalog.Filters(),
                                                              limit=2)]
    entry.create_action(record, ActionDraft(title=title, agency="MOJ",
                                            recommendation_ids=(refs[0],)))
    entry.add_progress(record, ProgressDraft(refs[0], "MOJ", ImplementationStatus.IN_PROGRESS,
                                             f"{title}: under way", dt.date(2024, 5, 1)))


def old_format_backup(database: Path, out: Path) -> Path:
    """A backup as made before backups were folders: the database alone, by the backup API."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(database)) as src, \
            contextlib.closing(sqlite3.connect(out)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
    return out


def corrupt(path: Path) -> None:
    """Overwrite 16 KiB in the middle of the file (the live database, closed)."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(b"\xa5" * 16384)


def test_backup_corrupt_restore_loses_nothing_recorded_before_the_backup(
        nz_record: Record, db_path: Path) -> None:
    record_work(nz_record, "Before the backup")
    before = catalog.stats(nz_record)
    code, out, err = run("backup", db=db_path)
    assert code == 0, err
    made = backup.list_backups(db_path)
    assert len(made) == 1 and str(made[0]) in out
    nz_record.close()

    corrupt(db_path)
    assert backup.quick_check(db_path), "the corruption must be visible to quick_check"
    code, out, err = run("check", db=db_path)
    assert (code, out) == (1, ""), err
    assert err.startswith(f"nmrf: check failed: {db_path} is damaged: "), err

    code, out, err = run("restore", made[0], db=db_path)
    assert code == 0, err
    assert "kept as" in out
    code, out, err = run("check", db=db_path)
    assert (code, out) == (0, "ok\n"), err
    restored = open_record(db_path)
    try:
        assert catalog.stats(restored) == before
        titles = [r.title for r in restored_actions(restored)]
        assert "Before the backup" in titles
    finally:
        restored.close()
    safety = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert safety and backup.quick_check(safety[0])  # the damaged file, kept as it was


def restored_actions(record: Record) -> list:  # type: ignore[type-arg]
    from sqlalchemy import select

    from nmrf_desktop.store.models import Action

    with record.reading() as session:
        return list(session.execute(select(Action)).scalars())


def test_restore_refuses_over_a_sound_database_unless_forced(nz_record: Record,
                                                             db_path: Path) -> None:
    kept = backup.backup_database(db_path)
    record_work(nz_record, "After the backup")
    after = catalog.stats(nz_record)
    nz_record.close()
    code, _out, err = run("restore", kept, db=db_path)
    assert code == 1 and "--force" in err
    reopened = open_record(db_path)
    assert catalog.stats(reopened) == after  # nothing changed
    reopened.close()
    code, _out, err = run("restore", kept, "--force", db=db_path)
    assert code == 0, err
    safety = next(p for p in db_path.parent.iterdir()
                  if p.name.startswith("record.sqlite3.before-restore-")
                  and not p.name.endswith(("-wal", "-shm")))
    with contextlib.closing(sqlite3.connect(safety)) as conn:
        count = conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    assert count == after["actions"]  # the forced-over work is in the safety copy


def test_a_backup_that_does_not_verify_is_refused_and_nothing_changes(
        nz_record: Record, db_path: Path, tmp_path: Path) -> None:
    bad = old_format_backup(db_path, tmp_path / "bad.sqlite3")
    corrupt(bad)
    nz_record.close()
    corrupt(db_path)
    damaged = db_path.read_bytes()
    code, _out, err = run("restore", bad, db=db_path)
    assert code == 1 and "does not verify" in err and str(bad) in err
    assert db_path.read_bytes() == damaged
    assert not [p for p in db_path.parent.iterdir() if "restoring" in p.name]
    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_bytes(b"hello" * 1000)
    assert backup.verify(not_a_db)


def test_restore_is_refused_while_an_app_has_the_database_open(record: Record,
                                                               db_path: Path) -> None:
    kept = backup.backup_database(db_path)
    with InstanceGuard(db_path), pytest.raises(DatabaseInUse):
        backup.restore(db_path, kept, force=True)
    code, _out, err = run("restore", kept, "--force", db=db_path)
    assert code == 0, err


def test_rotation_keeps_the_number_from_the_policy(record: Record, db_path: Path,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text("[backup]\nkept = 2\n", encoding="utf-8")
    monkeypatch.setenv("NMRF_POLICY_FILE", str(policy_file))
    made = [backup.backup_database(db_path, reason="daily") for _ in range(4)]
    assert backup.list_backups(db_path) == made[:1:-1]  # the newest two, newest first
    assert backup.backup_folder(db_path).parent.name == "backups"
    assert backup.backup_database(db_path, kept=5) in backup.list_backups(db_path)
    assert len(backup.list_backups(db_path)) == 3


def test_backup_database_is_one_self_contained_file_and_daily_is_due_after_a_day(
        record: Record, db_path: Path) -> None:
    assert backup.backup_due(db_path)
    made = backup.backup_database(db_path, reason="daily")
    copy = made / "database.sqlite3"
    assert not copy.with_name(copy.name + "-wal").exists()
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert backup.verify(made) == []
    assert not backup.backup_due(db_path)
    assert backup.backup_due(db_path, dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1))


def test_latest_good_backup_skips_a_damaged_one(nz_record: Record, db_path: Path) -> None:
    good = backup.backup_database(db_path)
    newer = backup.backup_database(db_path)
    corrupt(newer / "database.sqlite3")
    assert backup.verify(newer)
    assert backup.latest_good_backup(db_path) == good
    code, out, err = run("restore", "--force", db=db_path)  # no FILE: the latest good one
    assert code == 0, err
    assert good.name in out


def test_backup_of_a_missing_database_is_a_clear_refusal(tmp_path: Path) -> None:
    code, _out, err = run("backup", db=tmp_path / "none.sqlite3")
    assert code == 1 and "no record at" in err and "none.sqlite3" in err
