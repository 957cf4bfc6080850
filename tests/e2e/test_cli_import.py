"""`nmrf import upr-info` on the five real UPR Info files: counts, repeats, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ALL_UPR_CSV, NZ_CSV
from tests.e2e.support import fingerprint, nmrf_in_process, nmrf_ok, stats

# The four rows that repeat another row's state under review, session, recommending
# state and text (shared/data/upr-info/README.md). They are merged into one
# recommendation each, as the README documents: 41,066 rows -> 41,062 recommendations.
REPEATS = {
    ("upr_info_sessions_10-13.csv", 412, 356, "Australia / session 10 / Thailand"),
    ("upr_info_sessions_14-17.csv", 6245, 6182, "Montenegro / session 15 / Moldova"),
    ("upr_info_sessions_14-17.csv", 8613, 8611, "Tonga / session 15 / United Kingdom"),
    ("upr_info_sessions_6-9.csv", 5765, 5764, "Lesotho / session 8 / Chad"),
}


@pytest.mark.slow
def test_five_real_files_import_once_and_reimport_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "all.sqlite3"
    assert len(ALL_UPR_CSV) == 5

    first = json.loads(nmrf_ok("import", "upr-info", *ALL_UPR_CSV, "--json", db=db))
    assert first["created"] == 41_062
    assert (first["updated"], first["unchanged"], first["rejected"]) == (0, 0, [])
    assert len(first["repeats_merged"]) == 4
    for file, row, first_row, what in REPEATS:
        assert any(line.startswith(f"{file} row {row} repeats row {first_row} ({what})")
                   for line in first["repeats_merged"]), (file, row, first["repeats_merged"])

    counts = stats(db)
    assert counts["recommendations"] == 41_062
    assert counts["by_body"] == {"UPR": 41_062}
    assert {"recommendations", "assignments", "actions", "progress_updates",
            "evidence"} <= counts.keys()
    before = fingerprint(db, exclude=("audit_log", "import_runs"))
    assert nmrf_in_process("check", db=db) == (0, "ok\n", "")

    # The plain-text report lists the repeats too.
    again = nmrf_ok("import", "upr-info", *ALL_UPR_CSV, db=db)
    lines = again.splitlines()
    assert lines[0] == ("created 0, updated 0, unchanged 41062, rejected 0, "
                        "repeats merged 4")
    assert sum(line.startswith("  repeat: ") for line in lines) == 4
    assert stats(db)["recommendations"] == 41_062

    # A second run changes no recommendation; it only records the import run and its audit.
    assert fingerprint(db, exclude=("audit_log", "import_runs")) == before
    code, out, err = nmrf_in_process("search", "--session", "10", "--state", "Thailand",
                                     "--country", "Australia", "--json", db=db)
    assert code == 0, err
    rows = json.loads(out)
    merged = [r for r in rows if "irregular migration" in r["text"]]
    assert len(merged) == 1, "the repeated Australia/Thailand row is one recommendation"
    # The repeat carried only "Trafficking"; the first row "Migrants,Trafficking": union kept.
    assert merged[0]["themes"] == ["Migrants", "Trafficking"]
    assert nmrf_in_process("check", db=db) == (0, "ok\n", "")


def test_new_zealand_file_matches_published_counts(tmp_path: Path) -> None:
    db = tmp_path / "nz.sqlite3"
    report = json.loads(nmrf_ok("import", "upr-info", NZ_CSV, "--json", db=db))
    assert (report["created"], report["repeats_merged"]) == (228, [])
    by = {}
    for session, position in ((5, "supported"), (5, "noted"), (18, "supported"),
                              (18, "noted")):
        code, out, err = nmrf_in_process("search", "--session", str(session), "--position",
                                         position, "--limit", "0", "--json", db=db)
        assert code == 0, err
        rows = json.loads(out)
        by[(session, position)] = len(rows)
        assert {r["cycle"] for r in rows} == {1 if session == 5 else 2}
        assert {r["year"] for r in rows} == {2009 if session == 5 else 2014}
    # README: 2009 38 Accepted / 35 Noted; 2014 121 / 34 (the Human Rights Commission's figures)
    assert by == {(5, "supported"): 38, (5, "noted"): 35, (18, "supported"): 121,
                  (18, "noted"): 34}
