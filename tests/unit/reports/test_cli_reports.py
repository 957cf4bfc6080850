"""`nmrf report pdf|public`: output, and bad input that writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.services.record import Record

from .conftest import pdf_text


def test_report_pdf_command(report_record: Record, run_cli: Callable[..., int],
                            tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "moj.pdf"
    assert run_cli("report", "pdf", "--out", str(out), "--assigned-to", "MOJ",
                   "--cycle", "1", "--landscape") == 0
    assert "wrote 73 recommendations" in capsys.readouterr().out
    assert "Assigned to Ministry of Justice (MOJ)" in pdf_text(out)
    box = pypdf.PdfReader(out).pages[0].mediabox
    assert box.width > box.height


def test_report_annual_and_public_commands(report_record: Record, run_cli: Callable[..., int],
                                           tmp_path: Path) -> None:
    assert run_cli("report", "pdf", "--kind", "annual", "--from", "2024-07-01", "--to",
                   "2025-06-30", "--out", str(tmp_path / "annual.pdf")) == 0
    assert "1 July 2024" in pdf_text(tmp_path / "annual.pdf")
    assert run_cli("report", "public", "--out", str(tmp_path / "pub")) == 0
    assert (tmp_path / "pub" / "nmrf-public.xlsx").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["--kind", "annual", "--from", "2025-07-01", "--to", "2025-01-01"],
     "after it ends (2025-01-01) (--from DATE --to DATE, with --kind annual)"),
    (["--kind", "body", "--from", "2025-01-01"], "applies only to the annual report (--from "
                                                 "DATE --to DATE, with --kind annual)"),
    (["--kind", "agency"], "an agency summary needs an agency (--assigned-to AGENCY; "
                           "`nmrf agencies` lists the codes)"),
    (["--kind", "agency", "--assigned-to", "NOPE"], "unknown agency 'NOPE' (--assigned-to "
                                                    "AGENCY; `nmrf agencies` lists the codes)"),
    (["--kind", "clusters", "--from", "2025-01-01"], "applies only to the annual report (--"),
])
def test_report_bad_input(report_record: Record, run_cli: Callable[..., int], tmp_path: Path,
                          capsys: pytest.CaptureFixture[str], argv: list[str],
                          message: str) -> None:
    out = tmp_path / "out" / "r.pdf"
    out.parent.mkdir()
    assert run_cli("report", "pdf", "--out", str(out), *argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("nmrf: ") and message in err
    assert list(out.parent.iterdir()) == []


def test_unknown_kind_and_unwritable_folder(report_record: Record, run_cli: Callable[..., int],
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli("report", "pdf", "--kind", "minister", "--out", str(tmp_path / "x.pdf"))
    assert exit_.value.code == 2
    assert "invalid choice: 'minister'" in capsys.readouterr().err
    assert run_cli("report", "pdf", "--kind", "body", "--out",
                   str(tmp_path / "no" / "x.pdf")) == 1
    assert "does not exist" in capsys.readouterr().err
    assert run_cli("report", "public", "--out", str(tmp_path / "no" / "dir")) == 1
    assert not (tmp_path / "no").exists() and not (tmp_path / "x.pdf").exists()
