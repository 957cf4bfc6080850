"""Indicators in the exchange test world: one stewarded by MOJ, its values, change lines."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.domain.indicators import IndicatorDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import indicators
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.indicator_models import IndicatorValue
from tests.conftest import TEST_DATA

from .world import World

NZ = TEST_DATA / "indicators" / "nz_constructed_remand_by_ethnicity.csv"
CODE = "PRIS-REMAND"
TITLE_MI = "Te hunga mauhere kāore anō kia whiua"
GOVERNANCE = "Te Kāhui Raraunga"
UNITS = "Percentage (%)"
MAORI = {"Ethnicity": "Māori"}


def add_indicator(world: World, *, steward: str = "MOJ", code: str = CODE,
                  refs: tuple[str, ...] = ()) -> str:
    """An indicator with macrons and Māori data governance, its values imported from the
    constructed NZ file (60 values); returns its id."""
    if not refs:
        refs = tuple(r.reference for r in search_recommendations(
            world.central, Filters(text="Maori"), limit=1))
    added = indicators.add_indicator(world.central, IndicatorDraft(
        code=code, title="Unsentenced detainees as a proportion of the prison population",
        kind="outcome", title_mi=TITLE_MI, unit=UNITS, direction="down", sdg="16.3.2",
        steward=steward, baseline_value="38", baseline_period="2019", target_value="30",
        target_period="2030", maori_data=True, governance=GOVERNANCE,
        governance_note="Whakaae ā-iwi anake: released by agreement only",
        recommendations=refs))
    indicators.import_values(world.central, code, NZ)
    return added.id


def value_line(indicator_id: str, *, agency: str = "MOJ", base: int | None = 1,
               entity_id: str | None = None, **fields: Any) -> ChangeLine:
    """A well-formed indicator_value change: 2019, Māori, 45.1 (the file holds 44.5)."""
    values: dict[str, Any] = {
        "indicator_id": indicator_id, "agency_code": agency, "period": "2019",
        "disaggregation": dict(MAORI), "units": UNITS, "value": "45.1", "status": "final",
        "note": "Kua whakatikaina: corrected from the Ara Poutama return", "evidence_id": None}
    values.update(fields)
    return ChangeLine(str(uuid.uuid4()), "indicator_value", entity_id or str(uuid.uuid4()),
                      "insert", values, base)


def slot(record: Record, indicator_id: str, period: str = "2019",
         disaggregation: dict[str, str] | None = None) -> list[tuple[Any, ...]]:
    """Every version of one slot: (version, value, current, note, recorded_by), in order."""
    dis = json.dumps(MAORI if disaggregation is None else disaggregation,
                     ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    v = IndicatorValue
    with record.reading() as session:
        return [tuple(r) for r in session.execute(
            select(v.version, v.value, v.current, v.note, v.recorded_by).where(
                v.indicator_id == indicator_id, v.period == period,
                v.disaggregation == dis, v.units == UNITS).order_by(v.version))]
