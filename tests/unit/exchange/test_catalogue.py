"""The adversarial catalogue (BUNDLES.md): signature, manifest, authorization, replay.

Each hostile bundle is rejected with a clear reason, recorded in the inbox, and the
record is left byte-for-byte unchanged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.bundles.envelope import BUNDLE_TYPE, pae
from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.bundles.strict_json import dumps
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import, keys
from nmrf_desktop.store.models import InboxEntry

from .world import World, add_action, assign_some, forge_bundle, record_digest, rewrite_zip


def _reject(world: World, path: Path, words: str) -> None:
    before = record_digest(world.central)
    result = bundle_import.import_bundle(world.central, path)
    assert result.status == bundle_import.REJECTED, result
    assert words.lower() in result.reason.lower(), result.reason
    assert record_digest(world.central) == before
    with world.central.reading() as session:
        inbox = session.execute(select(InboxEntry).order_by(InboxEntry.received_at)).scalars()
        assert [e.reason for e in inbox][-1] == result.reason
    assert check(world.central) == []


def _good_bundle(world: World, tmp_path: Path) -> Path:
    lap = world.laptops.get("aroha") or world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "Te Tiriti training for Māori wardens")
    return lap.export(tmp_path)


def _envelope(path: Path) -> dict:  # type: ignore[type-arg]
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("envelope.json"))


def _with_envelope(src: Path, dst: Path, env: dict) -> Path:  # type: ignore[type-arg]
    return rewrite_zip(src, dst, replace={"envelope.json": json.dumps(env).encode()})


def _progress(rec_id: str, agency: str) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), "progress", str(uuid.uuid4()), "insert",
                      {"recommendation_id": rec_id, "agency_code": agency,
                       "status": "implemented", "narrative": "done", "as_of": "2025-01-01",
                       "is_public": False}, None)


def test_a_good_bundle_merges(world: World, tmp_path: Path) -> None:
    result = bundle_import.import_bundle(world.central, _good_bundle(world, tmp_path))
    assert result.status == bundle_import.MERGED
    assert result.outcome and result.outcome.applied == 1


def test_unknown_key(world: World, tmp_path: Path) -> None:
    stranger = SigningKey.generate()
    path = forge_bundle(tmp_path / "x.zip", stranger, "MOJ",
                        [_progress(world.rec_ids()[0], "MOJ")])
    _reject(world, path, "unknown or revoked key")


def test_revoked_key(world: World, tmp_path: Path) -> None:
    path = _good_bundle(world, tmp_path)
    keys.revoke_key(world.central, world.laptops["aroha"].key.id)
    _reject(world, path, "revoked")


def test_agency_a_key_signing_for_agency_b(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    path = forge_bundle(tmp_path / "x.zip", lap.key, "MFAT",
                        [_progress(world.rec_ids()[0], "MFAT")])
    _reject(world, path, "signed a bundle for agency MFAT")


def test_altered_payload_type(world: World, tmp_path: Path) -> None:
    src = _good_bundle(world, tmp_path)
    env = _envelope(src)
    env["payloadType"] = "application/vnd.nmrf.pack+json; version=1"
    _reject(world, _with_envelope(src, tmp_path / "t.zip", env), "wrong payload type")


def test_flipped_payload_bit(world: World, tmp_path: Path) -> None:
    src = _good_bundle(world, tmp_path)
    env = _envelope(src)
    raw = bytearray(base64.b64decode(env["payload"]))
    raw[40] ^= 0x01
    env["payload"] = base64.b64encode(bytes(raw)).decode()
    _reject(world, _with_envelope(src, tmp_path / "t.zip", env), "does not match")


def test_signature_copied_from_another_bundle(world: World, tmp_path: Path) -> None:
    first = _good_bundle(world, tmp_path)
    second = _good_bundle(world, tmp_path)  # same laptop: unsent change list differs
    env = _envelope(second)
    env["signatures"] = _envelope(first)["signatures"]
    _reject(world, _with_envelope(second, tmp_path / "t.zip", env), "does not match")


@pytest.mark.parametrize("sig", ["", base64.b64encode(b"x" * 63).decode(),
                                 base64.b64encode(b"x" * 65).decode(), "not base64!"])
def test_wrong_length_or_empty_signature(world: World, tmp_path: Path, sig: str) -> None:
    src = _good_bundle(world, tmp_path)
    env = _envelope(src)
    env["signatures"][0]["sig"] = sig
    _reject(world, _with_envelope(src, tmp_path / "t.zip", env), "")


def test_duplicate_json_keys_in_envelope(world: World, tmp_path: Path) -> None:
    src = _good_bundle(world, tmp_path)
    env = _envelope(src)
    text = json.dumps(env)
    doubled = text[:-1] + ', "payloadType": "x"}'
    _reject(world, rewrite_zip(src, tmp_path / "t.zip",
                               replace={"envelope.json": doubled.encode()}), "duplicate")


def _signed_payload(src: Path, dst: Path, payload: bytes, key: SigningKey) -> Path:
    env = {"payloadType": BUNDLE_TYPE, "payload": base64.b64encode(payload).decode(),
           "signatures": [{"keyid": key.id,
                           "sig": base64.b64encode(key.sign(pae(BUNDLE_TYPE, payload)))
                           .decode()}]}
    return _with_envelope(src, dst, env)


def _manifest(src: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(base64.b64decode(_envelope(src)["payload"]))


@pytest.mark.parametrize(("mutate", "words"), [
    (lambda m: json.dumps(m)[:-1] + ', "sequence": 9}', "duplicate"),
    (lambda m: json.dumps(m | {"extra": 1}), "unknown field"),
    (lambda m: json.dumps(m | {"sequence": float("nan")}), "nan"),
    (lambda m: json.dumps(m | {"format": 99}), "newer"),
])
def test_validly_signed_but_malformed_manifest(world: World, tmp_path: Path, mutate,  # type: ignore[no-untyped-def]
                                               words: str) -> None:
    src = _good_bundle(world, tmp_path)
    payload = mutate(_manifest(src)).encode()
    _reject(world, _signed_payload(src, tmp_path / "t.zip", payload,
                                   world.laptops["aroha"].key), words)


def test_validly_signed_change_to_unassigned_recommendation(world: World,
                                                            tmp_path: Path) -> None:
    ids = world.rec_ids(n=3)
    assign_some(world, "MSD", ids[:1])
    lap = world.laptop("mere", "MSD")
    path = forge_bundle(tmp_path / "x.zip", lap.key, "MSD", [_progress(ids[1], "MSD")])
    _reject(world, path, "not assigned to MSD")


def test_action_linking_an_unassigned_recommendation(world: World, tmp_path: Path) -> None:
    ids = world.rec_ids(n=3)
    assign_some(world, "MSD", ids[:1])
    lap = world.laptop("mere", "MSD")
    change = ChangeLine(str(uuid.uuid4()), "action", str(uuid.uuid4()), "insert",
                        {"agency_code": "MSD", "title": "t", "description": "",
                         "kind": "other", "status": "planned", "is_public": False,
                         "recommendation_ids": [ids[0], ids[2]]}, None)
    _reject(world, forge_bundle(tmp_path / "x.zip", lap.key, "MSD", [change]), "not assigned")


def test_unlisted_member_missing_member_and_bad_hash(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    action = add_action(lap, world.rec_ids())
    evidence = tmp_path / "paper.pdf"
    evidence.write_bytes(b"%PDF-1.4 Cabinet paper")
    from nmrf_desktop.services import entry

    entry.attach_file(lap.record, evidence, agency="MOJ", action_id=action)
    src = lap.export(tmp_path)
    with zipfile.ZipFile(src) as z:
        member = next(n for n in z.namelist() if n.startswith("evidence/"))
    _reject(world, rewrite_zip(src, tmp_path / "a.zip", add={"extra.txt": b"x"}),
            "not listed")
    _reject(world, rewrite_zip(src, tmp_path / "b.zip", drop=(member,)), "missing")
    _reject(world, rewrite_zip(src, tmp_path / "c.zip", replace={member: b"%PDF forged"}),
            "altered")
    _reject(world, rewrite_zip(src, tmp_path / "d.zip", replace={"changes.jsonl": b"{}\n"}),
            "change log")


def test_same_bundle_twice_is_a_noop(world: World, tmp_path: Path) -> None:
    path = _good_bundle(world, tmp_path)
    assert bundle_import.import_bundle(world.central, path).status == bundle_import.MERGED
    before = record_digest(world.central)
    again = bundle_import.import_bundle(world.central, path)
    assert again.status == bundle_import.DUPLICATE
    assert "already merged" in again.reason
    assert record_digest(world.central) == before


def test_same_id_with_other_content(world: World, tmp_path: Path) -> None:
    first = _good_bundle(world, tmp_path)
    bundle_import.import_bundle(world.central, first)
    manifest = _manifest(first)
    lap = world.laptops["aroha"]
    forged = forge_bundle(tmp_path / "f.zip", lap.key, "MOJ",
                          [_progress(world.rec_ids()[0], "MOJ")], sequence=2,
                          bundle_id=manifest["bundle_id"])
    _reject(world, forged, "same id")


def test_old_sequence_number(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids())
    bundle_import.import_bundle(world.central, lap.export(tmp_path))
    add_action(lap, world.rec_ids())
    bundle_import.import_bundle(world.central, lap.export(tmp_path))
    stale = forge_bundle(tmp_path / "s.zip", lap.key, "MOJ",
                         [_progress(world.rec_ids()[0], "MOJ")], sequence=1)
    _reject(world, stale, "old sequence")


def test_gap_is_held_until_the_missing_bundle_arrives(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids(), "first")
    one = lap.export(tmp_path)
    add_action(lap, world.rec_ids(), "second")
    two = lap.export(tmp_path)
    before = record_digest(world.central)
    held = bundle_import.import_bundle(world.central, two)
    assert held.status == bundle_import.HELD
    assert record_digest(world.central) == before
    merged = bundle_import.import_bundle(world.central, one)
    assert merged.status == bundle_import.MERGED
    assert [r.status for r in merged.released] == [bundle_import.MERGED]
    from nmrf_desktop.services.catalog import stats

    assert stats(world.central)["actions"] == 2


def test_fork_two_bundles_claiming_the_same_predecessor(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    add_action(lap, world.rec_ids())
    bundle_import.import_bundle(world.central, lap.export(tmp_path))
    rec = world.rec_ids()[0]
    a = forge_bundle(tmp_path / "a.zip", lap.key, "MOJ", [_progress(rec, "MOJ")], sequence=2)
    b = forge_bundle(tmp_path / "b.zip", lap.key, "MOJ", [_progress(rec, "MOJ")], sequence=2)
    # Neither names the merged bundle 1 as predecessor correctly (a fork of the chain).
    _reject(world, a, "fork")
    _reject(world, b, "fork")


def test_unknown_entity_in_a_signed_change(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    bad = ChangeLine(str(uuid.uuid4()), "progress", str(uuid.uuid4()), "insert", {}, None)
    path = forge_bundle(tmp_path / "x.zip", lap.key, "MOJ", [bad])
    with zipfile.ZipFile(path) as z:
        blob = z.read("changes.jsonl").replace(b'"progress"', b'"assignment"')
    # Re-sign a manifest for the altered change log so only the entity check can catch it.
    manifest = _manifest(path) | {"changes_sha256": hashlib.sha256(blob).hexdigest(),
                                  "changes_size": len(blob)}
    signed = _signed_payload(path, tmp_path / "y.zip", dumps(manifest), lap.key)
    final = rewrite_zip(signed, tmp_path / "z.zip", replace={"changes.jsonl": blob})
    _reject(world, final, "not a change an officer can send")


def test_verify_is_read_only(world: World, tmp_path: Path) -> None:
    path = _good_bundle(world, tmp_path)
    before = record_digest(world.central)
    report = bundle_import.verify_only(world.central, path)
    assert report.status == "valid" and report.changes == 1
    assert record_digest(world.central) == before


def test_key_not_valid_today(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    from nmrf_desktop.store.models import SigningKeyRow

    with world.central.unit_of_work() as session:
        row = session.get(SigningKeyRow, lap.key.id)
        assert row is not None
        row.valid_until = dt.date(2020, 1, 1)
    add_action(lap, world.rec_ids())
    _reject(world, lap.export(tmp_path), "not valid today")
