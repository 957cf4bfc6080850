"""The XLSX template: export, edit in a spreadsheet, import back; bad workbooks refused."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from nmrf_desktop.cli.main import main
from nmrf_desktop.domain.enums import Mechanism, Position, Source
from nmrf_desktop.domain.records import Filters, RecommendationIn, StateRef
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.template import identity, parse_recommendations
from nmrf_desktop.importers.template_layout import COLUMNS
from nmrf_desktop.services.catalog import search_recommendations, stats
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.workbook.exporting import export_template
from nmrf_desktop.store.recommendations import stable_id, upsert

LABELS = [c.label for c in COLUMNS]
HAND_HEADER = ["Country", "Body", "Text", "Position", "UPR session", "Recommending states",
               "Regional groups", "Affected groups", "Date", "Te Tiriti"]


def _export(record: Record, path: Path, filters: Filters | None = None) -> Path:
    assert export_template(record, filters or Filters(), path) >= 0
    return path


def _sheet(path: Path, header: list[str], *rows: list[object], title: str = "Sheet1") -> Path:
    """A workbook as a person would type it in Excel (written by openpyxl, normal mode)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _edit(path: Path, out: Path, row: int, label: str, value: object) -> Path:
    wb = load_workbook(path)
    ws = wb["Recommendations"]
    ws.cell(row=row, column=LABELS.index(label) + 1).value = value
    wb.save(out)
    return out


def _rows(record: Record) -> list:
    return search_recommendations(record, Filters(), limit=None)


def _column(path: Path, label: str) -> list[object]:
    ws = load_workbook(path)["Recommendations"]
    return [r[LABELS.index(label)] for r in ws.iter_rows(min_row=2, values_only=True)]


# --- export ----------------------------------------------------------------------------------

def test_export_writes_one_styled_sheet_with_drop_downs(nz_record: Record, tmp_path: Path):
    out = tmp_path / "nz.xlsx"
    assert export_template(nz_record, Filters(), out) == 228

    wb = load_workbook(out)
    assert wb.sheetnames == ["Recommendations"]
    ws = wb["Recommendations"]
    assert [c.value for c in ws[1]] == LABELS
    assert ws.max_row == 229
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:W{ws.max_row}"
    letter = {label: chr(ord("A") + i) for i, label in enumerate(LABELS)}
    assert ws.column_dimensions[letter["Text"]].width == 80
    assert ws[f"{letter['Text']}2"].alignment.wrap_text
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert lists[f"{letter['Position']}2"] == '"Supported,Supported in part,Noted,Not applicable"'
    assert lists[f"{letter['Mechanism']}2"] == '"UPR,Treaty body,Special procedure"'
    assert lists[f"{letter['Te Tiriti']}2"] == '"Yes,No"'

    first = dict(zip(LABELS, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))
    assert first["Reference"] == "NZL-UPR5-001"
    assert first["Source"] == "upr-info" and len(first["Source ID"]) == 40
    assert first["ID"] == stable_id("upr-info", first["Source ID"])
    assert (first["Mechanism"], first["Body"], first["UPR session"]) == ("UPR", "UPR", 5)
    assert (first["Cycle"], first["Year"], first["Position"]) == (1, 2009, "Supported")
    assert (first["Recommending states"], first["Regional groups"]) == ("Brazil", "GRULAC")
    assert first["Themes"] == "Racial discrimination\nRight to education"
    assert first["Te Tiriti"] == "No"


def test_export_filters_like_search(nz_record: Record, tmp_path: Path):
    assert export_template(nz_record, Filters(sessions=(18,)), tmp_path / "a.xlsx") == 155
    assert set(_column(tmp_path / "a.xlsx", "UPR session")) == {18}
    assert export_template(nz_record, Filters(bodies=("CRC",)), tmp_path / "b.xlsx") == 0
    assert load_workbook(tmp_path / "b.xlsx")["Recommendations"].max_row == 1


