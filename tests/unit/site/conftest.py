"""A published public site of the 228 New Zealand recommendations with planted private
data, built once per test process: the record (real migrations, the real UPR Info file), public
and private actions, progress and evidence, indicators (one unreleased Māori data), and a
confirmed overlap pair."""

from __future__ import annotations

import datetime as dt
import gzip
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionKind, ActionStatus, ImplementationStatus
from nmrf_desktop.domain.indicators import IndicatorDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import entry, indicators, overlap
from nmrf_desktop.services.assigning import assign_lead_defaults, flag
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.services.site import PublishRequest, PublishResult, publish
from tests.conftest import NZ_CSV, TEST_DATA
from tests.unit.importers.uhri_workbook import row as uhri_row, write_uhri
from tests.unit.reports.conftest import MACRON_CSV, MACRON_TEXT, OFFICER, PRIVATE, PUBLIC

SECRET_ACTION = "SECRET-ACTION"
PRIVATE_FILE = "private-briefing.txt"
SECRET_TITLE = "Rangatahi in kaupapa Māori education"
SECRET_SERIES = "Te Tai Tokerau rohe"
GOVERNANCE = "Iwi data governance rōpū"
LEAKS = (PRIVATE, SECRET_ACTION, PRIVATE_FILE, OFFICER, "Testofficer", SECRET_TITLE,
         SECRET_SERIES, GOVERNANCE)
__all__ = ["MACRON_TEXT", "PUBLIC"]


@dataclass(frozen=True, slots=True)
class Site:
    record: Record
    db: Path
    out: Path
    result: PublishResult
    maori: tuple[str, ...]  # references of the recommendations given public and private data
    related: tuple[str, str]  # a pair a coordinator confirmed as overlapping


def build_record(folder: Path) -> tuple[Record, tuple[str, ...], tuple[str, str]]:
    """The planted record (see the module docstring)."""
    record = open_record(folder / "record.sqlite3")
    import_files(record, "upr-info", [NZ_CSV])
    macron = folder / "macron.csv"
    macron.write_text(MACRON_CSV, encoding="utf-8")
    import_files(record, "upr-info", [macron])
    treaty = write_uhri(folder / "uhri.xlsx", [uhri_row(
        Text="26. (a) Ensure that tamariki Māori in care are heard and stay with their whānau",
        Countries_Concerned="New Zealand",
        Reccomending_Body="- Committee on the Rights of the Child",
        Document_Symbol="CRC/C/NZL/CO/6", Themes="- Rights of the child\n- Indigenous peoples",
        Affected_Persons="- Children\n- Māori",
        Sdgs="- 16.2 - End abuse, exploitation, trafficking and all forms of violence against "
             "and torture of children", Document_Publication_Date="21/02/2023")])
    import_files(record, "uhri", [treaty])
    assign_lead_defaults(record)
    record.set_setting("officer_name", OFFICER)
    rows = search_recommendations(record, Filters(text="Maori"), limit=3)
    flag(record, [r.id for r in rows], te_tiriti=True)
    public_file = folder / "public-cabinet-paper.txt"
    public_file.write_text("Cabinet paper: Whānau Ora\n", encoding="utf-8")
    private_file = folder / PRIVATE_FILE
    private_file.write_text("PRIVATE BRIEFING\n", encoding="utf-8")
    for i, row in enumerate(rows):
        shown = entry.create_action(record, ActionDraft(
            title=f"Whānau Ora expansion {i}", agency="TPK", kind=ActionKind.PROGRAMME,
            status=ActionStatus.COMPLETED, start_date=dt.date(2024, 9, 1),
            completed_date=dt.date(2025, 3, 1), recommendation_ids=(row.id,), is_public=True))
        hidden = entry.create_action(record, ActionDraft(
            title=f"{SECRET_ACTION} {i}", agency="MOJ", status=ActionStatus.IN_PROGRESS,
            start_date=dt.date(2024, 8, 1), recommendation_ids=(row.id,), is_public=False))
        entry.attach_file(record, public_file, agency="TPK", action_id=shown.id,
                          is_public=True)
        entry.attach_file(record, private_file, agency="MOJ", action_id=hidden.id,
                          is_public=False)
        entry.add_progress(record, ProgressDraft(
            row.id, "MOJ", ImplementationStatus.IN_PROGRESS, PUBLIC, dt.date(2024, 10, 1),
            is_public=True))
        entry.add_progress(record, ProgressDraft(
            row.id, "MOJ", ImplementationStatus.IMPLEMENTED, PRIVATE, dt.date(2025, 2, 1),
            is_public=False))
    refs = tuple(r.reference for r in rows)
    indicators.add_indicator(record, IndicatorDraft(
        code="PRIS-REMAND", title="Unsentenced detainees as a proportion of the prison "
        "population", title_mi="Te hunga mauhere kāore anō kia whiua", kind="outcome",
        unit="Percentage (%)", direction="down", sdg="16.3.2", steward="MOJ",
        source="Constructed for the tests", baseline_value="38", baseline_period="2019",
        target_value="30", target_period="2030", recommendations=refs))
    indicators.import_values(record, "PRIS-REMAND",
                             TEST_DATA / "indicators" / "nz_constructed_remand_by_ethnicity.csv")
    for sex in ("", "Female", "Male"):  # the series of Māori: Māori data, not released
        indicators.mark_series(record, "PRIS-REMAND", {"Ethnicity": "Māori", "Sex": sex},
                               "Percentage (%)", True)
    indicators.add_indicator(record, IndicatorDraft(
        code="RANGATAHI-KM", title=SECRET_TITLE, kind="outcome", unit="Count", direction="up",
        steward="TPK", maori_data=True, governance=GOVERNANCE, recommendations=refs))
    secret = folder / "iwi.csv"
    secret.write_text(f"Year,Rohe,Units,Value\n2020,{SECRET_SERIES},Count,1125.375\n"
                      f"2021,{SECRET_SERIES},Count,1190.5\n2020,,Count,4217.625\n"
                      "2021,,Count,4389.25\n", encoding="utf-8")
    indicators.import_values(record, "RANGATAHI-KM", secret)
    pair = (refs[0], refs[1])
    overlap.confirm(record, *pair)
    return record, refs, pair


def copy_record(source: Path, folder: Path) -> Record:
    """An independent copy of a record (SQLite's backup), for a test that changes it."""
    target = folder / "copy.sqlite3"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return open_record(target)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NMRF_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
        mp.setenv("NMRF_POLICY_FILE", "")
        mp.delenv("NMRF_DB", raising=False)
        record, refs, pair = build_record(folder)
        out = folder / "public-site"
        result = publish(record, PublishRequest(out))
        yield Site(record, folder / "record.sqlite3", out, result, refs, pair)
        record.close()


def site_files(out: Path) -> dict[str, bytes]:
    """Every file of a site by its path, the search index's compressed files opened."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found[path.relative_to(out).as_posix()] = data
    return found
