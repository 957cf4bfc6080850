"""Two importers at once: each race is made to happen, at a pause point, every time.

The import under test stops at a named pause point (nmrf_desktop.faults.pause_at) and,
right there, a competing import runs to its commit through a second, independent
connection to the same database; then the first import goes on. The same tests run on
SQLite and, with --engine=postgresql, on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.faults import pause_at, pausepoint
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.exchange.bundle_import import BundleResult
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import AppliedChange, AuditEvent, InboxEntry, MergedBundle

from .world import World, add_action, forge_bundle, record_digest


@pytest.fixture
def rival(world: World) -> Iterator[Record]:
    """A second importer: its own engine and connections to the central record's database."""
    url = world.central.engine.url.render_as_string(hide_password=False)
    rec = open_record(url)
    assert rec.engine is not world.central.engine
    yield rec
    rec.close()


class Rival:
    """The competing import, run once when the first import reaches the pause point."""

    def __init__(self, record: Record, path: Path) -> None:
        self.record, self.path = record, path
        self.results: list[BundleResult] = []
        self.digest = ""

    def __call__(self) -> None:
        self.results.append(bundle_import.import_bundle(self.record, self.path))
        self.digest = record_digest(self.record)

    @property
    def result(self) -> BundleResult:
        assert len(self.results) == 1, "the first import never reached the pause point"
        return self.results[0]


def _change_ids(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        lines = z.read("changes.jsonl").decode().splitlines()
    return [json.loads(line)["change_id"] for line in lines if line.strip()]


def _applied(record: Record) -> dict[str, str]:
    """change id → the bundle that applied it (one row per change id: its primary key)."""
    with record.reading() as session:
        return dict(session.execute(select(AppliedChange.change_id,
                                           AppliedChange.bundle_id)).tuples().all())


def _merged(record: Record) -> dict[str, int]:
    with record.reading() as session:
        return dict(session.execute(select(MergedBundle.bundle_id,
                                           MergedBundle.sequence)).tuples().all())


def _merge_events(record: Record, bundle_id: str) -> int:
    with record.reading() as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.event == "bundle.merge", AuditEvent.entity_id == bundle_id)).scalar_one()


def _inbox(record: Record, bundle_id: str) -> list[tuple[str, str]]:
    with record.reading() as session:
        return [tuple(row) for row in session.execute(
            select(InboxEntry.status, InboxEntry.reason).where(
                InboxEntry.bundle_id == bundle_id)).all()]


def _manifest(path: Path) -> dict:  # type: ignore[type-arg]
    with zipfile.ZipFile(path) as z:
        envelope = json.loads(z.read("envelope.json"))
    return json.loads(base64.b64decode(envelope["payload"]))


def _progress(rec_id: str, agency: str, narrative: str) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), "progress", str(uuid.uuid4()), "insert",
                      {"recommendation_id": rec_id, "agency_code": agency,
                       "status": "implemented", "narrative": narrative,
                       "as_of": "2025-01-01", "is_public": False}, None)


def test_pausepoint_runs_its_action_once_and_only_when_registered() -> None:
    calls: list[str] = []
    pausepoint("test:nowhere")  # nothing registered: nothing happens
    with pause_at("test:here", lambda: calls.append("ran")):
        pausepoint("test:elsewhere")
        pausepoint("test:here")
        pausepoint("test:here")
    pausepoint("test:here")
    assert calls == ["ran"]


