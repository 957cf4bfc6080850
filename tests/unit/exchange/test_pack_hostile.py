"""Packs and what is already wrong (issue 19, part C).

Export: a row the database should never have held (written here with SQL, as an attacker
who got past the import would leave it) is left out of the pack and named; every other
row, and every other agency's pack, still goes. Import: a centrally signed pack whose
records do not hold together is refused naming the record and field, the laptop unchanged.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from nmrf_desktop.bundles.pack_file import PackRejected, write_pack
from nmrf_desktop.services.exchange import packs

from .signed import changed, downstream_still_works, state
from .world import World


def central_db(world: World) -> Path:
    return Path(str(world.central.engine.url.database))


def evidence_row(conn: sqlite3.Connection, agency: str, **values: Any) -> str:
    """An evidence row written behind the app's back; `values` as SQL expressions."""
    row = {"id": f"'{uuid.uuid4()}'", "action_id": "NULL", "recommendation_id": "NULL",
           "agency_code": f"'{agency}'", "sha256": "NULL", "size": "NULL",
           "media_type": "'text/uri-list'", "display_name": "'Pūrongo'",
           "url": "'https://example.org/report'", "is_public": "0", "removed": "0",
           "version": "1", "created_at": "'2026-01-01 00:00:00'",
           "updated_at": "'2026-01-01 00:00:00'"} | values
    conn.execute(f"INSERT INTO evidence ({', '.join(row)}) VALUES ({', '.join(row.values())})")
    return row["id"].strip("'")


def assigned(conn: sqlite3.Connection, agency: str) -> str:
    """A recommendation assigned to `agency`."""
    return str(conn.execute("SELECT recommendation_id FROM assignments WHERE agency_code = ? "
                            "AND active = 1 ORDER BY id LIMIT 1", (agency,)).fetchone()[0])


HOSTILE_EVIDENCE: dict[str, tuple[dict[str, str], str]] = {
    "size 1e400 (stored as inf)": ({"sha256": "'" + "ab" * 32 + "'", "size": "9e999",
                                    "url": "''", "media_type": "'application/pdf'"}, "size"),
    "hash that is a path": ({"sha256": "'../../../../var/x'", "size": "10", "url": "''",
                             "media_type": "'application/pdf'"}, "sha256"),
    "absolute hash": ({"sha256": "'/etc/passwd'", "size": "10", "url": "''",
                       "media_type": "'application/pdf'"}, "sha256"),
    "over-long name": ({"display_name": "'" + "ā" * 5000 + "'"}, "display_name"),
    "name that is not text": ({"display_name": "X'00ff00ff'"}, "display_name"),
    "file: url": ({"url": "'file:///etc/passwd'"}, "url"),
    "NUL in the media type": ({"media_type": "'text/plain' || char(0) || 'x'"}, "media_type"),
    "version that is a float": ({"version": "1.5"}, "version"),
}


