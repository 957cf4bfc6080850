"""The Word draft opened by LibreOffice: converted to text (every heading, paragraph, gap,
table cell and macron there) and to PDF (pages, footnotes and page numbers), no repair."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest

from nmrf_desktop.reports.docx_writer import write_docx
from nmrf_desktop.reports.draft_model import Gap, Heading, Paragraph, Table
from tests.unit.drafting.test_docx_readback import (
    FINGERPRINT_VALUE,
    GAPS,
    MACRONS,
    SHA,
    sample_draft,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                 "installed: apt-get install libreoffice-writer")]


def convert(source: Path, formats: tuple[str, ...]) -> list[Path]:
    """`source` converted by LibreOffice into each of `formats` at once (a profile each, so
    they run side by side); the converted files."""
    runs = [(subprocess.Popen(
        [str(SOFFICE), f"-env:UserInstallation={(source.parent / f'lo{i}').as_uri()}",
         "--headless", "--convert-to", to, "--outdir", str(source.parent / f"out{i}"),
         str(source)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
             source.parent / f"out{i}" / source.with_suffix("." + to.split(":")[0]).name)
            for i, to in enumerate(formats)]
    for process, out in runs:
        log, _ = process.communicate(timeout=180)
        assert process.returncode == 0 and out.exists(), log
    return [out for _, out in runs]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pypdf.PdfReader, str]:
    folder = tmp_path_factory.mktemp("lo")
    source = folder / "draft.docx"
    write_docx(sample_draft(blocks=3), source)  # long enough to run over several pages
    txt, pdf, odt = convert(source, ("txt:Text (encoded):UTF8", "pdf", "odt"))
    with zipfile.ZipFile(odt) as z:  # what LibreOffice made of properties and languages
        meta = "\n".join(z.read(n).decode("utf-8")
                         for n in ("meta.xml", "styles.xml", "content.xml"))
    return txt.read_text("utf-8-sig"), pypdf.PdfReader(pdf), meta


def test_every_block_reaches_the_text(converted: tuple[str, pypdf.PdfReader, str]) -> None:
    text, _, _ = converted
    lines = [line.strip() for line in text.splitlines()]
    draft = sample_draft()
    for block in draft.blocks:
        if isinstance(block, Heading):
            assert block.text in lines
        elif isinstance(block, Paragraph):
            wanted = re.sub(r"[\x00-\x1f]", "", "".join(r.text for r in block.runs))
            assert any(line.endswith(wanted) or wanted in line for line in lines), wanted
        elif isinstance(block, Gap):
            assert block.text in lines
        elif isinstance(block, Table):
            assert block.caption in lines
            assert all(cell in lines for cell in block.header)
    for word in MACRONS:
        assert word in text
    assert draft.meta.title in lines and "Contents" in lines


def test_numbered_paragraphs_run_on_through_the_document(
        converted: tuple[str, pypdf.PdfReader, str]) -> None:
    text, _, _ = converted
    numbers = [int(m) for m in re.findall(r"^\s*(\d+)\.\s", text, re.MULTILINE)]
    per_copy = sum(1 for b in sample_draft().blocks if isinstance(b, Paragraph) and b.numbered)
    assert numbers == list(range(1, 3 * per_copy + 1))  # three copies, never restarted


def test_the_pdf_has_pages_footnotes_and_page_numbers(
        converted: tuple[str, pypdf.PdfReader, str]) -> None:
    _, pdf, _ = converted
    assert len(pdf.pages) >= 3
    pages = [page.extract_text() for page in pdf.pages]
    everything = "\n".join(pages)
    assert "UPR 4.12 (A/HRC/41/4, para 122.12)" in everything  # a footnote
    assert SHA[:32] in everything.replace("\n", "")
    assert GAPS[0].text in everything.replace("\n", " ")
    assert pages[-1].strip().endswith(str(len(pages)))  # the footer's page number


def test_libreoffice_reads_the_properties_and_languages(
        converted: tuple[str, pypdf.PdfReader, str]) -> None:
    _, _, meta = converted
    assert (f'<meta:user-defined meta:name="NMRF record fingerprint">{FINGERPRINT_VALUE}'
            "</meta:user-defined>") in meta
    assert '<meta:user-defined meta:name="NMRF draft kind">upr-mid-term<' in meta
    assert "<dc:title>Mid-term report of New Zealand: Te Puni Kōkiri</dc:title>" in meta
    default = re.search(r'<style:default-style style:family="paragraph">.*?'
                        r"</style:default-style>", meta, re.DOTALL)
    assert default and 'fo:language="en" fo:country="NZ"' in default.group(0)
    assert 'fo:language="mi" fo:country="NZ"' in meta  # the te reo Māori runs
