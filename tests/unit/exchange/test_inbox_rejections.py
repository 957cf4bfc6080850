"""The inbox's rejected bundles: what counts as rejected, what a refused bundle names, why.

Real records and real bundles: a rejection settled by a later merge is not counted; a
forger's guess of a later bundle is; what a refused bundle names is read safely and
marked unverified; each refusal has its kind.
"""

from __future__ import annotations

import base64
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.services.dashboard import dashboard
from nmrf_desktop.services.exchange import bundle_import, keys, packs
from nmrf_desktop.services.exchange.inbox import SETTLED, InboxRow, inbox_detail, list_inbox
from nmrf_desktop.services.exchange.rejections import (
    AGENCY_CAP,
    NAME_CAP,
    How,
    Kind,
    classify,
    clean_text,
    read_claim,
    rejected_counts,
)
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store import migrate
from nmrf_desktop.store.engine import make_engine
from nmrf_desktop.store.models import InboxEntry

from .world import PASS, Laptop, World, add_action, forge_bundle, rewrite_zip

REJECTED = bundle_import.REJECTED


def unregistered_laptop(world: World, name: str, agency: str) -> tuple[Laptop, Path]:
    """An officer's laptop with its agency's pack, whose key the centre has not registered
    yet: (the laptop, its public key file)."""
    rec = open_record(world.root / name / "laptop.sqlite3")
    rec.set_setting("officer_name", name)
    keys.create_key(rec, PASS)
    pub = world.root / f"{name}.pub"
    keys.export_public(rec, pub)
    lap = Laptop(rec, keys.load_key(rec, PASS), agency, name)
    world.laptops[name] = lap
    out = world.root / f"pack-{name}.nmrfpack"
    packs.export_pack(world.central, agency, out, world.central_key)
    packs.import_pack(rec, out)
    return lap, pub


def _rows(world: World, status: str | None = None) -> list[InboxRow]:
    return list_inbox(world.central, status)


def _only(rows: list[InboxRow], status: str) -> InboxRow:
    [row] = [r for r in rows if r.status == status]
    return row


def _progress(rec_id: str, agency: str) -> ChangeLine:
    return ChangeLine(str(uuid.uuid4()), "progress", str(uuid.uuid4()), "insert",
                      {"recommendation_id": rec_id, "agency_code": agency,
                       "status": "implemented", "narrative": "done", "as_of": "2025-01-01",
                       "is_public": False}, None)


def _envelope(path: Path) -> dict:  # type: ignore[type-arg]
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("envelope.json"))


def test_an_unknown_key_then_registered_is_rejected_then_merged(world: World,
                                                                tmp_path: Path) -> None:
    tui, pub = unregistered_laptop(world, "Tūī Ngata", "MOJ")
    add_action(tui, world.rec_ids(), "Hui with whānau in Ōtautahi")
    bundle = tui.export(tmp_path)

    refused = bundle_import.import_bundle(world.central, bundle)
    assert refused.status == REJECTED and refused.kind == Kind.UNKNOWN_KEY
    row = _only(_rows(world), REJECTED)
    # What the refused bundle names, for display, marked unverified.
    assert (row.agency, row.officer, row.sequence) == ("MOJ", "Tūī Ngata", 1)
    assert not row.verified and row.kind == Kind.UNKNOWN_KEY and row.needs_action
    detail = inbox_detail(world.central, row.id)
    assert detail is not None and detail.key_id == tui.key.id and detail.key_owner == ""
    data = dashboard(world.central)
    assert (data.rejected, data.rejected_settled) == (1, 0)

    # The coordinator registers the officer's key and imports the same file again.
    keys.register_key(world.central, pub, officer="Tūī Ngata", agency="MOJ")
    assert bundle_import.import_bundle(world.central, bundle).status == bundle_import.MERGED

    rows = _rows(world)
    first = _only(rows, REJECTED)
    assert first.shown_status == SETTLED and not first.needs_action
    assert first.settled is not None and first.settled.how == How.SAME_FILE
    assert (first.settled.agency, first.settled.sequence) == ("MOJ", 1)
    data = dashboard(world.central)
    assert (data.rejected, data.rejected_settled) == (0, 1)
    assert data.as_json()["bundles"] == {"held": 0, "rejected": 0, "rejected_then_merged": 1}
    assert _rows(world, REJECTED) == []
    assert [r.id for r in _rows(world, SETTLED)] == [first.id]


