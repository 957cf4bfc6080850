"""A treaty body's follow-up and importance flags, as browsing reads them: the filters, the
detail's follow-up deadline from the reporting calendar, the filter choices, report scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing, facets
from nmrf_desktop.services.calendar import CalendarDraft, CalendarKind, add_entry
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.request import scope_lines
from tests.unit.documents import previews


def _paragraphs(record: Record, filters: Filters) -> list[str]:
    return sorted(r.paragraph for r in search_recommendations(record, filters, limit=None))


def test_the_filters_narrow_to_the_flagged_recommendations(nz_record: Record,
                                                            tmp_path: Path) -> None:
    apply(nz_record, previews.concluding_observations(tmp_path))
    assert len(search_recommendations(nz_record, Filters(), limit=None)) == 232
    assert _paragraphs(nz_record, Filters(follow_up=True)) == ["12", "20(a)", "20(b)"]
    assert _paragraphs(nz_record, Filters(important=True)) == ["31"]
    assert _paragraphs(nz_record, Filters(follow_up=True, important=True)) == []
    assert _paragraphs(nz_record, Filters(follow_up=True, text="Māori")) == ["20(a)", "20(b)"]
    assert len(_paragraphs(nz_record, Filters(follow_up=False))) == 229  # 228 UPR + 31
    rows = {r.paragraph: r for r in search_recommendations(
        nz_record, Filters(bodies=("CERD",)), limit=None)}
    assert (rows["12"].follow_up, rows["12"].important) == (True, False)
    assert (rows["31"].follow_up, rows["31"].important) == (False, True)


def test_the_choices_say_whether_any_recommendation_is_flagged(nz_record: Record,
                                                               tmp_path: Path) -> None:
    before = facets.choices(nz_record)
    assert (before.follow_up, before.important) == (False, False)
    apply(nz_record, previews.concluding_observations(tmp_path))
    after = facets.choices(nz_record)
    assert (after.follow_up, after.important) == (True, True)


def test_the_detail_carries_the_follow_up_deadline_of_the_calendar(record: Record,
                                                                   tmp_path: Path) -> None:
    apply(record, previews.concluding_observations(tmp_path))
    ids = {r.paragraph: r.id for r in search_recommendations(record, Filters(), limit=None)}
    followed = browsing.detail(record, ids["12"])
    assert followed is not None and followed.recommendation.follow_up
    assert followed.follow_up_due == (dt.date(2018, 8, 25),)
    important = browsing.detail(record, ids["31"])
    assert important is not None and important.recommendation.important
    assert important.follow_up_due == ()  # not flagged: no deadline looked up
    # A follow-up entry covering every CERD recommendation counts too, earliest first.
    add_entry(record, CalendarDraft(body="CERD", kind=CalendarKind.FOLLOW_UP,
                                    due_on=dt.date(2018, 2, 1), covers_all=True))
    again = browsing.detail(record, ids["20(b)"])
    assert again is not None
    assert again.follow_up_due == (dt.date(2018, 2, 1), dt.date(2018, 8, 25))


def test_a_report_names_the_flag_filters_in_its_scope() -> None:
    lines = scope_lines(Filters(follow_up=True, important=True), {})
    assert "Follow-up requested by the treaty body" in lines
    assert "Of particular importance to the treaty body" in lines
    assert scope_lines(Filters(), {}) == ("All recommendations in the record",)
