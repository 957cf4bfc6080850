"""Held bundles (issue 19, part B): verified and authorized before they are held, authorized
again in full when released, and released in a loop however many wait."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import zipfile
from pathlib import Path

from sqlalchemy import func, select, text

from nmrf_desktop.bundles.manifest import ZERO_HASH
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.exchange.rejections import Kind
from nmrf_desktop.store.models import InboxEntry, MergedBundle, ProgressUpdate

from .authz import change, downstream_works, inbox, progress, refused
from .world import World, add_action, forge_bundle

log = logging.getLogger(__name__)

CHAIN = 3_000
# On PostgreSQL (the CI's second pass) each import is a network round trip or ten: the
# issue's own 600 prove the loop there, and the 3,000 on SQLite prove "thousands".
PG_CHAIN = 600


def _manifest_sha(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        envelope = json.loads(z.read("envelope.json"))
    return hashlib.sha256(base64.b64decode(envelope["payload"])).hexdigest()


def _held_files(world: World) -> list[str]:
    folder = world.central.data_root / "held"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _take_back(world: World, rec_id: str) -> None:
    """The coordinator ends MOJ's assignment of one recommendation."""
    with world.central.unit_of_work() as session:
        session.execute(text("UPDATE assignments SET active = :no WHERE recommendation_id = :r"
                             " AND agency_code = 'MOJ'"), {"no": False, "r": rec_id})


