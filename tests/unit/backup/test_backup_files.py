"""Backups hold the evidence and keys too: manifest, hard links, restore, every bad input named."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.faults import EXIT_CODE
from nmrf_desktop.hashing import file_sha256
from nmrf_desktop.services import catalog, entry
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.blobs import BlobStore

from .test_backup import old_format_backup, run

PASSPHRASE = b"kia kaha, kia maia"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _no_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMRF_POLICY_FILE", str(tmp_path / "no-policy.toml"))


def in_backup(sha: str) -> str:
    """Where a backup keeps an evidence file: evidence/<first two hex digits>/<SHA-256>."""
    return f"evidence/{sha[:2]}/{sha}"


@dataclass
class Officer:
    record: Record
    db: Path
    action: str
    evidence: dict[str, str]  # display name → SHA-256
    key_id: str

    @property
    def store(self) -> BlobStore:
        return BlobStore(self.db.parent / "evidence")

    def attach(self, name: str, data: bytes) -> str:
        source = self.db.parent.parent / "incoming" / name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(data)
        sha = entry.attach_file(self.record, source, agency="MOJ", action_id=self.action).sha256
        assert sha is not None
        self.evidence[name] = sha
        return sha


@pytest.fixture
def officer(nz_record: Record, tmp_path: Path) -> Iterator[Officer]:
    """An officer's laptop folder: the database, three evidence files and a signing key."""
    db = tmp_path / "laptop" / "record.sqlite3"
    nz_record.close()
    db.parent.mkdir()
    shutil.move(tmp_path / "record.sqlite3", db)
    record = open_record(db)
    rec = catalog.search_recommendations(record, catalog.Filters(), limit=1)[0].id
    action = entry.create_action(record, ActionDraft(title="Whānau Ora review", agency="MOJ",
                                                     recommendation_ids=(rec,))).id
    found = Officer(record, db, action, {}, keys.create_key(record, PASSPHRASE))
    for name, size in (("cabinet-paper.pdf", 300_000), ("hui-report.txt", 40_000),
                       ("statute.docx", 120_000)):
        found.attach(name, os.urandom(size))
    yield found
    record.close()


