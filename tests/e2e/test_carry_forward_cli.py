"""`nmrf overlap carry-forward` end to end, as a real process on the real NZ rows: work on
the 2009 review's recommendations is offered to the 2014 ones that repeat them, carried,
shown in the lineage and a PDF, undone, declined; mistakes are one line, nothing changed."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pypdf

from tests.e2e.support import (
    assert_user_error,
    fingerprint,
    nmrf,
    nmrf_in_process,
    nmrf_json,
    nmrf_ok,
)

OLD, NEW, OTHER = "NZL-UPR5-064", "NZL-UPR18-009", "NZL-UPR18-008"
TITLE = "Cabinet paper on the OP-ICESCR — kōrero with iwi Māori"


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in pypdf.PdfReader(path).pages)


def _suggested(db: Path) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
    found = nmrf_json("overlap", "carry-forward", db=db)["suggestions"]
    return {(s["reference"], c["earlier_reference"]): s | {"candidate": c}
            for s in found for c in s["candidates"]}


def test_carry_forward_from_the_command_line(nz_db: Path, tmp_path: Path) -> None:
    nmrf_ok("assign", "--agency", "MSD", "--role", "contributing", "--cycle", "1", db=nz_db)
    nmrf_ok("action", "add", "--rec", OLD, "--title", TITLE, "--agency", "MSD", db=nz_db)
    nmrf_ok("overlap", db=nz_db)

    offered = _suggested(nz_db)
    assert all(new.startswith("NZL-UPR18-") and old.startswith("NZL-UPR5-")
               for new, old in offered)  # only 2014 rows repeat, only 2009 ones had work
    one = offered[(NEW, OLD)]
    assert (one["cycle"], one["candidate"]["earlier_cycle"]) == (2, 1)
    assert one["candidate"]["agencies"] == [
        {"code": "MSD", "name": "Ministry of Social Development", "role": "contributing"}]
    assert [a["title"] for a in one["candidate"]["actions"]] == [TITLE]
    listing = nmrf_ok("overlap", "carry-forward", db=nz_db)
    assert f"{NEW} (cycle 2) repeats {OLD} (cycle 1)" in listing
    assert f"action: {TITLE} (MSD)" in listing

    applied = nmrf_ok("overlap", "carry-forward", "--apply", "--ref", NEW, db=nz_db)
    assert re.search(rf"carried: {NEW} repeats {OLD} \(cycle 1\): agencies MSD, 1 actions "
                     r"linked, decision [0-9a-f-]{36}", applied), applied
    assert applied.endswith("1 carried forward\n")
    assert (NEW, OLD) not in _suggested(nz_db)  # decided: not offered again
    [line] = nmrf_json("overlap", "lineage", NEW, db=nz_db)["lineage"]
    assert line["describe"] == f"repeats {OLD} (cycle 1)" and line["agencies"] == ["MSD"]
    earlier = nmrf_ok("overlap", "lineage", OLD, db=nz_db)
    assert earlier.startswith(f"repeated by {NEW} (cycle 2)\t")
    assert any(r["reference"] == NEW for r in nmrf_json(
        "search", "--assigned-to", "MSD", "--limit", "0", db=nz_db))

    pdf = tmp_path / "msd.pdf"
    nmrf_ok("report", "pdf", "--out", pdf, "--kind", "agency", "--assigned-to", "MSD",
            db=nz_db)
    text = _pdf_text(pdf)
    assert f"Repeats {OLD} (cycle 1)" in text and f"Repeated by {NEW} (cycle 2)" in text

    undone = nmrf_ok("overlap", "carry-forward", "--undo", line["id"], db=nz_db)
    assert undone == f"undone: {NEW} repeats {OLD} (cycle 1) (carried)\n"
    assert nmrf_ok("overlap", "lineage", NEW, db=nz_db) == (
        f"{NEW}: no carry-forward decision\n")
    assert (NEW, OLD) in _suggested(nz_db)

    # "Consider becoming a party to the Optional Protocol to the ICESCR" (2014): declined.
    declined = nmrf_ok("overlap", "carry-forward", "--decline", OTHER, OLD, db=nz_db)
    assert declined.startswith(f"declined: {OTHER} not carried forward from {OLD}")
    assert (OTHER, OLD) not in _suggested(nz_db)

    conn = sqlite3.connect(nz_db)
    try:
        events = [e for (e,) in conn.execute(
            "SELECT event FROM audit_log WHERE event LIKE 'carry-forward.%' ORDER BY seq")]
    finally:
        conn.close()
    assert events == ["carry-forward.carry", "carry-forward.undo", "carry-forward.decline"]


def test_mistakes_are_one_line_and_change_nothing(nz_db: Path) -> None:
    nmrf_ok("assign", "--agency", "MSD", "--role", "contributing", "--cycle", "1", db=nz_db)
    nmrf_ok("overlap", db=nz_db)
    before = fingerprint(nz_db)
    assert_user_error(nmrf("overlap", "carry-forward", "--decline", "NZL-NOPE-1", OLD,
                           db=nz_db), "NZL-NOPE-1")
    assert_user_error(nmrf("overlap", "carry-forward", "--decline", OLD, NEW, db=nz_db),
                      f"{OLD} is not suggested as repeating {NEW}")
    assert_user_error(nmrf("overlap", "carry-forward", "--undo", "nope", db=nz_db),
                      "no carry-forward decision nope")
    assert_user_error(nmrf("overlap", "carry-forward", "--ref", NEW, db=nz_db),
                      "--ref only goes with --apply")
    assert_user_error(nmrf("overlap", "carry-forward", "--note", "why", db=nz_db),
                      "--note only goes with --apply or --decline")
    assert_user_error(nmrf("overlap", "carry-forward", "--apply", "--ref", "NZL-NOPE-2",
                           db=nz_db), "NZL-NOPE-2")
    assert_user_error(nmrf("overlap", "lineage", "NZL-NOPE-3", db=nz_db), "NZL-NOPE-3")
    done = nmrf("overlap", "carry-forward", "--undo", "x", "--decline", NEW, OLD, db=nz_db)
    assert done.returncode == 2 and "not allowed with" in done.stderr
    assert fingerprint(nz_db) == before

    conn = sqlite3.connect(nz_db)  # a laptop copy: it imported a pack
    try:
        with conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('pack_version', '1')")
    finally:
        conn.close()
    before = fingerprint(nz_db)
    assert_user_error(nmrf("overlap", "carry-forward", "--apply", db=nz_db), "laptop")
    assert_user_error(nmrf("overlap", "carry-forward", "--decline", NEW, OLD, db=nz_db),
                      "laptop")
    assert fingerprint(nz_db) == before
    assert json.loads(nmrf_ok("overlap", "carry-forward", "--json", db=nz_db))["suggestions"]


def test_apply_as_json(nz_db: Path) -> None:
    """--json --apply: what was carried as JSON on stdout, the summary before it on stderr."""
    nmrf_ok("assign", "--agency", "MSD", "--role", "contributing", "--cycle", "1", db=nz_db)
    code, out, err = nmrf_in_process("overlap", "carry-forward", "--apply", "--json",
                                     "--ref", NEW, "--note", "Te Tiriti lens kept", db=nz_db)
    assert code == 0, err
    [carried] = json.loads(out)["carried"]
    assert (carried["reference"], carried["other"], carried["agencies"]) == (NEW, OLD, ["MSD"])
    assert carried["describe"] == f"repeats {OLD} (cycle 1)"
    assert carried["note"] == "Te Tiriti lens kept"
    assert f"{NEW} (cycle 2) repeats {OLD} (cycle 1)" in err
    assert "1 recommendation repeats earlier ones with work on them" in err
