"""UHRI 'Export to Excel' import: every quirk of the real export, and every way it goes wrong."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH
from sqlalchemy import func, select

from nmrf_desktop.domain.records import Filters, RecommendationRow
from nmrf_desktop.importers import uhri
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.services.catalog import check, search_recommendations, stats
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import ImportRun, Recommendation

from .uhri_workbook import CORRECT, AsText, row, write_uhri

NZ = "- New Zealand"
UPR = "- Universal Periodic Review"
# "Māori whānau" typed with combining macrons (NFD), as some exports hold it.
MAORI_NFD = "Ensure that Ma\u0304ori wha\u0304nau have equitable access to housing"
ANNOTATION = "b4288060-6633-478d-9a9a-df1978d336c3"


def quirk_rows() -> list[dict[str, object]]:
    """One row per quirk of the real export (see DESIGN.md §2)."""
    return [
        row(Text=f"26.1 {MAORI_NFD}", Countries_Concerned=NZ, Reccomending_Body=UPR,
            Document_Symbol="A/HRC/41/4",
            Themes="- Right to adequate housing\n- Indigenous peoples",
            Affected_Persons="- Indigenous peoples\n- Children",
            Sdgs="- 16.3 - Promote the rule of law at the national and international levels\n"
                 "- 11.1 -  Ensure access for all to adequate,   safe and affordable housing",
            Document_Publication_Date=43600, UPR_Reccomending_States="- Samoa\n- Fiji",
            UPR_Position="- Supported", Type="- Recommendations", OHCHR_Annotation_Id=ANNOTATION,
            UPR_Session="- 32", Regions_Concerned="- Western European and other States",
            Recommending_Regions="- Asia-Pacific States", Date_of_publication_on_UHRI=43700.5),
        row(Text="128.42 Continue efforts to combat family violence", Countries_Concerned=NZ,
            Reccomending_Body=UPR, Document_Symbol="A/HRC/26/3", Themes="- Domestic violence",
            UPR_Reccomending_States="- Canada\n- Chile", UPR_Position="Noted",
            UPR_Session="18th session", Recommending_Regions="- WEOG\n- GRULAC"),
        row(Text="46.7 Ratify the Optional Protocol to the Covenant", Countries_Concerned=NZ,
            Reccomending_Body=UPR, Document_Symbol="A/HRC/57/5",
            Document_Publication_Date=dt.datetime(2024, 7, 10),
            UPR_Reccomending_States="- Germany", UPR_Position="Supported/Noted", UPR_Session=46),
        row(Text="32.9 Strengthen the Human Rights Commission", Countries_Concerned=NZ,
            Reccomending_Body=UPR, Document_Symbol="A/HRC/41/4",
            Document_Publication_Date="2019-04-05", UPR_Reccomending_States="- Australia",
            UPR_Position="- Partially supported", UPR_Session="32"),
        row(Text="26. (a) Ensure that children in care are heard", Countries_Concerned=NZ,
            Reccomending_Body="- Committee on the Rights of the Child",
            Document_Symbol="CRC/C/NZL/CO/6", Themes="- Rights of the child",
            Affected_Persons="- Children", Document_Publication_Date="21/02/2023"),
        row(Text="84. Develop a national housing strategy", Countries_Concerned=NZ,
            Reccomending_Body="- Special Rapporteur on the right to adequate housing",
            Document_Symbol="A/HRC/47/43/Add.1", Document_Publication_Date=44300.5),
        row(Text="49.The Committee recommends pay equity legislation",
            Countries_Concerned="- New Zealand\n- Cook Islands", Reccomending_Body="- CEDAW",
            Document_Symbol="CEDAW/C/NZL/CO/8", Document_Publication_Date="25 July 2018"),
        row(Text="12. Adopt a plan on child soldiers", Countries_Concerned=NZ,
            Reccomending_Body="- CRC-OP-AC", Document_Symbol="CRC/C/OPAC/NZL/CO/1"),
        row(Text="90. Guarantee security of tenure", Countries_Concerned=NZ,
            Reccomending_Body="- SR on adequate housing\n- Special Procedures",
            Document_Symbol="A/HRC/47/43/Add.1"),
    ]


@pytest.fixture
def quirks(tmp_path: Path) -> Path:
    """The quirk rows under UHRI's own misspelt header, after a title and blank rows."""
    return write_uhri(tmp_path / "uhri-nz.xlsx", quirk_rows(),
                      lead_rows=[["Universal Human Rights Index - export"], [], []])


