"""PostgreSQL only: coordinators resolving, assigning and importing at the same moment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select, text

from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.enums import ActionStatus
from nmrf_desktop.services import catalog, entry
from nmrf_desktop.services.exchange import bundle_import, conflicts
from nmrf_desktop.services.record import open_record
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import Action, Assignment
from tests.unit.exchange.world import Laptop, add_action, make_world

pytestmark = pytest.mark.postgresql_only
ROOT = Path(__file__).resolve().parents[2]


def _retitle(lap: Laptop, action_id: str, rec_id: str, title: str) -> None:
    current = next(a for a in entry.actions_for(lap.record, rec_id) if a.id == action_id)
    entry.update_action(lap.record, action_id, ActionDraft(
        title=title, agency=current.agency, description=current.description,
        status=ActionStatus(current.status), start_date=current.start_date,
        target_date=current.target_date, completed_date=current.completed_date,
        recommendation_ids=current.recommendation_ids), current.version)


def _run(url: str, start_at: float, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.pg.coordinator_driver", url, str(start_at), *args],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_coordinators_resolve_assign_and_import_at_once_losing_nothing(
        tmp_path: Path, nz_csv: Path) -> None:
    world = make_world(tmp_path / "world", nz_csv)
    url = world.central.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "bundles"
    out.mkdir()
    rec_ids = world.rec_ids("rights", n=12)
    aroha, hemi = world.laptop("aroha", "MOJ"), world.laptop("hemi", "MOJ")
    actions = [add_action(aroha, [rec_ids[0]], f"Plan {i}") for i in range(3)]
    assert bundle_import.import_bundle(world.central, aroha.export(out)).status == "merged"
    world.send_pack(hemi)
    for i, action_id in enumerate(actions):
        _retitle(aroha, action_id, rec_ids[0], f"Aroha's plan {i}")
        _retitle(hemi, action_id, rec_ids[0], f"Hemi's plan {i}")
    for lap in (aroha, hemi):
        assert bundle_import.import_bundle(world.central, lap.export(out)).status == "merged"
    hard = [c for c in conflicts.list_conflicts(world.central) if c.kind == "hard"]
    assert len(hard) == 3
    tane = world.laptop("tane", "MFAT")
    bundles = []
    for i in range(4):
        add_action(tane, [rec_ids[1 + i]], f"Tane's plan {i}")
        bundles.append(str(tane.export(out)))
    world.close()

    start_at = time.time() + 3.0
    ids = [c.id for c in hard]
    procs = {
        "take": _run(url, start_at, "resolve", conflicts.TAKE, *ids),
        "keep": _run(url, start_at, "resolve", conflicts.KEEP, *reversed(ids)),
        "assign": _run(url, start_at, "assign", "MSD", *rec_ids),
        "import": _run(url, start_at, "import", *bundles),
    }
    results = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        results[name] = json.loads(stdout)

    # Each conflict was resolved by exactly one coordinator; the other was told so.
    wins = Counter(r["id"] for job in ("take", "keep") for r in results[job] if r["resolved"])
    assert wins == Counter(ids)
    refused = [r for job in ("take", "keep") for r in results[job] if not r["resolved"]]
    assert len(refused) == 3 and all("already resolved" in r["reason"] for r in refused)
    record = open_record(url)
    try:
        with record.reading() as session:
            for c in hard:
                winner = "take" if any(r["id"] == c.id and r["resolved"]
                                       for r in results["take"]) else "keep"
                action = session.get(Action, c.entity_id)
                assert action is not None
                assert action.title == (c.incoming if winner == "take" else c.current)
            assigned = set(session.execute(select(Assignment.recommendation_id).where(
                Assignment.agency_code == "MSD", Assignment.active.is_(True))).scalars())
            assert assigned == set(rec_ids)
            merged = session.execute(text(
                "SELECT count(*), count(DISTINCT bundle_id) FROM merged_bundles")).one()
            titles = session.execute(select(Action.title).where(
                Action.title.like("Tane's plan %"))).scalars().all()
            assert audit.verify(session) == []
        assert tuple(merged) == (3 + 4, 3 + 4)  # aroha's 2 and hemi's 1 before, tane's 4
        assert sorted(titles) == [f"Tane's plan {i}" for i in range(4)]
        assert all(r["status"] in ("merged", "held") for r in results["import"])
        assert catalog.check(record) == []
    finally:
        record.close()
