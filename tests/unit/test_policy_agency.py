"""The policy's agency is the laptop's agency everywhere: bundles, profile, command defaults."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop import policy
from nmrf_desktop.services import workspace
from nmrf_desktop.services.exchange import bundle_export, bundle_import
from nmrf_desktop.services.exchange.agency import AGENCY, export_refusal, laptop_agency
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.store.models import ProgressUpdate
from tests.e2e.support import nmrf_in_process
from tests.unit.exchange.world import World, add_action, make_world


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(path))
    return path


def set_agency(policy_file: Path, code: str) -> None:
    policy_file.write_text(f'[exchange]\nagency = "{code}"\n', encoding="utf-8")


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path / "world", nz_csv)
    yield w
    w.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "nmrf_desktop.services.exchange.agency" and r.levelno == logging.WARNING]


def test_laptop_agency_is_the_policys_else_the_stored_one(
        policy_file: Path, record: Record, caplog: pytest.LogCaptureFixture) -> None:
    assert laptop_agency(record) is None
    record.set_setting(AGENCY, "DOC")
    assert laptop_agency(record) == "DOC"
    assert export_refusal(record) is None
    set_agency(policy_file, "MOJ")
    with caplog.at_level(logging.WARNING, logger="nmrf_desktop.services.exchange.agency"):
        for _ in range(3):
            assert laptop_agency(record) == "MOJ"
    warned = _warnings(caplog)
    assert len(warned) == 1 and "DOC" in warned[0] and "MOJ" in warned[0]
    assert record.setting(AGENCY) == "DOC"  # never rewritten behind the officer's back
    record.set_setting(AGENCY, "")
    assert laptop_agency(record) == "MOJ" and export_refusal(record) is None


def test_a_bundle_is_never_exported_under_an_agency_the_policy_overrides(
        world: World, policy_file: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    lap = world.laptop("aroha", "MOJ")  # set up for MOJ (its pack), before the policy
    add_action(lap, world.rec_ids())
    set_agency(policy_file, "DOC")
    out = tmp_path / "out.nmrfbundle"
    with caplog.at_level(logging.WARNING, logger="nmrf_desktop.services.exchange.agency"):
        for _ in range(2):
            with pytest.raises(bundle_export.ExportRefused) as refused:
                bundle_export.export_bundle(lap.record, out, lap.key)
    assert "MOJ" in str(refused.value) and "DOC" in str(refused.value)
    assert "nothing was exported" in str(refused.value)
    assert not out.exists() and bundle_export.unsent_count(lap.record) > 0
    assert len(_warnings(caplog)) == 1
    # Once the policy and the database agree, the bundle goes out under that agency.
    set_agency(policy_file, "MOJ")
    bundle_export.export_bundle(lap.record, out, lap.key)
    assert bundle_import.verify_only(world.central, out).agency == "MOJ"


def test_the_policys_agency_signs_a_bundle_when_the_database_stores_none(
        world: World, policy_file: Path, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids())
    lap.record.set_setting(AGENCY, "")  # never stored here: the policy names the agency
    set_agency(policy_file, "MOJ")
    out = tmp_path / "out.nmrfbundle"
    bundle_export.export_bundle(lap.record, out, lap.key)
    result = bundle_import.import_bundle(world.central, out)
    assert (result.status, result.agency) == (bundle_import.MERGED, "MOJ"), result.reason


def test_an_officers_profile_shows_the_policys_agency(policy_file: Path,
                                                      record: Record) -> None:
    workspace.save_profile(record, Profile("officer", "DOC", "Aroha Ngata"))
    set_agency(policy_file, "MOJ")
    assert workspace.load_profile(record) == Profile("officer", "MOJ", "Aroha Ngata")
    # The coordinator works for no agency, whatever the policy says.
    policy_file.write_text("", encoding="utf-8")
    workspace.save_profile(record, Profile("coordinator", "", "Hemi"))
    set_agency(policy_file, "MOJ")
    assert workspace.load_profile(record) == Profile("coordinator", "", "Hemi")


def test_nmrf_progress_defaults_to_the_policys_agency(policy_file: Path, nz_record: Record,
                                                      db_path: Path) -> None:
    nz_record.set_setting(AGENCY, "DOC")  # stored before the policy
    set_agency(policy_file, "MOJ")
    code, _out, err = nmrf_in_process("progress", "add", "--rec", "NZL-UPR18-040",
                                      "--status", "in_progress", "--text", "Kua tīmata",
                                      db=db_path)
    assert code == 0, err
    with nz_record.reading() as session:
        agencies = session.execute(select(ProgressUpdate.agency_code)).scalars().all()
    assert agencies == ["MOJ"]