def test_held_bundle_follows_at_once_when_its_predecessor_was_merged_meanwhile(
        world: World, rival: Record, tmp_path: Path) -> None:
    """(a) Bundle 2 is found to be a gap; before it is recorded as held, another importer
    merges bundle 1 (and finds nothing held to release). Bundle 2 must follow at once."""
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "first")
    one = lap.export(tmp_path)
    add_action(lap, world.rec_ids(), "second")
    two = lap.export(tmp_path)
    competitor = Rival(rival, one)

    with pause_at("bundle-import:checked", competitor):
        result = bundle_import.import_bundle(world.central, two)

    assert competitor.result.status == bundle_import.MERGED
    assert competitor.result.released == []  # bundle 2 was not yet in the inbox
    assert result.status == bundle_import.HELD
    assert [r.status for r in result.released] == [bundle_import.MERGED], result.released
    one_id, two_id = _manifest(one)["bundle_id"], _manifest(two)["bundle_id"]
    assert _merged(world.central) == {one_id: 1, two_id: 2}
    assert _inbox(world.central, two_id) == [
        (bundle_import.MERGED, "held until the missing bundle arrived, then merged")]
    applied = _applied(world.central)
    assert {c: applied.get(c) for c in _change_ids(one)} == dict.fromkeys(_change_ids(one),
                                                                        one_id)
    assert {c: applied.get(c) for c in _change_ids(two)} == dict.fromkeys(_change_ids(two),
                                                                        two_id)
    assert (_merge_events(world.central, one_id), _merge_events(world.central, two_id)) == (1, 1)
    assert check(world.central) == []


def test_fork_caught_only_by_the_unique_constraint_is_rejected_as_a_fork(
        world: World, rival: Record, tmp_path: Path) -> None:
    """(b) Bundle 1 passes every check; before it is written, another importer merges a
    different bundle 1 from the same key. The unique constraint stops the insert: that is
    a fork, not the same bundle imported twice."""
    lap = world.laptop("aroha", "MOJ")
    rec = world.rec_ids()[0]
    ours = forge_bundle(tmp_path / "ours.nmrfbundle", lap.key, "MOJ",
                        [_progress(rec, "MOJ", "ours")], sequence=1)
    theirs = forge_bundle(tmp_path / "theirs.nmrfbundle", lap.key, "MOJ",
                          [_progress(rec, "MOJ", "theirs")], sequence=1)
    competitor = Rival(rival, theirs)

    with pause_at("bundle-import:checked", competitor):
        result = bundle_import.import_bundle(world.central, ours)

    assert competitor.result.status == bundle_import.MERGED
    assert result.status == bundle_import.REJECTED, result
    assert "fork" in result.reason, result.reason
    ours_id, theirs_id = _manifest(ours)["bundle_id"], _manifest(theirs)["bundle_id"]
    assert _inbox(world.central, ours_id) == [(bundle_import.REJECTED, result.reason)]
    assert _merged(world.central) == {theirs_id: 1}
    applied = _applied(world.central)
    assert [applied.get(c) for c in _change_ids(theirs)] == [theirs_id]
    assert [applied.get(c) for c in _change_ids(ours)] == [None]
    assert _merge_events(world.central, ours_id) == 0
    # Rejecting ours changed nothing in the record the competitor left behind.
    assert record_digest(world.central) == competitor.digest
    assert check(world.central) == []


def test_bundle_merged_between_the_sequence_reads_is_already_imported(
        world: World, rival: Record, tmp_path: Path) -> None:
    """(c) Between reading this key's last sequence and looking for the bundle, another
    importer merges this very bundle: it is "already imported", never an old sequence.
    The race is PostgreSQL's, where every statement sees the latest commits; SQLite's read
    snapshot hides the competitor's commit, so there the primary key catches the insert."""
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "only")
    bundle = lap.export(tmp_path)
    competitor = Rival(rival, bundle)

    with pause_at("bundle-import:last-sequence-read", competitor):
        result = bundle_import.import_bundle(world.central, bundle)

    assert competitor.result.status == bundle_import.MERGED
    assert result.status == bundle_import.DUPLICATE, result
    bundle_id = _manifest(bundle)["bundle_id"]
    assert _merged(world.central) == {bundle_id: 1}
    assert _inbox(world.central, bundle_id) == [(bundle_import.MERGED, "")]
    applied = _applied(world.central)
    assert [applied.get(c) for c in _change_ids(bundle)] == [bundle_id] * len(
        _change_ids(bundle))
    assert _merge_events(world.central, bundle_id) == 1
    assert record_digest(world.central) == competitor.digest
    assert check(world.central) == []
