"""The Open SDG layout reader and writer, on real published files and every bad input."""

from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.open_sdg import csv_bytes, parse_bytes, parse_values, write_xlsx
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "indicators"
ONS_16_3_2 = DATA / "ons_indicator_16-3-2.csv"


def _fails(path_or_bytes: Path | bytes, name: str = "bad.csv") -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        if isinstance(path_or_bytes, Path):
            parse_values(path_or_bytes)
        else:
            parse_bytes(path_or_bytes, name)
    return [str(p) for p in caught.value.problems]


def test_reads_a_real_ons_file() -> None:
    parsed = parse_values(ONS_16_3_2)
    assert len(parsed.values) == 498 and parsed.missing == 0
    assert parsed.dimensions == ("Sex", "Age", "Nationality")
    first = parsed.values[0]
    assert (first.period, first.value, first.disaggregation, first.units, first.row) == (
        "2009", "15.9201832332026", "{}", "Percentage (%)", 2)
    assert first.observation_status == "Undefined"
    assert json.loads(first.attributes) == {"Unit multiplier": "Units"}
    sexes = {json.loads(v.disaggregation).get("Sex") for v in parsed.values}
    assert sexes == {None, "Female", "Male"}


def test_reads_the_open_sdg_starter_example() -> None:
    parsed = parse_values(DATA / "open_sdg_starter_indicator_1-1-1.csv")
    assert [(v.period, v.disaggregation, v.value) for v in parsed.values] == [
        ("2015", '{"Group":"A"}', "1"), ("2015", '{"Group":"B"}', "3"), ("2015", "{}", "2"),
        ("2016", '{"Group":"A"}', "1"), ("2016", '{"Group":"B"}', "3"), ("2016", "{}", "2")]


def test_xlsx_and_csv_of_the_same_series_read_the_same() -> None:
    from_csv = parse_values(DATA / "ons_indicator_16-9-1.csv")
    from_xlsx = parse_values(DATA / "ons_indicator_16-9-1.xlsx")
    assert from_xlsx.layout == "Open SDG layout, XLSX"
    assert len(from_csv.values) == 30
    assert [(v.key, v.value, v.attributes) for v in from_csv.values] == [
        (v.key, v.value, v.attributes) for v in from_xlsx.values]
    assert json.loads(from_csv.values[0].disaggregation)["Series"].startswith("Proportion")


def test_macrons_survive_csv_and_xlsx() -> None:
    for name in ("nz_constructed_remand_by_ethnicity.csv",
                 "nz_constructed_remand_by_ethnicity.xlsx"):
        parsed = parse_values(DATA / name)
        groups = {json.loads(v.disaggregation).get("Ethnicity") for v in parsed.values}
        assert "Māori" in groups, name
        assert {v.observation_status for v in parsed.values} == {"Normal value",
                                                                 "Provisional value"}


def test_encodings_bom_and_mac_roman() -> None:
    text = "Year,Ethnicity,Value\n2019,Māori,4.5\n2019,,3\n"
    for data in (codecs.BOM_UTF8 + text.encode("utf-8"),
                 codecs.BOM_UTF16_LE + text.encode("utf-16-le"), text.encode("utf-8")):
        parsed = parse_bytes(data, "enc.csv")
        assert parsed.values[0].disaggregation == '{"Ethnicity":"Māori"}'
    mac = "Year,Région,Value\n2019,Île-de-France,4.5\n".encode("mac_roman")
    assert parse_bytes(mac, "mac.csv").values[0].disaggregation == \
        '{"Région":"Île-de-France"}'


def test_blank_values_are_missing_observations_and_blank_lines_are_skipped() -> None:
    parsed = parse_bytes(b"\nYear,Sex,Observation status,Value\n2019,,Missing value,\n\n"
                         b"2020,,Normal value,7\n", "gaps.csv")
    assert parsed.missing == 1
    assert [(v.period, v.value, v.row) for v in parsed.values] == [("2020", "7", 5)]


