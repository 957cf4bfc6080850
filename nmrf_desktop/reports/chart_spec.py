"""What an indicator chart shows (periods, series, baseline, target), for the app and PDFs alike.

A plain, validated input type: the app's painted chart (ui.indicator_chart), its table and
the PDF chart (reports.pdf_line_chart) all draw from one `ChartSpec`, and format its numbers
the same way, so the chart and its table never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# Series colours shared by the app and the PDFs, each 3:1 or more against its background
# (WCAG 1.4.11): LIGHT on white paper and light windows, DARK on dark windows.
LIGHT_COLOURS = ("#0072B2", "#C8500A", "#00805A", "#AA3377", "#8C6A00", "#6A4C9C",
                 "#00829B", "#C0263D")
DARK_COLOURS = ("#56B4E9", "#F08A4B", "#3CCB8F", "#E47BB5", "#E6C34A", "#B39CEA",
                "#4FD1E0", "#FF7A8A")


class ChartSpecError(ValueError):
    """The chart's input contradicts itself (a duplicate period, a value not a number…)."""


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line: a disaggregation's label ("Māori", "Female, 15–24") and its (period, value)s."""

    label: str
    points: Sequence[tuple[str, float]] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple((str(p), v) for p, v in self.points))


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A line chart of one indicator: text periods in order, one series per disaggregation.

    `baseline` and `target` are single reference values (each with its period, which may lie
    outside `periods`, e.g. a 2030 target); either may be None. Raises ChartSpecError when
    the input contradicts itself.
    """

    title: str
    unit: str = ""
    periods: Sequence[str] = ()
    series: Sequence[ChartSeries] = ()
    baseline: float | None = None
    baseline_period: str | None = None
    target: float | None = None
    target_period: str | None = None
    _values: tuple[tuple[float | None, ...], ...] = field(init=False, repr=False,
                                                          compare=False)
    _decimals: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple(str(p) for p in self.periods)
        series = tuple(self.series)
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "series", series)
        object.__setattr__(self, "_values",
                           _validated(periods, series, self.baseline, self.target))
        object.__setattr__(self, "_decimals", _places(self.values()))

    def value(self, series_index: int, period_index: int) -> float | None:
        """The value of one series in one period, or None where nothing was recorded."""
        return self._values[series_index][period_index]

    def row(self, series_index: int) -> tuple[float | None, ...]:
        """One series' values, one per period (None where missing)."""
        return self._values[series_index]

    @property
    def is_empty(self) -> bool:
        """No value at all in any series (baseline and target alone are not a chart)."""
        return not any(v is not None for row in self._values for v in row)

    def values(self) -> list[float]:
        """Every value drawn: the series' values, the baseline and the target."""
        found = [v for row in self._values for v in row if v is not None]
        return found + [v for v in (self.baseline, self.target) if v is not None]

    def scale(self) -> Scale:
        """The value axis: `nice_scale` of every value drawn, one step wider on a side where
        the baseline or the target would lie on the plot's edge (a dashed line drawn on the
        axis cannot be seen)."""
        scale = nice_scale(self.values())
        refs = [v for v in (self.baseline, self.target) if v is not None]
        low, high = scale.low, scale.high
        if any(math.isclose(v, low, abs_tol=scale.step * 1e-6) for v in refs):
            low -= scale.step
        if any(math.isclose(v, high, abs_tol=scale.step * 1e-6) for v in refs):
            high += scale.step
        return Scale(low, high, scale.step)

    @property
    def decimals(self) -> int:
        """Decimal places that show every value as given (at most 3), e.g. 1 for 38.2."""
        return self._decimals

    def format(self, value: float | None, *, unit: bool = False) -> str:
        """A value as the chart and its table write it: '1,234.5', '38.2 %' with unit."""
        if value is None:
            return "—"
        text = f"{value:,.{self.decimals}f}".replace("-", "\u2212")
        if not unit or not self.unit:
            return text
        return f"{text}%" if self.unit == "%" else f"{text} {self.unit}"

    def reference_label(self, which: str) -> str:
        """'Baseline (2010)' / 'Target (2030)' or without period."""
        period = self.baseline_period if which == "baseline" else self.target_period
        name = "Baseline" if which == "baseline" else "Target"
        return f"{name} ({period})" if period else name


