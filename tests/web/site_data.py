"""The record the browser tests publish: the 228 New Zealand UPR recommendations and one
treaty-body recommendation carrying an SDG (the UPR Info file has none: the SDG browse
pages need one), lead agencies assigned, public actions and progress on three that name
Māori, one public indicator (with values) linked to them, and a confirmed overlap pair."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from pathlib import Path

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.indicators import IndicatorDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry, indicators, overlap
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from tests.conftest import NZ_CSV, TEST_DATA
from tests.unit.importers.uhri_workbook import row as uhri_row, write_uhri

log = logging.getLogger(__name__)
INDICATOR = "PRIS-REMAND"
INDICATOR_VALUES = TEST_DATA / "indicators" / "nz_constructed_remand_by_ethnicity.csv"
ACTION_TITLE = "Whānau Ora expansion"
PROGRESS = "Work with iwi in Ōtautahi has begun; Māori and whānau shape the plan."
TREATY_TEXT = ("26. (a) Ensure that tamariki Māori in care are heard and stay with their "
               "whānau")


@dataclasses.dataclass(frozen=True, slots=True)
class PublishedSite:
    out: Path
    db: Path  # the record it was published from (kept: a test may publish it again)
    references: tuple[str, ...]  # the recommendations with an action, progress, indicator
    indicator: str
    pages: int
    recommendations: int
    seconds: float


def marker(folder: Path) -> Path:
    return folder.with_name(folder.name + ".json")


def read_marker(folder: Path) -> PublishedSite | None:
    found = marker(folder)
    if not found.is_file():
        return None
    data = json.loads(found.read_text(encoding="utf-8"))
    return PublishedSite(**{**data, "out": Path(data["out"]), "db": Path(data["db"]),
                            "references": tuple(data["references"])})


def build(folder: Path, db: Path) -> PublishedSite:
    """Make the record at `db` and publish it into `folder`; leave the marker beside it."""
    from nmrf_desktop.services.site import PublishRequest, publish

    record = open_record(db)
    try:
        import_files(record, "upr-info", [NZ_CSV])
        treaty = write_uhri(folder.with_name(folder.name + "-uhri.xlsx"), [uhri_row(
            Text=TREATY_TEXT, Countries_Concerned="New Zealand",
            Reccomending_Body="- Committee on the Rights of the Child",
            Document_Symbol="CRC/C/NZL/CO/6",
            Themes="- Rights of the child\n- Indigenous peoples",
            Affected_Persons="- Children\n- Māori",
            Sdgs="- 16.2 - End abuse, exploitation, trafficking and all forms of violence "
                 "against and torture of children", Document_Publication_Date="21/02/2023")])
        import_files(record, "uhri", [treaty])
        assign_lead_defaults(record)
        rows = search_recommendations(record, Filters(text="Maori"), limit=3)
        for i, row in enumerate(rows):
            entry.create_action(record, ActionDraft(
                title=f"{ACTION_TITLE} {i}", agency="TPK", kind=ActionKind.PROGRAMME,
                status=ActionStatus.COMPLETED, start_date=dt.date(2024, 9, 1),
                completed_date=dt.date(2025, 3, 1), recommendation_ids=(row.id,),
                is_public=True))
            entry.add_progress(record, ProgressDraft(
                row.id, "TPK", ImplementationStatus.IN_PROGRESS, PROGRESS,
                dt.date(2024, 10, 1), is_public=True))
        references = tuple(r.reference for r in rows)
        indicators.add_indicator(record, IndicatorDraft(
            code=INDICATOR, title="Unsentenced detainees as a proportion of the prison "
            "population", kind="outcome", title_mi="Te hunga mauhere kāore anō kia whiua",
            unit="Percentage (%)", direction="down", sdg="16.3.2", steward="MOJ",
            baseline_value="38", baseline_period="2019", target_value="30",
            target_period="2030", recommendations=references))
        indicators.import_values(record, INDICATOR, INDICATOR_VALUES)
        overlap.confirm(record, references[0], references[1])
        started = time.perf_counter()
        result = publish(record, PublishRequest(out=folder))
        seconds = time.perf_counter() - started
    finally:
        record.close()
    log.info("published %d pages in %.1f s", result.pages, seconds)
    site = PublishedSite(out=result.folder, db=db, references=references, indicator=INDICATOR,
                         pages=result.pages, recommendations=result.recommendations,
                         seconds=seconds)
    data = dataclasses.asdict(site)
    data["out"], data["db"] = str(site.out), str(site.db)
    marker(folder).write_text(json.dumps(data), encoding="utf-8")
    return site
