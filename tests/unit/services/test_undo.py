"""Undo of progress updates: unsent ones are removed (nothing of them is ever sent or
printed); sent ones get a correcting entry, bundled like any other change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import InvalidEntry
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry, undo
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.browsing import detail
from nmrf_desktop.services.exchange import bundle_export
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest

from .undo_support import (
    NARRATIVE,
    Place,
    audit_events,
    bundle_text,
    make_place,
    moj_recommendation,
    pdf_text,
    progress,
    unsent,
)


@pytest.fixture
def place(tmp_path: Path, nz_csv: Path) -> Iterator[Place]:
    yield from make_place(tmp_path, nz_csv)


def _status(record: Record, rec_id: str) -> str | None:
    found = detail(record, rec_id)
    assert found is not None
    return found.recommendation.status


def test_undo_of_an_unsent_update_removes_it_and_its_change(place: Place) -> None:
    rec = place.ids[0]
    update = progress(place.record, rec)
    assert unsent(place.record) == [("progress", update.id, "insert")]
    assert _status(place.record, rec) == "implemented"

    done = undo.undo_progress(place.record, update.id)

    assert done.outcome is undo.Outcome.REMOVED and done.correction is None
    assert entry.progress_for(place.record, rec) == []
    assert unsent(place.record) == []
    assert _status(place.record, rec) is None  # "No update" again, not "Not started"
    events = audit_events(place.record)
    assert [e for e, _d in events[-2:]] == ["progress.add", "progress.undo"]
    assert json.loads(events[-1][1])["outcome"] == "removed"
    with pytest.raises(bundle_export.NothingToSend):
        place.send()


def test_a_bundle_sent_after_the_undo_carries_nothing_of_it(place: Place) -> None:
    removed = progress(place.record, place.ids[0])
    undo.undo_progress(place.record, removed.id)
    kept = progress(place.record, place.ids[1], narrative="Kept: the Māori Land Court update.")
    text = bundle_text(place.send())
    assert kept.id in text and "Māori Land Court" in text
    assert removed.id not in text and NARRATIVE not in text and "Correction" not in text


def test_undo_redo_undo_of_an_unsent_update_leaves_no_entry_and_prints_nothing(
        nz_record: Record, tmp_path: Path) -> None:
    """The report of issue 12: undo, redo, undo left four entries, all bundled and printed."""
    assign_lead_defaults(nz_record)
    rec = moj_recommendation(nz_record)
    update = progress(nz_record, rec)
    with_it = tmp_path / "with.pdf"
    build_pdf(nz_record, ReportRequest("agency", Filters(agency="MOJ")), with_it)
    assert "Ōtautahi" in pdf_text(with_it)  # the report does print the update ...

    first = undo.undo_progress(nz_record, update.id)
    again = undo.redo_progress(nz_record, first)
    assert again.id == update.id and [p.id for p in entry.progress_for(nz_record, rec)] == [
        update.id]
    assert unsent(nz_record) == [("progress", update.id, "insert")]  # a new unsent change
    undo.undo_progress(nz_record, again.id)

    assert entry.progress_for(nz_record, rec) == []
    assert unsent(nz_record) == []
    assert _status(nz_record, rec) is None
    out = tmp_path / "moj.pdf"
    build_pdf(nz_record, ReportRequest("agency", Filters(agency="MOJ")), out)
    text = pdf_text(out)
    assert "Correction" not in text and "entered in error" not in text
    assert "Ōtautahi" not in text  # ... and prints nothing of it once it is undone
    assert [e for e, _d in audit_events(nz_record)[-4:]] == [
        "progress.add", "progress.undo", "progress.redo", "progress.undo"]


def test_undo_of_a_sent_update_appends_a_correction_that_is_bundled(place: Place) -> None:
    rec = place.ids[0]
    earlier = progress(place.record, rec, status=ImplementationStatus.IN_PROGRESS,
                       narrative="Consultation with iwi under way.")
    update = progress(place.record, rec)
    place.send()
    assert unsent(place.record) == []

    done = undo.undo_progress(place.record, update.id, note="Correction: withdrawn (tēnā).")

    assert done.outcome is undo.Outcome.CORRECTED and done.correction is not None
    fix = done.correction
    assert (fix.status, fix.as_of, fix.narrative) == (
        "in_progress", update.as_of, "Correction: withdrawn (tēnā).")
    history = entry.progress_for(place.record, rec)
    assert {p.id for p in history} == {earlier.id, update.id, fix.id}  # nothing deleted
    assert _status(place.record, rec) == "in_progress"
    assert unsent(place.record) == [("progress", fix.id, "insert")]
    text = bundle_text(place.send())
    assert fix.id in text and "tēnā" in text and update.id not in text
    assert json.loads(audit_events(place.record)[-2][1])["outcome"] == "corrected"


def test_a_sent_update_with_no_earlier_one_is_corrected_to_not_started(place: Place) -> None:
    update = progress(place.record, place.ids[0])
    place.send()
    done = undo.undo_progress(place.record, update.id)
    assert done.correction is not None and done.correction.status == "not_started"
    assert "entered in error" in done.correction.narrative  # the default note, in English


def test_redo_after_a_correction_removes_the_correction_while_it_is_unsent(
        place: Place) -> None:
    rec = place.ids[0]
    update = progress(place.record, rec)
    place.send()
    done = undo.undo_progress(place.record, update.id)
    standing = undo.redo_progress(place.record, done)
    assert standing.id == update.id
    assert [p.id for p in entry.progress_for(place.record, rec)] == [update.id]
    assert unsent(place.record) == []  # the correction never left: it is gone
    assert _status(place.record, rec) == "implemented"


def test_redo_after_a_sent_correction_appends_the_update_again(place: Place) -> None:
    rec = place.ids[0]
    update = progress(place.record, rec)
    place.send()
    done = undo.undo_progress(place.record, update.id)
    place.send()  # the correction left too
    standing = undo.redo_progress(place.record, done)
    assert standing.id not in (update.id, done.correction.id if done.correction else "")
    assert (standing.status, standing.narrative) == ("implemented", NARRATIVE)
    assert unsent(place.record) == [("progress", standing.id, "insert")]
    assert len(entry.progress_for(place.record, rec)) == 3
    # ... and that new entry, unsent, is simply removed by the next undo.
    assert undo.undo_progress(place.record, standing.id).outcome is undo.Outcome.REMOVED
    assert len(entry.progress_for(place.record, rec)) == 2
    assert _status(place.record, rec) == "not_started"


def test_the_probe_says_which_an_undo_would_do(place: Place) -> None:
    update = progress(place.record, place.ids[0])
    assert undo.progress_has_left(place.record, update.id) is False
    place.send()
    assert undo.progress_has_left(place.record, update.id) is True


def test_undo_of_an_update_no_longer_there_is_refused_and_changes_nothing(
        place: Place) -> None:
    update = progress(place.record, place.ids[0])
    undo.undo_progress(place.record, update.id)
    before = audit_events(place.record)
    with pytest.raises(InvalidEntry) as refused:
        undo.undo_progress(place.record, update.id)
    assert refused.value.field == "progress"
    assert "no longer in the record" in str(refused.value)
    assert audit_events(place.record) == before and unsent(place.record) == []


def test_redo_of_an_update_already_back_is_refused_and_changes_nothing(place: Place) -> None:
    update = progress(place.record, place.ids[0])
    done = undo.undo_progress(place.record, update.id)
    undo.redo_progress(place.record, done)
    log = unsent(place.record)
    with pytest.raises(InvalidEntry, match="already in the record"):
        undo.redo_progress(place.record, done)
    assert unsent(place.record) == log


def test_at_the_centre_an_update_counts_as_sent_once_a_pack_went_out(place: Place) -> None:
    central = place.world.central
    update = progress(central, place.ids[0], narrative="Recorded by the secretariat.")
    assert undo.progress_has_left(central, update.id) is False
    place.world.send_pack(place.lap)  # the pack carries it to the agency
    assert undo.progress_has_left(central, update.id) is True
    assert undo.undo_progress(central, update.id).outcome is undo.Outcome.CORRECTED
