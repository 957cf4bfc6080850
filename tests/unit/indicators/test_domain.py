"""Indicator rules without a database: numbers, periods, keys, drafts and the trend."""

from __future__ import annotations

import json

import pytest

from nmrf_desktop.domain.indicators import (
    Direction,
    IndicatorDraft,
    Observation,
    Trend,
    ValueStatus,
    canonical_disaggregation,
    canonical_number,
    check_draft,
    multiplier_power,
    parse_period,
    period_sort_key,
    series_key,
    status_of,
    trend,
)


@pytest.mark.parametrize(("given", "expected"), [
    ("15.9201832332026", "15.9201832332026"), ("1.50", "1.5"), ("100.0", "100"),
    (2019.0, "2019"), (7, "7"), ("-2.4745895807818797e-05", "-0.000024745895807818797"),
    ("1e3", "1000"), (" 42 ", "42"), ("-0", "0"), (0.1, "0.1"), (".5", "0.5"),
])
def test_numbers_are_canonical(given: object, expected: str) -> None:
    assert canonical_number(given) == expected


@pytest.mark.parametrize("given", ["n/a", "1,234", "12%", "", "NaN", "inf", True, None,
                                   float("nan"), "1e999999", "1 000"])
def test_what_is_no_number(given: object) -> None:
    assert canonical_number(given) is None


@pytest.mark.parametrize(("given", "text", "start", "end", "quarter"), [
    ("2019", "2019", 2019, 2019, 0), (2019, "2019", 2019, 2019, 0),
    (2021.0, "2021", 2021, 2021, 0), ("2021.0", "2021", 2021, 2021, 0),
    ("2019-Q1", "2019-Q1", 2019, 2019, 1), ("2019 Q3", "2019-Q3", 2019, 2019, 3),
    ("2019q4", "2019-Q4", 2019, 2019, 4), ("2011/12", "2011/12", 2011, 2012, 0),
    ("1999/00", "1999/00", 1999, 2000, 0), ("2011/2012", "2011/2012", 2011, 2012, 0),
    ("2017-19", "2017-19", 2017, 2019, 0), ("2003-2007", "2003-2007", 2003, 2007, 0),
    ("2013/16", "2013/16", 2013, 2016, 0),
    ("2014 to 2015", "2014 to 2015", 2014, 2015, 0),
    ("2015/16 to 2017/18", "2015/16 to 2017/18", 2015, 2018, 0),
    ("1918", "1918", 1918, 1918, 0),
])
def test_periods(given: object, text: str, start: int, end: int, quarter: int) -> None:
    found = parse_period(given)
    assert found is not None
    assert (found.text, found.start, found.end, found.quarter) == (text, start, end, quarter)


@pytest.mark.parametrize("given", ["1974a", "2019/20 [Note 5]", "There is no data for this "
                                   "indicator yet", "17 May to 11 June 2023", "2019-Q5",
                                   "2020/19", "19", "3019", "2019.5", 2019.5, True, "",
                                   "2019-2019", "1993 01"])
def test_what_is_no_period(given: object) -> None:
    assert parse_period(given) is None


def test_periods_sort_in_time() -> None:
    texts = ["2020", "2019-Q2", "2019/20", "2019", "2019-Q1", "2018"]
    assert sorted(texts, key=period_sort_key) == [
        "2018", "2019", "2019-Q1", "2019-Q2", "2019/20", "2020"]


def test_disaggregation_is_canonical_json_with_macrons() -> None:
    text = canonical_disaggregation({"Sex": "Female", "Ethnicity": "Ma\u0304ori", "Age": ""})
    assert text == '{"Ethnicity":"Māori","Sex":"Female"}'
    assert json.loads(text) == {"Ethnicity": "Māori", "Sex": "Female"}
    assert canonical_disaggregation({}) == "{}"
    assert series_key("2019", "", text) != series_key("2019", "Number", text)


@pytest.mark.parametrize(("status", "expected"), [
    ("Provisional value", ValueStatus.PROVISIONAL), ("P", ValueStatus.PROVISIONAL),
    ("provisional", ValueStatus.PROVISIONAL), ("Normal value", ValueStatus.FINAL),
    ("", ValueStatus.FINAL), ("Estimated value", ValueStatus.FINAL)])
def test_status_from_observation_status(status: str, expected: ValueStatus) -> None:
    assert status_of(status) is expected


