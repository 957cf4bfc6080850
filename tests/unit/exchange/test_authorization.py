"""Signed is not trusted: every reference in a validly signed bundle is authorized and
resolved before anything is stored (issue 19, part B).

Each hostile bundle is signed by a registered officer's own key (aroha, MOJ). It must be
rejected with a reason naming the change and the field, change no table and no file (the
evidence folder included), appear in the inbox with a kind that has a remedy, and leave
backup, pack export and reports working.
"""

from __future__ import annotations

import os
import time
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from nmrf_desktop.bundles.manifest import EvidenceEntry
from nmrf_desktop.faults import pause_at
from nmrf_desktop.services import entry
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.exchange.rejections import Kind
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.blobs import BlobStore

from .authz import (
    action,
    change,
    downstream_works,
    evidence_file,
    file_evidence,
    files,
    inbox,
    progress,
    refused,
    state,
)
from .world import Laptop, World, add_action, assign_some, forge_bundle


@pytest.fixture
def aroha(world: World) -> Laptop:
    return world.laptop("aroha", "MOJ")


@pytest.fixture
def others(world: World, tmp_path: Path) -> dict[str, str]:
    """Another agency (MSD) with its own recommendation, action and evidence file merged."""
    mine = world.rec_ids(n=2)
    with world.central.unit_of_work() as session:  # every UPR row is MOJ's: take one back
        theirs = [r for r in session.execute(text(
            "SELECT id FROM recommendations ORDER BY num LIMIT 3")).scalars()
            if r not in mine][:1]
        session.execute(text("UPDATE assignments SET active = :no WHERE recommendation_id "
                             "= :r AND agency_code = 'MOJ'"), {"no": False, "r": theirs[0]})
    assign_some(world, "MSD", theirs)
    mere = world.laptop("mere", "MSD")
    action_id = add_action(mere, theirs, "Te mahere a MSD")
    paper = tmp_path / "msd-report.pdf"
    paper.write_bytes(b"%PDF-1.7 MSD's own report")
    evidence = entry.attach_file(mere.record, paper, agency="MSD", action_id=action_id)
    merged = bundle_import.import_bundle(world.central, mere.export(tmp_path))
    assert merged.status == bundle_import.MERGED, merged
    assert evidence.sha256 is not None
    return {"rec": theirs[0], "action": action_id, "sha": evidence.sha256,
            "evidence": evidence.id, "size": str(evidence.size)}


@pytest.fixture
def own_action(world: World, aroha: Laptop, tmp_path: Path) -> dict[str, str]:
    """aroha's merged action, answering the first of two MOJ recommendations."""
    recs = world.rec_ids(n=2)
    action_id = add_action(aroha, recs[:1], "Whakamana tangata")
    assert bundle_import.import_bundle(world.central, aroha.export(tmp_path)).status == \
        bundle_import.MERGED
    return {"action": action_id, "linked": recs[0], "unlinked": recs[1]}


def _forge(world: World, lap: Laptop, tmp_path: Path, changes, *, evidence=(),  # type: ignore[no-untyped-def]
           sequence: int | None = None, **kw) -> Path:  # type: ignore[no-untyped-def]
    """A bundle signed by `lap`'s key that follows its merged bundles."""
    with world.central.reading() as session:
        last, prev = session.execute(text(
            "SELECT sequence, manifest_sha256 FROM merged_bundles WHERE key_id = :k "
            "ORDER BY sequence DESC LIMIT 1"), {"k": lap.key.id}).first() or (0, "0" * 64)
    out = tmp_path / f"forged-{uuid.uuid4().hex[:8]}.nmrfbundle"
    kw.setdefault("previous", prev)
    return forge_bundle(out, lap.key, lap.agency, changes, evidence=evidence,
                        sequence=sequence or last + 1, **kw)


# -- evidence ----------------------------------------------------------------------------


def test_evidence_naming_a_file_only_the_central_store_holds(
        world: World, aroha: Laptop, own_action: dict[str, str], others: dict[str, str],
        tmp_path: Path) -> None:
    """MSD's file is in the central evidence store; aroha's bundle names it without
    carrying it. A file merely present centrally is not aroha's to cite."""
    assert BlobStore(world.central.evidence_root).has(others["sha"])
    stolen = file_evidence("MOJ", EvidenceEntry(others["sha"], int(others["size"]),
                                                "application/pdf", "report.pdf"),
                           action_id=own_action["action"])
    refused(world, _forge(world, aroha, tmp_path, [stolen]), Kind.UNRESOLVED,
            "change 1 (evidence insert)", "sha256", "does not carry")


