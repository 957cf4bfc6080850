"""Helpers for the authorization tests: a dump of every table and file, and a refusal check."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy import inspect, select, text

from nmrf_desktop.bundles.manifest import ChangeLine, EvidenceEntry
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.backup.making import backup_database
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import, packs
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.store.models import InboxEntry

from .world import World

# What a refusal may add: its inbox row and the audit event that records it.
_RECORDS_OF_REFUSAL = {"bundle_inbox", "audit_log"}


def tables(record: Record) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the inbox and the audit log, in a stable order."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with record.reading() as session:
        names = sorted(inspect(session.connection()).get_table_names())  # either engine
        for name in sorted(set(names) - _RECORDS_OF_REFUSAL):
            rows = session.execute(text(f'SELECT * FROM "{name}"')).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def files(record: Record) -> dict[str, str]:
    """Every file and folder of the data folder but the database's own, with its hash."""
    root = record.data_root
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.name.startswith(Path(str(record.engine.url.database)).name):
            continue  # the database, its WAL, SHM and lock: compared as tables
        out[rel] = "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def state(record: Record) -> tuple[object, ...]:
    return tables(record), files(record)


def inbox(record: Record) -> list[tuple[str, str, str, str]]:
    with record.reading() as session:
        return [tuple(r) for r in session.execute(select(
            InboxEntry.file_name, InboxEntry.status, InboxEntry.reason_kind,
            InboxEntry.reason).order_by(InboxEntry.received_at))]  # type: ignore[misc]


def refused(world: World, path: Path, kind: str | None, *words: str
            ) -> bundle_import.BundleResult:
    """Import `path`: it must be rejected with `kind` and a reason naming `words`, leave
    every table and file as it was, appear in the inbox, and leave downstream working."""
    before = state(world.central)
    result = bundle_import.import_bundle(world.central, path)
    assert result.status == bundle_import.REJECTED, result
    if kind is not None:
        assert result.kind == kind, result
    for word in words:
        assert word in result.reason, (word, result.reason)
    assert state(world.central) == before
    name, status, row_kind, reason = inbox(world.central)[-1]
    assert (name, status, reason) == (path.name, bundle_import.REJECTED, result.reason)
    assert row_kind == result.kind
    downstream_works(world)
    return result


def downstream_works(world: World) -> None:
    """Backup, pack export and a report all run on the record as it is now."""
    out = world.root / f"after-{uuid.uuid4().hex[:8]}"
    if world.central.is_sqlite:  # a PostgreSQL record is backed up by its server's tools
        backup = backup_database(Path(str(world.central.engine.url.database)),
                                 out / "backup")
        assert (backup / "manifest.json").is_file() or any(backup.iterdir())
    made = packs.export_pack(world.central, "MOJ", out / "moj.nmrfpack", world.central_key)
    assert made["recommendations"] > 0
    pdf = out / "moj.pdf"
    build_pdf(world.central, ReportRequest("agency", Filters(agency="MOJ")), pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert check(world.central) == []


def change(entity: str, fields: dict[str, object], *, op: str = "insert",
           entity_id: str | None = None, base: int | None = None) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), entity, entity_id or str(uuid.uuid4()), op, fields,
                      base)


def evidence_file(folder: Path, content: bytes, name: str = "paper.pdf"
                  ) -> tuple[EvidenceEntry, Path]:
    path = folder / f"{uuid.uuid4().hex[:8]}-{name}"
    path.write_bytes(content)
    entry = EvidenceEntry(hashlib.sha256(content).hexdigest(), len(content), "application/pdf",
                          name)
    return entry, path


def file_evidence(agency: str, entry: EvidenceEntry, *, action_id: str | None = None,
                  recommendation_id: str | None = None, **extra: object) -> ChangeLine:
    return change("evidence", {
        "action_id": action_id, "recommendation_id": recommendation_id,
        "agency_code": agency, "sha256": entry.sha256, "size": entry.size,
        "media_type": entry.media_type, "display_name": entry.display_name, "url": "",
        "is_public": False} | extra)


def progress(agency: str, rec_id: str, narrative: str = "Kua tīmata") -> ChangeLine:
    return change("progress", {"recommendation_id": rec_id, "agency_code": agency,
                               "status": "in_progress", "narrative": narrative,
                               "as_of": "2026-01-05", "is_public": False})


def action(agency: str, rec_ids: list[str], title: str = "Mahere", **extra: object
           ) -> ChangeLine:
    return change("action", {"agency_code": agency, "title": title, "description": "",
                             "kind": "other", "status": "planned", "is_public": False,
                             "recommendation_ids": rec_ids} | extra)
