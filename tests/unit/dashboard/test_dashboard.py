"""The coordinator's dashboard on the real NZ record: status, stale, bundles, conflicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionStatus, AssignmentRole, ImplementationStatus
from nmrf_desktop.services import calendar, entry
from nmrf_desktop.services.assigning import assign
from nmrf_desktop.services.dashboard import UNASSIGNED, dashboard
from nmrf_desktop.services.exchange import bundle_import
from nmrf_desktop.services.overview import overview
from nmrf_desktop.store.models import ActionLink
from tests.unit.exchange.world import Laptop, World, add_action, forge_bundle, make_world

TODAY = dt.date(2025, 12, 31)


@pytest.fixture
def world(tmp_path: Path, nz_csv: Path) -> Iterator[World]:
    w = make_world(tmp_path / "world", nz_csv)
    yield w
    w.close()


def _progress(world: World, rec_id: str, agency: str, status: ImplementationStatus,
              as_of: dt.date) -> None:
    entry.add_progress(world.central, ProgressDraft(rec_id, agency, status, "Done so far",
                                                    as_of))


def _retitle(lap: Laptop, action_id: str, title: str) -> None:
    """Change an action's title on a laptop, as the officer's edit form would."""
    with lap.record.reading() as session:
        rec_id = session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id)).scalars().first()
    assert rec_id is not None
    current = next(a for a in entry.actions_for(lap.record, rec_id) if a.id == action_id)
    draft = ActionDraft(title=title, agency=current.agency, description=current.description,
                        status=ActionStatus(current.status), start_date=current.start_date,
                        recommendation_ids=current.recommendation_ids)
    entry.update_action(lap.record, action_id, draft, current.version)


def test_counts_by_agency_and_body_on_the_nz_record(world: World) -> None:
    ids = world.rec_ids("", 5)
    assign(world.central, "MSD", AssignmentRole.CONTRIBUTING, ids=ids[:3])
    _progress(world, ids[0], "MOJ", ImplementationStatus.IN_PROGRESS, dt.date(2025, 11, 1))
    _progress(world, ids[1], "MSD", ImplementationStatus.IMPLEMENTED, dt.date(2025, 10, 1))
    _progress(world, ids[3], "MOJ", ImplementationStatus.IN_PROGRESS, dt.date(2025, 1, 15))

    data = dashboard(world.central, months=6, today=TODAY)

    assert data.stale_before == dt.date(2025, 6, 30)
    assert data.total == 228
    assert data.statuses == ("in_progress", "implemented", None)
    [upr] = data.by_body
    assert (upr.key, upr.total) == ("UPR", 228)
    assert upr.count("in_progress") == 2 and upr.count("implemented") == 1
    assert upr.count(None) == 225
    assert upr.stale == 226  # two updated since 2025-06-30; the January one went stale
    agencies = {row.key: row for row in data.by_agency}
    assert set(agencies) == {"MFAT", "MOJ", "MSD"}  # lead defaults: MFAT and MOJ for UPR
    assert agencies["MOJ"].total == agencies["MFAT"].total == 228
    # Each agency's own updates: MOJ wrote two (one gone stale), MFAT none at all.
    assert agencies["MOJ"].by_status == {"in_progress": 2, None: 226}
    assert agencies["MOJ"].stale == 227
    assert (agencies["MFAT"].by_status, agencies["MFAT"].stale) == ({None: 228}, 228)
    msd = agencies["MSD"]
    assert (msd.total, msd.stale, msd.name) == (3, 2, "Ministry of Social Development")
    # MOJ's update on the first is MOJ's, not MSD's: MSD has no update there.
    assert msd.by_status == {"implemented": 1, None: 2}
    assert (data.held, data.rejected, data.open_conflicts) == (0, 0, 0)


def test_a_longer_window_makes_fewer_items_stale(world: World) -> None:
    [rec_id] = world.rec_ids("", 1)
    _progress(world, rec_id, "MOJ", ImplementationStatus.ONGOING, dt.date(2025, 1, 15))
    assert dashboard(world.central, months=6, today=TODAY).stale == 228
    assert dashboard(world.central, months=12, today=TODAY).stale == 227


def test_unassigned_recommendations_have_their_own_row(nz_record) -> None:  # type: ignore[no-untyped-def]
    data = dashboard(nz_record, today=TODAY)
    assert [(r.key, r.total, r.stale) for r in data.by_agency] == [(UNASSIGNED, 228, 228)]


def test_held_and_rejected_bundles_and_open_conflicts(world: World, tmp_path: Path) -> None:
    # A held bundle: the second of a laptop's bundles arrives first.
    aroha = world.laptop("aroha", "MOJ")
    add_action(aroha, world.rec_ids(), "first")
    aroha.export(tmp_path)
    add_action(aroha, world.rec_ids(), "second")
    second = aroha.export(tmp_path)
    assert bundle_import.import_bundle(world.central, second).status == "held"
    # A rejected one: signed by a key the central record never registered.
    forged = forge_bundle(tmp_path / "forged.nmrfbundle", SigningKey.generate(), "MOJ", [])
    assert bundle_import.import_bundle(world.central, forged).status == "rejected"
    # A hard conflict: two officers retitle the same action from the same base.
    hemi, tui = world.laptop("hemi", "MOJ"), world.laptop("tui", "MOJ")
    action_id = add_action(hemi, world.rec_ids(), "Review the Act")
    assert bundle_import.import_bundle(world.central, hemi.export(tmp_path)).status == "merged"
    world.send_pack(hemi)
    world.send_pack(tui)
    _retitle(hemi, action_id, "Review the Act 1993")
    _retitle(tui, action_id, "Replace the Act")
    bundle_import.import_bundle(world.central, hemi.export(tmp_path))
    assert bundle_import.import_bundle(world.central, tui.export(tmp_path)).outcome.hard == 1

    data = dashboard(world.central, today=TODAY)
    assert (data.held, data.rejected) == (1, 1)
    assert (data.open_conflicts, data.hard_conflicts) == (1, 1)


def test_deadlines_due_within_3_6_and_12_months(nz_record) -> None:  # type: ignore[no-untyped-def]
    for kind, due in (("upr-mid-term", dt.date(2026, 2, 1)),
                      ("periodic-report", dt.date(2026, 5, 1)),
                      ("follow-up", dt.date(2026, 11, 30)),
                      ("periodic-report", dt.date(2027, 3, 1))):
        calendar.add_entry(nz_record, calendar.CalendarDraft("UPR", kind, due))
    data = dashboard(nz_record, today=TODAY)
    assert data.due == {3: 1, 6: 2, 12: 3}
    assert [d.due_on for d in data.next_deadlines][:2] == [dt.date(2026, 2, 1),
                                                           dt.date(2026, 5, 1)]
    assert data.as_json()["due"] == {"3": 1, "6": 2, "12": 3}


def test_an_agency_that_never_reported_shows_no_update(world: World) -> None:
    """MOJ and MSD share a recommendation; MSD reported, MOJ reported earlier and later
    changed its mind by an older as-of date, MFAT never reported: each agency's row has
    its own latest update; the body has the recommendation's latest, whoever wrote it."""
    [shared, moj_only] = world.rec_ids("", 2)
    assign(world.central, "MSD", AssignmentRole.CONTRIBUTING, ids=[shared])
    _progress(world, shared, "MOJ", ImplementationStatus.IN_PROGRESS, dt.date(2025, 11, 1))
    _progress(world, shared, "MOJ", ImplementationStatus.NOT_STARTED, dt.date(2025, 3, 1))
    _progress(world, shared, "MSD", ImplementationStatus.IMPLEMENTED, dt.date(2025, 12, 1))
    _progress(world, moj_only, "MOJ", ImplementationStatus.ONGOING, dt.date(2025, 12, 2))

    data = dashboard(world.central, months=6, today=TODAY)

    agencies = {row.key: row for row in data.by_agency}
    assert agencies["MFAT"].by_status == {None: 228}  # never reported: no update
    assert agencies["MOJ"].by_status == {"in_progress": 1, "ongoing": 1, None: 226}
    assert agencies["MSD"].by_status == {"implemented": 1}
    [upr] = data.by_body
    assert upr.by_status == {"implemented": 1, "ongoing": 1, None: 226}
    assert data.statuses == ("in_progress", "implemented", "ongoing", None)
    assert data.as_json()["by_agency"][0]["by_status"] == {"none": 228}  # MFAT
    # The overview of each agency counts the same, and lists its own last update.
    for code in ("MFAT", "MOJ", "MSD"):
        seen = overview(world.central, code, months=6, today=TODAY)
        assert dict(seen.by_status) == agencies[code].by_status, code
        assert seen.stale_count == agencies[code].stale, code
    moj = overview(world.central, "MOJ", months=6, today=TODAY)
    assert shared not in {item.id for item in moj.stale}  # MOJ's own update is recent
    msd = overview(world.central, "MSD", months=6, today=TODAY)
    assert msd.stale_count == 0 and dict(msd.by_status) == {"implemented": 1}
    everything = overview(world.central, months=6, today=TODAY)
    assert dict(everything.by_status) == upr.by_status