def test_unit_multiplier_names() -> None:
    assert [multiplier_power(t) for t in ("Units", "Thousands", "millions", "6", "Percentage")
            ] == [0, 3, 6, 6, None]


def _obs(*pairs: tuple[str, str]) -> list[Observation]:
    return [Observation(p, v) for p, v in pairs]


def test_trend_down_is_toward_when_it_falls() -> None:
    found = trend(_obs(("2020", "12"), ("2019", "15"), ("2021", "10.5")),
                  direction=Direction.DOWN, target="8")
    assert found is not None
    assert (found.latest_period, found.latest_value) == ("2021", "10.5")
    assert (found.baseline_period, found.baseline_value, found.baseline_basis) == (
        "2019", "15", "first value")
    assert found.change == "-4.5" and found.change_percent == -30.0
    assert found.trend is Trend.TOWARD and found.trend.value == "moving toward the target"


def test_trend_up_falling_is_moving_away() -> None:
    found = trend(_obs(("2019", "50"), ("2020", "40")), direction=Direction.UP, target="60")
    assert found is not None and found.trend is Trend.AWAY and found.change == "-10"


def test_trend_uses_the_baseline_period_then_the_indicator_baseline() -> None:
    obs = _obs(("2018", "20"), ("2019", "18"), ("2021", "16"))
    own = trend(obs, direction=Direction.DOWN, target="10", baseline_period="2019",
                baseline_value="25")
    assert own is not None and (own.baseline_value, own.baseline_basis) == (
        "18", "baseline period")
    given = trend(obs, direction=Direction.DOWN, target="10", baseline_period="2015",
                  baseline_value="25")
    assert given is not None and (given.baseline_value, given.baseline_basis, given.change) == (
        "25", "indicator baseline", "-9")
    group = trend(obs, direction=Direction.DOWN, target="10", baseline_period="2015",
                  baseline_value="25", disaggregation={"Ethnicity": "Māori"})
    assert group is not None and (group.baseline_value, group.baseline_basis) == (
        "20", "first value")


@pytest.mark.parametrize(("direction", "target", "values", "expected"), [
    (None, "10", ("5", "7"), Trend.NO_DIRECTION),
    (Direction.UP, None, ("5", "7"), Trend.NO_TARGET),
    (Direction.UP, "10", ("5", "5.0"), Trend.NO_CHANGE),
    (Direction.NONE, "10", ("5", "7"), Trend.TOWARD),
    (Direction.NONE, "10", ("12", "15"), Trend.AWAY),
    (Direction.NONE, "10", ("8", "12"), Trend.NO_CHANGE),
    (Direction.DOWN, "10", ("12", "14"), Trend.AWAY),
])
def test_trend_cases(direction: Direction | None, target: str | None,
                     values: tuple[str, str], expected: Trend) -> None:
    found = trend(_obs(("2019", values[0]), ("2020", values[1])), direction=direction,
                  target=target)
    assert found is not None and found.trend is expected


def test_trend_of_nothing_and_of_a_zero_baseline() -> None:
    assert trend([], direction=Direction.UP, target="1") is None
    found = trend(_obs(("2019", "0"), ("2020", "3")), direction=Direction.UP, target="5")
    assert found is not None and found.change_percent is None and found.change == "3"


def test_draft_is_tidied_and_checked() -> None:
    tidy, problems = check_draft(IndicatorDraft(
        code=" PRIS-1 ", title="  Remand   rate ", kind="outcome", baseline_value="15.90",
        baseline_period="2019 Q1", target_value="10", title_mi="Te hunga mauhere"))
    assert problems == []
    assert (tidy.code, tidy.title, tidy.baseline_value, tidy.baseline_period) == (
        "PRIS-1", "Remand rate", "15.9", "2019-Q1")
    _tidy, problems = check_draft(IndicatorDraft(
        code="bad code!", title="", kind="impact", direction="sideways",
        baseline_value="n/a", target_period="soon", maori_data=True, unit_multiplier=99))
    fields = [f for f, _m in problems]
    assert fields == ["code", "title", "kind", "direction", "unit_multiplier",
                      "baseline_value", "target_period", "governance"]
    _tidy, problems = check_draft(IndicatorDraft(code="X", title="T", kind="process",
                                                 governance="Te Kāhui Raraunga"))
    assert [f for f, _m in problems] == ["governance"]