def by_paragraph(record: Record) -> dict[str, RecommendationRow]:
    rows = search_recommendations(record, Filters(), limit=None)
    return {r.paragraph: r for r in rows}


def published(record: Record) -> dict[str, dt.date | None]:
    with record.reading() as session:
        return dict(session.execute(select(Recommendation.paragraph,
                                           Recommendation.published_on)).all())


def test_quirks_import_with_misspelt_header(record: Record, quirks: Path) -> None:
    report = import_files(record, "uhri", [quirks])
    assert (report.created, report.updated, report.rejected) == (9, 0, [])
    rows = by_paragraph(record)
    assert sorted(rows) == ["12", "128.42", "26(a)", "26.1", "32.9", "46.7", "49", "84", "90"]

    first = rows["26.1"]
    assert first.text == "Ensure that Māori whānau have equitable access to housing"
    assert (first.country, first.mechanism, first.body) == ("New Zealand", "upr", "UPR")
    assert (first.session, first.cycle, first.year) == (32, 3, 2019)
    assert first.position == "supported"
    assert first.document_symbol == "A/HRC/41/4"
    assert first.reference == "A/HRC/41/4 para 26.1"
    assert first.recommending_states == ("Fiji", "Samoa")
    assert first.themes == ("Indigenous peoples", "Right to adequate housing")
    assert first.affected_groups == ("Children", "Indigenous peoples", "Māori")
    assert first.sdgs == (
        "11.1 - Ensure access for all to adequate, safe and affordable housing",
        "16.3 - Promote the rule of law at the national and international levels")


