"""Fixtures for the report tests: a record with actions, progress and evidence, and the CLI."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.cli import main as cli
from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign_lead_defaults, flag
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record

PRIVATE = "SECRET-NARRATIVE Minister's office yet to agree"
PUBLIC = "Work with iwi in Ōtautahi has begun; Māori and whānau shape the plan."
OFFICER = "Aroha Testofficer"
MACRON_TEXT = ("Ensure that Māori and whānau are partners in the design of services, "
               "consistent with Te Tiriti o Waitangi.")
MACRON_CSV = (
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
    f'New Zealand,WEOG,,"{MACRON_TEXT}",Samoa,Asia-Pacific,,Accepted,4,'
    '"Indigenous peoples",46\n')


def pdf_text(path: Path) -> str:
    """Every page's text, whitespace folded (the page total is a form, its own text run)."""
    reader = pypdf.PdfReader(path)
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def report_record(nz_record: Record, tmp_path: Path) -> Record:
    """NZ data, lead agencies assigned, a te reo recommendation, actions, updates, evidence.

    Three recommendations mentioning Māori get: a public action with public evidence, a
    private action with private evidence, a public and a private progress update.
    """
    csv = tmp_path / "macron.csv"
    csv.write_text(MACRON_CSV, encoding="utf-8")
    import_files(nz_record, "upr-info", [csv])
    assign_lead_defaults(nz_record)
    nz_record.set_setting("officer_name", OFFICER)
    rows = search_recommendations(nz_record, Filters(text="Maori"), limit=3)
    flag(nz_record, [r.id for r in rows], te_tiriti=True)
    public_file = tmp_path / "public-cabinet-paper.txt"
    public_file.write_text("Cabinet paper: Whānau Ora\n", encoding="utf-8")
    private_file = tmp_path / "private-briefing.txt"
    private_file.write_text("PRIVATE BRIEFING\n", encoding="utf-8")
    for i, row in enumerate(rows):
        shown = entry.create_action(nz_record, ActionDraft(
            title=f"Whānau Ora expansion {i}", agency="TPK", kind=ActionKind.PROGRAMME,
            status=ActionStatus.COMPLETED, start_date=dt.date(2024, 9, 1),
            completed_date=dt.date(2025, 3, 1), recommendation_ids=(row.id,), is_public=True))
        hidden = entry.create_action(nz_record, ActionDraft(
            title=f"SECRET-ACTION {i}", agency="MOJ", status=ActionStatus.IN_PROGRESS,
            start_date=dt.date(2024, 8, 1), recommendation_ids=(row.id,), is_public=False))
        entry.attach_file(nz_record, public_file, agency="TPK", action_id=shown.id,
                          is_public=True)
        entry.attach_file(nz_record, private_file, agency="MOJ", action_id=hidden.id,
                          is_public=False)
        entry.attach_file(nz_record, private_file, agency="TPK", action_id=shown.id,
                          is_public=False)
        entry.add_progress(nz_record, ProgressDraft(
            row.id, "MOJ", ImplementationStatus.IN_PROGRESS, PUBLIC, dt.date(2024, 10, 1),
            is_public=True))
        entry.add_progress(nz_record, ProgressDraft(
            row.id, "MOJ", ImplementationStatus.IMPLEMENTED, PRIVATE, dt.date(2025, 2, 1),
            is_public=False))
    return nz_record


@pytest.fixture
def run_cli(db_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Callable[..., int]:
    """`nmrf --db DB …` in this process."""
    def run(*argv: str) -> int:
        return cli.main(["--db", str(db_path), *argv])

    return run
