"""Schemas for every incoming document: validly signed but malformed bundles and packs are
refused with the field named, the record unchanged, and no traceback."""

from __future__ import annotations

import dataclasses
import json
import re
import time
import uuid
import zipfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from nmrf_desktop.bundles import schemas
from nmrf_desktop.bundles.envelope import PACK_TYPE, sign
from nmrf_desktop.bundles.manifest import ChangeLine
from nmrf_desktop.bundles.pack_file import PackRejected, write_pack
from nmrf_desktop.bundles.strict_json import BadDocument, check_depth, loads
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import (
    ActionKind,
    ActionStatus,
    AssignmentRole,
    ImplementationStatus,
    Mechanism,
    Position,
    Source,
)
from nmrf_desktop.services import entry
from nmrf_desktop.services.exchange import bundle_import, packs
from nmrf_desktop.store.models import Action, Agency, Evidence, Recommendation

from . import signed
from .world import World, add_action

DEEP = b"[" * 10_000 + b"]" * 10_000
Case = Callable[[World, Path], Path]


# -- the schema files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", schemas.NAMES)
def test_each_schema_is_valid_draft_2020_12_and_documents_itself(name: str) -> None:
    doc = schemas.schema(name)
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"] == f"{schemas.BASE}{name}.schema.json"
    assert doc["title"] and len(doc["description"]) > 80
    for def_name, definition in doc.get("$defs", {}).items():
        assert definition.get("title") or definition.get("description"), def_name
    schemas.validator(name)  # every reference resolves


def _enum_at(name: str, *path: str) -> list[Any]:
    node: Any = schemas.schema(name)
    for part in path:
        node = node[part]
    return list(node["enum"])


@pytest.mark.parametrize(("enum", "where"), [
    (ActionKind, ("change", "$defs", "action-kind")),
    (ActionStatus, ("change", "$defs", "action-status")),
    (ImplementationStatus, ("change", "$defs", "progress-insert", "properties", "status")),
    (Mechanism, ("pack", "$defs", "recommendation", "properties", "mechanism")),
    (Source, ("pack", "$defs", "recommendation", "properties", "source")),
    (AssignmentRole, ("pack", "$defs", "assignment", "properties", "role")),
])
def test_the_schemas_enumerations_are_the_domains(enum: type[StrEnum],
                                                  where: tuple[str, ...]) -> None:
    assert _enum_at(*where) == [e.value for e in enum]


def test_positions_are_the_domains_or_null() -> None:
    listed = _enum_at("pack", "$defs", "recommendation", "properties", "position")
    assert listed == [p.value for p in Position] + [None]


def test_string_lengths_match_the_database_columns() -> None:
    def column(model: Any, name: str) -> int:
        return int(model.__table__.c[name].type.length)

    common = schemas.schema("common")["$defs"]
    change = schemas.schema("change")["$defs"]
    rec = schemas.schema("pack")["$defs"]["recommendation"]["properties"]
    assert change["title"]["maxLength"] == column(Action, "title")
    assert common["file-name"]["maxLength"] == column(Evidence, "display_name")
    assert common["media-type"]["maxLength"] == column(Evidence, "media_type")
    assert common["web-url"]["maxLength"] == column(Evidence, "url")
    assert common["agency-code"]["maxLength"] == column(Agency, "code")
    for name in ("reference", "source_id", "country", "paragraph", "document_symbol", "body"):
        assert rec[name]["maxLength"] == column(Recommendation, name), name


# -- parsing before the schema ------------------------------------------------------------


@pytest.mark.parametrize(("data", "words"), [
    (DEEP, "nested more than 32 levels deep (line 1)"),
    (b'{"a":\n' + b"[" * 40 + b"]" * 40 + b"}", "(line 2)"),
    (b'{"size": 1e400}', "number is out of range"),
    (b'{"size": -1e400}', "number is out of range"),
    (b'{"size": ' + b"9" * 5000 + b"}", "5000 digits is out of range"),
    (b'{"size": 1.' + b"5" * 200 + b"}", "out of range"),
    (b'{"a": NaN}', "NaN is not allowed"),
    (b'{"a": Infinity}', "Infinity is not allowed"),
    (b'{"a": 1, "a": 2}', "duplicate JSON key 'a'"),
    (b'{"a": "x\\u0000y"}', "field a: holds a NUL character"),
    (b'{"a": ["\\udc00"]}', "a 1: holds an unpaired surrogate"),
    (b'\xff{}', "is not valid JSON"),
])
def test_hostile_json_is_a_bad_document_never_a_traceback(data: bytes, words: str) -> None:
    with pytest.raises(BadDocument, match=re.escape(words)) as caught:
        loads(data, "manifest")
    assert str(caught.value).startswith("manifest")


