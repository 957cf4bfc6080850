"""Carry-forward decisions travel central → laptop in packs: the laptop shows the lineage,
cannot decide, and refuses a pack whose decisions it cannot hold, naming the field."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from nmrf_desktop.bundles.pack_file import PackRejected, write_pack
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services import carry_forward as cf, entry, overlap
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.catalog import ids_for_references
from nmrf_desktop.services.exchange import pack_rows, packs
from nmrf_desktop.services.record import Record
from tests.unit.exchange.world import World, make_world, record_digest

OLD, NEW = "NZL-UPR5-064", "NZL-UPR18-009"


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path / "world", nz_csv)
    overlap.update(w.central)
    ids = ids_for_references(w.central, [OLD])
    assign(w.central, "MSD", AssignmentRole.CONTRIBUTING, ids=[ids[OLD]])
    entry.create_action(w.central, ActionDraft(title="Whānau income review", agency="MSD",
                                               recommendation_ids=(ids[OLD],)))
    yield w
    w.close()


def _count(record: Record, table: str) -> int:
    with record.reading() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_decisions_reach_the_laptop_and_undo_follows(world: World) -> None:
    done = cf.carry(world.central, NEW, OLD)
    assert done.agencies == ("MSD",)  # MFAT and MOJ hold every UPR row already
    lap = world.laptop("aroha", "MSD")
    laptop = lap.record
    assert [x.describe() for x in cf.lineage(laptop, NEW)] == [
        "repeats NZL-UPR5-064 (cycle 1)"]
    assert [x.describe() for x in cf.lineage(laptop, OLD)] == [
        "repeated by NZL-UPR18-009 (cycle 2)"]
    assert cf.lineage(laptop, NEW)[0].decided_by == "Secretariat"
    assert not cf.can_decide(laptop)
    before = record_digest(laptop)
    with pytest.raises(cf.CarryRefused, match="laptop"):
        cf.undo(laptop, done.id)
    assert record_digest(laptop) == before and _count(laptop, "carry_forwards") == 1

    cf.undo(world.central, done.id)  # central takes it back: the next pack says so
    cf.carry(world.central, NEW, OLD, agencies=["MSD"], actions=[])
    result = world.send_pack(lap)
    assert result.carry_forwards == 1
    [now] = cf.lineage(laptop, NEW)
    assert now.actions == () and now.id != done.id


def _payload(world: World) -> dict[str, Any]:
    with world.central.reading() as session:
        return packs.build_payload(session, "MSD", 1, 30)


def test_a_pack_without_decisions_leaves_the_laptops(world: World, tmp_path: Path) -> None:
    cf.carry(world.central, NEW, OLD)
    laptop = world.laptop("hemi", "MSD").record
    payload = _payload(world) | {"version": 2}
    assert len(payload["carry_forwards"]) == 1
    del payload["carry_forwards"]
    out = tmp_path / "old.nmrfpack"
    write_pack(out, payload, world.central_key)
    result = packs.import_pack(laptop, out)
    assert result.version == 2 and result.carry_forwards is None
    assert _count(laptop, "carry_forwards") == 1


def _row(world: World) -> dict[str, Any]:
    cf.carry(world.central, NEW, OLD)
    return dict(_payload(world)["carry_forwards"][0])


@pytest.mark.parametrize(("change", "message"), [
    ({"verdict": "maybe"}, "field verdict: must be one of"),
    ({"surprise": 1}, "unknown field"),
    ({"decided_by": "x" * 201}, "field decided_by"),
    ({"agencies": ["MSD", "MSD"]}, "field agencies"),
    ({"agencies": ["not a code!"]}, "field agencies"),
    ({"actions": ["not-a-uuid"]}, "field actions"),
    ({"earlier_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12}, "field earlier_id names"),
    (None, "field note: is missing"),
])
def test_a_malformed_decision_refuses_the_pack(world: World, tmp_path: Path,
                                               change: dict[str, Any] | None,
                                               message: str) -> None:
    laptop = world.laptop("mere", "MSD").record
    row = _row(world)
    if change is None:
        del row["note"]
    else:
        row |= change
    before = record_digest(laptop)
    out = tmp_path / "bad.nmrfpack"
    write_pack(out, _payload(world) | {"version": 2, "carry_forwards": [row]},
               world.central_key)
    with pytest.raises(PackRejected, match=message):
        packs.import_pack(laptop, out)
    assert record_digest(laptop) == before
    assert _count(laptop, "carry_forwards") == 0


def test_a_pair_twice_refuses_the_pack(world: World, tmp_path: Path) -> None:
    laptop = world.laptop("tama", "MSD").record
    row = _row(world)
    twin = row | {"id": "11111111-2222-4333-8444-555555555555"}
    out = tmp_path / "twice.nmrfpack"
    write_pack(out, _payload(world) | {"version": 2, "carry_forwards": [row, twin]},
               world.central_key)
    with pytest.raises(PackRejected, match="carry-forward decision 2, field earlier_id"):
        packs.import_pack(laptop, out)


def test_export_leaves_out_a_decision_whose_recommendation_is_not_in_the_pack(
        world: World) -> None:
    cf.carry(world.central, NEW, OLD)
    # MOJ holds every UPR row (lead defaults), so both ends travel in its pack …
    with world.central.reading() as session:
        moj = packs.build_payload(session, "MOJ", 1, 30)
        assert [c["verdict"] for c in moj["carry_forwards"]] == ["carried"]
        # … while an agency holding neither gets none.
        assert packs.build_payload(session, "TSY", 1, 30)["carry_forwards"] == []


def _central_db(world: World) -> Path:
    return world.root / "central" / "central.sqlite3"


@pytest.mark.parametrize(("column", "value", "said"), [
    ("decided_at", "someday", "a value cannot be read"),
    ("agencies", "not json", "a value cannot be read"),
    ("agencies", '{"MSD": 1}', "field agencies must be"),
    ("decided_by", "x" * 300, "field decided_by"),
    ("verdict", "maybe", "field verdict"),
])
def test_a_poisoned_decision_is_left_out_of_the_pack_and_named(
        world: World, tmp_path: Path, column: str, value: str, said: str) -> None:
    done = cf.carry(world.central, NEW, OLD)
    with closing(sqlite3.connect(_central_db(world))) as conn, conn:
        conn.execute(f"UPDATE carry_forwards SET {column} = ? WHERE id = ?", (value, done.id))
    result = packs.export_pack(world.central, "MSD", tmp_path / "msd.nmrfpack",
                               world.central_key)
    [named] = [m for m in result["left_out"] if done.id in m]
    assert named.startswith(f"carry-forward decision {done.id}: ") and said in named
    laptop = world.laptop("rangi", "MSD").record  # the rest of the pack still goes
    assert cf.lineage(laptop, NEW) == [] and _count(laptop, "recommendations") == 2


def test_a_decision_follows_a_recommendation_left_out(world: World) -> None:
    cf.carry(world.central, NEW, OLD)
    payload = _payload(world)
    payload["recommendations"] = [r for r in payload["recommendations"]
                                  if r["reference"] != OLD]
    pack_rows.screen_export(payload)
    assert payload["carry_forwards"] == []