def test_a_damaged_copy_is_settled_when_the_good_copy_merges(world: World,
                                                             tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids())
    good = aroha.export(tmp_path)
    damaged = rewrite_zip(good, tmp_path / "damaged.nmrfbundle",
                          replace={"changes.jsonl": b"{}\n"})
    refused = bundle_import.import_bundle(world.central, damaged)
    assert refused.status == REJECTED and refused.kind == Kind.ALTERED
    assert rejected_counts_of(world) == (1, 0)
    assert bundle_import.import_bundle(world.central, good).status == bundle_import.MERGED
    row = _only(_rows(world), REJECTED)
    assert row.settled is not None and row.settled.how == How.SAME_BUNDLE
    assert rejected_counts_of(world) == (0, 1)


def rejected_counts_of(world: World) -> tuple[int, int]:
    with world.central.reading() as session:
        counts = rejected_counts(session)
    return counts.outstanding, counts.settled


def test_a_forgers_guess_at_the_next_sequence_stays_rejected(world: World,
                                                             tmp_path: Path) -> None:
    """A forged file naming a real key and its next sequence is not settled when the
    real bundle with that sequence merges: its claim was never verified."""
    aroha = world.laptop("aroha", "MOJ")
    forged = forge_bundle(tmp_path / "forged.nmrfbundle", SigningKey.generate(), "MOJ",
                          [_progress(world.rec_ids()[0], "MOJ")], sequence=1)
    env = _envelope(forged)
    env["signatures"][0]["keyid"] = aroha.key.id  # names Aroha's key; cannot sign for it
    payload = json.loads(base64.b64decode(env["payload"]))
    payload["key_id"] = aroha.key.id
    env["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    forged = rewrite_zip(forged, tmp_path / "forged2.nmrfbundle",
                         replace={"envelope.json": json.dumps(env).encode()})
    refused = bundle_import.import_bundle(world.central, forged)
    assert refused.status == REJECTED and refused.kind == Kind.ALTERED
    add_action(aroha, world.rec_ids())
    assert bundle_import.import_bundle(world.central, aroha.export(tmp_path)).status == \
        bundle_import.MERGED
    row = _only(_rows(world), REJECTED)
    assert (row.sequence, row.verified, row.settled) == (1, False, None)
    assert dashboard(world.central).rejected == 1


def test_a_verified_refusal_is_settled_by_the_same_key_and_sequence(world: World,
                                                                    tmp_path: Path) -> None:
    """Refused after its signature checked out (a change for another agency), then the
    officer's bundle with that key and sequence merges: settled."""
    aroha = world.laptop("aroha", "MOJ")
    bad = forge_bundle(tmp_path / "bad.nmrfbundle", aroha.key, "MOJ",
                       [_progress(world.rec_ids()[0], "MFAT")], sequence=1)
    refused = bundle_import.import_bundle(world.central, bad)
    assert refused.status == REJECTED and refused.kind == Kind.UNAUTHORIZED
    row = _only(_rows(world), REJECTED)
    assert row.verified and (row.agency, row.officer) == ("MOJ", "aroha")
    add_action(aroha, world.rec_ids())
    assert bundle_import.import_bundle(world.central, aroha.export(tmp_path)).status == \
        bundle_import.MERGED
    row = _only(_rows(world), REJECTED)
    assert row.settled is not None and row.settled.how == How.SAME_SEQUENCE
    assert dashboard(world.central).rejected == 0


