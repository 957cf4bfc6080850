"""Files that are not a UN document we read: one clear message naming the file."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.importers.documents.reader import read_document
from tests.unit.importers.biff8 import write_xls
from tests.unit.importers.documents import un_docs


def _refused(path: Path, *words: str) -> str:
    with pytest.raises(NotADocument) as caught:
        read_document(path)
    message = str(caught.value)
    assert path.name in message
    for word in words:
        assert word in message
    return message


def test_a_word_letter_is_none_of_the_kinds(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Dear colleagues, the minutes of Tuesday’s hui are attached.")
    document.save(tmp_path / "letter.docx")
    _refused(tmp_path / "letter.docx", "none of the UN documents read here")


def test_a_pdf_of_something_else(tmp_path: Path) -> None:
    pdf = canvas.Canvas(str(tmp_path / "invoice.pdf"), pagesize=A4)
    pdf.drawString(72, 760, "Invoice 2024-118: printer toner, two cartridges, $212.00 total.")
    pdf.drawString(72, 740, "Payment is due within 20 days of the invoice date.")
    pdf.save()
    _refused(tmp_path / "invoice.pdf", "none of the UN documents read here")


def test_a_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    for _page in range(3):  # page images only: drawn shapes stand in for the scan
        pdf.rect(50, 50, 400, 700, fill=1)
        pdf.showPage()
    pdf.save()
    _refused(tmp_path / "scan.pdf", "no text layer", "scanned")


def test_an_encrypted_pdf(tmp_path: Path) -> None:
    source = tmp_path / "plain.pdf"
    un_docs.write_co_pdf(source)
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="kōwhai", owner_password="owner", algorithm="AES-256")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    _refused(tmp_path / "locked.pdf", "encrypted PDF", "without a password")


def test_a_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Printing restrictions (an empty user password) do not stop reading."""
    source = tmp_path / "plain.pdf"
    un_docs.write_co_pdf(source)
    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    with open(tmp_path / "restricted.pdf", "wb") as fh:
        writer.write(fh)
    assert len(read_document(tmp_path / "restricted.pdf").recommendations) == 11


def test_a_damaged_pdf(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    un_docs.write_co_pdf(path)
    path.write_bytes(path.read_bytes()[:900])
    _refused(path, "PDF")


def test_a_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    _refused(path, "zip archive", "word/document.xml")


def test_a_renamed_xlsx(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["Recommendation", "Position"])
    workbook.save(tmp_path / "matrix.docx")
    _refused(tmp_path / "matrix.docx", "Excel workbook")


def test_a_renamed_xls(tmp_path: Path) -> None:
    write_xls(tmp_path / "matrix.docx", [["SuR", "Recommendation"], ["NZ", "Ratify"]])
    _refused(tmp_path / "matrix.docx", "old Excel workbook (.xls)", "save it as .docx")


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    _refused(tmp_path / "empty.pdf", "is empty")


def test_text_named_pdf(tmp_path: Path) -> None:
    (tmp_path / "co.pdf").write_text("CERD/C/NZL/CO/21-22 Concluding observations", "utf-8")
    _refused(tmp_path / "co.pdf", "neither a Word document (.docx) nor a PDF")


def test_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "folder.docx").mkdir()
    _refused(tmp_path / "folder.docx", "folder")
    _refused(tmp_path / "missing.docx", "not found")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    _refused(tmp_path / "pipe.pdf", "pipe")


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    """A PDF named .docx, a Word file named .pdf: both read."""
    un_docs.write_co_pdf(tmp_path / "really-a-pdf.docx")
    un_docs.write_co_docx(tmp_path / "really-word.pdf")
    assert len(read_document(tmp_path / "really-a-pdf.docx").recommendations) == 11
    assert len(read_document(tmp_path / "really-word.pdf").recommendations) == 11


@pytest.mark.parametrize(("symbol", "title", "what"), [
    ("A/HRC/WG.6/34/NZL/1", "National report submitted in accordance with paragraph 5 of "
     "the annex to Human Rights Council resolution 16/21", "the State's national report"),
    ("A/HRC/WG.6/34/NZL/2", "Compilation on New Zealand. Report of the Office of the United "
     "Nations High Commissioner for Human Rights", "OHCHR's compilation"),
    ("A/HRC/WG.6/34/NZL/3", "Summary of Stakeholders' submissions on New Zealand",
     "summary of stakeholders"),
])
def test_a_upr_pre_session_document_is_named_and_refused(tmp_path: Path, symbol: str,
                                                          title: str, what: str) -> None:
    """The documents written before a review quote the treaty bodies' concluding
    observations ("the Committee recommends that New Zealand…") but hold no
    recommendations to import: named for what they are, never read as a Committee's
    (real OHCHR compilations were read as concluding observations with none)."""
    path = un_docs.write_short_co_docx(tmp_path / "pre-session.docx", [
        "# Concluding observations quoted",
        "CERD recommended that New Zealand address the overrepresentation of Māori in "
        "prisons. The Committee recommends that the State party adopt a plan.",
    ], symbol=symbol, date="1 November 2018", title=title)
    _refused(path, what, "holds no recommendations", "Working Group report")


def test_a_document_that_only_mentions_concluding_observations_is_refused(
        tmp_path: Path) -> None:
    document = docx.Document()
    for line in ("Ministry of Justice — internal memo",
                 "The concluding observations of CERD were discussed at the hui on Tuesday.",
                 "Next steps: circulate the minutes."):
        document.add_paragraph(line)
    document.save(tmp_path / "memo.docx")
    _refused(tmp_path / "memo.docx", "none of the UN documents read here", "give its symbol")
