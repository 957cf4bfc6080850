"""A small real world for bundle tests: a central record and officers' laptops, on disk."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from nmrf_desktop.bundles.bundle_file import changes_blob, write_bundle
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ZERO_HASH, BundleManifest, ChangeLine, EvidenceEntry
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign, assign_lead_defaults
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.exchange import bundle_export, keys, packs
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record

PASS = b"correct horse battery staple"
RECORD_TABLES = ("recommendations", "assignments", "actions", "action_links",
                 "progress_updates", "evidence", "conflicts", "merged_bundles",
                 "applied_changes", "record_versions")


def record_digest(record: Record) -> str:
    """A hash of everything the record holds (not the inbox or the audit log)."""
    digest = hashlib.sha256()
    with record.reading() as session:
        for table in RECORD_TABLES:
            for row in session.execute(text(f"SELECT * FROM {table} ORDER BY 1")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@dataclass
class Laptop:
    record: Record
    key: SigningKey
    agency: str
    name: str
    counter: int = 0

    def export(self, out_dir: Path) -> Path:
        self.counter += 1
        out = out_dir / f"{self.name}-{self.counter}.nmrfbundle"
        bundle_export.export_bundle(self.record, out, self.key)
        return out


@dataclass
class World:
    root: Path
    central: Record
    central_key: SigningKey
    laptops: dict[str, Laptop] = field(default_factory=dict)

    def laptop(self, name: str, agency: str) -> Laptop:
        rec = open_record(self.root / name / "laptop.sqlite3")
        rec.set_setting("officer_name", name)
        keys.create_key(rec, PASS)
        pub = self.root / f"{name}.pub"
        keys.export_public(rec, pub)
        keys.register_key(self.central, pub, officer=name, agency=agency)
        lap = Laptop(rec, keys.load_key(rec, PASS), agency, name)
        self.laptops[name] = lap
        _SIGNERS[lap.key.id] = lap
        self.send_pack(lap)
        return lap

    def send_pack(self, lap: Laptop) -> packs.PackImport:
        out = self.root / f"pack-{lap.name}-{uuid.uuid4().hex[:6]}.nmrfpack"
        packs.export_pack(self.central, lap.agency, out, self.central_key)
        return packs.import_pack(lap.record, out)

    def rec_ids(self, text_query: str = "Maori", n: int = 2) -> list[str]:
        rows = search_recommendations(self.central, Filters(text=text_query), limit=n)
        return [r.id for r in rows]

    def close(self) -> None:
        for lap in self.laptops.values():
            lap.record.close()
        self.central.close()


def make_world(root: Path, nz_csv: Path) -> World:
    central = open_record(root / "central" / "central.sqlite3")
    central.set_setting("officer_name", "Secretariat")
    import_files(central, "upr-info", [nz_csv])
    assign_lead_defaults(central)
    keys.create_key(central, PASS, central=True)
    return World(root, central, keys.load_key(central, PASS, central=True))


def add_action(lap: Laptop, rec_ids: list[str], title: str = "Plan") -> str:
    action = entry.create_action(lap.record, ActionDraft(
        title=title, agency=lap.agency, recommendation_ids=tuple(rec_ids),
        start_date=dt.date(2025, 1, 1)))
    return action.id


def assign_some(world: World, agency: str, ids: list[str]) -> None:
    assign(world.central, agency, AssignmentRole.CONTRIBUTING, ids=ids)


# Registered laptops by key id: a bundle forged with one's key names its officer and the
# pack it last imported, as the laptop itself would (so only what a test changes is wrong).
_SIGNERS: dict[str, Laptop] = {}


def forge_bundle(out: Path, key: SigningKey, agency: str, changes: list[ChangeLine],
                 *, sequence: int = 1, previous: str = ZERO_HASH,
                 bundle_id: str | None = None, officer: str | None = None,
                 pack: tuple[str, int] | None = None,
                 evidence: Sequence[tuple[EvidenceEntry, Path]] = ()) -> Path:
    """A validly signed bundle with whatever changes (and evidence files) the caller wants.

    Signed with a registered laptop's key, it names that officer and the laptop's current
    pack unless told otherwise; with any other key, officer "forger" and no pack."""
    lap = _SIGNERS.get(key.id)
    if officer is None:
        officer = lap.name if lap else "forger"
    if pack is None:
        pack = ((lap.record.setting(packs.PACK_ID) or "",
                 int(lap.record.setting(packs.PACK_VERSION, "0"))) if lap else ("", 1))
    blob, count = changes_blob(changes)
    manifest = BundleManifest(
        bundle_id=bundle_id or str(uuid.uuid4()), agency=agency, officer=officer,
        device="test", key_id=key.id, sequence=sequence, previous_hash=previous,
        pack_id=pack[0], pack_version=pack[1], changes_sha256=hashlib.sha256(blob).hexdigest(),
        changes_size=len(blob), changes_count=count, created_at="2026-01-01T00:00:00",
        evidence=tuple(e for e, _ in evidence))
    write_bundle(out, manifest, blob, [(e.sha256, p) for e, p in evidence], key)
    return out


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """Copy a bundle, swapping, adding or dropping members (to tamper with it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = (replace or {}).get(info.filename, zin.read(info))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst
