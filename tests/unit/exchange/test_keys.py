"""Signing keys as a service: passphrase checks, the fingerprint for a phone check, public key
files, registering a replacement (rotation) and the bundles that go on across it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nmrf_desktop import policy
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services.exchange import bundle_import, keys
from nmrf_desktop.services.exchange.keys import KeyRefused, Weakness
from nmrf_desktop.services.record import open_record
from nmrf_desktop.settings import MIN_PASSPHRASE_LENGTH
from tests.unit.exchange.world import PASS, World, add_action

NEW_PASS = b"huia moa kiwi takahe"


@pytest.mark.parametrize(("text", "weakness"), [
    ("kia kaha", Weakness.SHORT),
    ("password123456", Weakness.COMMON),
    ("P@ssw0rd2024!", Weakness.COMMON),  # l33t spelling fools nobody
    ("aaaaaaaaaaaaaaaa", Weakness.REPEAT),
    ("abcdefghijklmnop", Weakness.SEQUENCE),
    ("zxcvbnm,./asdfg", Weakness.KEYBOARD),
    ("Aroha Ngātā MOJ", Weakness.PERSONAL),
    ("Aroha Ngata 2026", Weakness.PERSONAL),  # the name typed without its macrons
    ("correct horse battery staple", None),
    ("tūī kererū kākā ruru", None),
])
def test_passphrase_weakness(text: str, weakness: Weakness | None) -> None:
    assert keys.passphrase_weakness(text, 12, ["Aroha Ngātā", "MOJ"]) == weakness


def test_the_minimum_comes_from_the_policy(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert keys.minimum_passphrase_length() == MIN_PASSPHRASE_LENGTH.default == 12
    file = tmp_path / "policy.toml"
    file.write_text("[keys]\nmin_passphrase_length = 16\n", encoding="utf-8")
    monkeypatch.setenv(policy.ENV_OVERRIDE, str(file))
    assert keys.minimum_passphrase_length() == 16
    assert keys.passphrase_weakness("tūī kererū kākā") is Weakness.SHORT  # 15 < 16
    # Below the floor of 8, the policy's value is refused and the default applies.
    file.write_text("[keys]\nmin_passphrase_length = 4\n", encoding="utf-8")
    os.utime(file, ns=(1, 1))
    assert keys.minimum_passphrase_length() == 12
    assert any("min_passphrase_length" in e for e in policy.current().errors)


def test_a_very_long_passphrase_is_judged_by_its_start() -> None:
    assert keys.passphrase_weakness("a" * 500, 12) is Weakness.REPEAT
    assert keys.passphrase_weakness("tūī kererū kākā ruru " * 10, 12) is None


def test_grouped_fingerprint_for_a_phone_check() -> None:
    kid = "3f2a9c017b44e012a9c355d01e2f8b7a" + "0" * 32
    assert keys.fingerprint(kid) == "3F2A 9C01 7B44 E012 A9C3 55D0 1E2F 8B7A"
    assert keys.grouped_fingerprint(kid) == "3F2A 9C01 7B44 E012\nA9C3 55D0 1E2F 8B7A"
    assert keys.grouped_fingerprint(kid, per_line=2).count("\n") == 3


def test_own_key_and_its_file_name_keep_macrons(world: World, tmp_path: Path) -> None:
    lap = world.laptop("Aroha Ngātā", "MOJ")
    own = keys.own_key(lap.record)
    assert own is not None and own.key_id == lap.key.id and own.agency == "MOJ"
    assert own.file_name == "MOJ-Aroha-Ngātā-signing-key.pub"
    central = keys.own_key(world.central, central=True)
    assert central is not None and central.file_name == "central-Secretariat-signing-key.pub"
    out = tmp_path / own.file_name
    keys.export_public(lap.record, out)
    assert keys.read_public_key(world.central, out).registered is not None


def test_no_key_yet_says_so_without_command_syntax(tmp_path: Path) -> None:
    record = open_record(tmp_path / "fresh.sqlite3")
    try:
        assert keys.own_key(record) is None
        for call in (lambda: keys.load_key(record, PASS),
                     lambda: keys.export_public(record, tmp_path / "x.pub")):
            with pytest.raises(KeyRefused) as caught:
                call()
            assert "create one first" in str(caught.value)
            assert "nmrf" not in str(caught.value) and "`" not in str(caught.value)
        assert not (tmp_path / "x.pub").exists()
    finally:
        record.close()


def test_export_public_into_a_missing_folder_is_refused_naming_it(world: World,
                                                                   tmp_path: Path) -> None:
    lap = world.laptop("hemi", "MOJ")
    out = tmp_path / "no such folder" / "hemi.pub"
    with pytest.raises(KeyRefused, match="no such folder"):
        keys.export_public(lap.record, out)


def test_read_public_key_refuses_what_is_not_one(world: World, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pub"
    junk.write_text("kia ora", encoding="utf-8")
    with pytest.raises(KeyRefused, match=r"junk\.pub: not a public key file"):
        keys.read_public_key(world.central, junk)
    with pytest.raises(KeyRefused, match=r"missing\.pub: cannot be read"):
        keys.read_public_key(world.central, tmp_path / "missing.pub")


def _pub(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pub"
    path.write_bytes(SigningKey.generate().public.to_pem())
    return path


def test_rotation_refuses_what_is_no_replacement(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    before = keys.list_keys(world.central)
    with pytest.raises(KeyRefused, match="speaks for MOJ, not MFAT"):
        keys.register_key(world.central, _pub(tmp_path, "a"), officer="aroha", agency="MFAT",
                          replaces=aroha.key.id)
    with pytest.raises(KeyRefused, match="no registered officer key"):
        keys.register_key(world.central, _pub(tmp_path, "b"), officer="aroha", agency="MOJ",
                          replaces=world.central_key.id)
    keys.revoke_key(world.central, aroha.key.id)
    with pytest.raises(KeyRefused, match="already revoked"):
        keys.register_key(world.central, _pub(tmp_path, "c"), officer="aroha", agency="MOJ",
                          replaces=aroha.key.id)
    assert [k.key_id for k in keys.list_keys(world.central)] == [k.key_id for k in before]


def test_bundles_go_on_across_a_rotation_and_a_gap_is_still_held(world: World,
                                                                 tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    aroha = world.laptop("aroha", "MOJ")
    ids = world.rec_ids()
    add_action(aroha, ids, "one")
    assert bundle_import.import_bundle(world.central, aroha.export(outbox)).status == "merged"
    old = aroha.key.id
    keys.create_key(aroha.record, NEW_PASS)  # Replace… on the laptop
    aroha.key = keys.load_key(aroha.record, NEW_PASS)
    pub = tmp_path / "aroha-new.pub"
    keys.export_public(aroha.record, pub)
    keys.register_key(world.central, pub, officer="aroha", agency="MOJ", replaces=old)
    with world.central.reading() as session:
        assert keys.lineage(session, aroha.key.id) == [aroha.key.id, old]
    add_action(aroha, ids, "two")
    second = aroha.export(outbox)
    add_action(aroha, ids, "three")
    third = aroha.export(outbox)
    held = bundle_import.import_bundle(world.central, third)
    assert held.status == "held" and "bundle 2" in held.reason
    merged = bundle_import.import_bundle(world.central, second)
    assert merged.status == "merged"
    assert [r.status for r in merged.released] == ["merged"]
    # The old key is revoked: a bundle it signs now is refused.
    aroha.key = SigningKey.load(aroha.record.keys_root / f"{old}.pem", PASS)
    add_action(aroha, ids, "four")
    assert bundle_import.import_bundle(world.central, aroha.export(outbox)).status == "rejected"
