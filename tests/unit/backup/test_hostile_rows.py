"""Backups refuse what is already wrong in the database: an evidence row whose hash is a path
is named and skipped, never followed; restore refuses a manifest entry that would escape and
an input that is not a file (issue 19, part C).

The hostile rows are written with SQL straight into the migrated database, as an attacker
who got past the import would have left them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from nmrf_desktop.services.backup import making as backup

from .test_backup import run
from .test_backup_files import Officer, _no_policy, in_backup, officer  # noqa: F401


@pytest.fixture
def holder(officer: Officer) -> Officer:  # noqa: F811
    """The officer's laptop folder of test_backup_files: database, evidence, key."""
    return officer


HOSTILE_HASHES = {
    "escape.pdf": "../../../../var/x",
    "passwd.txt": "/etc/passwd",
    "Te Tiriti — ngā kōrero.docx": "../" * 10 + "tmp/nmrf-escaped",
    "short.pdf": "ab" * 31,
    "not-hex.pdf": "g" * 64,
    "drive.pdf": "C:\\Windows\\win.ini",
    "dots.pdf": "..",
}


def add_hostile_rows(db: Path, rows: dict[str, str | bytes]) -> None:
    """Evidence rows written behind the app's back: display name → 'sha256' value."""
    with closing(sqlite3.connect(db)) as conn, conn:
        agency = conn.execute("SELECT agency_code, action_id FROM evidence LIMIT 1").fetchone()
        for name, sha in rows.items():
            conn.execute(
                "INSERT INTO evidence (id, action_id, recommendation_id, agency_code, sha256, "
                "size, media_type, display_name, url, is_public, removed, version, created_at,"
                " updated_at) VALUES (?, ?, NULL, ?, ?, 10, 'application/pdf', ?, '', 0, 0, 1,"
                " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                (str(uuid.uuid4()), agency[1], agency[0], sha, name))


def listing(folder: Path, skip: Path | None = None) -> list[str]:
    """Every path under `folder` (but `skip`), relative: to show nothing was written."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if (skip is None or not p.is_relative_to(skip)) and p.suffix != ".lock")


def test_an_evidence_row_whose_hash_is_a_path_is_named_and_not_followed(
        holder: Officer, tmp_path: Path) -> None:
    add_hostile_rows(holder.db, dict(HOSTILE_HASHES))
    outside = listing(tmp_path)
    made = backup.backup_database(holder.db)
    assert listing(tmp_path, skip=made) == outside  # nothing written beside the backup
    assert not Path("/var/x").exists() and not Path("/tmp/nmrf-escaped").exists()
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    refused = {g["label"]: g["name"] for g in manifest["gaps"] if g["reason"] == "refused"}
    assert refused == HOSTILE_HASHES
    for rel in manifest["files"]:
        assert (made / rel).resolve().is_relative_to(made.resolve())
    for sha in holder.evidence.values():  # the rest is complete
        assert in_backup(sha) in manifest["files"]
    contents = backup.describe(made)
    assert contents.evidence_files == 3 and contents.refused == len(HOSTILE_HASHES)
    assert "7 evidence rows refused" in contents.summary()
    assert "INCOMPLETE" not in contents.summary()  # nothing real is missing
    shown = "\n".join(contents.gaps)
    for name, sha in HOSTILE_HASHES.items():
        assert name in shown and repr(sha) in shown
    assert backup.verify(made) == []  # the backup is sound and restorable


def test_the_command_line_backup_names_the_refused_rows_and_succeeds(
        holder: Officer, tmp_path: Path) -> None:
    add_hostile_rows(holder.db, {"escape.pdf": "../../../../var/x"})
    out_dir = tmp_path / "usb" / "friday"
    code, out, err = run("backup", "--out", out_dir, db=holder.db)
    assert code == 1, err  # made, and said to lack something the database names
    assert "1 evidence row refused" in out and "3 evidence files" in out
    assert "escape.pdf names the file '../../../../var/x'" in err
    assert "not followed; everything else is in the backup" in err
    assert "already lost" not in err
    assert backup.verify(out_dir) == []
    assert {p.name for p in (tmp_path / "usb").iterdir()} == {"friday"}


def test_a_blob_or_number_in_the_hash_column_is_refused_too(
        holder: Officer, tmp_path: Path) -> None:
    with closing(sqlite3.connect(holder.db)) as conn, conn:
        row = conn.execute("SELECT id FROM evidence LIMIT 1").fetchone()[0]
        conn.execute("UPDATE evidence SET sha256 = X'2e2e2f2e2e2f7661722f78' WHERE id = ?",
                     (row,))
    made = backup.backup_database(holder.db, tmp_path / "b")
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    assert [g["reason"] for g in manifest["gaps"]] == ["refused"]
    assert len([r for r in manifest["files"] if r.startswith("evidence/")]) == 2


def test_a_restore_whose_manifest_would_escape_is_refused(holder: Officer,
                                                          tmp_path: Path) -> None:
    made = backup.backup_database(holder.db, tmp_path / "b")
    manifest_path = made / "manifest.json"
    good = json.loads(manifest_path.read_text(encoding="utf-8"))
    sha = holder.evidence["hui-report.txt"]
    entry = good["files"][in_backup(sha)]
    for rel in ("evidence/../../../escaped", "keys/../../escaped.pem", "/etc/cron.d/x",
                f"evidence/{sha[:2]}/../{sha}", "held/.hidden", "keys/a\\..\\b"):
        hostile = dict(good, files=dict(good["files"], **{rel: entry}))
        manifest_path.write_text(json.dumps(hostile), encoding="utf-8")
        data_before = listing(holder.db.parent)
        problems = backup.verify(made)
        assert problems and repr(rel) in problems[0], rel
        with pytest.raises(backup.RestoreRefused, match="does not verify"):
            backup.restore(holder.db, made, force=True)
        assert listing(holder.db.parent) == data_before
        assert not (tmp_path / "escaped").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_restore_from_something_that_is_not_a_file_is_refused_at_once(
        holder: Officer, tmp_path: Path) -> None:
    fifo = tmp_path / "backup.sqlite3"
    os.mkfifo(fifo)
    made = backup.backup_database(holder.db, tmp_path / "b")
    (made / "manifest.json").unlink()
    os.mkfifo(made / "manifest.json")
    before = listing(holder.db.parent)
    for source, words in ((fifo, "named pipe"), (made, "cannot be read"),
                          (Path("/dev/zero"), "device")):
        started = time.monotonic()
        with pytest.raises(backup.RestoreRefused, match=words):
            backup.restore(holder.db, source, force=True)
        assert backup.verify(source)
        with pytest.raises(backup.ManifestProblem):
            backup.describe(made)
        assert time.monotonic() - started < 3, source
    assert not backup.is_sqlite_file(fifo)
    assert listing(holder.db.parent) == before
