"""The public transparency export holds only what is marked public, in every file."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from nmrf_desktop.reports.public_files import Table, neutralise, write_csv, write_xlsx
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportError

from .conftest import OFFICER, PRIVATE, PUBLIC, pdf_text

LEAKS = (PRIVATE, "SECRET-ACTION", "private-briefing", OFFICER, "Aroha")
FILES = {"actions.csv", "evidence.csv", "progress.csv", "recommendations.csv",
         "indicators.csv", "indicator_values.csv", "nmrf-public.pdf", "nmrf-public.xlsx"}


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)


def test_public_export_holds_only_public_data(report_record: Record, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = export_public(report_record, out)
    assert {p.name for p in out.iterdir()} == FILES == set(result.files)
    texts = {name: (out / name).read_text(encoding="utf-8-sig") for name in FILES
             if name.endswith(".csv")}
    texts["xlsx"] = _xlsx_text(out / "nmrf-public.xlsx")
    texts["pdf"] = pdf_text(out / "nmrf-public.pdf")
    for name, text in texts.items():
        for leak in LEAKS:
            assert leak not in text, f"{leak!r} leaked into {name}"
        assert "Implemented" not in text.replace("implemented as", ""), name
    assert PUBLIC in texts["progress.csv"] and PUBLIC in texts["xlsx"] and PUBLIC in texts["pdf"]
    assert "Whānau Ora expansion 0" in texts["actions.csv"]
    assert "public-cabinet-paper.txt" in texts["evidence.csv"]
    assert result.counts == {"recommendations": 229, "progress": 3, "actions": 3,
                             "evidence": 3, "indicators": 0, "indicator_values": 0}
    with (out / "evidence.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) == {"name", "date", "sha256", "action", "recommendation"}
    assert all(len(r["sha256"]) == 64 for r in rows)
    with (out / "recommendations.csv").open(encoding="utf-8-sig", newline="") as handle:
        recs = {r["reference"]: r for r in csv.DictReader(handle)}
    assert "assigned_agencies" not in next(iter(recs.values()))
    assert sorted({r["public_status"] for r in recs.values()}) == ["", "in_progress"]
    assert (out / "recommendations.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_public_pdf_shows_public_status_not_the_private_one(report_record: Record,
                                                            tmp_path: Path) -> None:
    export_public(report_record, tmp_path / "p")
    text = pdf_text(tmp_path / "p" / "nmrf-public.pdf")
    assert "In progress as of 2024-10-01" in text
    assert "Assigned to" not in text and "Page 1 of" in text


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    rows = [("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain", -3)]
    table = Table("t", ("a", "b", "c", "d", "e", "f"), rows)
    write_csv(tmp_path / "t.csv", table)
    write_xlsx(tmp_path / "t.xlsx", [table])
    line = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith('"\'=HYPERLINK') and ",'+1,'-2,'@SUM(A1),plain,-3" in line
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F2"
    assert neutralise(5) == 5


def test_public_export_bad_folder_writes_nothing(report_record: Record, tmp_path: Path) -> None:
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ReportError, match="does not exist"):
        export_public(report_record, tmp_path / "missing" / "deeper")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(ReportError, match="not a folder"):
        export_public(report_record, a_file)
    assert sorted(tmp_path.rglob("*")) == sorted([*before, a_file])
