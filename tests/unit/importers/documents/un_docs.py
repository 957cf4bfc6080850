"""Builds UN documents for tests, in the layouts the UN uses (python-docx, reportlab).

- `write_matrix`: OHCHR's thematic list of recommendations, 3rd-cycle (`Recommendation |
  Position | Full list of themes | Assessment/comments…`) or 4th-cycle (`Recommendation
  and recommending State | Position of the State under review | Human rights themes and
  groups of persons | Relevant SDGs`) layout, merged "Theme:" rows, "Source of Position".
- `write_report_pdf` / `write_report_docx`: a UPR Working Group report (A/HRC/NN/NN),
  and `write_addendum_pdf` its …/Add.1 with positions by number and ranges.
- `write_co_pdf` / `write_co_docx`: treaty-body concluding observations as CERD writes
  them: first-page masthead, "A. Introduction", "B. Positive aspects", "C. Concerns and
  recommendations" with subheadings, sub-paragraphs, footnotes, the follow-up, particular
  importance and next-report paragraphs; the PDF has running headers (symbol, page
  number), the GE job number, superscript footnote marks and a word hyphenated at a line
  end.

Texts follow the real documents' wording and include te reo Māori with macrons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
)

from nmrf_desktop.paths import resources_dir

FONT = "UnDocsSans"
FONT_BOLD = "UnDocsSans-Bold"


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        fonts = resources_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


# ---------------------------------------------------------------------------- matrix

THEMES = (
    ("Acceptance of international norms", "A12", "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS",
     "Disappeared persons"),
    ("Rights of indigenous peoples", "G3", "10 - REDUCED INEQUALITIES", "Indigenous peoples"),
    ("Right to education", "E51", "4 - QUALITY EDUCATION", "Children"),
)
STATES = ("France", "Lithuania", "Chile", "Peru", "Fiji", "Samoa", "Canada", "Ghana",
          "Islamic Republic of Iran", "United Kingdom of Great Britain and Northern Ireland")


@dataclass
class MatrixRec:
    paragraph: str
    text: str
    states: tuple[str, ...]
    position: str
    theme: str
    sdg: str
    group: str


def matrix_recs(n: int, para: int = 140) -> list[MatrixRec]:
    """`n` recommendations in theme groups; every seventh is Noted, the first has two
    States, the third is a cluster of two States' texts, one text carries te reo Māori."""
    out = []
    for i in range(n):
        theme, _code, sdg, group = THEMES[(i * len(THEMES)) // max(n, 1)]
        states: tuple[str, ...] = (STATES[i % len(STATES)],)
        text = (f"Continue efforts to give effect to recommendation number {i + 1} on "
                f"{theme.lower()}")
        if i == 0:
            states = ("France", "Lithuania")
            text = ("Ratify the International Convention for the Protection of All Persons "
                    "from Enforced Disappearance")
        elif i == 1:
            text = ("Ratify and implement the International Labour Organization’s 2014 "
                    "Protocol to the Forced Labour Convention, 1930 (No. 29)")
            states = ("United Kingdom of Great Britain and Northern Ireland",)
        elif i == 4:
            text = ("Ensure that te reo Māori and tikanga Māori are respected in schools, in "
                    "line with Te Tiriti o Waitangi and the Māori Language Act 2016")
            states = ("Samoa",)
        out.append(MatrixRec(f"{para}.{i + 1}", text, states,
                             "Noted" if i % 7 == 6 else "Supported", theme, sdg, group))
    return out


def _merge_row(table, row_index: int, text: str) -> None:  # type: ignore[no-untyped-def]
    row = table.rows[row_index]
    merged = row.cells[0].merge(row.cells[-1])
    merged.text = text


def write_matrix(path: Path, recs: Sequence[MatrixRec], *, cycle: int = 3,
                 country: str = "New Zealand", session: int = 32,
                 report: str = "A/HRC/41/4") -> Path:
    """The thematic list of recommendations in the layout of `cycle` (3: the 2nd–3rd
    cycle's, 4: the 4th's). States in separate parentheses; the 3rd recommendation is a
    cluster "X (Chile); Y (Peru);" as OHCHR merges identical ones."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = (
        f"UPR of {country} ({cycle}rd Cycle - {session}th Session)\t\t\tThematic list of "
        "recommendations\t\t\t\tPage 1 of 9" if cycle == 3 else
        f"UPR of {country} ({cycle}th Cycle - {session}th Session)\t\t\tThematic list of "
        "recommendations*\t\t\t\tPage 1 of 9")
    header = (("Recommendation", "Position", "Full list of themes",
               "Assessment/comments on level of implementation") if cycle == 3 else
              ("Recommendation and recommending State", "Position of the State under review",
               "Human rights themes and groups of persons", "Relevant SDGs"))
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    theme = None
    for k, rec in enumerate(recs):
        if rec.theme != theme:
            theme = rec.theme
            table.add_row()
            _merge_row(table, len(table.rows) - 1, f"Theme: {theme}")
        states = " ".join(f"({s})" for s in rec.states)
        text = f"{rec.paragraph} {rec.text} {states};"
        if k == 2:
            text = (f"{rec.paragraph} {rec.text} (Chile); Consider ratifying the same "
                    "instrument (Peru);")
        source = f"{report} - Para {rec.paragraph.split('.')[0]}" if k < 2 else \
            f"{report}/Add.1 - Para.3" if rec.position == "Supported" else \
            f"{report}/Add.1 - Para.5"
        cells = table.add_row().cells
        cells[0].text = f"{text}\nSource of Position: {source}"
        cells[1].text = rec.position
        if cycle == 3:
            cells[2].text = (f"- {rec.theme}\n- Equality & non-discrimination\nSDGs: \n"
                             f"- {rec.sdg}\nAffected persons: \n- {rec.group}")
            cells[3].text = ""
        else:
            cells[2].text = (f"- {rec.theme}\n- Equality & non-discrimination\n"
                             f"Groups of Persons: \n- {rec.group}\n- Public officials")
            cells[3].text = f"- {rec.sdg}\n- 5 - GENDER EQUALITY"
    document.save(path)
    return path


# ------------------------------------------------------------------ PDF scaffolding

@dataclass
class _Doc:
    symbol: str
    job: str
    notes: dict[int, list[str]] = field(default_factory=dict)


class _Notes(Flowable):
    """Takes no room; the footnotes of the paragraph before it are drawn at the foot of
    the page it lands on."""

    def __init__(self, notes: Sequence[str], doc: _Doc) -> None:
        super().__init__()
        self._notes, self._doc = list(notes), doc

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._doc.notes.setdefault(self.canv.getPageNumber(), []).extend(self._notes)


def _noted(text: str, style: ParagraphStyle, notes: Sequence[str], doc: _Doc
           ) -> list[Flowable]:
    return [Paragraph(text, style), _Notes(notes, doc)] if notes else [Paragraph(text, style)]


def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=12, spaceAfter=6,
                          leftIndent=20 * mm, rightIndent=10 * mm)
    return {
        "body": base,
        "sub": ParagraphStyle("sub", parent=base, leftIndent=30 * mm),
        "rec": ParagraphStyle("rec", parent=base, leftIndent=30 * mm, firstLineIndent=-10 * mm),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15,
                             leftIndent=10 * mm, spaceBefore=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, spaceBefore=4),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14,
                                leading=17, leftIndent=10 * mm),
        "mast": ParagraphStyle("mast", parent=base, leftIndent=0, spaceAfter=2),
    }


def _build_pdf(path: Path, flow: list, meta: _Doc) -> Path:  # type: ignore[type-arg]
    def page_end(canv, doc) -> None:  # type: ignore[no-untyped-def]
        number = canv.getPageNumber()
        canv.saveState()
        canv.setFont(FONT, 9)
        if number > 1:  # the running header: symbol, page number, job number
            canv.drawString(20 * mm, A4[1] - 15 * mm, meta.symbol)
            canv.drawString(20 * mm, A4[1] - 19 * mm, f"{number} {meta.job}")
        else:
            canv.drawString(20 * mm, 12 * mm, f"{meta.job}(E)")
        y = 28 * mm
        for note in reversed(meta.notes.get(number, [])):
            canv.setFont(FONT, 8)
            canv.drawString(30 * mm, y, note)
            y += 4 * mm
        canv.restoreState()

    doc = BaseDocTemplate(str(path), pagesize=A4, topMargin=25 * mm, bottomMargin=45 * mm)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=page_end)])
    doc.build(flow)
    return path


def _mast(styles: dict[str, ParagraphStyle], lines: Sequence[str]) -> list:  # type: ignore[type-arg]
    return [Paragraph(line, styles["mast"]) for line in lines]


# ------------------------------------------------------------------- concluding obs.

@dataclass
class CoItem:
    kind: str  # "h1" (lettered), "h2" (subheading), "para"
    text: str
    subs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # footnote texts; the paragraph's text marks them ¹ ² …


CERD_SYMBOL = "CERD/C/NZL/CO/21-22"
CERD_DATE = "22 September 2017"


def co_items(extra_sections: int = 0) -> list[CoItem]:
    """CERD's concluding observations on New Zealand as they are laid out, shortened; with
    `extra_sections` more concern/recommendation pairs to make the document longer. The
    closing paragraphs name paragraphs 8 (a) and (b), 12 and 20 (a) for follow-up and 6,
    10 and 14 as of particular importance (with the default length)."""
    items = [
        CoItem("para", "The Committee considered the combined twenty-first and twenty-second "
               "periodic reports of New Zealand (CERD/C/NZL/21-22), submitted in one document, "
               "at its 2568th and 2569th meetings, held on 15 and 16 August 2017. At its 2578th "
               "to 2580th meetings, held on 22 and 23 August 2017, it adopted the present "
               "concluding observations."),
        CoItem("h1", "A.\tIntroduction"),
        CoItem("para", "The Committee welcomes the submission of the combined periodic reports "
               "of the State party and the open and constructive dialogue with its "
               "delegation."),
        CoItem("h1", "B.\tPositive aspects"),
        CoItem("para", "The Committee commends the State party for:",
               ("Acknowledging that social inequities exist today between racial groups;",
                "Adopting the Te Awa Tupua (Whanganui River Claims Settlement) Act 2017.")),
        CoItem("para", "The Committee also welcomes the Māori Language Act 2016 (Te Ture mō "
               "Te Reo Māori 2016) and encourages the State party to continue its efforts to "
               "revitalize te reo Māori."),
        CoItem("h1", "C.\tConcerns and recommendations"),
        CoItem("h2", "Statistics"),
        CoItem("para", "The Committee regrets the lack of disaggregated data on the "
               "participation of Māori and Pasifika in the labour market."),
        CoItem("para", "The Committee recommends that the State party:",
               ("Collect and publish data disaggregated by ethnicity, gender and age;",
                "Use those data to design targeted measures for Māori and Pasifika.")),
        CoItem("h2", "Te Tiriti o Waitangi"),
        CoItem("para", "The Committee is concerned that the Treaty of Waitangi is not "
               "incorporated in the State party’s constitutional framework.¹",
               notes=("¹ See CERD/C/NZL/CO/18-20, para. 12.",)),
        CoItem("para", "Recalling its previous recommendation,² the Committee recommends "
               "that the State party:",
               ("Establish a process to ensure that Te Tiriti o Waitangi is given full "
                "legal effect, in consultation with iwi and hapū;",
                "Take measures to ensure the imple-<br/>mentation of the recommendations of "
                "the Constitutional Advisory Panel;",
                "Report on progress in its next periodic report."),
               notes=("² CERD/C/NZL/CO/18-20, para. 13.",)),
        CoItem("h2", "Indigenous rights of Māori"),
        CoItem("para", "The Committee is concerned about the continued over-representation of "
               "Māori in the criminal justice system."),
        CoItem("para", "The Committee urges the State party to adopt a strategy, with "
               "targets, to reduce the over-representation of Māori at every stage of the "
               "criminal justice system, in partnership with Māori."),
        CoItem("h2", "Hate speech"),
        CoItem("para", "The Committee is concerned at reports of racist hate speech online."),
        CoItem("para", "The Committee recommends that the State party:",
               ("Review its legislation on hate speech in the light of general "
                "recommendation No.\u00a035 (2013);",
                "Ensure that complaints are investigated and, where appropriate, "
                "prosecuted.")),
        CoItem("h2", "Migrant workers"),
        CoItem("para", "The Committee calls upon the State party to protect migrant workers "
               "from exploitation, including in the horticulture and dairy sectors, and to "
               "ensure their access to remedies."),
    ]
    for k in range(extra_sections):
        items += [
            CoItem("h2", f"Access to services in region {k + 1}"),
            CoItem("para", "The Committee notes with concern reports that Māori, Pasifika and "
                   "ethnic minorities face barriers in access to health care, housing and "
                   "education in some regions, and that the data on those barriers are not "
                   "collected in a consistent manner across the State party. " * 2),
            CoItem("para", "The Committee recommends that the State party:",
                   ("Assess the barriers faced by Māori and Pasifika in access to health "
                    "care, housing and education, with their participation;",
                    "Allocate adequate resources to the measures taken to remove them;",
                    "Monitor the results and publish them regularly.")),
        ]
    items += [
        CoItem("h1", "D.\tOther recommendations"),
        CoItem("h2", "Ratification of other treaties"),
        CoItem("para", "The Committee encourages the State party to consider ratifying the "
               "International Convention on the Protection of the Rights of All Migrant "
               "Workers and Members of Their Families."),
        CoItem("h2", "Dissemination of information"),
        CoItem("para", "The Committee recommends that the State party’s reports be made "
               "readily available to the public in the official languages, including te reo "
               "Māori."),
    ]
    return items


def _closing(numbers: dict[str, int]) -> list[CoItem]:
    f = numbers
    return [
        CoItem("h2", "Follow-up to the present concluding observations"),
        CoItem("para", "In accordance with article 9 (1) of the Convention and rule 65 of its "
               "rules of procedure, the Committee requests the State party to provide, within "
               "one year of the adoption of the present concluding observations, information "
               f"on its implementation of the recommendations contained in paragraphs "
               f"{f['treaty']} (a) and (b), {f['justice']} and {f['hate']} (a) above."),
        CoItem("h2", "Paragraphs of particular importance"),
        CoItem("para", "The Committee wishes to draw the attention of the State party to the "
               "particular importance of the recommendations contained in paragraphs "
               f"{f['statistics']}, {f['hate']} and {f['migrants']} above and requests the "
               "State party to provide detailed information in its next periodic report on "
               "the concrete measures taken to implement those recommendations."),
        CoItem("h2", "Preparation of the next periodic report"),
        CoItem("para", "The Committee recommends that the State party submit its combined "
               "twenty-third and twenty-fourth periodic reports, as a single document, by "
               "22 December 2020, taking into account the reporting guidelines adopted by "
               "the Committee during its seventy-first session (CERD/C/2007/1) and "
               "addressing all the points raised in the present concluding observations."),
    ]


@dataclass
class CoDocument:
    """What was written: the items with their paragraph numbers, for the tests."""

    items: list[tuple[int, CoItem]]
    numbers: dict[str, int]

    def number_of(self, start: str) -> int:
        return next(n for n, item in self.items if item.kind == "para"
                    and item.text.startswith(start))


def co_document(extra_sections: int = 0) -> CoDocument:
    items = co_items(extra_sections)
    numbered: list[tuple[int, CoItem]] = []
    n = 0
    for item in items:
        if item.kind == "para":
            n += 1
        numbered.append((n if item.kind == "para" else 0, item))

    def find(start: str) -> int:
        return next(k for k, item in numbered if item.kind == "para"
                    and item.text.startswith(start))
    numbers = {"statistics": find("The Committee recommends that the State party:"),
               "treaty": find("Recalling its previous"), "justice": find("The Committee urges"),
               "hate": [k for k, i in numbered if i.kind == "para" and i.subs
                        and i.text.startswith("The Committee recommends")][1],
               "migrants": find("The Committee calls upon")}
    for item in _closing(numbers):
        if item.kind == "para":
            n += 1
        numbered.append((n if item.kind == "para" else 0, item))
    return CoDocument(numbered, numbers)


_MAST = ("United Nations", CERD_SYMBOL,
         "International Convention on the Elimination of All Forms of Racial Discrimination",
         "Distr.: General", CERD_DATE, "Original: English")
_TITLE = ("Committee on the Elimination of Racial Discrimination",
          "Concluding observations on the combined twenty-first and twenty-second periodic "
          "reports of New Zealand*")
_STAR = "* Adopted by the Committee at its ninety-third session (31 July–25 August 2017)."


def write_co_pdf(path: Path, extra_sections: int = 0) -> CoDocument:
    styles = _styles()
    meta = _Doc(CERD_SYMBOL, "GE.17-16563")
    co = co_document(extra_sections)
    flow: list = _mast(styles, _MAST)  # type: ignore[type-arg]
    flow += [Spacer(1, 4 * mm), Paragraph(_TITLE[0], styles["h1"]),
             *_noted(_TITLE[1], styles["title"], [_STAR], meta)]
    for number, item in co.items:
        if item.kind == "h1":
            letter, text = item.text.split("\t")
            flow.append(Paragraph(f"{letter}&nbsp;&nbsp;&nbsp;{text}", styles["h1"]))
        elif item.kind == "h2":
            flow.append(Paragraph(item.text, styles["h2"]))
        else:
            text = item.text
            for mark in "¹²":
                text = text.replace(mark, f"<super>{'¹²'.index(mark) + 1}</super>")
            notes = [n.replace("¹", "1").replace("²", "2") for n in item.notes]
            flow += _noted(f"{number}.\u00a0\u00a0{text}", styles["body"], notes, meta)
            for k, sub in enumerate(item.subs):
                flow.append(Paragraph(f"({chr(97 + k)})\u00a0\u00a0{sub}", styles["sub"]))
    _build_pdf(path, flow, meta)
    return co


def write_co_docx(path: Path, extra_sections: int = 0) -> CoDocument:
    """The same document as Word writes it: numbers typed before a tab, the symbol in
    the page header, the masthead in paragraphs."""
    co = co_document(extra_sections)
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = CERD_SYMBOL
    for line in _MAST + _TITLE:
        document.add_paragraph(line)
    document.add_paragraph(_STAR)
    for number, item in co.items:
        text = item.text.replace("¹", "").replace("²", "").replace("<br/>", "")
        if item.kind in ("h1", "h2"):
            document.add_paragraph(text)
        else:
            document.add_paragraph(f"{number}.\t{text}")
            for k, sub in enumerate(item.subs):
                document.add_paragraph(f"({chr(97 + k)})\t{sub.replace('-<br/>', '')}")
    document.save(path)
    return co


# ------------------------------------------------------------- Working Group report

REPORT_SYMBOL = "A/HRC/41/4"
REPORT_RECS = (
    ("140.1", "Ratify the International Convention for the Protection of All Persons from "
     "Enforced Disappearance", ("France", "Lithuania")),
    ("140.2", "Ratify and implement the International Labour Organization’s 2014 Protocol "
     "to the Forced Labour Convention, 1930 (No. 29)",
     ("United Kingdom of Great Britain and Northern Ireland",)),
    ("141.1", "Continue to give effect to Te Tiriti o Waitangi, including through the "
     "Waitangi Tribunal and in partnership with Māori", ("Fiji",)),
    ("141.2", "Consider ratifying the International Convention on the Protection of the "
     "Rights of All Migrant Workers and Members of Their Families", ("Chile", "Peru")),
    ("141.3", "Strengthen measures to reduce the over-representation of Māori in the "
     "criminal justice system", ("Islamic Republic of Iran",)),
    ("141.4", "Raise the minimum age of criminal responsibility", ("Samoa",)),
)


def _report_paragraphs() -> list[tuple[str, str]]:
    """(style, text) of the report from its introduction to the annex."""
    out = [("h1", "Introduction"),
           ("body", "1.\u00a0\u00a0The Working Group on the Universal Periodic Review, "
            "established in accordance with Human Rights Council resolution 5/1, held its "
            "thirty-second session from 21 January to 1 February 2019. The review of New "
            "Zealand was held at the 9th meeting, on 22 January 2019."),
           ("h1", "II.\u00a0\u00a0Conclusions and/or recommendations"),
           ("body", "140.\u00a0\u00a0The recommendations formulated during the interactive "
            "dialogue/listed below have been examined by New Zealand and enjoy the support "
            "of New Zealand:")]
    for number, text, states in REPORT_RECS[:2]:
        out.append(("rec", f"{number}\u00a0\u00a0{text} {' '.join(f'({s})' for s in states)};"))
    out.append(("body", "141.\u00a0\u00a0The following recommendations will be examined by "
                "New Zealand, which will provide responses in due time, but no later than the "
                "forty-first session of the Human Rights Council:"))
    for number, text, states in REPORT_RECS[2:]:
        end = "." if number == REPORT_RECS[-1][0] else ";"
        out.append(("rec", f"{number}\u00a0\u00a0{text} {' '.join(f'({s})' for s in states)}{end}"))
    out.append(("body", "142.\u00a0\u00a0All conclusions and/or recommendations contained in "
                "the present report reflect the position of the submitting State(s) and/or "
                "the State under review. They should not be construed as endorsed by the "
                "Working Group as a whole."))
    out.append(("h1", "Annex"))
    out.append(("body", "Composition of the delegation"))
    return out


_REPORT_MAST = ("Human Rights Council", "Forty-first session", "24 June–12 July 2019",
                "Agenda item 6", "Universal periodic review",
                "Report of the Working Group on the Universal Periodic Review*", "New Zealand",
                "* The annex is being circulated without formal editing.",
                f"United Nations {REPORT_SYMBOL}", "General Assembly Distr.: General",
                "1 April 2019", "Original: English")


def write_report_pdf(path: Path) -> Path:
    styles = _styles()
    meta = _Doc(REPORT_SYMBOL, "GE.19-05432")
    flow: list = _mast(styles, _REPORT_MAST)  # type: ignore[type-arg]
    for style, text in _report_paragraphs():
        flow.append(Paragraph(text, styles[style]))
    return _build_pdf(path, flow, meta)


def write_report_docx(path: Path) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = REPORT_SYMBOL
    for line in _REPORT_MAST:
        document.add_paragraph(line)
    for _style, text in _report_paragraphs():
        document.add_paragraph(text.replace("\u00a0\u00a0", "\t", 1))
    document.save(path)
    return path


ADDENDUM_SYMBOL = f"{REPORT_SYMBOL}/Add.1"


def write_addendum_pdf(path: Path) -> Path:
    """The addendum: positions by number, with a range and a reply under its own number."""
    styles = _styles()
    meta = _Doc(ADDENDUM_SYMBOL, "GE.19-09876")
    mast = [*_REPORT_MAST[:6], "New Zealand", "Addendum",
                                     "Views on conclusions and/or recommendations, voluntary "
                                     "commitments and replies presented by the State under "
                                     "review", f"United Nations {ADDENDUM_SYMBOL}",
                                     "General Assembly Distr.: General", "12 June 2019"]
    flow: list = _mast(styles, mast)  # type: ignore[type-arg]
    for style, text in (
            ("body", "1.\u00a0\u00a0New Zealand received 6 recommendations, of which 2 were "
             "immediately supported. New Zealand sets out its position on the remaining 4 "
             "recommendations."),
            ("h2", "Accepted recommendations"),
            ("body", "2.\u00a0\u00a0The Government accepts the following recommendations "
             "141.1, 141.3-4."),
            ("body", "141.1"),
            ("body", "The Government works with iwi and hapū through the Waitangi Tribunal."),
            ("h2", "Noted recommendations"),
            ("body", "3.\u00a0\u00a0The Government notes recommendation 141.2 and wishes to "
             "provide the following information.")):
        flow.append(Paragraph(text, styles[style]))
    return _build_pdf(path, flow, meta)


def page_break(document) -> None:  # type: ignore[no-untyped-def]
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def auto_numbered_docx(path: Path, texts: Sequence[str]) -> Path:
    """Paragraphs numbered by Word ("1.", "2.") rather than typed, as some COs are."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "77")
    for level, (fmt, text) in enumerate((("decimal", "%1."), ("lowerLetter", "(%2)"))):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "77")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "77")
    num.append(ref)
    numbering.append(num)
    for text in texts:
        level = 1 if text.startswith("  ") else 0
        p = document.add_paragraph(text.strip())
        ppr = p._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", str(level)), ("w:numId", "77")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), value)
            num_pr.append(el)
        ppr.append(num_pr)
    document.save(path)
    return path


def write_short_co_docx(path: Path, paragraphs: Sequence[str], *,
                        symbol: str = "CEDAW/C/NZL/CO/8", date: str = "25 July 2018",
                        title: str = "Concluding observations on the eighth periodic report "
                                     "of New Zealand*") -> Path:
    """A short concluding-observations .docx: masthead, then numbered `paragraphs` (a
    paragraph starting "#" is an unnumbered heading)."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = symbol
    for line in ("United Nations", symbol, "Distr.: General", date, "Original: English",
                 title):
        document.add_paragraph(line)
    n = 0
    for text in paragraphs:
        if text.startswith("#"):
            document.add_paragraph(text[1:].strip())
        else:
            n += 1
            document.add_paragraph(f"{n}.\t{text}")
    document.save(path)
    return path
