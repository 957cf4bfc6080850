"""`nmrf assign`: by filters, by the Annex II lead defaults; change log and audit kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.e2e.support import assert_user_error, fingerprint, nmrf, nmrf_in_process, nmrf_ok


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _assigned(db: Path, *args: str) -> list[dict]:
    code, out, err = nmrf_in_process("search", *args, "--limit", "0", "--json", db=db)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_assign_by_body_then_lead_defaults(nz_db: Path) -> None:
    out = nmrf_ok("assign", "--agency", "MOJ", "--role", "contributing", "--body", "UPR",
                  db=nz_db)
    assert out == "matched 228, assigned 228, changed 0\n"
    contributing = _assigned(nz_db, "--assigned-to", "MOJ", "--assigned-role", "contributing")
    assert len(contributing) == 228
    assert {tuple(r["assigned_agencies"]) for r in contributing} == {("MOJ (contributing)",)}
    # Assignments are the central record's to make; they travel to laptops in packs,
    # never in an officer's bundle, so they are not in the change log.
    assert _rows(nz_db, "SELECT count(*) FROM change_log")[0][0] == 0
    event, details = _rows(nz_db, "SELECT event, details FROM audit_log "
                                  "ORDER BY seq DESC LIMIT 1")[0]
    assert event == "assign"
    assert json.loads(details) == {"role": "contributing", "matched": 228, "created": 228,
                                   "changed": 0}

    # Annex II: UPR -> MFAT and MOJ lead. MOJ, contributing so far, becomes lead.
    out = nmrf_ok("assign", "--lead-defaults", db=nz_db)
    assert out == "matched 456, assigned 228, changed 228\n"
    mfat = _assigned(nz_db, "--assigned-to", "MFAT")
    assert len(mfat) == 228
    assert {tuple(r["assigned_agencies"]) for r in mfat} == {("MFAT", "MOJ")}
    assert _assigned(nz_db, "--assigned-role", "contributing") == []
    assert len(_assigned(nz_db, "maori", "--assigned-to", "MFAT")) == 30
    assert _rows(nz_db, "SELECT agency_code, role, version, count(*) FROM assignments "
                        "GROUP BY agency_code, role, version ORDER BY agency_code") == [
        ("MFAT", "lead", 1, 228), ("MOJ", "lead", 2, 228)]
    assert _rows(nz_db, "SELECT event FROM audit_log ORDER BY seq DESC LIMIT 1") == [
        ("assign-lead-defaults",)]

    # Again: nothing new to assign, but the attempt is still an audited event.
    events = _rows(nz_db, "SELECT count(*) FROM audit_log")[0][0]
    assert nmrf_ok("assign", "--lead-defaults", db=nz_db) == (
        "matched 456, assigned 0, changed 0\n")
    assert _rows(nz_db, "SELECT count(*) FROM change_log")[0][0] == 0
    assert _rows(nz_db, "SELECT count(*) FROM audit_log")[0][0] == events + 1
    stats = json.loads(nmrf_ok("stats", "--json", db=nz_db))
    assert stats["assignments"] == 456
    assert nmrf_ok("check", db=nz_db) == "ok\n"


def test_assign_with_filters_only_touches_the_matches(nz_db: Path) -> None:
    out = nmrf_ok("assign", "--agency", "TPK", "--session", "18", "--theme",
                  "Indigenous peoples", db=nz_db)
    matched = int(out.split(",")[0].split()[1])
    assert 0 < matched < 155
    rows = _assigned(nz_db, "--assigned-to", "TPK")
    assert len(rows) == matched
    assert all(r["session"] == 18 and "Indigenous peoples" in r["themes"] for r in rows)


def test_unknown_agency_is_a_clear_error_and_changes_nothing(nz_db: Path) -> None:
    before = fingerprint(nz_db)
    done = nmrf("assign", "--agency", "NOPE", "--body", "UPR", db=nz_db)
    first = assert_user_error(done, "unknown agency code 'NOPE'", "nmrf agencies")
    assert done.returncode == 1 and first == done.stderr.rstrip("\n")
    assert fingerprint(nz_db) == before


def test_agencies_lists_codes_with_english_and_te_reo_names(nz_db: Path) -> None:
    lines = nmrf_ok("agencies", db=nz_db).splitlines()
    assert "MOJ\tMinistry of Justice\tTe Tāhū o te Ture" in lines
    assert "MFAT\tMinistry of Foreign Affairs and Trade\tManatū Aorere" in lines


def test_assign_by_theme_adds_contributing_agencies_once(nz_db: Path) -> None:
    first = nmrf_ok("assign", "--by-theme", db=nz_db)
    matched, created = (int(part.split()[1]) for part in first.split(", ")[:2])
    assert matched > 100 and created >= matched
    children = [r for r in _assigned(nz_db, "children")
                if "children" in r["text"].lower()]
    assert children and all("OT (contributing)" in r["assigned_agencies"] for r in children)
    assert nmrf_ok("assign", "--by-theme", db=nz_db) == (
        f"matched {matched}, assigned 0, kept {created}\n")  # again: nothing new


def test_assign_takes_one_way_of_choosing_agencies(nz_db: Path) -> None:
    done = nmrf("assign", "--by-theme", "--lead-defaults", db=nz_db)
    assert done.returncode == 2 and "not allowed with" in done.stderr
