"""`nmrf draft KIND --out FILE.docx` end to end: each kind written from a real record and read
back, the record untouched; every refusal one line naming what to mend, nothing written."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from nmrf_desktop.cli.main import main
from nmrf_desktop.services.record import open_record
from tests.e2e.support import fingerprint, nmrf, nmrf_in_process
from tests.unit.drafting.conftest import LEAKS, PUBLIC_NARRATIVE, docx_parts, docx_text, plant

CERD = "CERD/C/NZL/CO/21-22 para "


@pytest.fixture(scope="module")
def draft_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("draft-cli")
    path = folder / "record.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NMRF_DATA_DIR", str(folder / "userdata"))
        mp.setenv("NMRF_POLICY_FILE", "")
        record = open_record(path)
        try:
            plant(record, path, folder)
        finally:
            record.close()
    yield path


def test_the_four_kinds_from_the_command_line(draft_db: Path, tmp_path: Path) -> None:
    before = fingerprint(draft_db)
    mid = tmp_path / "mid-term.docx"
    done = nmrf("draft", "upr-mid-term", "--out", mid, db=draft_db)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("wrote a upr-mid-term draft of 228 recommendations (")
    assert f"gaps) to {mid} (record " in done.stdout
    document = docx.Document(str(mid))
    assert document.paragraphs[0].text.startswith("Mid-term report on the recommendations")
    text = docx_text(mid)
    assert "NZL-UPR5-001" in text and "NZL-UPR18-140" in text and "whānau" in text

    cases = {
        "follow-up": ("--body", "CERD", "--paragraphs", "12,20"),
        "periodic": ("--body", "CEDAW", "--group-by", "paragraph", "--since", "2020-01-01"),
        "consultation": ("--group-by", "cluster", "--cycle", "2"),
    }
    for kind, options in cases.items():
        out = tmp_path / f"{kind}.docx"
        code, stdout, stderr = nmrf_in_process("draft", kind, "--out", out, *options,
                                               db=draft_db)
        assert code == 0, stderr
        assert stdout.startswith(f"wrote a {kind} draft of ") and out.exists()
    follow = docx_text(tmp_path / "follow-up.docx")
    assert all(f"{CERD}{p}" in follow for p in ("12", "20(a)", "20(b)"))
    assert f"{CERD}31" not in follow
    assert "Wāhine Māori were consulted" in docx_text(tmp_path / "periodic.docx")
    public = docx_parts(tmp_path / "consultation.docx")
    for name, part in public.items():
        assert not any(leak in part for leak in LEAKS), name
    assert PUBLIC_NARRATIVE in docx_text(tmp_path / "consultation.docx")
    assert fingerprint(draft_db) == before  # drafting reads; it never writes


REFUSED = {
    "periodic without a body": (("periodic",), 1,
                                "needs the body it is for, such as CEDAW or CERD (--body BODY)"),
    "an unknown paragraph": (("follow-up", "--body", "CERD", "--paragraphs", "12,99"), 1,
                             "CERD has no paragraph 99"),
    "paragraphs with no body": (("follow-up", "--paragraphs", "12"), 1,
                                "paragraph numbers belong to one body: name the body"),
    "two bodies": (("periodic", "--body", "CERD", "--body", "CEDAW"), 1,
                   "a draft is about one body"),
    "an unknown agency": (("upr-mid-term", "--assigned-to", "NOPE"), 1,
                          "unknown agency 'NOPE' (--assigned-to AGENCY"),
    "a mid-term by paragraph": (("upr-mid-term", "--group-by", "paragraph"), 1,
                                "grouped by theme or cluster, not 'paragraph' (--group-by)"),
    "a bad grouping": (("periodic", "--body", "CERD", "--group-by", "colour"), 2,
                       "argument --group-by: invalid choice: 'colour'"),
    "a bad date": (("periodic", "--body", "CERD", "--since", "2024-02-30"), 2,
                   "'2024-02-30' is not a date (YYYY-MM-DD)"),
    "paragraphs that are not numbers": (("follow-up", "--body", "CERD", "--paragraphs",
                                         "twelve"), 2, "is not a list of paragraph numbers"),
    "an unknown kind": (("annual",), 2, "argument KIND: invalid choice: 'annual'"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refusal_is_one_line_naming_the_option_and_nothing_is_written(
        case: str, draft_db: Path, tmp_path: Path) -> None:
    args, code, words = REFUSED[case]
    out = tmp_path / "draft.docx"
    got, stdout, stderr = run_quietly(*args, "--out", str(out), db=draft_db)
    assert got == code, stderr
    assert stdout == "" and len(stderr.splitlines()) == 1 and words in stderr, stderr
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "words"), [
    ("nowhere/draft.docx", "the folder"), ("draft.pdf", "name a .docx file"),
    ("a-folder.docx", "is a folder")])
def test_a_bad_output_file_is_refused(name: str, words: str, draft_db: Path,
                                      tmp_path: Path) -> None:
    (tmp_path / "a-folder.docx").mkdir()
    got, _out, stderr = run_quietly("follow-up", "--out", str(tmp_path / name), db=draft_db)
    assert got == 1 and words in stderr and len(stderr.splitlines()) == 1, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a-folder.docx"]


def run_quietly(*args: str, db: Path) -> tuple[int, str, str]:
    """`nmrf --db DB draft ARGS` in this process: (exit code, stdout, stderr), an argument
    mistake's exit (argparse's SystemExit, code 2) included."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--db", str(db), "draft", *args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()
