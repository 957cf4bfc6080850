"""Indicator values in the Open SDG data layout (CSV or XLSX): read them, or refuse the file.

The layout national SDG platforms publish (open-sdg.org; e.g. the UK's ONSdigital/sdg-data
`data/indicator_16-3-2.csv`): one row per value, a `Year` column (2019, 2019 Q1, 2011/12,
2017-19) and a `Value` column, the optional attribute columns `Units`, `Observation
status`, `Unit multiplier`, `Unit measure` and `GeoCode`, and every other column a
disaggregation (`Sex`, `Age`, `Series`, `Ethnicity` …); a blank disaggregation cell is the
total for that dimension. Units tell series apart too: one file may hold a count and a rate
of the same group. A row with no value is a missing observation (Open SDG keeps them),
skipped and counted. Anything else wrong refuses the whole file, every problem named by
file, row and column; nothing is half read.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from nmrf_desktop.domain.indicators import (
    ValueIn,
    canonical_disaggregation,
    canonical_number,
    parse_period,
)
from nmrf_desktop.domain.records import RowProblem
from nmrf_desktop.domain.text import squash
from nmrf_desktop.importers.base import ImportFailed, check_text_cell, cut, read_file
from nmrf_desktop.importers.text_encoding import decode

log = logging.getLogger(__name__)

YEAR, VALUE, UNITS, OBS_STATUS = "Year", "Value", "Units", "Observation status"
MULTIPLIER, MEASURE, GEOCODE = "Unit multiplier", "Unit measure", "GeoCode"
RESERVED = (YEAR, VALUE, UNITS, OBS_STATUS, MULTIPLIER, MEASURE, GEOCODE)
ATTRIBUTES = (MULTIPLIER, MEASURE, GEOCODE)  # kept with each value, as imported
MAX_HEADER = 100
MAX_CELL = 500
MAX_PROBLEMS = 50
MAX_ENTRIES = 10_000
MAX_UNPACKED = 1 << 30
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _folded(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_BY_FOLDED = {_folded(name): name for name in RESERVED}


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, for telling a misspelt reserved column from a disaggregation."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[:], i
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
    return row[-1]


def near_miss(name: str) -> str | None:
    """The reserved column a header seems to misspell ('Valeu' -> 'Value'), or None."""
    folded = _folded(name)
    if len(folded) < 4 or folded in _BY_FOLDED:
        return None
    for reserved_folded, reserved in _BY_FOLDED.items():
        if _distance(folded, reserved_folded) <= 2:
            return reserved
    return None


def close_name(name: str, known: set[str]) -> str | None:
    """The one of `known` a new disaggregation's name seems to misspell ('Ethnicty' ->
    'Ethnicity'), or None: within two edits, ignoring case and punctuation."""
    folded = _folded(name)
    if len(folded) < 4 or any(_folded(k) == folded for k in known):
        return None
    close = sorted(k for k in known if len(_folded(k)) >= 4
                   and _distance(folded, _folded(k)) <= 2)
    return close[0] if close else None


def unknown_dimensions(parsed: ValuesParsed, known: set[str]) -> list[RowProblem]:
    """A problem for each of the file's disaggregations that seems to misspell one the
    indicator already has: imported, it would start a second, parallel series."""
    out = []
    for dimension in parsed.dimensions:
        guess = None if dimension in known else close_name(dimension, known)
        if guess is not None:
            out.append(RowProblem(parsed.file, parsed.header_row, dimension,
                                  f"unknown column in cell {parsed.cells.get(dimension, '?')}:"
                                  f" did you mean {guess!r}, a disaggregation this indicator "
                                  f"already has? (a new disaggregation needs a name not so "
                                  f"close to one it has)"))
    return out


@dataclass(slots=True)
class ValuesParsed:
    """A file's values, the rows without a value, its layout and disaggregation columns."""

    file: str
    values: list[ValueIn] = field(default_factory=list)
    missing: int = 0
    layout: str = ""
    dimensions: tuple[str, ...] = ()
    header_row: int = 0
    cells: dict[str, str] = field(default_factory=dict)  # disaggregation -> header cell, 'B1'


@dataclass(slots=True)
class _Header:
    """Where each column is: a reserved column's name, a disaggregation's, or None (blank)."""

    row: int
    columns: list[str | None]
    reserved: dict[str, int]
    dimensions: list[tuple[int, str]]


