"""A write says what it changed; each view refreshes only for the kinds of record it shows."""

from __future__ import annotations

from collections import Counter

import pytest

from nmrf_desktop.domain.changes import (
    ACTION_ENTRY,
    EVERYTHING,
    IN_DETAIL,
    IN_OVERVIEW,
    IN_TABLE,
    PROGRESS_ENTRY,
    Changed,
)
from nmrf_desktop.ui.window.main_window import MainWindow


@pytest.fixture
def refreshed(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each view was asked to refresh (the real refresh still runs)."""
    calls: Counter[str] = Counter()
    for name, owner, attr in (("table", window.model, "refresh"),
                              ("detail", window.results, "reload_detail"),
                              ("overview", window.session, "load_overview"),
                              ("badge", window.exchange.badge, "refresh"),
                              ("clusters", window.overlap.view, "refresh")):
        real = getattr(owner, attr)

        def counting(*args, _name=name, _real=real):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _real(*args)
        monkeypatch.setattr(owner, attr, counting)
    return calls


@pytest.mark.parametrize(("changes", "expected"), [
    (Changed.CALENDAR, set()),
    (Changed.EXCHANGE, {"badge"}),
    (Changed.OVERLAP, {"detail", "clusters"}),
    (Changed.EVIDENCE | Changed.EXCHANGE, {"detail", "badge"}),
    (Changed.ASSIGNMENTS, {"table", "detail", "overview"}),
    (ACTION_ENTRY, {"detail", "badge", "clusters"}),
    (PROGRESS_ENTRY, {"table", "detail", "overview", "badge"}),
    (EVERYTHING, {"table", "detail", "overview", "badge", "clusters"}),
])
def test_each_view_refreshes_only_for_what_it_shows(
        window: MainWindow, refreshed: Counter[str], changes: Changed,
        expected: set[str]) -> None:
    window.did_change(changes)
    assert set(refreshed) == expected
    assert all(n == 1 for n in refreshed.values()), refreshed


def test_the_views_declare_what_they_show() -> None:
    assert not Changed.CALENDAR.affects(IN_TABLE | IN_DETAIL | IN_OVERVIEW)
    assert Changed.PROGRESS.affects(IN_TABLE) and Changed.PROGRESS.affects(IN_OVERVIEW)
    assert Changed.ACTIONS.affects(IN_DETAIL) and not Changed.ACTIONS.affects(IN_TABLE)


def test_a_saved_update_refreshes_the_views_that_show_it(
        qtbot, window: MainWindow, refreshed: Counter[str]) -> None:  # type: ignore[no-untyped-def]
    """Through the window's own write path, as a dialog's save does."""
    window.run_write(lambda: 3, lambda n: f"{n} saved", PROGRESS_ENTRY)
    qtbot.waitUntil(lambda: refreshed["badge"] == 1, timeout=5000)
    assert set(refreshed) == {"table", "detail", "overview", "badge"}
    assert "3 saved" in window.statusBar().currentMessage()
