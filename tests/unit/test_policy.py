"""The policy file: precedence over user settings, locations, malformed files, the pinned key."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop import policy, settings
from nmrf_desktop.bundles.keys import SigningKey, fingerprint
from nmrf_desktop.bundles.pack_file import read_pack
from nmrf_desktop.cli.main import main as cli_main
from nmrf_desktop.services.exchange import packs
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import (
    BACKUP_DAILY,
    BACKUPS_KEPT,
    CENTRAL_KEY,
    EVIDENCE_MAX_BYTES,
    STALE_MONTHS,
)


@pytest.fixture(autouse=True)
def _no_user_source() -> Iterator[None]:
    settings.set_user_source(None)
    yield
    settings.set_user_source(None)


@pytest.fixture
def policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "etc" / "policy.toml"
    path.parent.mkdir()
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(path))
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_policy_file_user_settings_then_defaults_apply(policy_file: Path) -> None:
    assert policy.current().path is None
    assert policy.resolve(BACKUPS_KEPT).source == settings.DEFAULT
    assert policy.value(BACKUPS_KEPT) == BACKUPS_KEPT.default
    assert policy.resolve(BACKUPS_KEPT, "4").value == 4
    assert policy.resolve(BACKUP_DAILY, "false").value is False
    assert not policy.resolve(BACKUPS_KEPT, "4").locked
    assert not policy.pins_central_key()
    assert policy.central_key_refusal("ab" * 32) is None


def test_policy_wins_over_user_settings_and_is_locked(policy_file: Path) -> None:
    write(policy_file, """
format = 1
[backup]
kept = 3
daily = false
[evidence]
max_bytes = 5_000_000
""")
    kept = policy.resolve(BACKUPS_KEPT, "25")
    assert (kept.value, kept.source, kept.locked) == (3, settings.POLICY, True)
    assert policy.value(BACKUP_DAILY, True) is False
    assert policy.value(EVIDENCE_MAX_BYTES, 1) == 5_000_000
    # Not provisioned: the user's own value still counts.
    assert policy.resolve(STALE_MONTHS, "9").value == 9
    # The same through the registered user source (the app's QSettings).
    settings.set_user_source({"backup/kept": "25", "overview/stale_months": "2"}.get)
    assert policy.value(BACKUPS_KEPT) == 3
    assert policy.value(STALE_MONTHS) == 2


def test_policy_file_is_read_again_when_it_changes(policy_file: Path) -> None:
    write(policy_file, "[backup]\nkept = 3\n")
    assert policy.value(BACKUPS_KEPT) == 3
    write(policy_file, "[backup]\nkept = 40\n# longer now\n")
    assert policy.value(BACKUPS_KEPT) == 40


def test_malformed_file_is_logged_with_its_name_and_fails_safe(
        policy_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(policy_file, "[backup]\nkept = = 3\n")
    with caplog.at_level(logging.ERROR, logger="nmrf_desktop.policy"):
        current = policy.current()
    assert current.damaged
    assert str(policy_file) in caplog.text
    assert "not valid TOML" in caplog.text
    # No value from it applies; the user's settings and the defaults do.
    assert policy.resolve(BACKUPS_KEPT, "7").value == 7
    # The pin it may carry is unknown: every pack is refused until it is repaired.
    assert policy.pins_central_key()
    with pytest.raises(policy.PolicyError):
        policy.pinned_central_key()
    refusal = policy.central_key_refusal("ab" * 32)
    assert refusal and str(policy_file) in refusal


def test_a_bad_value_names_the_file_and_key_and_only_that_value_is_ignored(
        policy_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(policy_file, """
