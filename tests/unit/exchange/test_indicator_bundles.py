"""Indicator values recorded on a laptop travel in signed bundles: merged with their history,
refused for any agency but the steward, idempotent, and conflicts raised, not overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.services import indicators
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.exchange import bundle_import, conflicts
from nmrf_desktop.services.indicator_entry import ValueRefused, record_value

from . import authz
from .indicator_world import CODE, MAORI, UNITS, add_indicator, slot, value_line
from .world import Laptop, World, forge_bundle


def test_a_bundle_of_values_merges_with_its_history(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    changed = record_value(aroha.record, CODE, period="2019", value="45.10",
                           disaggregation={"Ethnicity": "Māori"}, units=UNITS,
                           note="Kua whakatikaina")
    added = record_value(aroha.record, CODE, period=2024, value="41", units=UNITS,
                         status="provisional", disaggregation={"Ethnicity": "Māori"})
    assert (changed.version, changed.base_version, changed.value) == (2, 1, "45.1")
    assert (added.version, added.base_version) == (1, None)
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.status == bundle_import.MERGED, result
    assert result.outcome is not None and result.outcome.applied == 2
    assert slot(world.central, iid) == [(1, "44.5", False, "", "Secretariat"),
                                        (2, "45.1", True, "Kua whakatikaina", "aroha")]
    assert slot(world.central, iid, "2024") == [(1, "41", True, "", "aroha")]
    rows = {(v.period, v.value, v.status) for v in indicators.values(world.central, CODE)
            if v.disaggregation == MAORI}
    assert ("2019", "45.1", "final") in rows and ("2024", "41", "provisional") in rows
    history = [v for v in indicators.values(world.central, CODE, history=True)
               if v.period == "2019" and v.disaggregation == MAORI]
    assert [(v.version, v.current, v.superseded_by is not None) for v in history] == [
        (1, False, True), (2, True, False)]
    # The same bundle again changes nothing and says so.
    before = authz.state(world.central)
    again = bundle_import.import_bundle(world.central, _sent_copy(aroha))
    assert again.status == bundle_import.DUPLICATE, again
    assert authz.tables(world.central) == before[0]


def _sent_copy(lap: Laptop) -> Path:
    [sent] = sorted((lap.record.data_root / "sent").iterdir())
    return sent


def test_values_from_another_agency_are_refused_with_nothing_changed(
        world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    # TPK holds the indicator's recommendation, so its pack carries the indicator...
    rec = world.rec_ids("Maori", 1)
    assign(world.central, "TPK", AssignmentRole.CONTRIBUTING, ids=rec)
    mere = world.laptop("mere", "TPK")
    # ...but its laptop will not record a value, and a bundle of one is refused.
    try:
        record_value(mere.record, CODE, period="2019", value="1", units=UNITS)
        raise AssertionError("recorded a value for another agency's indicator")
    except ValueRefused as exc:
        assert "stewarded by MOJ, not TPK" in str(exc)
    forged = forge_bundle(tmp_path / "tpk.nmrfbundle", mere.key, "TPK",
                          [value_line(iid, agency="TPK")])
    result = authz.refused(world, forged, "unauthorized", "change 1 (indicator_value insert)",
                           "indicator_id", "stewarded by MOJ, not TPK")
    assert "only its steward agency" in result.reason


def test_an_unknown_indicator_is_unresolved(world: World, tmp_path: Path) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    forged = forge_bundle(tmp_path / "x.nmrfbundle", aroha.key, "MOJ",
                          [value_line("0b9d2f3e-1111-4222-8333-944455556666")])
    authz.refused(world, forged, "unresolved", "indicator_id", "unknown to the central record")


def test_the_same_point_changed_on_both_sides_is_a_conflict(world: World, tmp_path: Path
                                                            ) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    record_value(aroha.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                 units=UNITS)
    record_value(hemi.record, CODE, period="2019", value="46", disaggregation=MAORI,
                 units=UNITS, note="Hemi's count")
    record_value(hemi.record, CODE, period="2020", value="40", disaggregation=MAORI,
                 units=UNITS)
    first = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    second = bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert first.status == second.status == bundle_import.MERGED
    assert second.outcome is not None and (second.outcome.hard, second.outcome.applied) == (1, 1)
    # Aroha's value stays current; Hemi's is queued, not written over it.
    assert [r[:3] for r in slot(world.central, iid)] == [(1, "44.5", False), (2, "45.1", True)]
    [hard] = conflicts.list_conflicts(world.central)
    assert (hard.kind, hard.entity, hard.field) == ("hard", "indicator_value", "value")
    assert hard.current["value"] == "45.1" and hard.incoming["value"] == "46"
    assert hard.incoming["disaggregation"] == MAORI and hard.agency == "MOJ"
    assert hard.title == f"{CODE} 2019 (Ethnicity: Māori)"
    with pytest.raises(conflicts.ResolveRefused, match="value"):
        conflicts.resolve(world.central, hard.id, conflicts.EDIT, "lots")
    # The coordinator takes Hemi's: a third version, the two before it kept.
    conflicts.resolve(world.central, hard.id, conflicts.TAKE)
    assert [r[:3] for r in slot(world.central, iid)] == [
        (1, "44.5", False), (2, "45.1", False), (3, "46", True)]


def test_a_value_the_centre_changed_since_the_pack_conflicts(world: World, tmp_path: Path
                                                             ) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    record_value(aroha.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                 units=UNITS)
    revised = tmp_path / "revised.csv"
    revised.write_text("Year,Ethnicity,Units,Value\n2019,Māori,Percentage (%),44.9\n",
                       encoding="utf-8")
    indicators.import_values(world.central, CODE, revised)
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.outcome is not None and result.outcome.hard == 1
    assert [r[:3] for r in slot(world.central, iid)] == [(1, "44.5", False), (2, "44.9", True)]


def test_the_same_value_from_both_sides_is_no_conflict(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    for lap in (aroha, hemi):
        record_value(lap.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                     units=UNITS)
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    second = bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert second.outcome is not None
    assert (second.outcome.hard, second.outcome.already_applied) == (0, 1)
    assert conflicts.list_conflicts(world.central) == []
    assert [r[:3] for r in slot(world.central, iid)] == [(1, "44.5", False), (2, "45.1", True)]