def test_brackets_inside_text_do_not_count_as_nesting() -> None:
    text = json.dumps({"t": "[" * 1000 + "{" * 1000, "u": "\\\"[[[["}).encode()
    check_depth(text, "x")
    assert loads(text, "x")["t"].startswith("[[[")


def test_astral_and_macron_text_passes_untouched() -> None:
    raw = '{"t": "Tūī 🦜 \\ud83e\\udd9c Ngātā"}'.encode()
    assert loads(raw, "x")["t"] == "Tūī 🦜 🦜 Ngātā"


def test_a_wide_document_is_measured_quickly() -> None:
    wide = b"[" + b",".join([b"[[1],[2]]"] * 200_000) + b"]"
    start = time.perf_counter()
    check_depth(wide, "pack")
    assert time.perf_counter() - start < 2.0


# -- validly signed hostile bundles -------------------------------------------------------


def _key(world: World) -> Any:
    return (world.laptops.get("aroha") or world.laptop("aroha", "MOJ")).key


def _rec(world: World) -> str:
    return world.rec_ids()[0]


def _changes(*make: Callable[[World], ChangeLine]) -> Case:
    def case(world: World, out: Path) -> Path:
        return signed.bundle_of_changes(out, _key(world), "MOJ", [m(world) for m in make])
    return case


def _raw_line(make: Callable[[World], ChangeLine], old: bytes, new: bytes) -> Case:
    def case(world: World, out: Path) -> Path:
        line = make(world).to_json()
        assert old in line
        return signed.bundle_of_lines(out, _key(world), "MOJ", [line.replace(old, new)])
    return case


def _manifest(**overrides: Any) -> Case:
    def case(world: World, out: Path) -> Path:
        blob = signed.progress(_rec(world)).to_json() + b"\n"
        data = json.loads(signed.manifest_for(_key(world), "MOJ", blob).to_bytes())
        payload = json.dumps(data | overrides).encode()
        return signed.bundle_with_manifest(out, _key(world), payload, blob)
    return case


def _deep_manifest(world: World, out: Path) -> Path:
    blob = b""
    data = json.loads(signed.manifest_for(_key(world), "MOJ", blob).to_bytes())
    text = json.dumps(data | {"device": "@@"}).encode().replace(b'"@@"', DEEP)
    return signed.bundle_with_manifest(out, _key(world), text, blob)


def _deep_line(world: World, out: Path) -> Path:
    _key(world)
    return signed.bundle_of_lines(out, _key(world), "MOJ", [DEEP])


def _deep_envelope(world: World, out: Path) -> Path:
    _key(world)
    return signed.bundle_with_envelope(out, DEEP)


def _update(world: World, **values: Any) -> ChangeLine:
    return ChangeLine(**({"change_id": "8f9d2a4e-5b6c-4d7e-8f90-1a2b3c4d5e6f",
                          "entity": "action", "entity_id": "0d1e2f30-4a5b-4c6d-8e9f-a0b1c2d3e4f5",
                          "op": "update", "fields": {"status": "in_progress"},
                          "base_version": 1} | values))