[backup]
kept = "many"
daily = false
[evidence]
max_bytes = -1
[exchange]
agency = "MOJ"
colour = "blue"
""")
    with caplog.at_level(logging.WARNING, logger="nmrf_desktop.policy"):
        current = policy.current()
    assert not current.damaged
    assert f"{policy_file}: key 'backup.kept'" in caplog.text
    assert f"{policy_file}: key 'evidence.max_bytes'" in caplog.text
    assert "unknown key 'exchange.colour'" in caplog.text
    assert policy.resolve(BACKUPS_KEPT, "6").value == 6  # user's value, not locked
    assert policy.value(EVIDENCE_MAX_BYTES) == EVIDENCE_MAX_BYTES.default
    assert policy.value(BACKUP_DAILY, True) is False  # the good values still apply
    assert policy.locked_agency() == "MOJ"
    assert not policy.pins_central_key()


def test_a_malformed_central_key_refuses_packs(policy_file: Path) -> None:
    write(policy_file, '[exchange]\ncentral_key = "not a key"\n')
    assert policy.pins_central_key()
    assert "exchange.central_key" in (policy.central_key_refusal("ab" * 32) or "")


def test_newer_format_is_refused_as_damaged(policy_file: Path) -> None:
    write(policy_file, "format = 2\n[backup]\nkept = 3\n")
    assert policy.current().damaged
    assert policy.value(BACKUPS_KEPT) == BACKUPS_KEPT.default


@pytest.mark.parametrize("written", ["fingerprint", "key id"])
def test_the_pinned_key_refuses_a_pack_signed_by_another_key(
        policy_file: Path, record: Record, tmp_path: Path, written: str) -> None:
    central, intruder = SigningKey.generate(), SigningKey.generate()
    pin = fingerprint(central.id) if written == "fingerprint" else central.id.upper()
    write(policy_file, f'[exchange]\ncentral_key = "{pin}"\n')
    assert policy.pinned_central_key() is not None
    assert policy.resolve(CENTRAL_KEY, "ffff").locked

    forged = tmp_path / "forged.nmrfpack"
    packs.export_pack(record, "MOJ", forged, intruder)
    signer = read_pack(forged, None).signer  # a valid signature, but from the wrong key
    refusal = policy.central_key_refusal(signer.id)
    assert refusal and fingerprint(intruder.id) in refusal
    genuine = tmp_path / "genuine.nmrfpack"
    packs.export_pack(record, "MOJ", genuine, central)
    assert policy.central_key_refusal(read_pack(genuine, None).signer.id) is None

    # The real import path: a laptop that has pinned nothing still refuses the intruder.
    from nmrf_desktop.bundles.pack_file import PackRejected
    from nmrf_desktop.services.record import open_record

    laptop = open_record(tmp_path / "laptop.sqlite3")
    with pytest.raises(PackRejected):
        packs.import_pack(laptop, forged)
    assert laptop.setting(packs.PINNED_KEY) == ""
    imported = packs.import_pack(laptop, genuine)
    assert imported.version == 2 and not imported.first_pin
    laptop.close()


def test_locations_per_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.ENV_OVERRIDE, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/opt/xdg:/etc/xdg")
    assert policy.locations() == [Path("/etc/nmrf-desktop/policy.toml"),
                                  Path("/opt/xdg/nmrf-desktop/policy.toml"),
                                  Path("/etc/xdg/nmrf-desktop/policy.toml")]
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMDATA", "C:/ProgramData")
    assert policy.locations() == [Path("C:/ProgramData/NMRF/nmrf-desktop/policy.toml")]
    monkeypatch.setattr(sys, "platform", "darwin")
    assert policy.locations() == [
        Path("/Library/Application Support/NMRF/nmrf-desktop/policy.toml")]
    monkeypatch.setenv(policy.ENV_OVERRIDE, "")
    assert policy.locations() == []


def test_first_existing_location_is_the_policy(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.ENV_OVERRIDE, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    (second / "nmrf-desktop").mkdir(parents=True)
    write(second / "nmrf-desktop" / "policy.toml", "[backup]\nkept = 2\n")
    if Path("/etc/nmrf-desktop/policy.toml").exists():
        pytest.skip("a real system policy is installed on this machine")
    assert policy.current().path == second / "nmrf-desktop" / "policy.toml"
    assert policy.value(BACKUPS_KEPT) == 2


def test_data_folder_limits_where_databases_may_be(policy_file: Path, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    write(policy_file, f'[storage]\ndata_folder = "{allowed.as_posix()}"\n')
    assert policy.allowed_data_folder() == allowed
    assert policy.database_refusal(allowed / "sub" / "x.sqlite3") is None
    refusal = policy.database_refusal(tmp_path / "elsewhere.sqlite3")
    assert refusal and str(allowed) in refusal
    write(policy_file, '[storage]\ndata_folder = "relative/folder"\n')
    assert policy.allowed_data_folder() is None  # malformed: ignored, logged


def _policy_show(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = cli_main(["policy", "show", *extra])
    return code, capsys.readouterr().out


def test_policy_show_lists_the_file_and_the_locked_values(
        policy_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(policy_file, "[backup]\nkept = 3\n")
    code, out = _policy_show(capsys)
    assert code == 0 and f"policy file {policy_file} (in force)" in out
    assert "backup/kept\t3\tlocked" in out
    write(policy_file, "[backup\n")
    code, out = _policy_show(capsys, "--json")
    assert code == 1 and '"damaged": true' in out


def test_the_policy_evidence_cap_is_enforced(policy_file: Path, nz_record: Record,
                                             tmp_path: Path) -> None:
    from nmrf_desktop.domain.entry import InvalidEntry
    from nmrf_desktop.domain.records import Filters
    from nmrf_desktop.services import entry
    from nmrf_desktop.services.catalog import search_recommendations

    write(policy_file, "[evidence]\nmax_bytes = 1048576\n")
    rec = search_recommendations(nz_record, Filters(), limit=1)[0]
    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF" + b"x" * 2 * 1024 * 1024)
    with pytest.raises(InvalidEntry, match="limit"):
        entry.attach_file(nz_record, big, agency="MOJ", recommendation_id=rec.id)