def _validated(periods: tuple[str, ...], series: tuple[ChartSeries, ...],
               baseline: float | None, target: float | None) -> tuple[tuple[float | None, ...],
                                                                      ...]:
    """The value grid (series × periods), or ChartSpecError naming what is wrong."""
    if len(set(periods)) != len(periods):
        twice = sorted({p for p in periods if periods.count(p) > 1})
        raise ChartSpecError(f"period listed twice: {', '.join(twice)}")
    if any(not p.strip() for p in periods):
        raise ChartSpecError("a period has no name")
    for name, ref in (("baseline", baseline), ("target", target)):
        if ref is not None and not _is_number(ref):
            raise ChartSpecError(f"the {name} is not a finite number: {ref!r}")
    where = {p: i for i, p in enumerate(periods)}
    grid: list[tuple[float | None, ...]] = []
    labels: set[str] = set()
    for s in series:
        if s.label in labels:
            raise ChartSpecError(f"two series are both labelled {s.label!r}")
        labels.add(s.label)
        row: list[float | None] = [None] * len(periods)
        for period, value in s.points:
            if period not in where:
                raise ChartSpecError(f"{s.label}: period {period!r} is not among the periods")
            if not _is_number(value):
                raise ChartSpecError(f"{s.label}, {period}: not a finite number: {value!r}")
            if row[where[period]] is not None:
                raise ChartSpecError(f"{s.label}: two values for period {period}")
            row[where[period]] = float(value)
        grid.append(tuple(row))
    return tuple(grid)


def _places(values: list[float]) -> int:
    """The fewest decimal places (at most 3) that write every one of `values` exactly."""
    places = 0
    for v in values:
        while places < 3 and abs(round(v, places) - v) >= 1e-9 * max(1.0, abs(v)):
            places += 1
    return places


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Scale:
    """A value axis: lowest and highest gridline and the step between gridlines."""

    low: float
    high: float
    step: float

    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [self.low + i * self.step for i in range(count + 1)]

    @property
    def decimals(self) -> int:
        """Decimal places the step needs: 0 for 5, 1 for 2.5 or 0.5, 2 for 0.25."""
        for places in range(0, 7):
            if abs(round(self.step, places) - self.step) < 1e-9 * max(1.0, self.step):
                return places
        return 6

    def format(self, tick: float) -> str:
        """A gridline's label: '20', '2.5', '1,000', '−5'."""
        return f"{tick:,.{self.decimals}f}".replace("-", "\u2212")


def nice_scale(values: Sequence[float], ticks: int = 5) -> Scale:
    """Round gridlines (steps of 1, 2, 2.5 or 5 × 10ⁿ) around `values`, about `ticks` of them.

    Zero is included when every value is positive and the smallest is under half the
    largest (so a rate of 20–45 % starts at 0, a population of 4.9–5.2 million does not).
    """
    if not values:
        return Scale(0.0, 1.0, 0.2)
    low, high = min(values), max(values)
    if low >= 0 and low < high * 0.5:
        low = 0.0
    if high <= 0 and high > low * 0.5:
        high = 0.0
    if math.isclose(low, high):
        pad = 10.0 ** math.floor(math.log10(abs(low))) if low else 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 2.5, 5, 10)), key=lambda c: abs(math.log(c / raw)))
    lo = math.floor(low / step + 1e-9) * step
    hi = math.ceil(high / step - 1e-9) * step
    if hi <= lo:
        hi = lo + step
    return Scale(lo, hi, step)
