"""Decoding a text import in one encoding for the whole file, or refusing it with the row named.

A byte-order mark decides (UTF-8, UTF-16 or UTF-32, either byte order). Without one, the
encoding named by the user, else UTF-8, else Mac Roman (UPR Info's own). A single-byte
reading (Mac Roman, Latin-1, cp1252 …) is refused when the bytes hold UTF-8 text in
places: read one byte at a time, a UTF-8 'ā' becomes 'ƒÅ', so a file mixing the two would
be imported garbled without a word. The rows are numbered as the CSV reader numbers them
(the header is row 1; a quoted cell may span lines).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import re
from collections.abc import Iterator, Sequence

from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.importers.base import ImportFailed

FALLBACK = "mac_roman"
# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (  # (mark, codec that reads it, family)
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
# One well-formed UTF-8 sequence of two to four bytes (RFC 3629: no overlong forms, no
# surrogates), else one byte of 0x80-0xFF that starts none: scanned left to right.
_UTF8_OR_HIGH = re.compile(
    rb"(?P<utf8>[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]"
    rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})"
    rb"|(?P<high>[\x80-\xff])")
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _fail(name: str, row: int, message: str) -> ImportFailed:
    return ImportFailed([RowProblem(name, row, "", message)])


def _family(encoding: str) -> str:
    """'utf-8', 'utf-16', 'utf-32' or '' for the codec's name (LookupError if none)."""
    codec = codecs.lookup(encoding).name
    for family in ("utf-32", "utf-16", "utf-8"):
        if codec.startswith(family):
            return family
    return ""


def is_single_byte(encoding: str) -> bool:
    """True for a codec that reads each byte of 0x80-0xFF alone as one character (Latin-1,
    cp1252, Mac Roman …); False for UTF-8, UTF-16, and multi-byte codecs (GBK, Shift JIS)."""
    alone = sum(len(bytes([b]).decode(encoding, "ignore")) == 1 for b in range(0x80, 0x100))
    return alone >= 96


def record_starts(text: str) -> list[int]:
    """Where each CSV record of `text` starts (an offset into it); the first is the header."""
    where = [0]

    def lines() -> Iterator[str]:
        for match in _PHYSICAL_LINE.finditer(text):
            where[0] = match.end()
            yield match.group()

    starts, start = [], 0
    try:
        for _record in csv.reader(lines()):
            starts.append(start)
            start = where[0]
    except csv.Error:  # a damaged tail: what was read still numbers the rows before it
        pass
    if start < len(text) or not starts:
        starts.append(start)
    return starts


def rows_of(text: str, offsets: Sequence[int]) -> list[int]:
    """The CSV row (1 = the header) holding each offset into `text`."""
    starts = record_starts(text)
    return [max(1, bisect.bisect_right(starts, offset)) for offset in offsets]


def _context(data: bytes, start: int, end: int, encoding: str) -> str:
    """A few characters around data[start:end], read in `encoding`, for a message."""
    left = data.rfind(b"\n", max(0, start - 24), start) + 1 or max(0, start - 24)
    right = min(len(data), end + 24)
    newline = data.find(b"\n", end, right)
    snippet = data[left:newline if newline >= 0 else right].decode(encoding, "backslashreplace")
    return " ".join(snippet.split())


