"""Document benchmark: preview time of a 250-recommendation UPR matrix (Word) and a
12-page concluding observations PDF through importers.documents.read_document. Floor: the
same text taken out by python-docx (every table cell) and pypdf (every page) alone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx
from pypdf import PdfReader

from nmrf_desktop.importers.documents.reader import read_document
from tests.unit.importers.documents import un_docs

from .common import Figure, median, timed


def _docx_floor(path: Path) -> None:
    for table in docx.Document(str(path)).tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def _pdf_floor(path: Path) -> None:
    for page in PdfReader(path).pages:
        page.extract_text()


def run(runs: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        matrix = un_docs.write_matrix(Path(folder) / "matrix.docx", un_docs.matrix_recs(250),
                                      cycle=4, session=46, report="A/HRC/56/5")
        co = Path(folder) / "co.pdf"
        un_docs.write_co_pdf(co, extra_sections=26)
        pages = len(PdfReader(co).pages)
        assert len(read_document(matrix).recommendations) == 250
        figures = []
        for name, path, floor, note in (
                ("documents: matrix 250", matrix, _docx_floor, "4th-cycle layout, Word"),
                ("documents: CO PDF", co, _pdf_floor, f"{pages} pages, CERD layout")):
            read = median([timed(lambda p=path: read_document(p)) for _ in range(runs)])
            raw = median([timed(lambda p=path, f=floor: f(p)) for _ in range(runs)])
            figures.append(Figure(name, read * 1000, "ms", raw * 1000, runs, note))
        return figures
