"""A record holding two states' recommendations: drafts and the public site are about one
state (the record's own, with the most recommendations), and say which were left out."""

from __future__ import annotations

from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import drafting
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.site import PublishRequest, publish
from nmrf_desktop.services.state_scope import left_out_line, scoped, state_counts

from .drafting.conftest import docx_text
from .overlap.labelled import labelled_set, state_csv


def _with_poland(nz_record: Record, tmp_path: Path) -> Record:
    # Poland's 157 real UPR rows imported into New Zealand's record, as a coordinator might
    # import another state's matrix by mistake.
    import_files(nz_record, "upr-info", [state_csv(labelled_set("poland"),
                                                   tmp_path / "poland.csv")])
    return nz_record


def test_the_states_a_record_holds_and_the_scope(nz_record: Record, tmp_path: Path) -> None:
    record = _with_poland(nz_record, tmp_path)
    with record.reading() as session:
        assert state_counts(session) == [("New Zealand", 228), ("Poland", 157)]
        assert scoped(session, Filters()) == (Filters(country="New Zealand"),
                                              [("Poland", 157)])
        named = Filters(country="Poland")
        assert scoped(session, named) == (named, [])
    assert left_out_line([("Poland", 157)]) == (
        "The record also holds 157 recommendations to Poland, left out.")


def test_one_state_record_is_not_narrowed(nz_record: Record) -> None:
    with nz_record.reading() as session:
        assert scoped(session, Filters()) == (Filters(), [])


def test_a_draft_is_about_the_records_own_state(nz_record: Record, tmp_path: Path) -> None:
    record = _with_poland(nz_record, tmp_path)
    out = tmp_path / "mid-term.docx"
    drafting.draft(record, drafting.DraftRequest("upr-mid-term"), out)
    text = docx_text(out)
    assert "New Zealand" in text and "NZL-UPR18-" in text
    assert "POL-UPR" not in text
    assert "The record also holds 157 recommendations to Poland, left out." in text
    chosen = drafting.DraftRequest("upr-mid-term", Filters(country="Poland"))
    drafting.draft(record, chosen, tmp_path / "poland.docx")
    assert "POL-UPR" in docx_text(tmp_path / "poland.docx")


def test_the_public_site_is_the_records_own_state(nz_record: Record, tmp_path: Path) -> None:
    record = _with_poland(nz_record, tmp_path)
    result = publish(record, PublishRequest(tmp_path / "site"))
    assert result.recommendations == 228 and result.left_out == (("Poland", 157),)
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "228 UN human-rights recommendations to New Zealand" in home
    pages = "".join(p.read_text(encoding="utf-8")
                    for p in (tmp_path / "site").rglob("*.html"))
    assert "POL-UPR" not in pages and "Poland" not in pages
