"""The desktop workspace's read services: filter choices, overview figures, profile, checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import InvalidEntry, ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing, facets, overview, workspace
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.entry import add_progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile


def test_choices_are_the_distinct_values_in_the_record(nz_record: Record) -> None:
    found = facets.choices(nz_record)
    assert found.bodies == ("UPR",)
    assert found.cycles == ((1, 2009), (2, 2014))
    assert set(found.positions) == {"supported", "noted"}
    assert "Māori" in found.groups and "Women" in found.groups
    assert "Brazil" in found.states and found.states == tuple(sorted(found.states))
    moj = next(a for a in found.agencies if a.code == "MOJ")
    assert moj.display() == "Ministry of Justice — Te Tāhū o te Ture (MOJ)"


def test_overview_counts_and_stale_items(nz_record: Record) -> None:
    assign_lead_defaults(nz_record)
    everything = overview.overview(nz_record)
    assert everything.total == 228
    assert dict(everything.by_body) == {"UPR": 228}
    assert sum(n for _, n in everything.by_cycle) == 228
    assert overview.overview(nz_record, "MSD").total == 0
    first = search_recommendations(nz_record, Filters(), limit=1)[0]
    add_progress(nz_record, ProgressDraft(first.id, "MOJ", ImplementationStatus.ONGOING,
                                          "Work continues.", as_of=dt.date(2026, 1, 10)))
    recent = overview.overview(nz_record, "MOJ", months=6, today=dt.date(2026, 3, 1))
    assert dict(recent.by_status)["ongoing"] == 1
    assert recent.stale_count == 227 and first.id not in {s.id for s in recent.stale}
    later = overview.overview(nz_record, "MOJ", months=1, today=dt.date(2026, 3, 1))
    assert later.stale_count == 228  # the update is more than a month old by then


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert overview.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert overview.months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_profile_is_stored_in_the_database(nz_record: Record) -> None:
    assert not workspace.load_profile(nz_record).is_set
    with pytest.raises(InvalidEntry) as bad:
        workspace.save_profile(nz_record, Profile("officer", "", "Aroha"))
    assert bad.value.field == "agency"
    saved = workspace.save_profile(nz_record, Profile("officer", "MOJ", "  Aroha Ngata "))
    assert saved == Profile("officer", "MOJ", "Aroha Ngata")
    assert nz_record.actor() == "Aroha Ngata"


def test_evidence_checks(tmp_path: Path) -> None:
    empty, fine = tmp_path / "empty.txt", tmp_path / "fine.txt"
    empty.write_bytes(b"")
    fine.write_bytes(b"12345")
    assert workspace.check_evidence_file(fine, 5) == 5
    for path, limit, words in ((empty, 10, "0 bytes"), (fine, 4, "over the 4 byte limit"),
                               (tmp_path / "missing.txt", 10, "cannot be read"),
                               (tmp_path, 10, "not a file")):
        with pytest.raises(InvalidEntry, match=words):
            workspace.check_evidence_file(path, limit)


def test_status_without_one_update(nz_record: Record) -> None:
    rec = search_recommendations(nz_record, Filters(), limit=1)[0]
    first = add_progress(nz_record, ProgressDraft(rec.id, "MOJ", ImplementationStatus.IN_PROGRESS,
                                                  "Started.", as_of=dt.date(2025, 1, 1)))
    second = add_progress(nz_record, ProgressDraft(rec.id, "MOJ",
                                                   ImplementationStatus.IMPLEMENTED, "Done.",
                                                   as_of=dt.date(2025, 6, 1)))
    assert workspace.status_without(nz_record, rec.id, second.id) == "in_progress"
    assert workspace.status_without(nz_record, rec.id, first.id) == "implemented"
    other = search_recommendations(nz_record, Filters(), limit=2)[1]
    assert workspace.status_without(nz_record, other.id, "nothing") == "not_started"


def test_detail_holds_assignments_and_work(nz_record: Record) -> None:
    assign_lead_defaults(nz_record)
    rec = search_recommendations(nz_record, Filters(), limit=1)[0]
    found = browsing.detail(nz_record, rec.id)
    assert found is not None
    assert [(a.code, a.role) for a in found.assignments] == [("MFAT", "lead"), ("MOJ", "lead")]
    assert found.progress == () and found.actions == () and found.evidence == ()
    assert workspace.pick_candidates(nz_record, "Maori", limit=3)
