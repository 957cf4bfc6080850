"""Validly signed hostile documents, and what "nothing changed" means, for the schema tests."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from nmrf_desktop.bundles.bundle_file import CHANGES, ENVELOPE, write_bundle
from nmrf_desktop.bundles.envelope import BUNDLE_TYPE, sign
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ZERO_HASH, BundleManifest, ChangeLine
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportRequest

from .world import World

# Rows a refusal adds by design: the inbox entry that says why, and its audit event.
REFUSAL_TABLES = ("bundle_inbox", "audit_log")


def manifest_for(key: SigningKey, agency: str, blob: bytes, **overrides: Any) -> BundleManifest:
    """A manifest that matches `blob` (hash, size, line count), as a laptop would sign it."""
    values: dict[str, Any] = dict(
        bundle_id=str(uuid.uuid4()), agency=agency, officer="Aroha Ngātā", device="laptop",
        key_id=key.id, sequence=1, previous_hash=ZERO_HASH, pack_id="", pack_version=1,
        changes_sha256=hashlib.sha256(blob).hexdigest(), changes_size=len(blob),
        changes_count=blob.count(b"\n"), created_at="2026-01-01T00:00:00")
    return BundleManifest(**(values | overrides))


def bundle_of_lines(out: Path, key: SigningKey, agency: str, lines: list[bytes],
                    **overrides: Any) -> Path:
    """A validly signed bundle whose change log holds exactly these lines (any bytes)."""
    blob = b"".join(line + b"\n" for line in lines)
    write_bundle(out, manifest_for(key, agency, blob, **overrides), blob, [], key)
    return out


def bundle_of_changes(out: Path, key: SigningKey, agency: str, changes: list[ChangeLine],
                      **overrides: Any) -> Path:
    return bundle_of_lines(out, key, agency, [c.to_json() for c in changes], **overrides)


def bundle_with_manifest(out: Path, key: SigningKey, manifest: bytes, blob: bytes = b"") -> Path:
    """A bundle whose manifest is exactly these bytes, validly signed by `key`."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(ENVELOPE, sign(BUNDLE_TYPE, manifest, key))
        zf.writestr(CHANGES, blob)
    return out


def bundle_with_envelope(out: Path, envelope: bytes) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(ENVELOPE, envelope)
        zf.writestr(CHANGES, b"")
    return out


def progress(rec_id: str, agency: str = "MOJ", **fields: Any) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), "progress", str(uuid.uuid4()), "insert",
                      {"recommendation_id": rec_id, "agency_code": agency,
                       "status": "in_progress", "narrative": "Kua tīmata te mahi",
                       "as_of": "2025-03-01", "is_public": False} | fields, None)


def action(rec_ids: list[str], agency: str = "MOJ", **fields: Any) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), "action", str(uuid.uuid4()), "insert",
                      {"title": "Wānanga on the Optional Protocol", "description": "",
                       "kind": "consultation", "status": "planned", "start_date": "2025-01-01",
                       "target_date": None, "completed_date": None, "is_public": True,
                       "agency_code": agency, "recommendation_ids": rec_ids} | fields, None)


def evidence(rec_id: str, agency: str = "MOJ", **fields: Any) -> ChangeLine:
    """A link evidence row for a recommendation (a file's needs its blob: see the tests)."""
    return ChangeLine(str(uuid.uuid4()), "evidence", str(uuid.uuid4()), "insert",
                      {"action_id": None, "recommendation_id": rec_id, "agency_code": agency,
                       "sha256": None, "size": None, "media_type": "text/uri-list",
                       "display_name": "Te Tāhū o te Ture report",
                       "url": "https://www.justice.govt.nz/report", "is_public": False}
                      | fields, None)


def table_dump(record: Record, skip: tuple[str, ...] = REFUSAL_TABLES) -> dict[str, list[Any]]:
    """Every row of every table (but `skip`), in a stable order."""
    with record.reading() as session:
        names = sorted(inspect(session.connection()).get_table_names())  # either engine
        return {name: sorted(repr(tuple(r)) for r in session.execute(
            text(f'SELECT * FROM "{name}"'))) for name in names if name not in skip}


def folder_listing(record: Record) -> dict[str, int]:
    """Every file under the record's data folder but the database itself: path → size."""
    root = record.data_root
    database = Path(str(record.engine.url.database)).name
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(database)}


State = tuple[dict[str, list[Any]], dict[str, int]]


def state(record: Record) -> State:
    return table_dump(record), folder_listing(record)


def changed(before: State, after: State) -> list[str]:
    """The tables and files that differ between two states (none, after a refusal)."""
    tables = sorted(t for t in before[0].keys() | after[0].keys()
                    if before[0].get(t) != after[0].get(t))
    files = sorted(f for f in before[1].keys() | after[1].keys()
                   if before[1].get(f) != after[1].get(f))
    return tables + files


def downstream_still_works(world: World, out: Path) -> None:
    """Backup, pack export and reports run on the central record afterwards."""
    if world.central.is_sqlite:  # a PostgreSQL record is backed up by its server's tools
        database = Path(str(world.central.engine.url.database))
        made = backup.backup_database(database, out / "backup")
        assert (made / database.name).is_file() or any(made.iterdir())
    pack = packs.export_pack(world.central, "MOJ", out / "moj.nmrfpack", world.central_key)
    assert Path(pack["path"]).is_file()
    assert build_pdf(world.central, ReportRequest(filters=Filters(agency="MOJ")),
                     out / "report.pdf").path.is_file()
    export_public(world.central, out / "public")
    assert any((out / "public").iterdir())


def pack_payload(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        envelope = json.loads(z.read("envelope.json"))
    payload: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return payload
