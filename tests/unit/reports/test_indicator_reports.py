"""Indicators in reports (issue 14): the indicators PDF, the agency and Te Tiriti reports,
the progress workbook's Indicators sheet, and public outputs that never hold unreleased
Māori data — in a real migrated record, with values imported from Open SDG files."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdf
import pytest

from nmrf_desktop.domain.indicator_words import (
    governance_line,
    series_label,
    short_number,
    trend_sentence,
)
from nmrf_desktop.domain.indicators import (
    Direction,
    IndicatorDraft,
    Observation,
    SeriesTrend,
    describe_disaggregation,
    trend,
)
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.paths import resources_dir
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.services import indicators
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.indicator_release import set_release
from nmrf_desktop.services.indicators import IndicatorRefused
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.public import export_public
from nmrf_desktop.services.reports.request import ReportError, ReportRequest
from nmrf_desktop.services.workbook.exporting import export_workbook
from nmrf_desktop.services.workbook.importing import import_workbooks
from nmrf_desktop.store.overlap_models import OverlapCluster, OverlapMember
from tests.conftest import TEST_DATA

from .conftest import pdf_text
from .test_pdf_accessibility import _embedded, _fonts

DATA = TEST_DATA / "indicators"
NZ = DATA / "nz_constructed_remand_by_ethnicity.csv"
ONS = DATA / "ons_indicator_16-3-2.csv"
TITLE_MI = "Te hunga mauhere kāore anō kia whiua"
SDG_TITLE = "Unsentenced detainees as a proportion of overall prison population"
# The planted Māori data: a title, a series and a governance body found nowhere else.
SECRET_TITLE = "Rangatahi in kaupapa Māori education"
SECRET_SERIES = "Te Tai Tokerau rohe"
GOVERNANCE = "Iwi data governance rōpū"
NOTE = "released by agreement of the hapū only"


@dataclass(frozen=True, slots=True)
class World:
    record: Record
    tiriti: tuple[str, ...]  # references of the Te Tiriti recommendations assigned to MOJ
    other: str  # a recommendation not flagged for Te Tiriti


def _values_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["Value"] != ""]


def _secret_csv(folder: Path) -> Path:
    path = folder / "iwi.csv"
    path.write_text("Year,Rohe,Units,Value\n"
                    f"2020,{SECRET_SERIES},Count,1125.375\n2021,{SECRET_SERIES},Count,1190.5\n"
                    "2020,,Count,4217.625\n2021,,Count,4389.25\n", encoding="utf-8")
    return path


@pytest.fixture
def world(report_record: Record, tmp_path: Path) -> World:
    """Three indicators: PRIS-REMAND (NZ series by ethnicity and sex, its three series of
    Māori marked Māori data) and RANGATAHI-KM (Māori data, unreleased) on the Te Tiriti
    recommendations assigned to MOJ; UK-16.3.2 (ONS, 36 series) on another recommendation."""
    record = report_record
    tiriti = tuple(r.reference for r in search_recommendations(
        record, Filters(agency="MOJ", te_tiriti=True), limit=2))
    assert tiriti
    other = next(r.reference for r in search_recommendations(record, Filters(), limit=50)
                 if r.reference not in tiriti and not r.te_tiriti)
    indicators.add_indicator(record, IndicatorDraft(
        code="PRIS-REMAND", title="Unsentenced detainees as a proportion of the prison "
        "population", title_mi=TITLE_MI, kind="outcome", unit="Percentage (%)",
        direction="down", sdg="16.3.2", steward="MOJ", source="Constructed for the tests",
        baseline_value="38", baseline_period="2019", target_value="30",
        target_period="2030", recommendations=tiriti))
    indicators.import_values(record, "PRIS-REMAND", NZ)
    for sex in ("", "Female", "Male"):  # the three series of Māori
        assert indicators.mark_series(record, "PRIS-REMAND", {"Ethnicity": "Māori",
                                                              "Sex": sex},
                                      "Percentage (%)", True) == 5
    indicators.add_indicator(record, IndicatorDraft(
        code="RANGATAHI-KM", title=SECRET_TITLE, kind="outcome", unit="Count",
        direction="up", steward="TPK", maori_data=True, governance=GOVERNANCE,
        governance_note=NOTE, recommendations=tiriti))
    indicators.import_values(record, "RANGATAHI-KM", _secret_csv(tmp_path))
    indicators.add_indicator(record, IndicatorDraft(
        code="UK-16.3.2", title="Unsentenced detainees (England and Wales)", kind="outcome",
        unit="Percentage (%)", direction="down", sdg="16.3.2", recommendations=(other,)))
    indicators.import_values(record, "UK-16.3.2", ONS)
    return World(record, tiriti, other)


def _public_texts(out: Path) -> dict[str, str]:
    """Every file of a public export as text (PDF and XLSX read back)."""
    texts = {}
    for path in out.iterdir():
        if path.suffix == ".csv":
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            texts[path.name] = "\n".join(str(v) for sheet in book
                                         for row in sheet.iter_rows(values_only=True)
                                         for v in row if v is not None)
        else:
            texts[path.name] = pdf_text(path)
    return texts


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the indicators PDF -----------------------------------------------------------------


def test_indicators_pdf_reads_back_titles_numbers_governance_and_fonts(
        world: World, tmp_path: Path) -> None:
    out = tmp_path / "indicators.pdf"
    result = build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters()), out)
    assert result.indicators == 3
    assert result.recommendations == len(world.tiriti) + 1
    text = pdf_text(out)
    for words in (TITLE_MI, SECRET_TITLE, SDG_TITLE, "PRIS-REMAND", "UK-16.3.2",
                  f"Māori data — governance: {GOVERNANCE}; {NOTE}", SECRET_SERIES,
                  "Ministry of Justice (MOJ)", "30 by 2030", "38 (2019)", *world.tiriti,
                  world.other):
        assert words in text, words
    # Every value of the NZ file is in a number table, as the chart writes it (1 place).
    for row in _values_of(NZ):
        assert short_number(row["Value"], 1) in text
    latest = next(r for r in _values_of(NZ) if r["Year"] == "2023" and not r["Ethnicity"]
                  and not r["Sex"])
    base = next(r for r in _values_of(NZ) if r["Year"] == "2019" and not r["Ethnicity"]
                and not r["Sex"])
    rise = short_number(str(float(latest["Value"]) - float(base["Value"])), 1)
    assert (f"Total {latest['Value']} (2023) provisional Up {rise} from {base['Value']} in "
            "2019 (the baseline); moving away from the target (30.0 by 2030).") in text
    assert "Māori, Female" in text and "Pacific peoples, Male" in text
    reader = pypdf.PdfReader(out)
    fonts = _fonts(reader)
    assert fonts and [n for n, f in fonts.items() if not _embedded(f)] == []
    assert reader.metadata is not None
    assert reader.metadata.title == "Indicators linked to recommendations"
    outline = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert any(t.startswith("PRIS-REMAND — ") for t in outline)


def test_indicators_pdf_follows_the_filters(world: World, tmp_path: Path) -> None:
    out = tmp_path / "tiriti.pdf"
    result = build_pdf(world.record, ReportRequest(
        ReportKind.INDICATORS, Filters(te_tiriti=True)), out)
    text = pdf_text(out)
    assert result.indicators == 2 and "PRIS-REMAND" in text and "UK-16.3.2" not in text
    none = tmp_path / "none.pdf"
    result = build_pdf(world.record, ReportRequest(
        ReportKind.INDICATORS, Filters(text="zzqqxxnothingmatches")), none)
    assert result.indicators == 0
    assert "No indicator is linked to the recommendations in this report's scope." in \
        pdf_text(none)


def test_indicators_pdf_refusals_write_nothing(world: World, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="unknown agency 'NOPE'"):
        build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters(agency="NOPE")),
                  tmp_path / "a.pdf")
    with pytest.raises(ReportError, match="annual report"):
        build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters(),
                                              start=dt.date(2024, 1, 1)),
                  tmp_path / "b.pdf")
    with pytest.raises(ReportError, match="does not exist"):
        build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters()),
                  tmp_path / "missing" / "c.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == []


def test_an_indicator_linked_through_an_overlap_cluster_is_in_its_members_reports(
        world: World, tmp_path: Path) -> None:
    record = world.record
    members = [r for r in search_recommendations(record, Filters(), limit=60)
               if r.reference not in world.tiriti and r.reference != world.other][:2]
    with record.unit_of_work() as session:
        session.add(OverlapCluster(id="c9", country="New Zealand", channel="text", size=2,
                                   reasons="[]"))
        session.add_all(OverlapMember(cluster_id="c9", recommendation_id=r.id)
                        for r in members)
    indicators.add_indicator(record, IndicatorDraft(
        code="CLUSTERED", title="Linked through a cluster", kind="process"))
    indicators.import_values(record, "CLUSTERED", _secret_csv(tmp_path))
    indicators.link(record, "CLUSTERED", clusters=["c9"])
    out = tmp_path / "one.pdf"
    result = build_pdf(record, ReportRequest(ReportKind.INDICATORS, Filters(
        text=members[0].text[:60])), out)
    text = pdf_text(out)
    assert result.indicators == 1 and "CLUSTERED — Linked through a cluster" in text
    assert f"Overlap clusters c9 ({members[0].reference})" in text
    public = tmp_path / "public"
    export_public(record, public)
    row = next(r for r in _csv_rows(public / "indicators.csv") if r["code"] == "CLUSTERED")
    assert row["overlap_clusters"] == (f"c9 ({members[0].reference}, "
                                       f"{members[1].reference})")
    assert row["recommendations"] == ""


def test_report_pdf_kind_indicators_command(world: World, run_cli: Callable[..., int],
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.pdf"
    assert run_cli("report", "pdf", "--kind", "indicators", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote 3 indicators (linked to {len(world.tiriti) + 1} "
                           f"recommendations) to {out}")
    assert TITLE_MI in pdf_text(out)


def test_many_series_units_and_no_values(world: World, tmp_path: Path) -> None:
    """36 ONS series make charts of at most eight; two units make two charts whose series
    name their units; an indicator with no values says so."""
    two = tmp_path / "two-units.csv"
    two.write_text("Year,Sex,Units,Value\n2020,,Count,120\n2021,,Count,130\n"
                   "2020,,Rate per 1000,4.5\n2021,,Rate per 1000,4.75\n"
                   "2020,Wāhine,Rate per 1000,3.25\n", encoding="utf-8")
    indicators.add_indicator(world.record, IndicatorDraft(
        code="TWO-UNITS", title="Two units", kind="process", recommendations=(world.other,)))
    indicators.import_values(world.record, "TWO-UNITS", two)
    indicators.add_indicator(world.record, IndicatorDraft(
        code="EMPTY-ONE", title="Nothing measured yet", kind="structural",
        recommendations=(world.other,)))
    out = tmp_path / "many.pdf"
    result = build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters()), out)
    assert result.indicators == 5
    text = pdf_text(out)
    assert "UK-16.3.2 by Age, Sex (1 of " in text and "UK-16.3.2 by Sex" in text
    assert "TWO-UNITS — Count — total" in text and "TWO-UNITS — Rate per 1000 by Sex" in text
    assert "Wāhine (Rate per 1000) 3.25 (2020) One value only, so no change to measure" \
        in text
    assert "Total (Rate per 1000) 4.75 (2021) Up 0.25 from 4.50 in 2020" in text
    assert "EMPTY-ONE — Nothing measured yet" in text and "No values recorded yet." in text
    counts = export_workbook(world.record, Filters(), tmp_path / "w.xlsx")
    assert counts["Indicators"] == sum(len(indicators.values(world.record, c)) for c in (
        "PRIS-REMAND", "RANGATAHI-KM", "UK-16.3.2", "TWO-UNITS"))


def test_hostile_indicator_text_is_escaped_and_never_a_formula(world: World,
                                                              tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://x.invalid","ā") <b>&amp; Kōrero'
    indicators.add_indicator(world.record, IndicatorDraft(
        code="HOSTILE", title=hostile, kind="process", source="@SUM(A1) <para>",
        recommendations=(world.other,)))
    indicators.import_values(world.record, "HOSTILE", _secret_csv(tmp_path))
    out = tmp_path / "hostile.pdf"
    build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters()), out)
    assert hostile in pdf_text(out) and "@SUM(A1) <para>" in pdf_text(out)
    export_workbook(world.record, Filters(), tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Indicators"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "HOSTILE"]
    assert cells and all(c.data_type == "s" and c.value == hostile for c in cells)
    public = tmp_path / "public"
    export_public(world.record, public)
    row = next(r for r in _csv_rows(public / "indicators.csv") if r["code"] == "HOSTILE")
    assert row["title"] == "'" + hostile and row["source"] == "'@SUM(A1) <para>"


# --- the agency summary and the Te Tiriti report ----------------------------------------


@pytest.mark.parametrize("kind", [ReportKind.AGENCY, ReportKind.TIRITI])
def test_agency_and_tiriti_reports_list_their_indicators(world: World, tmp_path: Path,
                                                         kind: ReportKind) -> None:
    out = tmp_path / f"{kind}.pdf"
    filters = Filters(agency="MOJ") if kind is ReportKind.AGENCY else Filters()
    build_pdf(world.record, ReportRequest(kind, filters), out)
    text = pdf_text(out)
    assert "The indicators linked to this report's recommendations" in text
    assert "PRIS-REMAND" in text and TITLE_MI in text
    assert f"Māori data — governance: {GOVERNANCE}; {NOTE}" in text
    assert "Māori · Māori data" in text  # the series marked Māori data says so
    assert "moving away from the target (30.0 by 2030)" in text
    assert ("1,190.500 (2021) Up 65.125 from 1,125.375 in 2020 (the first value); no target "
            "set.") in text
    assert ("UK-16.3.2" in text) is (kind is ReportKind.AGENCY and world.other in text)


def test_other_reports_carry_no_indicator_section(world: World, tmp_path: Path) -> None:
    out = tmp_path / "body.pdf"
    build_pdf(world.record, ReportRequest(ReportKind.BODY, Filters()), out)
    assert "RANGATAHI-KM" not in pdf_text(out)


# --- the progress workbook --------------------------------------------------------------


def test_workbook_indicators_sheet_has_one_row_per_value(world: World, tmp_path: Path
                                                         ) -> None:
    out = tmp_path / "all.xlsx"
    counts = export_workbook(world.record, Filters(), out)
    expected = {code: len(indicators.values(world.record, code))
                for code in ("PRIS-REMAND", "RANGATAHI-KM", "UK-16.3.2")}
    assert counts["Indicators"] == sum(expected.values())
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-2] == "Indicators"
    sheet = book["Indicators"]
    assert sheet.freeze_panes == "A2" and sheet[1][0].font.bold
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[0]
    found = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert {c: sum(r["Code"] == c for r in found) for c in expected} == expected
    nz = {(r["Period"], r["Disaggregation"]): r for r in found if r["Code"] == "PRIS-REMAND"}
    for row in _values_of(NZ):
        dis = {k: row[k] for k in ("Ethnicity", "Sex") if row[k]}
        got = nz[(row["Year"], describe_disaggregation(dis) if dis else "Total")]
        assert got["Value"] == pytest.approx(float(row["Value"]))
        assert isinstance(got["Value"], int | float)
        assert got["Status"] == ("provisional" if "rovisional" in row["Observation status"]
                                 else "final")
        assert got["Māori data"] == ("Yes" if row["Ethnicity"] == "Māori" else "No")
        assert got["Indicator (te reo Māori)"] == TITLE_MI
        assert got["Recommendations"].split("\n") == list(world.tiriti)
        assert got["Trend"].startswith("Latest ")
    secret = [r for r in found if r["Code"] == "RANGATAHI-KM"]
    assert {r["Governance"] for r in secret} == {f"{GOVERNANCE}; {NOTE}"}
    assert {r["Māori data"] for r in secret} == {"Yes"}


def test_workbook_indicator_charts_are_drawn_from_their_numbers(world: World,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "tiriti.xlsx"
    counts = export_workbook(world.record, Filters(te_tiriti=True), out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-2:] == ["Indicators", "Indicator charts"]
    sheet = book["Indicator charts"]
    charts = sheet._charts  # openpyxl reads the drawings back
    assert counts["Indicator charts"] == len(charts) >= 4
    cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row
             if c.value is not None}
    titles = [v for v in cells.values() if isinstance(v, str) and v.startswith("RANGATAHI-KM")]
    assert titles == ["RANGATAHI-KM by Rohe"]
    where = next(k for k, v in cells.items() if v == "PRIS-REMAND by Ethnicity, Sex")
    head = int(where[1:]) + 2
    header = [sheet.cell(head, c).value for c in range(1, 12)]
    assert header == ["Period", "Total", "European, Female", "European, Male", "Māori, Female",
                      "Māori, Male", "Pacific peoples, Female", "Pacific peoples, Male",
                      "Baseline (2019)", "Target (2030)", None]
    nz = {(r["Year"], r["Ethnicity"], r["Sex"]): float(r["Value"]) for r in _values_of(NZ)}
    for offset, period in enumerate(("2019", "2020", "2021", "2022", "2023"), start=1):
        row = [sheet.cell(head + offset, c).value for c in range(1, 11)]
        assert row[0] == period
        assert row[1] == pytest.approx(nz[(period, "", "")])
        assert row[4] == pytest.approx(nz[(period, "Māori", "Female")])
        assert row[8:] == [38, 30]
    first = charts[0]
    assert len(first.series) >= 2 and first.anchor._from.row == 0


def test_workbook_with_indicators_imports_back_unchanged(world: World, tmp_path: Path
                                                         ) -> None:
    out = tmp_path / "moj.xlsx"
    counts = export_workbook(world.record, Filters(agency="MOJ", te_tiriti=True), out)
    assert counts["Indicators"] == len(indicators.values(world.record, "PRIS-REMAND")) + 4
    before = {c: indicators.values(world.record, c) for c in ("PRIS-REMAND", "RANGATAHI-KM")}
    report = import_workbooks(world.record, [out])
    assert report.rejected == [] and report.progress_added == 0 and report.created == 0
    assert {c: indicators.values(world.record, c) for c in before} == before


def test_workbook_without_indicator_values_in_scope_has_no_indicators_sheet(
        world: World, tmp_path: Path) -> None:
    out = tmp_path / "none.xlsx"
    counts = export_workbook(world.record, Filters(text="zzqqxxnothingmatches"), out)
    assert "Indicators" not in counts
    assert "Indicators" not in openpyxl.load_workbook(out).sheetnames


# --- public outputs ---------------------------------------------------------------------


def test_unreleased_maori_data_never_appears_in_any_public_file(world: World,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = export_public(world.record, out)
    texts = _public_texts(out)
    assert set(texts) == set(result.files) and len(texts) == 8
    for name, text in texts.items():
        for planted in (SECRET_TITLE, SECRET_SERIES, GOVERNANCE, "RANGATAHI-KM", "1125.375",
                        "1,125.375", "4217.625", "4,217.625"):
            assert planted not in text, f"{planted!r} leaked into {name}"
    # PRIS-REMAND is public, but its series marked Māori data is not.
    values = _csv_rows(out / "indicator_values.csv")
    assert {r["code"] for r in values} == {"PRIS-REMAND", "UK-16.3.2"}
    assert not [r for r in values if "Ethnicity: Māori" in r["disaggregation"]]
    pris = [r for r in values if r["code"] == "PRIS-REMAND"]
    assert len(pris) == len(indicators.values(world.record, "PRIS-REMAND")) - 15
    assert any(r["disaggregation"] == "Ethnicity: Pacific peoples, Sex: Female" for r in pris)
    assert result.counts["indicators"] == 2
    assert "3 series of Māori data not released for publication are not shown." in \
        texts["nmrf-public.pdf"]
    assert TITLE_MI in texts["indicators.csv"] and TITLE_MI in texts["nmrf-public.pdf"]


def test_released_maori_data_appears_with_whose_data_it_is(world: World,
                                                          tmp_path: Path) -> None:
    released = set_release(world.record, "RANGATAHI-KM", True, reason="hapū agreed")
    assert released.release_public
    out = tmp_path / "public"
    export_public(world.record, out)
    texts = _public_texts(out)
    for name in ("indicators.csv", "nmrf-public.xlsx", "nmrf-public.pdf"):
        assert SECRET_TITLE in texts[name] and GOVERNANCE in texts[name], name
    assert f"Māori data — governance: {GOVERNANCE}; {NOTE}" in texts["nmrf-public.pdf"]
    assert SECRET_SERIES in texts["indicator_values.csv"]
    secret = [r for r in _csv_rows(out / "indicator_values.csv") if r["code"] == "RANGATAHI-KM"]
    assert sorted(float(r["value"]) for r in secret) == [1125.375, 1190.5, 4217.625, 4389.25]
    # Withdrawn again: gone again, from every file.
    set_release(world.record, "RANGATAHI-KM", False)
    again = tmp_path / "again"
    export_public(world.record, again)
    for name, text in _public_texts(again).items():
        assert SECRET_TITLE not in text and SECRET_SERIES not in text, name


def test_public_export_with_filters_keeps_only_linked_indicators(world: World,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "public"
    export_public(world.record, out, Filters(te_tiriti=True))
    rows = _csv_rows(out / "indicators.csv")
    assert [r["code"] for r in rows] == ["PRIS-REMAND"]
    assert rows[0]["recommendations"].split("; ") == list(world.tiriti)


def test_release_refusals_change_nothing(world: World) -> None:
    with pytest.raises(IndicatorRefused, match="not Māori data"):
        set_release(world.record, "PRIS-REMAND", True)
    with pytest.raises(IndicatorRefused, match="no indicator with the code 'NOPE'"):
        set_release(world.record, "NOPE", True)
    world.record.set_setting("role", "officer")
    with pytest.raises(IndicatorRefused, match="laptop copy"):
        set_release(world.record, "RANGATAHI-KM", True)
    assert not indicators.get_indicator(world.record, "RANGATAHI-KM").release_public


# --- the screenshot ---------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is needed")
def test_screenshot_of_an_indicators_page(world: World, tmp_path: Path) -> None:
    """The page of RANGATAHI-KM (whose data it is, its facts, trends and chart) rendered at
    80 dpi; saved as resources/screenshots/report-indicators.png when NMRF_SCREENSHOTS is
    set."""
    out = tmp_path / "indicators.pdf"
    build_pdf(world.record, ReportRequest(ReportKind.INDICATORS, Filters(te_tiriti=True)),
              out)
    reader = pypdf.PdfReader(out)
    page = next(i for i, p in enumerate(reader.pages, start=1)
                if "RANGATAHI-KM by Rohe" in p.extract_text())
    stem = tmp_path / "shot"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(out), str(stem)], check=True)
    shot = stem.with_suffix(".png")
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    if os.environ.get("NMRF_SCREENSHOTS"):
        shutil.copyfile(shot, resources_dir() / "screenshots" / "report-indicators.png")


# --- the words ----------------------------------------------------------------------------


def _trend(values: list[tuple[str, str]], **kw: object) -> SeriesTrend:
    found = trend([Observation(p, v) for p, v in values], **kw)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_trend_sentences_say_where_a_series_heads_never_a_status() -> None:
    down = _trend([("2019", "44.5"), ("2023", "41.25")], direction=Direction.DOWN,
                  target="30")
    assert trend_sentence(down, target="30", target_period="2030") == (
        "Latest 41.25 (2023); down 3.25 from 44.5 in 2019 (the first value); moving toward "
        "the target (30 by 2030).")
    assert trend_sentence(down, target="30", with_latest=False) == (
        "Down 3.25 from 44.5 in 2019 (the first value); moving toward the target (30).")
    flat = _trend([("2019", "5"), ("2020", "5")], direction=Direction.UP, target="9")
    assert "unchanged from 5 in 2019" in trend_sentence(flat, target="9")
    assert "no change toward the target (9)" in trend_sentence(flat, target="9")
    one = _trend([("2020", "-1234.5")], direction=None, target=None)
    assert trend_sentence(one) == ("Latest \u22121,234.5 (2020); one value only, so no change "
                                   "to measure; no direction set, so no judgement of the "
                                   "trend.")
    base = _trend([("2021", "12")], direction=Direction.UP, target="20",
                  baseline_value="10", baseline_period="2018")
    assert "up 2 from 10 in 2018 (the indicator's baseline); moving toward" in \
        trend_sentence(base, target="20")
    for words in (trend_sentence(down), trend_sentence(flat), trend_sentence(one)):
        assert "implemented" not in words.casefold()


def test_numbers_labels_and_governance_in_words() -> None:
    assert short_number("15.9201832332026") == "15.92"
    assert short_number("1234567") == "1,234,567"
    assert short_number("-0.0001") == "0" and short_number("2.5", 0) == "3"
    assert series_label({}) == "Total"
    assert series_label({"Ethnicity": "Māori", "Sex": "Wāhine"}) == "Māori, Wāhine"
    assert governance_line("Te Kāhui Raraunga") == "Māori data — governance: Te Kāhui Raraunga"
    assert governance_line("", "by agreement") == ("Māori data — governance: not recorded; "
                                                   "by agreement")