BUNDLE_CASES: dict[str, tuple[Case, str]] = {
    "is_public as text": (_changes(lambda w: signed.progress(_rec(w), is_public="yes")),
                          "change on line 1: field fields.is_public: must be true or false"),
    "an object where text belongs": (
        _changes(lambda w: signed.progress(_rec(w), narrative={"text": "x"})),
        "field fields.narrative: must be text"),
    "an identifier as an object": (
        _changes(lambda w: dataclasses.replace(signed.progress(_rec(w)),
                                               entity_id={"$ne": None})),  # type: ignore[arg-type]
        "change on line 1: field entity_id: must be a UUID"),
    "a duplicate key": (
        _raw_line(lambda w: signed.progress(_rec(w)), b'"entity":"progress"',
                  b'"entity":"progress","entity":"action"'),
        "duplicate JSON key 'entity'"),
    "an agency code ending in a newline": (
        _changes(lambda w: signed.progress(_rec(w), agency_code="MOJ\n")),
        "field fields.agency_code: must be an agency code"),
    "a recommendation id as an object": (
        _changes(lambda w: signed.progress(_rec(w), recommendation_id={"id": _rec(w)})),
        "field fields.recommendation_id: must be a UUID"),
    "base_version of 2^63": (_changes(lambda w: _update(w, base_version=2 ** 63)),
                             "field base_version: must be a whole number from 1 to"),
    "base_version on an insert": (
        _changes(lambda w: dataclasses.replace(signed.progress(_rec(w)), base_version=3)),
        "field base_version: must be null (an insert has no base version)"),
    "sequence of 2^63": (_manifest(sequence=2 ** 63),
                         "manifest: field sequence: must be a whole number from 1 to"),
    "an action without a title": (
        _changes(lambda w: signed.action(w.rec_ids(), title="")),
        "field fields.title: must be a title of 1 to 300 characters"),
    "an action with a blank title": (
        _changes(lambda w: signed.action(w.rec_ids(), title=" \t ")), "field fields.title"),
    "an action missing its title": (
        _raw_line(lambda w: signed.action(w.rec_ids()),
                  b',"title":"W\xc4\x81nanga on the Optional Protocol"', b""),
        "field fields.title: is missing"),
    "an action answering nothing": (
        _changes(lambda w: signed.action([])), "field fields.recommendation_ids"),
    "an evidence size of 1e400": (
        _raw_line(lambda w: signed.evidence(_rec(w), url="", sha256="a" * 64, size=7),
                  b'"size":7', b'"size":1e400'),
        "field fields.size: must be a size in bytes, or null (got a number out of range)"),
    "a hash that is a relative path": (
        _changes(lambda w: signed.evidence(_rec(w), url="", sha256="../../../../var/x",
                                           size=1)),
        "field fields.sha256: must be a SHA-256 in lower-case hex"),
    "a hash that is an absolute path": (
        _changes(lambda w: signed.evidence(_rec(w), url="", sha256="/etc/passwd", size=1)),
        "field fields.sha256"),
    "a hash in upper case": (
        _changes(lambda w: signed.evidence(_rec(w), url="", sha256="A" * 64, size=1)),
        "field fields.sha256"),
    "a file: url": (_changes(lambda w: signed.evidence(_rec(w), url="file:///etc/passwd")),
                    "field fields.url: must be a web link"),
    "a javascript: url": (
        _changes(lambda w: signed.evidence(_rec(w), url="javascript:alert(1)")),
        "field fields.url"),
    "a url without a host": (_changes(lambda w: signed.evidence(_rec(w), url="https:///x")),
                             "field fields.url"),
    "both a file and a link": (
        _changes(lambda w: signed.evidence(_rec(w), sha256="b" * 64, size=3)),
        "must be null for a link (evidence is a file or a link, not both)"),
    "evidence of nothing": (_changes(lambda w: signed.evidence(None)),  # type: ignore[arg-type]
                            "field fields.recommendation_id: must name a recommendation"),
    "a display name over 300 characters": (
        _changes(lambda w: signed.evidence(_rec(w), display_name="ā" * 301)),
        "field fields.display_name: is longer than 300 characters"),
    "an unknown field": (_changes(lambda w: signed.progress(_rec(w), officer_id="x")),
                         "field fields: has unknown field(s) officer_id"),
    "a progress update": (_changes(lambda w: _update(w, entity="progress")),
                          "field op: is not a change an officer can send"),
    "an impossible date": (_changes(lambda w: signed.progress(_rec(w), as_of="2025-02-30")),
                           "field fields.as_of: must be a date written YYYY-MM-DD"),
    "an unknown status": (_changes(lambda w: signed.progress(_rec(w), status="done!")),
                          "field fields.status: must be one of"),
    "a NUL in a narrative": (
        _raw_line(lambda w: signed.progress(_rec(w)), b"Kua", b"K\\u0000ua"),
        "field fields.narrative: holds a NUL character"),
    "nesting 10,000 deep in a change line": (_deep_line,
                                             "change on line 1: nested more than 32"),
    "nesting 10,000 deep in the manifest": (_deep_manifest, "manifest: nested more than 32"),
    "nesting 10,000 deep in the envelope": (_deep_envelope, "envelope: nested more than 32"),
    "the manifest's agency as an object": (_manifest(agency={"code": "MOJ"}),
                                           "manifest: field agency: must be an agency code"),
    "a manifest hash that is a path": (
        _manifest(evidence=[{"sha256": "../x", "size": 1, "media_type": "text/plain",
                             "display_name": "x"}]),
        "manifest: evidence entry 1, field sha256"),
    "a manifest evidence size of 2^63": (
        _manifest(evidence=[{"sha256": "c" * 64, "size": 2 ** 63, "media_type": "text/plain",
                             "display_name": "x"}]),
        "manifest: evidence entry 1, field size: must be a whole number from 0 to"),
}