def test_export_never_writes_a_formula(record: Record, tmp_path: Path):
    nasty = RecommendationIn(
        source=Source.MANUAL, source_id="m1", text="=HYPERLINK(\"http://x\",\"click\")",
        country="New Zealand", mechanism=Mechanism.TREATY_BODY, body="CRC",
        states=(StateRef("+Atlantis", "@group"),), themes=("-1+2", "- a UHRI list item"))
    with record.unit_of_work() as session:
        upsert(session, [nasty])
    out = _export(record, tmp_path / "x.xlsx")

    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(out)["Recommendations"]
    text = ws.cell(row=2, column=LABELS.index("Text") + 1)
    assert (text.value, text.data_type, text.quotePrefix) == (nasty.text, "s", True)
    themes = ws.cell(row=2, column=LABELS.index("Themes") + 1)
    assert themes.value == "- a UHRI list item\n-1+2" and themes.quotePrefix
    # ...and reading it back refuses the formula-like text instead of trusting it.
    parsed = parse_recommendations(out)
    assert parsed.records == []
    assert [(p.row, p.column) for p in parsed.rejected] == [
        (2, "Text"), (2, "Recommending states"), (2, "Regional groups"), (2, "Themes")]


def test_cancelled_export_leaves_no_file(nz_record: Record, tmp_path: Path):
    class CancelAtOnce:
        def start(self, total: int, label: str = "") -> None:
            self.total = total

        def advance(self, amount: int = 1) -> None:
            raise Cancelled

        def finish(self) -> None:
            raise AssertionError("a cancelled export does not finish")

    out = tmp_path / "nz.xlsx"
    with pytest.raises(Cancelled):
        export_template(nz_record, Filters(), out, progress=CancelAtOnce())
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == []


# --- round trip ------------------------------------------------------------------------------

def test_unmodified_export_imports_as_unchanged(nz_record: Record, tmp_path: Path):
    before = _rows(nz_record)
    report = import_files(nz_record, "xlsx", [_export(nz_record, tmp_path / "nz.xlsx")])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 228)
    assert report.rejected == [] and report.repeats == []
    assert _rows(nz_record) == before


def test_export_recreates_the_same_record_in_an_empty_database(nz_record: Record,
                                                               tmp_path: Path, nz_csv: Path):
    out = _export(nz_record, tmp_path / "nz.xlsx")
    fresh = open_record(tmp_path / "fresh.sqlite3")
    try:
        report = import_files(fresh, "xlsx", [out])
        assert (report.created, report.updated, report.unchanged) == (228, 0, 0)
        assert _rows(fresh) == _rows(nz_record)
        again = _export(fresh, tmp_path / "again.xlsx")
        ws_a = load_workbook(out)["Recommendations"]
        ws_b = load_workbook(again)["Recommendations"]
        assert list(ws_a.values) == list(ws_b.values)
        # The original source still matches the record exactly.
        assert import_files(fresh, "upr-info", [nz_csv]).unchanged == 228
    finally:
        fresh.close()


def test_one_edited_text_updates_only_that_row(nz_record: Record, tmp_path: Path):
    before = {r.id: r for r in _rows(nz_record)}
    out = _export(nz_record, tmp_path / "nz.xlsx")
    edited_id = _column(out, "ID")[4]
    new_text = "Work in partnership with Māori to support whānau wellbeing."
    report = import_files(nz_record, "xlsx", [_edit(out, tmp_path / "e.xlsx", 6, "Text",
                                                    new_text)])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 227)
    after = {r.id: r for r in _rows(nz_record)}
    assert after[edited_id].text == new_text
    assert [i for i in before if before[i] != after[i]] == [edited_id]
    hits = search_recommendations(nz_record, Filters(text="whanau maori"))
    assert [h.id for h in hits] == [edited_id]


def test_hand_typed_rows_import_and_round_trip(record: Record, tmp_path: Path):
    path = _sheet(
        tmp_path / "agency.xlsx", HAND_HEADER,
        ["New Zealand", "Committee on the Rights of the Child",
         "Address the over-representation of Māori children in state care and support whānau.",
         "Noted", None, None, None, "Children\nMāori", dt.datetime(2023, 2, 24), "Yes"],
        ["New Zealand", "UPR", "  Ratify the   Optional Protocol. ", "supported in part", 46,
         "Samoa\nAustralia", "Asia-Pacific\nWEOG", None, "2024-01-23", None],
        [None, None, None],
    )
    parsed = parse_recommendations(path)
    crc, upr = parsed.records
    assert (crc.source, crc.body, crc.mechanism) == (Source.TEMPLATE, "CRC", Mechanism.TREATY_BODY)
    assert crc.source_id == identity("New Zealand", "CRC", "", "", crc.text)
    assert (crc.position, crc.groups, crc.te_tiriti) == (Position.NOTED, ("Children", "Māori"),
                                                         True)
    assert crc.published_on == dt.date(2023, 2, 24)
    assert (upr.text, upr.mechanism, upr.cycle, upr.year) == (
        "Ratify the Optional Protocol.", Mechanism.UPR, 4, 2024)
    assert upr.states == (StateRef("Samoa", "Asia-Pacific"), StateRef("Australia", "WEOG"))
    assert upr.position == Position.SUPPORTED_IN_PART

    report = import_files(record, "xlsx", [path])
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert {r.id for r in _rows(record)} == {stable_id("xlsx", crc.source_id),
                                             stable_id("xlsx", upr.source_id)}
    assert import_files(record, "xlsx", [path]).unchanged == 2
    out = _export(record, tmp_path / "out.xlsx")
    # The record keeps links as sets: the export lists them alphabetically.
    assert _column(out, "Recommending states")[1] == "Australia\nSamoa"
    assert _column(out, "Text")[0] == crc.text
    report = import_files(record, "xlsx", [out])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_a_typed_reference_is_kept(record: Record, tmp_path: Path):
    path = _sheet(tmp_path / "refs.xlsx", ["Reference", "Country", "Body", "Text"],
                  ["MOJ-CAT-7", "New Zealand", "CAT", "Prevent ill-treatment in custody."])
    import_files(record, "xlsx", [path])
    assert [r.reference for r in _rows(record)] == ["MOJ-CAT-7"]
    out = _export(record, tmp_path / "out.xlsx")
    assert import_files(record, "xlsx", [out]).unchanged == 1