def test_a_fork_stays_rejected_when_the_other_bundle_merges(world: World,
                                                           tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids(), "first")
    one = aroha.export(tmp_path)
    add_action(aroha, world.rec_ids(), "second")
    two = aroha.export(tmp_path)
    assert bundle_import.import_bundle(world.central, two).status == bundle_import.HELD
    rival = forge_bundle(tmp_path / "rival.nmrfbundle", aroha.key, "MOJ",
                         [_progress(world.rec_ids()[0], "MOJ")], sequence=2)
    refused = bundle_import.import_bundle(world.central, rival)
    assert refused.status == REJECTED and refused.kind == Kind.FORK
    held = _only(_rows(world), bundle_import.HELD)
    assert held.kind == Kind.GAP and held.waiting_for == 1
    merged = bundle_import.import_bundle(world.central, one)
    assert [r.status for r in merged.released] == [bundle_import.MERGED]  # bundle 2, later
    fork = _only(_rows(world), REJECTED)
    assert fork.settled is None and fork.needs_action
    assert dashboard(world.central).rejected == 1


def test_the_same_file_rejected_twice_counts_once(world: World, tmp_path: Path) -> None:
    forged = forge_bundle(tmp_path / "x.nmrfbundle", SigningKey.generate(), "MOJ", [])
    for _ in range(2):
        assert bundle_import.import_bundle(world.central, forged).status == REJECTED
    assert len(_rows(world, REJECTED)) == 2
    assert dashboard(world.central).rejected == 1