def test_a_bundle_ahead_in_sequence_is_authorized_before_it_is_held(
        world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    rec = world.rec_ids(n=1)[0]
    _take_back(world, rec)
    ahead = forge_bundle(tmp_path / "ahead.nmrfbundle", aroha.key, "MOJ",
                         [progress("MOJ", rec)], sequence=3, previous="2" * 64)
    refused(world, ahead, Kind.UNAUTHORIZED, "change 1 (progress insert)",
            "recommendation_id", "not assigned to MOJ")
    assert _held_files(world) == []
    # Nor is a bundle ahead held when it signs for another officer than the key's.
    other = forge_bundle(tmp_path / "other.nmrfbundle", aroha.key, "MOJ",
                         [progress("MOJ", world.rec_ids(n=2)[1])], sequence=3,
                         previous="2" * 64, officer="Someone Else")
    refused(world, other, Kind.WRONG_OFFICER)
    assert _held_files(world) == []


def test_held_may_update_an_action_only_the_missing_bundle_creates(world: World,
                                                                   tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    mere = world.laptop("mere", "MOJ")
    theirs = add_action(mere, world.rec_ids(n=1), "Mere's")
    assert bundle_import.import_bundle(world.central, mere.export(tmp_path)).status == \
        bundle_import.MERGED
    created = add_action(aroha, world.rec_ids(n=1), "Tuatahi")
    one = aroha.export(tmp_path)
    two = forge_bundle(tmp_path / "two.nmrfbundle", aroha.key, "MOJ", [
        change("action", {"title": "Tuarua"}, op="update", entity_id=created, base=1)],
        sequence=2, previous=_manifest_sha(one))
    held = bundle_import.import_bundle(world.central, two)
    assert (held.status, held.kind) == (bundle_import.HELD, Kind.GAP), held
    # An action another agency owns is refused even while held: the missing bundle
    # cannot make it MOJ's.
    with world.central.unit_of_work() as session:
        session.execute(text("UPDATE actions SET agency_code = 'MSD' WHERE id = :a"),
                        {"a": theirs})
    grab = forge_bundle(tmp_path / "grab.nmrfbundle", aroha.key, "MOJ", [
        change("action", {"title": "Mine now"}, op="update", entity_id=theirs, base=1)],
        sequence=3, previous="3" * 64)
    refused(world, grab, Kind.UNAUTHORIZED, "entity_id", "another agency's action")
    merged = bundle_import.import_bundle(world.central, one)
    assert merged.status == bundle_import.MERGED
    assert [r.status for r in merged.released] == [bundle_import.MERGED]
    with world.central.reading() as session:
        title = session.execute(text("SELECT title FROM actions WHERE id = :a"),
                                {"a": created}).scalar()
    assert title == "Tuarua"


def test_a_held_bundle_is_authorized_again_when_released(world: World,
                                                         tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    recs = world.rec_ids(n=2)
    one = forge_bundle(tmp_path / "one.nmrfbundle", aroha.key, "MOJ",
                       [progress("MOJ", recs[0])])
    two = forge_bundle(tmp_path / "two.nmrfbundle", aroha.key, "MOJ",
                       [progress("MOJ", recs[1])], sequence=2, previous=_manifest_sha(one))
    assert bundle_import.import_bundle(world.central, two).status == bundle_import.HELD
    _take_back(world, recs[1])  # while bundle 2 waits, MOJ loses its recommendation
    merged = bundle_import.import_bundle(world.central, one)
    assert merged.status == bundle_import.MERGED
    [released] = merged.released
    assert (released.status, released.kind) == (bundle_import.REJECTED, Kind.UNAUTHORIZED)
    assert "not assigned to MOJ" in released.reason
    # Its inbox row now says so (one row, not "held" beside "rejected"), and it is not
    # tried again by the next merge.
    rows = [r for r in inbox(world.central) if r[0] == "two.nmrfbundle"]
    assert rows == [("two.nmrfbundle", bundle_import.REJECTED, Kind.UNAUTHORIZED,
                     released.reason)]
    three = forge_bundle(tmp_path / "three.nmrfbundle", aroha.key, "MOJ",
                         [progress("MOJ", recs[0])], sequence=2, previous=_manifest_sha(one))
    result = bundle_import.import_bundle(world.central, three)
    assert result.status == bundle_import.MERGED and result.released == []
    downstream_works(world)


def test_thousands_of_held_bundles_are_released_in_a_loop(world: World,
                                                          tmp_path: Path) -> None:
    """3,000 one-change bundles from one key, imported last first: every one is held (each
    verified and authorized first); then the first arrives and all merge, in order, with
    no RecursionError."""
    chain = CHAIN if world.central.is_sqlite else PG_CHAIN
    aroha = world.laptop("aroha", "MOJ")
    rec = world.rec_ids(n=1)[0]
    pack = (aroha.record.setting("pack_id"), int(aroha.record.setting("pack_version")))
    started = time.perf_counter()
    paths, previous = [], ZERO_HASH
    for sequence in range(1, chain + 1):
        path = forge_bundle(tmp_path / f"b{sequence:05d}.nmrfbundle", aroha.key, "MOJ",
                            [progress("MOJ", rec, f"Pūrongo {sequence}")],
                            sequence=sequence, previous=previous, officer="aroha",
                            pack=pack)
        previous = _manifest_sha(path)
        paths.append(path)
    built = time.perf_counter()
    for path in reversed(paths[1:]):
        result = bundle_import.import_bundle(world.central, path)
        assert result.status == bundle_import.HELD, result
    held = time.perf_counter()
    first = bundle_import.import_bundle(world.central, paths[0])
    released = time.perf_counter()
    assert first.status == bundle_import.MERGED
    assert len(first.released) == chain - 1
    assert {r.status for r in first.released} == {bundle_import.MERGED}
    assert [r.sequence for r in first.released] == list(range(2, chain + 1))
    with world.central.reading() as session:
        assert session.execute(select(func.count()).select_from(MergedBundle)).scalar() == \
            chain
        assert session.execute(select(func.count()).select_from(ProgressUpdate)).scalar() == \
            chain
        assert session.execute(select(func.count()).select_from(InboxEntry).where(
            InboxEntry.status == bundle_import.HELD)).scalar() == 0
    log.info("%d bundles: built %.1f s, held %.1f s, released %.1f s", chain,
             built - started, held - built, released - held)