def test_evidence_already_sent_by_the_same_agency_may_be_named_again(
        world: World, aroha: Laptop, own_action: dict[str, str], tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 Cabinet paper")
    first = file_evidence("MOJ", entry_, action_id=own_action["action"])
    merged = bundle_import.import_bundle(
        world.central, _forge(world, aroha, tmp_path, [first], evidence=[(entry_, path)]))
    assert merged.status == bundle_import.MERGED, merged
    again = file_evidence("MOJ", entry_, recommendation_id=own_action["linked"])
    merged = bundle_import.import_bundle(world.central, _forge(world, aroha, tmp_path, [again]))
    assert merged.status == bundle_import.MERGED, merged


@pytest.mark.parametrize("sha", ["../../../../var/x", "/etc/passwd", "A" * 64, None])
def test_evidence_hash_that_is_not_a_hash(world: World, aroha: Laptop,
                                          own_action: dict[str, str], tmp_path: Path,
                                          sha: str | None) -> None:
    bad = change("evidence", {"action_id": own_action["action"], "recommendation_id": None,
                              "agency_code": "MOJ", "sha256": sha, "size": 10,
                              "media_type": "application/pdf", "display_name": "x.pdf",
                              "url": "", "is_public": False})
    # Rejected by the schema (part A) or by authorization: either way the field is named
    # (no hash and no link: the schema names the hash, authorization the missing link).
    result = refused(world, _forge(world, aroha, tmp_path, [bad]), None)
    assert "sha256" in result.reason or (sha is None and "url" in result.reason), result


def test_evidence_url_with_a_file_scheme(world: World, aroha: Laptop,
                                         own_action: dict[str, str], tmp_path: Path) -> None:
    bad = change("evidence", {"action_id": own_action["action"], "recommendation_id": None,
                              "agency_code": "MOJ", "sha256": None, "size": None,
                              "media_type": "text/uri-list", "display_name": "x",
                              "url": "file:///etc/passwd", "is_public": False})
    refused(world, _forge(world, aroha, tmp_path, [bad]), None, "url")


def test_evidence_size_other_than_the_carried_file(world: World, aroha: Laptop,
                                                   own_action: dict[str, str],
                                                   tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 real")
    bad = file_evidence("MOJ", entry_, action_id=own_action["action"], size=entry_.size + 1)
    refused(world, _forge(world, aroha, tmp_path, [bad], evidence=[(entry_, path)]), None,
            "size")


def test_evidence_for_own_action_but_another_agencys_recommendation(
        world: World, aroha: Laptop, own_action: dict[str, str], others: dict[str, str],
        tmp_path: Path) -> None:
    """Both are checked: the action is aroha's, the recommendation is MSD's. The bundle
    carries its file, and the evidence folder is left exactly as it was."""
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 a file that must not be stored")
    bad = file_evidence("MOJ", entry_, action_id=own_action["action"],
                        recommendation_id=others["rec"])
    before = files(world.central)
    refused(world, _forge(world, aroha, tmp_path, [bad], evidence=[(entry_, path)]),
            Kind.UNAUTHORIZED, "recommendation_id", "not assigned to MOJ")
    assert files(world.central) == before
    assert not BlobStore(world.central.evidence_root).has(entry_.sha256)


def test_evidence_recommendation_the_action_does_not_answer(
        world: World, aroha: Laptop, own_action: dict[str, str], tmp_path: Path) -> None:
    bad = change("evidence", {"action_id": own_action["action"],
                              "recommendation_id": own_action["unlinked"],
                              "agency_code": "MOJ", "sha256": None, "size": None,
                              "media_type": "text/uri-list", "display_name": "Pānui",
                              "url": "https://example.org/panui", "is_public": False})
    refused(world, _forge(world, aroha, tmp_path, [bad]), Kind.UNAUTHORIZED,
            "recommendation_id", "does not answer")


def test_evidence_for_another_agencys_action(world: World, aroha: Laptop,
                                             own_action: dict[str, str],
                                             others: dict[str, str], tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 planted")
    bad = file_evidence("MOJ", entry_, action_id=others["action"])
    refused(world, _forge(world, aroha, tmp_path, [bad], evidence=[(entry_, path)]),
            Kind.UNAUTHORIZED, "action_id", "another agency's action")


def test_evidence_for_an_action_nobody_has(world: World, aroha: Laptop,
                                           own_action: dict[str, str], tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 for nothing")
    bad = file_evidence("MOJ", entry_, action_id=str(uuid.uuid4()))
    refused(world, _forge(world, aroha, tmp_path, [bad], evidence=[(entry_, path)]),
            Kind.UNRESOLVED, "action_id", "unknown to the central record")


def test_evidence_reusing_another_agencys_evidence_id(world: World, aroha: Laptop,
                                                      own_action: dict[str, str],
                                                      others: dict[str, str],
                                                      tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 mine")
    bad = file_evidence("MOJ", entry_, action_id=own_action["action"])
    bad = change("evidence", bad.fields, entity_id=others["evidence"])
    refused(world, _forge(world, aroha, tmp_path, [bad], evidence=[(entry_, path)]),
            Kind.UNAUTHORIZED, "entity_id", "another agency's evidence")


# -- actions and progress ----------------------------------------------------------------


def test_update_of_another_agencys_action(world: World, aroha: Laptop,
                                          own_action: dict[str, str], others: dict[str, str],
                                          tmp_path: Path) -> None:
    bad = change("action", {"title": "Taken over"}, op="update", entity_id=others["action"],
                 base=1)
    refused(world, _forge(world, aroha, tmp_path, [bad]), Kind.UNAUTHORIZED,
            "change 1 (action update)", "entity_id", "another agency's action")


def test_action_insert_reusing_another_agencys_action_id(world: World, aroha: Laptop,
                                                         own_action: dict[str, str],
                                                         others: dict[str, str],
                                                         tmp_path: Path) -> None:
    bad = change("action", action("MOJ", [own_action["linked"]]).fields,
                 entity_id=others["action"])
    refused(world, _forge(world, aroha, tmp_path, [bad]), Kind.UNAUTHORIZED, "entity_id")


def test_action_without_a_title(world: World, aroha: Laptop, own_action: dict[str, str],
                                tmp_path: Path) -> None:
    fields = action("MOJ", [own_action["linked"]]).fields
    del fields["title"]
    refused(world, _forge(world, aroha, tmp_path, [change("action", fields)]), None, "title")


@pytest.mark.parametrize(("name", "value"), [("is_public", "yes"), ("title", {"x": 1}),
                                             ("description", ["a"])])
def test_action_field_of_the_wrong_type(world: World, aroha: Laptop,
                                        own_action: dict[str, str], tmp_path: Path,
                                        name: str, value: object) -> None:
    bad = action("MOJ", [own_action["linked"]], **{name: value})
    refused(world, _forge(world, aroha, tmp_path, [bad]), None, name)


def test_progress_for_another_agencys_recommendation(world: World, aroha: Laptop,
                                                     own_action: dict[str, str],
                                                     others: dict[str, str],
                                                     tmp_path: Path) -> None:
    good = progress("MOJ", own_action["linked"])
    bad = progress("MOJ", others["rec"])
    refused(world, _forge(world, aroha, tmp_path, [good, bad]), Kind.UNAUTHORIZED,
            "change 2 (progress insert)", "recommendation_id")


# -- who signed, and against which pack --------------------------------------------------


def test_officer_other_than_the_keys_owner(world: World, aroha: Laptop,
                                           own_action: dict[str, str], tmp_path: Path) -> None:
    path = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                  officer="Hemi Walker")
    refused(world, path, Kind.WRONG_OFFICER, "'Hemi Walker'", "registered to 'aroha'")


def test_officer_name_matches_after_nfc_and_white_space_only(world: World,
                                                             tmp_path: Path) -> None:
    marama = world.laptop("Mārama Ngata", "MOJ")
    rec = world.rec_ids(n=1)
    decomposed = " " + unicodedata.normalize("NFD", "Mārama  Ngata") + "\t"
    path = _forge(world, marama, tmp_path, [progress("MOJ", rec[0])], officer=decomposed)
    assert bundle_import.import_bundle(world.central, path).status == bundle_import.MERGED
    for other in ("mārama ngata", "Marama Ngata"):  # case and macrons are the name
        path = _forge(world, marama, tmp_path, [progress("MOJ", rec[0])], officer=other)
        refused(world, path, Kind.WRONG_OFFICER, "registered to 'Mārama Ngata'")


def test_bundle_made_against_another_central_records_pack(
        world: World, aroha: Laptop, own_action: dict[str, str], tmp_path: Path) -> None:
    version = int(aroha.record.setting("pack_version"))
    path = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                  pack=(str(uuid.uuid4()), version))
    refused(world, path, Kind.UNKNOWN_PACK, "another central record")
    never = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                   pack=(aroha.record.setting("pack_id"), version + 50))
    refused(world, never, Kind.UNKNOWN_PACK, f"pack version {version + 50}", "never issued")
    nothing = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                     pack=("", version))
    refused(world, nothing, Kind.UNKNOWN_PACK, "never issued")


def test_pack_issued_before_pack_ids_were_kept_matches_on_its_version(
        world: World, aroha: Laptop, own_action: dict[str, str], tmp_path: Path) -> None:
    """A pack issued before migration 0011 has no stored id: its version still counts."""
    version = int(aroha.record.setting("pack_version"))
    with world.central.unit_of_work() as session:
        session.execute(text("UPDATE issued_packs SET pack_id = NULL"))
    path = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                  pack=(aroha.record.setting("pack_id"), version))
    assert bundle_import.import_bundle(world.central, path).status == bundle_import.MERGED
    refused(world, _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])],
                          pack=(str(uuid.uuid4()), version + 1)), Kind.UNKNOWN_PACK)


