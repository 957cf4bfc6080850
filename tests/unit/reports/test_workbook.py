"""The progress workbook: five sheets, drop-downs, and an exact round trip through the import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.template import parse_recommendations
from nmrf_desktop.importers.template_layout import COLUMNS
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workbook.exporting import export_workbook
from nmrf_desktop.services.workbook.importing import import_workbooks

from .conftest import MACRON_TEXT, PUBLIC

SHEETS = ["Recommendations", "Assignments", "Actions", "Progress", "Evidence"]
TODAY = dt.date(2025, 7, 1)
NEW_NARRATIVE = "Kua oti te mahi: the Māori and whānau advisory group's plan is in place."


def _tables(record: Record) -> dict[str, list[tuple]]:
    """Every row of every table (the search index too), sorted: a whole-record snapshot."""
    with record.reading() as session:
        names = session.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )).scalars().all()
        return {n: sorted(map(tuple, session.execute(text(f'SELECT * FROM "{n}"'))), key=repr)
                for n in names}


def _diff(before: dict[str, list[tuple]], after: dict[str, list[tuple]]
          ) -> dict[str, tuple[list[tuple], list[tuple]]]:
    """Per changed table: (rows gone, rows new)."""
    out = {}
    for name in after:
        old, new = set(before[name]), set(after[name])
        if old != new:
            out[name] = (sorted(old - new, key=repr), sorted(new - old, key=repr))
    return out


def _export(record: Record, path: Path, filters: Filters | None = None) -> Path:
    export_workbook(record, filters or Filters(), path)
    return path


def _sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _set(path: Path, out: Path, sheet: str, row: int, **cells: object) -> Path:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for label, value in cells.items():
        ws.cell(row=row, column=header.index(label.replace("_", " ")) + 1).value = value
    wb.save(out)
    return out


def _progress_row(path: Path) -> tuple[int, dict[str, object]]:
    """The sheet row of the latest update on the first recommendation that has one."""
    rows = _sheet_rows(path, "Progress")
    first = rows[0]["Recommendation ID"]
    index = max(i for i, r in enumerate(rows) if r["Recommendation ID"] == first)
    return index + 2, rows[index]


# --- the workbook ---------------------------------------------------------------------------

def test_workbook_has_five_styled_sheets_with_drop_downs(report_record: Record, tmp_path: Path):
    out = tmp_path / "all.xlsx"
    counts = export_workbook(report_record, Filters(), out)
    assert list(counts) == SHEETS
    assert counts["Recommendations"] == 229 and counts["Actions"] == 6
    assert counts["Progress"] == 6 and counts["Evidence"] == 9
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["Recommendations"][1]] == [c.label for c in COLUMNS]
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref.endswith(str(counts[name] + 1)), name
        assert ws[1][0].font.bold
    lists = {(name, str(dv.sqref).split(":")[0][0]): dv.formula1 for name in SHEETS
             for dv in wb[name].data_validations.dataValidation if dv.type == "list"}
    assert lists[("Progress", "F")] == ('"Not started,In progress,Implemented,Partially '
                                        'implemented,Ongoing,No further action"')
    assert lists[("Actions", "E")] == '"Planned,In progress,Completed,Cancelled"'
    assert lists[("Actions", "D")].startswith('"Legislation,Policy,Programme,Funding')
    assert lists[("Assignments", "D")] == '"Lead,Contributing"'
    assert lists[("Recommendations", "O")] == ('"Supported,Supported in part,Noted,'
                                               'Not applicable"')
    progress = wb["Progress"]
    assert progress.column_dimensions["G"].width == 80
    assert progress["G2"].alignment.wrap_text
    assert progress["E2"].number_format == "yyyy-mm-dd"


def test_workbook_keeps_macrons_and_matches_the_filters(report_record: Record, tmp_path: Path):
    out = _export(report_record, tmp_path / "tiriti.xlsx", Filters(te_tiriti=True))
    recs = _sheet_rows(out, "Recommendations")
    flagged = search_recommendations(report_record, Filters(te_tiriti=True), limit=None)
    assert {r["ID"] for r in recs} == {r.id for r in flagged}
    narratives = {r["Narrative"] for r in _sheet_rows(out, "Progress")}
    assert PUBLIC in narratives  # "Ōtautahi", "Māori", "whānau" as written
    titles = {r["Title"] for r in _sheet_rows(out, "Actions")}
    assert "Whānau Ora expansion 0" in titles
    everything = _export(report_record, tmp_path / "all.xlsx")
    assert MACRON_TEXT in {r["Text"] for r in _sheet_rows(everything, "Recommendations")}
    # ...and the template importer reads the same characters back.
    parsed = parse_recommendations(everything)
    assert MACRON_TEXT in {r.text for r in parsed.records}
    assert PUBLIC in {r.values["Narrative"] for r in parsed.sheets["Progress"]}


def test_selection_and_cancel(report_record: Record, tmp_path: Path):
    ids = [r.id for r in search_recommendations(report_record, Filters(text="Maori"), limit=2)]
    out = tmp_path / "two.xlsx"
    counts = export_workbook(report_record, Filters(), out, ids=ids)
    assert counts["Recommendations"] == 2
    assert {r["ID"] for r in _sheet_rows(out, "Recommendations")} == set(ids)

    class CancelAtOnce:
        def start(self, total: int, label: str = "") -> None:
            pass

        def advance(self, amount: int = 1) -> None:
            raise Cancelled

        def finish(self) -> None:
            raise AssertionError("a cancelled export does not finish")

    with pytest.raises(Cancelled):
        export_workbook(report_record, Filters(), tmp_path / "gone.xlsx",
                        progress=CancelAtOnce())
    assert sorted(p.name for p in tmp_path.iterdir() if "gone" in p.name) == []


# --- round trip -----------------------------------------------------------------------------

def test_unmodified_workbook_changes_nothing(report_record: Record, tmp_path: Path):
    out = _export(report_record, tmp_path / "all.xlsx")
    before = _tables(report_record)
    report = import_workbooks(report_record, [out], today=TODAY)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 229)
    assert report.progress_added == 0 and report.rejected == []
    changed = _diff(before, _tables(report_record))
    # Only the import itself is recorded: one run, one audit event.
    assert sorted(changed) == ["audit_log", "import_runs"]
    assert [len(gone) for gone, _new in changed.values()] == [0, 0]
    assert [len(new) for _gone, new in changed.values()] == [1, 1]
    # The plain template import reads the same workbook the same way.
    assert import_files(report_record, "xlsx", [out]).unchanged == 229


def test_edited_status_and_narrative_become_one_new_update(report_record: Record,
                                                           tmp_path: Path):
    out = _export(report_record, tmp_path / "all.xlsx")
    line, row = _progress_row(out)
    assert row["Status"] == "Implemented"
    edited = _set(out, tmp_path / "edited.xlsx", "Progress", line, Status="Ongoing",
                  Narrative=NEW_NARRATIVE)
    before = _tables(report_record)
    report = import_workbooks(report_record, [edited], today=TODAY)
    assert (report.created, report.updated, report.progress_added) == (0, 0, 1)
    changed = _diff(before, _tables(report_record))
    assert sorted(changed) == ["audit_log", "change_log", "import_runs", "progress_updates",
                               "recommendations"]
    gone, new = changed["progress_updates"]
    assert gone == [] and len(new) == 1
    with report_record.reading() as session:
        added = session.execute(text(
            "SELECT recommendation_id, agency_code, status, narrative, as_of, is_public "
            "FROM progress_updates WHERE id = :id"), {"id": new[0][0]}).one()
    assert tuple(added) == (row["Recommendation ID"], row["Agency"], "ongoing",
                            NEW_NARRATIVE, TODAY.isoformat(), 0)
    # The recommendation's current status follows; nothing else about it changes.
    gone, new = changed["recommendations"]
    assert len(gone) == len(new) == 1 and gone[0][0] == row["Recommendation ID"]
    with report_record.reading() as session:
        names = [c[1] for c in session.execute(text("PRAGMA table_info(recommendations)"))]
    differs = {n for n, a, b in zip(names, gone[0], new[0], strict=True) if a != b}
    assert differs == {"status", "last_update_on", "updated_at"}
    assert dict(zip(names, new[0], strict=True))["status"] == "ongoing"
    assert len(changed["change_log"][1]) == 1 and changed["change_log"][0] == []
    assert [len(x) for x in changed["audit_log"]] == [0, 2]  # progress.add, import

    # Importing the same edited workbook again adds nothing more.
    again = _tables(report_record)
    assert import_workbooks(report_record, [edited], today=TODAY).progress_added == 0
    assert sorted(_diff(again, _tables(report_record))) == ["audit_log", "import_runs"]


def test_edited_as_of_dates_the_new_update_and_added_rows_are_updates(report_record: Record,
                                                                       tmp_path: Path):
    out = _export(report_record, tmp_path / "all.xlsx")
    line, row = _progress_row(out)
    edited = _set(out, tmp_path / "e1.xlsx", "Progress", line, Status="Ongoing",
                  As_of=dt.datetime(2025, 5, 2))
    total = len(_sheet_rows(out, "Progress"))
    reference = _sheet_rows(out, "Recommendations")[5]["Reference"]
    edited = _set(edited, tmp_path / "e2.xlsx", "Progress", total + 2, Reference=reference,
                  Agency="TPK", Status="Not started", Narrative="Ka tīmata ā tērā tau.")
    report = import_workbooks(report_record, [edited], today=TODAY)
    assert report.progress_added == 2
    with report_record.reading() as session:
        added = session.execute(text(
            "SELECT r.reference, p.agency_code, p.status, p.narrative, p.as_of "
            "FROM progress_updates p JOIN recommendations r ON r.id = p.recommendation_id "
            "WHERE p.as_of >= '2025-05-02' ORDER BY p.as_of")).all()
    assert [tuple(a) for a in added] == [
        (row["Reference"], row["Agency"], "ongoing", row["Narrative"], "2025-05-02"),
        (reference, "TPK", "not_started", "Ka tīmata ā tērā tau.", TODAY.isoformat())]


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "cells", "column", "message"), [
    ("Progress", {"Status": "Maybe"}, "Status", "is not an implementation status"),
    ("Progress", {"As of": "next week"}, "As of", "is not a date"),
    ("Progress", {"Narrative": "=cmd|' /C calc'!A0"}, "Narrative", "is a formula"),
    ("Progress", {"Agency": "TPK"}, "Agency", "an update's recommendation and agency stay"),
    ("Progress", {"Public": "Yes"}, "Public", "progress updates are never rewritten"),
    ("Progress", {"Status": "Ongoing", "As of": dt.datetime(2999, 1, 1)}, "As of",
     "in the future"),
    ("Progress", {"Narrative": "  ", "Status": "Ongoing"}, "Narrative", "narrative is empty"),
    ("Progress", {"Update ID": "no-such-update"}, "Update ID", "is not a progress update"),
    ("Actions", {"Status": "Done"}, "Status", "is not an action status"),
    ("Actions", {"Title": "Something else"}, "Title", "this sheet is for reading"),
    ("Actions", {"Kind": "Funding"}, "Kind", "actions are changed in NMRF Desktop"),
    ("Assignments", {"Role": "Contributing"}, "Role", "was changed (the record holds 'lead')"),
    ("Evidence", {"SHA-256": "0" * 64}, "SHA-256", "evidence is attached in NMRF Desktop"),
    ("Evidence", {"Evidence ID": None}, "Evidence ID", "new rows cannot be added here"),
])
def test_bad_cells_in_the_extra_sheets_change_nothing(report_record: Record, tmp_path: Path,
                                                      sheet: str, cells: dict[str, object],
                                                      column: str, message: str):
    out = _export(report_record, tmp_path / "all.xlsx")
    line = _progress_row(out)[0] if sheet == "Progress" else 2
    bad = _set(out, tmp_path / "bad.xlsx", sheet, line,
               **{k.replace(" ", "_"): v for k, v in cells.items()})
    before = _tables(report_record)
    with pytest.raises(ImportFailed) as failed:
        import_workbooks(report_record, [bad], today=TODAY)
    assert _tables(report_record) == before
    problems = failed.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        (f"bad.xlsx, sheet {sheet}", line, column)]
    assert message in problems[0].message
    assert f"bad.xlsx, sheet {sheet}, row {line}, column '{column}'" in str(failed.value)


def test_added_rows_must_name_a_recommendation_and_an_agency(report_record: Record,
                                                              tmp_path: Path):
    out = _export(report_record, tmp_path / "all.xlsx")
    end = len(_sheet_rows(out, "Progress")) + 2
    bad = _set(out, tmp_path / "b1.xlsx", "Progress", end, Reference="NZL-NOPE-1",
               Agency="XYZ", Status="Ongoing", Narrative="x")
    bad = _set(bad, tmp_path / "b2.xlsx", "Progress", end + 1, Agency="MOJ", Narrative="y")
    with pytest.raises(ImportFailed) as failed:
        import_workbooks(report_record, [bad], today=TODAY)
    assert [(p.row, p.column) for p in failed.value.problems] == [
        (end, "Reference"), (end, "Agency"), (end + 1, "Reference"), (end + 1, "Status")]
    assert "'XYZ' is not an agency code" in failed.value.problems[1].message


def test_a_wrong_header_in_an_extra_sheet_is_named(report_record: Record, tmp_path: Path):
    out = _export(report_record, tmp_path / "all.xlsx")
    bad = _set(out, tmp_path / "hdr.xlsx", "Actions", 1, Title="Titel")
    with pytest.raises(ImportFailed) as failed:
        import_workbooks(report_record, [bad])
    problem = failed.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("hdr.xlsx, sheet Actions", 1, "Titel")
    assert "unknown column in cell C1" in problem.message


# --- command line ---------------------------------------------------------------------------

def test_report_xlsx_command(report_record: Record, run_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "moj.xlsx"
    assert run_cli("report", "xlsx", "--out", str(out), "--assigned-to", "MOJ",
                   "--cycle", "1") == 0
    said = capsys.readouterr().out
    assert said.startswith("wrote 73 recommendations, ") and " progress, " in said
    moj = search_recommendations(report_record, Filters(agency="MOJ", cycles=(1,)), limit=None)
    assert {r["ID"] for r in _sheet_rows(out, "Recommendations")} == {r.id for r in moj}
    assert run_cli("report", "xlsx", "--out", str(tmp_path / "no" / "x.xlsx")) == 1
    assert "does not exist" in capsys.readouterr().err
