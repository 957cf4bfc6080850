"""Carrying work forward between cycles on the real New Zealand rows: the 2014 review
(cycle 2) repeats asks of the 2009 one (cycle 1): ratify the OP-ICESCR, ILO 169, …"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import AssignmentRole, ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import carry_forward as cf, entry, overlap
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.catalog import ids_for_references, search_recommendations
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import ActionLink, Assignment, AuditEvent, RecordVersion
from nmrf_desktop.store.overlap_models import CarryForward
from tests.unit.exchange.world import record_digest

OLD, NEW = "NZL-UPR5-064", "NZL-UPR18-009"  # ratify the OP-ICESCR (2009), again (2014)
TITLE = "Cabinet paper on ratifying the OP-ICESCR — kōrero with iwi Māori"


def _id(record: Record, reference: str) -> str:
    return ids_for_references(record, [reference])[reference]


@pytest.fixture
def worked(nz_clustered: Record) -> tuple[Record, str]:
    """The 2009 OP-ICESCR recommendation with two agencies, an action and a progress update."""
    record = nz_clustered
    old = _id(record, OLD)
    assign(record, "MFAT", AssignmentRole.LEAD, ids=[old])
    assign(record, "MSD", AssignmentRole.CONTRIBUTING, ids=[old])
    action = entry.create_action(record, ActionDraft(title=TITLE, agency="MFAT",
                                                     recommendation_ids=(old,)))
    entry.add_progress(record, ProgressDraft(old, "MFAT", ImplementationStatus.IN_PROGRESS,
                                             "Officials consulted iwi Māori on ratification."))
    return record, action.id


def _candidate(record: Record, new: str = NEW, old: str = OLD) -> cf.Candidate | None:
    for s in cf.suggestions(record, references=[new]):
        for c in s.candidates:
            if c.earlier_reference == old:
                return c
    return None


def _events(record: Record, name: str) -> list[dict]:  # type: ignore[type-arg]
    with record.reading() as session:
        return [json.loads(d) for d in session.execute(
            select(AuditEvent.details).where(AuditEvent.event == name)).scalars()]


def _count(record: Record, table: str) -> int:
    with record.reading() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _agencies(record: Record, reference: str) -> dict[str, str]:
    with record.reading() as session:
        return dict(session.execute(select(Assignment.agency_code, Assignment.role).where(
            Assignment.recommendation_id == _id(record, reference),
            Assignment.active.is_(True))).tuples().all())


def test_a_repeated_recommendation_is_offered_the_earlier_work(worked: tuple[Record, str]
                                                               ) -> None:
    record, action = worked
    cluster = next(c for c in overlap.clusters(record) if OLD in c.references)
    later = {ref for ref in cluster.references if ref.startswith("NZL-UPR18-")}
    assert NEW in later  # "Consider ratifying the OP-ICESCR": the same ask, five years on
    offered = {s.reference: s for s in cf.suggestions(record) if s.cluster_id == cluster.id}
    assert set(offered) == later  # every later member; never the earlier one itself
    found = _candidate(record)
    assert found is not None
    assert (found.earlier_cycle, found.progress) == (1, 1)
    assert found.agencies == (("MFAT", "Ministry of Foreign Affairs and Trade", "lead"),
                              ("MSD", "Ministry of Social Development", "contributing"))
    assert found.actions == ((action, TITLE, "MFAT"),)
    assert "Optional Protocol" in found.reason or "ICESCR" in found.reason
    assert offered[NEW].cycle == 2 and offered[NEW].text.startswith("Consider ratifying")
    # The ILO 169 asks repeat too, but nobody worked on the 2009 ones: nothing to carry.
    assert cf.suggestions(record, references=["NZL-UPR18-013"]) == []
    assert cf.suggestions(record, country="Fiji") == []


def test_nothing_is_offered_where_nothing_would_be_added(nz_clustered: Record) -> None:
    record = nz_clustered
    assign(record, "MFAT", AssignmentRole.LEAD, filters=Filters(bodies=("UPR",)))
    assert cf.suggestions(record) == []  # every row has MFAT already: nothing to carry
    old = _id(record, OLD)
    entry.add_progress(record, ProgressDraft(old, "MFAT", ImplementationStatus.ONGOING,
                                             "Ratification under review."))
    found = _candidate(record)
    assert found is not None and (found.agencies, found.actions, found.progress) == ((), (), 1)
    done = cf.carry(record, NEW, OLD)  # lineage only: "repeats …", nothing added
    assert (done.agencies, done.actions) == ((), ())
    assert [x.describe() for x in cf.lineage(record, NEW)] == [
        "repeats NZL-UPR5-064 (cycle 1)"]


def test_carry_assigns_links_records_and_audits(worked: tuple[Record, str]) -> None:
    record, action = worked
    done = cf.carry(record, NEW, OLD, note="same ask")
    assert (done.verdict, done.agencies, done.actions) == ("carried", ("MFAT", "MSD"), (action,))
    assert done.describe() == "repeats NZL-UPR5-064 (cycle 1)"
    assert _agencies(record, NEW) == {"MFAT": "lead", "MSD": "contributing"}
    # Through the assigning path: search finds it under the agency like any assignment.
    found = {r.reference for r in search_recommendations(
        record, Filters(agency="MSD", role="contributing"), limit=0)}
    assert found == {OLD, NEW}
    new = _id(record, NEW)
    with record.reading() as session:
        links = set(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action)).scalars())
        snap = session.execute(select(RecordVersion.fields).where(
            RecordVersion.entity_id == action).order_by(RecordVersion.seq.desc())).scalar()
        row = session.execute(select(CarryForward)).scalar_one()
        assert audit.verify(session) == []
    assert links == {_id(record, OLD), new}
    assert snap is not None  # the action's history has the link
    assert new in json.loads(snap)["recommendation_ids"]
    assert (row.recommendation_id, row.earlier_id, json.loads(row.agencies),
            json.loads(row.actions), row.note) == (new, _id(record, OLD), ["MFAT", "MSD"],
                                                    [action], "same ask")
    [event] = _events(record, "carry-forward.carry")
    assert event == {"decision": done.id, "reference": NEW, "earlier": OLD,
                     "agencies": ["MFAT", "MSD"], "actions": [action], "note": "same ask"}
    assert _candidate(record) is None  # decided: not offered again
    assert [x.describe() for x in cf.lineage(record, OLD)] == ["repeated by NZL-UPR18-009 "
                                                                "(cycle 2)"]
    history = cf.history(record, NEW)
    assert [(e.by, e.what) for e in history] == [(record.actor(),
                                                  "repeats NZL-UPR5-064 (cycle 1)")]
    assert abs(history[0].at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < \
        dt.timedelta(minutes=5)


def test_carry_only_what_is_chosen(worked: tuple[Record, str]) -> None:
    record, _action = worked
    done = cf.carry(record, NEW, OLD, agencies=["MSD"], actions=[])
    assert (done.agencies, done.actions) == (("MSD",), ())
    assert _agencies(record, NEW) == {"MSD": "contributing"}


def test_refusals_change_nothing(worked: tuple[Record, str]) -> None:
    record, action = worked
    before = record_digest(record), _count(record, "audit_log"), _count(record, "carry_forwards")
    cases = [
        (lambda: cf.carry(record, "NZL-NOPE-1", OLD), "NZL-NOPE-1"),
        (lambda: cf.carry(record, NEW, "NZL-NOPE-2"), "NZL-NOPE-2"),
        (lambda: cf.carry(record, OLD, NEW), "not suggested"),  # later → earlier: no
        (lambda: cf.carry(record, "NZL-UPR18-013", "NZL-UPR5-067"), "not suggested"),
        (lambda: cf.carry(record, NEW, OLD, agencies=["MOJ"]), "agency MOJ not offered"),
        (lambda: cf.carry(record, NEW, OLD, actions=["0" * 8 + "-0000-0000-0000-" + "0" * 12]),
         "not offered"),
        (lambda: cf.decline(record, "NZL-UPR5-067", OLD), "not suggested"),
        (lambda: cf.undo(record, "no-such-decision"), "no carry-forward decision"),
        (lambda: cf.lineage(record, "NZL-NOPE-3"), "NZL-NOPE-3"),
        (lambda: cf.carry(record, NEW, OLD, note="kōrero " * 20_000), "note is longer"),
        (lambda: cf.decline(record, NEW, OLD, note="x" * 100_001), "note is longer"),
    ]
    for call, words in cases:
        with pytest.raises(cf.CarryRefused, match=words):
            call()
    assert (record_digest(record), _count(record, "audit_log"),
            _count(record, "carry_forwards")) == before
    cf.carry(record, NEW, OLD, actions=[action])
    with pytest.raises(cf.CarryRefused, match="already decided"):
        cf.carry(record, NEW, OLD)
    with record.reading() as session:
        assert session.execute(text("SELECT count(*) FROM carry_forwards")).scalar() == 1
    assert len(_events(record, "carry-forward.carry")) == 1


def test_a_laptop_cannot_decide(worked: tuple[Record, str]) -> None:
    record, _action = worked
    assert cf.can_decide(record)
    record.set_setting("pack_version", "3")  # what importing a pack leaves
    before = record_digest(record), _count(record, "audit_log")
    assert not cf.can_decide(record)
    for call in (lambda: cf.carry(record, NEW, OLD), lambda: cf.decline(record, NEW, OLD)):
        with pytest.raises(cf.CarryRefused, match="laptop"):
            call()
    assert (record_digest(record), _count(record, "audit_log")) == before
    assert _candidate(record) is not None  # a laptop still sees what could be carried


def test_undo_takes_back_exactly_what_was_added(worked: tuple[Record, str]) -> None:
    record, action = worked
    assign(record, "MOJ", AssignmentRole.LEAD, ids=[_id(record, NEW)])  # there before
    done = cf.carry(record, NEW, OLD)
    assert done.agencies == ("MFAT", "MSD")  # MOJ was not the earlier one's: not added
    undone = cf.undo(record, done.id)
    assert undone.kept == ()
    assert _agencies(record, NEW) == {"MOJ": "lead"}
    with record.reading() as session:
        links = set(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action)).scalars())
        assert session.execute(text("SELECT count(*) FROM carry_forwards")).scalar() == 0
        assert audit.verify(session) == []
    assert links == {_id(record, OLD)}
    [event] = _events(record, "carry-forward.undo")
    assert event["agencies_removed"] == ["MFAT", "MSD"]
    assert event["actions_unlinked"] == [action]
    assert cf.lineage(record, NEW) == []
    assert _candidate(record) is not None  # undo of an undo is simply carrying again
    again = cf.carry(record, NEW, OLD)
    assert again.agencies == ("MFAT", "MSD")


def test_undo_keeps_an_assignment_with_work_since(worked: tuple[Record, str]) -> None:
    record, _action = worked
    done = cf.carry(record, NEW, OLD)
    entry.add_progress(record, ProgressDraft(_id(record, NEW), "MSD",
                                             ImplementationStatus.IN_PROGRESS,
                                             "Te Manatū Whakahiato Ora began its part."))
    undone = cf.undo(record, done.id)
    assert len(undone.kept) == 1 and undone.kept[0].startswith("MSD (1 progress update")
    assert _agencies(record, NEW) == {"MSD": "contributing"}
    [event] = _events(record, "carry-forward.undo")
    assert event["agencies_removed"] == ["MFAT"] and event["agencies_kept"] == list(undone.kept)
    # Taking the same decision again (a redo): MSD is there already, so only MFAT is added.
    again = cf.carry(record, NEW, OLD, agencies=done.agencies, actions=done.actions)
    assert again.agencies == ("MFAT",) and again.actions == done.actions
    assert _agencies(record, NEW) == {"MFAT": "lead", "MSD": "contributing"}


def test_declined_is_not_offered_again(worked: tuple[Record, str]) -> None:
    record, _action = worked
    before = _agencies(record, NEW)
    done = cf.decline(record, NEW, OLD, note="a different protocol in practice")
    assert done.verdict == "declined" and done.agencies == () and done.actions == ()
    assert done.describe() == "not carried forward from NZL-UPR5-064 (cycle 1)"
    assert _candidate(record) is None
    assert _agencies(record, NEW) == before
    assert _events(record, "carry-forward.decline") == [{
        "decision": done.id, "reference": NEW, "earlier": OLD,
        "note": "a different protocol in practice"}]
    cf.undo(record, done.id)
    assert _candidate(record) is not None


def test_a_rejected_pair_is_never_offered_a_confirmed_one_is(worked: tuple[Record, str]
                                                            ) -> None:
    record, _action = worked
    overlap.reject(record, NEW, OLD)
    assert _candidate(record) is None
    with pytest.raises(cf.CarryRefused, match="not suggested"):
        cf.carry(record, NEW, OLD)
    far = "NZL-UPR18-105"  # the Disability Strategy: not the same ask, until someone says so
    assert _candidate(record, far) is None
    overlap.confirm(record, far, OLD)
    found = _candidate(record, far)
    assert found is not None and found.reason == "confirmed by a coordinator"


def test_a_second_earlier_one_can_still_be_carried_once_the_first_gave_everything(
        nz_clustered: Record) -> None:
    """ILO 169 was asked four times in 2009: with the same work on two of them, carrying
    one to a 2014 repeat leaves the other with nothing to add; carrying it then records
    the lineage only (what `--apply` does for every pair it listed)."""
    record = nz_clustered
    cluster = next(c for c in overlap.clusters(record) if "NZL-UPR5-067" in c.references)
    olds = [r for r in cluster.references if r.startswith("NZL-UPR5-")][:2]
    new = next(r for r in cluster.references if r.startswith("NZL-UPR18-"))
    ids = [_id(record, r) for r in olds]
    assign(record, "TPK", AssignmentRole.LEAD, ids=ids)
    entry.create_action(record, ActionDraft(title="Te Puni Kōkiri advice on ILO 169",
                                            agency="TPK", recommendation_ids=tuple(ids)))
    assert all(_candidate(record, new, old) is not None for old in olds)
    first = cf.carry(record, new, olds[0])
    assert first.agencies == ("TPK",) and len(first.actions) == 1
    assert _candidate(record, new, olds[1]) is None  # nothing left to add: not listed
    second = cf.carry(record, new, olds[1])  # but still a repeat, and may be recorded
    assert (second.agencies, second.actions) == ((), ())
    assert sorted(x.describe() for x in cf.lineage(record, new)) == sorted(
        f"repeats {old} (cycle 1)" for old in olds)