def test_row_numbers_count_blank_rows_and_stray_cells_are_named(record: Record,
                                                                  tmp_path: Path):
    path = _sheet(tmp_path / "gaps.xlsx", ["Country", "Body", "Text", "Position"],
                  ["New Zealand", "UPR", "Fine.", None], [], [], [],
                  ["New Zealand", "UPR", "Wrong position.", "Maybe"], [],
                  [None, None, None, None, None, "a note"])
    parsed = parse_recommendations(path)
    assert [r.text for r in parsed.records] == ["Fine."]
    assert [(p.row, p.column) for p in parsed.rejected] == [(6, "Position"), (8, "F")]
    assert "has no header label" in parsed.rejected[1].message


def test_repeated_rows_are_merged(record: Record, tmp_path: Path):
    row = ["New Zealand", "CERD", "Collect disaggregated data."]
    path = _sheet(tmp_path / "rep.xlsx", ["Country", "Body", "Text"], row, row)
    report = import_files(record, "xlsx", [path])
    assert report.created == 1
    assert report.repeats == ["rep.xlsx row 3 repeats row 2 (xlsx "
                              f"{identity('New Zealand', 'CERD', '', '', row[2])[:12]}): "
                              "merged into one"]


# --- bad input -------------------------------------------------------------------------------

def _refused(record: Record, path: Path) -> ImportFailed:
    before = (stats(record), _rows(record))
    with pytest.raises(ImportFailed) as failed:
        import_files(record, "xlsx", [path])
    assert (stats(record), _rows(record)) == before
    assert path.name in str(failed.value)
    return failed.value


@pytest.mark.parametrize(("content", "message"), [
    (b"To,Text\nNew Zealand,Ratify\n", "is not an XLSX workbook"),
    (b"", "the file is empty"),
    (bytes(range(256)) * 40, "is not an XLSX workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003 (.xls)"),
])
def test_files_that_are_not_workbooks_are_refused(nz_record: Record, tmp_path: Path,
                                                  content: bytes, message: str):
    path = tmp_path / "input.xlsx"
    path.write_bytes(content)
    assert message in str(_refused(nz_record, path))