def parse_values(path: Path, encoding: str | None = None) -> ValuesParsed:
    """Read one file of values (CSV or XLSX, told by its content); ImportFailed otherwise."""
    path = Path(path)
    return parse_bytes(read_file(path), path.name, encoding)


def parse_bytes(data: bytes, name: str, encoding: str | None = None) -> ValuesParsed:
    """Read the bytes of one file of values, named `name` in messages."""
    if not data.strip():
        raise ImportFailed([RowProblem(name, 0, "", "the file is empty")])
    if data.startswith(_OLE2):
        raise ImportFailed([RowProblem(name, 0, "", "is an Excel 97-2003 (.xls) or "
                                       "password-protected workbook; save it as .xlsx or CSV")])
    if data.startswith(_ZIP):
        return _parse_rows(_xlsx_rows(data, name), name, "Open SDG layout, XLSX")
    text = decode(data, name, encoding)
    return _parse_rows(_csv_rows(text), name, "Open SDG layout, CSV")


# -- reading cells ---------------------------------------------------------------------------

# One row: its number (1 = the first) and its cells as (value, data type) pairs; the data
# type is openpyxl's ('s', 'n', 'f', 'e', 'b', 'd'), 's' for every CSV cell.
_Row = tuple[int, list[tuple[Any, str]]]


