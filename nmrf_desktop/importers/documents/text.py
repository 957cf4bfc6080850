"""Text helpers shared by the document readers: cleaning, dates, positions, paragraph refs."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from nmrf_desktop.domain.enums import Position

MONTHS = {name.casefold(): n for n, name in enumerate(calendar.month_name) if name}
_MONTH = "|".join(name for name in calendar.month_name if name)
DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)

# White space that is not a plain space, and marks that only steer line breaking.
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2000-\u200a\t\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def clean(text: str) -> str:
    """One line of text: non-breaking spaces and tabs made spaces, soft hyphens and
    zero-width marks dropped, non-breaking hyphens made hyphens, runs of spaces collapsed."""
    text = _INVISIBLE.sub("", text).replace("\u2011", "-")
    return re.sub(r" {2,}", " ", _SPACES.sub(" ", text)).strip()


def clean_lines(text: str) -> list[str]:
    """The non-empty cleaned lines of a cell or paragraph."""
    return [c for c in (clean(line) for line in text.replace("\r", "\n").split("\n")) if c]


def parse_date(text: str) -> dt.date | None:
    """The first '22 September 2017' in `text`, or None."""
    m = DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), MONTHS[m.group(2).casefold()], int(m.group(1)))
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole months (the 31st becomes the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_POSITIONS: tuple[tuple[re.Pattern[str], Position], ...] = (
    (re.compile(r"supported\s*/\s*noted|noted\s*/\s*supported|in part|partial|partly",
                re.I), Position.SUPPORTED_IN_PART),
    (re.compile(r"not\s+(?:supported|accepted)|noted|rejected|take[sn]? note", re.I),
     Position.NOTED),
    (re.compile(r"supported|accepted|support", re.I), Position.SUPPORTED),
    (re.compile(r"not applicable|n/a", re.I), Position.NOT_APPLICABLE),
)


def position_of(text: str) -> Position | None:
    """The State's position as a matrix or addendum words it, or None when it says none."""
    for pattern, position in _POSITIONS:
        if pattern.search(text):
            return position
    return None


_REF = re.compile(r"(\d{1,3})|\(\s*([a-z])\s*\)")


def paragraph_refs(text: str) -> list[str]:
    """'12, 20 (a) and (b) and 31' -> ['12', '20(a)', '20(b)', '31']: a number starts a
    reference, letters in parentheses after it are its sub-paragraphs."""
    refs: list[tuple[str, list[str]]] = []
    for m in _REF.finditer(text):
        if m.group(1):
            refs.append((m.group(1), []))
        elif refs:
            refs[-1][1].append(m.group(2))
    out: list[str] = []
    for number, letters in refs:
        out.extend([f"{number}({x})" for x in letters] or [number])
    return out


_UNITS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
          "ninth")
_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
          "sixteenth", "seventeenth", "eighteenth", "nineteenth")
_TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60, "sevent": 70,
         "eight": 80, "ninet": 90}


def ordinal_number(word: str) -> int | None:
    """'thirty-fourth' -> 34, 'fortieth' -> 40, '34th' -> 34; None if not an ordinal."""
    word = word.casefold().strip()
    if m := re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", word):
        return int(m.group(1))
    if word in _UNITS[1:]:
        return _UNITS.index(word)
    if word in _TEENS:
        return 10 + _TEENS.index(word)
    head, _, unit = word.partition("-")
    for stem, tens in _TENS.items():
        if head == stem + "ieth" and not unit:
            return tens
        if head == stem + "y" and unit in _UNITS[1:]:
            return tens + _UNITS.index(unit)
    return None