def test_each_refusal_has_its_kind(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    rec = world.rec_ids()[0]
    add_action(aroha, world.rec_ids())
    good = aroha.export(tmp_path)
    assert bundle_import.import_bundle(world.central, good).status == bundle_import.MERGED
    keys.revoke_key(world.central, hemi.key.id)
    add_action(hemi, world.rec_ids())
    pack = tmp_path / "moj.nmrfpack"
    packs.export_pack(world.central, "MOJ", pack, world.central_key)
    env = _envelope(good)
    payload = json.loads(base64.b64decode(env["payload"]))
    cases = {
        Kind.REVOKED_KEY: hemi.export(tmp_path),
        Kind.WRONG_AGENCY: forge_bundle(tmp_path / "w.zip", aroha.key, "MFAT",
                                        [_progress(rec, "MFAT")], sequence=2),
        Kind.NOT_A_BUNDLE: pack,
        Kind.BAD_ARCHIVE: rewrite_zip(good, tmp_path / "a.zip", add={"../x": b"x"}),
        Kind.OLD_SEQUENCE: forge_bundle(tmp_path / "o.zip", aroha.key, "MOJ",
                                        [_progress(rec, "MOJ")], sequence=1),
        Kind.SAME_ID: forge_bundle(tmp_path / "s.zip", aroha.key, "MOJ",
                                   [_progress(rec, "MOJ")], sequence=2,
                                   bundle_id=payload["bundle_id"]),
        Kind.MALFORMED: rewrite_zip(good, tmp_path / "m.zip",
                                    replace={"envelope.json": b"[1, 2"}),
    }
    for kind, path in cases.items():
        result = bundle_import.import_bundle(world.central, path)
        assert (result.status, result.kind) == (REJECTED, kind), (kind, result.reason)
    shown = {r.file: r for r in _rows(world, REJECTED)}
    assert {shown[p.name].kind for p in cases.values()} == set(cases)
    # The revoked key's bundle names its officer, unverified; the registry knows the key.
    revoked = shown[cases[Kind.REVOKED_KEY].name]
    assert (revoked.agency, revoked.officer, revoked.verified) == ("MOJ", "hemi", False)
    detail = inbox_detail(world.central, revoked.id)
    assert detail is not None and detail.key_status == "revoked"
    # An archive that fails its structural checks is not read at all.
    unsafe = shown[cases[Kind.BAD_ARCHIVE].name]
    assert (unsafe.agency, unsafe.officer, unsafe.bundle_id, unsafe.sequence) == \
        ("", "", "", None)


def test_a_refused_bundle_is_read_only_as_capped_clean_text(tmp_path: Path) -> None:
    stranger = SigningKey.generate()
    forged = forge_bundle(tmp_path / "x.nmrfbundle", stranger, "MOJ", [], sequence=3)
    env = _envelope(forged)
    payload = json.loads(base64.b64decode(env["payload"]))
    payload |= {"agency": "MOJ\u202e" + "X" * 500, "officer": "Aroha\nNgata\u200b " + "ā" * 900,
                "device": ["not", "text"], "bundle_id": "not a uuid", "sequence": True}
    env["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    path = rewrite_zip(forged, tmp_path / "y.nmrfbundle",
                       replace={"envelope.json": json.dumps(env).encode()})
    claim = read_claim(path)
    assert claim.agency == ("MOJ" + "X" * 500)[:AGENCY_CAP]
    assert claim.officer.startswith("Aroha Ngata ā") and len(claim.officer) == NAME_CAP
    assert (claim.device, claim.bundle_id, claim.sequence) == ("", "", None)
    assert claim.key_id == stranger.id
    assert clean_text("Te\u00a0Puni\tKōkiri\u2028", 40) == "Te Puni Kōkiri"


@pytest.mark.parametrize("envelope", [
    b"[" * 100_000 + b"]" * 100_000,  # nesting deeper than the parser goes
    json.dumps({"payload": "%%% not base64", "signatures": []}).encode(),
    json.dumps({"payload": base64.b64encode(b"[1]").decode(), "signatures": "x"}).encode(),
    b'{"payload": 1, "payload": 2}',  # duplicate keys
    b"\xff\xfe not utf-8",
])
def test_a_hostile_envelope_names_nothing_and_raises_nothing(tmp_path: Path,
                                                             envelope: bytes) -> None:
    path = tmp_path / "hostile.nmrfbundle"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("envelope.json", envelope)
        z.writestr("changes.jsonl", b"")
    claim = read_claim(path)
    assert (claim.agency, claim.officer, claim.bundle_id, claim.sequence) == ("", "", "",
                                                                              None)


def test_not_a_zip_or_a_missing_file_names_nothing(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.nmrfbundle"
    text_file.write_text('{"agency": "MOJ"}')
    assert read_claim(text_file).agency == ""
    assert read_claim(tmp_path / "gone.nmrfbundle").agency == ""


def test_the_import_messages_map_to_their_kinds() -> None:
    assert classify("signed by unknown or revoked key 1cab…") == Kind.UNKNOWN_KEY
    assert classify("signed by a revoked key (hemi, MOJ); ask …") == Kind.REVOKED_KEY
    assert classify("held: bundle 3 from this officer has not arrived yet") == Kind.GAP
    assert classify("change 2: recommendation r1 is not assigned to MSD") == Kind.UNAUTHORIZED
    assert classify("unsafe archive: cannot be read (Permission denied)") == Kind.UNREADABLE
    assert classify("something nobody expected") == Kind.OTHER


def test_rows_from_before_the_kind_column_get_their_kind_from_the_reason(
        tmp_path: Path) -> None:
    """A record at 0009 with a rejected row upgrades; the row's kind comes from its words.

    (SQLite on every engine run: it builds an old file; tests/pg builds PostgreSQL to head.)
    """
    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    migrate.upgrade(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO bundle_inbox (id, file_sha256, file_name, bundle_id, key_id, "
            "agency_code, officer, sequence, status, reason, manifest, change_count, "
            "received_at) VALUES ('e1', :sha, 'old.nmrfbundle', '', '', '', '', NULL, "
            "'rejected', 'signed by unknown or revoked key 1cab2e…', '{}', 0, "
            "'2026-01-01 00:00:00')"), {"sha": "ab" * 32})
    migrate.upgrade(engine)
    record = Record(engine)
    try:
        with record.reading() as session:
            entry = session.execute(select(InboxEntry)).scalar_one()
            assert (entry.reason_kind, entry.identity_verified) == ("", True)
        [row] = list_inbox(record)
        assert (row.kind, row.needs_action) == (Kind.UNKNOWN_KEY, True)
        assert dashboard(record).rejected == 1
    finally:
        record.close()
