"""`nmrf demo roundtrip`: the whole officer ⇄ secretariat cycle on real New Zealand data.

Builds a central record, assigns it to three agencies, issues packs, lets three officers
record actions, progress and evidence (in te reo Māori too), exports their bundles and
merges them, with one deliberate hard and one soft conflict. Its summary names every file
made, and the keys with the passphrase they are stored under, so a person can use them again.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import (
    ActionKind,
    ActionStatus,
    AssignmentRole,
    ImplementationStatus,
)
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.paths import demo_source
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign, assign_lead_defaults, flag
from nmrf_desktop.services.catalog import check, search_recommendations, stats
from nmrf_desktop.services.exchange import bundle_export, bundle_import, conflicts, keys, packs
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record, require_allowed
from nmrf_desktop.store.models import ActionLink

log = logging.getLogger(__name__)

PASSPHRASE = b"demo roundtrip passphrase"
OFFICERS = (("aroha", "Aroha Ngata", "MOJ"), ("hemi", "Hemi Walker", "MOJ"),
            ("mere", "Mere Tūhoe", "TPK"))


class RoundtripFailed(RuntimeError):
    """A step of the round trip did not do what it should."""


def _officer(workdir: Path, central: Record, slug: str, name: str, agency: str
             ) -> tuple[Record, Any]:
    laptop = open_record(workdir / "officers" / slug / "nmrf.sqlite3")
    laptop.set_setting("officer_name", name)
    keys.create_key(laptop, PASSPHRASE)
    pub = workdir / "keys" / f"{slug}.pub"
    pub.parent.mkdir(parents=True, exist_ok=True)
    keys.export_public(laptop, pub)
    keys.register_key(central, pub, officer=name, agency=agency)
    return laptop, keys.load_key(laptop, PASSPHRASE)


def _pack(workdir: Path, central: Record, central_key: Any, laptop: Record, agency: str,
          made: list[str]) -> None:
    officer = laptop.setting("officer_name").split()[0].lower()
    out = workdir / "packs" / f"{agency}-{officer}-{len(made) + 1}.nmrfpack"
    packs.export_pack(central, agency, out, central_key)
    packs.import_pack(laptop, out)
    made.append(str(out))


def demo_roundtrip(workdir: Path) -> dict[str, Any]:
    require_allowed(workdir / "central" / "central.sqlite3")  # before anything is made
    workdir.mkdir(parents=True, exist_ok=True)
    central = open_record(workdir / "central" / "central.sqlite3")
    central.set_setting("officer_name", "Secretariat")
    import_files(central, "upr-info", [demo_source()])
    assign_lead_defaults(central)
    maori = [r.id for r in search_recommendations(central, Filters(text="Maori"), limit=None)]
    assign(central, "TPK", AssignmentRole.CONTRIBUTING, ids=maori)
    flag(central, maori, te_tiriti=True)
    keys.create_key(central, PASSPHRASE, central=True)
    central_key = keys.load_key(central, PASSPHRASE, central=True)

    pack_files: list[str] = []
    bundle_files: list[str] = []
    laptops: dict[str, tuple[Record, Any, str]] = {}
    for slug, name, agency in OFFICERS:
        laptop, key = _officer(workdir, central, slug, name, agency)
        _pack(workdir, central, central_key, laptop, agency, pack_files)
        laptops[slug] = (laptop, key, agency)

    evidence_dir = workdir / "evidence-files"
    evidence_dir.mkdir(exist_ok=True)
    recorded = {"actions": 0, "progress_updates": 0, "evidence": 0}

    def export(slug: str) -> Path:
        laptop, key, _agency = laptops[slug]
        out = workdir / "bundles" / f"{slug}-{len(bundle_files) + 1}.nmrfbundle"
        out.parent.mkdir(exist_ok=True)  # export_bundle refuses a folder that does not exist
        bundle_export.export_bundle(laptop, out, key)
        bundle_files.append(str(out))
        return out

    # Aroha (MOJ): one action answering two recommendations, with evidence and progress.
    aroha, _k, _a = laptops["aroha"]
    justice = [r.id for r in search_recommendations(
        aroha, Filters(text="justice", agency="MOJ"), limit=2)]
    shared = entry.create_action(aroha, ActionDraft(
        title="Review of the criminal justice system (Hāpaitia te Oranga Tangata)",
        agency="MOJ", kind=ActionKind.POLICY, status=ActionStatus.IN_PROGRESS,
        start_date=dt.date(2019, 8, 1), target_date=dt.date(2026, 6, 30), is_public=True,
        recommendation_ids=tuple(justice), description="Whānau-centred reform programme."))
    paper = evidence_dir / "cabinet-paper.txt"
    paper.write_text("Cabinet paper: Te Tiriti o Waitangi and the justice system.\n",
                     encoding="utf-8")
    entry.attach_file(aroha, paper, agency="MOJ", action_id=shared.id, is_public=True)
    entry.add_progress(aroha, ProgressDraft(justice[0], "MOJ", ImplementationStatus.IN_PROGRESS,
                                            "Kua tīmata te mahi: reform under way with whānau.",
                                            dt.date(2025, 3, 31), is_public=True))
    recorded["actions"] += 1
    recorded["evidence"] += 1
    recorded["progress_updates"] += 1
    first = export("aroha")

    # Mere (TPK): Māori-specific work on the recommendations assigned to TPK.
    mere, _k, _a = laptops["mere"]
    tpk_recs = [r.id for r in search_recommendations(mere, Filters(agency="TPK"), limit=3)]
    plan = entry.create_action(mere, ActionDraft(
        title="Te Mana Motuhake o ngā iwi Māori: engagement plan", agency="TPK",
        kind=ActionKind.CONSULTATION, start_date=dt.date(2024, 2, 6),
        recommendation_ids=tuple(tpk_recs)))
    report = evidence_dir / "hui-report.txt"
    report.write_text("Pūrongo hui: ngā kōrero a ngā iwi.\n", encoding="utf-8")
    entry.attach_file(mere, report, agency="TPK", action_id=plan.id)
    entry.add_progress(mere, ProgressDraft(tpk_recs[0], "TPK", ImplementationStatus.ONGOING,
                                           "Hui ā-iwi held in Rotorua and Ōtautahi.",
                                           dt.date(2025, 6, 1)))
    recorded["actions"] += 1
    recorded["evidence"] += 1
    recorded["progress_updates"] += 1
    export("mere")

    results = bundle_import.import_bundles(central, [first, Path(bundle_files[-1])])

    # Both MOJ officers get the shared action in a fresh pack, then edit it offline.
    hemi, _k, _a = laptops["hemi"]
    _pack(workdir, central, central_key, aroha, "MOJ", pack_files)
    _pack(workdir, central, central_key, hemi, "MOJ", pack_files)
    _edit(aroha, shared.id, title="Criminal justice reform: Te Uepū report response")
    _edit(aroha, shared.id, status=ActionStatus.IN_PROGRESS,
          target_date=dt.date(2026, 12, 31))
    _edit(hemi, shared.id, title="Criminal justice reform programme")     # hard: same field
    _edit(hemi, shared.id, description="Includes Te Ao Mārama in the District Court.")  # soft
    results += bundle_import.import_bundles(central, [export("aroha"), export("hemi")])

    again = bundle_import.import_bundles(central, [Path(p) for p in bundle_files])
    if any(r.status != bundle_import.DUPLICATE for r in again):
        raise RoundtripFailed("a bundle imported twice changed the record")
    problems = check(central)
    if problems:
        raise RoundtripFailed(f"central record check failed: {problems[0]}")
    open_conflicts = conflicts.list_conflicts(central)
    summary = {
        "central_database": str(workdir / "central" / "central.sqlite3"),
        "officer_databases": {slug: str(workdir / "officers" / slug / "nmrf.sqlite3")
                              for slug in laptops},
        "packs": pack_files,
        "bundles": bundle_files,
        "imports": [r.as_dict() for r in results],
        "reimport": [{"file": r.file, "status": r.status, "reason": r.reason} for r in again],
        "recorded_by_officers": recorded,
        "central_stats": stats(central),
        "conflicts": [c.as_json() for c in open_conflicts],
        # The keys made, to use again: `NMRF_KEY_PASSPHRASE=… nmrf --db … bundle export …`.
        "key_passphrase": PASSPHRASE.decode(),
        "key_folders": {"central": str(central.keys_root),
                        **{slug: str(laptop.keys_root) for slug, (laptop, _k, _a)
                           in laptops.items()}},
        "public_keys": {slug: str(workdir / "keys" / f"{slug}.pub") for slug in laptops},
    }
    for laptop, _key, _agency in laptops.values():
        laptop.close()
    central.close()
    return summary


def _edit(record: Record, action_id: str, **changes: Any) -> None:
    from sqlalchemy import select


    with record.reading() as session:
        rec_id = session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id)).scalars().first()
    assert rec_id is not None  # an action is saved with at least one recommendation
    current = next(a for a in entry.actions_for(record, rec_id) if a.id == action_id)
    draft = ActionDraft(
        title=current.title, agency=current.agency, description=current.description,
        kind=ActionKind(current.kind), status=ActionStatus(current.status),
        start_date=current.start_date, target_date=current.target_date,
        completed_date=current.completed_date, is_public=current.is_public,
        recommendation_ids=current.recommendation_ids)
    for key, value in changes.items():
        setattr(draft, key, value)
    entry.update_action(record, action_id, draft, current.version)
