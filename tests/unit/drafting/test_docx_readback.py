"""The Word draft read back with python-docx: styles, numbering, language, properties,
footnotes, gaps and tables, from a hand-made draft with te reo Māori in it."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from nmrf_desktop.reports.docx_blocks import MIN_COLUMN, column_widths
from nmrf_desktop.reports.docx_fields import TOC
from nmrf_desktop.reports.docx_notes import describe
from nmrf_desktop.reports.docx_props import FINGERPRINT, KIND, read_custom
from nmrf_desktop.reports.docx_styles import GAP, GAP_FILL, NUMBERED
from nmrf_desktop.reports.docx_writer import write_docx
from nmrf_desktop.reports.draft_model import (
    MI,
    Draft,
    DraftKind,
    DraftMeta,
    Gap,
    Heading,
    Paragraph,
    Run,
    Source,
    Table,
)

DAY = dt.date(2026, 11, 20)
FINGERPRINT_VALUE = "3f" * 32
SHA = "a1" * 32
EVIDENCE_URL = "https://www.tpk.govt.nz/mi/a-matou-mohiotanga"
MACRONS = ("Te Puni Kōkiri", "whānau", "Mātauranga Māori")
GAPS = (Gap("[No progress recorded since 2024-05-01; lead agency: Te Puni Kōkiri]", "UPR 4.20"),
        Gap("[No progress recorded since 2023-02-14; lead agency: Ministry of Justice]",
            "UPR 4.21"))


def sample_draft(day: dt.date = DAY, blocks: int = 1) -> Draft:
    """A mid-term draft using every kind of block; `blocks` repeats its body."""
    body = (
        Heading("Indigenous peoples and Te Tiriti o Waitangi", 1),
        Paragraph((Run("Te Puni Kōkiri", MI), Run(" works with "), Run("whānau", MI),
                   Run(" and iwi on the plan.")), numbered=True,
                  sources=(Source("recommendation", "UPR 4.12", "A/HRC/41/4, para 122.12"),
                           Source("evidence", "Annual report 2024", SHA),
                           Source("update", "Te Puni Kōkiri", "2024-05-01"))),
        Paragraph((Run("The strategy puts "), Run("Mātauranga Māori", MI, italic=True),
                   Run(" at the centre", bold=True), Run(".")), numbered=True,
                  sources=(Source("evidence", "Strategy", EVIDENCE_URL),)),
        Heading("Te reo Māori", 2, MI),
        Paragraph((Run("A bullet that is not numbered."),), style="List Bullet"),
        GAPS[0],
        Heading("Justice", 3),
        Paragraph((Run("Control\x01 characters\x0b go\x1f."),), numbered=True),
        Paragraph((Run("A blank source is no source."),), numbered=True,
                  sources=(Source("evidence", " ", "\x01"),)),
        GAPS[1],
        Table(("Recommendation", "States", "Position", "Status"),
              (("UPR 4.12", "Samoa; Fiji", "Supported", Run("Kua tīmata", MI)),
               ("UPR 4.20", "Chile", "Noted", "No progress"),
               ("UPR 4.21", "Peru", "Supported", Run("Started", bold=True))),
              caption="Table 1. Recommendations on justice", widths=(3, 2, 1, 1)),
        Paragraph((Run("After the table."),), numbered=True,
                  sources=(Source("recommendation", "UPR 4.21", "A/HRC/41/4, para 122.21"),)),
    )
    meta = DraftMeta(DraftKind.UPR_MID_TERM, "Mid-term report of New Zealand: Te Puni Kōkiri",
                     "Universal Periodic Review, fourth cycle", day, FINGERPRINT_VALUE,
                     ("Themes: Indigenous peoples; justice", "Recommendations: supported"))
    return Draft(meta, ("5 recommendations in scope", "2 gaps: no progress recorded"),
                 body * blocks)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "mid-term.docx"
    write_docx(sample_draft(), out)
    return out


@pytest.fixture(scope="module")
def doc(written: Path) -> Document:
    return docx.Document(str(written))


def _by_text(doc: Document, text: str) -> docx.text.paragraph.Paragraph:
    found = [p for p in doc.paragraphs if p.text == text]
    assert len(found) >= 1, f"no paragraph {text!r}"
    return found[-1]  # the body's, after the contents' entry


def test_title_page_summary_and_contents_come_first(doc: Document) -> None:
    paragraphs = doc.paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == (
        "Title", "Mid-term report of New Zealand: Te Puni Kōkiri")
    assert (paragraphs[1].style.name, paragraphs[1].text) == (
        "Subtitle", "Universal Periodic Review, fourth cycle")
    texts = [p.text for p in paragraphs]
    assert "Universal Periodic Review mid-term report: draft of 20 November 2026" in texts
    for line in ("5 recommendations in scope", "2 gaps: no progress recorded",
                 "Themes: Indigenous peoples; justice"):
        assert line in texts
    legend = next(t for t in texts if t.startswith("Highlighted paragraphs"))
    assert "2 in this draft" in legend
    toc = next(i for i, p in enumerate(paragraphs)
               if p._p.xpath(".//w:instrText[contains(., 'TOC')]"))
    instr = paragraphs[toc]._p.xpath("string(.//w:instrText)")
    assert instr.strip() == TOC == 'TOC \\o "1-3" \\h \\z \\u'
    assert texts.index(legend) < toc < texts.index("After the table.")
    assert paragraphs[toc - 1].style.name == "TOC Heading"
    assert paragraphs[toc - 1].paragraph_format.page_break_before  # the contents' own page
    first_body = _by_text(doc, "Indigenous peoples and Te Tiriti o Waitangi")
    assert first_body.paragraph_format.page_break_before  # and the body's
    assert not doc.element.body.xpath(".//w:br[@w:type='page']")  # no blank line atop a page
    # the field's result is the headings, so the contents read right before an update
    assert texts[toc:toc + 3] == ["Indigenous peoples and Te Tiriti o Waitangi", "Te reo Māori",
                                  "Justice"]
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_headings_use_the_heading_styles(doc: Document) -> None:
    for text, level in (("Indigenous peoples and Te Tiriti o Waitangi", 1),
                        ("Te reo Māori", 2), ("Justice", 3)):
        assert _by_text(doc, text).style.name == f"Heading {level}"


def test_numbered_paragraphs_share_one_real_numbering(doc: Document) -> None:
    numbered = [p for p in doc.paragraphs if p.style.name == NUMBERED]
    assert [p.text for p in numbered] == [
        "Te Puni Kōkiri works with whānau and iwi on the plan.",
        "The strategy puts Mātauranga Māori at the centre.",
        "Control characters go.", "A blank source is no source.", "After the table."]
    num_ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(num_ids) == 1  # one list: the numbers run on through the document
    numbering = doc.part.numbering_part.element
    (num,) = numbering.xpath(f"w:num[@w:numId='{num_ids.pop()}']")
    assert not num.xpath("w:lvlOverride")  # never restarted
    abstract_id = num.xpath("string(w:abstractNumId/@w:val)")
    (level,) = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl")
    assert level.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"
    assert level.find(qn("w:lvlText")).get(qn("w:val")) == "%1."
    bullet = _by_text(doc, "A bullet that is not numbered.")
    assert bullet.style.name == "List Bullet" and bullet._p.pPr.numPr is None


def test_language_is_en_nz_with_maori_runs_marked(doc: Document) -> None:
    default = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert default.get(qn("w:val")) == "en-NZ"
    assert default.get(qn("w:eastAsia")) == "en-US"  # left as the template had it
    langs = {}
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            lang = run._r.xpath("string(w:rPr/w:lang/@w:val)")
            langs.setdefault(run.text, lang)
            if lang:
                assert run._r.xpath("w:rPr/w:lang/@w:eastAsia") == []
    for word in MACRONS:
        assert langs[word] == "mi-NZ", word
    assert langs["Te reo Māori"] == "mi-NZ"  # a Māori heading
    assert langs[" works with "] == ""  # English takes the document's language
    cell = doc.tables[0].rows[1].cells[3].paragraphs[0].runs[0]
    assert (cell.text, cell._r.xpath("string(w:rPr/w:lang/@w:val)")) == ("Kua tīmata", "mi-NZ")


def test_core_and_custom_properties(doc: Document, written: Path) -> None:
    props = doc.core_properties
    assert props.title == "Mid-term report of New Zealand: Te Puni Kōkiri"
    assert props.subject == "Universal Periodic Review, fourth cycle"
    assert props.author == "NMRF Desktop"
    assert "upr-mid-term" in props.keywords
    midnight = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    assert props.created == midnight and props.modified == midnight
    assert read_custom(doc) == {FINGERPRINT: FINGERPRINT_VALUE, KIND: "upr-mid-term"}
    with zipfile.ZipFile(written) as z:
        types = etree.fromstring(z.read("[Content_Types].xml"))
        rels = etree.fromstring(z.read("_rels/.rels"))
        app = z.read("docProps/app.xml").decode()
        names = z.namelist()
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/docProps/custom.xml"] == (
        "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    assert {r.get("Type"): r.get("Target") for r in rels}[RT.CUSTOM_PROPERTIES] == (
        "docProps/custom.xml")
    assert "<Application>NMRF Desktop</Application>" in app
    assert RT.THUMBNAIL not in {r.get("Type") for r in rels}  # the template's picture
    assert "word/stylesWithEffects.xml" not in names  # the template's stale Word 2010 copy


def _footnotes(doc: Document) -> dict[str, str]:
    (part,) = [r.target_part for r in doc.part.rels.values() if r.reltype == RT.FOOTNOTES]
    root = etree.fromstring(part.blob)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return {n.get(f"{w}id"): "".join(t.text or "" for t in n.iter(f"{w}t")).strip()
            for n in root}


def test_sources_are_footnotes(doc: Document) -> None:
    notes = _footnotes(doc)
    assert notes["-1"] == notes["0"] == ""  # the separators
    cited = {p.text: p._p.xpath("string(.//w:footnoteReference/@w:id)")
             for p in doc.paragraphs if p.style.name == NUMBERED}
    first = notes[cited["Te Puni Kōkiri works with whānau and iwi on the plan."]]
    assert first == (f"UPR 4.12 (A/HRC/41/4, para 122.12); Annual report 2024 — SHA-256 {SHA}; "
                     "Progress update, Te Puni Kōkiri, 2024-05-01.")
    assert notes[cited["The strategy puts Mātauranga Māori at the centre."]] == (
        f"Strategy — {EVIDENCE_URL}.")
    assert notes[cited["After the table."]] == "UPR 4.21 (A/HRC/41/4, para 122.21)."
    assert cited["Control characters go."] == ""  # no sources, no footnote
    assert cited["A blank source is no source."] == ""
    assert len(notes) == 2 + 3
    styles = {s.style_id: s for s in doc.styles}
    assert styles["FootnoteText"].name == "footnote text"
    assert styles["FootnoteReference"].element.xpath("string(w:rPr/w:vertAlign/@w:val)") == (
        "superscript")
    settings = doc.settings.element
    assert settings.xpath("w:footnotePr/w:footnote/@w:id") == ["-1", "0"]


def test_a_web_address_in_a_footnote_is_a_link(doc: Document) -> None:
    (part,) = [r.target_part for r in doc.part.rels.values() if r.reltype == RT.FOOTNOTES]
    root = etree.fromstring(part.blob)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    (link,) = root.iter(f"{w}hyperlink")
    assert "".join(link.itertext()) == EVIDENCE_URL
    rel = part.rels[link.get(r_id)]
    assert rel.is_external and rel.target_ref == EVIDENCE_URL and rel.reltype == RT.HYPERLINK
    assert doc.styles["Hyperlink"].type == 2  # a character style: blue, underlined


def test_every_page_names_the_draft_and_numbers_itself(doc: Document) -> None:
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == (
        "Draft: Universal Periodic Review mid-term report, 20 November 2026")
    footer = section.footer.paragraphs[0]._p
    assert footer.xpath("string(.//w:instrText)").strip() == "PAGE"
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))  # A4


def test_the_summary_heading_stays_out_of_the_contents(doc: Document) -> None:
    summary = _by_text(doc, "About this draft")
    assert summary.style.name == "Summary Heading"
    assert summary.style.base_style.name == "Heading 1"
    assert summary.style.element.xpath("string(w:pPr/w:outlineLvl/@w:val)") == "9"


def test_sources_are_named_as_the_brief_asks() -> None:
    assert describe(Source("recommendation", "UPR 4.12", "A/HRC/41/4, para 122.12")) == (
        "UPR 4.12 (A/HRC/41/4, para 122.12)", "")
    assert describe(Source("recommendation", "NZL-UPR18-146")) == ("NZL-UPR18-146", "")
    assert describe(Source("evidence", "Cabinet paper", SHA)) == (
        f"Cabinet paper — SHA-256 {SHA}", "")
    assert describe(Source("evidence", "", EVIDENCE_URL)) == (EVIDENCE_URL, EVIDENCE_URL)
    assert describe(Source("evidence", "Memo", "javascript:alert(1)")) == (
        "Memo — javascript:alert(1)", "")  # only a web address becomes a link
    assert describe(Source("evidence", "Memo", "https://a.nz/x y")) == (
        "Memo — https://a.nz/x y", "")
    assert describe(Source("update", "Te Puni Kōkiri", "2024-05-01")) == (
        "Progress update, Te Puni Kōkiri, 2024-05-01", "")


def test_gaps_are_highlighted_in_their_own_style(doc: Document) -> None:
    gaps = [p for p in doc.paragraphs if p.style.name == GAP]
    assert [p.text for p in gaps] == [g.text for g in GAPS]
    style = doc.styles[GAP]
    assert style.font.italic is True
    assert style.element.xpath("string(w:pPr/w:shd/@w:fill)") == GAP_FILL
    for paragraph in gaps:
        assert all(r.font.highlight_color == 7 for r in paragraph.runs)  # WD_COLOR_INDEX.YELLOW


def test_table_style_header_row_and_widths(doc: Document) -> None:
    (table,) = doc.tables
    assert table.style.name == "Table Grid"
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["Recommendation", "States", "Position", "Status"]
    assert header._tr.trPr.xpath("w:tblHeader")  # repeated on each page
    assert all(c.paragraphs[0].runs[0].bold for c in header.cells)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        ["UPR 4.12", "Samoa; Fiji", "Supported", "Kua tīmata"],
        ["UPR 4.20", "Chile", "Noted", "No progress"],
        ["UPR 4.21", "Peru", "Supported", "Started"]]
    widths = [c.width for c in table.columns]  # asked for 3:2:1:1
    assert widths[0] == pytest.approx(1.5 * widths[1], rel=1e-3)
    assert widths[2] == widths[3] == Twips(MIN_COLUMN)  # a word's room at least
    assert sum(widths) <= Twips(11906 - 2 * 1417)
    caption = _by_text(doc, "Table 1. Recommendations on justice")
    assert caption.style.name == "Caption"
    assert caption.paragraph_format.keep_with_next  # never the last line of a page
    assert all(row._tr.trPr.xpath("w:cantSplit") for row in table.rows)


def test_control_characters_are_dropped(doc: Document) -> None:
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Control characters go." in body
    assert not any(ch in body for ch in "\x01\x0b\x1f")


def test_macrons_survive_everywhere(written: Path) -> None:
    with zipfile.ZipFile(written) as z:
        document = z.read("word/document.xml").decode("utf-8")
        notes = z.read("word/footnotes.xml").decode("utf-8")
    for word in MACRONS:
        assert word in document
    assert "Te Puni Kōkiri, 2024-05-01" in notes


def test_the_same_draft_gives_the_same_bytes(tmp_path: Path, written: Path) -> None:
    again = tmp_path / "again.docx"
    write_docx(sample_draft(), again)
    assert again.read_bytes() == written.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 20, 0, 0, 0)}
        for name in z.namelist():
            if name.endswith(".xml"):
                assert b"w:rsid" not in z.read(name), name
    later = tmp_path / "later.docx"
    write_docx(sample_draft(dt.date(2026, 11, 21)), later)
    assert later.read_bytes() != written.read_bytes()  # the draft date is on the title page


def test_gaps_repeated_under_several_headings_are_counted_both_ways(tmp_path: Path) -> None:
    draft = sample_draft(blocks=2)  # each gap twice
    out = tmp_path / "twice.docx"
    write_docx(draft, out)
    legend = next(p.text for p in docx.Document(str(out)).paragraphs
                  if p.text.startswith("Highlighted paragraphs"))
    assert "4 paragraphs for 2 recommendations" in legend


def test_narrow_columns_are_widened_to_hold_a_word() -> None:
    assert column_widths((3, 2, 1, 1), 4, 12000) == [5142, 3428, 1714, 1714]  # as asked
    widths = column_widths((8, 1, 3, 1, 1), 5, 12000)
    assert widths[1] == widths[3] == widths[4] == MIN_COLUMN and sum(widths) <= 12000
    assert widths[0] == pytest.approx(8 / 3 * widths[2], abs=2)  # the rest still in proportion
    assert column_widths((1,) * 12, 12, 9000) == [750] * 12  # too many: an equal share
    assert column_widths((), 3, 9000) == column_widths((0, -1, 0), 3, 9000) == [3000] * 3


def test_markup_characters_line_breaks_and_tabs_are_text(tmp_path: Path) -> None:
    odd = 'Fish & chips <b>not bold</b> "quoted" \'single\' ]]>'
    url = "https://example.org/report?a=1&b=<2>"
    draft = Draft(sample_draft().meta, (odd,), (
        Heading(odd, 4),  # deeper than 3: written as Heading 3
        Paragraph((Run(odd, MI), Run("\nsecond line\tafter a tab")), numbered=True,
                  sources=(Source("evidence", odd, url),)),
        Gap(odd, "UPR 1"),
        Table((odd,), ((odd,), (Run(odd, bold=True),)), caption=odd)))
    out = tmp_path / "odd.docx"
    write_docx(draft, out)
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts.count(odd) == 5  # summary line, contents entry, heading, gap, caption
    assert _by_text(doc, odd).style.name == "Caption"
    assert next(p for p in doc.paragraphs if p.text == odd
                and p.style.name.startswith("Heading")).style.name == "Heading 3"
    numbered = next(p for p in doc.paragraphs if p.style.name == NUMBERED)
    assert numbered.text == f"{odd}\nsecond line\tafter a tab"
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [[odd]] * 3
    assert _footnotes(doc)["1"] == f"{odd} — {url}."
    (part,) = [r.target_part for r in doc.part.rels.values() if r.reltype == RT.FOOTNOTES]
    assert [r.target_ref for r in part.rels.values()] == [url]


def test_a_table_first_still_starts_the_body_on_a_new_page(tmp_path: Path) -> None:
    out = tmp_path / "table-first.docx"
    write_docx(Draft(sample_draft().meta, (), (Table(("Reference",), (("UPR 1",),)),)), out)
    body = docx.Document(str(out)).element.body
    (tbl,) = body.xpath("w:tbl")
    before = tbl.getprevious()
    assert before.tag == qn("w:p") and before.xpath("w:pPr/w:pageBreakBefore")


def test_each_list_number_list_counts_from_one(tmp_path: Path) -> None:
    item = lambda text: Paragraph((Run(text),), style="List Number")  # noqa: E731
    out = tmp_path / "lists.docx"
    write_docx(Draft(sample_draft().meta, (), (
        item("a1"), item("a2"), Heading("Between"), item("b1"),
        Paragraph((Run("numbered"),), numbered=True), item("c1"))), out)
    doc = docx.Document(str(out))
    num_of = {p.text: p._p.pPr.numPr.numId.val for p in doc.paragraphs
              if p.style.name == "List Number"}
    assert num_of["a1"] == num_of["a2"]  # one list
    assert len({num_of["a1"], num_of["b1"], num_of["c1"]}) == 3  # three lists
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    (abstract,) = numbering.xpath(f"w:num[@w:numId='{style_num}']/w:abstractNumId/@w:val")
    for num_id in set(num_of.values()):
        (num,) = numbering.xpath(f"w:num[@w:numId='{num_id}']")
        assert num.xpath("string(w:abstractNumId/@w:val)") == abstract  # the style's look
        assert num.xpath("string(w:lvlOverride/w:startOverride/@w:val)") == "1"


def test_ragged_table_rows_are_padded_or_cut_and_named(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    table = Table(("A", "B"), (("1",), ("1", "2", "3")), caption="Ragged")
    out = tmp_path / "ragged.docx"
    with caplog.at_level(logging.WARNING):
        write_docx(Draft(sample_draft().meta, (), (table, Table((), (("x",),)))), out)
    (written,) = docx.Document(str(out)).tables  # the headerless one is left out
    assert [[c.text for c in r.cells] for r in written.rows] == [["A", "B"], ["1", ""],
                                                                 ["1", "2"]]
    assert caplog.text.count("'Ragged'") == 2 and "without a header row" in caplog.text


def test_an_unknown_style_falls_back_to_normal(tmp_path: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    draft = Draft(sample_draft().meta, (), (
        Paragraph((Run("Styled oddly"),), style="No Such Style"),))
    out = tmp_path / "odd.docx"
    with caplog.at_level(logging.WARNING):
        write_docx(draft, out)
    assert _by_text(docx.Document(str(out)), "Styled oddly").style.name == "Normal"
    assert "No Such Style" in caplog.text


def test_an_empty_consultation_draft_is_still_a_document(tmp_path: Path) -> None:
    out = tmp_path / "empty.docx"
    meta = replace(sample_draft().meta, kind=DraftKind.CONSULTATION, public=True)
    write_docx(Draft(meta, ()), out)
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "Prepared for consultation: it holds only what may be published." in texts
    assert read_custom(doc)[KIND] == "consultation"
    assert doc.core_properties.category == "Draft: Consultation draft"
    assert "No gaps: the record holds progress for everything in scope." in texts
    assert not [r for r in doc.part.rels.values() if r.reltype == RT.FOOTNOTES]
    assert doc.settings.element.find(qn("w:footnotePr")) is None
    assert any(p._p.xpath(".//w:instrText[contains(., 'TOC')]") for p in doc.paragraphs)
