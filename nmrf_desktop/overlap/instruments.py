"""Instruments named in recommendations, and the asks about them ('ratify ICRMW').

Patterns run on folded text, most specific first; a matched span is blanked so that
'Optional Protocol to the CRC on ...' is never also read as the CRC itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nmrf_desktop.overlap.text import fold

_CRC = r"(?:the\s+)?(?:convention\s+on\s+the\s+rights\s+of\s+the\s+child|crc)"
_OP = r"(?:(?:first|second|third|1st|2nd|3rd|remaining|both|two|three)\s+)?optional\s+protocols?"
_ICCPR = (r"(?:the\s+)?(?:international\s+covenant\s+on\s+civil\s+and\s+political\s+rights|"
          r"iccpr)")
# UPR Info often drops "International": "the Optional Protocol to the Covenant on …".
_ICESCR = (r"(?:the\s+)?(?:(?:international\s+)?covenant\s+on\s+economic,?\s+social\s+and\s+"
           r"cultural\s+rights|icescr)")
_CAT = (r"(?:the\s+)?(?:convention\s+against\s+torture(?:\s+and\s+other\s+cruel,?\s+inhuman\s+"
        r"or\s+degrading\s+treatment\s+or\s+punishment)?|cat)")
_CEDAW = (r"(?:the\s+)?(?:convention\s+on\s+the\s+elimination\s+of\s+all\s+forms\s+of\s+"
          r"discrimination\s+against\s+women|cedaw)")
_CRPD = (r"(?:the\s+)?(?:convention\s+on\s+the\s+rights\s+of\s+persons\s+with\s+"
         r"disabilities|c[pr][pr]d)")


@dataclass(frozen=True, slots=True)
class Instrument:
    code: str
    label: str
    pattern: str
    declaration: bool = False


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("OP-CRC-IC", "Optional Protocol to the CRC on a communications procedure",
               rf"{_OP}\s+to\s+{_CRC}\s+on\s+(?:a\s+)?communications?(?:\s+procedure)?"
               r"|op-?crc-?ic|opic\b|communications?\s+procedure\s+(?:under|to)\s+" + _CRC
               # UPR Info's "Optional Protocol to the Rights of the Child on a communications
               # procedure" (the Convention left unnamed)
               + rf"|{_OP}\s+to\s+the\s+rights\s+of\s+the\s+child\s+on\s+(?:a\s+)?"
               r"communications?"),
    Instrument("OP-CRC-SC", "Optional Protocol to the CRC on the sale of children",
               rf"{_OP}\s+to\s+{_CRC}\s+on\s+the\s+sale\s+of\s+children|op-?crc-?sc\b"
               r"|opsc\b|sale\s+of\s+children,\s+child\s+prostitution"),
    Instrument("OP-CRC-AC", "Optional Protocol to the CRC on children in armed conflict",
               rf"{_OP}\s+to\s+{_CRC}\s+on\s+the\s+involvement|op-?crc-?ac\b|opac\b"
               r"|involvement\s+of\s+children\s+in\s+armed\s+conflict"),
    Instrument("ICCPR-OP2", "Second Optional Protocol to the ICCPR (death penalty)",
               rf"second\s+optional\s+protocol\s+to\s+{_ICCPR}|iccpr-?op-?2|op2-?iccpr"
               r"|optional\s+protocol[^.;]{0,80}abolition\s+of\s+the\s+death\s+penalty"),
    Instrument("ICCPR-OP1", "First Optional Protocol to the ICCPR",
               rf"(?:first\s+)?optional\s+protocol\s+to\s+{_ICCPR}|iccpr-?op-?1"),
    Instrument("OP-ICESCR", "Optional Protocol to the ICESCR",
               rf"optional\s+protocol\s+to\s+{_ICESCR}|op-?icescr"),
    Instrument("OP-CAT", "Optional Protocol to the Convention against Torture",
               rf"optional\s+protocol\s+to\s+{_CAT}|op-?cat\b"),
    Instrument("OP-CEDAW", "Optional Protocol to CEDAW",
               rf"optional\s+protocol\s+to\s+{_CEDAW}|op-?cedaw"),
    Instrument("OP-CRPD", "Optional Protocol to the CRPD",
               rf"optional\s+protocol\s+to\s+{_CRPD}|op-?c[pr][pr]d"),
    Instrument("CED", "Convention for the Protection of All Persons from Enforced Disappearance",
               r"enforced\s+disappearances?|\bi?c?p?ced\b|icpped|\bcped\b"),
    Instrument("ICRMW", "Migrant Workers Convention (ICRMW)",
               r"migrant\s+workers\s+and\s+(?:members\s+of\s+)?their\s+families"
               r"|rights\s+of\s+(?:all\s+)?migrant\s+workers|icrmw|\bicmw\b|\bcmw\b"
               r"|migrant\s+workers(?:'|\s)\s*convention"),
    Instrument("ILO-169", "ILO Indigenous and Tribal Peoples Convention No. 169",
               r"(?:ilo\s+)?convention\s+(?:no\.?\s*|number\s+)?169|ilo\s*(?:no\.?\s*)?169"
               r"|indigenous\s+and\s+tribal\s+peoples\s+convention"),
    Instrument("ILO-189", "ILO Domestic Workers Convention No. 189",
               r"(?:ilo\s+)?convention\s+(?:no\.?\s*)?189|ilo\s*(?:no\.?\s*)?189"
               r"|domestic\s+workers\s+convention"),
    Instrument("ILO-CORE", "ILO fundamental conventions",
               r"(?:fundamental|core)\s+(?:ilo\s+|labour\s+)?conventions\s+of\s+the\s+(?:ilo|"
               r"international\s+labou?r\s+organi[sz]ation)|(?:ilo|international\s+labou?r\s+"
               r"organi[sz]ation(?:\s+\(ilo\))?)\s+(?:fundamental|core)\s+conventions"),
    Instrument("STATELESS-1954", "1954 Convention relating to the Status of Stateless Persons",
               r"(?:1954\s+)?convention\s+relating\s+to\s+the\s+status\s+of\s+stateless"),
    Instrument("STATELESS-1961", "1961 Convention on the Reduction of Statelessness",
               r"(?:1961\s+)?convention\s+on\s+the\s+reduction\s+of\s+statelessness"),
    Instrument("REFUGEES", "1951 Refugee Convention and its 1967 Protocol",
               r"(?:1951\s+)?convention\s+relating\s+to\s+the\s+status\s+of\s+refugees"
               r"|1967\s+protocol"),
    Instrument("ROME", "Rome Statute of the International Criminal Court",
               r"rome\s+statute|statute\s+of\s+the\s+international\s+criminal\s+court"),
    Instrument("ATT", "Arms Trade Treaty", r"arms\s+trade\s+treaty"),
    Instrument("PALERMO", "Palermo Protocol on trafficking in persons",
               r"palermo\s+protocol|protocol\s+to\s+prevent,\s+suppress\s+and\s+punish"),
    Instrument("CADE", "UNESCO Convention against Discrimination in Education",
               r"convention\s+against\s+discrimination\s+in\s+education"),
    Instrument("UNDRIP", "UN Declaration on the Rights of Indigenous Peoples",
               r"declaration\s+on\s+the\s+rights\s+of\s+indigenous\s+peoples|undrip",
               declaration=True),
    Instrument("DURBAN", "Durban Declaration / Durban Review Conference outcome",
               r"durban", declaration=True),
    Instrument("CRPD", "Convention on the Rights of Persons with Disabilities", _CRPD),
    Instrument("CAT", "Convention against Torture", _CAT),
    Instrument("CEDAW", "Convention on the Elimination of Discrimination against Women", _CEDAW),
    Instrument("ICESCR", "International Covenant on Economic, Social and Cultural Rights",
               _ICESCR),
    Instrument("ICCPR", "International Covenant on Civil and Political Rights", _ICCPR),
    Instrument("CRC", "Convention on the Rights of the Child", _CRC),
    Instrument("ICERD", "Convention on the Elimination of Racial Discrimination",
               r"(?:the\s+)?(?:international\s+)?convention\s+on\s+the\s+elimination\s+of\s+all"
               r"\s+forms\s+of\s+racial\s+discrimination|i?cerd"),
)
_COMPILED = tuple((i, re.compile(rf"\b(?:{i.pattern})")) for i in INSTRUMENTS)
# Any instrument at all: one scan that most texts (which name none) stop at.
_ANY = re.compile(r"\b(?:" + "|".join(f"(?:{i.pattern})" for i in INSTRUMENTS) + ")")
BY_CODE = {i.code: i for i in INSTRUMENTS}

# Verb families, matched on folded text before an instrument's mention.
_RATIFY = re.compile(r"\b(?:ratif\w*|accede\w*|accession|adhere\w*|adhesion|sign(?:s|ed|ing"
                     r"|ature)?|become\s+(?:a\s+)?(?:state\s+)?party|becoming\s+(?:a\s+)?"
                     r"(?:state\s+)?party|join\w*|acceding)\b")
_ENDORSE = re.compile(r"\b(?:endorse\w*|support\w*|adopt\w*|sign\w*|join\w*|accept\w*)\b")
_IMPLEMENT = re.compile(r"\b(?:implement\w*|give\s+(?:full\s+)?effect|appl(?:y|ication))\b")
# Any verb that governs an instrument mention: the nearest one before it decides the ask
# ("ratify the CED and implement the CRC" asks to ratify the CED only).
_GOVERNING = re.compile(
    _RATIFY.pattern + "|" + _ENDORSE.pattern + "|" + _IMPLEMENT.pattern
    + r"|\b(?:incorporat\w*|compl(?:y|iance|ies)|withdraw\w*|reservations?|harmoni\w*|"
    r"conformity|accordance|provisions|obligations|recommend\w*|report\w*|observations|"
    r"under|enshrined)\b")
_JOINED = re.compile(r"\s*(?:,|and|or|and/or)?\s*")
_COMPLAINTS = re.compile(r"article\s+14\b[^.;]{0,60}\b(?:icerd|racial\s+discrimination)"
                         r"|individual\s+complaints?\s+procedure[^.;]{0,40}article\s+14")
# "... ratifying other international instruments, in particular the CPED": a list after it.
_REMAINING_LIST = re.compile(r"\b(?:ratif\w*|accede|accession)\b[^.;]{0,80}\bin\s+particular\b")
_REMAINING = re.compile(
    r"\b(?:ratif\w*|accede|accession|sign)\b[^.;]{0,90}?\b(?:all|remaining|other|several|"
    r"outstanding|core|main|relevant|pending)\b[^.;]{0,40}?\b(?:instruments|treaties|"
    r"conventions|statutes|protocols)\b")


@dataclass(frozen=True, slots=True, order=True)
class Ask:
    """An action on an instrument: verb family ('ratify', 'endorse', 'implement') + code."""

    verb: str
    code: str

    @property
    def key(self) -> str:
        return f"{self.verb}:{self.code}"

    def describe(self) -> str:
        if self.code == "ANY":
            return "ratify the remaining international instruments"
        if self.code == "ICERD-14":
            return "accept the individual complaints procedure (article 14 ICERD)"
        return f"{self.verb} the {BY_CODE[self.code].label}"


def mentions(text: str) -> list[tuple[int, Instrument]]:
    """(position, instrument) for each instrument named in the text, in order."""
    folded = fold(text)
    found: list[tuple[int, Instrument]] = []
    for instrument, pattern in _COMPILED:
        def blank(m: re.Match[str], inst: Instrument = instrument) -> str:
            found.append((m.start(), inst))
            return " " * (m.end() - m.start())
        folded = pattern.sub(blank, folded)
    found.sort(key=lambda x: x[0])
    return found


def asks(text: str) -> tuple[Ask, ...]:
    """The instrument asks a recommendation makes, sorted; () when it makes none."""
    folded = fold(text)
    out: set[Ask] = set()
    for pos, inst in mentions(text) if _ANY.search(folded) else ():
        found = list(_GOVERNING.finditer(folded, 0, pos))
        if not found:
            continue
        # The last verb, and the one before when they are joined ("ratify and implement").
        verbs = [found[-1].group(0)]
        if len(found) > 1 and _JOINED.fullmatch(folded, found[-2].end(), found[-1].start()):
            verbs.insert(0, found[-2].group(0))
        if inst.declaration:
            # "Support and implement UNDRIP": every verb of the last run before it counts.
            for verb in verbs:
                if _ENDORSE.fullmatch(verb) or _RATIFY.fullmatch(verb):
                    out.add(Ask("endorse", inst.code))
                elif _IMPLEMENT.fullmatch(verb):
                    out.add(Ask("implement", inst.code))
        elif any(_RATIFY.fullmatch(v) for v in verbs) or _REMAINING_LIST.search(folded, 0, pos):
            out.add(Ask("ratify", inst.code))
    if _COMPLAINTS.search(folded):
        out.add(Ask("accept", "ICERD-14"))
    if not out and _REMAINING.search(folded):
        out.add(Ask("ratify", "ANY"))
    return tuple(sorted(out))
