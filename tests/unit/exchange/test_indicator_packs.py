"""Packs carry the indicators an agency stewards or whose recommendations it holds, with
their current values, governance and macrons; the laptop keeps its unsent values on top."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.bundles.pack_file import PackRejected
from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services import indicators
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.exchange import bundle_import, packs
from nmrf_desktop.services.indicator_entry import record_value
from nmrf_desktop.store.models import Agency, Assignment

from . import authz
from .indicator_world import (
    CODE,
    GOVERNANCE,
    MAORI,
    TITLE_MI,
    UNITS,
    add_indicator,
    slot,
)
from .signed import pack_payload
from .world import World


def _values(record: object, code: str = CODE) -> list[dict[str, object]]:
    return [v.as_json() for v in indicators.values(record, code)]  # type: ignore[arg-type]


def test_a_pack_carries_the_stewards_indicators_and_values(world: World) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    here = indicators.get_indicator(aroha.record, CODE)
    there = indicators.get_indicator(world.central, CODE)
    assert here == there  # every field: title_mi, governance, links, values, version
    assert here.title_mi == TITLE_MI and here.governance == GOVERNANCE
    assert here.maori_data and not here.release_public
    assert here.governance_note.startswith("Whakaae ā-iwi")
    assert here.values == 60 and len(here.recommendations) == 1
    assert _values(aroha.record) == _values(world.central)
    assert any(v["disaggregation"] == MAORI for v in _values(aroha.record))
    # The laptop shows the same trends as the centre.
    assert indicators.trends(aroha.record, CODE) == indicators.trends(world.central, CODE)


def test_an_agency_holding_a_linked_recommendation_gets_it_others_do_not(world: World) -> None:
    add_indicator(world)
    rec = world.rec_ids("Maori", 1)
    assign(world.central, "TPK", AssignmentRole.CONTRIBUTING, ids=rec)
    mere = world.laptop("mere", "TPK")
    assert [i.code for i in indicators.list_indicators(mere.record)] == [CODE]
    assert indicators.get_indicator(mere.record, CODE).steward == "MOJ"
    hine = world.laptop("hine", _unrelated_agency(world, rec[0]))
    assert indicators.list_indicators(hine.record) == []


def _unrelated_agency(world: World, rec_id: str) -> str:
    """An agency that neither stewards the indicator nor holds its recommendation."""
    with world.central.reading() as session:
        holding = set(session.execute(select(Assignment.agency_code).where(
            Assignment.recommendation_id == rec_id)).scalars())
        codes = session.execute(select(Agency.code).order_by(Agency.code)).scalars().all()
    return next(c for c in codes if c not in holding | {"MOJ"})


def test_a_later_pack_brings_new_versions_and_keeps_unsent_values_on_top(
        world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    record_value(hemi.record, CODE, period="2019", value="46", disaggregation=MAORI,
                 units=UNITS)
    record_value(aroha.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                 units=UNITS)
    assert bundle_import.import_bundle(world.central, hemi.export(tmp_path)).status == "merged"
    world.send_pack(aroha)  # brings Hemi's version 2 while Aroha's is unsent
    assert [r[:3] for r in slot(aroha.record, iid)] == [
        (1, "44.5", False), (2, "46", False), (3, "45.1", True)]
    # Sent, it conflicts at the centre; the next pack shows the centre's value again.
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.outcome is not None and result.outcome.hard == 1
    world.send_pack(aroha)
    current = [r for r in slot(aroha.record, iid) if r[2]]
    assert [r[:2] for r in current] == [(2, "46")]


def test_a_series_marked_as_maori_data_travels(world: World) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    assert indicators.mark_series(world.central, CODE, MAORI, UNITS, True) == 5
    assert indicators.mark_series(world.central, CODE, {}, UNITS, False) > 0
    world.send_pack(aroha)
    flags = {(json.dumps(v.disaggregation, ensure_ascii=False), v.maori_data)
             for v in indicators.values(aroha.record, CODE)}
    assert ('{"Ethnicity": "Māori"}', True) in flags and ("{}", False) in flags
    assert flags == {(json.dumps(v.disaggregation, ensure_ascii=False), v.maori_data)
                     for v in indicators.values(world.central, CODE)}


def test_an_imported_pack_again_changes_nothing(world: World, tmp_path: Path) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    out = tmp_path / "again.nmrfpack"
    packs.export_pack(world.central, "MOJ", out, world.central_key)
    packs.import_pack(aroha.record, out)
    before = authz.tables(aroha.record)
    assert packs.import_pack(aroha.record, out).already_imported
    assert authz.tables(aroha.record) == before
    payload = pack_payload(out)
    assert {i["code"] for i in payload["indicators"]} == {CODE}
    assert len(payload["indicator_values"]) == 60
    assert payload["indicators"][0]["title_mi"] == TITLE_MI  # not escaped away


def _tampered_pack(world: World, tmp_path: Path, change: object) -> Path:
    """A pack validly signed by the central key whose payload `change` altered."""
    from nmrf_desktop.bundles.pack_file import write_pack  # the writer the centre uses

    out = tmp_path / "base.nmrfpack"
    packs.export_pack(world.central, "MOJ", out, world.central_key)
    payload = pack_payload(out)
    change(payload)  # type: ignore[operator]
    payload["version"] += 1
    bad = tmp_path / "tampered.nmrfpack"
    write_pack(bad, payload, world.central_key)
    return bad


@pytest.mark.parametrize(("change", "words"), [
    (lambda p: p["indicator_values"][0].update(value="NaN"), "indicator value 1, field value"),
    (lambda p: p["indicator_values"][0].update(period="2019-13"),
     "indicator value 1, field period"),
    (lambda p: p["indicator_values"][0].update(disaggregation={"Sex": 3}),
     "indicator value 1, field disaggregation.Sex"),
    (lambda p: p["indicator_values"][0].update(indicator_id=p["indicator_values"][0]["id"]),
     "indicator value 1, field indicator_id"),
    (lambda p: p["indicator_values"].append(dict(p["indicator_values"][0])),
     "field period repeats a value"),
    (lambda p: p["indicators"][0].update(steward="NOPE"), "indicator 1, field steward"),
    (lambda p: p["indicators"][0].update(extra=1), "indicator 1"),
    (lambda p: p["indicators"][0].update(title_mi="x" * 501), "indicator 1, field title_mi"),
])
def test_a_bad_indicator_in_a_signed_pack_refuses_the_pack(
        world: World, tmp_path: Path, change: object, words: str) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    bad = _tampered_pack(world, tmp_path, change)
    before = authz.tables(aroha.record)
    with pytest.raises(PackRejected) as caught:
        packs.import_pack(aroha.record, bad)
    assert words in str(caught.value), str(caught.value)
    assert authz.tables(aroha.record) == before


def test_a_pack_from_before_indicators_leaves_them(world: World, tmp_path: Path) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")

    def old(payload: dict[str, object]) -> None:
        del payload["indicators"], payload["indicator_values"]

    packs.import_pack(aroha.record, _tampered_pack(world, tmp_path, old))
    assert indicators.get_indicator(aroha.record, CODE).values == 60
    assert json.dumps(_values(aroha.record), ensure_ascii=False).count("Māori") > 0
