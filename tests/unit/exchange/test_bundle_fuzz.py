"""Property: any one-field mutation of a valid bundle, signed by the officer's own key, is
either merged with exactly the values that passed the schema, or refused (or held) with
nothing changed; never an exception out of import_bundle."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from nmrf_desktop.bundles.bundle_file import CHANGES, ENVELOPE, EVIDENCE_DIR
from nmrf_desktop.bundles.envelope import BUNDLE_TYPE, sign
from nmrf_desktop.domain.entry import ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.services import entry
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import Action, ActionLink, Evidence, ProgressUpdate

from . import signed
from .world import World, add_action

# -- what a mutation may put in a field -----------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)  # no lone surrogates
_NAMED = st.sampled_from([
    "", " ", "Tūī Ngātā", "Te Tāhū o te Ture", "🦜 kākā", "ā" * 301, "x" * 2001, "MOJ", "MSD",
    "MOJ\n", "../../../../var/x", "/etc/passwd", "C:\\x", "file:///etc/passwd",
    "javascript:alert(1)", "https://www.justice.govt.nz/ā", "https://", "http://x",
    "2025-01-01", "2025-02-30", "2025-1-1", "2026-01-01T00:00:00", "a" * 64, "A" * 64,
    "0" * 63, str(uuid.uuid4()), str(uuid.uuid4()).upper(), "{" + str(uuid.uuid4()) + "}",
    "insert", "update", "delete", "action", "assignment", "implemented", "planned",
    "cancelled", "other", "text/plain", "text/plain\n", "x\u0000y", "\u202eevil"])
_INTS = st.integers(-(2 ** 70), 2 ** 70) | st.sampled_from(
    [0, -1, 1, 2, 2 ** 31 - 1, 2 ** 31, 2 ** 53 + 1, 2 ** 63 - 1, 2 ** 63, -(2 ** 63) - 1])
_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1.0, 0.5, 1e308])
_SCALARS = st.none() | st.booleans() | _INTS | _FLOATS | _TEXT | _NAMED


def _nested(depth: int) -> Any:
    value: Any = "deep"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


_VALUES = (_SCALARS
           | st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=8)
           | st.integers(28, 40).map(_nested))


# -- the valid bundle and the template central record ---------------------------------------

@dataclass
class Base:
    template: Path  # a copy of the central record's folder before the import
    database: str
    manifest: dict[str, Any]
    lines: list[dict[str, Any]]
    evidence: dict[str, bytes]  # member name → bytes


def _base(world: World, tmp_path: Path) -> Base:
    lap = world.laptop("aroha", "MOJ")
    ids = world.rec_ids(n=2)
    action_id = add_action(lap, ids, "Wānanga ā-rohe")
    paper = tmp_path / "Pūrongo.pdf"
    paper.write_bytes(b"%PDF-1.7 te purongo")
    entry.attach_file(lap.record, paper, agency="MOJ", action_id=action_id)
    entry.attach_url(lap.record, "https://www.tearawhiti.govt.nz/", agency="MOJ",
                     recommendation_id=ids[1], title="Te Arawhiti")
    entry.add_progress(lap.record, ProgressDraft(ids[0], "MOJ", ImplementationStatus.ONGOING,
                                                 "Kei te haere tonu te mahi"))
    bundle = lap.export(tmp_path)
    with zipfile.ZipFile(bundle) as z:
        envelope = json.loads(z.read(ENVELOPE))
        lines = [json.loads(x) for x in z.read(CHANGES).splitlines()]
        evidence = {n: z.read(n) for n in z.namelist() if n.startswith(EVIDENCE_DIR)}
    manifest = json.loads(base64.b64decode(envelope["payload"]))
    database = Path(str(world.central.engine.url.database))
    world.central.engine.dispose()  # everything on disk, nothing open, before the copy
    template = tmp_path / "template"
    shutil.copytree(database.parent, template)
    return Base(template, database.name, manifest, lines, evidence)


def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, (*here, i))
    return out


def _apply(doc: Any, path: tuple[Any, ...], how: str, value: Any) -> None:
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete" and isinstance(parent, dict):
        del parent[last]
    elif how == "add" and isinstance(parent[last], dict):
        parent[last]["zz_extra"] = value
    else:
        parent[last] = value


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=True).encode("utf-8")


def _write(out: Path, base: Base, manifest: dict[str, Any], blob: bytes, key: Any) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(ENVELOPE, sign(BUNDLE_TYPE, _dumps(manifest), key))
        zf.writestr(CHANGES, blob)
        for name, data in base.evidence.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_STORED)


# -- what "merged exactly as validated" means -----------------------------------------------

def _stored(record: Record, line: dict[str, Any]) -> None:
    f, eid = line["fields"], line["entity_id"]
    with record.reading() as session:
        if line["entity"] == "action" and line["op"] == "insert":
            row = session.get(Action, eid)
            assert row is not None
            for name in ("title", "description", "kind", "status", "is_public"):
                if name in f:
                    assert getattr(row, name) == f[name], name
            for name in ("start_date", "target_date", "completed_date"):
                if name in f:
                    got = getattr(row, name)
                    assert (got.isoformat() if got else None) == f[name], name
            links = set(session.execute(select(ActionLink.recommendation_id).where(
                ActionLink.action_id == eid)).scalars())
            assert links == set(f["recommendation_ids"])
        elif line["entity"] == "progress":
            row = session.get(ProgressUpdate, eid)
            assert row is not None
            assert (row.recommendation_id, row.agency_code, row.status, row.narrative,
                    row.as_of, row.is_public) == (
                f["recommendation_id"], f["agency_code"], f["status"], f["narrative"],
                dt.date.fromisoformat(f["as_of"]), f["is_public"])
        elif line["entity"] == "evidence":
            row = session.get(Evidence, eid)
            assert row is not None
            for name in ("action_id", "recommendation_id", "agency_code", "sha256", "size",
                         "media_type", "display_name", "url", "is_public"):
                assert getattr(row, name) == f[name], name


def test_any_one_field_mutated_and_signed_is_merged_exactly_or_refused_cleanly(
        world: World, tmp_path: Path) -> None:
    base = _base(world, tmp_path)
    key = world.laptops["aroha"].key
    targets = ["manifest", *range(len(base.lines))]
    runs = tmp_path / "runs"
    seen: dict[str, int] = {}

    @settings(max_examples=80, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def mutated(data: st.DataObject) -> None:
        manifest = json.loads(json.dumps(base.manifest))
        lines = json.loads(json.dumps(base.lines))
        target = data.draw(st.sampled_from(targets), label="target")
        doc = manifest if target == "manifest" else lines[target]
        path = data.draw(st.sampled_from(_paths(doc)), label="path")
        how = data.draw(st.sampled_from(["replace", "replace", "replace", "delete", "add"]),
                        label="how")
        value = data.draw(_VALUES, label="value")
        if target != "manifest":
            _apply(doc, path, how, value)
        blob = b"".join(_dumps(line) + b"\n" for line in lines)
        manifest |= {"changes_sha256": hashlib.sha256(blob).hexdigest(),
                     "changes_size": len(blob), "changes_count": len(lines)}
        if target == "manifest":
            _apply(manifest, path, how, value)
        folder = runs / uuid.uuid4().hex[:8]
        shutil.copytree(base.template, folder)
        out = folder.parent / f"{folder.name}.nmrfbundle"
        _write(out, base, manifest, blob, key)
        record = open_record(folder / base.database)
        try:
            before = signed.state(record)
            result = bundle_import.import_bundle(record, out)  # must never raise
            seen[result.status] = seen.get(result.status, 0) + 1
            if result.status == bundle_import.MERGED:
                for line in lines:
                    _stored(record, line)
            else:
                assert result.status in (bundle_import.REJECTED, bundle_import.HELD), result
                assert result.reason
                after = signed.state(record)
                changed = signed.changed(before, after)
                if result.status == bundle_import.HELD:  # kept whole for later, nothing else
                    changed = [c for c in changed if not c.startswith("held/")]
                assert changed == [], (result.reason, changed)
        finally:
            record.close()
            shutil.rmtree(folder, ignore_errors=True)
            out.unlink(missing_ok=True)

    mutated()
    # The property was exercised both ways: valid mutations merged, invalid ones refused.
    assert seen.get(bundle_import.REJECTED, 0) > 0, seen
