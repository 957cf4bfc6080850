"""`nmrf import document`: a preview writes nothing, --json's shape, --apply once and again,
and bad input refused in one line naming the file, nothing made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.support import assert_user_error, fingerprint, nmrf, nmrf_ok, stats

MATRIX = (Path(__file__).resolve().parents[3] / "shared" / "data" / "un-documents"
          / "upr34-slovenia-thematic-list-of-recommendations.docx")


@pytest.fixture(scope="module")
def matrix() -> Path:
    assert MATRIX.exists(), f"shared data missing: {MATRIX}"
    return MATRIX


def test_preview_writes_nothing_not_even_a_database(tmp_path: Path, matrix: Path) -> None:
    db = tmp_path / "none.sqlite3"
    out = nmrf_ok("import", "document", matrix, db=db)
    assert out.splitlines()[0].startswith(f"{matrix.name}: upr-matrix, A/HRC/43/15, UPR, "
                                          "Slovenia, session 34; 215 recommendation(s)")
    assert "121.1\tsupported\tnew\tRatify the International Convention" in out
    assert "nothing was written" in out.splitlines()[-1]
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_preview_of_an_existing_record_changes_no_byte(tmp_path: Path, matrix: Path) -> None:
    db = tmp_path / "r.sqlite3"
    nmrf_ok("init", db=db)
    before = fingerprint(db)
    nmrf_ok("import", "document", matrix, "--json", db=db)
    assert fingerprint(db) == before


def test_json_has_the_issue_shape_and_what_apply_would_do(tmp_path: Path,
                                                          matrix: Path) -> None:
    got = json.loads(nmrf_ok("import", "document", matrix, "--json",
                             db=tmp_path / "r.sqlite3"))
    assert set(got) == {"document", "recommendations", "follow_up", "important_paragraphs",
                        "next_report_due", "warnings", "apply"}
    assert got["document"] == {"symbol": "A/HRC/43/15", "kind": "upr-matrix", "body": "UPR",
                               "date": None}
    assert len(got["recommendations"]) == 215
    first = got["recommendations"][0]
    assert set(first) == {"paragraph", "text", "recommending_states", "position", "themes",
                          "affected_groups", "sdgs"}
    assert first["paragraph"] == "121.1" and first["recommending_states"] == [
        "France", "Lithuania"]
    assert got["follow_up"] == {"paragraphs": [], "due": None}
    assert got["apply"][0] == {"paragraph": "121.1", "action": "new", "references": [],
                               "fills": []}


def test_apply_writes_once_and_a_second_apply_changes_nothing(tmp_path: Path,
                                                              matrix: Path) -> None:
    db = tmp_path / "r.sqlite3"
    out = nmrf_ok("import", "document", matrix, "--apply", db=db)
    assert out.startswith("created 215, filled in 0, unchanged 0")
    counts = stats(db)
    assert counts["recommendations"] == 215 and counts["by_body"] == {"UPR": 215}
    before = fingerprint(db)
    again = nmrf_ok("import", "document", matrix, "--apply", db=db)
    assert "already applied, nothing changed (215 recommendation(s) held)" in again
    assert fingerprint(db) == before
    preview = json.loads(nmrf_ok("import", "document", matrix, "--json", db=db))
    assert {a["action"] for a in preview["apply"]} == {"unchanged"}
    found = json.loads(nmrf_ok("search", "Enforced Disappearance", "--json", db=db))
    assert any(r["reference"] == "A/HRC/43/15 para 121.1" for r in found)


def test_apply_json_reports_the_result(tmp_path: Path, matrix: Path) -> None:
    got = json.loads(nmrf_ok("import", "document", matrix, "--apply", "--json",
                             db=tmp_path / "r.sqlite3"))
    assert len(got["result"]["created"]) == 215
    assert got["result"]["nothing_changed"] is False


@pytest.mark.parametrize("content, needle", [
    (b"", "empty"),
    (b"just some words, not a document", "neither"),
    (b"PK\x03\x04 not really a zip", "x.docx"),
])
def test_bad_input_is_one_line_naming_the_file_and_nothing_is_made(
        tmp_path: Path, content: bytes, needle: str) -> None:
    bad = tmp_path / "in" / "x.docx"
    bad.parent.mkdir()
    bad.write_bytes(content)
    db = tmp_path / "out" / "r.sqlite3"
    done = nmrf("import", "document", bad, "--apply", db=db)
    first = assert_user_error(done, "x.docx")
    assert needle in first
    assert len(done.stderr.splitlines()) == 1
    assert not db.exists() and not db.parent.exists()


def test_a_folder_or_missing_file_is_refused_at_once(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    assert_user_error(nmrf("import", "document", tmp_path, db=db), str(tmp_path), "folder")
    assert_user_error(nmrf("import", "document", tmp_path / "gone.pdf", "--apply", db=db),
                      "gone.pdf", "not found")
    assert not db.exists()
