"""Writes an Excel 97-2003 (.xls, BIFF8) workbook as UPR Info's database export does, for tests.

xlwt is unmaintained and LibreOffice is not on the build machines, so this is a small
writer of the two published formats: [MS-CFB] (the compound file) holding a `Workbook`
stream in [MS-XLS] BIFF8 records — BOF, CODEPAGE 1200, FONT, 16 XF, STYLE, WINDOW1,
BOUNDSHEET, SST (with CONTINUE records for long strings) and EOF; the sheet's BOF,
DIMENSIONS, LABELSST and NUMBER cells, WINDOW2 and EOF. Numbers are written as NUMBER
records (UPR Info writes Action and Session so: 5.0, 18.0).

`phpexcel_chain=True` reproduces the quirk of the real export (PHPExcel's OLE writer): the
sector chain of the root entry's mini-stream container runs on into the Workbook stream,
so xlrd calls the file corrupt ("Workbook corruption: seen[3] == 4") unless it is told to
read past it, as Excel does. The real files (rochelleterman/uprs, v.2/Data/XLSs/) show it.
"""

from __future__ import annotations

import itertools
import math
import struct
from collections.abc import Sequence
from pathlib import Path

Cell = str | int | float | None

_SECTOR = 512
_MINI = 64
_FREE, _END, _FATSECT = -1, -2, -3
_RECORD_MAX = 8224  # bytes of data in one BIFF8 record


def _record(rtype: int, data: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _short_string(text: str) -> bytes:
    """ShortXLUnicodeString: 8-bit count, flags, characters (compressed when Latin-1)."""
    try:
        return struct.pack("<BB", len(text), 0) + text.encode("latin-1")
    except UnicodeEncodeError:
        return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


def _sst(strings: Sequence[str]) -> bytes:
    """SST and its CONTINUE records; a string that does not fit goes on in the next record
    after a fresh flags byte, as [MS-XLS] 2.4.265 requires."""
    records: list[bytes] = []
    current = bytearray(struct.pack("<II", len(strings), len(strings)))
    rtype = 0x00FC
    for text in strings:
        chars = text.encode("utf-16-le")
        if len(current) + 3 + 2 > _RECORD_MAX:  # the header and one character must fit
            records.append(_record(rtype, bytes(current)))
            current, rtype = bytearray(), 0x003C
        current += struct.pack("<HB", len(text), 1)
        while chars:
            room = (_RECORD_MAX - len(current)) // 2 * 2
            current += chars[:room]
            chars = chars[room:]
            if chars:
                records.append(_record(rtype, bytes(current)))
                current, rtype = bytearray(b"\x01"), 0x003C
    records.append(_record(rtype, bytes(current)))
    return b"".join(records)


def workbook_stream(rows: Sequence[Sequence[Cell]], sheet_name: str) -> bytes:
    """The BIFF8 `Workbook` stream of one worksheet holding `rows`."""
    strings: list[str] = []
    index: dict[str, int] = {}
    for row in rows:
        for value in row:
            if isinstance(value, str) and value not in index:
                index[value] = len(strings)
                strings.append(value)
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x000100C1, 0x00000006)
    font = struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _short_string("Arial")
    style_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    cell_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    head = b"".join([
        _record(0x0809, bof),
        _record(0x0042, struct.pack("<H", 1200)),           # CODEPAGE: UTF-16
        _record(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x4000, 0x2000, 0x38, 0, 0, 1, 600)),
        _record(0x0022, struct.pack("<H", 0)),               # DATEMODE: 1900
        *[_record(0x0031, font)] * 5,
        *[_record(0x00E0, style_xf)] * 15,
        _record(0x00E0, cell_xf),                            # XF 15: every cell's
        _record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF)),  # STYLE: Normal
    ])
    name = _short_string(sheet_name)
    boundsheet_size = 4 + 4 + 2 + len(name)
    tail = _sst(strings) + _record(0x000A, b"")
    sheet_offset = len(head) + boundsheet_size + len(tail)
    globals_ = head + _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + name) + tail
    width = max((len(r) for r in rows), default=0)
    cells = bytearray()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                cells += _record(0x00FD, struct.pack("<HHHI", r, c, 15, index[value]))
            elif value is not None:
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 15, float(value)))
    sheet = b"".join([
        _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6)),
        _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)),
        bytes(cells),
        _record(0x023E, struct.pack("<HHHHHHHI", 0x06B6, 0, 0, 64, 0, 0, 0, 0)),
        _record(0x000A, b""),
    ])
    return globals_ + sheet


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


