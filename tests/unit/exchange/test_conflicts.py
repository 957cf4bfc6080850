"""Conflicts (ODK Central's model) and the laptop side of packs: nothing is ever lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.bundles.pack_file import PackRejected
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionStatus, ImplementationStatus
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import flag
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.exchange import bundle_import, conflicts, packs
from nmrf_desktop.store.models import Action, AuditEvent, RecordVersion

from .world import Laptop, World, add_action, record_digest


def _shared_action(world: World, tmp_path: Path) -> tuple[Laptop, Laptop, str]:
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    action_id = add_action(aroha, world.rec_ids(), "Review the Human Rights Act")
    assert bundle_import.import_bundle(world.central, aroha.export(tmp_path)).status == "merged"
    world.send_pack(aroha)
    world.send_pack(hemi)
    return aroha, hemi, action_id


def _edit(lap: Laptop, action_id: str, **changes: object) -> None:
    current = next(a for a in entry.actions_for(lap.record, _first_link(lap, action_id))
                   if a.id == action_id)
    draft = ActionDraft(title=current.title, agency=current.agency,
                        description=current.description, status=ActionStatus(current.status),
                        start_date=current.start_date, target_date=current.target_date,
                        completed_date=current.completed_date,
                        recommendation_ids=current.recommendation_ids)
    for key, value in changes.items():
        setattr(draft, key, value)
    entry.update_action(lap.record, action_id, draft, current.version)


def _first_link(lap: Laptop, action_id: str) -> str:
    with lap.record.reading() as session:
        from nmrf_desktop.store.models import ActionLink

        return session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id)).scalars().first()


def _central_action(world: World, action_id: str) -> Action:
    with world.central.reading() as session:
        row = session.get(Action, action_id)
        assert row is not None
        return row


def test_same_field_from_same_base_is_a_hard_conflict(world: World, tmp_path: Path) -> None:
    aroha, hemi, action_id = _shared_action(world, tmp_path)
    _edit(aroha, action_id, title="Review the Human Rights Act 1993")
    _edit(hemi, action_id, title="Repeal and replace the Act")
    first = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    second = bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert first.outcome and first.outcome.hard == 0
    assert second.outcome and second.outcome.hard == 1
    assert _central_action(world, action_id).title == "Review the Human Rights Act 1993"
    [hard] = conflicts.list_conflicts(world.central)
    assert (hard.kind, hard.field) == ("hard", "title")
    assert hard.current == "Review the Human Rights Act 1993"
    assert hard.incoming == "Repeal and replace the Act"


def test_different_fields_from_same_base_are_soft(world: World, tmp_path: Path) -> None:
    aroha, hemi, action_id = _shared_action(world, tmp_path)
    _edit(aroha, action_id, status=ActionStatus.IN_PROGRESS)
    _edit(hemi, action_id, description="Consult iwi and hapū first")
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    result = bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert result.outcome and (result.outcome.soft, result.outcome.hard) == (1, 0)
    row = _central_action(world, action_id)
    assert (row.status, row.description) == ("in_progress", "Consult iwi and hapū first")
    assert [c.kind for c in conflicts.list_conflicts(world.central)] == ["soft"]


def test_one_officers_successive_edits_never_conflict(world: World, tmp_path: Path) -> None:
    aroha, _hemi, action_id = _shared_action(world, tmp_path)
    _edit(aroha, action_id, description="first")
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    _edit(aroha, action_id, description="second")  # no new pack in between
    _edit(aroha, action_id, title="Renamed")
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.outcome and (result.outcome.soft, result.outcome.hard) == (0, 0)
    row = _central_action(world, action_id)
    assert (row.description, row.title) == ("second", "Renamed")


def test_progress_on_a_withdrawn_recommendation_is_kept_and_flagged(world: World,
                                                                    tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    rec = world.rec_ids()[0]
    entry.add_progress(aroha.record, ProgressDraft(rec, "MOJ", ImplementationStatus.ONGOING,
                                                   "Hui held with whānau", dt.date(2025, 5, 1)))
    flag(world.central, [rec], withdrawn=True)
    result = bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    assert result.status == "merged" and result.outcome and result.outcome.soft == 1
    [soft] = conflicts.list_conflicts(world.central)
    assert soft.field == "withdrawn"


def test_resolution_keeps_full_history(world: World, tmp_path: Path) -> None:
    aroha, hemi, action_id = _shared_action(world, tmp_path)
    _edit(aroha, action_id, title="A")
    _edit(hemi, action_id, title="B")
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    [hard] = conflicts.list_conflicts(world.central)
    resolved = conflicts.resolve(world.central, hard.id, conflicts.TAKE)
    assert resolved.status == "resolved"
    assert _central_action(world, action_id).title == "B"
    with world.central.reading() as session:
        titles = [json.loads(v.fields)["title"] for v in session.execute(
            select(RecordVersion).where(RecordVersion.entity_id == action_id)
            .order_by(RecordVersion.seq)).scalars()]
        events = [e.event for e in session.execute(select(AuditEvent)).scalars()]
    assert titles == ["Review the Human Rights Act", "A", "B"]
    assert "conflict.resolve" in events
    assert conflicts.list_conflicts(world.central) == []
    assert check(world.central) == []
    with pytest.raises(conflicts.ResolveRefused):
        conflicts.resolve(world.central, hard.id, conflicts.KEEP)


def test_edit_resolution_sets_a_third_value(world: World, tmp_path: Path) -> None:
    aroha, hemi, action_id = _shared_action(world, tmp_path)
    _edit(aroha, action_id, title="A")
    _edit(hemi, action_id, title="B")
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    [hard] = conflicts.list_conflicts(world.central)
    conflicts.resolve(world.central, hard.id, conflicts.EDIT, "A and B")
    assert _central_action(world, action_id).title == "A and B"


def test_pack_import_keeps_unsent_local_changes(world: World, tmp_path: Path) -> None:
    aroha, hemi, action_id = _shared_action(world, tmp_path)
    _edit(hemi, action_id, description="unsent work of Hemi")
    _edit(aroha, action_id, title="Title from Aroha")
    bundle_import.import_bundle(world.central, aroha.export(tmp_path))
    world.send_pack(hemi)  # re-based: central's title underneath, Hemi's edit on top
    with hemi.record.reading() as session:
        row = session.get(Action, action_id)
        assert row is not None
        assert (row.title, row.description) == ("Title from Aroha", "unsent work of Hemi")
    result = bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert result.outcome and result.outcome.hard == 0
    assert _central_action(world, action_id).description == "unsent work of Hemi"


def test_pack_acknowledges_sent_bundles(world: World, tmp_path: Path) -> None:
    from nmrf_desktop.services.exchange.bundle_export import awaiting_ack_count, unsent_count

    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids())
    assert unsent_count(aroha.record) == 1
    path = aroha.export(tmp_path)
    assert (unsent_count(aroha.record), awaiting_ack_count(aroha.record)) == (0, 1)
    bundle_import.import_bundle(world.central, path)
    imported = world.send_pack(aroha)
    assert imported.acknowledged == 1
    assert awaiting_ack_count(aroha.record) == 0


def test_older_pack_is_refused_and_same_pack_is_a_noop(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    old = tmp_path / "old.nmrfpack"
    packs.export_pack(world.central, "MOJ", old, world.central_key)
    newer = tmp_path / "new.nmrfpack"
    packs.export_pack(world.central, "MOJ", newer, world.central_key)
    packs.import_pack(aroha.record, newer)
    before = record_digest(aroha.record)
    with pytest.raises(PackRejected, match="older"):
        packs.import_pack(aroha.record, old)
    assert packs.import_pack(aroha.record, newer).already_imported
    assert record_digest(aroha.record) == before


def test_expired_pack_warns(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    path = tmp_path / "p.nmrfpack"
    packs.export_pack(world.central, "MOJ", path, world.central_key, valid_days=1)
    later = dt.datetime.now() + dt.timedelta(days=3)
    result = packs.import_pack(aroha.record, path, now=later)
    assert any("expired" in w for w in result.warnings)


def test_pack_signed_by_unknown_key_is_refused(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    path = tmp_path / "evil.nmrfpack"
    packs.export_pack(world.central, "MOJ", path, SigningKey.generate())
    before = record_digest(aroha.record)
    with pytest.raises(PackRejected, match="unknown key"):
        packs.import_pack(aroha.record, path)
    assert record_digest(aroha.record) == before


def test_pack_for_another_agency_is_refused(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    path = tmp_path / "mfat.nmrfpack"
    packs.export_pack(world.central, "MFAT", path, world.central_key)
    with pytest.raises(PackRejected, match="agency MFAT"):
        packs.import_pack(aroha.record, path)


def test_first_pack_pins_the_central_key(world: World, tmp_path: Path) -> None:
    aroha = world.laptop("aroha", "MOJ")
    assert aroha.record.setting(packs.PINNED_KEY) == world.central_key.id