def test_reserved_headers_in_another_case_are_the_reserved_columns() -> None:
    parsed = parse_bytes(b"year,OBSERVATION STATUS,value\n2019,Provisional value,1\n", "c.csv")
    assert parsed.values[0].observation_status == "Provisional value"
    assert parsed.values[0].status.value == "provisional"


# -- refusals: the real ones -----------------------------------------------------------------


def test_real_duplicate_in_a_published_file_is_refused() -> None:
    problems = _fails(DATA / "ons_indicator_16-1-1_rows1-70.csv")
    assert problems == [
        "ons_indicator_16-1-1_rows1-70.csv, row 67, column 'Year': repeats row 34: the same "
        "period (2012/13) and disaggregation (total) twice; keep one row"]


def test_real_bad_year_in_a_published_file_is_refused() -> None:
    problems = _fails(DATA / "ons_indicator_5-5-1.csv")
    assert problems[0] == ("ons_indicator_5-5-1.csv, row 17, column 'Year': '1974a' is not a "
                           "year or period (write 2019, 2019-Q1, 2019/20 or 2017-19)")
    assert problems[1].startswith("ons_indicator_5-5-1.csv, row 18, column 'Year': '1974b'")


# -- refusals: each bad input, named by file, row and column ---------------------------------

GOOD = "Year,Sex,Units,Value\n2019,,Number,10\n2019,Female,Number,4\n"


@pytest.mark.parametrize(("content", "expected"), [
    ("Year,Sex,Value\n2019,,10\n2020,,n/a\n",
     "bad.csv, row 3, column 'Value': 'n/a' is not a number (write it with a point for "
     "decimals and no thousands separators, e.g. 1234.5)"),
    ("Year,Sex,Value\n2019,,\"1,234\"\n",
     "bad.csv, row 2, column 'Value': '1,234' is not a number"),
    ("Year,Sex,Valeu\n2019,,10\n",
     "bad.csv, row 1, column 'Valeu': unknown column in cell C1: did you mean 'Value'? (any "
     "other name is a disaggregation)"),
    ("Year,Sex,,Value\n2019,,Female,10\n",
     "bad.csv, row 1, column 'column C': the header is blank but the column holds values"),
    ("Year,Sex,sex,Value\n2019,,,10\n",
     "bad.csv, row 1, column 'sex': appears twice in the header row (cells B1 and C1)"),
    ("Year,Value,Value\n2019,1,2\n",
     "bad.csv, row 1, column 'Value': appears twice in the header row (cells B1 and C1)"),
    ("Year,Sex,Value\n2019,Female,10\n2019,Female,11\n",
     "bad.csv, row 3, column 'Year': repeats row 2: the same period (2019) and "
     "disaggregation (Sex: Female) twice; keep one row"),
    ("Sex,Value\nFemale,10\n",
     "bad.csv, row 1, column 'Year': no Year column: the Open SDG layout has a Year and a "
     "Value column"),
    ("Year,Sex\n2019,Female\n", "bad.csv, row 1, column 'Value': no Value column"),
    ("Year,Sex,Value\n19,,10\n",
     "bad.csv, row 2, column 'Year': '19' is not a year or period"),
    ("Year,Sex,Value\n,Female,10\n",
     "bad.csv, row 2, column 'Year': is empty: every value needs its year or period"),
    ("Year,Sex,Value\n2019,=HYPERLINK(\"x\"),10\n",
     "bad.csv, row 2, column 'Sex': is a formula"),
    ("Year,@Sex,Value\n2019,,10\n", "bad.csv, row 1, column '@Sex': the header in cell B1 "
     "starts with '@' and would run as a spreadsheet formula"),
    ("Year,Sex,Value\n2019,,10,extra\n",
     "bad.csv, row 2, column 'column D': holds a value but its column has no header"),
    ("Year,Sex,Value\n", "bad.csv, row 1: holds a header row but no values"),
    ("\n \n", "bad.csv: the file is empty"),
    ("", "bad.csv: the file is empty"),
])
def test_bad_input_is_refused_naming_row_and_column(content: str, expected: str) -> None:
    problems = _fails(content.encode("utf-8"))
    assert problems[0].startswith(expected), problems


