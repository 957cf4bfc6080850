"""Recording actions, progress and evidence: rules, history, change log, audit, blobs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.domain.entry import ActionDraft, InvalidEntry, ProgressDraft
from nmrf_desktop.domain.enums import ActionStatus, ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import check, search_recommendations, stats
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import Change


def _two_ids(record: Record) -> list[str]:
    rows = search_recommendations(record, Filters(text="Maori"), limit=2)
    assert len(rows) == 2
    return [r.id for r in rows]


def test_action_linked_to_two_recommendations_appears_on_each(nz_record: Record) -> None:
    a, b = _two_ids(nz_record)
    action = entry.create_action(nz_record, ActionDraft(
        title="Whānau Ora expansion", agency="TPK", recommendation_ids=(a, b),
        start_date=dt.date(2024, 1, 1), target_date=dt.date(2025, 6, 30)))
    assert [x.id for x in entry.actions_for(nz_record, a)] == [action.id]
    assert [x.id for x in entry.actions_for(nz_record, b)] == [action.id]
    assert entry.actions_for(nz_record, a)[0].title == "Whānau Ora expansion"
    assert action.version == 1


def test_update_bumps_version_and_logs_change_with_base(nz_record: Record) -> None:
    a, b = _two_ids(nz_record)
    draft = ActionDraft(title="Review", agency="MOJ", recommendation_ids=(a,))
    action = entry.create_action(nz_record, draft)
    draft.title, draft.recommendation_ids = "Review of the Act", (a, b)
    updated = entry.update_action(nz_record, action.id, draft, expected_version=1)
    assert updated.version == 2
    assert set(updated.recommendation_ids) == {a, b}
    with nz_record.reading() as session:
        changes = session.execute(select(Change).order_by(Change.seq)).scalars().all()
    last = changes[-1]
    assert (last.entity, last.op, last.base_version) == ("action", "update", 1)
    assert json.loads(last.fields)["title"] == "Review of the Act"
    with pytest.raises(entry.StaleEdit):
        entry.update_action(nz_record, action.id, draft, expected_version=1)


def test_cancel_keeps_the_action(nz_record: Record) -> None:
    (a, _b) = _two_ids(nz_record)
    action = entry.create_action(nz_record, ActionDraft(title="X", agency="MOJ",
                                                        recommendation_ids=(a,)))
    cancelled = entry.cancel_action(nz_record, action.id, expected_version=1)
    assert cancelled.status == ActionStatus.CANCELLED.value
    assert stats(nz_record)["actions"] == 1


@pytest.mark.parametrize(("draft", "field"), [
    (ActionDraft(title="  ", agency="MOJ", recommendation_ids=("x",)), "title"),
    (ActionDraft(title="T", agency="MOJ", recommendation_ids=("x",),
                 start_date=dt.date(2025, 1, 2), target_date=dt.date(2025, 1, 1)), "target_date"),
    (ActionDraft(title="T", agency="MOJ"), "recommendations"),
    (ActionDraft(title="T", agency="MOJ", recommendation_ids=("no-such-id",)), "recommendations"),
    (ActionDraft(title="T", agency="NOPE", recommendation_ids=("x",)), "agency"),
    # What the centre would refuse in a bundle is refused here first (the format's limit).
    (ActionDraft(title="T", agency="MOJ", recommendation_ids=("x",),
                 description="ā" * 100_001), "description"),
])
def test_bad_action_is_refused_and_saves_nothing(nz_record: Record, draft: ActionDraft,
                                                 field: str) -> None:
    if draft.recommendation_ids == ("x",):
        draft.recommendation_ids = tuple(_two_ids(nz_record)[:1])
    before = stats(nz_record)
    with pytest.raises(InvalidEntry) as err:
        entry.create_action(nz_record, draft)
    assert err.value.field == field
    assert stats(nz_record) == before


def test_progress_history_is_kept_and_status_follows_latest(nz_record: Record) -> None:
    (a, _b) = _two_ids(nz_record)
    entry.add_progress(nz_record, ProgressDraft(a, "MOJ", ImplementationStatus.IN_PROGRESS,
                                                "Bill introduced", dt.date(2024, 3, 1)))
    entry.add_progress(nz_record, ProgressDraft(a, "MOJ", ImplementationStatus.IMPLEMENTED,
                                                "Act in force for Māori", dt.date(2025, 3, 1)))
    entry.add_progress(nz_record, ProgressDraft(a, "MOJ", ImplementationStatus.NOT_STARTED,
                                                "Late entry of an old state", dt.date(2023, 1, 1)))
    history = entry.progress_for(nz_record, a)
    assert [h.as_of.year for h in history] == [2025, 2024, 2023]
    row = search_recommendations(nz_record, Filters(text="", statuses=("implemented",)),
                                 limit=None)
    assert [r.id for r in row] == [a]
    assert history[0].narrative == "Act in force for Māori"


def test_progress_rules(nz_record: Record) -> None:
    (a, _b) = _two_ids(nz_record)
    with pytest.raises(InvalidEntry):
        entry.add_progress(nz_record, ProgressDraft(a, "MOJ", ImplementationStatus.ONGOING, " "))
    with pytest.raises(InvalidEntry):
        entry.add_progress(nz_record, ProgressDraft(
            a, "MOJ", ImplementationStatus.ONGOING, "x", dt.date.today() + dt.timedelta(days=2)))
    with pytest.raises(InvalidEntry, match="100,000") as err:
        entry.add_progress(nz_record, ProgressDraft(a, "MOJ", ImplementationStatus.ONGOING,
                                                    "Kua tīmata " * 10_000))
    assert err.value.field == "narrative"
    assert stats(nz_record)["progress_updates"] == 0


def test_evidence_stored_once_by_hash(nz_record: Record, tmp_path: Path) -> None:
    (a, _b) = _two_ids(nz_record)
    action = entry.create_action(nz_record, ActionDraft(title="T", agency="MOJ",
                                                        recommendation_ids=(a,)))
    data = "Cabinet paper — Te Tiriti o Waitangi\n".encode() * 100
    first, second = tmp_path / "paper.txt", tmp_path / "copy of paper.txt"
    first.write_bytes(data)
    second.write_bytes(data)
    e1 = entry.attach_file(nz_record, first, agency="MOJ", action_id=action.id)
    e2 = entry.attach_file(nz_record, second, agency="MOJ", action_id=action.id)
    assert e1.sha256 == e2.sha256 == hashlib.sha256(data).hexdigest()
    stored = list((nz_record.evidence_root / "sha256").rglob("*"))
    assert [p for p in stored if p.is_file()] == [
        nz_record.evidence_root / "sha256" / e1.sha256[:2] / e1.sha256[2:4] / e1.sha256]
    assert not list((nz_record.evidence_root / "incoming").iterdir())
    assert [e.display_name for e in entry.evidence_for(nz_record, action_id=action.id)] == [
        "paper.txt", "copy of paper.txt"]
    assert check(nz_record) == []


def test_bad_evidence_files(nz_record: Record, tmp_path: Path) -> None:
    (a, _b) = _two_ids(nz_record)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2000)
    for path, words in ((empty, "empty"), (big, "limit"), (tmp_path / "gone.pdf", "cannot")):
        with pytest.raises(InvalidEntry, match=words) as err:
            entry.attach_file(nz_record, path, agency="MOJ", recommendation_id=a,
                              max_bytes=1000)
        assert path.name in str(err.value)
    with pytest.raises(InvalidEntry, match="https"):
        entry.attach_url(nz_record, "javascript:alert(1)", agency="MOJ", recommendation_id=a)
    # Links the bundle format refuses are refused when attached, not later at the centre.
    for url, words in (("https://", "host name"), ("https:///etc/passwd", "host name"),
                       ("https://example.org/\x07", "control"),
                       ("https://example.org/" + "x" * 2000, "2,000")):
        with pytest.raises(InvalidEntry, match=words) as err:
            entry.attach_url(nz_record, url, agency="MOJ", recommendation_id=a)
        assert err.value.field == "url"
    assert stats(nz_record)["evidence"] == 0
    entry.attach_url(nz_record, "  https://www.justice.govt.nz/māori  ", agency="MOJ",
                     recommendation_id=a)
    assert stats(nz_record)["evidence"] == 1