def test_poisoned_rows_are_left_out_of_the_pack_and_named(world: World,
                                                          tmp_path: Path) -> None:
    lap = world.laptop("aroha", "MOJ")
    with closing(sqlite3.connect(central_db(world))) as conn, conn:
        rec = f"'{assigned(conn, 'MOJ')}'"
        good = evidence_row(conn, "MOJ", display_name="'Te Tāhū o te Ture report'",
                            recommendation_id=rec)
        hostile = {case: evidence_row(conn, "MOJ", recommendation_id=rec, **values)
                   for case, (values, _field) in HOSTILE_EVIDENCE.items()}
        other = conn.execute("SELECT agency_code FROM assignments WHERE agency_code != 'MOJ' "
                             "AND active = 1 ORDER BY agency_code LIMIT 1").fetchone()[0]
        evidence_row(conn, other, size="-9e999", sha256="'" + "cd" * 32 + "'", url="''",
                     recommendation_id=f"'{assigned(conn, other)}'")
    result = packs.export_pack(world.central, "MOJ", tmp_path / "moj.nmrfpack",
                               world.central_key)
    left_out = result["left_out"]
    assert len(left_out) == len(HOSTILE_EVIDENCE), left_out
    for case, (_values, field) in HOSTILE_EVIDENCE.items():
        said = next((m for m in left_out if hostile[case] in m), None)
        assert said is not None, case
        assert said.startswith(f"evidence entry {hostile[case]}: field {field} "), said
    assert not any(good in m for m in left_out)
    assert "ā" * 100 not in " ".join(left_out)  # named, not echoed
    # The pack is whole without them, and the laptop takes it with the good row.
    imported = packs.import_pack(lap.record, Path(result["path"]))
    assert imported.version == 2
    with closing(sqlite3.connect(Path(str(lap.record.engine.url.database)))) as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM evidence")}
    assert good in ids and not ids & set(hostile.values())
    # Another agency's pack still exports (its own poisoned row named, nothing else).
    theirs = packs.export_pack(world.central, other, tmp_path / "other.nmrfpack",
                               world.central_key)
    assert len(theirs["left_out"]) == 1 and "size" in theirs["left_out"][0]
    downstream_still_works(world, tmp_path / "after")


def test_a_poisoned_recommendation_is_left_out_with_what_leans_on_it(
        world: World, tmp_path: Path) -> None:
    with closing(sqlite3.connect(central_db(world))) as conn, conn:
        rec, ref = conn.execute(
            "SELECT r.id, r.reference FROM recommendations r JOIN assignments a ON "
            "a.recommendation_id = r.id WHERE a.agency_code = 'MOJ' AND a.active = 1 "
            "ORDER BY r.num LIMIT 1").fetchone()
        conn.execute("UPDATE recommendations SET year = 9e999 WHERE id = ?", (rec,))
        on_it = evidence_row(conn, "MOJ", recommendation_id=f"'{rec}'")
        assert on_it
        forged = conn.execute("SELECT r.id FROM recommendations r JOIN assignments a ON "
                              "a.recommendation_id = r.id WHERE a.agency_code = 'MOJ' "
                              "AND r.id != ? ORDER BY r.num LIMIT 1", (rec,)).fetchone()[0]
        conn.execute("UPDATE recommendations SET source_id = source_id || '-x' WHERE id = ?",
                     (forged,))
    result = packs.export_pack(world.central, "MOJ", tmp_path / "moj.nmrfpack",
                               world.central_key)
    text = "\n".join(result["left_out"])
    assert f"recommendation {rec}: field year must be" in text
    assert f"recommendation {forged}: field id is not the one" in text
    assert f"evidence entry {on_it}: field recommendation_id names a recommendation left out" \
        in text
    assert "assignment " in text and ref not in text
    payload = _payload(Path(result["path"]))
    assert rec not in {r["id"] for r in payload["recommendations"]}
    assert rec not in {a["recommendation_id"] for a in payload["assignments"]}
    assert all(rec not in a["recommendation_ids"] for a in payload["actions"])
    assert result["recommendations"] == len(payload["recommendations"]) > 0


def _payload(pack: Path) -> dict[str, Any]:
    with zipfile.ZipFile(pack) as z:
        envelope = json.loads(z.read("envelope.json"))
    payload: dict[str, Any] = json.loads(base64.b64decode(envelope["payload"]))
    return payload


# ---------------------------------------------------------------- import


