"""Fonts (embedded DejaVu, full te reo Māori macron coverage), colours and paragraph styles."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from nmrf_desktop.paths import resources_dir

SANS = "NMRFSans"
SANS_BOLD = "NMRFSans-Bold"
SANS_ITALIC = "NMRFSans-Oblique"
MONO = "NMRFMono"
# Every table names its cell font: reportlab's default is Helvetica, which is not embedded.
CELL_FONT = ("FONT", (0, 0), (-1, -1), SANS)

NAVY = colors.HexColor("#1F3A5F")
TEAL = colors.HexColor("#2A7F8E")
GREY = colors.HexColor("#5A6572")
RULE = colors.HexColor("#C9D1DB")
TINT = colors.HexColor("#EEF2F6")

# One colour per implementation status (and "No update"), used by charts and status chips.
STATUS_COLOURS: dict[str, colors.Color] = {
    "implemented": colors.HexColor("#2E7D4F"),
    "partially_implemented": colors.HexColor("#7FB069"),
    "in_progress": colors.HexColor("#2A7F8E"),
    "ongoing": colors.HexColor("#5B8DB8"),
    "not_started": colors.HexColor("#E0A030"),
    "no_further_action": colors.HexColor("#8C8C8C"),
    "none": colors.HexColor("#C9D1DB"),
}


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def long_date(value: object) -> str:
    """'1 July 2025' (no leading zero, as New Zealand government documents write it), in
    English whatever the machine's locale (strftime's %B follows it)."""
    day: dt.date = value  # type: ignore[assignment]
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def human(value: str | None, empty: str = "No update") -> str:
    """'supported_in_part' -> 'Supported in part'; None -> `empty`."""
    if not value or value == "none":
        return empty
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


@functools.cache
def register_fonts() -> None:
    """Register the bundled TTF fonts once; reportlab embeds (subsets of) them in each PDF."""
    folder = resources_dir() / "fonts"
    for name, file in ((SANS, "DejaVuSans.ttf"), (SANS_BOLD, "DejaVuSans-Bold.ttf"),
                       (SANS_ITALIC, "DejaVuSans-Oblique.ttf"), (MONO, "DejaVuSansMono.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC,
                                  boldItalic=SANS_BOLD)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    number: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    head_right: ParagraphStyle
    mono: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    rec: ParagraphStyle
    cover_title: ParagraphStyle
    cover_sub: ParagraphStyle
    cover_line: ParagraphStyle


@functools.cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, alignment=TA_LEFT,
                          textColor=colors.black)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, textColor=GREY),
        small_right=ParagraphStyle("smallr", parent=body, fontSize=8, leading=10.5,
                                   textColor=GREY, alignment=TA_RIGHT),
        number=ParagraphStyle("num", parent=body, fontSize=8, leading=10.5, alignment=TA_RIGHT),
        label=ParagraphStyle("label", parent=body, fontName=SANS_BOLD, fontSize=7.5,
                             leading=10, textColor=GREY),
        cell=ParagraphStyle("cell", parent=body, fontSize=8, leading=10.5),
        cell_bold=ParagraphStyle("cellb", parent=body, fontName=SANS_BOLD, fontSize=8,
                                 leading=10.5, textColor=colors.white),
        head_right=ParagraphStyle("hr", parent=body, fontName=SANS_BOLD, fontSize=8,
                                  leading=10.5, textColor=colors.white, alignment=TA_RIGHT),
        mono=ParagraphStyle("mono", parent=body, fontName=MONO, fontSize=6.5, leading=8.5),
        h1=ParagraphStyle("h1", parent=body, fontName=SANS_BOLD, fontSize=16, leading=20,
                          textColor=NAVY, spaceBefore=4, spaceAfter=8),
        h2=ParagraphStyle("h2", parent=body, fontName=SANS_BOLD, fontSize=12, leading=15,
                          textColor=NAVY, spaceBefore=10, spaceAfter=6),
        rec=ParagraphStyle("rec", parent=body, fontName=SANS_BOLD, fontSize=10.5, leading=13,
                           textColor=NAVY),
        cover_title=ParagraphStyle("ct", parent=body, fontName=SANS_BOLD, fontSize=26,
                                   leading=32, textColor=NAVY, spaceAfter=10),
        cover_sub=ParagraphStyle("cs", parent=body, fontSize=14, leading=18, textColor=TEAL,
                                 spaceAfter=24),
        cover_line=ParagraphStyle("cl", parent=body, fontSize=10, leading=14),
    )


def esc(text: object) -> str:
    """Text made safe for a Paragraph (its mini-markup treats <, > and & specially)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))