def test_the_same_period_in_two_units_is_two_series() -> None:
    parsed = parse_bytes(GOOD.encode() + b"2019,,Rate per 100000,3.5\n", "units.csv")
    assert [(v.units, v.value) for v in parsed.values] == [
        ("Number", "10"), ("Number", "4"), ("Rate per 100000", "3.5")]


def test_every_problem_is_listed_not_only_the_first() -> None:
    problems = _fails(b"Year,Sex,Value\n2019,,x\n20x9,,1\n2020,,2\n2020,,3\n")
    assert [p.split(":")[0] for p in problems] == [
        "bad.csv, row 2, column 'Value'", "bad.csv, row 3, column 'Year'",
        "bad.csv, row 5, column 'Year'"]


def test_a_binary_or_old_excel_file_is_refused() -> None:
    assert "Excel 97-2003" in _fails(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)[0]
    assert "not an XLSX workbook" in _fails(b"PK\x03\x04 broken", "x.xlsx")[0]


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / "values.xlsx"
    book.save(path)
    return path


def test_xlsx_bad_cells(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["Year", "Sex", "Value"], [2019, None, "=1+1"],
                            [2020, "Female", True], [2021.5, None, 3],
                            [dt.datetime(2022, 1, 1), None, 4]])
    problems = _fails(path)
    assert problems == [
        "values.xlsx, row 2, column 'Value': is a formula ('=1+1'); the file holds values only",
        "values.xlsx, row 3, column 'Value': 'True' is not a number (write it with a point for "
        "decimals and no thousands separators, e.g. 1234.5)",
        "values.xlsx, row 4, column 'Year': '2021.5' is not a year or period (write 2019, "
        "2019-Q1, 2019/20 or 2017-19)",
        "values.xlsx, row 5, column 'Year': '2022-01-01 00:00:00' is not a year or period "
        "(write 2019, 2019-Q1, 2019/20 or 2017-19)"]


# -- writing the same layout -----------------------------------------------------------------


def test_csv_export_reads_back_the_same(tmp_path: Path) -> None:
    parsed = parse_values(ONS_16_3_2)
    again = parse_bytes(csv_bytes(parsed.values), "again.csv")
    assert [(v.key, v.value, v.observation_status, v.attributes) for v in parsed.values] \
        == [(v.key, v.value, v.observation_status, v.attributes) for v in again.values]
    header = csv_bytes(parsed.values).decode("utf-8").splitlines()[0]
    assert header == "Year,Age,Nationality,Sex,Units,Observation status,Unit multiplier,Value"


def test_xlsx_export_reads_back_the_same(tmp_path: Path) -> None:
    parsed = parse_values(DATA / "nz_constructed_remand_by_ethnicity.csv")
    out = tmp_path / "out.xlsx"
    write_xlsx(out, parsed.values)
    again = parse_values(out)
    assert [(v.key, v.value, v.observation_status) for v in parsed.values] == [
        (v.key, v.value, v.observation_status) for v in again.values]


def test_a_trailing_empty_column_is_no_column() -> None:
    parsed = parse_bytes(b"Year,Sex,Value,\r\n2019,Female,4,\r\n2019,,9,\r\n", "excel.csv")
    assert [(v.disaggregation, v.value) for v in parsed.values] == [
        ('{"Sex":"Female"}', "4"), ("{}", "9")]


def test_an_empty_workbook_is_an_empty_file(tmp_path: Path) -> None:
    assert _fails(_xlsx(tmp_path, [])) == ["values.xlsx: the file is empty"]


def test_only_missing_values_reads_none_and_counts_them() -> None:
    parsed = parse_bytes(b"Year,Value,Observation status\n2019,,Missing value\n"
                         b"2020,,Missing value\n", "none.csv")
    assert parsed.values == [] and parsed.missing == 2
