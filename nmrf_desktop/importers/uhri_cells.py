"""UHRI cell values: "- " items, paragraph numbers, SDG labels and dates."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl.utils.datetime import from_excel

from nmrf_desktop.domain.text import squash

# Short names real exports use for special procedures: "SR ...", "IE ...", "WG ...".
_PARAGRAPH = re.compile(r"(\d{1,4}(?:\.\d{1,4})*)(\.?)\s*")
_SUB_PARAGRAPH = re.compile(r"\(([a-z]{1,4}|\d{1,2})\)\s*", re.IGNORECASE)
_SDG = re.compile(r"(\d{1,2}(?:\.[0-9a-z]{1,2})?)\s*[-–—:]\s*(\S.*)", re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_EARLIEST, _LATEST = dt.date(1945, 1, 1), dt.date(2100, 12, 31)


def strip_dash(value: str) -> str:
    """'New Zealand' from '- New Zealand'; a lone '-' is an empty value."""
    value = value.strip()
    if value == "-":
        return ""
    return value[2:] if value.startswith("- ") else value


def split_paragraph(text: str) -> tuple[str, str]:
    """('26.1', 'Ensure ...') from '26.1 Ensure ...'; ('26(a)', ...) from '26. (a) ...'.

    A bare number without a dot ('2030 Agenda ...') is text, not a paragraph number.
    """
    match = _PARAGRAPH.match(text)
    if not match or ("." not in match.group(1) and not match.group(2)):
        return "", text
    paragraph, rest = match.group(1), text[match.end():]
    sub = _SUB_PARAGRAPH.match(rest)
    if sub:
        paragraph, rest = f"{paragraph}({sub.group(1)})", rest[sub.end():]
    if not rest[:1].isalpha() and rest[:1] not in "(\"'“‘«":
        return "", text
    return paragraph, rest


def sdg_label(value: str) -> str:
    """'16.3 - Promote the rule of law' from '16.3 -  Promote the rule  of law'."""
    match = _SDG.fullmatch(value)
    return f"{match.group(1)} - {match.group(2)}" if match else value


def to_date(value: object, epoch: dt.datetime) -> dt.date | None:
    """A date from an Excel serial number, a date cell, or ISO / dd/mm/yyyy text.

    Raises ValueError for anything else, or for a date outside 1945-2100.
    """
    if value is None:
        return None
    day = _date_of(value, epoch)
    if day is not None and not _EARLIEST <= day <= _LATEST:
        raise ValueError(f"{day.isoformat()} is not a plausible publication date")
    return day


def _date_of(value: object, epoch: dt.datetime) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value), epoch)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = squash(strip_dash(value))
    if not text:
        return None
    try:
        day = _text_date(text, epoch)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None
    if day is None:
        raise ValueError(f"{text!r} is not a date (expected an Excel date, yyyy-mm-dd or "
                         f"dd/mm/yyyy)")
    return day


def _text_date(text: str, epoch: dt.datetime) -> dt.date | None:
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial(float(text), epoch)
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text[:10])
    if match := _DMY.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _serial(value: float, epoch: dt.datetime) -> dt.date:
    if not 1 <= value < 2958466:
        raise ValueError(f"{value:g} is not an Excel date serial number")
    moment: dt.datetime = from_excel(value, epoch)  # openpyxl is untyped
    return moment.date()