def test_a_backup_holds_the_database_the_evidence_it_names_and_the_keys(
        officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    listed = manifest["files"]
    for sha in officer.evidence.values():
        rel = in_backup(sha)
        assert listed[rel]["sha256"] == sha == file_sha256(made / rel)
    assert f"keys/{officer.key_id}.pem" in listed and f"keys/{officer.key_id}.pub" in listed
    for rel, entry_ in listed.items():  # every file's hash and size, the database's too
        assert file_sha256(made / rel) == entry_["sha256"]
        assert (made / rel).stat().st_size == entry_["size"]
    assert stat.S_IMODE(made.stat().st_mode) == 0o700  # the whole record: owner only
    assert stat.S_IMODE((made / "keys" / f"{officer.key_id}.pem").stat().st_mode) == 0o600
    paper = made / in_backup(officer.evidence["cabinet-paper.pdf"])
    assert stat.S_IMODE(paper.stat().st_mode) == 0o600  # evidence may be confidential
    assert (made / "keys" / f"{officer.key_id}.pem").read_bytes() == (
        officer.db.parent / "keys" / f"{officer.key_id}.pem").read_bytes()  # still encrypted
    assert manifest["gaps"] == []
    contents = backup.describe(made)
    assert (contents.evidence_files, contents.key_files) == (3, 2)
    assert contents.evidence_bytes == 460_000 and not contents.database_only
    assert "3 evidence files" in contents.summary()
    assert backup.verify(made) == []


def test_restore_after_losing_the_data_folder_brings_back_evidence_and_keys(
        officer: Officer, tmp_path: Path) -> None:
    before = catalog.stats(officer.record)
    usb = tmp_path / "usb" / "monday"
    code, out, err = run("backup", "--out", usb, db=officer.db)
    assert code == 0, err
    assert "3 evidence files" in out and "2 key files" in out
    officer.record.close()
    shutil.rmtree(officer.db.parent)  # the laptop folder is gone: database, evidence, keys

    old_umask = os.umask(0)  # a careless umask must not leave the restored keys readable
    try:
        code, out, err = run("restore", usb, db=officer.db)
    finally:
        os.umask(old_umask)
    assert code == 0, err
    assert "put back 3 evidence files, 2 key files" in out
    restored = open_record(officer.db)
    try:
        assert catalog.check(restored) == [] and catalog.stats(restored) == before
        store = BlobStore(restored.evidence_root)
        assert all(store.verify(sha) for sha in officer.evidence.values())
        assert keys.load_key(restored, PASSPHRASE).id == officer.key_id  # it signs again
        for name in (f"{officer.key_id}.pem", f"{officer.key_id}.pub"):
            mode = stat.S_IMODE((restored.keys_root / name).stat().st_mode)
            assert mode == 0o600, f"{name}: {oct(mode)}"
    finally:
        restored.close()


def test_the_next_backup_hard_links_the_evidence_it_already_holds(officer: Officer) -> None:
    first = backup.backup_database(officer.db)
    new = officer.attach("select-committee.pdf", os.urandom(200_000))
    second = backup.backup_database(officer.db)
    for sha in officer.evidence.values():
        rel = in_backup(sha)
        if sha == new:
            assert not (first / rel).exists()
        else:
            assert (first / rel).stat().st_ino == (second / rel).stat().st_ino
    made = backup.describe(second)
    assert made.linked_bytes == 460_000  # only the new file and the small ones were written
    assert made.copied_bytes < made.database_bytes + 200_000 + 2_000
    assert backup.verify(second) == []


def test_rotation_removes_whole_backups_and_keeps_what_newer_ones_share(
        officer: Officer) -> None:
    made = [backup.backup_database(officer.db, reason="daily", kept=2) for _ in range(3)]
    assert backup.list_backups(officer.db) == made[:0:-1]
    assert not made[0].exists()  # the whole folder, not just its database
    assert not [p for p in made[0].parent.iterdir() if p.name.startswith(".")]
    assert backup.verify(made[2]) == []  # hard-linked evidence outlives the oldest backup


def test_a_leftover_partial_backup_is_neither_listed_nor_kept(officer: Officer) -> None:
    folder = backup.backup_folder(officer.db)
    stale = folder / ".record-20200101T000000000000Z-daily.nmrfbackup.partial"
    (stale / "evidence").mkdir(parents=True)
    os.utime(stale, (0, 0))
    backup.backup_database(officer.db)
    assert len(backup.list_backups(officer.db)) == 1
    assert not stale.exists()


def test_a_tampered_evidence_file_in_a_backup_is_named_and_nothing_is_restored(
        officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    sha = officer.evidence["hui-report.txt"]
    blob = made / in_backup(sha)
    data = bytearray(blob.read_bytes())
    data[100] ^= 0xFF
    blob.write_bytes(bytes(data))  # hard-linked: only backups share this file
    problems = backup.verify(made)
    assert problems == [f"{blob}: does not match the backup's manifest (damaged or altered "
                        "since the backup was made)"]
    officer.record.close()
    live = officer.store.path_for(sha)
    live.unlink()
    database = officer.db.read_bytes()
    code, _out, err = run("restore", made, "--force", db=officer.db)
    assert code == 1 and "does not verify" in err and str(blob) in err
    assert officer.db.read_bytes() == database and not live.exists()  # nothing changed


def test_a_file_missing_from_a_backup_is_named(officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    key = made / "keys" / f"{officer.key_id}.pem"
    key.unlink()
    assert backup.verify(made) == [f"{key}: missing from the backup"]
    assert backup.latest_good_backup(officer.db) is None


def test_a_database_that_does_not_match_the_manifest_is_named(officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    with closing(sqlite3.connect(made / "database.sqlite3")) as conn:
        conn.execute("UPDATE actions SET title = 'rewritten'")
        conn.commit()
    problems = backup.verify(made)
    assert problems and problems[0].startswith(f"{made / 'database.sqlite3'}: does not match")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda m: m.write_text("{not json", encoding="utf-8"), "manifest.json: not valid JSON"),
    (lambda m: m.unlink(), "not a backup (manifest.json is missing)"),
    (lambda m: _edit(m, lambda d: d["files"].update(
        {"keys/../../../.bashrc": {"sha256": "0" * 64, "size": 1}})),
     "lists 'keys/../../../.bashrc', which a backup may not hold"),
    (lambda m: _edit(m, lambda d: d["files"].update(
        {"/etc/passwd": {"sha256": "0" * 64, "size": 1}})),
     "lists '/etc/passwd', which a backup may not hold"),
    (lambda m: _edit(m, lambda d: d.update(version=99)), "format version 99 is unknown"),
    (lambda m: _edit(m, lambda d: d["files"]["database.sqlite3"].update(sha256="xyz")),
     "the SHA-256 of database.sqlite3 is malformed"),
    (lambda m: _edit(m, lambda d: next(e for rel, e in d["files"].items()
                                       if rel.startswith("evidence/")).update(sha256="a" * 64)),
     "is listed with another file's hash"),
    (lambda m: _edit(m, lambda d: d["files"].pop("database.sqlite3")), "lists no database"),
], ids=["not-json", "no-manifest", "dot-dot", "absolute", "version", "bad-hash",
        "wrong-hash", "no-database"])
def test_a_bad_manifest_is_refused_naming_the_file(officer: Officer, edit, message: str
                                                   ) -> None:  # type: ignore[no-untyped-def]
    made = backup.backup_database(officer.db)
    edit(made / "manifest.json")
    problems = backup.verify(made)
    assert len(problems) == 1 and message in problems[0] and str(made) in problems[0]
    officer.record.close()
    code, _out, err = run("restore", made, "--force", db=officer.db)
    assert code == 1 and message in err


def _edit(manifest: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(manifest.read_text(encoding="utf-8"))
    change(data)
    manifest.write_text(json.dumps(data), encoding="utf-8")


def test_a_backup_whose_database_names_evidence_it_does_not_hold_does_not_verify(
        officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    sha = officer.evidence["statute.docx"]
    rel = in_backup(sha)
    (made / rel).unlink()
    _edit(made / "manifest.json", lambda d: d["files"].pop(rel))
    assert backup.verify(made) == [f"{made}: its database names the evidence file statute.docx"
                                   f" ({sha}), which the backup does not hold"]


def test_evidence_missing_at_backup_time_is_a_named_gap(officer: Officer) -> None:
    sha = officer.evidence["cabinet-paper.pdf"]
    officer.store.path_for(sha).unlink()  # lost before any backup held it
    code, out, err = run("backup", db=officer.db)
    assert code == 1  # the backup was made, but it is incomplete
    made = backup.list_backups(officer.db)[0]
    assert str(made) in out and "INCOMPLETE: 1 missing" in out
    assert f"evidence file cabinet-paper.pdf ({sha}) was missing" in err
    assert str(officer.store.path_for(sha)) in err
    assert backup.verify(made) == []  # a faithful copy of what there was
    officer.record.close()
    code, out, err = run("restore", made, "--force", db=officer.db)
    assert code == 0, err
    assert f"note: not in the backup: evidence file cabinet-paper.pdf ({sha})" in out


def test_evidence_lost_since_the_last_backup_comes_from_that_backup(officer: Officer) -> None:
    first = backup.backup_database(officer.db)
    sha = officer.evidence["cabinet-paper.pdf"]
    officer.store.path_for(sha).unlink()
    second = backup.backup_database(officer.db)
    assert backup.describe(second).gaps == ()
    rel = in_backup(sha)
    assert (second / rel).stat().st_ino == (first / rel).stat().st_ino


def test_damaged_evidence_is_not_backed_up_as_good_and_restore_repairs_it(
        officer: Officer) -> None:
    good = backup.backup_database(officer.db, tmp := officer.db.parent.parent / "good")
    assert good == tmp
    sha = officer.evidence["hui-report.txt"]
    live = officer.store.path_for(sha)
    live.write_bytes(b"overwritten by a sync tool")
    damaged_backup = backup.backup_database(officer.db)  # no earlier backup beside this one
    gaps = backup.describe(damaged_backup).gaps
    assert len(gaps) == 1 and "hui-report.txt" in gaps[0] and "damaged" in gaps[0]
    officer.record.close()
    done = backup.restore(officer.db, good, force=True)
    assert file_sha256(live) == sha and done.evidence_files == 1
    aside = [p for p in live.parent.iterdir() if p.name.startswith(f"{sha}.damaged-")]
    assert aside and aside[0].read_bytes() == b"overwritten by a sync tool"  # kept, not lost


def test_restore_never_overwrites_a_different_key_file(officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    mine = officer.db.parent / "keys" / f"{officer.key_id}.pem"
    # The same key saved again under a new passphrase: same id, other bytes.
    SigningKey.load(mine, PASSPHRASE).save(mine, b"a new passphrase")
    current = mine.read_bytes()
    officer.record.close()
    code, out, err = run("restore", made, "--force", db=officer.db)
    assert code == 0, err
    assert mine.read_bytes() == current
    aside = next(mine.parent.glob(f"{mine.name}.from-backup-*"))
    assert aside.read_bytes() == (made / "keys" / mine.name).read_bytes()
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert f"note: {mine} differs from the backup's copy: it was kept" in out
    assert aside.name in out
    again = backup.backup_database(officer.db)  # both copies are in the next backup
    assert (again / "keys" / aside.name).read_bytes() == aside.read_bytes()


def test_restore_into_a_locked_database_is_refused_naming_it(officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    officer.record.close()
    before = officer.db.read_bytes()
    with closing(sqlite3.connect(officer.db, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program is writing
        with pytest.raises(backup.RestoreRefused, match="in use by another program") as caught:
            backup.restore(officer.db, made, force=True)
        other.execute("ROLLBACK")
    assert str(officer.db) in str(caught.value)
    assert officer.db.read_bytes() == before
    assert not [p for p in officer.db.parent.iterdir() if "before-restore" in p.name]


def test_old_format_backups_are_listed_described_and_restored(officer: Officer) -> None:
    stamp = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).strftime("%Y%m%dT%H%M%S%fZ")
    old = old_format_backup(officer.db,
                            backup.backup_folder(officer.db) / f"record-{stamp}-daily.sqlite3")
    new = backup.backup_database(officer.db)
    assert backup.list_backups(officer.db) == [new, old]
    assert backup.describe(old).database_only and backup.verify(old) == []
    code, out, _err = run("backup", "--list", db=officer.db)
    assert code == 0 and f"{old}\tdatabase only" in out and f"{new}\tdatabase (" in out
    officer.record.close()
    evidence = sorted(p.name for p in (officer.db.parent / "evidence").rglob("*"))
    code, out, err = run("restore", old, "--force", db=officer.db)
    assert code == 0, err
    assert "an old backup of the database alone" in out
    assert sorted(p.name for p in (officer.db.parent / "evidence").rglob("*")) == evidence


def test_bundle_files_beside_the_database_are_backed_up_and_put_back(
        officer: Officer) -> None:
    sent = officer.db.parent / "sent" / "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0.nmrfbundle"
    sent.parent.mkdir()
    sent.write_bytes(os.urandom(10_000))
    data = sent.read_bytes()
    first = backup.backup_database(officer.db)
    second = backup.backup_database(officer.db)
    rel = f"sent/{sent.name}"
    assert (first / rel).stat().st_ino == (second / rel).stat().st_ino
    assert backup.describe(second).bundle_files == 1
    sent.unlink()
    officer.record.close()
    done = backup.restore(officer.db, second, force=True)
    assert sent.read_bytes() == data and done.bundle_files == 1


def test_a_backup_that_is_not_there_is_a_clear_refusal(officer: Officer,
                                                       tmp_path: Path) -> None:
    code, _out, err = run("restore", tmp_path / "nowhere", db=officer.db)
    assert code == 1 and f"no backup at {tmp_path / 'nowhere'}" in err
    code, _out, err = run("backup", "--verify", tmp_path / "nowhere", db=officer.db)
    assert code == 1 and f"no backup at {tmp_path / 'nowhere'}" in err


def test_backup_out_must_be_a_new_folder(officer: Officer, tmp_path: Path) -> None:
    code, _out, err = run("backup", "--out", tmp_path / "copy.sqlite3", db=officer.db)
    assert code == 1 and "a backup is a folder" in err and "copy.sqlite3" in err
    (tmp_path / "taken").mkdir()
    code, _out, err = run("backup", "--out", tmp_path / "taken", db=officer.db)
    assert code == 1 and f"{tmp_path / 'taken'} already exists" in err


def test_backup_verify_command_checks_every_file(officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    code, out, err = run("backup", "--verify", made / "manifest.json", db=officer.db)
    assert code == 0 and ": ok (database (" in out, err
    (made / "keys" / f"{officer.key_id}.pub").write_bytes(b"not my key")
    code, out, err = run("backup", "--verify", made, db=officer.db)
    assert code == 1 and f"{officer.key_id}.pub: does not match" in err


@pytest.mark.parametrize("step", ["backup:files-gathered", "backup:manifest-written"])
def test_a_backup_killed_midway_leaves_no_backup(officer: Officer, step: str) -> None:
    code = _killed_at(step, officer.db, "backup")
    assert code == EXIT_CODE
    assert backup.list_backups(officer.db) == []
    assert backup.latest_good_backup(officer.db) is None
    assert backup.verify(backup.backup_database(officer.db)) == []  # the next one works


def test_a_restore_killed_before_the_swap_leaves_the_database_as_it_was(
        officer: Officer) -> None:
    made = backup.backup_database(officer.db)
    officer.record.close()
    before = officer.db.read_bytes()
    assert _killed_at("restore:files-put-back", officer.db, "restore", str(made),
                      "--force") == EXIT_CODE
    assert officer.db.read_bytes() == before
    done = backup.restore(officer.db, made, force=True)  # and it can be done again
    assert done.safety_copy is not None


def _killed_at(step: str, db: Path, *argv: str) -> int:
    env = dict(os.environ, NMRF_CRASH_AT=step)
    proc = subprocess.run([sys.executable, "-m", "nmrf_desktop.cli.main", "--db", str(db), *argv],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    return proc.returncode