def test_truncated_workbook_is_refused(nz_record: Record, tmp_path: Path):
    data = _export(nz_record, tmp_path / "nz.xlsx").read_bytes()
    for cut in (len(data) // 2, len(data) - 30):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        assert "damaged or truncated" in str(_refused(nz_record, path))


def test_wrong_and_missing_columns_are_named(nz_record: Record, tmp_path: Path):
    path = _sheet(tmp_path / "cols.xlsx", ["Country", "Body", "Txet", "Notes", "Body"],
                  ["New Zealand", "UPR", "Ratify.", "", "UPR"])
    problems = _refused(nz_record, path).problems
    assert [(p.row, p.column) for p in problems] == [(1, "Txet"), (1, "Notes"), (1, "Body"),
                                                     (1, "Text")]
    assert "unknown column in cell C1" in problems[0].message
    assert "appears twice" in problems[2].message
    assert "missing column(s) Text" in problems[3].message


@pytest.mark.parametrize(("cells", "column", "message"), [
    ({"Text": "=cmd|' /C calc'!A0"}, "Text", "is a formula"),
    ({"Country": "@SUM(1+1)*cmd"}, "Country", "would run as a spreadsheet formula"),
    ({"Themes": "Justice\n+cmd|' /C calc'!A0"}, "Themes", "would run as a spreadsheet formula"),
    ({"Position": "Maybe"}, "Position", "'Maybe' is not a position"),
    ({"UPR session": "forty-six"}, "UPR session", "is not a whole number"),
    ({"UPR session": 0}, "UPR session", "is not a whole number"),
    ({"UPR session": "²"}, "UPR session", "is not a whole number"),
    ({"Year": 99999999999999999999}, "Year", "is not a whole number from 1945"),
    ({"Text": "   "}, "Text", "is empty"),
    ({"Te Tiriti": "Perhaps"}, "Te Tiriti", "is not Yes or No"),
    ({"Mechanism": "Treaty body"}, "Mechanism", "does not match body UPR"),
    ({"Date": "next week"}, "Date", "is not a date"),
    ({"Source ID": None}, "Source ID", "fill in both or neither"),
    ({"Source": "ohchr"}, "Source", "is not a source"),
    ({"Regional groups": "WEOG\nGRULAC"}, "Regional groups", "same line"),
])
def test_bad_cells_name_file_row_and_column(nz_record: Record, tmp_path: Path,
                                            cells: dict[str, object], column: str,
                                            message: str):
    out = _export(nz_record, tmp_path / "nz.xlsx")
    for label, value in cells.items():
        out = _edit(out, tmp_path / "bad.xlsx", 7, label, value)
    failed = _refused(nz_record, out)
    assert [(p.file, p.row, p.column) for p in failed.problems] == [("bad.xlsx", 7, column)]
    assert message in failed.problems[0].message
    assert f"bad.xlsx, row 7, column '{column}'" in str(failed)


def test_formula_typed_as_text_cell_is_refused(record: Record, tmp_path: Path):
    path = _sheet(tmp_path / "f.xlsx", ["Country", "Body", "Text"], ["New Zealand", "UPR", "x"])
    wb = load_workbook(path)
    cell = wb.active["C2"]
    cell.value = "=1+1"
    cell.data_type = "s"
    wb.save(path)
    assert load_workbook(path).active["C2"].data_type == "s"
    problem = _refused(record, path).problems[0]
    assert (problem.row, problem.column) == (2, "Text")


def test_skip_bad_rows_imports_the_good_ones(record: Record, tmp_path: Path):
    path = _sheet(tmp_path / "mixed.xlsx", ["Country", "Body", "Text", "Position"],
                  ["New Zealand", "UPR", "Good one.", "Supported"],
                  ["New Zealand", "UPR", "=cmd|' /C calc'!A0", "Supported"],
                  ["New Zealand", "CAT", "Good two.", None],
                  ["New Zealand", "UPR", "Bad position.", "Maybe"],
                  ["New Zealand", "", "No body.", None])
    with pytest.raises(ImportFailed):
        import_files(record, "xlsx", [path])
    assert stats(record)["recommendations"] == 0
    report = import_files(record, "xlsx", [path], skip_bad_rows=True)
    assert report.created == 2
    assert [(p.row, p.column) for p in report.rejected] == [(3, "Text"), (5, "Position"),
                                                            (6, "Body")]
    assert sorted(r.text for r in _rows(record)) == ["Good one.", "Good two."]


# --- command line ----------------------------------------------------------------------------

def test_cli_export_and_import(nz_record: Record, db_path: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]):
    out, fresh = tmp_path / "upr.xlsx", tmp_path / "fresh.sqlite3"
    assert main(["--db", str(db_path), "export", "xlsx", "--out", str(out), "--body",
                 "UPR"]) == 0
    assert "wrote 228 recommendations" in capsys.readouterr().out
    assert main(["--db", str(fresh), "import", "xlsx", str(out)]) == 0
    assert "created 228, updated 0, unchanged 0, rejected 0" in capsys.readouterr().out
    assert main(["--db", str(db_path), "import", "xlsx", str(out)]) == 0
    assert "created 0, updated 0, unchanged 228" in capsys.readouterr().out

    bad = _edit(out, tmp_path / "bad.xlsx", 3, "Position", "Maybe")
    assert main(["--db", str(fresh), "import", "xlsx", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "nothing was changed" in err and "bad.xlsx, row 3, column 'Position'" in err
    assert main(["--db", str(fresh), "import", "xlsx", "--skip-bad-rows", str(bad)]) == 0
    assert "rejected 1" in capsys.readouterr().out
