"""ChartSpec: the grid of values, its validation, the number format and the value axis."""

from __future__ import annotations

import math
import re

import pytest

from nmrf_desktop.reports.chart_spec import (
    ChartSeries,
    ChartSpec,
    ChartSpecError,
    Scale,
    nice_scale,
)

YEARS = ["2019", "2020", "2021"]


def test_the_grid_holds_each_value_at_its_period_and_none_where_missing() -> None:
    spec = ChartSpec("Rate", "%", YEARS, [
        ChartSeries("Māori", [("2021", 43.0), ("2019", 40.5)]),
        ChartSeries("Total", [("2020", 30)]),
    ], baseline=35.0, baseline_period="2019", target=25.0, target_period="2030")
    assert spec.row(0) == (40.5, None, 43.0)
    assert spec.row(1) == (None, 30.0, None)
    assert spec.value(1, 1) == 30.0
    assert not spec.is_empty
    assert sorted(spec.values()) == [25.0, 30.0, 35.0, 40.5, 43.0]
    assert spec.reference_label("baseline") == "Baseline (2019)"
    assert spec.reference_label("target") == "Target (2030)"


def test_baseline_and_target_alone_are_an_empty_chart() -> None:
    spec = ChartSpec("Rate", "%", YEARS, [ChartSeries("Total", [])], baseline=3.0)
    assert spec.is_empty
    assert ChartSpec("Nothing").is_empty


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"periods": ["2019", "2019"]}, "period listed twice: 2019"),
    ({"periods": ["2019", " "]}, "a period has no name"),
    ({"series": [ChartSeries("Māori", [("2018", 1.0)])]},
     "Māori: period '2018' is not among the periods"),
    ({"series": [ChartSeries("Māori", [("2019", math.nan)])]},
     "Māori, 2019: not a finite number: nan"),
    ({"series": [ChartSeries("Māori", [("2019", math.inf)])]},
     "Māori, 2019: not a finite number: inf"),
    ({"series": [ChartSeries("Māori", [("2019", "12")])]},  # type: ignore[list-item]
     "Māori, 2019: not a finite number: '12'"),
    ({"series": [ChartSeries("Māori", [("2019", True)])]},
     "Māori, 2019: not a finite number: True"),
    ({"series": [ChartSeries("Māori", [("2019", 1.0), ("2019", 2.0)])]},
     "Māori: two values for period 2019"),
    ({"series": [ChartSeries("Māori", []), ChartSeries("Māori", [])]},
     "two series are both labelled 'Māori'"),
    ({"baseline": math.nan}, "the baseline is not a finite number: nan"),
    ({"target": "high"}, "the target is not a finite number: 'high'"),
])
def test_contradictory_input_is_refused_naming_what_is_wrong(kwargs: dict[str, object],
                                                             message: str) -> None:
    args: dict[str, object] = {"periods": YEARS} | kwargs
    with pytest.raises(ChartSpecError, match="^" + re.escape(message) + "$"):
        ChartSpec("Rate", "%", **args)  # type: ignore[arg-type]


def test_numbers_are_written_with_the_places_the_data_needs() -> None:
    whole = ChartSpec("Count", "people", ["2020"], [ChartSeries("All", [("2020", 12345)])])
    assert whole.decimals == 0
    assert whole.format(12345) == "12,345"
    assert whole.format(12345, unit=True) == "12,345 people"
    assert whole.format(-3) == "\u22123"
    assert whole.format(None) == "—"
    tenths = ChartSpec("Rate", "%", ["2020", "2021"],
                       [ChartSeries("All", [("2020", 38.2), ("2021", 40)])])
    assert tenths.decimals == 1
    assert tenths.format(40, unit=True) == "40.0%"
    fine = ChartSpec("Ratio", "", ["2020"], [ChartSeries("All", [("2020", 0.123456)])])
    assert fine.decimals == 3
    assert fine.format(0.123456, unit=True) == "0.123"


@pytest.mark.parametrize(("values", "expected"), [
    ([24.0, 50.1], Scale(0, 60, 10)),          # a rate well above zero still starts at 0
    ([4.9, 5.2], Scale(4.9, 5.2, 0.05)),       # a narrow band does not
    ([-3.0, 2.0], Scale(-3, 2, 1)),
    ([-40.0, -35.0], Scale(-40, -35, 1)),
    ([7.0, 7.0], Scale(6, 8, 0.5)),           # one value: a band around it
    ([0.0, 0.0], Scale(-1, 1, 0.5)),
    ([5000.0], Scale(4000, 6000, 500)),
    ([], Scale(0, 1, 0.2)),
])
def test_the_value_axis_has_round_gridlines(values: list[float], expected: Scale) -> None:
    scale = nice_scale(values)
    assert scale.low == pytest.approx(expected.low)
    assert scale.high == pytest.approx(expected.high)
    assert scale.step == pytest.approx(expected.step)
    assert scale.low <= min(values, default=0) and scale.high >= max(values, default=1)
    assert 3 <= len(scale.ticks()) <= 11


def test_gridline_labels_use_the_step_places() -> None:
    assert [Scale(0, 1, 0.25).format(t) for t in Scale(0, 1, 0.25).ticks()] == [
        "0.00", "0.25", "0.50", "0.75", "1.00"]
    assert Scale(0, 5000, 1000).format(5000) == "5,000"
    assert Scale(-10, 10, 5).format(-10) == "\u221210"


@pytest.mark.parametrize(("baseline", "target", "low", "high"), [
    (None, 30.0, 25, 60),   # a target on the lowest gridline: one step lower
    (60.0, None, 30, 65),   # a baseline on the highest: one step higher
    (45.0, 30.0, 25, 60),
    (None, 40.0, 30, 60),   # inside the plot: the axis as nice_scale gives it
])
def test_a_reference_line_never_lies_on_the_plots_edge(
        baseline: float | None, target: float | None, low: float, high: float) -> None:
    spec = ChartSpec("Remand", "%", ("2019", "2020"),
                     (ChartSeries("Total", (("2019", 31.0), ("2020", 58.0))),),
                     baseline=baseline, target=target)
    scale = spec.scale()
    assert (scale.low, scale.high, scale.step) == pytest.approx((low, high, 5))
    refs = [v for v in (baseline, target) if v is not None]
    assert all(scale.low < v < scale.high for v in refs)
