"""Helpers for the undo tests: a laptop that can send, the unsent log, bundles read back."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
from sqlalchemy import select

from nmrf_desktop.domain.entry import ProgressDraft, ProgressRecord
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import AuditEvent, Change
from tests.unit.exchange.world import Laptop, World, assign_some, make_world

NARRATIVE = "Whānau hui held in Ōtautahi; the draft bill goes to Cabinet."


@dataclass
class Place:
    """A central record and one MOJ laptop, two recommendations assigned to MOJ."""

    world: World
    lap: Laptop
    ids: list[str]
    outbox: Path
    sent: int = 0

    @property
    def record(self) -> Record:
        return self.lap.record

    def send(self) -> Path:
        """Export every unsent change to a new bundle; its path."""
        self.sent += 1
        return self.lap.export(self.outbox)


def make_place(root: Path, nz_csv: Path) -> Iterator[Place]:
    world = make_world(root, nz_csv)
    ids = world.rec_ids()
    assign_some(world, "MOJ", ids)
    lap = world.laptop("Aroha Ngata", "MOJ")
    outbox = root / "outbox"
    outbox.mkdir()
    try:
        yield Place(world, lap, ids, outbox)
    finally:
        world.close()


def unsent(record: Record) -> list[tuple[str, str, str]]:
    """The unsent change log: (entity, entity id, op), oldest first."""
    with record.reading() as session:
        return [(c.entity, c.entity_id, c.op) for c in session.execute(
            select(Change).where(Change.bundle_id.is_(None)).order_by(Change.seq)).scalars()]


def bundle_text(path: Path) -> str:
    """Every member of a bundle, as text (the changes are JSON lines)."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(name).decode("utf-8", "replace") for name in zf.namelist())


def audit_events(record: Record) -> list[tuple[str, str]]:
    """(event, details) of the whole audit log, after checking the chain is intact."""
    with record.reading() as session:
        assert audit.verify(session) == []
        return [(e.event, e.details) for e in session.execute(
            select(AuditEvent).order_by(AuditEvent.seq)).scalars()]


def progress(record: Record, rec_id: str, agency: str = "MOJ",
             status: ImplementationStatus = ImplementationStatus.IMPLEMENTED,
             narrative: str = NARRATIVE) -> ProgressRecord:
    return entry.add_progress(record, ProgressDraft(
        recommendation_id=rec_id, agency=agency, status=status, narrative=narrative,
        as_of=dt.date(2025, 3, 1)))


def moj_recommendation(record: Record) -> str:
    rows = search_recommendations(record, Filters(agency="MOJ"), limit=1)
    assert rows, "no recommendation is assigned to MOJ"
    return rows[0].id


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
