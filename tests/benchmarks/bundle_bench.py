"""Bundles: export 1,000 changes with 200 MB of evidence; import 100 bundles of 100 changes.

    .venv/bin/python -m tests.benchmarks.run --only bundle

- bundle.export: services.bundle_export.export_bundle on a laptop holding 1,000 unsent
  changes (100 actions, 800 progress updates, 100 evidence files of 2 MB = 200 MB). Floor:
  hashing the same evidence bytes and zipping them with the same change log, using
  hashlib and zipfile alone (one pass over the bytes, fsync at the end).
- bundle.import100: services.bundle_import.import_bundles on a central record, 100 bundles
  of 100 changes each (one officer, sequences 1..100). Floor: the same action, link and
  progress rows inserted directly with sqlite3 executemany in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from .common import DEFAULT_OUT, REPO, Figure, median

log = logging.getLogger(__name__)
NZ_CSV = REPO.parent / "shared" / "data" / "upr-info" / "upr_info_new_zealand_2009_2014.csv"
PASS = b"benchmark passphrase"
EVIDENCE_FILES, EVIDENCE_BYTES = 100, 2 * 1024 * 1024
RECIPE = "v1"


def _world(root: Path):  # type: ignore[no-untyped-def]
    from nmrf_desktop.services.assigning import assign_lead_defaults
    from nmrf_desktop.services.exchange import keys, packs
    from nmrf_desktop.services.importing import import_files
    from nmrf_desktop.services.record import open_record

    central = open_record(root / "central" / "central.sqlite3")
    import_files(central, "upr-info", [NZ_CSV])
    assign_lead_defaults(central)
    keys.create_key(central, PASS, central=True)
    laptop = open_record(root / "laptop" / "laptop.sqlite3")
    laptop.set_setting("officer_name", "Bench Officer")
    keys.create_key(laptop, PASS)
    keys.export_public(laptop, root / "officer.pub")
    keys.register_key(central, root / "officer.pub", officer="Bench Officer", agency="MOJ")
    pack = root / "moj.nmrfpack"
    packs.export_pack(central, "MOJ", pack, keys.load_key(central, PASS, central=True))
    packs.import_pack(laptop, pack)
    return central, laptop


def _rec_ids(record) -> list[str]:  # type: ignore[no-untyped-def]
    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services.catalog import search_recommendations

    return [r.id for r in search_recommendations(record, Filters(agency="MOJ"), limit=None)]


def _record_work(laptop, actions: int, updates: int, evidence: int, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
    from nmrf_desktop.domain.enums import ImplementationStatus
    from nmrf_desktop.services import entry

    ids = _rec_ids(laptop)
    made = []
    for i in range(actions):
        made.append(entry.create_action(laptop, ActionDraft(
            title=f"Action {i}: whānau-centred programme", agency="MOJ",
            recommendation_ids=(ids[i % len(ids)], ids[(i + 1) % len(ids)]))).id)
    for i in range(updates):
        entry.add_progress(laptop, ProgressDraft(
            ids[i % len(ids)], "MOJ", ImplementationStatus.IN_PROGRESS,
            f"Update {i}: work continues with iwi and hapū.", dt.date(2025, 1, 1)))
    for i in range(evidence):
        path = tmp / f"evidence-{i}.bin"
        path.write_bytes(os.urandom(EVIDENCE_BYTES))
        entry.attach_file(laptop, path, agency="MOJ", action_id=made[i % len(made)],
                          max_bytes=EVIDENCE_BYTES * 2)
        path.unlink()


def _export_fixture(out: Path) -> Path:
    root = out / f"bundle-export-{RECIPE}"
    if (root / "ready").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    central, laptop = _world(root)
    _record_work(laptop, 100, 800, EVIDENCE_FILES, root)
    laptop.close()
    central.close()
    (root / "ready").write_text("ok")
    return root


def _export_once(fixture: Path, work: Path) -> tuple[float, float]:
    from nmrf_desktop.services.exchange import bundle_export, keys
    from nmrf_desktop.services.record import open_record

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(fixture / "laptop", work / "laptop")
    laptop = open_record(work / "laptop" / "laptop.sqlite3")
    key = keys.load_key(laptop, PASS)
    out = work / "bundle.nmrfbundle"
    start = time.perf_counter()
    result = bundle_export.export_bundle(laptop, out, key)
    elapsed = time.perf_counter() - start
    assert result.changes == 1000 and result.evidence == EVIDENCE_FILES
    with laptop.reading() as session:
        from sqlalchemy import text

        blobs = [laptop.evidence_root / "sha256" / s[:2] / s[2:4] / s for (s,) in
                 session.execute(text("SELECT sha256 FROM evidence"))]
        changes = b"".join(f.encode() + b"\n" for (f,) in session.execute(
            text("SELECT fields FROM change_log ORDER BY seq")))
    laptop.close()
    return elapsed, _export_floor(blobs, changes, work / "floor.zip")


def _export_floor(blobs: list[Path], changes: bytes, out: Path) -> float:
    start = time.perf_counter()
    with out.open("wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("changes.jsonl", changes, compress_type=zipfile.ZIP_DEFLATED)
        for path in blobs:
            digest = hashlib.sha256()
            with path.open("rb") as src, zf.open(f"evidence/{path.name}", "w") as dest:
                while block := src.read(1 << 20):
                    digest.update(block)
                    dest.write(block)
        raw.flush()
        os.fsync(raw.fileno())
    return time.perf_counter() - start


def _import_fixture(out: Path) -> Path:
    from nmrf_desktop.services.exchange import bundle_export, keys

    root = out / f"bundle-import-{RECIPE}"
    if (root / "ready").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    central, laptop = _world(root)
    key = keys.load_key(laptop, PASS)
    (root / "bundles").mkdir()
    for n in range(1, 101):
        _record_work(laptop, 20, 80, 0, root)
        bundle_export.export_bundle(laptop, root / "bundles" / f"{n:03d}.nmrfbundle", key)
    laptop.close()
    central.close()
    (root / "ready").write_text("ok")
    return root


def _import_once(fixture: Path, work: Path) -> tuple[float, float]:
    from nmrf_desktop.services.exchange import bundle_import
    from nmrf_desktop.services.record import open_record

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(fixture / "central", work / "central")
    central = open_record(work / "central" / "central.sqlite3")
    bundles = sorted((fixture / "bundles").glob("*.nmrfbundle"))
    start = time.perf_counter()
    results = bundle_import.import_bundles(central, bundles)
    elapsed = time.perf_counter() - start
    assert all(r.status == bundle_import.MERGED for r in results), results[0]
    central.close()
    shutil.rmtree(work / "central")
    shutil.copytree(fixture / "central", work / "central")
    return elapsed, _import_floor(fixture / "laptop" / "laptop.sqlite3",
                                  work / "central" / "central.sqlite3")


def _import_floor(laptop: Path, central: Path) -> float:
    src = sqlite3.connect(laptop)
    actions = src.execute("SELECT * FROM actions").fetchall()
    links = src.execute("SELECT * FROM action_links").fetchall()
    updates = src.execute("SELECT * FROM progress_updates").fetchall()
    src.close()
    db = sqlite3.connect(central, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    start = time.perf_counter()
    db.execute("BEGIN")
    for table, rows in (("actions", actions), ("action_links", links),
                        ("progress_updates", updates)):
        marks = ",".join("?" * len(rows[0]))
        db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def run(runs: int, out: Path = DEFAULT_OUT) -> list[Figure]:
    os.environ.setdefault("NMRF_DATA_DIR", str(out / "bundle-userdata"))
    export_fixture = _export_fixture(out)
    import_fixture = _import_fixture(out)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        work = Path(tmp)
        export = [_export_once(export_fixture, work / "e") for _ in range(runs)]
        imports = [_import_once(import_fixture, work / "i") for _ in range(max(1, runs // 2))]
    return [
        Figure("bundle.export.floor", median([f for _, f in export]), "s", runs=runs,
               note="hash + zip the same 200 MB and change log"),
        Figure("bundle.export", median([e for e, _ in export]), "s",
               floor=median([f for _, f in export]), runs=runs,
               note="1,000 changes, 200 MB evidence"),
        Figure("bundle.import100.floor", median([f for _, f in imports]), "s",
               runs=len(imports), note="same rows, sqlite3 executemany"),
        Figure("bundle.import100", median([i for i, _ in imports]), "s",
               floor=median([f for _, f in imports]), runs=len(imports),
               note="100 bundles x 100 changes"),
    ]


if __name__ == "__main__":
    for figure in run(3):
        print(figure.line())  # noqa: T201
