"""How the Indicators tab says numbers and trends, and how it builds a chart from values:
every basis of a baseline, one value, no change, mixed units, labels that would collide."""

from __future__ import annotations

import pytest

from nmrf_desktop.domain.indicators import (
    Direction,
    IndicatorRecord,
    Observation,
    ValueRecord,
    trend,
)
from nmrf_desktop.services.indicator_views import chart_of, display_unit, headline
from nmrf_desktop.ui.indicators.text import (
    maori_marker,
    number,
    short_trend,
    title_with_mi,
    trend_sentence,
)


def _obs(*pairs: tuple[str, str]) -> list[Observation]:
    return [Observation(p, v) for p, v in pairs]


def test_trend_sentences_for_every_basis() -> None:
    down = trend(_obs(("2010", "47.9"), ("2024", "43.0")), direction=Direction.DOWN,
                 target="30", baseline_period="2010")
    assert down is not None
    assert trend_sentence(down, "%") == \
        "Latest 43.0% (2024); down 4.9 since baseline 2010; moving toward the target"
    first = trend(_obs(("2019", "1200"), ("2021", "1350.5")), direction=Direction.UP,
                  target=None)
    assert first is not None
    assert trend_sentence(first, "people") == ("Latest 1,350.5 people (2021); up 150.5 "
                                               "since 2019 (the first value); no target set")
    given = trend(_obs(("2020", "12"), ("2022", "12")), direction=Direction.NONE,
                  target="10", baseline_value="12")
    assert given is not None and given.baseline_basis == "indicator baseline"
    assert trend_sentence(given) == "Latest 12 (2022); unchanged since the baseline; no change"
    one = trend(_obs(("2023", "-3.25")), direction=None, target=None)
    assert one is not None
    assert trend_sentence(one) == "Latest \u22123.25 (2023); the only value so far; " \
                                  "direction not set"
    assert short_trend(down, "%") == "43.0% (2024), moving toward the target"
    assert short_trend(None) == "No values yet"


def test_numbers_titles_and_the_maori_marker() -> None:
    assert number("15.9201832332026") == "15.920"
    assert number("1234567") == "1,234,567"
    assert number("38", 1) == "38.0"
    assert title_with_mi("Remand", "Te hunga mauhere") == "Remand — Te hunga mauhere"
    assert title_with_mi("Remand", "") == "Remand"
    assert maori_marker(True, "Te Kāhui Raraunga") == \
        "Māori data — governance: Te Kāhui Raraunga"
    assert maori_marker(True, "") == "Māori data" and maori_marker(False, "x") == ""


def _indicator(**changes: object) -> IndicatorRecord:
    fields: dict[str, object] = dict(
        id="i1", code="C", title="T", title_mi="", kind="outcome", unit="", unit_multiplier=0,
        direction="down", source="", method="", steward=None, sdg=None, sdg_title="",
        baseline_value="38", baseline_period="2019", target_value=None, target_period=None,
        maori_data=False, governance="", governance_note="", release_public=False,
        recommendations=(), clusters=(), values=0, version=1)
    fields.update(changes)
    return IndicatorRecord(**fields)  # type: ignore[arg-type]


def _value(period: str, value: str, units: str = "", **dis: str) -> ValueRecord:
    return ValueRecord(id=f"{period}{units}{dis}", period=period, value=value,
                       disaggregation=dict(dis), units=units, status="final",
                       observation_status="", attributes={}, note="", maori_data=None,
                       version=1, current=True, superseded_by=None, recorded_at="",
                       recorded_by="", source_file="", source_row=None)


def test_a_chart_from_values_orders_labels_and_units() -> None:
    values = [_value("2021", "5", Ethnicity="Māori", Sex="Female"),  # keys sorted, as kept
              _value("2019/20", "4", Ethnicity="Māori"),
              _value("2021", "7"), _value("2019/20", "6"),
              _value("2021", "9", Sex="Male")]
    spec, order = chart_of(_indicator(unit="Percentage (%)"), values)
    assert [s.label for s in spec.series] == ["Total", "Male", "Māori", "Māori, Female"]
    assert list(spec.periods) == ["2019/20", "2021"]
    assert spec.unit == "%" and spec.baseline == 38.0 and spec.target is None
    assert (spec.value(0, 0), spec.value(2, 0)) == (6.0, 4.0)
    assert spec.value(3, 0) is None and spec.value(3, 1) == 5.0
    assert [o[0] for o in order] == [s.label for s in spec.series]
    # Two units: each label says its units; the chart's unit is none of them.
    mixed = [_value("2020", "3", "Number"), _value("2020", "0.4", "Rate")]
    spec, _order = chart_of(_indicator(), mixed)
    assert [s.label for s in spec.series] == ["Total (Number)", "Total (Rate)"]
    assert spec.unit == ""
    # Labels that would be the same (two columns with the same value) keep their names.
    same = [_value("2020", "1", Group="A"), _value("2020", "2", Series="A")]
    spec, _order = chart_of(_indicator(), same)
    assert sorted(s.label for s in spec.series) == ["A", "Series: A"]


@pytest.mark.parametrize(("unit", "units", "shown"), [
    ("%", set(), "%"), ("", {"Percentage (%)"}, "%"), ("", {"a", "b"}, ""),
    ("people", {"Percentage (%)"}, "people"), ("", set(), "")])
def test_display_unit(unit: str, units: set[str], shown: str) -> None:
    assert display_unit(unit, units) == shown


def test_the_headline_is_the_total_else_the_first() -> None:
    total = trend(_obs(("2020", "1")), direction=None, target=None)
    part = trend(_obs(("2020", "2")), direction=None, target=None, disaggregation={"S": "F"})
    assert total is not None and part is not None
    assert headline([part, total]) is total
    assert headline([part]) is part and headline([]) is None
