"""Validly signed hostile indicator values: each refused naming the field, nothing changed."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nmrf_desktop.bundles.bundle_file import write_bundle
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.store.indicator_models import IndicatorValue
from tests.conftest import NZ_CSV

from . import authz
from .indicator_world import add_indicator, value_line
from .signed import manifest_for
from .world import Laptop, World, forge_bundle, make_world

# Ten megabytes of varied text (a repeated letter would trip the zip-bomb check first).
TEN_MB = "".join(random.Random(14).choices("aāeēiīoōuūhkmnprtwg ", k=10 * 1024 * 1024))


def _raw_bundle(out: Path, lap: Laptop, line: bytes) -> Path:
    """A bundle signed by a registered laptop whose one change line is exactly `line`."""
    blob = line + b"\n"
    manifest = manifest_for(lap.key, lap.agency, blob, officer=lap.name,
                            pack_id=lap.record.setting(packs.PACK_ID),
                            pack_version=int(lap.record.setting(packs.PACK_VERSION, "0")))
    write_bundle(out, manifest, blob, [], lap.key)
    return out


def _line_with(change: ChangeLine, field: str, raw: str) -> bytes:
    """The change's JSON with one field's value replaced by raw JSON text (NaN, 1e400)."""
    marker = "__RAW__"
    document = json.loads(change.to_json())
    document["fields"][field] = marker
    return json.dumps(document).replace(f'"{marker}"', raw).encode()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, Laptop, str]]:
    """One world for every refusal (each leaves it exactly as it was, which is checked)."""
    world = make_world(tmp_path_factory.mktemp("hostile"), NZ_CSV)
    iid = add_indicator(world)
    yield world, world.laptop("aroha", "MOJ"), iid
    world.close()


@pytest.mark.parametrize(("fields", "words"), [
    ({"value": "NaN"}, ("field fields.value", "canonical decimal text")),
    ({"value": "Infinity"}, ("field fields.value",)),
    ({"value": 12.5}, ("field fields.value", "got a number")),
    ({"value": 12}, ("field fields.value",)),
    ({"value": "1.50"}, ("field fields.value",)),
    ({"value": "1e3"}, ("field fields.value",)),
    ({"value": "-0"}, ("value:", "not written canonically")),
    ({"value": "1" * 51}, ("field fields.value", "longer than 50 characters")),
    ({"note": TEN_MB}, ("field fields.note", "longer than 100000 characters")),
    ({"colour": "whero"}, ("field fields", "unknown field(s) colour")),
    ({"status": 1}, ("field fields.status", "provisional, final")),
    ({"status": "estimated"}, ("field fields.status",)),
    ({"units": 5}, ("field fields.units",)),
    ({"units": "a\u0000b"}, ("NUL",)),
    ({"units": "x" * 501}, ("field fields.units", "longer than 500")),
    ({"period": 2019}, ("field fields.period",)),
    ({"period": "2019-13"}, ("period:", "is not a period")),
    ({"period": "2019.0"}, ("field fields.period",)),
    ({"period": "1066"}, ("field fields.period",)),
    ({"disaggregation": ["Sex", "Female"]}, ("field fields.disaggregation",)),
    ({"disaggregation": "Sex=Female"}, ("field fields.disaggregation",)),
    ({"disaggregation": {"Sex": 1}}, ("field fields.disaggregation.Sex",)),
    ({"disaggregation": {"Sex": {"a": "b"}}}, ("field fields.disaggregation.Sex",)),
    ({"disaggregation": {"Sex": ""}}, ("field fields.disaggregation.Sex",)),
    ({"disaggregation": {"Sex": "x" * 201}}, ("field fields.disaggregation.Sex",)),
    ({"disaggregation": {f"k{i}": "v" for i in range(21)}}, ("field fields.disaggregation",)),
    ({"disaggregation": {"Sex": " Female"}}, ("disaggregation.Sex", "spaces")),
    ({"indicator_id": "PRIS-REMAND"}, ("field fields.indicator_id",)),
    ({"evidence_id": "../../etc/passwd"}, ("field fields.evidence_id",)),
    ({"evidence_id": "0b9d2f3e-1111-4222-8333-944455556666"},
     ("evidence_id", "unknown to the central record")),
    ({"agency_code": "TPK"}, ("agency_code", "writes for agency 'TPK', not MOJ")),
])
def test_a_hostile_value_is_refused_naming_the_field(
        hostile: tuple[World, Laptop, str], tmp_path: Path, fields: dict[str, Any],
        words: tuple[str, ...]) -> None:
    world, aroha, iid = hostile
    change = value_line(iid)
    change.fields.update(fields)  # one field wrong (or one unknown), the rest right
    path = forge_bundle(tmp_path / "hostile.nmrfbundle", aroha.key, "MOJ", [change])
    authz.refused(world, path, None, *words)


@pytest.mark.parametrize(("raw", "words"), [
    ("NaN", ("NaN is not allowed",)),
    ("Infinity", ("Infinity is not allowed",)),
    ("1e400", ("field fields.value", "got a number out of range")),
    ("-1e400", ("field fields.value", "got a number out of range")),
])
def test_a_non_finite_number_is_refused_before_any_schema(
        hostile: tuple[World, Laptop, str], tmp_path: Path, raw: str,
        words: tuple[str, ...]) -> None:
    world, aroha, iid = hostile
    line = _line_with(value_line(iid), "value", raw)
    authz.refused(world, _raw_bundle(tmp_path / "nan.nmrfbundle", aroha, line), None, *words)


@pytest.mark.parametrize(("change", "words"), [
    ({"op": "update"}, ("field op", "only inserted")),
    ({"base_version": 0}, ("field base_version",)),
    ({"base_version": 2 ** 31}, ("field base_version",)),
])
def test_a_value_change_of_the_wrong_shape_is_refused(
        hostile: tuple[World, Laptop, str], tmp_path: Path, change: dict[str, Any],
        words: tuple[str, ...]) -> None:
    world, aroha, iid = hostile
    document = json.loads(value_line(iid).to_json()) | change
    line = json.dumps(document, ensure_ascii=False).encode()
    authz.refused(world, _raw_bundle(tmp_path / "shape.nmrfbundle", aroha, line), None,
                  *words)


def test_a_value_id_of_another_indicator_is_refused(hostile: tuple[World, Laptop, str],
                                                    tmp_path: Path) -> None:
    world, aroha, iid = hostile
    other = add_indicator(world, code="PRIS-OTHER")
    with world.central.reading() as session:
        taken = session.query(IndicatorValue.id).filter(
            IndicatorValue.indicator_id == other).first()
    assert taken is not None
    path = forge_bundle(tmp_path / "steal.nmrfbundle", aroha.key, "MOJ",
                        [value_line(iid, entity_id=taken[0])])
    authz.refused(world, path, "unauthorized", "entity_id", "another indicator's value")
