"""What a backup holds, in words: counts of one are singular (1 evidence file, 1 byte)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.services import catalog, entry
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.record import Record

from .test_backup import run


@pytest.fixture(autouse=True)
def _no_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NMRF_POLICY_FILE", str(tmp_path / "no-policy.toml"))


def test_one_of_each_is_singular_and_none_plural() -> None:
    one = backup.Contents(Path("b.nmrfbackup"), False, "manual", 2048, evidence_files=1,
                          evidence_bytes=1, key_files=1, bundle_files=0)
    assert one.summary() == ("database (2.0 KB), 1 evidence file (1 byte), 1 key file, "
                             "0 bundle files (0 bytes)")


def test_backup_and_restore_of_one_evidence_file_say_so(nz_record: Record, db_path: Path,
                                                        tmp_path: Path) -> None:
    rec = catalog.search_recommendations(nz_record, catalog.Filters(), limit=1)[0].id
    action = entry.create_action(nz_record, ActionDraft(title="Review", agency="MOJ",
                                                        recommendation_ids=(rec,))).id
    source = tmp_path / "note.txt"
    source.write_bytes(b"x")
    entry.attach_file(nz_record, source, agency="MOJ", action_id=action)
    nz_record.close()
    usb = tmp_path / "usb" / "monday"
    code, out, err = run("backup", "--out", usb, db=db_path)
    assert code == 0, err
    assert "1 evidence file (1 byte), 0 key files, 0 bundle files (0 bytes)" in out
    shutil.rmtree(db_path.parent / "evidence")
    code, out, err = run("restore", "--force", usb, db=db_path)
    assert code == 0, err
    assert "put back 1 evidence file, 0 key files and 0 bundle files" in out