def _csv_rows(text: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [(c, "s") for c in cells]
    except csv.Error as exc:
        raise ImportFailed([RowProblem("", reader.line_num, "",
                                       f"is not a well-formed CSV row ({exc})")]) from None


def _check_archive(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ImportFailed([RowProblem(name, 0, "", "is not an XLSX workbook, or it is "
                                       f"damaged or truncated ({exc})")]) from None
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
        raise ImportFailed([RowProblem(name, 0, "", "is too large to be a workbook of values")])
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise ImportFailed([RowProblem(name, 0, "", "is a zip archive but not an XLSX "
                                       "workbook (no xl/workbook.xml)")])


def _xlsx_rows(data: bytes, name: str) -> Iterator[_Row]:
    """The first worksheet's rows (read-only, formulas as written, never run)."""
    _check_archive(data, name)
    number = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl on styles and extensions it ignores
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                if not book.worksheets:
                    raise ImportFailed([RowProblem(name, 0, "", "the workbook has no sheet")])
                rows = list(book.worksheets[0].iter_rows())
            finally:
                book.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        log.debug("cannot read %s", name, exc_info=True)
        raise ImportFailed([RowProblem(name, number, "", "the workbook is damaged or "
                                       f"truncated ({type(exc).__name__}: {exc})")]) from None
    for number, cells in enumerate(rows, start=1):
        yield number, [(getattr(c, "value", None), getattr(c, "data_type", "n") or "n")
                       for c in cells]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', whitespace squashed, NFC."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _squashed(value if isinstance(value, str) else str(value))


@functools.lru_cache(maxsize=16384)
def _squashed(text: str) -> str:
    return unicodedata.normalize("NFC", squash(text))


@functools.lru_cache(maxsize=16384)  # a file repeats its labels on every row
def _string_cell(value: str) -> tuple[bool, str | None, str]:
    """(blank, why it cannot be read, its text) of a text cell."""
    if not value.strip():
        return True, None, ""
    return False, _unsafe_text(value), _squashed(value)


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[RowProblem] = []
        self.count = 0  # all of them, also those past MAX_PROBLEMS

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(RowProblem(self.name, row, column, message))

    def check(self) -> None:
        if self.items:
            raise ImportFailed(self.items)


def _unsafe(value: Any, data_type: str) -> str | None:
    """Why a cell cannot be read as data: a formula, an error, a control character, text a
    spreadsheet would run."""
    if data_type == "f":
        return f"is a formula ({str(value)[:40]!r}); the file holds values only"
    if data_type == "e":
        return f"holds the spreadsheet error {value}"
    return _unsafe_text(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=16384)  # a file repeats its labels on every row
def _unsafe_text(value: str) -> str | None:
    if value.startswith("="):
        return f"is a formula ({value[:40]!r}); the file holds values only"
    if ILLEGAL_CHARACTERS_RE.search(value.replace("\t", " ").replace("\n", " ")
                                    .replace("\r", " ")):
        return "holds a control character; retype the value"
    problem = check_text_cell(value.strip(), "", 0, "")
    return problem.message if problem else None


# -- the header ------------------------------------------------------------------------------


def _header(number: int, cells: list[tuple[Any, str]], data_columns: set[int],
            problems: _Problems) -> _Header:
    columns: list[str | None] = []
    reserved: dict[str, int] = {}
    dimensions: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index, (value, data_type) in enumerate(cells):
        letter = get_column_letter(index + 1)
        if _blank(value):
            columns.append(None)
            if index in data_columns:
                problems.add(number, f"column {letter}", "the header is blank but the column "
                             "holds values: name the disaggregation in the header row")
            continue
        why = _unsafe(value, data_type)
        label = _text(value)
        if why:
            problems.add(number, label[:40], f"the header in cell {letter}{number} {why}")
            columns.append(None)
            continue
        if len(label) > MAX_HEADER:
            problems.add(number, label[:40] + "…", f"the header in cell {letter}{number} "
                         f"is longer than {MAX_HEADER} characters")
        name = _BY_FOLDED.get(_folded(label), label)
        guess = near_miss(label)
        if guess is not None:
            problems.add(number, label, f"unknown column in cell {letter}{number}: did you "
                         f"mean {guess!r}? (any other name is a disaggregation)")
        folded = name.casefold()
        if folded in seen:
            problems.add(number, label, f"appears twice in the header row (cells "
                         f"{get_column_letter(seen[folded] + 1)}{number} and "
                         f"{letter}{number})")
            columns.append(None)
            continue
        seen[folded] = index
        columns.append(name)
        if name in RESERVED:
            reserved[name] = index
        else:
            dimensions.append((index, name))
    for required in (YEAR, VALUE):
        if required not in reserved:
            problems.add(number, required, f"no {required} column: the Open SDG layout has a "
                         "Year and a Value column (every other column is a disaggregation "
                         "or one of Units, Observation status, Unit multiplier, Unit "
                         "measure, GeoCode)")
    return _Header(number, columns, reserved, dimensions)


# -- the rows --------------------------------------------------------------------------------


def _parse_rows(rows: Iterator[_Row], name: str, layout: str) -> ValuesParsed:
    problems = _Problems(name)
    try:
        table = [(n, cells) for n, cells in rows if not all(_blank(v) for v, _t in cells)]
    except ImportFailed as exc:  # a malformed CSV: name the file
        raise ImportFailed([RowProblem(name, p.row, p.column, p.message)
                            for p in exc.problems]) from None
    if not table:
        raise ImportFailed([RowProblem(name, 0, "", "the file is empty")])
    head_number, head_cells = table[0]
    body = table[1:]
    blanks = {i for i, (v, _t) in enumerate(head_cells) if _blank(v)}
    data_columns = {i for _n, cells in body for i, (v, _t) in enumerate(cells)
                    if i in blanks and not _blank(v)} if blanks else set()
    header = _header(head_number, head_cells, data_columns, problems)
    problems.check()
    if not body:
        raise ImportFailed([RowProblem(name, head_number, "", "holds a header row but no "
                                       "values")])
    out = ValuesParsed(file=name, layout=layout,
                       dimensions=tuple(n for _i, n in header.dimensions),
                       header_row=head_number,
                       cells={n: f"{get_column_letter(i + 1)}{head_number}"
                              for i, n in header.dimensions})
    first_row: dict[str, int] = {}
    for number, cells in body:
        found = _row(number, cells, header, problems)
        if found is None:
            out.missing += 1
            continue
        if not isinstance(found, ValueIn):
            continue
        key = found.key
        if key in first_row:
            problems.add(number, YEAR, f"repeats row {first_row[key]}: the same period "
                         f"({found.period}) and disaggregation "
                         f"({_describe(found)}) twice; keep one row")
            continue
        first_row[key] = number
        out.values.append(found)
    problems.check()
    return out


def _describe(value: ValueIn) -> str:
    items = json.loads(value.disaggregation)
    text = ", ".join(f"{k}: {v}" for k, v in items.items()) or "total"
    return f"{text}; units {value.units}" if value.units else text


def _row(number: int, cells: list[tuple[Any, str]], header: _Header,
         problems: _Problems) -> ValueIn | bool | None:
    """The row's value; None for a row with no value (a missing observation); False when
    a problem was found (recorded in `problems`)."""
    before = problems.count
    reported: set[str] = set()
    texts: dict[int, str] = {}
    columns = header.columns
    for index, (value, data_type) in enumerate(cells):
        if value is None or value == "":
            continue
        column = columns[index] if index < len(columns) else None
        if column == VALUE and data_type not in ("f", "e"):
            continue  # a number, or refused as one ('-2.5e-05' is no formula there)
        if data_type == "s" and isinstance(value, str):
            blank, why, text = _string_cell(value)  # the common case: a label, cached
            if blank:
                continue
        else:
            why, text = _unsafe(value, data_type), ""
        if column is None:
            problems.add(number, f"column {get_column_letter(index + 1)}",
                         "holds a value but its column has no header")
            continue
        if why:
            problems.add(number, column, why)
            reported.add(column)
            continue
        if column == VALUE:
            continue
        text = text or _text(value)
        if len(text) > MAX_CELL:
            problems.add(number, column, f"is longer than {MAX_CELL} characters")
            continue
        texts[index] = text
    year_at, value_at = header.reserved[YEAR], header.reserved[VALUE]
    raw_year = cells[year_at][0] if year_at < len(cells) else None
    raw_value = cells[value_at][0] if value_at < len(cells) else None
    period = None
    if _blank(raw_year):
        problems.add(number, YEAR, "is empty: every value needs its year or period")
    elif YEAR not in reported:
        period = parse_period(raw_year) if cells[year_at][1] in ("s", "n") else None
        if period is None:
            problems.add(number, YEAR, f"{cut(_text(raw_year))} is not a year or period "
                         "(write 2019, 2019-Q1, 2019/20 or 2017-19)")
    if problems.count > before:
        return False
    if _blank(raw_value):
        return None
    if VALUE in reported:
        return False
    number_text = canonical_number(raw_value)
    if number_text is None:
        problems.add(number, VALUE, f"{cut(_text(raw_value))} is not a number (write it "
                     "with a point for decimals and no thousands separators, e.g. 1234.5)")
        return False
    assert period is not None
    disaggregation = canonical_disaggregation(
        {name: texts[i] for i, name in header.dimensions if i in texts})
    found = {name: texts[header.reserved[name]] for name in ATTRIBUTES
             if name in header.reserved and header.reserved[name] in texts}
    attributes = json.dumps(found, ensure_ascii=False, sort_keys=True,
                            separators=(",", ":")) if found else "{}"

    def attribute(name: str) -> str:
        at = header.reserved.get(name)
        return texts.get(at, "") if at is not None else ""

    return ValueIn(period=period.text, value=number_text, disaggregation=disaggregation,
                   units=attribute(UNITS), observation_status=attribute(OBS_STATUS),
                   attributes=attributes, row=number)


# -- writing the same layout -----------------------------------------------------------------


def layout_rows(values: Sequence[ValueIn]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of `values` in the Open SDG layout: Year, the disaggregations
    (in name order), Units, Observation status, Unit multiplier, Unit measure, GeoCode (each
    when any value has it), Value."""
    dims: dict[str, None] = {}
    parsed = []
    for value in values:
        items = json.loads(value.disaggregation)
        attributes = json.loads(value.attributes)
        dims.update(dict.fromkeys(items))
        parsed.append((value, items, attributes))
    present = [name for name in (UNITS, OBS_STATUS, *ATTRIBUTES) if any(
        (v.units if name == UNITS else v.observation_status if name == OBS_STATUS
         else a.get(name, "")) for v, _i, a in parsed)]
    header = [YEAR, *sorted(dims), *present, VALUE]
    rows = []
    for value, items, attributes in parsed:
        cells = {UNITS: value.units, OBS_STATUS: value.observation_status, **attributes}
        rows.append([value.period, *(items.get(d, "") for d in sorted(dims)),
                     *(cells.get(name, "") for name in present), value.value])
    return header, rows


def csv_bytes(values: Sequence[ValueIn]) -> bytes:
    """The values as an Open SDG CSV file: UTF-8, comma-separated, LF line ends."""
    header, rows = layout_rows(values)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(target: Path | IO[bytes], values: Sequence[ValueIn]) -> None:
    """The values as an Open SDG XLSX workbook (one sheet, numbers as numbers)."""
    header, rows = layout_rows(values)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(header)
    for row in rows:
        number = row[-1]
        sheet.append([*row[:-1], int(number) if number.lstrip("-").isdigit()
                      else float(number)])
    book.save(target)
