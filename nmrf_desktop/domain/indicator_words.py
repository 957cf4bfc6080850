"""Indicators in words: a series' label, its trend as a plain sentence, whose data it is."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from nmrf_desktop.domain.indicators import SeriesTrend, Trend

Formatter = Callable[[str], str]

_TREND_WORDS = {
    Trend.TOWARD: "moving toward the target",
    Trend.AWAY: "moving away from the target",
    Trend.NO_CHANGE: "no change toward the target",
    Trend.NO_TARGET: "no target set",
    Trend.NO_DIRECTION: "no direction set, so no judgement of the trend",
}


def short_number(text: str, places: int = 3) -> str:
    """A canonical number for reading: at most `places` decimals, thousands commas, a true
    minus sign ('15.9201832332026' -> '15.92', '-1234' -> '−1,234')."""
    number = Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    shown = f"{number:,f}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    if shown in ("-0", ""):
        shown = "0"
    return shown.replace("-", "\u2212")


def series_label(disaggregation: dict[str, str]) -> str:
    """'Māori, Female' (the values, in the disaggregation's order), or 'Total' for {}."""
    return ", ".join(disaggregation.values()) if disaggregation else "Total"


def trend_sentence(t: SeriesTrend, *, target: str | None = None,
                   target_period: str | None = None, number: Formatter = short_number,
                   with_latest: bool = True) -> str:
    """The series' trend stated plainly, never as an implementation status:
    'Latest 41.2 (2023); down 3.3 from 44.5 in 2019 (the baseline); moving toward the
    target (30 by 2030).' (without its first part when not `with_latest`: 'Down 3.3 …')."""
    latest = f"Latest {number(t.latest_value)} ({t.latest_period})"
    if t.values == 1 and t.baseline_basis == "first value":
        change = "one value only, so no change to measure"
    else:
        delta = Decimal(t.change or "0")
        moved = ("unchanged" if delta == 0 else
                 f"{'up' if delta > 0 else 'down'} {number(str(abs(delta)))}")
        since = f" in {t.baseline_period}" if t.baseline_period else ""
        basis = {"first value": "the first value", "baseline period": "the baseline",
                 "indicator baseline": "the indicator's baseline"}[t.baseline_basis]
        change = f"{moved} from {number(t.baseline_value)}{since} ({basis})"
    verdict = _TREND_WORDS[t.trend]
    if target is not None and t.trend in (Trend.TOWARD, Trend.AWAY, Trend.NO_CHANGE):
        verdict += f" ({number(target)}{f' by {target_period}' if target_period else ''})"
    if not with_latest:
        return f"{change[:1].upper()}{change[1:]}; {verdict}."
    return f"{latest}; {change}; {verdict}."


def governance_line(governance: str, note: str = "") -> str:
    """'Māori data — governance: Te Kāhui Raraunga; released by agreement only'."""
    line = f"Māori data — governance: {governance or 'not recorded'}"
    return f"{line}; {note}" if note else line
