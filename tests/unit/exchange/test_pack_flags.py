"""Packs carry a treaty body's follow-up and importance flags to the laptops; a pack from
before the flags (without them) still imports and leaves the laptop's flags as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from nmrf_desktop.bundles import schemas
from nmrf_desktop.bundles.pack_file import PackRejected, write_pack
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import IssuedPack, Recommendation
from tests.unit.documents import previews

from . import signed
from .world import World


def _flags(record: Record) -> dict[str, tuple[bool, bool]]:
    with record.reading() as s:
        return {p: (bool(f), bool(i)) for p, f, i in s.execute(
            select(Recommendation.paragraph, Recommendation.follow_up, Recommendation.important)
            .where(Recommendation.body == "CERD"))}


def _cerd_to_moj(world: World, tmp_path: Path) -> None:
    apply(world.central, previews.concluding_observations(tmp_path))
    assign(world.central, "MOJ", AssignmentRole.LEAD, ids=_ids(world.central))


WANTED = {"12": (True, False), "20(a)": (True, False), "20(b)": (True, False),
          "31": (False, True)}


def test_a_pack_carries_the_flags_to_the_laptop(world: World, tmp_path: Path) -> None:
    _cerd_to_moj(world, tmp_path)
    lap = world.laptop("mere", "MOJ")  # its first pack brings the CERD recommendations
    assert _flags(lap.record) == WANTED
    out = tmp_path / "again.nmrfpack"
    packs.export_pack(world.central, "MOJ", out, world.central_key)
    carried = {r["paragraph"]: (r["follow_up"], r["important"])
               for r in signed.pack_payload(out)["recommendations"] if r["body"] == "CERD"}
    assert carried == WANTED
    # The centre clears one flag: the next pack takes it off the laptop too.
    with world.central.unit_of_work() as s:
        s.execute(update(Recommendation).where(Recommendation.paragraph == "31")
                  .values(important=False))
    world.send_pack(lap)
    assert _flags(lap.record)["31"] == (False, False)


def test_a_pack_without_the_flags_still_imports_and_keeps_the_laptops(
        world: World, tmp_path: Path) -> None:
    _cerd_to_moj(world, tmp_path)
    lap = world.laptop("mere", "MOJ")
    assert _flags(lap.record) == WANTED
    # A pack as a centre from before the flags makes it: no follow_up, no important.
    with world.central.unit_of_work() as s:
        version = s.execute(select(IssuedPack.version).order_by(
            IssuedPack.version.desc())).scalars().first()
        payload = packs.build_payload(s, "MOJ", (version or 0) + 1, 90)
    for rec in payload["recommendations"]:
        del rec["follow_up"], rec["important"]
    assert schemas.problem("pack", payload) is None
    old = tmp_path / "old.nmrfpack"
    write_pack(old, payload, world.central_key)
    result = packs.import_pack(lap.record, old)
    assert result.recommendations == len(payload["recommendations"])
    assert int(lap.record.setting(packs.PACK_VERSION, "0")) == payload["version"]
    assert _flags(lap.record) == WANTED


def test_a_new_laptop_fed_an_old_pack_has_no_flags(world: World, tmp_path: Path) -> None:
    _cerd_to_moj(world, tmp_path)
    lap = world.laptop("aroha", "TPK")  # another agency: no CERD recommendations yet
    assign(world.central, "TPK", AssignmentRole.CONTRIBUTING, ids=_ids(world.central))
    with world.central.unit_of_work() as s:
        version = s.execute(select(IssuedPack.version).where(
            IssuedPack.agency_code == "TPK").order_by(IssuedPack.version.desc())
        ).scalars().first()
        payload = packs.build_payload(s, "TPK", (version or 0) + 1, 90)
    for rec in payload["recommendations"]:
        del rec["follow_up"], rec["important"]
    old = tmp_path / "old-tpk.nmrfpack"
    write_pack(old, payload, world.central_key)
    packs.import_pack(lap.record, old)
    assert _flags(lap.record) == {p: (False, False) for p in WANTED}


def test_a_flag_that_is_not_true_or_false_refuses_the_pack_naming_it(
        world: World, tmp_path: Path) -> None:
    _cerd_to_moj(world, tmp_path)
    lap = world.laptop("mere", "MOJ")
    with world.central.reading() as s:
        payload = packs.build_payload(s, "MOJ", 2, 90)
    rec = next(r for r in payload["recommendations"] if r["paragraph"] == "31")
    rec["important"] = "yes"
    bad = tmp_path / "bad.nmrfpack"
    write_pack(bad, payload, world.central_key)
    before = _flags(lap.record)
    with pytest.raises(PackRejected, match=r"recommendation .*important.*true or false"):
        packs.import_pack(lap.record, bad)
    assert _flags(lap.record) == before == WANTED


def _ids(record: Record) -> list[str]:
    with record.reading() as s:
        return list(s.execute(select(Recommendation.id).where(
            Recommendation.body == "CERD")).scalars())