def _refuse_utf8_inside(data: bytes, name: str, encoding: str, named: bool) -> None:
    """ImportFailed naming the rows when bytes meant to be read `encoding` (one byte at a
    time) hold well-formed UTF-8 sequences; nothing when they hold none."""
    utf8: list[tuple[int, int]] = []
    other: list[tuple[int, int]] = []
    for match in _UTF8_OR_HIGH.finditer(data):
        (utf8 if match.lastgroup == "utf8" else other).append(match.span())
    if not utf8:
        return
    latin = data.decode("latin-1")  # one character per byte: offsets stay as they are
    utf8_rows = sorted(set(rows_of(latin, [s for s, _ in utf8])))
    first = utf8[0]
    example = _context(data, first[0], first[1], "utf-8")
    as_read = data[first[0]:first[1]].decode(encoding, "replace")
    shown = data[first[0]:first[1]].decode("utf-8")
    if not other:  # all of it is UTF-8, and it was to be read as something else
        raise _fail(name, utf8_rows[0], f"is UTF-8 text ({example!r}), not {encoding}: read "
                    f"as {encoding} its {shown!r} would become {as_read!r}; import it "
                    "without naming an encoding")
    other_rows = sorted(set(rows_of(latin, [s for s, _ in other])))
    byte = data[other[0][0]]
    problems = [
        RowProblem(name, utf8_rows[0], "",
                   f"the file mixes encodings: this row is UTF-8 ({example!r}, "
                   f"{len(utf8_rows)} such row(s)) but row {other_rows[0]} is not "
                   f"(byte 0x{byte:02X}: {_context(data, other[0][0], other[0][1], 'utf-8')!r}, "
                   f"{len(other_rows)} such row(s)); read "
                   f"{'as ' + encoding if named else 'one byte at a time'}, {shown!r} would "
                   f"become {as_read!r}. Save the whole file as UTF-8 and import it again"),
        RowProblem(name, other_rows[0], "",
                   f"is not UTF-8 (byte 0x{byte:02X}) while row {utf8_rows[0]} is"),
    ]
    if len(other_rows) < len(utf8_rows):  # name the odd row out first
        problems.reverse()
    raise ImportFailed(problems)


def _decode_error(data: bytes, name: str, codec: str, skip: int,
                  exc: UnicodeDecodeError, what: str) -> ImportFailed:
    """The row of the first bytes that do not decode, from the text decoded before them."""
    body = data[skip:]
    prefix = body[:exc.start].decode(codec, "replace")
    row = rows_of(prefix + "x", [len(prefix)])[0]
    bad = body[exc.start:exc.end].hex(" ").upper()
    return _fail(name, row, f"cannot be read as {what}: bytes {bad} are not {what} "
                            f"({exc.reason}); save the whole file in one encoding")


def _no_binary(text: str, name: str, hint: str = "") -> str:
    if "\x00" in text:
        row = rows_of(text, [text.index("\x00")])[0]
        raise _fail(name, row, f"is a binary file, not a CSV text file{hint}")
    return text


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """The text of a CSV file in one encoding; ImportFailed naming the row otherwise.

    A byte-order mark decides (an encoding given must agree with it); else `encoding`; else
    UTF-8, else Mac Roman. A single-byte reading is refused when the bytes hold UTF-8.
    """
    for bom, codec, family in _BOMS:
        if data.startswith(bom):
            if encoding:
                try:
                    given = _family(encoding)
                except LookupError:
                    raise _fail(name, 0, f"{encoding!r} is not an encoding") from None
                if given != family:
                    raise _fail(name, 1, f"starts with the byte-order mark of {family.upper()}"
                                f", so it cannot be read as {encoding}")
            skip = len(bom) if codec == "utf-8-sig" else 0
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _decode_error(data, name, codec, skip, exc, family.upper()) from None
            return _no_binary(text, name)
    if encoding:
        try:
            family = _family(encoding)
        except LookupError:
            raise _fail(name, 0, f"{encoding!r} is not an encoding") from None
        if not family and is_single_byte(encoding):
            _refuse_utf8_inside(data, name, encoding, named=True)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _decode_error(data, name, encoding, 0, exc, encoding) from None
        return _no_binary(text, name)
    if b"\x00" in data:
        _no_binary(data.decode("latin-1"), name,
                   " (or UTF-16 without a byte-order mark: name its encoding, utf-16-le "
                   "or utf-16-be)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    _refuse_utf8_inside(data, name, FALLBACK, named=False)
    return data.decode(FALLBACK)
