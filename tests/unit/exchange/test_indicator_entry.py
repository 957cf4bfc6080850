"""Recording indicator values on a laptop: versions not overwrites, the change log, undo
while unsent, refusals that change nothing, the command line, and the schema's lengths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nmrf_desktop.bundles import schemas
from nmrf_desktop.domain.indicator_values import InvalidValue
from nmrf_desktop.services.exchange import bundle_export, bundle_import
from nmrf_desktop.services.indicator_entry import (
    ValueRefused,
    record_value,
    undo_value,
    value_has_left,
)
from nmrf_desktop.store.indicator_models import Indicator, IndicatorValue
from nmrf_desktop.store.models import AuditEvent, Change
from tests.e2e.support import nmrf

from . import authz
from .indicator_world import CODE, MAORI, UNITS, add_indicator, slot
from .world import World


def _unsent(world_lap: object) -> list[tuple[str, str, int | None, dict[str, object]]]:
    with world_lap.record.reading() as session:  # type: ignore[attr-defined]
        return [(c.entity, c.op, c.base_version, json.loads(c.fields)) for c in
                session.execute(select(Change).where(Change.bundle_id.is_(None))
                                .order_by(Change.seq)).scalars()]


def test_a_changed_value_is_a_new_version_in_the_change_log(world: World) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    done = record_value(aroha.record, CODE, period=" 2019 ", value="45.10",
                        disaggregation={" Ethnicity ": "Māori"}, units=UNITS,
                        note="  Kua whakatikaina  ")
    assert done.changed and done.version == 2 and done.base_version == 1
    assert slot(aroha.record, iid) == [(1, "44.5", False, "", "Secretariat"),
                                       (2, "45.1", True, "Kua whakatikaina", "aroha")]
    [(entity, op, base, fields)] = _unsent(aroha)
    assert (entity, op, base) == ("indicator_value", "insert", 1)
    assert fields == {"indicator_id": iid, "agency_code": "MOJ", "period": "2019",
                      "disaggregation": MAORI, "units": UNITS, "value": "45.1",
                      "status": "final", "note": "Kua whakatikaina", "evidence_id": None}
    # What the laptop wrote passes the very schema the centre applies.
    line = {"change_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "entity": entity,
            "entity_id": done.value_id, "op": op, "fields": fields, "base_version": base}
    assert schemas.problem("change", line) is None
    # The same value again changes nothing.
    again = record_value(aroha.record, CODE, period="2019", value="45.1",
                         disaggregation=MAORI, units=UNITS, note="Kua whakatikaina")
    assert not again.changed and len(_unsent(aroha)) == 1


def test_undo_while_unsent_restores_the_version_before(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    before = authz.tables(aroha.record)
    first = record_value(aroha.record, CODE, period="2019", value="45.1",
                         disaggregation=MAORI, units=UNITS)
    second = record_value(aroha.record, CODE, period="2019", value="45.2",
                          disaggregation=MAORI, units=UNITS)
    with pytest.raises(ValueRefused, match="undo that one first"):
        undo_value(aroha.record, str(first.value_id))
    undo_value(aroha.record, str(second.value_id))
    undo_value(aroha.record, str(first.value_id))
    after = authz.tables(aroha.record)
    assert {t: v for t, v in after.items() if t != "audit_log"} == \
        {t: v for t, v in before.items() if t != "audit_log"}
    with aroha.record.reading() as session:
        events = session.execute(select(AuditEvent.event).where(
            AuditEvent.event.startswith("indicator."))).scalars().all()
    assert events.count("indicator.record_value") == 2
    assert events.count("indicator.undo_value") == 2
    # Once sent, a value stays: the right one is recorded as a new version instead.
    sent = record_value(aroha.record, CODE, period="2019", value="45.3",
                        disaggregation=MAORI, units=UNITS)
    bundle_export.export_bundle(aroha.record, tmp_path, aroha.key)
    assert value_has_left(aroha.record, str(sent.value_id))
    with pytest.raises(ValueRefused, match="has left in a bundle"):
        undo_value(aroha.record, str(sent.value_id))
    assert slot(aroha.record, iid)[-1][:3] == (2, "45.3", True)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"period": "next year"}, "period"),
    ({"period": "2019-13"}, "period"),
    ({"value": "NaN"}, "value"),
    ({"value": "1e400"}, "value"),
    ({"value": "12,5"}, "value"),
    ({"value": True}, "value"),
    ({"status": "estimated"}, "status"),
    ({"disaggregation": {"Sex": ""}}, "disaggregation.Sex"),
    ({"disaggregation": {"Sex": 3}}, "disaggregation.Sex"),
    ({"units": "a\tb"}, "units"),
    ({"note": "x" * 100_001}, "note"),
    ({"evidence_id": "not-an-id"}, "evidence_id"),
    ({"evidence_id": "0b9d2f3e-1111-4222-8333-944455556666"}, "evidence_id"),
])
def test_a_bad_value_is_refused_naming_the_field(world: World, kwargs: dict[str, object],
                                                 field: str) -> None:
    add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    before = authz.tables(aroha.record)
    values: dict[str, object] = {"period": "2019", "value": "1"} | kwargs
    with pytest.raises(InvalidValue) as caught:
        record_value(aroha.record, CODE, **values)  # type: ignore[arg-type]
    assert caught.value.field == field, caught.value
    assert authz.tables(aroha.record) == before


def test_values_are_recorded_on_a_laptop_for_a_known_indicator(world: World) -> None:
    add_indicator(world)
    with pytest.raises(ValueRefused, match="on an agency's laptop"):
        record_value(world.central, CODE, period="2019", value="1")
    aroha = world.laptop("aroha", "MOJ")
    with pytest.raises(ValueRefused, match="no indicator with the code 'NOPE'"):
        record_value(aroha.record, "NOPE", period="2019", value="1")
    # An indicator whose stewardship moved away (the centre's next pack says so).
    with aroha.record.unit_of_work() as session:
        row = session.execute(select(Indicator)).scalar_one()
        row.steward = "TPK"
    with pytest.raises(ValueRefused, match="stewarded by TPK, not MOJ"):
        record_value(aroha.record, CODE, period="2019", value="1")


def test_record_value_on_the_command_line(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    db = Path(str(aroha.record.engine.url.database))
    done = nmrf("indicator", "record-value", CODE.lower(), "--period", "2024", "--value",
                "39.80", "--disaggregation", "Ethnicity=Māori", "--units", UNITS,
                "--status", "provisional", "--note", "Kua tātaihia", "--json", db=db)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {k: out[k] for k in ("indicator", "period", "value", "disaggregation", "status",
                                "version", "base_version", "changed")} == {
        "indicator": CODE, "period": "2024", "value": "39.8", "disaggregation": MAORI,
        "status": "provisional", "version": 1, "base_version": None, "changed": True}
    bad = nmrf("indicator", "record-value", CODE, "--period", "2024", "--value", "lots",
               "--disaggregation", "Ethnicity", db=db)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1
    assert "--disaggregation 'Ethnicity': write it as KEY=VALUE" in bad.stderr
    nan = nmrf("indicator", "record-value", CODE, "--period", "2024", "--value", "nan", db=db)
    assert nan.returncode == 1 and "value: 'nan' is not a finite number" in nan.stderr
    # It travels: merged at the centre with the macrons whole.
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.status == "merged", result
    with world.central.reading() as session:
        row = session.execute(select(IndicatorValue).where(
            IndicatorValue.id == out["id"])).scalar_one()
        assert (row.indicator_id, row.value, row.note, row.status) == (
            iid, "39.8", "Kua tātaihia", "provisional")
        assert json.loads(row.disaggregation) == MAORI
    undo = nmrf("indicator", "undo-value", out["id"], db=db)
    assert undo.returncode == 1 and "has left in a bundle" in undo.stderr


def _length(column: Any) -> int:
    return int(column.type.length)


def test_the_schema_lengths_are_the_columns() -> None:
    common = schemas.schema("common")["$defs"]
    value = schemas.schema("pack")["$defs"]["indicator-value"]["properties"]
    indicator = schemas.schema("pack")["$defs"]["indicator"]["properties"]
    table, ind = IndicatorValue.__table__.c, Indicator.__table__.c
    assert common["period"]["maxLength"] == _length(table.period)
    assert common["decimal-text"]["maxLength"] == _length(table.value)
    assert common["value-units"]["maxLength"] == _length(table.units)
    assert schemas.schema("pack")["$defs"]["label"]["maxLength"] == \
        _length(table.observation_status)
    assert schemas.schema("pack")["$defs"]["name-200"]["maxLength"] == \
        _length(table.recorded_by)
    assert value["units"] == {"$ref": "common.schema.json#/$defs/value-units"}
    for name in ("code", "title", "unit", "governance", "sdg", "steward"):
        assert indicator[name]["maxLength"] == _length(ind[name]), name
    assert schemas.schema("pack")["$defs"]["label"]["maxLength"] == _length(ind.title_mi)
    for name in ("baseline_value", "target_value"):
        assert common["decimal-text-or-null"]["maxLength"] == _length(ind[name])
    for name in ("baseline_period", "target_period"):
        assert common["period-or-null"]["maxLength"] == _length(ind[name])