def _dir_entry(name: str, kind: int, start: int, size: int, *, left: int = -1,
               right: int = -1, child: int = -1) -> bytes:
    raw = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack("<64sHBBiii16sIQQiII", raw, len(raw), kind, 1, left, right, child,
                       b"\x00" * 16, 0, 0, 0, start, size, 0)


def compound_file(workbook: bytes, *, phpexcel_chain: bool = False,
                  stream: str = "Workbook") -> bytes:
    """[MS-CFB] version 3: the Workbook stream and a SummaryInformation stream (in the mini
    stream), as Excel 97 files hold them. `stream` names the main stream otherwise (an
    encrypted Office file's is "EncryptedPackage")."""
    workbook = workbook + b"\x00" * max(0, 4096 - len(workbook))  # a regular stream
    summary = b"\xfe\xff\x00\x00" + b"\x00" * 404                 # 408 bytes, like PHPExcel's
    mini_sectors = math.ceil(len(summary) / _MINI)
    mini_stream = _pad(summary, _MINI)
    container = _pad(mini_stream, _SECTOR)
    # Sector plan: 0 mini FAT, then the root's container, the Workbook, the directory.
    minifat_sid = 0
    container_sids = list(range(1, 1 + len(container) // _SECTOR))
    wb_first = container_sids[-1] + 1
    wb_sids = list(range(wb_first, wb_first + len(_pad(workbook, _SECTOR)) // _SECTOR))
    dir_sid = wb_sids[-1] + 1
    used = dir_sid + 1
    fat_sectors = 1
    while used + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    fat_sids = list(range(used, used + fat_sectors))
    fat = [_FREE] * (fat_sectors * (_SECTOR // 4))
    fat[minifat_sid] = _END
    for sids in (container_sids, wb_sids):
        for a, b in itertools.pairwise(sids):
            fat[a] = b
        fat[sids[-1]] = _END
    if phpexcel_chain:  # the container's chain runs on into the Workbook stream
        fat[container_sids[-1]] = wb_first
    fat[dir_sid] = _END
    for sid in fat_sids:
        fat[sid] = _FATSECT
    minifat = [_FREE] * (_SECTOR // 4)
    for i in range(mini_sectors):
        minifat[i] = i + 1 if i + 1 < mini_sectors else _END
    directory = b"".join([
        _dir_entry("Root Entry", 5, container_sids[0], len(mini_stream), child=1),
        _dir_entry(stream, 2, wb_first, len(workbook), right=2),
        _dir_entry("\x05SummaryInformation", 2, 0, len(summary)),
        _dir_entry("", 0, _FREE, 0),
    ])
    difat = fat_sids + [_FREE] * (109 - len(fat_sids))
    header = struct.pack("<8s16sHHHHH6sIIiIIiIiI109i", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         b"\x00" * 16, 0x003E, 3, 0xFFFE, 9, 6, b"\x00" * 6, 0, fat_sectors,
                         dir_sid, 0, 4096, minifat_sid, 1, _END, 0, *difat)
    return b"".join([
        header,
        _pad(struct.pack(f"<{len(minifat)}i", *minifat), _SECTOR),
        container,
        _pad(workbook, _SECTOR),
        _pad(directory, _SECTOR),
        struct.pack(f"<{len(fat)}i", *fat),
    ])


def write_xls(path: Path, rows: Sequence[Sequence[Cell]], *,
              sheet_name: str = "UPR Info database export",
              phpexcel_chain: bool = True) -> Path:
    """Save `rows` (the header first) as an .xls workbook at `path`."""
    path.write_bytes(compound_file(workbook_stream(rows, sheet_name),
                                   phpexcel_chain=phpexcel_chain))
    return path
