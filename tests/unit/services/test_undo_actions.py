"""Undo of actions and evidence: unsent work is removed (files no other row names go too),
sent work is corrected (a cancellation, the old values as a new change) or, for evidence
that left, kept and said so."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nmrf_desktop.domain.entry import ActionDraft, ActionRecord, InvalidEntry
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services import entry, undo, undo_actions, workspace
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.blobs import BlobStore
from nmrf_desktop.store.models import Action, Conflict, Evidence, RecordVersion

from .undo_support import Place, audit_events, bundle_text, make_place, unsent

TITLE = "Te reo Māori training for court staff"


@pytest.fixture
def place(tmp_path: Path, nz_csv: Path) -> Iterator[Place]:
    yield from make_place(tmp_path, nz_csv)


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "files" / "pānui.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.4 cabinet paper on te reo M\xc4\x81ori\n" * 30)
    return path


def _draft(place: Place, title: str = TITLE) -> ActionDraft:
    return ActionDraft(title=title, agency="MOJ", recommendation_ids=tuple(place.ids),
                       start_date=dt.date(2025, 1, 1))


def _action(record: Record, action_id: str) -> ActionRecord:
    found = workspace.get_action(record, action_id)
    assert found is not None
    return found


def _rows(record: Record, model: type, **where: object) -> int:
    with record.reading() as session:
        stmt = select(func.count()).select_from(model)
        for name, value in where.items():
            stmt = stmt.where(getattr(model, name) == value)
        return int(session.execute(stmt).scalar_one())


def _blob(record: Record, sha: str | None) -> Path:
    assert sha
    return BlobStore(record.evidence_root).path_for(sha)


# -- a new action ------------------------------------------------------------------------

def test_undo_of_an_unsent_action_removes_it_with_its_evidence_and_file(
        place: Place, paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    file = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    entry.attach_url(record, "https://www.justice.govt.nz/", agency="MOJ", action_id=action.id)
    assert _blob(record, file.sha256).is_file()

    done = undo_actions.undo_create_action(record, action.id)

    assert done.outcome is undo.Outcome.REMOVED and done.after is None
    assert len(done.evidence) == 2
    assert workspace.get_action(record, action.id) is None
    assert entry.actions_for(record, place.ids[0]) == []
    assert _rows(record, Evidence) == 0 and _rows(record, RecordVersion, entity_id=action.id) == 0
    assert unsent(record) == []
    assert not _blob(record, file.sha256).exists()  # no other row named the file
    event, details = audit_events(record)[-1]
    assert event == "action.undo" and json.loads(details) == {
        "outcome": "removed", "title": TITLE, "evidence": 2}


def test_a_bundle_after_undoing_a_new_action_carries_nothing_of_it(place: Place,
                                                                   paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    file = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    undo_actions.undo_create_action(record, action.id)
    other = entry.create_action(record, _draft(place, "Another plan"))
    text = bundle_text(place.send())
    assert other.id in text
    assert action.id not in text and TITLE not in text and file.id not in text
    assert file.sha256 and file.sha256 not in text  # nor its file


def test_redo_puts_the_action_back_as_new_with_its_evidence(place: Place, paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    file = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    done = undo_actions.undo_create_action(record, action.id)

    again = undo_actions.redo_action(record, done, sources=[paper])

    assert (again.id, again.title, again.recommendation_ids) == (
        action.id, TITLE, tuple(sorted(place.ids)))
    assert [e.id for e in entry.evidence_for(record, action_id=action.id)] == [file.id]
    assert _blob(record, file.sha256).is_file()  # stored again from the file attached
    assert unsent(record) == [("action", action.id, "insert"),
                              ("evidence", file.id, "insert")]
    assert audit_events(record)[-1][0] == "action.redo"
    text = bundle_text(place.send())
    assert TITLE in text and file.id in text


def test_a_file_another_row_names_is_kept(place: Place, paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    mine = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    shared = entry.attach_file(record, paper, agency="MOJ", recommendation_id=place.ids[0])
    assert mine.sha256 == shared.sha256
    undo_actions.undo_create_action(record, action.id)
    assert _blob(record, mine.sha256).is_file()
    assert [e.id for e in entry.evidence_for(record, recommendation_id=place.ids[0])] == [
        shared.id]


def test_redo_refuses_a_file_changed_since_and_changes_nothing(place: Place,
                                                              paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    done = undo_actions.undo_create_action(record, action.id)
    paper.write_bytes(b"another file now")
    events = audit_events(record)
    with pytest.raises(InvalidEntry) as refused:
        undo_actions.redo_action(record, done, sources=[paper])
    assert refused.value.field == "file" and "pānui.pdf" in str(refused.value)
    assert workspace.get_action(record, action.id) is None
    assert unsent(record) == [] and audit_events(record) == events


def test_undo_of_a_sent_action_cancels_it_and_redo_drops_the_cancellation(
        place: Place) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    place.send()
    assert undo_actions.action_has_left(record, action.id)

    done = undo_actions.undo_create_action(record, action.id)

    assert done.outcome is undo.Outcome.CORRECTED
    assert _action(record, action.id).status == ActionStatus.CANCELLED
    assert unsent(record) == [("action", action.id, "update")]
    again = undo_actions.redo_action(record, done)
    assert (again.status, again.version) == ("planned", action.version)
    assert unsent(record) == []  # the cancellation never left: it is gone


# -- edits -------------------------------------------------------------------------------

def _edit(record: Record, action: ActionRecord, title: str) -> ActionRecord:
    draft = ActionDraft(title=title, agency=action.agency, start_date=action.start_date,
                        recommendation_ids=action.recommendation_ids)
    return entry.update_action(record, action.id, draft, action.version)


def test_undo_of_an_unsent_edit_drops_it_and_the_next_edit_merges_cleanly(
        place: Place) -> None:
    record, central = place.record, place.world.central
    action = entry.create_action(record, _draft(place))
    assert bundle_import.import_bundle(central, place.send()).status == bundle_import.MERGED
    edited = _edit(record, action, "Renamed in error")
    assert not undo_actions.edit_has_left(record, action, edited)

    done = undo_actions.revert_action(record, action, edited)

    assert done.outcome is undo.Outcome.REMOVED
    now = _action(record, action.id)
    assert (now.title, now.version) == (TITLE, action.version)  # as if it never happened
    assert unsent(record) == []
    later = _edit(record, now, "Te reo Māori training for all court staff")
    assert bundle_import.import_bundle(central, place.send()).status == bundle_import.MERGED
    assert _rows(central, Conflict) == 0
    assert _action(central, action.id).title == later.title


def test_an_unsent_edit_undone_after_a_pack_keeps_the_central_version(place: Place) -> None:
    record, central = place.record, place.world.central
    action = entry.create_action(record, _draft(place))
    assert bundle_import.import_bundle(central, place.send()).status == bundle_import.MERGED
    edited = _edit(record, action, "Renamed in error")
    place.world.send_pack(place.lap)  # the centre's version underneath, the edit on top
    undo_actions.revert_action(record, action, edited)
    now = _action(record, action.id)
    assert now.title == TITLE and now.version == _action(central, action.id).version
    _edit(record, now, "Renamed on purpose")
    assert bundle_import.import_bundle(central, place.send()).status == bundle_import.MERGED
    assert _rows(central, Conflict) == 0
    assert _action(central, action.id).title == "Renamed on purpose"


def test_undo_and_redo_of_an_edit_of_an_unsent_action(place: Place) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    edited = _edit(record, action, "Renamed")
    done = undo_actions.revert_action(record, action, edited)
    assert unsent(record) == [("action", action.id, "insert")]
    assert _action(record, action.id).title == TITLE
    again = undo_actions.redo_action(record, done)
    assert again.title == "Renamed"
    assert unsent(record) == [("action", action.id, "insert"), ("action", action.id, "update")]


def test_undo_of_a_sent_edit_appends_the_old_values_and_redo_drops_them(
        place: Place) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    edited = _edit(record, action, "Renamed")
    place.send()
    assert undo_actions.edit_has_left(record, action, edited)

    done = undo_actions.revert_action(record, action, edited)

    assert done.outcome is undo.Outcome.CORRECTED
    assert _action(record, action.id).title == TITLE
    assert unsent(record) == [("action", action.id, "update")]
    assert TITLE in bundle_text(place.send())  # the old title goes out as a new change
    # Sent too: the next undo of that correction appends again.
    again = undo_actions.redo_action(record, done)
    assert again.title == "Renamed" and unsent(record) == [("action", action.id, "update")]


def test_redo_of_an_unsent_correction_drops_it(place: Place) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    edited = _edit(record, action, "Renamed")
    place.send()
    done = undo_actions.revert_action(record, action, edited)
    again = undo_actions.redo_action(record, done)
    assert (again.title, again.version) == ("Renamed", edited.version)
    assert unsent(record) == []


def test_evidence_attached_with_an_edit_goes_with_its_undo(place: Place, paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    place.send()
    edited = _edit(record, action, "Renamed")
    file = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    done = undo_actions.revert_action(record, action, edited, evidence_added=1)
    assert [e.evidence.id for e in done.evidence] == [file.id]
    assert entry.evidence_for(record, action_id=action.id) == []
    assert unsent(record) == []
    undo_actions.redo_action(record, done, sources=[paper])
    assert [e.id for e in entry.evidence_for(record, action_id=action.id)] == [file.id]


def test_a_save_that_only_attached_evidence_is_undone_by_removing_it(place: Place,
                                                                     paper: Path) -> None:
    record = place.record
    action = entry.create_action(record, _draft(place))
    place.send()
    file = entry.attach_file(record, paper, agency="MOJ", action_id=action.id)
    same = _action(record, action.id)  # no field changed in that save
    assert not undo_actions.edit_has_left(record, action, same, evidence_added=1)
    done = undo_actions.revert_action(record, action, same, evidence_added=1)
    assert done.outcome is undo.Outcome.REMOVED and unsent(record) == []
    assert _action(record, action.id).version == action.version
    undo_actions.redo_action(record, done, sources=[paper])
    assert [e.id for e in entry.evidence_for(record, action_id=action.id)] == [file.id]
    place.send()
    assert undo_actions.edit_has_left(record, action, same, evidence_added=1)


# -- evidence on a recommendation ----------------------------------------------------------

def test_undo_of_unsent_evidence_removes_it_and_redo_puts_it_back(place: Place,
                                                                 paper: Path) -> None:
    record, rec = place.record, place.ids[0]
    file = entry.attach_file(record, paper, agency="MOJ", recommendation_id=rec)
    assert not undo.evidence_has_left(record, [file.id])
    done = undo.undo_evidence(record, [file.id])
    assert done.outcome is undo.Outcome.REMOVED and done.kept == 0
    assert entry.evidence_for(record, recommendation_id=rec) == []
    assert unsent(record) == [] and not _blob(record, file.sha256).exists()
    assert audit_events(record)[-1][0] == "evidence.undo"
    undo.redo_evidence(record, done, sources=[paper])
    assert [e.id for e in entry.evidence_for(record, recommendation_id=rec)] == [file.id]
    assert unsent(record) == [("evidence", file.id, "insert")]


def test_sent_evidence_is_kept_and_nothing_changes(place: Place, paper: Path) -> None:
    record, rec = place.record, place.ids[0]
    file = entry.attach_file(record, paper, agency="MOJ", recommendation_id=rec)
    place.send()
    events = audit_events(record)
    done = undo.undo_evidence(record, [file.id])
    assert done.outcome is undo.Outcome.KEPT and done.kept == 1 and done.evidence == ()
    assert [e.id for e in entry.evidence_for(record, recommendation_id=rec)] == [file.id]
    assert unsent(record) == [] and audit_events(record) == events
    assert _blob(record, file.sha256).is_file()


def test_undo_of_evidence_no_longer_there_is_refused(place: Place, paper: Path) -> None:
    record = place.record
    file = entry.attach_file(record, paper, agency="MOJ", recommendation_id=place.ids[0])
    undo.undo_evidence(record, [file.id])
    with pytest.raises(InvalidEntry) as refused:
        undo.undo_evidence(record, [file.id])
    assert refused.value.field == "evidence"


def test_undo_of_an_action_no_longer_there_is_refused(place: Place) -> None:
    action = entry.create_action(place.record, _draft(place))
    undo_actions.undo_create_action(place.record, action.id)
    with pytest.raises(InvalidEntry) as refused:
        undo_actions.undo_create_action(place.record, action.id)
    assert refused.value.field == "action"
    assert _rows(place.record, Action) == 0
