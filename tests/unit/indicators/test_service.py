"""Indicators in a real migrated record: add, link, import (idempotent, versioned), export,
trends, refusals that change nothing, the audit trail, macrons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nmrf_desktop.domain.indicators import IndicatorDraft, InvalidIndicator
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.services import indicators
from nmrf_desktop.services.indicators import IndicatorRefused, is_public
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.indicator_models import Indicator, IndicatorValue
from nmrf_desktop.store.models import AuditEvent, Recommendation
from nmrf_desktop.store.overlap_models import OverlapCluster
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "indicators"
ONS = DATA / "ons_indicator_16-3-2.csv"
NZ = DATA / "nz_constructed_remand_by_ethnicity.csv"
TITLE_MI = "Te hunga mauhere kāore anō kia whiua"


def _draft(**changes: object) -> IndicatorDraft:
    fields: dict[str, object] = {
        "code": "PRIS-REMAND", "title": "Unsentenced detainees as a proportion of the prison "
        "population", "kind": "outcome", "title_mi": TITLE_MI, "unit": "Percentage (%)",
        "direction": "down", "sdg": "16.3.2", "steward": "MOJ", "baseline_value": "38",
        "baseline_period": "2019", "target_value": "30", "target_period": "2030"}
    fields.update(changes)
    return IndicatorDraft(**fields)  # type: ignore[arg-type]


def _counts(record: Record) -> tuple[int, int, int]:
    with record.reading() as session:
        return (session.execute(select(func.count()).select_from(Indicator)).scalar_one(),
                session.execute(select(func.count()).select_from(IndicatorValue)).scalar_one(),
                session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _events(record: Record, prefix: str = "indicator.") -> list[tuple[str, dict[str, object]]]:
    with record.reading() as session:
        return [(e.event, json.loads(e.details)) for e in session.execute(
            select(AuditEvent).where(AuditEvent.event.startswith(prefix))
            .order_by(AuditEvent.seq)).scalars()]


def test_add_keeps_every_field_macrons_and_the_sdg_title(record: Record) -> None:
    added = indicators.add_indicator(record, _draft(
        maori_data=True, governance="Te Kāhui Raraunga", governance_note="Māori data "
        "sovereignty: released by agreement only"))
    again = indicators.get_indicator(record, "pris-remand")  # the code, in any case
    assert again == added
    assert added.title_mi == TITLE_MI and added.governance == "Te Kāhui Raraunga"
    assert added.sdg_title == "Unsentenced detainees as a proportion of overall prison " \
                              "population"
    assert (added.baseline_value, added.target_value, added.steward) == ("38", "30", "MOJ")
    assert added.maori_data and not added.release_public
    [(event, details)] = _events(record)
    assert event == "indicator.add" and details["title_mi"] == TITLE_MI
    with record.reading() as session:
        assert audit.verify(session) == []


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"sdg": "16.3.9"}, "sdg", "SDG 16.3.9 is not in the global indicator framework "
                               "(target 16.3 has 16.3.1, 16.3.2, 16.3.3)."),
    ({"sdg": "16.3"}, "sdg", "SDG 16.3 is a target, not an indicator: its indicators are "
                             "16.3.1, 16.3.2, 16.3.3."),
    ({"sdg": "sixteen"}, "sdg", "'sixteen' is not an SDG indicator code"),
    ({"steward": "NOPE"}, "steward", "No agency with the code 'NOPE'"),
    ({"recommendations": ("NZL-NOPE-1",)}, "recommendations",
     "No recommendation with the reference NZL-NOPE-1."),
    ({"clusters": ("c999",)}, "clusters", "No overlap cluster c999"),
    ({"maori_data": True}, "governance", "Māori data needs the iwi/Māori organisation"),
    ({"kind": "impact"}, "kind", "Unknown kind 'impact'"),
])
def test_a_bad_indicator_is_refused_and_nothing_is_written(
        record: Record, changes: dict[str, object], field: str, words: str) -> None:
    before = _counts(record)
    with pytest.raises(InvalidIndicator) as caught:
        indicators.add_indicator(record, _draft(**changes))
    assert caught.value.field == field and words in str(caught.value)
    assert _counts(record) == before


def test_a_code_is_added_once(record: Record) -> None:
    indicators.add_indicator(record, _draft())
    with pytest.raises(InvalidIndicator, match="already in the record"):
        indicators.add_indicator(record, _draft(title="Another"))
    assert _counts(record)[0] == 1


def test_a_laptop_copy_refuses_to_add_or_import(record: Record) -> None:
    indicators.add_indicator(record, _draft())
    record.set_setting("role", "officer")
    before = _counts(record)
    with pytest.raises(IndicatorRefused, match="laptop copy"):
        indicators.add_indicator(record, _draft(code="OTHER"))
    with pytest.raises(IndicatorRefused, match="laptop copy"):
        indicators.import_values(record, "PRIS-REMAND", ONS)
    assert _counts(record) == before


def test_links_to_recommendations_and_clusters(nz_record: Record) -> None:
    record = nz_record
    with record.unit_of_work() as session:
        session.add(OverlapCluster(id="c1", country="New Zealand", channel="text", size=2,
                                   reasons="[]"))
    with record.reading() as session:
        first = session.execute(select(Recommendation.reference).order_by(
            Recommendation.num).limit(3)).scalars().all()
    added = indicators.add_indicator(record, _draft(recommendations=(first[0],)))
    assert added.recommendations == (first[0],)
    item, new_refs, new_clusters = indicators.link(record, "PRIS-REMAND",
                                                   [first[0], first[1], first[2]], ["c1"])
    assert new_refs == [first[1], first[2]] and new_clusters == ["c1"]
    assert item.recommendations == tuple(first) and item.clusters == ("c1",)
    _item, again_refs, again_clusters = indicators.link(record, "PRIS-REMAND", [first[1]],
                                                        ["c1"])
    assert (again_refs, again_clusters) == ([], [])
    events = _events(record)
    assert [e for e, _d in events] == ["indicator.add", "indicator.link"]
    assert events[1][1] == {"code": "PRIS-REMAND", "recommendations": first[1:],
                            "clusters": ["c1"]}
    # A reference typed in another case names the recommendation it differs from by case.
    fourth = "NZL-UPR5-004"
    _item, typed_refs, _c = indicators.link(record, "PRIS-REMAND", [fourth.lower()])
    assert typed_refs == [fourth]
    assert _events(record)[-1][1]["recommendations"] == [fourth]
    indicators.add_indicator(record, _draft(code="PRIS-2", recommendations=(fourth.lower(),)))
    assert indicators.get_indicator(record, "PRIS-2").recommendations == (fourth,)
    before = _counts(record)
    with pytest.raises(InvalidIndicator, match="NZL-NOPE"):
        indicators.link(record, "PRIS-REMAND", ["NZL-NOPE", first[0]])
    assert _counts(record) == before
    listed = indicators.list_indicators(record)
    assert [i.as_list_json() for i in listed] == [{
        "code": "PRIS-2", "title": added.title, "kind": "outcome",
        "unit": "Percentage (%)", "sdg": "16.3.2", "steward": "MOJ",
        "recommendations": [fourth], "values": 0, "maori_data": False}, {
        "code": "PRIS-REMAND", "title": added.title, "kind": "outcome",
        "unit": "Percentage (%)", "sdg": "16.3.2", "steward": "MOJ",
        "recommendations": [*first, fourth], "values": 0, "maori_data": False}]


def test_import_is_idempotent(record: Record) -> None:
    indicators.add_indicator(record, _draft())
    first = indicators.import_values(record, "PRIS-REMAND", ONS)
    assert (first.new, first.changed, first.unchanged) == (498, 0, 0)
    counts = _counts(record)
    again = indicators.import_values(record, "PRIS-REMAND", ONS)
    assert again.summary() == "0 new, 0 changed, 498 unchanged"
    assert _counts(record)[:2] == counts[:2]  # the import is audited, nothing else changes
    events = _events(record, "indicator.import")
    assert [d["new"] for _e, d in events] == [498, 0]
    assert events[0][1]["sha256"] == events[1][1]["sha256"]
    assert indicators.get_indicator(record, "PRIS-REMAND").values == 498


def test_a_changed_value_is_a_new_version_with_history(record: Record, tmp_path: Path) -> None:
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", NZ)
    # A series marked as Māori data keeps its flag in the versions that follow.
    assert indicators.mark_series(record, "PRIS-REMAND", {"Ethnicity": "Māori"},
                                  "Percentage (%)", True) == 5
    revised = NZ.read_text(encoding="utf-8").replace(
        "2023,Māori,,Percentage (%),Provisional value,49.7",
        "2023,Māori,,Percentage (%),Normal value,49.2")
    assert revised != NZ.read_text(encoding="utf-8")
    path = tmp_path / "revised.csv"
    path.write_text(revised, encoding="utf-8")
    report = indicators.import_values(record, "PRIS-REMAND", path)
    assert report.summary() == "0 new, 1 changed, 59 unchanged"
    current = indicators.values(record, "PRIS-REMAND")
    assert len(current) == 60
    history = [v for v in indicators.values(record, "PRIS-REMAND", history=True)
               if v.period == "2023" and v.disaggregation == {"Ethnicity": "Māori"}]
    assert [(v.value, v.status, v.version, v.current) for v in history] == [
        ("49.7", "provisional", 1, False), ("49.2", "final", 2, True)]
    assert history[0].superseded_by == history[1].id
    assert history[1].maori_data is True and history[1].source_file == "revised.csv"
    assert history[1].source_row == 53  # its line in the file
    # Importing the first file again makes the first value current again, as version 3.
    back = indicators.import_values(record, "PRIS-REMAND", NZ)
    assert back.summary() == "0 new, 1 changed, 59 unchanged"


def test_a_bad_file_changes_nothing(record: Record, tmp_path: Path) -> None:
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", NZ)
    before = _counts(record)
    bad = tmp_path / "bad.csv"
    bad.write_text(NZ.read_text(encoding="utf-8").replace("2021,Māori,Male,Percentage (%),"
                                                          "Normal value,47.8", "2021,Māori,"
                                                          "Male,Percentage (%),Normal value,"
                                                          "about 48"), encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        indicators.import_values(record, "PRIS-REMAND", bad)
    assert str(caught.value.problems[0]) == (
        "bad.csv, row 31, column 'Value': 'about 48' is not a number (write it with a point "
        "for decimals and no thousands separators, e.g. 1234.5)")
    for path in (DATA / "ons_indicator_5-5-1.csv", DATA / "ons_indicator_16-1-1_rows1-70.csv"):
        with pytest.raises(ImportFailed):
            indicators.import_values(record, "PRIS-REMAND", path)
    with pytest.raises(IndicatorRefused, match="no indicator with the code 'NOPE'"):
        indicators.import_values(record, "NOPE", NZ)
    assert _counts(record) == before


def test_a_header_misspelling_a_disaggregation_it_has_is_refused(record: Record,
                                                                  tmp_path: Path) -> None:
    # Every column other than the reserved ones is a disaggregation; one within two edits
    # of a disaggregation the indicator already has would start a parallel series
    # ("Ethnicty: Māori" beside "Ethnicity: Māori"), so it is refused, naming the cell.
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", NZ)
    before = _counts(record)
    text = NZ.read_text(encoding="utf-8")
    typo = tmp_path / "typo.csv"
    typo.write_text(text.replace("Year,Ethnicity,Sex,", "Year,Ethnicty,Sex,", 1),
                    encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        indicators.import_values(record, "PRIS-REMAND", typo)
    assert str(caught.value.problems[0]) == (
        "typo.csv, row 1, column 'Ethnicty': unknown column in cell B1: did you mean "
        "'Ethnicity', a disaggregation this indicator already has? (a new disaggregation "
        "needs a name not so close to one it has)")
    assert _counts(record) == before
    # A disaggregation of another name is a new one, and the first file sets the names.
    other = tmp_path / "region.csv"
    other.write_text("Year,Region,Units,Value\n2023,Tāmaki Makaurau,Percentage (%),41.0\n",
                     encoding="utf-8")
    assert indicators.import_values(record, "PRIS-REMAND", other).summary() == \
        "1 new, 0 changed, 0 unchanged"
    indicators.add_indicator(record, _draft(code="PRIS-2"))
    assert indicators.import_values(record, "PRIS-2", typo).new == 60


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_a_no_op(record: Record, tmp_path: Path, suffix: str) -> None:
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", ONS)
    out = tmp_path / f"export{suffix}"
    assert indicators.export_values(record, "PRIS-REMAND", out) == 498
    report = indicators.import_values(record, "PRIS-REMAND", out)
    assert report.summary() == "0 new, 0 changed, 498 unchanged"


def test_macrons_survive_the_record_and_trends_per_series(record: Record) -> None:
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", DATA /
                             "nz_constructed_remand_by_ethnicity.xlsx")
    values = indicators.values(record, "PRIS-REMAND")
    maori = [v for v in values if v.disaggregation == {"Ethnicity": "Māori"}]
    assert [v.period for v in maori] == ["2019", "2020", "2021", "2022", "2023"]
    assert maori[-1].as_json() == {"period": "2023", "value": 49.7,
                                   "disaggregation": {"Ethnicity": "Māori"},
                                   "status": "provisional", "units": "Percentage (%)"}
    found = {json.dumps(t.disaggregation, ensure_ascii=False): t
             for t in indicators.trends(record, "PRIS-REMAND")}
    assert len(found) == 12
    total = found["{}"]
    assert (total.latest_period, total.latest_value, total.baseline_basis, total.change) == (
        "2023", "43.2", "baseline period", "5.2")
    assert total.trend.value == "moving away"  # lower is better, and it rose
    assert found['{"Ethnicity": "Māori"}'].baseline_value == "44.5"


def test_public_release_rules() -> None:
    assert is_public(False, False)
    assert not is_public(True, False)
    assert is_public(True, True)
    assert not is_public(False, False, series_maori=True)
    assert is_public(True, False, series_maori=False)


def test_marking_a_series_as_maori_data(record: Record) -> None:
    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", NZ)
    assert indicators.mark_series(record, "PRIS-REMAND", {"Sex": "Female",
                                                          "Ethnicity": "Māori"},
                                  "Percentage (%)", True) == 5
    flagged = {(v.period, json.dumps(v.disaggregation, ensure_ascii=False, sort_keys=True))
               for v in indicators.values(record, "PRIS-REMAND") if v.maori_data}
    assert flagged == {(str(y), '{"Ethnicity": "Māori", "Sex": "Female"}')
                       for y in range(2019, 2024)}
    before = _counts(record)
    with pytest.raises(IndicatorRefused, match="has no series Ethnicity: Asian"):
        indicators.mark_series(record, "PRIS-REMAND", {"Ethnicity": "Asian"},
                               "Percentage (%)", True)
    assert _counts(record) == before
    [(_event, details)] = _events(record, "indicator.mark")
    assert details["maori_data"] is True and details["disaggregation"] == {
        "Sex": "Female", "Ethnicity": "Māori"}


def test_the_exported_workbook_is_the_template_to_edit_and_import(record: Record,
                                                                  tmp_path: Path) -> None:
    """The product's own template is its export: open the XLSX, change a value, add a year,
    save, import — one changed (a new version), new rows in, the rest untouched."""
    from openpyxl import load_workbook

    indicators.add_indicator(record, _draft())
    indicators.import_values(record, "PRIS-REMAND", NZ)
    out = tmp_path / "template.xlsx"
    assert indicators.export_values(record, "PRIS-REMAND", out) == 60
    book = load_workbook(out)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    col = {name: i for i, name in enumerate(header)}
    assert header[0] == "Year" and "Value" in header and "Ethnicity" in header
    edited = added = 0
    for row in list(sheet.iter_rows(min_row=2)):
        cells = {name: row[i] for name, i in col.items()}
        if (str(cells["Year"].value) == "2023" and cells["Ethnicity"].value == "Māori"
                and cells["Sex"].value in (None, "")):  # Māori, both sexes
            cells["Value"].value = 49.0
            edited += 1
    template = [c.value for c in next(sheet.iter_rows(min_row=2))]
    new_row = list(template)
    new_row[col["Year"]] = 2024
    new_row[col["Value"]] = 41.5
    sheet.append(new_row)
    added += 1
    book.save(out)
    assert edited == 1
    report = indicators.import_values(record, "PRIS-REMAND", out)
    assert (report.new, report.changed, report.unchanged) == (added, 1, 59)
    history = [v for v in indicators.values(record, "PRIS-REMAND", history=True)
               if v.period == "2023" and v.disaggregation == {"Ethnicity": "Māori"}]
    assert [(v.value, v.current) for v in history] == [("49.7", False), ("49", True)]
