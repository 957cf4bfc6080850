"""A laptop names its officer as the centre registered its key, so honest bundles pass the
officer check; a bundle naming anyone else is still refused."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path

from nmrf_desktop.bundles.pack_file import write_pack
from nmrf_desktop.services.exchange import bundle_import, keys, packs
from nmrf_desktop.services.record import open_record
from tests.unit.exchange.world import PASS, Laptop, World, add_action, assign_some


def _manifest_officer(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as z:
        envelope = json.loads(z.read("envelope.json"))
    return str(json.loads(base64.b64decode(envelope["payload"]))["officer"])


def test_the_pack_tells_the_laptop_its_registered_name(world: World, tmp_path: Path) -> None:
    """The officer's profile says 'root' (the system user); the coordinator registered the
    key to 'Aroha Ngātā'. After the next pack the bundle names her as registered, merges."""
    rec = open_record(tmp_path / "moj" / "laptop.sqlite3")
    rec.set_setting("officer_name", "root")
    keys.create_key(rec, PASS)
    keys.export_public(rec, tmp_path / "moj.pub")
    keys.register_key(world.central, tmp_path / "moj.pub", officer="Aroha Ngātā",
                      agency="MOJ")
    lap = Laptop(rec, keys.load_key(rec, PASS), "MOJ", "moj")
    ids = world.rec_ids(n=1)
    assign_some(world, "MOJ", ids)
    world.send_pack(lap)
    assert packs.registered_name(rec, lap.key.id) == "Aroha Ngātā"
    add_action(lap, ids)
    bundle = lap.export(tmp_path)
    assert _manifest_officer(bundle) == "Aroha Ngātā"
    result = bundle_import.import_bundle(world.central, bundle)
    assert result.status == bundle_import.MERGED, result.reason
    rec.close()


def test_a_pack_from_before_names_travelled_changes_nothing(world: World,
                                                            tmp_path: Path) -> None:
    """Without the list the laptop keeps what an earlier pack said (or its own name)."""
    lap = world.laptop("tama", "MOJ")
    assert packs.registered_name(lap.record, lap.key.id) == "tama"
    with world.central.reading() as session:
        payload = packs.build_payload(session, "MOJ", 99, 30)
    assert payload["officers"] == [{"key_id": lap.key.id, "officer": "tama"}]
    del payload["officers"]
    old = tmp_path / "old.nmrfpack"
    write_pack(old, payload, world.central_key)
    packs.import_pack(lap.record, old)
    assert packs.registered_name(lap.record, lap.key.id) == "tama"


def test_a_bundle_naming_another_officer_is_still_refused(world: World,
                                                          tmp_path: Path) -> None:
    lap = world.laptop("hemi", "MOJ")
    ids = world.rec_ids(n=1)
    assign_some(world, "MOJ", ids)
    world.send_pack(lap)
    # A laptop whose software was altered: it ignores what the pack said.
    lap.record.set_setting(packs.REGISTERED_NAMES, json.dumps({lap.key.id: "Mallory"}))
    add_action(lap, ids)
    bundle = lap.export(tmp_path)
    assert _manifest_officer(bundle) == "Mallory"
    result = bundle_import.import_bundle(world.central, bundle)
    assert result.status == bundle_import.REJECTED
    assert "'Mallory'" in result.reason and "registered to 'hemi'" in result.reason