def _signed(world: World, tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A pack for MOJ, version 2, built by the central record, changed, then validly signed."""
    with world.central.reading() as session:
        payload = packs.build_payload(session, "MOJ", 2, 90)
    change(payload)
    out = tmp_path / f"{uuid.uuid4().hex[:8]}.nmrfpack"
    write_pack(out, payload, world.central_key)
    return out


def _unknown() -> str:
    return str(uuid.uuid4())


MALFORMED = {
    "a recommendation without its source": (
        lambda p: p["recommendations"][0].pop("source"), "recommendation 1", "source"),
    "an assignment for a recommendation nobody has": (
        lambda p: p["assignments"][0].update(recommendation_id=_unknown()),
        "assignment 1", "recommendation_id"),
    "an assignment for an agency not in the pack": (
        lambda p: p["assignments"][0].update(agency_code="ZZZ"), "assignment 1",
        "agency_code"),
    "progress for a recommendation nobody has": (
        lambda p: p["progress"].append(dict(
            id=_unknown(), recommendation_id=_unknown(), agency_code="MOJ",
            status="in_progress", narrative="", as_of="2025-01-01", is_public=False,
            created_at="2025-01-01T00:00:00")), "progress update 1", "recommendation_id"),
    "evidence for an action nobody has": (
        lambda p: p["evidence"].append(dict(
            id=_unknown(), action_id=_unknown(), recommendation_id=None, agency_code="MOJ",
            sha256=None, size=None, media_type="text/uri-list", display_name="x",
            url="https://example.org", is_public=False, version=1)),
        "evidence entry 1", "action_id"),
    "a recommendation whose id its source does not give": (
        lambda p: p["recommendations"][1].update(source_id="forged"), "recommendation 2",
        "id"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_centrally_signed_pack_with_a_record_the_laptop_cannot_use_is_refused(
        world: World, tmp_path: Path, case: str) -> None:
    lap = world.laptop("aroha", "MOJ")
    change, record_named, field = MALFORMED[case]
    pack = _signed(world, tmp_path, change)
    before = state(lap.record)
    with pytest.raises(PackRejected) as refused:
        packs.import_pack(lap.record, pack)
    message = str(refused.value)
    assert record_named in message and field in message, message
    assert changed(before, state(lap.record)) == []
    good = _signed(world, tmp_path, lambda p: None)
    assert packs.import_pack(lap.record, good).version == 2  # the genuine one still does


def test_a_record_no_check_foresaw_is_refused_not_a_crash(world: World,
                                                         tmp_path: Path) -> None:
    """Two assignments with one id: schema-valid, every reference resolves, and the
    database refuses the second; the apply code turns that into a refusal, not a crash."""
    lap = world.laptop("aroha", "MOJ")
    pack = _signed(world, tmp_path, lambda p: p["assignments"][0].update(
        id=p["assignments"][1]["id"]))
    before = state(lap.record)
    with pytest.raises(PackRejected, match="a record this laptop cannot use"):
        packs.import_pack(lap.record, pack)
    assert changed(before, state(lap.record)) == []


def test_a_row_that_cannot_even_be_read_is_left_out_and_named(world: World,
                                                              tmp_path: Path) -> None:
    """A date column holding something that is no date: the row cannot be loaded at all."""
    lap = world.laptop("aroha", "MOJ")
    with closing(sqlite3.connect(central_db(world))) as conn, conn:
        rec = assigned(conn, "MOJ")
        conn.execute("UPDATE recommendations SET published_on = '../../etc' WHERE id = ?",
                     (rec,))
        action = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO actions (id, agency_code, title, description, kind, status, "
            "start_date, is_public, version, created_at, updated_at) VALUES (?, 'MOJ', "
            "'Wānanga', '', 'programme', 'planned', 'someday', 0, 1, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')", (action,))
    result = packs.export_pack(world.central, "MOJ", tmp_path / "moj.nmrfpack",
                               world.central_key)
    text = "\n".join(result["left_out"])
    assert f"recommendation {rec}: a value cannot be read" in text
    assert f"action {action}: a value cannot be read" in text
    payload = _payload(Path(result["path"]))
    assert rec not in {r["id"] for r in payload["recommendations"]}
    assert rec not in {a["recommendation_id"] for a in payload["assignments"]}
    assert packs.import_pack(lap.record, Path(result["path"])).version == 2
