"""Reports and the workbook refuse what is already wrong in the database (issue 19, part C):
a path for a hash, control characters XLSX cannot hold, inf and over-long text are printed
safely, the rest of the output complete, never a traceback.

The hostile values are written with SQL straight into the migrated database, as an attacker
who got past the import would have left them.
"""

from __future__ import annotations

import csv
import logging
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.services.workbook.exporting import export_template, export_workbook

from .conftest import PUBLIC, pdf_text

PATH_HASH = "../../../../var/x"
CONTROL = "Pūrongo\x01\x0b\x1b[31m tuarua\x00"
LONG_NAME = "ā" * 5000


def db_file(record: Record) -> Path:
    return Path(str(record.engine.url.database))


@pytest.fixture
def hostile(report_record: Record) -> dict[str, str]:
    """Hostile rows beside the report record's good ones: what was written, by name."""
    rec = search_recommendations(report_record, Filters(text="Maori"), limit=1)[0].id
    ids = {"evidence": str(uuid.uuid4()), "long": str(uuid.uuid4()),
           "action": str(uuid.uuid4()), "progress": str(uuid.uuid4()), "rec": rec}
    with closing(sqlite3.connect(db_file(report_record))) as conn, conn:
        for eid, name, sha in ((ids["evidence"], CONTROL, PATH_HASH),
                               (ids["long"], LONG_NAME, "/etc/passwd")):
            conn.execute(
                "INSERT INTO evidence (id, action_id, recommendation_id, agency_code, sha256, "
                "size, media_type, display_name, url, is_public, removed, version, created_at,"
                " updated_at) VALUES (?, NULL, ?, 'TPK', ?, 9e999, 'application/pdf', ?, '',"
                " 1, 0, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                (eid, rec, sha, name))
        conn.execute(
            "INSERT INTO actions (id, agency_code, title, description, kind, status, "
            "start_date, is_public, version, created_at, updated_at) VALUES (?, 'TPK', ?, ?, "
            "'programme', 'planned', '2025-01-01', 1, 1, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')",
            (ids["action"], "Mahi\x0c tahi" + "\x1f", "Whakaahua\x00" + "x" * 40_000))
        conn.execute("INSERT INTO action_links (action_id, recommendation_id) VALUES (?, ?)",
                     (ids["action"], rec))
        conn.execute(
            "INSERT INTO progress_updates (id, recommendation_id, agency_code, status, "
            "narrative, as_of, is_public, created_at) VALUES (?, ?, 'MOJ', 'in_progress', ?, "
            "'2026-06-01', 1, '2026-06-01 00:00:00')",
            (ids["progress"], rec, "Kua tīmata\x02 te mahi\x0b"))
        conn.execute("UPDATE recommendations SET year = 9e999, cycle = -9e999, "
                     "text = text || char(1) WHERE id = ?", (rec,))
    return ids


def _everything_under(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in folder.glob("*.csv"))


def test_the_public_export_prints_hostile_values_safely(report_record: Record,
                                                        hostile: dict[str, str],
                                                        tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    out = tmp_path / "public"
    beside = sorted(p.name for p in tmp_path.iterdir())
    with caplog.at_level(logging.WARNING):
        result = export_public(report_record, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*beside, "public"])
    assert set(result.files) >= {"nmrf-public.xlsx", "nmrf-public.pdf", "evidence.csv"}
    assert not Path("/var/x").exists()
    with (out / "evidence.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_name = {r["name"]: r for r in rows}
    assert by_name["Pūrongo[31m tuarua"]["sha256"] == ""  # control characters gone, no path
    capped = next(r for r in rows if r["name"].startswith("āāā"))
    assert capped["sha256"] == "" and len(capped["name"]) <= 32_767
    assert any(len(r["sha256"]) == 64 for r in rows)  # the good evidence is all still there
    text = _everything_under(out)
    assert PATH_HASH not in text and "/etc/passwd" not in text
    assert "Kua tīmata te mahi" in text and PUBLIC in text
    assert "\x00" not in text and "\x01" not in text and "\x0b" not in text
    book = openpyxl.load_workbook(out / "nmrf-public.xlsx", read_only=True)
    values = [c for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    book.close()
    assert "Mahi tahi" in values and PATH_HASH not in values
    assert "inf" not in {str(v) for v in values}
    assert "public evidence 'Pūrongo" in caplog.text  # the row is named in the log
    assert "Kua tīmata te mahi" in pdf_text(out / "nmrf-public.pdf")


def test_a_pdf_report_prints_hostile_values_safely(report_record: Record,
                                                   hostile: dict[str, str], tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "body.pdf"
    beside = sorted(p.name for p in tmp_path.iterdir())
    with caplog.at_level(logging.WARNING):
        result = build_pdf(report_record, ReportRequest("body", Filters(text="Maori")), out)
    assert result.path == out and out.is_file()
    text = pdf_text(out)
    assert "Whānau Ora expansion" in text  # the good rows are all there
    assert "Pūrongo" in text and PATH_HASH not in text and "/etc/passwd" not in text
    assert f"evidence {hostile['evidence']}" in caplog.text  # named where it was refused
    assert f"evidence {hostile['long']}" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*beside, "body.pdf"])


def test_the_workbook_and_template_export_print_hostile_values_safely(
        report_record: Record, hostile: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "progress.xlsx"
    beside = sorted(p.name for p in tmp_path.iterdir())
    counts = export_workbook(report_record, Filters(text="Maori"), out)
    assert all(n >= 0 for n in counts.values())
    book = openpyxl.load_workbook(out)  # an XLSX with a control character would not load
    values = [c for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert "Mahi tahi" in values and PATH_HASH not in values
    assert not any((isinstance(v, float) and v != v) or v in (float("inf"), float("-inf"))
                   for v in values)
    assert any(isinstance(v, str) and "Kua tīmata te mahi" in v for v in values)
    template = tmp_path / "template.xlsx"
    written = export_template(report_record, Filters(text="Maori"), template)
    assert written >= 3
    openpyxl.load_workbook(template).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*beside, "progress.xlsx", "template.xlsx"])


def test_a_recommendation_no_import_would_take_is_left_out_of_the_template_and_named(
        report_record: Record, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rec = search_recommendations(report_record, Filters(text="Maori"), limit=1)[0]
    with closing(sqlite3.connect(db_file(report_record))) as conn, conn:
        conn.execute("UPDATE recommendations SET mechanism = 'not-a-mechanism' WHERE id = ?",
                     (rec.id,))
    out = tmp_path / "template.xlsx"
    with caplog.at_level(logging.WARNING):
        written = export_template(report_record, Filters(text="Maori"), out)
    everyone = len(search_recommendations(report_record, Filters(text="Maori"), limit=1000))
    assert written == everyone - 1
    assert rec.id in caplog.text and "left out" in caplog.text
