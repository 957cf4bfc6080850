"""Coordinators' overlap decisions travel central → laptop in packs; the laptop honours them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop.bundles.pack_file import PackRejected, write_pack
from nmrf_desktop.services import overlap
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.record import Record
from tests.unit.exchange.world import World, assign_some, make_world


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path / "world", nz_csv)
    yield w
    w.close()


def _cluster(record: Record, reason: str) -> overlap.ClusterSummary:
    return next(c for c in overlap.cluster_summaries(record) if reason in " ".join(c.reasons))


def _together(record: Record, a: str, b: str) -> bool:
    return any(a in c.references and b in c.references for c in overlap.clusters(record))


def test_decisions_made_at_central_reach_the_laptop(world: World) -> None:
    central = world.central
    overlap.update(central)
    icrmw = _cluster(central, "Migrant Workers")
    cped = _cluster(central, "Enforced Disappearance")
    assign_some(world, "MFAT", [*icrmw.member_ids, *cped.member_ids])
    a, b = icrmw.members[0].reference, icrmw.members[1].reference
    c = next(m.reference for m in cped.members if m.id not in icrmw.member_ids)
    overlap.reject(central, a, b)
    overlap.confirm(central, a, c)
    assert not _together(central, a, b) and _together(central, a, c)

    lap = world.laptop("aroha", "MFAT")  # the first pack carries the decisions
    laptop = lap.record
    assert overlap.state(laptop).detected  # the laptop found overlaps on import
    assert not _together(laptop, a, b)
    assert _together(laptop, a, c)
    related = {i.reference: i for i in overlap.related_to(
        laptop, icrmw.members[0].id).items}
    assert related[c].reason == "confirmed by a coordinator"
    assert b not in related

    overlap.reject(central, a, c)  # central changes its mind: the next pack says so
    result = world.send_pack(lap)
    assert result.overlap_decisions == 2
    assert not _together(laptop, a, c)


def _payload(world: World) -> dict:  # type: ignore[type-arg]
    with world.central.reading() as session:
        return packs.build_payload(session, "MOJ", 1, 30)


def test_a_pack_without_decisions_still_imports(world: World, tmp_path: Path) -> None:
    lap_record = world.laptop("hemi", "MOJ").record
    payload = _payload(world) | {"version": 2}
    del payload["overlap_decisions"]
    out = tmp_path / "old.nmrfpack"
    write_pack(out, payload, world.central_key)
    result = packs.import_pack(lap_record, out)
    assert result.version == 2 and result.overlap_decisions == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"surprise": 1}, "unknown field"),
    ({"overlap_decisions": [{"a": "x", "b": "y", "decision": "maybe", "by": "",
                             "at": "2025-01-01T00:00:00"}]}, "field decision: must be one of"),
    ({"overlap_decisions": [{"a": "x", "b": "y", "decision": "reject"}]}, "field by: is missing"),
    ({"overlap_decisions": {"a": "x"}}, "must be a list"),
])
def test_strictness_stays_for_everything_else(world: World, tmp_path: Path,
                                              change: dict, message: str) -> None:  # type: ignore[type-arg]
    lap_record = world.laptop("mere", "MOJ").record
    out = tmp_path / "bad.nmrfpack"
    write_pack(out, _payload(world) | {"version": 2} | change, world.central_key)
    with pytest.raises(PackRejected, match=message):
        packs.import_pack(lap_record, out)