@pytest.mark.parametrize("name", sorted(BUNDLE_CASES))
def test_a_validly_signed_malformed_bundle_is_refused_naming_the_field(
        world: World, tmp_path: Path, name: str) -> None:
    make, words = BUNDLE_CASES[name]
    hostile = make(world, tmp_path / "hostile.nmrfbundle")
    before = signed.state(world.central)
    result = bundle_import.import_bundle(world.central, hostile)  # never raises
    assert result.status == bundle_import.REJECTED, (name, result)
    assert words in result.reason, (name, result.reason)
    assert signed.changed(before, signed.state(world.central)) == []
    assert bundle_import.verify_only(world.central, hostile).status == bundle_import.REJECTED
    signed.downstream_still_works(world, tmp_path / "after")


def test_the_same_bundle_well_formed_still_merges(world: World, tmp_path: Path) -> None:
    rec = _rec(world)
    lap = world.laptops.get("aroha") or world.laptop("aroha", "MOJ")
    # Named and packed as the laptop would: the officer the key is registered to, the
    # pack this record issued (the semantic checks are part of "well formed" here).
    good = signed.bundle_of_changes(
        tmp_path / "good.nmrfbundle", _key(world), "MOJ",
        [signed.progress(rec), signed.action([rec]), signed.evidence(rec)],
        officer=lap.name, pack_id=lap.record.setting(packs.PACK_ID),
        pack_version=int(lap.record.setting(packs.PACK_VERSION)))
    result = bundle_import.import_bundle(world.central, good)
    assert result.status == bundle_import.MERGED, result.reason


def test_what_the_app_writes_passes_its_schemas(world: World, tmp_path: Path) -> None:
    """A real laptop's bundle with every kind of change, evidence file and link included."""
    lap = world.laptop("aroha", "MOJ")
    ids = world.rec_ids(n=2)
    made = add_action(lap, ids, "Whakamana tangata: review")
    current = entry.actions_for(lap.record, ids[0])[0]
    entry.update_action(lap.record, made, ActionDraft(
        title="Whakamana tangata: arotake", agency="MOJ", recommendation_ids=(ids[0],)),
        current.version)
    paper = tmp_path / "Pūrongo ā-tau.pdf"
    paper.write_bytes(b"%PDF-1.7 annual report")
    entry.attach_file(lap.record, paper, agency="MOJ", action_id=made)
    entry.attach_url(lap.record, "https://www.tearawhiti.govt.nz/", agency="MOJ",
                     recommendation_id=ids[1], title="Te Arawhiti")
    entry.add_progress(lap.record, ProgressDraft(ids[0], "MOJ", ImplementationStatus.ONGOING,
                                                 "Kei te haere tonu"))
    entry.cancel_action(lap.record, made, entry.actions_for(lap.record, ids[0])[0].version)
    result = bundle_import.import_bundle(world.central, lap.export(tmp_path))
    assert result.status == bundle_import.MERGED, result.reason
    assert result.changes == 6


# -- validly signed hostile packs ---------------------------------------------------------