def test_positions_sessions_and_cycles(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    rows = by_paragraph(record)
    assert {p: rows[p].position for p in rows} == {
        "26.1": "supported", "128.42": "noted", "46.7": "supported_in_part",
        "32.9": "supported_in_part", "26(a)": "not_applicable", "84": "not_applicable",
        "49": "not_applicable", "12": "not_applicable", "90": "not_applicable"}
    assert (rows["128.42"].session, rows["128.42"].cycle, rows["128.42"].year) == (18, 2, 2014)
    assert (rows["46.7"].session, rows["46.7"].cycle, rows["46.7"].year) == (46, 4, 2024)
    assert (rows["26(a)"].session, rows["26(a)"].cycle) == (None, None)


def test_dates_from_serials_cells_and_text(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    assert published(record) == {
        "26.1": dt.date(2019, 5, 15),      # Excel serial as int
        "128.42": None,                    # no date: year comes from the session
        "46.7": dt.date(2024, 7, 10),      # real date cell
        "32.9": dt.date(2019, 4, 5),       # ISO text
        "26(a)": dt.date(2023, 2, 21),     # dd/mm/yyyy text
        "84": dt.date(2021, 4, 14),        # Excel serial as float
        "49": dt.date(2018, 7, 25),        # '25 July 2018'
        "12": None, "90": None,
    }
    assert by_paragraph(record)["84"].year == 2021


def test_bodies_mechanisms_and_states(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    rows = by_paragraph(record)
    assert {p: (r.body, r.mechanism) for p, r in rows.items() if r.body != "UPR"} == {
        "26(a)": ("CRC", "treaty_body"),
        "84": ("SP", "special_procedure"),
        "49": ("CEDAW", "treaty_body"),
        "12": ("CRC-OP-AC", "treaty_body"),
        "90": ("SP", "special_procedure"),
    }
    assert rows["49"].country == "New Zealand"
    assert rows["26(a)"].text == "Ensure that children in care are heard"
    assert rows["26(a)"].reference == "CRC/C/NZL/CO/6 para 26(a)"
    assert rows["128.42"].recommending_states == ("Canada", "Chile")
    assert rows["26(a)"].recommending_states == ()
    assert rows["26(a)"].affected_groups == ("Children",)


def test_regional_group_only_when_one_region(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    parsed = uhri.parse(quirks)
    states = {s.name: s.regional_group for r in parsed.records for s in r.states}
    assert states == {"Samoa": "Asia-Pacific States", "Fiji": "Asia-Pacific States",
                      "Canada": "", "Chile": "", "Germany": "", "Australia": ""}


def test_correct_header_spelling(record: Record, tmp_path: Path) -> None:
    path = write_uhri(tmp_path / "uhri-correct.xlsx", quirk_rows(), header=CORRECT)
    report = import_files(record, "uhri", [path])
    assert report.created == 9
    rows = by_paragraph(record)
    assert rows["26.1"].recommending_states == ("Fiji", "Samoa")
    assert rows["26(a)"].body == "CRC"


def test_macrons_are_nfc_and_found_without_them(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    hits = search_recommendations(record, Filters(text="whanau"), limit=None)
    assert [h.paragraph for h in hits] == ["26.1"]
    assert "Māori whānau" in hits[0].text        # composed (NFC) code points
    assert "a\u0304" not in hits[0].text


def test_reimport_is_idempotent(record: Record, quirks: Path) -> None:
    import_files(record, "uhri", [quirks])
    again = import_files(record, "uhri", [quirks])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)
    assert stats(record)["recommendations"] == 9
    assert check(record) == []


def test_changed_text_updates_the_same_recommendation(record: Record, quirks: Path,
                                                      tmp_path: Path) -> None:
    import_files(record, "uhri", [quirks])
    before = by_paragraph(record)["26.1"]
    rows = quirk_rows()
    rows[0]["Text"] = "26.1 Ensure that Māori whānau have secure, affordable housing"
    changed = write_uhri(tmp_path / "uhri-v2.xlsx", rows)
    report = import_files(record, "uhri", [changed])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 8)
    after = by_paragraph(record)["26.1"]
    assert (after.id, after.reference) == (before.id, before.reference)
    assert after.text == "Ensure that Māori whānau have secure, affordable housing"
    assert check(record) == []


def test_repeated_annotation_is_merged(record: Record, tmp_path: Path) -> None:
    first = quirk_rows()[0]
    again = dict(first, Themes="- Right to health")
    path = write_uhri(tmp_path / "repeat.xlsx", [first, again])
    report = import_files(record, "uhri", [path])
    assert report.created == 1
    assert len(report.repeats) == 1 and "repeat.xlsx row 3 repeats row 2" in report.repeats[0]
    assert by_paragraph(record)["26.1"].themes == (
        "Indigenous peoples", "Right to adequate housing", "Right to health")


def test_identity_without_annotation_is_stable(tmp_path: Path) -> None:
    path = write_uhri(tmp_path / "a.xlsx", quirk_rows())
    one, two = uhri.parse(path), uhri.parse(path)
    ids = [r.source_id for r in one.records]
    assert ids == [r.source_id for r in two.records]
    assert ids[0] == ANNOTATION
    assert all(len(i) == 40 for i in ids[1:])
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("text", "expected"), [
    ("26.1 Ensure that", ("26.1", "Ensure that")),
    ("128.42 Continue efforts", ("128.42", "Continue efforts")),
    ("26. (a) Ensure that", ("26(a)", "Ensure that")),
    ("49.The Committee", ("49", "The Committee")),
    ("7. “Quoted” text", ("7", "“Quoted” text")),
    ("2030 Agenda for Sustainable Development", ("", "2030 Agenda for Sustainable Development")),
    ("12.5% of the budget", ("", "12.5% of the budget")),
    ("Ensure that", ("", "Ensure that")),
])
def test_split_paragraph(text: str, expected: tuple[str, str]) -> None:
    assert uhri.split_paragraph(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (43600, dt.date(2019, 5, 15)),
    ("43600", dt.date(2019, 5, 15)),
    ("46125.4996282407", dt.date(2026, 4, 13)),
    ("- 2019-05-15", dt.date(2019, 5, 15)),
    ("2019-05-15T00:00:00", dt.date(2019, 5, 15)),
    ("15/05/2019", dt.date(2019, 5, 15)),
    (dt.datetime(2019, 5, 15, 13, 30), dt.date(2019, 5, 15)),
    (None, None),
    ("  ", None),
])
def test_to_date(value: object, expected: dt.date | None) -> None:
    assert uhri.to_date(value, WINDOWS_EPOCH) == expected


# --- bad input: a clear message naming file, row and column; the record unchanged ------------

def _snapshot(record: Record) -> tuple[dict[str, object], int]:
    with record.reading() as session:
        runs = session.execute(select(func.count()).select_from(ImportRun)).scalar_one()
    return stats(record), runs


def assert_rejected(record: Record, path: Path, *fragments: str) -> ImportFailed:
    """Importing `path` fails with every fragment in the message and changes nothing."""
    before = _snapshot(record)
    with pytest.raises(ImportFailed) as failed:
        import_files(record, "uhri", [path])
    message = str(failed.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message
    assert _snapshot(record) == before
    return failed.value


@pytest.fixture
def seeded(record: Record, quirks: Path) -> Record:
    """A record already holding the quirk rows, so 'unchanged' is not just 'empty'."""
    import_files(record, "uhri", [quirks])
    return record


def _good_bytes(tmp_path: Path) -> bytes:
    return write_uhri(tmp_path / "good.xlsx", quirk_rows()).read_bytes()


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


BAD_FILES: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "csv renamed": (lambda _: b"Text,Countries Concerned\n26.1 Ensure,New Zealand\n",
                    "is a text (CSV?) file, not an Excel .xlsx workbook"),
    "truncated": (lambda tmp: _good_bytes(tmp)[:3000], "damaged, truncated"),
    "empty": (lambda _: b"", "the file is empty"),
    "binary junk": (lambda _: bytes(range(256)) * 16, "not an Excel .xlsx workbook"),
    "old xls": (lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
                "Excel 97-2003 (.xls)"),
    "zip, not a workbook": (lambda _: _zip_without_workbook(), "cannot be read as an .xlsx"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_unreadable_file_is_rejected(seeded: Record, tmp_path: Path, case: str) -> None:
    make, fragment = BAD_FILES[case]
    path = tmp_path / "export.xlsx"
    path.write_bytes(make(tmp_path))
    assert_rejected(seeded, path, fragment)


def test_wrong_columns_names_the_missing_ones(seeded: Record, tmp_path: Path) -> None:
    path = write_uhri(tmp_path / "wrong.xlsx", [{"Recommendation": "Ensure", "Country": "NZ"}],
                      header=("Recommendation", "Country", "Themes"))
    failed = assert_rejected(seeded, path, "row 1", "missing column(s) Text, Countries "
                             "Concerned, Recommending Body, Document Symbol")
    assert failed.problems[0].row == 1


def test_header_with_some_columns_missing(seeded: Record, tmp_path: Path) -> None:
    header = ("Text", "Document Symbol", "Themes")
    path = write_uhri(tmp_path / "partial.xlsx", [{"Text": "1. Ensure"}], header=header,
                      lead_rows=[["title"]])
    assert_rejected(seeded, path, "row 2", "missing column(s) Countries Concerned, "
                    "Recommending Body")


def test_header_without_data_rows(seeded: Record, tmp_path: Path) -> None:
    path = write_uhri(tmp_path / "no-rows.xlsx", [], lead_rows=[["title"], []])
    assert_rejected(seeded, path, "row 3", "has a header row but no data rows")


def test_empty_worksheet(seeded: Record, tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    assert_rejected(seeded, path, "has no header row", "rows of the first worksheet are empty")


BAD_CELLS: dict[str, tuple[dict[str, object], str, str]] = {
    "formula cell": ({"Text": "=cmd|' /C calc'!A0"}, "Text", "is a spreadsheet formula"),
    "'=' text": ({"Text": AsText("=cmd|' /C calc'!A0")}, "Text", "starts with '='"),
    "'+' text": ({"Text": "+SUM(1)"}, "Text", "starts with '+'"),
    "'@' text": ({"Text": "@x"}, "Text", "starts with '@'"),
    "formula in a list": ({"UPR Reccomending States": "- Samoa\n- =HYPERLINK(\"http://x\")"},
                          "UPR Reccomending States", "starts with '='"),
    "formula in a theme": ({"Themes": AsText("=1+1")}, "Themes", "starts with '='"),
    "empty text": ({"Text": "   "}, "Text", "is empty"),
    "empty country": ({"Countries Concerned": None}, "Countries Concerned", "is empty"),
    "empty body": ({"Reccomending Body": "- "}, "Reccomending Body", "is empty"),
    "words for a date": ({"Document Publication Date": "next Tuesday"},
                         "Document Publication Date", "'next Tuesday' is not a date"),
    "impossible date": ({"Document Publication Date": "31/02/2019"},
                        "Document Publication Date", "'31/02/2019' is not a valid date"),
    "serial out of range": ({"Document Publication Date": 99999999},
                            "Document Publication Date", "not an Excel date serial number"),
    "implausible date": ({"Document Publication Date": 12},
                         "Document Publication Date", "not a plausible publication date"),
    "unknown position": ({"UPR Position": "- Pending"}, "UPR Position",
                         "'Pending' is not Supported, Noted"),
    "session without number": ({"UPR Session": "- next session"}, "UPR Session",
                               "is not a UPR session number"),
    "implausible session": ({"UPR Session": "1888"}, "UPR Session",
                            "'1888' is not a UPR session number"),
    "huge session": ({"UPR Session": "9" * 30}, "UPR Session", "is not a UPR session number"),
    "superscript session": ({"UPR Session": "- ³²"}, "UPR Session",
                            "'³²' is not a UPR session number"),
}


@pytest.mark.parametrize("case", sorted(BAD_CELLS))
def test_bad_cell_is_rejected(seeded: Record, tmp_path: Path, case: str) -> None:
    change, column, fragment = BAD_CELLS[case]
    rows = quirk_rows()
    rows[0].update(change)
    path = write_uhri(tmp_path / "bad-cell.xlsx", rows)
    failed = assert_rejected(seeded, path, "row 2", f"column '{column}'", fragment)
    assert [(p.row, p.column) for p in failed.problems] == [(2, column)]


def test_every_bad_row_is_reported_and_good_rows_can_be_kept(record: Record,
                                                            tmp_path: Path) -> None:
    rows = quirk_rows()
    rows[1]["Text"] = ""
    rows[4]["Document Publication Date"] = "someday"
    rows[6].update({"Text": "@x", "Countries Concerned": ""})
    path = write_uhri(tmp_path / "three-bad.xlsx", rows, header=CORRECT)
    failed = assert_rejected(record, path, "three-bad.xlsx, row 3, column 'Text'")
    assert [(p.row, p.column) for p in failed.problems] == [
        (3, "Text"), (6, "Document Publication Date"), (8, "Text"), (8, "Countries Concerned")]
    assert "(and 3 more problems)" in str(failed)

    report = import_files(record, "uhri", [path], skip_bad_rows=True)
    assert (report.created, len(report.rejected)) == (6, 4)
    assert stats(record)["recommendations"] == 6
