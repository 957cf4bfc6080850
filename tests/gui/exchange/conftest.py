"""Exchange GUI fixtures: a real central record, officer laptops, and a task runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services import entry
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.store.models import Action, ActionLink
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import Laptop, World, add_action, make_world


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path / "world", nz_csv)
    yield w
    w.close()


@pytest.fixture
def tasks(world: World) -> Iterator[TaskRunner]:
    """The task runner; shut down before the world's databases are closed."""
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def edit_action(lap: Laptop, action_id: str, **changes: object) -> None:
    """Change fields of an action on a laptop, as the officer's edit form would."""
    with lap.record.reading() as session:
        rec_id = session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id)).scalars().first()
    assert rec_id is not None
    current = next(a for a in entry.actions_for(lap.record, rec_id) if a.id == action_id)
    draft = ActionDraft(title=current.title, agency=current.agency,
                        description=current.description, status=ActionStatus(current.status),
                        start_date=current.start_date, target_date=current.target_date,
                        completed_date=current.completed_date,
                        recommendation_ids=current.recommendation_ids)
    for key, value in changes.items():
        setattr(draft, key, value)
    entry.update_action(lap.record, action_id, draft, current.version)


def hard_conflict(world: World, outbox: Path) -> str:
    """Two MOJ officers retitle the same action from the same base: one hard conflict."""
    aroha = world.laptop("aroha", "MOJ")
    hemi = world.laptop("hemi", "MOJ")
    action_id = add_action(aroha, world.rec_ids(), "Review the Human Rights Act")
    assert bundle_import.import_bundle(world.central, aroha.export(outbox)).status == "merged"
    world.send_pack(aroha)
    world.send_pack(hemi)
    edit_action(aroha, action_id, title="Review the Human Rights Act 1993")
    edit_action(hemi, action_id, title="Repeal and replace the Act")
    bundle_import.import_bundle(world.central, aroha.export(outbox))
    result = bundle_import.import_bundle(world.central, hemi.export(outbox))
    assert result.outcome is not None and result.outcome.hard == 1
    return action_id


def central_title(world: World, action_id: str) -> str:
    with world.central.reading() as session:
        row = session.get(Action, action_id)
        assert row is not None
        return row.title