def _pack_with(world: World, tmp_path: Path, mutate: Callable[[dict[str, Any]], None]) -> Path:
    fresh = tmp_path / "fresh.nmrfpack"
    packs.export_pack(world.central, "MOJ", fresh, world.central_key)
    payload = signed.pack_payload(fresh)
    mutate(payload)
    out = tmp_path / "hostile.nmrfpack"
    write_pack(out, payload, world.central_key)
    return out


def _drop(kind: str, key: str) -> Callable[[dict[str, Any]], None]:
    return lambda p: p[kind][0].pop(key)


def _set(kind: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda p: p[kind][0].update({key: value})


def _pack_setup(world: World, tmp_path: Path) -> Any:
    lap = world.laptop("aroha", "MOJ")
    rec = world.rec_ids()[0]
    add_action(lap, [rec], "Mahere mahi")
    assert bundle_import.import_bundle(world.central, lap.export(tmp_path)).status == "merged"
    with world.central.unit_of_work() as session:  # an evidence link for the pack
        session.add(Evidence(agency_code="MOJ", recommendation_id=rec, url="https://x.nz/",
                             media_type="text/uri-list", display_name="x"))
    return lap


SIZE = 987_654_321_987  # written, then replaced in the signed bytes by 1e400
PACK_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a recommendation without source": (_drop("recommendations", "source"),
                                        "pack: recommendation 1, field source: is missing"),
    "a recommendation id as an object": (_set("recommendations", "id", {"a": 1}),
                                         "recommendation 1, field id: must be a UUID"),
    "a year of 2^63": (_set("recommendations", "year", 2 ** 63),
                       "recommendation 1, field year: must be a whole number"),
    "an unknown mechanism": (_set("recommendations", "mechanism", "ufo"),
                             "recommendation 1, field mechanism: must be one of"),
    "an action kind out of the enumeration": (_set("actions", "kind", "war"),
                                              "action 1, field kind: must be one of"),
    "an action title over 300 characters": (_set("actions", "title", "x" * 301),
                                            "action 1, field title: is longer than 300"),
    "an evidence hash that is a path": (
        lambda p: p["evidence"][0].update(sha256="../../x", size=1, url=""),
        "evidence entry 1, field sha256"),
    "an evidence size of 1e400": (
        lambda p: p["evidence"][0].update(sha256="d" * 64, size=SIZE, url=""),
        "evidence entry 1, field size: must be a size in bytes, or null (got a number out "
        "of range)"),
    "an evidence url with file:": (_set("evidence", "url", "file:///etc/shadow"),
                                   "evidence entry 1, field url: must be a web link"),
    "is_public as text": (_set("evidence", "is_public", "yes"),
                          "evidence entry 1, field is_public: must be true or false"),
    "an assignment role out of the enumeration": (_set("assignments", "role", "boss"),
                                                  "assignment 1, field role"),
    "an acknowledged sequence of 0": (
        lambda p: p["acknowledged"][0].update(sequence=0),
        "acknowledged bundle 1, field sequence: must be a whole number from 1 to"),
    "an agency with a fourth item": (lambda p: p["agencies"][0].append("x"),
                                     "agency 1: has more items than allowed"),
    "a decision on one recommendation twice": (
        lambda p: p.__setitem__("overlap_decisions", [
            {"a": p["recommendations"][0]["id"], "b": p["recommendations"][0]["id"],
             "decision": "confirm", "by": "Hemi", "at": "2026-01-01T00:00:00"}]),
        "overlap decision 1: a decision needs two different recommendations"),
    "an expiry that is not a time": (lambda p: p.update(expires_at="soon"),
                                     "pack: field expires_at: must be a time"),
    "an unknown top-level field": (lambda p: p.update(extra=[]),
                                   "pack: the document: has unknown field(s) extra"),
}


