"""Durability: a process killed at each step of import or export leaves all or nothing.

Each job runs in a child process with NMRF_CRASH_AT set, which calls os._exit at that
step; the test then checks the database is exactly as before, intact, and that a retry
succeeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from nmrf_desktop.faults import EXIT_CODE
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_export, bundle_import, packs
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.blobs import BlobStore

from .world import World, add_action, record_digest

ROOT = Path(__file__).resolve().parents[3]


def _run(job: str, record: Record, path: Path, crash_at: str) -> int:
    db = str(record.engine.url.database)
    record.engine.dispose()  # the child must be free to take the write lock
    env = dict(os.environ, NMRF_CRASH_AT=crash_at)
    proc = subprocess.run([sys.executable, "-m", "tests.unit.exchange.crash_driver", job, db,
                           str(path)], cwd=ROOT, env=env, capture_output=True, timeout=120)
    return proc.returncode


def _intact(record: Record) -> None:
    with record.reading() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    assert check(record) == []
    store = BlobStore(record.evidence_root)
    root = record.evidence_root / "sha256"
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            assert store.verify(path.name), f"partial evidence file under its final name: {path}"


def _officer_with_work(world: World, tmp_path: Path):  # type: ignore[no-untyped-def]
    lap = world.laptop("aroha", "MOJ")
    action = add_action(lap, world.rec_ids(), "Whānau Ora review")
    evidence = tmp_path / "report.pdf"
    evidence.write_bytes(b"%PDF-1.4 " + os.urandom(50_000))
    entry.attach_file(lap.record, evidence, agency="MOJ", action_id=action)
    return lap


@pytest.mark.parametrize("step", ["bundle-import:verified", "blob:written",
                                  "bundle-import:evidence-stored", "bundle-import:claimed",
                                  "bundle-import:before-commit"])
def test_killed_bundle_import_is_all_or_nothing(world: World, tmp_path: Path, step: str) -> None:
    lap = _officer_with_work(world, tmp_path)
    bundle = lap.export(tmp_path)
    before = record_digest(world.central)
    assert _run("import-bundle", world.central, bundle, step) == EXIT_CODE
    assert record_digest(world.central) == before
    _intact(world.central)
    result = bundle_import.import_bundle(world.central, bundle)
    assert result.status == bundle_import.MERGED
    _intact(world.central)


@pytest.mark.parametrize("step", ["pack-import:verified", "pack-import:applied",
                                  "pack-import:before-commit"])
def test_killed_pack_import_is_all_or_nothing(world: World, tmp_path: Path, step: str) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "unsent work")
    pack = tmp_path / "next.nmrfpack"
    packs.export_pack(world.central, "MOJ", pack, world.central_key)
    before = (record_digest(lap.record), lap.record.setting(packs.PACK_VERSION))
    assert _run("import-pack", lap.record, pack, step) == EXIT_CODE
    assert (record_digest(lap.record), lap.record.setting(packs.PACK_VERSION)) == before
    _intact(lap.record)
    assert packs.import_pack(lap.record, pack).version == int(before[1]) + 1
    assert bundle_export.unsent_count(lap.record) == 1


@pytest.mark.parametrize("step", ["bundle-file:written", "bundle-export:file-written",
                                  "bundle-export:before-commit"])
def test_killed_bundle_export_marks_nothing(world: World, tmp_path: Path, step: str) -> None:
    lap = _officer_with_work(world, tmp_path)
    out = tmp_path / "out.nmrfbundle"
    unsent = bundle_export.unsent_count(lap.record)
    assert _run("export-bundle", lap.record, out, step) == EXIT_CODE
    assert bundle_export.unsent_count(lap.record) == unsent
    assert bundle_export.awaiting_ack_count(lap.record) == 0
    if step == "bundle-file:written":
        assert not out.exists()
    _intact(lap.record)
    retry = tmp_path / "retry.nmrfbundle"
    bundle_export.export_bundle(lap.record, retry, lap.key)
    assert bundle_export.unsent_count(lap.record) == 0
    assert bundle_import.import_bundle(world.central, retry).status == bundle_import.MERGED


def test_evidence_damaged_on_disk_is_not_exported(world: World, tmp_path: Path) -> None:
    lap = _officer_with_work(world, tmp_path)
    blob = next(p for p in (lap.record.evidence_root / "sha256").rglob("*") if p.is_file())
    blob.write_bytes(b"bit rot")
    out = tmp_path / "out.nmrfbundle"
    with pytest.raises(bundle_export.ExportRefused, match="damaged"):
        bundle_export.export_bundle(lap.record, out, lap.key)
    assert not out.exists() and not list(tmp_path.glob(".out.nmrfbundle*"))
    assert bundle_export.awaiting_ack_count(lap.record) == 0


def test_disk_full_while_writing_evidence(world: World, tmp_path: Path) -> None:
    lap = _officer_with_work(world, tmp_path)
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4 " + os.urandom(3 * 1024 * 1024))
    action = add_action(lap, world.rec_ids(), "with a large scan")
    entry.attach_file(lap.record, big, agency="MOJ", action_id=action)
    bundle = lap.export(tmp_path)
    central = world.central
    db = Path(str(central.engine.url.database))
    largest = max(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    before = record_digest(central)
    central.engine.dispose()
    proc = subprocess.run(
        [sys.executable, "-m", "tests.unit.exchange.crash_driver", "import-bundle-disk-full",
         str(db), str(bundle), str(largest + 1024 * 1024)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("failed:") and "disk space" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert record_digest(central) == before
    _intact(central)
    assert bundle_import.import_bundle(central, bundle).status == bundle_import.MERGED
    _intact(central)
