"""How indicators are said in the app: kinds, directions, numbers, and a series' trend in words."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from nmrf_desktop.domain.indicators import Direction, IndicatorKind, SeriesTrend, Trend

_T = QCoreApplication.translate
_C = "Indicators"
MAX_DECIMALS = 3

_KINDS = {
    IndicatorKind.STRUCTURAL.value: QT_TRANSLATE_NOOP("Indicators", "Structural"),
    IndicatorKind.PROCESS.value: QT_TRANSLATE_NOOP("Indicators", "Process"),
    IndicatorKind.OUTCOME.value: QT_TRANSLATE_NOOP("Indicators", "Outcome"),
}
_DIRECTIONS = {
    Direction.UP.value: QT_TRANSLATE_NOOP("Indicators", "Higher is better"),
    Direction.DOWN.value: QT_TRANSLATE_NOOP("Indicators", "Lower is better"),
    Direction.NONE.value: QT_TRANSLATE_NOOP("Indicators", "Neither: nearer the target is "
                                                          "better"),
}
_TRENDS = {
    Trend.TOWARD: QT_TRANSLATE_NOOP("Indicators", "moving toward the target"),
    Trend.AWAY: QT_TRANSLATE_NOOP("Indicators", "moving away from the target"),
    Trend.NO_CHANGE: QT_TRANSLATE_NOOP("Indicators", "no change"),
    Trend.NO_TARGET: QT_TRANSLATE_NOOP("Indicators", "no target set"),
    Trend.NO_DIRECTION: QT_TRANSLATE_NOOP("Indicators", "direction not set"),
}


def kind_label(kind: str) -> str:
    source = _KINDS.get(kind)
    return _T(_C, str(source)) if source else kind


def direction_label(direction: str | None) -> str:
    source = _DIRECTIONS.get(direction or "")
    return _T(_C, str(source)) if source else _T(_C, "Not set")


def trend_label(trend: Trend) -> str:
    return _T(_C, str(_TRENDS[trend]))


def decimals_of(*texts: str) -> int:
    """Decimal places that write every one of `texts` (canonical numbers), at most 3."""
    places = 0
    for text in texts:
        if "." in text:
            places = max(places, len(text.split(".", 1)[1]))
    return min(places, MAX_DECIMALS)


def number(text: str, decimals: int | None = None) -> str:
    """A canonical number as the chart writes it: '1,234.5', '−4.9' (rounded to 3 places)."""
    places = decimals_of(text) if decimals is None else decimals
    return f"{Decimal(text):,.{places}f}".replace("-", "\u2212")


def with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def title_with_mi(title: str, title_mi: str) -> str:
    """'English title — te reo Māori title', or the one given."""
    if title_mi and title_mi != title:
        return _T(_C, "{0} — {1}").format(title, title_mi)
    return title


def maori_marker(maori_data: bool, governance: str) -> str:
    """'Māori data — governance: Te Mana Raraunga', or '' for other data."""
    if not maori_data:
        return ""
    if governance:
        return _T(_C, "Māori data — governance: {0}").format(governance)
    return _T(_C, "Māori data")


def trend_sentence(trend: SeriesTrend, unit: str = "", decimals: int | None = None) -> str:
    """'Latest 43.0% (2024); down 4.9 since baseline 2010; moving toward the target'."""
    places = decimals_of(trend.latest_value, trend.baseline_value) if decimals is None \
        else decimals
    latest = _T(_C, "Latest {0} ({1})").format(
        with_unit(number(trend.latest_value, places), unit), trend.latest_period)
    if trend.values == 1 and trend.baseline_basis == "first value":
        return _T(_C, "{0}; the only value so far; {1}").format(
            latest, trend_label(trend.trend))
    if trend.baseline_basis == "first value":
        since = _T(_C, "since {0} (the first value)").format(trend.baseline_period)
    elif trend.baseline_period:
        since = _T(_C, "since baseline {0}").format(trend.baseline_period)
    else:
        since = _T(_C, "since the baseline")
    change = Decimal(trend.change or "0")
    if change == 0:
        moved = _T(_C, "unchanged {0}").format(since)
    else:
        amount = number(str(abs(change)), places)  # a difference: no unit (% points)
        moved = (_T(_C, "up {0} {1}") if change > 0 else _T(_C, "down {0} {1}")).format(
            amount, since)
    return _T(_C, "{0}; {1}; {2}").format(latest, moved, trend_label(trend.trend))


def short_trend(trend: SeriesTrend | None, unit: str = "") -> str:
    """The list's cell: '43.0% (2024), moving toward the target', or '—'."""
    if trend is None:
        return _T(_C, "No values yet")
    places = decimals_of(trend.latest_value, trend.baseline_value)
    return _T(_C, "{0} ({1}), {2}").format(
        with_unit(number(trend.latest_value, places), unit), trend.latest_period,
        trend_label(trend.trend))