@pytest.mark.parametrize("name", sorted(PACK_CASES))
def test_a_centrally_signed_malformed_pack_is_refused_naming_record_and_field(
        world: World, tmp_path: Path, name: str) -> None:
    lap = _pack_setup(world, tmp_path)
    mutate, words = PACK_CASES[name]
    hostile = _pack_with(world, tmp_path, mutate)
    if name == "an evidence size of 1e400":  # no JSON writer makes it: put it in the bytes
        _replace_payload(hostile, world, b'"size":%d' % SIZE, b'"size":1e400')
    before = signed.state(lap.record)
    with pytest.raises(PackRejected) as caught:
        packs.import_pack(lap.record, hostile)
    assert words in str(caught.value), str(caught.value)
    assert signed.changed(before, signed.state(lap.record)) == []
    signed.downstream_still_works(world, tmp_path / "after")


def _replace_payload(pack: Path, world: World, old: bytes, new: bytes) -> None:
    payload = json.dumps(signed.pack_payload(pack), ensure_ascii=False,
                         separators=(",", ":")).encode()
    assert old in payload
    payload = payload.replace(old, new)
    _write_raw_pack(pack, world, sign(PACK_TYPE, payload, world.central_key))


def _write_raw_pack(pack: Path, world: World, envelope: bytes) -> None:
    with zipfile.ZipFile(pack, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("envelope.json", envelope)
        zf.writestr("signer.pub", world.central_key.public.to_pem())


def test_a_pack_envelope_nested_10000_deep_is_refused(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    hostile = tmp_path / "deep.nmrfpack"
    _write_raw_pack(hostile, world, DEEP)
    before = signed.state(lap.record)
    with pytest.raises(PackRejected, match="envelope: nested more than 32 levels deep"):
        packs.import_pack(lap.record, hostile)
    assert signed.changed(before, signed.state(lap.record)) == []


def test_a_pack_payload_nested_10000_deep_is_refused(world: World, tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    hostile = tmp_path / "deep.nmrfpack"
    _write_raw_pack(hostile, world, sign(PACK_TYPE, DEEP, world.central_key))
    before = signed.state(lap.record)
    with pytest.raises(PackRejected, match="pack: nested more than 32 levels deep"):
        packs.import_pack(lap.record, hostile)
    assert signed.changed(before, signed.state(lap.record)) == []
    signed.downstream_still_works(world, tmp_path / "after")


def test_a_good_pack_with_every_record_kind_still_imports(world: World,
                                                          tmp_path: Path) -> None:
    lap = _pack_setup(world, tmp_path)
    fresh = tmp_path / "fresh.nmrfpack"
    packs.export_pack(world.central, "MOJ", fresh, world.central_key)
    payload = signed.pack_payload(fresh)
    assert all(payload[k] for k in ("agencies", "recommendations", "assignments", "actions",
                                    "evidence", "acknowledged"))
    result = packs.import_pack(lap.record, fresh)
    assert result.recommendations == len(payload["recommendations"])


@pytest.mark.parametrize("tail", ["\n", "\r\n", " ", "\u2028"])
def test_an_identifier_or_hash_with_anything_after_it_is_refused(tail: str) -> None:
    """A pattern's "$" is the end of the text (ECMA-262), not "before a final newline"."""
    line = signed.progress(str(uuid.uuid4()))
    assert schemas.problem("change", json.loads(line.to_json())) is None
    bad = json.loads(dataclasses.replace(line, entity_id=line.entity_id + tail).to_json())
    assert schemas.problem("change", bad) == (
        "field entity_id", "must be a UUID (36 characters, lower-case hex in the 8-4-4-4-12 "
        "form)")
    key = {"keyid": "a" * 64 + tail, "sig": "AA=="}
    envelope = {"payloadType": "x", "payload": "", "signatures": [key]}
    assert schemas.problem("envelope", envelope) is not None


def test_a_long_link_without_a_title_still_makes_a_bundle_that_merges(
        world: World, tmp_path: Path) -> None:
    """Its display name is the link cut to the 300 characters a display name may have."""
    lap = world.laptop("aroha", "MOJ")
    rec = world.rec_ids()[0]
    link = "https://www.justice.govt.nz/ā?" + "q=Māori&" * 200
    entry.attach_url(lap.record, link, agency="MOJ", recommendation_id=rec)
    result = bundle_import.import_bundle(world.central, lap.export(tmp_path))
    assert result.status == bundle_import.MERGED, result.reason
    with world.central.reading() as session:
        row = session.query(Evidence).filter(Evidence.url == link).one()
        assert row.display_name == link[:300]
