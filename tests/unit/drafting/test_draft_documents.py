"""The drafts as Word documents, read back: python-docx opens each kind, every reference in
scope and the latest narrative of each are there (footnotes and tables included), macrons
survive, headings use heading styles, the language is set, gaps are highlighted, the same
record gives the same text, LibreOffice opens each without repair; and nothing private
reaches a consultation draft."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from nmrf_desktop.services.drafting import DraftRequest, DraftResult, build_draft, draft
from tests.unit.drafting.conftest import (
    LEAKS,
    PRIVATE,
    PUBLIC_ACTION,
    PUBLIC_FILE,
    PUBLIC_LINK,
    PUBLIC_NARRATIVE,
    Planted,
    docx_parts,
    docx_text,
)

REQUESTS = {
    "follow-up": DraftRequest("follow-up"),
    "upr-mid-term": DraftRequest("upr-mid-term"),
    "periodic": DraftRequest("periodic", body="CERD", group_by="paragraph",
                             since=dt.date(2020, 1, 1)),
    "consultation": DraftRequest("consultation"),
}


@pytest.fixture(scope="module")
def written(planted: Planted, tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, tuple[Path, DraftResult]]:
    folder = tmp_path_factory.mktemp("drafts")
    out = {}
    for kind, request in REQUESTS.items():
        path = folder / f"{kind}.docx"
        out[kind] = (path, draft(planted.record, request, path))
    return out


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_each_kind_reads_back_with_its_references_narratives_and_macrons(
        kind: str, planted: Planted, written: dict[str, tuple[Path, DraftResult]]) -> None:
    path, result = written[kind]
    made = build_draft(planted.record, REQUESTS[kind])
    text = docx_text(path)
    refs = made.references()
    assert refs and result.recommendations == len(refs)
    missing = [r for r in refs if r not in text]
    assert not missing, f"{kind}: references missing from the document: {missing[:5]}"
    latest = planted.public_latest if kind == "consultation" else planted.latest
    since = REQUESTS[kind].since
    for ref in refs:
        if ref in latest and not (since and ref in planted.old):
            assert latest[ref] in text, f"{kind}: the latest narrative of {ref}"
    assert "Māori" in text and "ā" in text and "\ufffd" not in text
    assert result.gaps == len({g.reference for g in made.gaps})
    assert result.fingerprint == made.meta.fingerprint


@pytest.mark.parametrize("kind", list(REQUESTS))
def test_headings_styles_language_and_highlighted_gaps(
        kind: str, written: dict[str, tuple[Path, DraftResult]]) -> None:
    path, result = written[kind]
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    names = [p.style.name if p.style else "" for p in paragraphs]
    assert any(name.startswith("Heading ") for name in names), kind
    assert "Title" in names
    gaps = [p for p in paragraphs if "[No progress recorded" in p.text]
    assert len(gaps) >= result.gaps > 0
    assert all(any(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in p.runs)
               for p in gaps)
    with zipfile.ZipFile(path) as z:
        styles = z.read("word/styles.xml").decode()
        body = z.read("word/document.xml").decode()
    assert 'w:lang w:val="en-NZ"' in styles  # the document's language
    assert 'w:val="mi-NZ"' in body  # te reo Māori runs, spell-checked as such


def test_the_same_record_gives_the_same_document_text(
        planted: Planted, written: dict[str, tuple[Path, DraftResult]],
        tmp_path: Path) -> None:
    for kind in ("follow-up", "periodic"):
        again = tmp_path / f"{kind}.docx"
        draft(planted.record, REQUESTS[kind], again)
        first, second = docx_parts(written[kind][0]), docx_parts(again)
        assert first["word/document.xml"] == second["word/document.xml"]
        assert first.get("word/footnotes.xml") == second.get("word/footnotes.xml")


def test_consultation_holds_only_what_may_be_published(
        written: dict[str, tuple[Path, DraftResult]]) -> None:
    path, _result = written["consultation"]
    parts = docx_parts(path)
    for name, text in parts.items():
        for leak in LEAKS:
            assert leak not in text, f"{leak!r} leaked into {name} of the consultation draft"
    text = docx_text(path)
    assert PUBLIC_NARRATIVE in text and PUBLIC_ACTION in text
    assert PUBLIC_FILE in text and PUBLIC_LINK in text
    assert "Implemented" not in text  # the private update's status: the public one shows
    assert "In progress (1 October 2024)" in text
    assert "Te Puni Kōkiri" in text  # agency names may appear, as on the public site
    mid_term = docx_text(written["upr-mid-term"][0])  # the internal draft does hold them
    assert PRIVATE in mid_term and "SECRET-ACTION" in mid_term


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_kind_without_repair(
        written: dict[str, tuple[Path, DraftResult]], tmp_path: Path) -> None:
    paths = [str(p) for p, _r in written.values()]
    profile = tmp_path / "lo-profile"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), *paths],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    for kind, (path, result) in written.items():
        txt = (tmp_path / f"{path.stem}.txt").read_text(encoding="utf-8-sig")
        assert "Māori" in txt, kind
        assert txt.count("[No progress recorded") >= result.gaps, kind
