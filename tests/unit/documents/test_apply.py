"""Applying a UN document: one transaction, idempotent, one record per recommendation
whatever the route (matrix, Working Group report, addendum, UPR Info, UHRI), treaty-body
follow-up flags and calendar entries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.services.calendar import list_entries
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.documents.plan import DocumentRefused, Outcome, edited, plan
from nmrf_desktop.services.documents.preview import read
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import AuditEvent, ImportRun, Recommendation
from nmrf_desktop.store.recommendations import fetch_rows
from tests.conftest import NZ_CSV
from tests.unit.documents import previews
from tests.unit.importers.uhri_workbook import row as uhri_row, write_uhri


def _count(record: Record, *where: object) -> int:
    with record.reading() as s:
        return int(s.execute(select(func.count()).select_from(Recommendation)
                             .where(*where)).scalar_one())  # type: ignore[arg-type]


def _rows(record: Record, session: int = previews.SESSION) -> list[Recommendation]:
    with record.reading() as s:
        rows = list(s.execute(select(Recommendation).where(
            Recommendation.upr_session == session)).scalars())
        s.expunge_all()
        return rows


def _writes(record: Record) -> tuple[int, int]:
    with record.reading() as s:
        return (int(s.execute(select(func.count()).select_from(ImportRun)).scalar_one()),
                int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()))


def test_matrix_creates_every_recommendation_once_and_a_second_apply_changes_nothing(
        record: Record, tmp_path: Path) -> None:
    preview = previews.matrix(tmp_path)
    n = len(preview.recommendations)
    assert n > 100  # the real 2014 review: 155 recommendations
    planned = plan(record, preview)
    assert planned.counts()["new"] == n
    result = apply(record, preview)
    assert len(result.created) == n and not result.filled
    rows = _rows(record)
    assert len(rows) == n
    first = next(r for r in rows if r.paragraph == "128.1")
    assert first.source == "document" and first.body == "UPR" and first.cycle == 2
    assert first.country == "New Zealand" and first.year == 2014
    writes = _writes(record)

    again = apply(record, preview)
    assert again.nothing_changed and again.unchanged == n
    assert "already applied, nothing changed" in again.summary()
    assert _writes(record) == writes  # not even an import run or an audit event
    assert plan(record, preview).counts()["unchanged"] == n


def test_apply_is_audited_with_the_file_hash_and_what_it_did(record: Record,
                                                              tmp_path: Path) -> None:
    apply(record, previews.matrix(tmp_path, 5))
    with record.reading() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.event == "import")).scalar_one()
        run = s.execute(select(ImportRun)).scalar_one()
    details = json.loads(event.details)
    assert details["source"] == "document" and details["created"] == 5
    assert details["document"]["kind"] == "upr-matrix"
    assert len(details["files"][0]["sha256"]) == 64
    assert run.source == "document"


def test_report_then_addendum_fills_in_positions_without_duplicating(
        record: Record, tmp_path: Path) -> None:
    apply(record, previews.report(tmp_path, 20))
    assert _count(record) == 20
    assert _count(record, Recommendation.position.is_(None)) == 20
    planned = plan(record, previews.addendum(tmp_path, 20))
    assert {p.outcome for p in planned.planned} == {Outcome.FILLS}
    assert planned.planned[0].fills == ("position",)
    result = apply(record, previews.addendum(tmp_path, 20))
    assert len(result.filled) == 20 and not result.created
    assert _count(record) == 20
    assert _count(record, Recommendation.position.is_(None)) == 0
    assert apply(record, previews.addendum(tmp_path, 20)).nothing_changed


def test_addendum_for_recommendations_not_held_says_so_and_writes_nothing(
        record: Record, tmp_path: Path) -> None:
    result = apply(record, previews.addendum(tmp_path, 3))
    assert result.not_found == ["128.1", "128.2", "128.3"] and result.nothing_changed
    assert _count(record) == 0


def test_matrix_after_report_and_addendum_adds_themes_to_the_same_records(
        record: Record, tmp_path: Path) -> None:
    apply(record, previews.report(tmp_path, 10))
    apply(record, previews.addendum(tmp_path, 10))
    result = apply(record, previews.matrix(tmp_path, 10))
    assert not result.created and len(result.filled) == 10
    assert set(next(iter(result.filled.values()))) >= {"themes", "affected groups", "SDGs"}
    assert _count(record) == 10


def test_matrix_read_after_upr_info_fills_in_the_upr_info_records(
        nz_record: Record, tmp_path: Path) -> None:
    before = _count(nz_record)
    preview = previews.matrix(tmp_path)
    result = apply(nz_record, preview)
    assert not result.created, result.created[:5]
    assert _count(nz_record) == before
    rows = _rows(nz_record)
    assert all(r.source == "upr-info" for r in rows)
    assert {r.paragraph for r in rows} == {f"128.{k}" for k in
                                           range(1, len(preview.recommendations) + 1)}
    # the UPR Info record keeps its own key: a re-import changes nothing, duplicates nothing
    report = import_files(nz_record, "upr-info", [NZ_CSV])
    assert report.created == 0 and _count(nz_record) == before
    assert apply(nz_record, preview).nothing_changed


def test_upr_info_rows_imported_after_a_matrix_fill_it_in_instead_of_duplicating(
        record: Record, tmp_path: Path) -> None:
    preview = previews.matrix(tmp_path)
    apply(record, preview)
    n = len(preview.recommendations)
    report = import_files(record, "upr-info", [NZ_CSV])
    # only the other reviews' rows are new; the 2014 rows are the matrix's records
    assert _count(record, Recommendation.upr_session == previews.SESSION) == n
    assert _count(record, Recommendation.source == "upr-info",
                  Recommendation.upr_session == previews.SESSION) == 0
    assert report.created == _count(record) - n
    with record.reading() as s:
        categories = s.execute(select(func.count()).select_from(Recommendation).where(
            Recommendation.upr_session == previews.SESSION,
            Recommendation.action_category.is_not(None))).scalar_one()
    assert categories == n  # UPR Info's action category filled in
    again = import_files(record, "upr-info", [NZ_CSV])
    assert again.created == 0 and again.updated == 0
    assert _count(record, Recommendation.upr_session == previews.SESSION) == n


def test_matrix_addendum_and_upr_info_in_any_order_end_as_one_record_each(
        record: Record, tmp_path: Path) -> None:
    apply(record, previews.report(tmp_path))
    import_files(record, "upr-info", [NZ_CSV])
    apply(record, previews.addendum(tmp_path))
    apply(record, previews.matrix(tmp_path))
    n = len(previews.nz_rows())
    assert _count(record, Recommendation.upr_session == previews.SESSION) == n
    assert _count(record, Recommendation.upr_session == previews.SESSION,
                  Recommendation.position.is_(None)) == 0


def test_concluding_observations_flag_follow_up_and_fill_the_calendar(
        record: Record, tmp_path: Path) -> None:
    preview = previews.concluding_observations(tmp_path)
    result = apply(record, preview)
    assert len(result.created) == 4 and len(result.calendar) == 2
    with record.reading() as s:
        rows = {r.paragraph: (r.follow_up, r.important, r.reference, r.position, r.body)
                for r in s.execute(select(Recommendation)).scalars()}
    assert rows["12"][:2] == (True, False)
    assert rows["20(a)"][:2] == (True, False) and rows["20(b)"][:2] == (True, False)
    assert rows["31"][:2] == (False, True)
    assert rows["20(a)"][2] == "CERD/C/NZL/CO/21-22 para 20(a)"
    assert rows["12"][3] == Position.NOT_APPLICABLE and rows["12"][4] == "CERD"
    entries = {e.kind: e for e in list_entries(record)}
    follow = entries["follow-up"]
    assert follow.due_on.isoformat() == "2018-08-25" and follow.body == "CERD"
    assert follow.covered == 3 and "paragraphs 12, 20" in follow.title
    assert entries["periodic-report"].due_on.isoformat() == "2020-12-22"
    assert entries["periodic-report"].covered == 4
    assert apply(record, preview).nothing_changed
    assert len(list_entries(record)) == 2


def test_the_section_heading_becomes_a_theme(record: Record, tmp_path: Path) -> None:
    apply(record, previews.concluding_observations(tmp_path))
    with record.reading() as s:
        ids = list(s.execute(select(Recommendation.id).where(
            Recommendation.paragraph == "31")).scalars())
        row = fetch_rows(s, ids)[0]
    assert row.themes == ("Migrant workers",)


def test_excluded_rows_and_edits_are_applied_as_the_reviewer_left_them(
        record: Record, tmp_path: Path) -> None:
    preview = previews.matrix(tmp_path, 4)
    first = preview.recommendations[0]
    edits = {0: edited(first, text="Ratify the ICRMW, as edited by the reviewer",
                       position=Position.NOTED, themes=("Te Tiriti o Waitangi",))}
    result = apply(record, preview, excluded={1, 3}, edits=edits)
    assert len(result.created) == 2
    with record.reading() as s:
        rows = {r.paragraph: r for r in s.execute(select(Recommendation)).scalars()}
    assert set(rows) == {"128.1", "128.3"}
    assert rows["128.1"].text == "Ratify the ICRMW, as edited by the reviewer"
    assert rows["128.1"].position == "noted"


def test_a_document_naming_no_state_is_refused_naming_the_file(record: Record,
                                                                tmp_path: Path) -> None:
    preview = previews.matrix(tmp_path, 3)
    preview.document = type(preview.document)(preview.document.kind, "", "UPR", "", None, 18)
    with pytest.raises(DocumentRefused, match=r"upr18-nz-matrix\.docx: the document does "
                                              r"not name the State"):
        apply(record, preview)
    assert _count(record) == 0 and _writes(record) == (0, 0)


def test_an_implausible_due_date_is_a_warning_not_an_entry(record: Record,
                                                            tmp_path: Path) -> None:
    preview = previews.concluding_observations(tmp_path)
    preview.next_report_due = dt.date(2207, 1, 1)
    result = apply(record, preview)
    assert any("2207-01-01 is not a plausible reporting date" in w for w in result.warnings)
    assert [e.kind for e in list_entries(record)] == ["follow-up"]


def test_uhri_rows_of_the_same_review_match_the_document_on_paragraph(
        record: Record, tmp_path: Path) -> None:
    preview = previews.report(tmp_path, 3)
    apply(record, preview)
    apply(record, previews.addendum(tmp_path, 3))
    rows = [uhri_row(
        Text=f"128.{k} {text} (different words in UHRI's copy)",
        Countries_Concerned="- New Zealand", Reccomending_Body="- Universal Periodic Review",
        Document_Symbol=f"- {previews.REPORT}", Themes="- Right to education",
        Affected_Persons="- Children", UPR_Reccomending_States=f"- {state}",
        UPR_Position="- Supported", Type="- Recommendation",
        OHCHR_Annotation_Id=f"uhri-{k}", UPR_Session=str(previews.SESSION))
        for k, (text, state, _p) in enumerate(previews.nz_rows()[:3], start=1)]
    export = write_uhri(tmp_path / "uhri.xlsx", rows)
    report = import_files(record, "uhri", [export])
    assert report.created == 0 and report.updated == 3
    assert _count(record) == 3
    with record.reading() as s:
        ids = list(s.execute(select(Recommendation.id)).scalars())
        held = fetch_rows(s, ids)
    assert all("Right to education" in r.themes and "Children" in r.affected_groups
               for r in held)
    assert import_files(record, "uhri", [export]).updated == 0
    assert _count(record) == 3


SLOVENIA_MATRIX = (NZ_CSV.parent.parent / "un-documents"
                   / "upr34-slovenia-thematic-list-of-recommendations.docx")


def test_another_states_document_is_planned_with_a_warning(record: Record,
                                                            tmp_path: Path) -> None:
    # The OHCHR matrix the UN sent Slovenia, read into New Zealand's record: the plan says so
    # before anything is applied (a person imported it and published it as New Zealand's).
    import_files(record, "upr-info", [NZ_CSV])
    preview = read(SLOVENIA_MATRIX)
    planned = plan(record, preview)
    assert planned.counts()["new"] == len(preview.recommendations)
    assert preview.warnings == [
        "upr34-slovenia-thematic-list-of-recommendations.docx: its recommendations are to "
        "Slovenia, and this record holds recommendations to New Zealand (228). Importing "
        "adds a second State; drafts and the public site stay about New Zealand unless "
        "another State is chosen."]
    plan(record, preview)  # planned again (the review screen does on each edit): said once
    assert len(preview.warnings) == 1
    # New Zealand's own matrix in New Zealand's record, or any into an empty record: none.
    nz = previews.matrix(tmp_path)
    plan(record, nz)
    assert not nz.warnings
    empty, empty_preview = open_record(tmp_path / "empty.sqlite3"), read(SLOVENIA_MATRIX)
    try:
        plan(empty, empty_preview)
    finally:
        empty.close()
    assert not empty_preview.warnings
