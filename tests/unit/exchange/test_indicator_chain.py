"""Indicator values across bundles: a gap is held then merged in order (the base chain of
one officer's successive values holds), a kill mid-merge leaves all or nothing, and a value
may name evidence sent in the same bundle."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from nmrf_desktop.faults import EXIT_CODE
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.indicator_entry import record_value
from nmrf_desktop.store.indicator_models import IndicatorValue
from nmrf_desktop.store.models import Evidence

from . import authz
from .indicator_world import CODE, MAORI, UNITS, add_indicator, slot
from .world import World

ROOT = Path(__file__).resolve().parents[3]


def test_a_gap_is_held_then_both_merge_in_order(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    record_value(aroha.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                 units=UNITS)
    first = aroha.export(tmp_path)
    second_value = record_value(aroha.record, CODE, period="2019", value="45.2",
                                disaggregation=MAORI, units=UNITS, note="Tuarua")
    assert second_value.base_version == 2  # made on top of the first, still unmerged
    second = aroha.export(tmp_path)
    held = bundle_import.import_bundle(world.central, second)
    assert held.status == bundle_import.HELD, held
    assert [r[:3] for r in slot(world.central, iid)] == [(1, "44.5", True)]
    merged = bundle_import.import_bundle(world.central, first)
    assert merged.status == bundle_import.MERGED
    assert [r.status for r in merged.released] == [bundle_import.MERGED]
    assert [r[:3] for r in slot(world.central, iid)] == [
        (1, "44.5", False), (2, "45.1", False), (3, "45.2", True)]
    assert check(world.central) == []


@pytest.mark.parametrize("step", ["bundle-import:claimed", "bundle-import:evidence-stored"])
def test_a_kill_mid_merge_leaves_nothing_and_a_retry_merges(world: World, tmp_path: Path,
                                                            step: str) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    record_value(aroha.record, CODE, period="2019", value="45.1", disaggregation=MAORI,
                 units=UNITS)
    bundle = aroha.export(tmp_path)
    before = authz.tables(world.central)
    db = str(world.central.engine.url.database)
    world.central.engine.dispose()  # the child must be free to take the write lock
    proc = subprocess.run(
        [sys.executable, "-m", "tests.unit.exchange.crash_driver", "import-bundle", db,
         str(bundle)], cwd=ROOT, env=dict(os.environ, NMRF_CRASH_AT=step),
        capture_output=True, timeout=120)
    assert proc.returncode == EXIT_CODE, proc.stderr
    after = authz.tables(world.central)
    assert {t: v for t, v in after.items() if t != "bundle_inbox"} == \
        {t: v for t, v in before.items() if t != "bundle_inbox"}
    with world.central.reading() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    result = bundle_import.import_bundle(world.central, bundle)
    assert result.status == bundle_import.MERGED, result
    assert [r[:3] for r in slot(world.central, iid)] == [(1, "44.5", False), (2, "45.1", True)]


def test_a_value_names_evidence_sent_in_the_same_bundle(world: World, tmp_path: Path) -> None:
    iid = add_indicator(world)
    aroha = world.laptop("aroha", "MOJ")
    rec = world.rec_ids("Maori", 1)[0]
    source = entry.attach_url(aroha.record, "https://www.corrections.govt.nz/remand-2019",
                              agency="MOJ", recommendation_id=rec,
                              title="Ara Poutama Aotearoa: remand statistics")
    done = record_value(aroha.record, CODE, period="2019", value="45.1",
                        disaggregation=MAORI, units=UNITS, evidence_id=source.id)
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.status == bundle_import.MERGED, result
    with world.central.reading() as session:
        row = session.get(IndicatorValue, done.value_id)
        assert row is not None and row.evidence_id == source.id
        assert session.get(Evidence, source.id) is not None
    assert slot(world.central, iid)[-1][:3] == (2, "45.1", True)