# -- nothing stored before the whole bundle passed ----------------------------------------


def test_schema_rejection_stores_no_evidence(world: World, aroha: Laptop,
                                             own_action: dict[str, str],
                                             tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 carried with a bad value")
    good = file_evidence("MOJ", entry_, action_id=own_action["action"])
    bad = progress("MOJ", own_action["linked"])
    bad = change("progress", bad.fields | {"is_public": "yes"})
    before = files(world.central)
    refused(world, _forge(world, aroha, tmp_path, [good, bad], evidence=[(entry_, path)]),
            None, "is_public")
    assert files(world.central) == before


def test_fork_stores_no_evidence(world: World, aroha: Laptop, own_action: dict[str, str],
                                 tmp_path: Path) -> None:
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 forked")
    ev = file_evidence("MOJ", entry_, action_id=own_action["action"])
    fork = _forge(world, aroha, tmp_path, [ev], evidence=[(entry_, path)], sequence=1)
    refused(world, fork, Kind.OLD_SEQUENCE)
    fork = _forge(world, aroha, tmp_path, [ev], evidence=[(entry_, path)],
                  previous="1" * 64)
    refused(world, fork, Kind.FORK, "fork")


@pytest.fixture
def rival(world: World) -> Iterator[Record]:
    rec = open_record(world.central.engine.url.render_as_string(hide_password=False))
    yield rec
    rec.close()


def test_fork_found_at_commit_removes_the_evidence_it_stored(
        world: World, rival: Record, aroha: Laptop, own_action: dict[str, str],
        tmp_path: Path) -> None:
    """Our bundle passes every check and stores its file; then another importer merges a
    different bundle in its place. Ours is a fork: its file is removed again, and with it
    the folders made for it, so the evidence folder is as the competitor left it."""
    entry_, path = evidence_file(tmp_path, b"%PDF-1.7 stored, then the fork")
    ours = _forge(world, aroha, tmp_path, [file_evidence("MOJ", entry_,
                                                        action_id=own_action["action"])],
                  evidence=[(entry_, path)])
    theirs = _forge(world, aroha, tmp_path, [progress("MOJ", own_action["linked"])])
    before = files(world.central)
    results: list[bundle_import.BundleResult] = []
    seen: list[tuple[object, dict[str, str]]] = []

    def compete() -> None:
        results.append(bundle_import.import_bundle(rival, theirs))
        tables, folder = state(world.central)
        seen.append((tables, folder))

    with pause_at("bundle-import:evidence-stored", compete):
        result = bundle_import.import_bundle(world.central, ours)
    assert results[0].status == bundle_import.MERGED
    assert (result.status, result.kind) == (bundle_import.REJECTED, Kind.FORK), result
    tables, folder = seen[0]
    # While paused, our file was stored; the failed merge took it (and its folders) away.
    assert any(name.endswith(entry_.sha256) for name in folder)
    assert state(world.central) == (tables, before)
    assert not BlobStore(world.central.evidence_root).has(entry_.sha256)
    assert inbox(world.central)[-1][1:3] == (bundle_import.REJECTED, Kind.FORK)
    downstream_works(world)


# -- only a regular file ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_a_folder_is_refused_at_once(world: World, tmp_path: Path) -> None:
    fifo = tmp_path / "bundle.nmrfbundle"
    os.mkfifo(fifo)
    before = state(world.central)
    started = time.monotonic()
    result = bundle_import.import_bundle(world.central, fifo)
    assert time.monotonic() - started < 5
    assert (result.status, result.kind) == (bundle_import.REJECTED, Kind.UNREADABLE)
    assert "named pipe" in result.reason and "bundle.nmrfbundle" in result.reason
    folder = tmp_path / "folder.nmrfbundle"
    folder.mkdir()
    result = bundle_import.import_bundle(world.central, folder)
    assert result.status == bundle_import.REJECTED and "a folder" in result.reason
    checked = bundle_import.verify_only(world.central, fifo)
    assert checked.status == bundle_import.REJECTED and "named pipe" in checked.reason
    assert state(world.central) == before
