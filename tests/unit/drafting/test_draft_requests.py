"""Every request a draft cannot honour is refused with a plain message naming the field,
and nothing is written; a cancel leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.drafting import DraftError, DraftRequest, draft, validate
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.reports.request import ReportError
from tests.unit.drafting.conftest import Planted

BAD: dict[str, tuple[DraftRequest, str, str]] = {
    "unknown kind": (DraftRequest("annual-report"), "kind",
                     "unknown draft kind 'annual-report' (choose from follow-up, "
                     "upr-mid-term, periodic, consultation)"),
    "periodic without a body": (DraftRequest("periodic"), "body",
                                "a periodic-report section needs the body it is for"),
    "two bodies": (DraftRequest("periodic", Filters(bodies=("CERD",)), body="CEDAW"), "body",
                   "a draft is about one body, not CEDAW, CERD"),
    "a body the record lacks": (DraftRequest("periodic", body="CRPD"), "body",
                                "the record holds no recommendations of CRPD"),
    "a mid-term for a treaty body": (DraftRequest("upr-mid-term", body="CERD"), "body",
                                     "the mid-term report is on UPR recommendations"),
    "follow-up for the UPR": (DraftRequest("follow-up", body="UPR"), "body",
                              "the UPR has no follow-up paragraphs"),
    "unknown paragraph": (DraftRequest("follow-up", body="CERD", paragraphs=("12", "99")),
                          "paragraphs", "CERD has no paragraph 99"),
    "paragraphs without a body": (DraftRequest("follow-up", paragraphs=("12",)), "body",
                                  "paragraph numbers belong to one body"),
    "paragraphs for a periodic report": (
        DraftRequest("periodic", body="CERD", paragraphs=("12",)), "paragraphs",
        "paragraphs are chosen only for a follow-up report"),
    "nothing flagged in scope": (
        DraftRequest("follow-up", Filters(important=True), body="CERD"), "paragraphs",
        "no paragraphs of CERD in scope are flagged for follow-up"),
    "bad grouping": (DraftRequest("upr-mid-term", group_by="paragraph"), "group_by",
                     "a upr-mid-term draft is grouped by theme or cluster, not 'paragraph'"),
    "bad periodic grouping": (DraftRequest("periodic", body="CERD", group_by="cluster"),
                              "group_by", "grouped by theme or paragraph"),
    "not a date": (DraftRequest("periodic", body="CERD", since="2024-13-01"),  # type: ignore[arg-type]
                   "since", "'2024-13-01' is not a date (YYYY-MM-DD)"),
    "a future date": (DraftRequest("periodic", body="CERD",
                                   since=dt.date.today() + dt.timedelta(days=1)),
                      "since", "is in the future"),
    "unknown agency": (DraftRequest("upr-mid-term", Filters(agency="NOPE")), "agency",
                       "unknown agency 'NOPE'"),
    "nothing matches": (DraftRequest("upr-mid-term", Filters(text="xyzzyplugh")), "",
                        "no recommendations in the record match the filters"),
}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_request_is_refused_naming_its_field_and_nothing_is_written(
        case: str, planted: Planted, tmp_path: Path) -> None:
    request, field, words = BAD[case]
    out = tmp_path / "draft.docx"
    with pytest.raises(DraftError) as caught:
        validate(planted.record, request)
    assert caught.value.field == field and words in str(caught.value)
    with pytest.raises(DraftError) as again:
        draft(planted.record, request, out)
    assert (again.value.field, str(again.value)) == (field, str(caught.value))
    assert isinstance(again.value, ReportError)
    assert _files(tmp_path) == []


def _outs(tmp: Path) -> dict[str, tuple[Path, str]]:
    (tmp / "a-folder.docx").mkdir()
    locked = tmp / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return {
        "missing folder": (tmp / "nowhere" / "draft.docx", "the folder"),
        "a folder": (tmp / "a-folder.docx", "is a folder; name the file to write"),
        "not a Word file": (tmp / "draft.pdf", "name a .docx file"),
        "no suffix": (tmp / "draft", "name a .docx file"),
        "unwritable folder": (locked / "draft.docx", "is not writable"),
    }


@pytest.mark.parametrize("case", ["missing folder", "a folder", "not a Word file",
                                  "no suffix", "unwritable folder"])
def test_a_bad_output_path_is_refused_before_any_work(case: str, planted: Planted,
                                                      tmp_path: Path) -> None:
    out, words = _outs(tmp_path)[case]
    if case == "unwritable folder" and os.access(out.parent, os.W_OK):
        pytest.skip("running as root, for whom no folder is unwritable")
    before = _files(tmp_path)
    with pytest.raises(DraftError) as caught:
        draft(planted.record, DraftRequest("follow-up"), out)
    assert caught.value.field == "out" and words in str(caught.value)
    assert _files(tmp_path) == before


def test_validate_fills_the_defaults(planted: Planted) -> None:
    asked = validate(planted.record, DraftRequest("consultation", since="2024-05-01"))  # type: ignore[arg-type]
    assert (asked.kind, asked.body, asked.group_by, asked.since) == (
        "consultation", "UPR", "theme", dt.date(2024, 5, 1))
    assert asked.filters.bodies == ("UPR",)
    follow = validate(planted.record, DraftRequest("follow-up", body="cerd",
                                                   paragraphs=("12, 20",)))
    assert (follow.body, follow.paragraphs, follow.group_by) == ("CERD", ("12", "20"),
                                                                 "paragraph")


class _CancelAtOnce:
    def start(self, total: int, label: str = "") -> None:
        self.total = total

    def advance(self, amount: int = 1) -> None:
        raise Cancelled

    def finish(self) -> None:
        raise AssertionError("finished after a cancel")


def test_a_cancel_leaves_nothing_written(planted: Planted, tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    with pytest.raises(Cancelled):
        draft(planted.record, DraftRequest("upr-mid-term", Filters(cycles=(1,))), out,
              _CancelAtOnce())
    assert _files(tmp_path) == []
